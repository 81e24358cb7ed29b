"""Rendered bytes do not depend on hash seed, time zone, locale or the clock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from .helpers import tree_state


def render_in_subprocess(project: Path, out: Path, **env: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "codepal_gen", "-C", str(project), "render", "--all", "-o", str(out)],
        check=True,
        env={**os.environ, "CODEPAL_GEN_NO_CACHE": "1", **env},  # each render computes every byte itself
        capture_output=True,
    )


def test_two_renders_with_different_seed_zone_and_locale_are_identical(project: Path, tmp_path: Path) -> None:
    render_in_subprocess(project, tmp_path / "a", PYTHONHASHSEED="1", TZ="UTC", LC_ALL="C")
    render_in_subprocess(project, tmp_path / "b", PYTHONHASHSEED="4242", TZ="Asia/Kathmandu", LC_ALL="C.UTF-8")
    first, second = tree_state(tmp_path / "a"), tree_state(tmp_path / "b")
    assert first == second
    assert len(first) > 10


def test_output_bytes_are_lf_utf8_with_one_final_newline(rendered_root: Path) -> None:
    files = [p for p in (rendered_root / "out").rglob("*") if p.is_file()]
    assert files
    for path in files:
        data = path.read_bytes()
        assert b"\r" not in data, path
        assert data.endswith(b"\n"), path
        assert not data.endswith(b"\n\n"), path
        data.decode("utf-8")
