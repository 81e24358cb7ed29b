"""Terraform HCL output: values become HCL literals in which ``${`` and ``%{`` are escaped,
so a value can never open an interpolation or a template directive.

``ident`` is the one way to put a value where HCL wants a bare name (a resource
or variable label used in references); it accepts identifiers only."""

from __future__ import annotations

import json
import re
from typing import Any

from . import Format, Raw, comment_header, ensure_newline

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")
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


def escape(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return json.dumps(value, allow_nan=False)
    if isinstance(value, str):
        return string(value)
    if isinstance(value, dict) or hasattr(value, "items"):
        return "{ " + ", ".join(f"{string(str(k))} = {escape(v)}" for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(escape(v) for v in value) + "]"
    raise TypeError(f"cannot write a {type(value).__name__} into HCL")


def ident(value: Any) -> Raw:
    """Filter ``ident``: a bare HCL identifier, or an error."""
    if not isinstance(value, str) or not _IDENT.match(value):
        raise ValueError(f"{value!r} is not an HCL identifier")
    return Raw(value)


def normalize(text: str, header: str) -> str:
    return comment_header("#", ensure_newline(text), header)


HCL_FORMAT = Format("hcl", escape, normalize, {"ident": ident, "tohcl": lambda v: Raw(escape(v))})
