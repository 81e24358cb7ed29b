"""CLI conventions: help with examples, version, exit codes, data on stdout, -C."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from codepal_gen import __version__
from codepal_gen.cli import cli

from .conftest import ROOT, Run


@pytest.mark.parametrize("command", [[], *([name] for name in sorted(cli.commands))])
def test_every_command_has_help_with_an_example(command: list[str], run: Run) -> None:
    result = run(*command, "--help")
    assert result.code == 0
    assert "Example:" in result.out
    assert "codepal-gen" in result.out


def test_version(run: Run) -> None:
    result = run("--version")
    assert result.code == 0
    assert result.out == f"codepal-gen, version {__version__}\n"


def test_list_as_json(project: Path, run: Run) -> None:
    result = run("-C", project, "list", "--format", "json")
    assert result.code == 0
    body = json.loads(result.out)
    assert body["environments"] == ["dev", "prod", "staging"]
    assert {"kubernetes", "terraform", "prometheus", "grafana", "dns", "github"} <= set(body["kinds"])


def test_usage_errors_exit_2(run: Run, project: Path) -> None:
    assert run("-C", project, "render").code == 2
    assert run("-C", project, "frobnicate").code == 2
    assert run("-C", project, "check", "--format", "xml").code == 2


def test_root_defaults_to_the_repository_of_the_current_directory(project: Path) -> None:
    (project / ".git").mkdir()
    inner = project / "templates" / "kubernetes"
    result = subprocess.run(
        [sys.executable, "-m", "codepal_gen", "list"], cwd=inner, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0
    assert result.stdout.startswith("environments: dev prod staging\n")


def test_outside_a_project_is_a_clear_error(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "codepal_gen", "check"], cwd=tmp_path, capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "not inside a codepal-gen project" in result.stderr
    assert "Traceback" not in result.stderr


def test_no_colour_when_not_a_terminal_or_with_no_color(
    project: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert run("-C", project, "render", "--all").code == 0
    target = next((project / "out" / "prod").rglob("*.yaml"))
    target.write_text("changed\n", encoding="utf-8")
    result = run("-C", project, "check")
    assert result.code == 1
    assert "\x1b[" not in result.out + result.err


def test_internal_errors_say_so_without_traceback(project: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    from codepal_gen import engine

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(engine, "render", broken)
    result = run("-C", project, "render", "--all")
    assert result.code == 3
    assert result.err.startswith(
        "codepal-gen: internal error (a bug in codepal-gen, not in your input): RuntimeError: boom"
    )
    assert "Traceback" not in result.err


def test_the_repository_output_is_current(run: Run) -> None:
    """The committed out/ is what the sources render (what the pre-commit hook checks)."""
    result = run("-C", ROOT, "check", "--no-cache")
    assert result.code == 0, result.out
