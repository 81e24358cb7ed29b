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
from typing import Any

from . import Format, Raw, comment_header
from .yaml_emitter import BLOCK_UNSAFE, double_quoted, emit


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
    # PyYAML is imported on first use: a render served by the normalisation cache never parses.
    from .yaml_loader import load_one

    return load_one(text)


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
