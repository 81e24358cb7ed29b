"""named.conf output: values become quoted strings (or bare numbers); ``bare`` writes an unquoted word."""

from __future__ import annotations

import json
import re
from typing import Any

from . import Format, Raw, comment_header, ensure_newline

# Keywords, algorithm names and ISO 8601 durations that named.conf wants unquoted.
_BARE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9.-]*$")


def escape(value: Any) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=True)
    raise TypeError(f"cannot write a {type(value).__name__} into named.conf")


def bare(value: Any) -> Raw:
    """Filter ``bare``: an unquoted named.conf word (``rsasha256``, ``P90D``, ``unlimited``)."""
    text = str(value) if isinstance(value, (str, int)) and not isinstance(value, bool) else None
    if text is None or not _BARE.match(text):
        raise ValueError(f"{value!r} is not a bare named.conf word")
    return Raw(text)


def normalize(text: str, header: str) -> str:
    return comment_header("//", ensure_newline(text), header)


NAMED_FORMAT = Format("named-conf", escape, normalize, {"bare": bare})
