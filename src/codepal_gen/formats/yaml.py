"""YAML output: values become double-quoted scalars; output is parsed and re-emitted canonically.

Canonical means (see yaml_emitter): keys sorted, block style, 2-space indentation,
no line folding, multi-line strings as literal blocks, one document. Workflow
files keep the template's key order, and the version comment written beside a
pinned action (part of the pinning convention).
"""

from __future__ import annotations

import json
import math
import re
from typing import Any, ClassVar

import yaml as pyyaml

from . import Format, OutputError, Raw, comment_header
from .yaml_emitter import BLOCK_UNSAFE, double_quoted, emit


class _Core12Loader(getattr(pyyaml, "CSafeLoader", pyyaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser with the YAML 1.2 core schema, the schema templates are written in.

    PyYAML resolves plain scalars by YAML 1.1 (``on``/``yes`` are booleans, ``010``
    is octal, dates become dates); templates and ruamel.yaml use 1.2, so a
    workflow's ``on:`` must stay the string "on". The emitter quotes anything
    either version could misread, so the output means the same to both."""

    yaml_implicit_resolvers: ClassVar[dict[str, list[tuple[str, re.Pattern[str]]]]] = {}


def _int12(loader: pyyaml.BaseLoader, node: pyyaml.ScalarNode) -> int:
    text = str(node.value).replace("_", "")
    sign = -1 if text.startswith("-") else 1
    digits = text.lstrip("+-")
    if digits.startswith(("0o", "0x")):
        return sign * int(digits[2:], 8 if digits[1] == "o" else 16)
    return sign * int(digits, 10)


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+.0123456789",
    ),
):
    _Core12Loader.add_implicit_resolver(f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first))
_Core12Loader.add_constructor("tag:yaml.org,2002:int", _int12)
_LOADER = _Core12Loader


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
        return double_quoted(value)
    if isinstance(value, dict) or hasattr(value, "items"):
        return "{" + ", ".join(f"{quote(str(k))}: {quote(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(quote(v) for v in value) + "]"
    raise TypeError(f"cannot write a {type(value).__name__} into YAML")


def _load(text: str) -> Any:
    """The one document of a rendered YAML output, read as a YAML 1.1 reader (kubectl) reads it.

    Rendered output is parsed by libyaml through PyYAML's C loader: it is several
    times faster than ruamel.yaml's loader on hundreds of files per render, and
    positions are not needed here (environment files keep ruamel.yaml for those).
    """
    try:
        docs = [d for d in pyyaml.load_all(text, Loader=_LOADER) if d is not None]
    except pyyaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = ", ".join(part for part in (exc.context, exc.problem) if part)
        raise OutputError(
            f"rendered YAML does not parse: {reason}",
            mark.line + 1 if mark else 0,
            mark.column + 1 if mark else 0,
        ) from None
    except pyyaml.YAMLError as exc:
        raise OutputError(f"rendered YAML does not parse: {exc}") from None
    if len(docs) != 1:
        raise OutputError(f"expected exactly one YAML document, got {len(docs)}", 1, 1)
    return docs[0]


def normalize(text: str, header: str) -> str:
    data = _load(text)
    return comment_header("#", emit(data), header)


def load_data(text: str) -> Any:
    """The data of one canonical YAML output (for validators)."""
    return _load(text)


def to_yaml(value: Any) -> Raw:
    """Filter ``toyaml``: a value as one inert YAML flow node."""
    return Raw(quote(value))


def comment(value: Any) -> Raw:
    """Filter ``comment``: a value as the text of a YAML comment (one line, printable)."""
    text = str(value)
    if BLOCK_UNSAFE.search(text) or "\n" in text:
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


_USES = re.compile(r"^(\s*(?:-\s+)?uses:\s*)[\"']?([^\"'\s#]+)[\"']?(?:\s+#\s*(\S.*?))?\s*$")


def normalize_workflow(text: str, header: str) -> str:
    """Canonical YAML in the template's key order (``name``, ``on``, ``jobs`` read top-down),
    keeping the version comment written beside each pinned ``uses:``.

    Key order is kept, so the n-th ``uses:`` of the output is the n-th of the
    template; its comment goes back beside it."""
    data = _load(text)
    written = [m for m in map(_USES.match, text.split("\n")) if m]
    lines = emit(data, sort_keys=False).split("\n")
    emitted = [i for i, line in enumerate(lines) if _USES.match(line)]
    if len(written) == len(emitted):
        for i, source in zip(emitted, written, strict=True):
            found = _USES.match(lines[i])
            if found and found.group(2) == source.group(2) and source.group(3):
                lines[i] = f"{lines[i]} # {source.group(3)}"
    return comment_header("#", "\n".join(lines), header)


YAML_FORMAT = Format("yaml", quote, normalize, {"toyaml": to_yaml, "comment": comment})
GITHUB = Format(
    "github-yaml",
    github_escape,
    normalize_workflow,
    {"toyaml": lambda v: Raw(github_escape(v)), "comment": comment},
    github_expressions=True,
)
