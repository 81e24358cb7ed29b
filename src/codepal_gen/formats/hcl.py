"""Terraform HCL output: values become HCL literals in which ``${`` and ``%{`` are escaped,
so a value can never open an interpolation or a template directive.

``{{ value }}`` writes a scalar (string, number, bool, null) and always stays on
its line; a list or a map goes through the ``tohcl`` filter, which lays it out
for review, one element per line, so that a one-value change is a one-line diff:

* ``{}`` and ``[]`` when empty;
* a list of scalars inline (``["a", "b"]``) while that is at most
  ``INLINE_WIDTH`` characters;
* every other list one element per line, each followed by a comma (the last
  too: adding an element touches one line); every non-empty map one
  ``"key" = value`` per line; nested collections the same way, one level deeper.

Map keys are always quoted strings, with every non-ASCII character written as
``\\u``/``\\U`` escapes: fmt aligns ``=`` by grapheme clusters, and an ASCII key
is as wide as it is long. ``normalize`` then indents and aligns the whole file as
``terraform fmt`` does (:mod:`.hcl_layout`), so the output passes
``terraform fmt -check`` whatever the data.

``ident`` is the one way to put a value where HCL wants a bare name (a resource
or variable label used in references); it accepts identifiers only."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from . import Format, Raw, comment_header, ensure_newline
from .hcl_layout import layout

INLINE_WIDTH = 60
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_ESCAPE_PAIR = re.compile(r"\\.")


def _json_escape(match: re.Match[str]) -> str:
    # HCL has JSON's escapes except \b and \f (terraform: "not a valid escape sequence").
    return {"\\b": "\\u0008", "\\f": "\\u000c"}.get(match.group(0), match.group(0))


def string(value: str) -> str:
    body = json.dumps(value, ensure_ascii=False)[1:-1]
    if "\\" in body:
        body = _ESCAPE_PAIR.sub(_json_escape, body)
    # "$${" is HCL's escape for a literal "${". For "%{" HCL has "%%{", which
    # python-hcl2 cannot read; "%\u007b" means the same to Terraform and to it.
    return '"' + body.replace("${", "$${").replace("%{", "%\\u007b") + '"'


def _unicode_escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\u{code:04x}" if code <= 0xFFFF else f"\\U{code:08x}"


def key(value: object) -> str:
    """A map key: a quoted string with only ASCII characters."""
    return _NON_ASCII.sub(_unicode_escape, string(str(value)))


def escape(value: Any) -> str:
    """Jinja ``finalize``: a scalar as one HCL literal; a collection is an error (use ``tohcl``)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value, allow_nan=False)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, (Mapping, list, tuple)):
        raise TypeError(f"write a {type(value).__name__} into HCL with the tohcl filter")
    raise TypeError(f"cannot write a {type(value).__name__} into HCL")


def lines(value: Any) -> list[str]:
    """``value`` as HCL lines: the first continues its line, the others are indented relative to it."""
    if isinstance(value, Mapping):
        if not value:
            return ["{}"]
        body = []
        for name, item in value.items():
            first, *rest = lines(item)
            body += [f"{key(name)} = {first}", *rest]
        return ["{", *("  " + line for line in body), "}"]
    if isinstance(value, (list, tuple)):
        if not any(isinstance(item, (Mapping, list, tuple)) for item in value):
            inline = "[" + ", ".join(escape(item) for item in value) + "]"
            if len(inline) <= INLINE_WIDTH:
                return [inline]
        body = []
        for item in value:
            item_lines = lines(item)
            body += [*item_lines[:-1], item_lines[-1] + ","]
        return ["[", *("  " + line for line in body), "]"]
    return [escape(value)]


def tohcl(value: Any) -> Raw:
    """Filter ``tohcl``: any value, collections laid out over lines (see the module docstring)."""
    return Raw("\n".join(lines(value)))


def ident(value: Any) -> Raw:
    """Filter ``ident``: a bare HCL identifier, or an error."""
    if not isinstance(value, str) or not _IDENT.match(value):
        raise ValueError(f"{value!r} is not an HCL identifier")
    return Raw(value)


def normalize(text: str, header: str) -> str:
    return comment_header("#", layout(ensure_newline(text)), header)


HCL_FORMAT = Format("hcl", escape, normalize, {"ident": ident, "tohcl": tohcl})
