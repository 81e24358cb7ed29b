"""named.conf output: values become quoted strings (or bare numbers)."""

from __future__ import annotations

import json
from typing import Any

from . import Format, comment_header, ensure_newline


def escape(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=True)
    raise TypeError(f"cannot write a {type(value).__name__} into named.conf")


def normalize(text: str, header: str) -> str:
    return comment_header("//", ensure_newline(text), header)


NAMED_FORMAT = Format("named-conf", escape, normalize)
