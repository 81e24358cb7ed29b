"""Environment inheritance: ``extends`` chains and the merge rules.

The rules (also in the README):

* ``extends: NAME`` or ``extends: [A, B]`` names parents in ``environments/``;
  parents are merged left to right, then the file itself on top.
* Mappings merge deeply, key by key.
* Lists, strings and numbers replace what they inherit, whole.
* ``null`` removes an inherited key (as in Helm values).
* A missing parent or a cycle is a problem at the ``extends`` value.

Positions travel with the values, so a problem found after the merge still
points at the file and line the value came from.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from .errors import Position, Problem, UserError
from .load import Document, KeyPath

EXTENDS = "extends"


def _drop(positions: dict[KeyPath, Position], prefix: KeyPath) -> None:
    n = len(prefix)
    for key in [k for k in positions if k[:n] == prefix and len(k) > n]:
        del positions[key]


def _merge_into(
    data: dict[str, Any],
    positions: dict[KeyPath, Position],
    over: Mapping[str, Any],
    over_positions: Mapping[KeyPath, Position],
    prefix: KeyPath,
) -> None:
    for key, value in over.items():
        path = (*prefix, key)
        if value is None:
            data.pop(key, None)
            _drop(positions, path)
            positions.pop(path, None)
            continue
        current = data.get(key)
        if isinstance(value, dict) and isinstance(current, dict):
            positions[path] = over_positions.get(path, positions.get(path, Position("")))
            _merge_into(current, positions, value, over_positions, path)
            continue
        data[key] = _copy(value)
        _drop(positions, path)
        n = len(path)
        positions.update({k: v for k, v in over_positions.items() if k[:n] == path})


def _copy(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_copy(v) for v in value]
    return value


def merge(base: Document, over: Document) -> Document:
    """``over`` on top of ``base`` by the rules above (neither input is changed)."""
    data = _copy(base.data)
    positions = dict(base.positions)
    _merge_into(data, positions, over.data, over.positions, ())
    return Document(over.path, data, positions)


def parents(doc: Document) -> list[tuple[str, Position]]:
    """The parent names a document extends, with where each is written."""
    value = doc.data.get(EXTENDS)
    where = doc.positions.get((EXTENDS,), Position(doc.path))
    if value is None:
        return []
    names = value if isinstance(value, list) else [value]
    result = []
    for i, name in enumerate(names):
        pos = doc.positions.get((EXTENDS, i), where) if isinstance(value, list) else where
        if not isinstance(name, str):
            raise UserError([Problem(pos, f"expected an environment name, got {name!r}", EXTENDS)])
        result.append((name, pos))
    return result


def resolve(name: str, read: Callable[[str], Document | None]) -> Document:
    """The merged document of environment ``name``; ``read`` returns None for a missing file."""

    def walk(current: str, chain: tuple[str, ...], where: Position | None) -> Document:
        if current in chain:
            cycle = " -> ".join((*chain[chain.index(current) :], current))
            assert where is not None
            raise UserError([Problem(where, f"inheritance cycle: {cycle}", EXTENDS)])
        doc = read(current)
        if doc is None:
            if where is None:
                raise UserError(f"no environment named {current!r}")
            raise UserError([Problem(where, f"parent environment {current!r} does not exist", EXTENDS)])
        merged: Document | None = None
        for parent, pos in parents(doc):
            base = walk(parent, (*chain, current), pos)
            merged = base if merged is None else merge(merged, base)
        own = Document(
            doc.path,
            {k: v for k, v in doc.data.items() if k != EXTENDS},
            {k: v for k, v in doc.positions.items() if not k or k[0] != EXTENDS},
        )
        return own if merged is None else merge(merged, own)

    return walk(name, (), None)
