"""Small helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import hashlib
from pathlib import Path


def tree_state(folder: Path) -> dict[str, str]:
    """Every entry under ``folder`` (symlinks not followed) with a digest of its content or target."""
    state: dict[str, str] = {}
    if not folder.exists():
        return state
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            state[rel] = "link:" + str(path.readlink())
        elif path.is_file():
            state[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            state[rel] = "dir"
    return state
