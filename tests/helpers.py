"""Small helpers shared by tests (fixtures live in conftest.py)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any


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


_HCL_ESCAPES = re.compile(r"\\(U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|.)|\$\$\{")
_HCL_SIMPLE = {"n": "\n", "r": "\r", "t": "\t", '"': '"', "\\": "\\"}


def hcl_value(parsed: Any) -> Any:
    """python-hcl2 keeps strings as written (quotes, escapes): the value they stand for."""
    if isinstance(parsed, dict):
        return {hcl_value(k): hcl_value(v) for k, v in parsed.items()}
    if isinstance(parsed, list):
        return [hcl_value(v) for v in parsed]
    if isinstance(parsed, str):
        assert parsed.startswith('"'), parsed
        assert parsed.endswith('"'), parsed

        def one(match: re.Match[str]) -> str:
            if match.group(0) == "$${":
                return "${"
            code = match.group(1)
            return chr(int(code[1:], 16)) if code[0] in "uU" and len(code) > 1 else _HCL_SIMPLE[code]

        return _HCL_ESCAPES.sub(one, parsed[1:-1])
    return parsed
