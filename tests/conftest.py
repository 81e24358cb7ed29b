"""Shared fixtures: the real CLI entry point, and a scratch copy of the project."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings

from codepal_gen.cli import main

# No test depends on the machine's speed: hypothesis must not time examples.
settings.register_profile("codepal", deadline=None, print_blob=True)
settings.load_profile("codepal")

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("environments", "templates", "schemas", "waivers.yaml", "pyproject.toml")


@pytest.fixture(autouse=True)
def project_tools(monkeypatch: pytest.MonkeyPatch) -> None:
    """Scratch projects have no .venv-tools of their own: validators use this checkout's. A
    CODEPAL_GEN_SKIP in the caller's environment would skip validators the tests count on."""
    monkeypatch.setenv("CODEPAL_TOOLS_BIN", str(ROOT / ".venv-tools" / "bin"))
    monkeypatch.delenv("CODEPAL_GEN_SKIP", raising=False)


@dataclass(frozen=True)
class Result:
    code: int
    out: str
    err: str


Run = Callable[..., Result]


@pytest.fixture
def run(capsys: pytest.CaptureFixture[str]) -> Run:
    """``run('check', '-C', dir)`` -> exit code, stdout, stderr of the real CLI."""

    def invoke(*argv: str | Path) -> Result:
        capsys.readouterr()
        code = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return invoke


def copy_project(target: Path) -> Path:
    """A copy of the project's sources (not out/) at ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, target / name)
    return target


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A scratch copy of the project's sources, free to break."""
    return copy_project(tmp_path / "project")


@pytest.fixture(scope="session")
def rendered_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One scratch project rendered once per test session (read-only for tests)."""
    root = copy_project(tmp_path_factory.mktemp("rendered") / "project")
    assert main(["-C", str(root), "render", "--all"]) == 0
    return root
