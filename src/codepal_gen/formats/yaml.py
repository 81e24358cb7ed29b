"""YAML output: values become double-quoted scalars; output is parsed and re-emitted canonically.

Canonical means: keys sorted, block style, 2-space indentation, no line folding,
multi-line strings as literal blocks, one document. Workflow files keep the
template's key order and comments (the version comment beside a pinned action
is part of the convention), so they go through ruamel's round-trip mode instead.
"""

from __future__ import annotations

import io
import json
import math
import re
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError

from . import Format, OutputError, Raw, comment_header, ensure_newline

# Characters a YAML double-quoted scalar must not carry literally (YAML 1.2 §5.1
# printable set, minus line-break characters that YAML 1.1 readers fold).
_UNSAFE = re.compile('[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029\\ud800-\\udfff\\ufeff\\ufffe\\uffff"\\\\]')


def _escape_char(match: re.Match[str]) -> str:
    char = match.group(0)
    simple = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
    if char in simple:
        return simple[char]
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def quote(value: Any) -> str:
    """One YAML flow node holding ``value`` exactly: nothing in it is syntax."""
    if isinstance(value, Raw):
        return str(value)
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return ".nan" if math.isnan(value) else (".inf" if value > 0 else "-.inf")
        return json.dumps(value)
    if isinstance(value, str):
        return '"' + _UNSAFE.sub(_escape_char, value) + '"'
    if isinstance(value, dict) or hasattr(value, "items"):
        return "{" + ", ".join(f"{quote(str(k))}: {quote(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(quote(v) for v in value) + "]"
    raise TypeError(f"cannot write a {type(value).__name__} into YAML")


def _str_representer(dumper: Any, data: str) -> Any:
    style = "|" if "\n" in data and not re.search(r"[ \t]\n|^\s", data) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", data, style=style)


def _canonical() -> YAML:
    yaml = YAML(typ="safe", pure=False)
    yaml.default_flow_style = False
    yaml.width = 1_000_000
    yaml.allow_unicode = True
    yaml.representer.add_representer(str, _str_representer)
    return yaml


def _load(yaml: YAML, text: str) -> Any:
    try:
        docs = list(yaml.load_all(text))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise OutputError(
            f"rendered YAML does not parse: {exc.problem or exc.context}",
            mark.line + 1 if mark else 0,
            mark.column + 1 if mark else 0,
        ) from None
    docs = [d for d in docs if d is not None]
    if len(docs) != 1:
        raise OutputError(f"expected exactly one YAML document, got {len(docs)}", 1, 1)
    return docs[0]


def normalize(text: str, header: str) -> str:
    yaml = _canonical()
    data = _load(yaml, text)
    out = io.StringIO()
    yaml.dump(data, out)
    return comment_header("#", ensure_newline(out.getvalue()), header)


def load_data(text: str) -> Any:
    """The data of one canonical YAML output (for validators)."""
    return _load(_canonical(), text)


def to_yaml(value: Any) -> Raw:
    """Filter ``toyaml``: a value as one inert YAML flow node."""
    return Raw(quote(value))


def comment(value: Any) -> Raw:
    """Filter ``comment``: a value as the text of a YAML comment (one line, printable)."""
    text = str(value)
    if _UNSAFE.search(text.replace('"', "").replace("\\", "")):
        raise ValueError(f"{text!r} cannot be written into a comment")
    return Raw(text)


def github_escape(value: Any) -> str:
    """Like :func:`quote`, and ``${{`` in a value stays literal text for GitHub."""
    if isinstance(value, str) and "${{" in value:
        value = value.replace("${{", "${{ '${{' }}")
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(github_escape(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{quote(str(k))}: {github_escape(v)}" for k, v in value.items()) + "}"
    return quote(value)


def normalize_roundtrip(text: str, header: str) -> str:
    """Parse and re-emit keeping key order and comments (2-space maps, indented lists)."""
    yaml = YAML(typ="rt")
    yaml.width = 1_000_000
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.preserve_quotes = False
    try:
        docs = [d for d in yaml.load_all(text) if d is not None]
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise OutputError(
            f"rendered YAML does not parse: {exc.problem or exc.context}",
            mark.line + 1 if mark else 0,
            mark.column + 1 if mark else 0,
        ) from None
    if len(docs) != 1:
        raise OutputError(f"expected exactly one YAML document, got {len(docs)}", 1, 1)
    out = io.StringIO()
    yaml.dump(docs[0], out)
    return comment_header("#", ensure_newline(out.getvalue()), header)


YAML_FORMAT = Format("yaml", quote, normalize, {"toyaml": to_yaml, "comment": comment})
GITHUB = Format(
    "github-yaml",
    github_escape,
    normalize_roundtrip,
    {"toyaml": lambda v: Raw(github_escape(v)), "comment": comment},
    github_expressions=True,
)
