"""The pre-commit hook definition others use, and the repository's own use of it."""

from __future__ import annotations

import re

from codepal_gen.formats.yaml import load_data

from .conftest import ROOT


def test_the_hook_checks_without_filenames_on_sources_and_output() -> None:
    hooks = load_data((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    hook = next(h for h in hooks if h["id"] == "codepal-gen-check")
    assert hook["entry"] == "codepal-gen check"
    assert hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    for path in ("environments/prod.yaml", "templates/kubernetes/x.j2", "schemas/a.json", "out/prod/x.yaml"):
        assert pattern.search(path), path
    assert not pattern.search("README.md")


def test_the_repository_uses_its_own_hook() -> None:
    config = load_data((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [h for repo in config["repos"] for h in repo["hooks"]]
    own = next(h for h in hooks if h["id"] == "codepal-gen-check")
    assert own["entry"].endswith("codepal-gen check")
    assert own["pass_filenames"] is False
