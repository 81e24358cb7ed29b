"""Read a YAML source file strictly, keeping the position of every key and value.

Only plain data comes out (mappings with string keys, lists, strings, numbers,
booleans, null). Everything YAML allows but a config file should not contain is
a :class:`~codepal_gen.errors.Problem` at its line and column: bytes that are not
UTF-8, tabs, syntax errors, duplicate keys, non-string keys, application tags
(``!!python/object``, ``!foo``) and aliases that expand past a node budget.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Position, Problem, UserError

KeyPath = tuple[str | int, ...]

#: Aliases may share a node, but the expanded document must stay this small.
MAX_NODES = 50_000

_CORE = "tag:yaml.org,2002:"
_ALLOWED_TAGS = {f"{_CORE}{t}" for t in ("map", "seq", "str", "int", "float", "bool", "null", "timestamp")}


@dataclass(frozen=True)
class Document:
    """Plain data from one file, with the position of every key path in it."""

    path: str
    data: Any
    positions: Mapping[KeyPath, Position]


def format_path(path: KeyPath) -> str:
    """``('services', 'app', 'ports', 0)`` -> ``services.app.ports[0]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(document)"


_PART = re.compile(r"\[(\d+)\]|([^.\[\]]+)")


def parse_path(text: str) -> KeyPath:
    """``services.app.ports[0]`` -> ``('services', 'app', 'ports', 0)`` (the inverse of :func:`format_path`
    for keys without dots or brackets)."""
    return tuple(int(index) if index else key for index, key in _PART.findall(text))


def locate(positions: Mapping[KeyPath, Position], path: KeyPath, fallback: str) -> Position:
    """The recorded position of ``path`` or of its nearest ancestor."""
    for n in range(len(path), -1, -1):
        pos = positions.get(path[:n])
        if pos is not None and pos.path:
            return pos
    return Position(fallback)


def position_of(mark: Any, path: str) -> Position:
    return Position(path, mark.line + 1, mark.column + 1)


def _fail(path: str, mark: Any, message: str, key_path: KeyPath = ()) -> UserError:
    return UserError([Problem(position_of(mark, path), message, format_path(key_path) if key_path else "")])


def decode(raw: bytes, path: str) -> str:
    """UTF-8 text without tabs, or a problem at the offending byte."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = exc.start - (before.rfind(b"\n") + 1) + 1
        raise UserError(
            [Problem(Position(path, line, column), f"invalid UTF-8 byte 0x{raw[exc.start]:02x}; files must be UTF-8")]
        ) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    tab = text.find("\t")
    if tab >= 0:
        line = text.count("\n", 0, tab) + 1
        column = tab - (text.rfind("\n", 0, tab) + 1) + 1
        raise UserError([Problem(Position(path, line, column), "tab character; indent with spaces")])
    return text


def _scalar(node: ScalarNode, tag: str) -> Any:
    value: str = node.value
    if tag == f"{_CORE}null":
        return None
    if tag == f"{_CORE}bool":
        return value.lower() == "true"
    if tag == f"{_CORE}int":
        text = value.replace("_", "")
        sign = -1 if text.startswith("-") else 1
        text = text.lstrip("+-")
        if text.startswith("0o"):
            return sign * int(text[2:], 8)
        return sign * int(text, 0) if text.startswith(("0x", "0b")) else sign * int(text, 10)
    if tag == f"{_CORE}float":
        lowered = value.lower().replace("_", "")
        if lowered.lstrip("+-") == ".inf":
            return -math.inf if lowered.startswith("-") else math.inf
        if lowered == ".nan":
            return math.nan
        return float(lowered)
    return value  # str and timestamp: kept as written, formats check them


class _Builder:
    """Turns a composed node tree into plain data, recording positions."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.positions: dict[KeyPath, Position] = {}
        # Aliases share one node; each use counts again, so the budget bounds the expansion.
        self.budget = MAX_NODES

    def build(self, node: Node, key_path: KeyPath) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise _fail(self.path, node.start_mark, f"document expands to more than {MAX_NODES} nodes (alias bomb?)")
        self.positions.setdefault(key_path, position_of(node.start_mark, self.path))
        tag = str(getattr(node.tag, "value", node.tag))
        if tag not in _ALLOWED_TAGS:
            raise _fail(self.path, node.start_mark, f"tag {tag!r} is not allowed; only plain YAML data", key_path)
        if isinstance(node, MappingNode):
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                key_tag = str(getattr(key_node.tag, "value", key_node.tag))
                if key_tag == f"{_CORE}merge":
                    raise _fail(self.path, key_node.start_mark, "merge keys (<<) are not supported", key_path)
                if not isinstance(key_node, ScalarNode) or key_tag != f"{_CORE}str":
                    shown = key_node.value if isinstance(key_node, ScalarNode) else "a collection"
                    raise _fail(
                        self.path, key_node.start_mark, f"mapping keys must be strings, got {shown!r}", key_path
                    )
                key = str(key_node.value)
                if key in result:
                    raise _fail(self.path, key_node.start_mark, f"duplicate key {key!r}", key_path)
                child = (*key_path, key)
                self.positions[child] = position_of(key_node.start_mark, self.path)
                result[key] = self.build(value_node, child)
                self.positions[child] = position_of(key_node.start_mark, self.path)
            return result
        if isinstance(node, SequenceNode):
            return [self.build(item, (*key_path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        try:
            return _scalar(node, tag)
        except ValueError:
            raise _fail(
                self.path, node.start_mark, f"cannot read {node.value!r} as {tag.rsplit(':', 1)[-1]}", key_path
            ) from None


def parse(text: str, path: str) -> Document:
    """Parse one YAML document held in ``text``; ``path`` names it in problems."""
    # libyaml's parser (ruamel.yaml.clib) composes ten times faster than the pure
    # Python one and keeps every node's mark and tag.
    yaml = YAML(typ="safe", pure=False)
    try:
        root = yaml.compose(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        reason = ", ".join(part for part in (exc.context, exc.problem) if part) or "syntax error"
        if mark is None:
            raise UserError([Problem(Position(path), f"invalid YAML: {reason}")]) from None
        raise _fail(path, mark, f"invalid YAML: {reason}") from None
    except YAMLError as exc:  # pragma: no cover - ruamel raises marked errors for syntax
        raise UserError([Problem(Position(path), f"invalid YAML: {exc}")]) from None
    if root is None:
        raise UserError([Problem(Position(path, 1, 1), "empty file; expected a mapping")])
    builder = _Builder(path)
    data = builder.build(root, ())
    if not isinstance(data, dict):
        raise _fail(path, root.start_mark, f"expected a mapping at the top level, got {type(data).__name__}")
    return Document(path, data, builder.positions)


def load(raw: bytes, path: str) -> Document:
    """Decode and parse the bytes of one source file."""
    return parse(decode(raw, path), path)
