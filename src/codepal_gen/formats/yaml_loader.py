"""Rendered YAML read back: libyaml (PyYAML's C loader) with the YAML 1.2 core schema.

Its own module so that PyYAML is imported only when a file is actually parsed
(a render whose results all come from the normalisation cache parses nothing).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import yaml as pyyaml

from . import OutputError


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


def load_one(text: str) -> Any:
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
