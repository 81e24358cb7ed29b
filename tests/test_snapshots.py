"""Golden output: every environment's full rendered tree (refresh: pytest --snapshot-update)."""

from __future__ import annotations

from pathlib import Path

import pytest
from syrupy.assertion import SnapshotAssertion

ENVIRONMENTS = ["dev", "prod", "staging"]
MANIFEST = ".codepal-gen.json"  # holds the input fingerprint, which changes with any source edit


@pytest.mark.parametrize("env", ENVIRONMENTS)
def test_rendered_tree(env: str, rendered_root: Path, snapshot: SnapshotAssertion) -> None:
    folder = rendered_root / "out" / env
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)
    tree = {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in files}
    assert tree == snapshot
