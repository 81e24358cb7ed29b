"""The merge rules: maps merge deeply, lists replace, null removes, positions follow values."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from codepal_gen.errors import Position
from codepal_gen.inherit import merge, resolve
from codepal_gen.load import Document, parse


def doc(text: str, path: str = "x.yaml") -> Document:
    return parse(text, path)


def test_maps_merge_deeply_lists_replace_null_removes() -> None:
    base = doc("a:\n  b: 1\n  c: [1, 2]\n  d: keep\n  e: drop\n", "base.yaml")
    over = doc("a:\n  b: 2\n  c: [3]\n  e: null\n", "over.yaml")
    merged = merge(base, over)
    assert merged.data == {"a": {"b": 2, "c": [3], "d": "keep"}}
    assert merged.positions[("a", "b")] == Position("over.yaml", 2, 3)
    assert merged.positions[("a", "d")] == Position("base.yaml", 4, 3)
    assert ("a", "e") not in merged.positions
    assert ("a", "c", 1) not in merged.positions


def test_several_parents_merge_left_to_right() -> None:
    files = {
        "one": doc("x: 1\ny: 1\n", "one.yaml"),
        "two": doc("y: 2\nz: 2\n", "two.yaml"),
        "child": doc("extends: [one, two]\nz: 3\n", "child.yaml"),
    }
    merged = resolve("child", files.get)
    assert merged.data == {"x": 1, "y": 2, "z": 3}
    assert merged.positions[("y",)] == Position("two.yaml", 1, 1)


json_scalars = st.none() | st.booleans() | st.integers() | st.text(max_size=5)
trees = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3),
    max_leaves=12,
)
maps = st.dictionaries(st.text(min_size=1, max_size=3), trees, max_size=4)


def as_doc(data: dict[str, Any], path: str) -> Document:
    return Document(path, data, {})


@given(maps)
def test_merging_onto_nothing_drops_only_nulls(data: dict[str, Any]) -> None:
    merged = merge(as_doc({}, "a"), as_doc(data, "b")).data
    assert set(merged) == {k for k, v in data.items() if v is not None}


@given(maps, maps)
def test_every_key_of_the_override_wins(base: dict[str, Any], over: dict[str, Any]) -> None:
    merged = merge(as_doc(base, "a"), as_doc(over, "b")).data
    for key, value in over.items():
        if value is None:
            assert key not in merged
        elif not (isinstance(value, dict) and isinstance(base.get(key), dict)):
            assert merged[key] == value
    for key in set(base) - set(over):
        assert merged[key] == base[key]


@given(maps, maps)
def test_merge_does_not_change_its_inputs(base: dict[str, Any], over: dict[str, Any]) -> None:
    import copy

    before = (copy.deepcopy(base), copy.deepcopy(over))
    merge(as_doc(base, "a"), as_doc(over, "b"))
    assert (base, over) == before
