"""Shell script output: every value is one single-quoted word (shlex.quote)."""

from __future__ import annotations

import shlex
from typing import Any

from . import Format, comment_header, ensure_newline


def escape(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, str):
        return shlex.quote(value)
    raise TypeError(f"cannot write a {type(value).__name__} into a shell script")


def normalize(text: str, header: str) -> str:
    return comment_header("#", ensure_newline(text), header)


SHELL_FORMAT = Format("shell", escape, normalize)
