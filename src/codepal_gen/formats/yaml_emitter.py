"""A canonical block-style YAML emitter for plain data (what ``kubectl get -o yaml`` looks like).

Why not ruamel's dumper: output is re-emitted for every YAML file on every render,
and a special-purpose emitter is several times faster than the general one while
its output is simpler to review. Rules:

* mappings in block style, two-space indent, keys sorted unless asked otherwise;
  sequences as ``- item`` at the indentation of their key;
* a string is written plain only when every YAML 1.1 and 1.2 reader takes it back
  as the same string (no ``yes``/``on``/``null``/number/date look-alikes, no
  indicator characters); otherwise double-quoted with escapes;
* multi-line strings as literal blocks (``|``, ``|-``, ``|+``) when that is exact;
* empty collections as ``{}`` and ``[]``.

Tests parse the output back (property-based) to prove it is exact.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from collections.abc import Mapping
from typing import Any

# Words YAML 1.1 reads as booleans or null (YAML 1.2 a subset of them).
_RESERVED = frozenset(
    w
    for base in ("y", "yes", "n", "no", "true", "false", "on", "off", "null", "~")
    for w in (base, base.capitalize(), base.upper())
)
_PLAIN = re.compile(r"^[A-Za-z_/$(][A-Za-z0-9_./@%+=:,()$<>&*!?\[\]{}' \"-]*$")
# Command-line flags (--storage.tsdb.path=/x, -v): a dash then a letter is plain in both versions.
_FLAG = re.compile(r"^--?[A-Za-z][A-Za-z0-9_./@%+=:,()$<>&*!?\[\]{}' \"-]*$")
_QUANTITY = re.compile(r"^[0-9]+(\.[0-9]+)?([a-df-zA-DF-Z][a-zA-Z]?)$")
_UNSAFE = re.compile('[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ud800-\\udfff\\ufeff\\ufffe\\uffff"\\\\]')
# Characters no literal block (and no comment) may carry: controls other than LF, and line separators.
BLOCK_UNSAFE = re.compile("[\\x00-\\x09\\x0b-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ud800-\\udfff\\ufeff\\ufffe\\uffff]")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group(0)
    simple = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
    if char in simple:
        return simple[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def double_quoted(text: str) -> str:
    return '"' + _UNSAFE.sub(_escape_char, text) + '"'


def _plain_ok(text: str) -> bool:
    if text in _RESERVED or text != text.strip() or "  " in text:
        return False
    if _QUANTITY.match(text):
        return True
    if not (_PLAIN.match(text) or _FLAG.match(text)):
        return False
    # ": " starts a mapping value, " #" a comment; a trailing ":" is a key; "{", "[", "'", '"'
    # and friends are only safe inside, never first (the first-character class excludes them).
    return not (": " in text or " #" in text or text.endswith(":") or text.startswith("<<"))


def scalar(value: Any) -> str:
    """One inline scalar (never a block)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        return json.dumps(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str):
        return value if value and _plain_ok(value) else double_quoted(value)
    raise TypeError(f"cannot write a {type(value).__name__} into YAML")


def _block(text: str, indent: str) -> str | None:
    """A literal block scalar for ``text`` at ``indent``, or None when a block cannot hold it exactly."""
    if "\n" not in text or BLOCK_UNSAFE.search(text) or text[0] in " \n":
        return None
    body = text.rstrip("\n")
    trailing = len(text) - len(body)
    lines = body.split("\n")
    if any(line != line.rstrip(" ") for line in lines):
        return None
    chomp = "-" if trailing == 0 else ("" if trailing == 1 else "+")
    rows = [f"{indent}{line}" if line else "" for line in lines]
    rows.extend([""] * (trailing - 1))
    return f"|{chomp}\n" + "\n".join(rows)


def _keys(mapping: Mapping[Any, Any], sort_keys: bool) -> list[Any]:
    keys = list(mapping)
    return sorted(keys, key=lambda k: (not isinstance(k, str), str(k))) if sort_keys else keys


def _lines(value: Any, indent: str, sort_keys: bool, out: list[str], prefix: str) -> None:
    """Append ``value`` written after ``prefix`` (``key:`` or ``-``) at ``indent``."""
    if isinstance(value, Mapping) and value:
        keys = _keys(value, sort_keys)
        if prefix.endswith("-"):
            first = True
            for key in keys:
                lead = f"{prefix} " if first else f"{indent}  "
                _entry(key, value[key], f"{indent}  ", sort_keys, out, lead)
                first = False
            return
        out.append(prefix)
        for key in keys:
            _entry(key, value[key], indent, sort_keys, out, indent)
        return
    if isinstance(value, (list, tuple)) and value:
        out.append(prefix)
        for item in value:
            _item(item, indent, sort_keys, out)
        return
    if isinstance(value, Mapping):
        out.append(f"{prefix} {{}}")
    elif isinstance(value, (list, tuple)):
        out.append(f"{prefix} []")
    else:
        block = _block(value, indent + "  ") if isinstance(value, str) else None
        out.append(f"{prefix} {block}" if block else f"{prefix} {scalar(value)}")


def _entry(key: Any, value: Any, indent: str, sort_keys: bool, out: list[str], lead: str) -> None:
    head = f"{lead}{scalar(key)}:"
    if isinstance(value, Mapping) and value:
        out.append(head)
        for sub in _keys(value, sort_keys):
            _entry(sub, value[sub], indent + "  ", sort_keys, out, indent + "  ")
    elif isinstance(value, (list, tuple)) and value:
        out.append(head)
        for item in value:
            _item(item, indent, sort_keys, out)
    else:
        _lines(value, indent, sort_keys, out, head)


def _item(item: Any, indent: str, sort_keys: bool, out: list[str]) -> None:
    if isinstance(item, Mapping) and item:
        _lines(item, indent, sort_keys, out, f"{indent}-")
    elif isinstance(item, (list, tuple)) and item:
        out.append(f"{indent}-")
        for sub in item:
            _item(sub, indent + "  ", sort_keys, out)
    else:
        _lines(item, indent + "  ", sort_keys, out, f"{indent}-")


def emit(data: Any, sort_keys: bool = True) -> str:
    """The canonical YAML text of one document holding ``data``."""
    out: list[str] = []
    if isinstance(data, Mapping) and data:
        for key in _keys(data, sort_keys):
            _entry(key, data[key], "", sort_keys, out, "")
    elif isinstance(data, (list, tuple)) and data:
        for item in data:
            _item(item, "", sort_keys, out)
    else:
        _lines(data, "", sort_keys, out, "")
        out[-1] = out[-1].lstrip(" ")
    return "\n".join(out) + "\n"
