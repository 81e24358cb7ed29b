"""BIND zone file output.

A zone file has no quoting for names, so a value interpolated with ``{{ }}``
must be a single safe token (a domain name, a number, a TTL): anything holding
whitespace, ``;``, ``(``, ``)``, ``"``, ``\\`` or ``$`` is refused instead of
written. ``pad`` aligns a token in a column. Text goes through the ``txt`` filter, which quotes and splits it into
character-strings of at most 255 bytes (RFC 1035 §3.3.14)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from . import Format, Raw, comment_header, ensure_newline

_TOKEN = re.compile(r"^[A-Za-z0-9._*@/:+=-]+$")


def escape(value: Any) -> str:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} cannot be written into a zone file")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and _TOKEN.match(value):
        return value
    raise ValueError(f"{value!r} is not a single zone-file token (use the txt filter for text)")


def _chunks(data: bytes, size: int = 255) -> Iterable[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


def txt(value: Any) -> Raw:
    """Filter ``txt``: quoted character-strings, each at most 255 bytes before escaping."""
    if not isinstance(value, str):
        raise ValueError(f"TXT data must be a string, got {value!r}")
    parts = []
    for chunk in _chunks(value.encode("utf-8")) if value else [b""]:
        escaped = "".join(
            f"\\{b:03d}" if b < 0x20 or b > 0x7E else ("\\" + chr(b) if chr(b) in '"\\' else chr(b)) for b in chunk
        )
        parts.append(f'"{escaped}"')
    return Raw(" ".join(parts))


def pad(value: Any, width: int) -> Raw:
    """Filter ``pad``: one zone-file token, left-aligned in a column of ``width`` characters."""
    if not isinstance(width, int) or isinstance(width, bool) or not 0 <= width <= 255:
        raise ValueError(f"pad width must be an integer from 0 to 255, got {width!r}")
    return Raw(escape(value).ljust(width))


def normalize(text: str, header: str) -> str:
    return comment_header(";", ensure_newline(text), header)


ZONE_FORMAT = Format("zone", escape, normalize, {"txt": txt, "pad": pad})
