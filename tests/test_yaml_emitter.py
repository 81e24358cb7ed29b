"""The canonical emitter is exact: YAML 1.1 and 1.2 readers both read back what was emitted."""

from __future__ import annotations

from typing import Any

import yaml as pyyaml
from hypothesis import given
from hypothesis import strategies as st
from ruamel.yaml import YAML

from codepal_gen.formats.yaml import load_data
from codepal_gen.formats.yaml_emitter import emit

TRICKY = [
    "on",
    "off",
    "yes",
    "No",
    "y",
    "~",
    "null",
    "",
    " lead",
    "trail ",
    "1.31",
    "010",
    "0o17",
    "0x1F",
    "1e3",
    "1_000",
    "2024-01-01",
    "12:30",
    ".inf",
    "-",
    "- x",
    "a: b",
    "a #b",
    "key:",
    "*ref",
    "&anchor",
    "!tag",
    "{x}",
    "[x]",
    "@at",
    "`tick",
    "%pct",
    "'q'",
    '"dq"',
    "<<",
    "=",
    "10Gi",
    "250m",
    "1h30m",
    "x\ny",
    "x\n",
    "x\n\n",
    "\nlead",
    "tab\there",
    "trailing space \nline",
    "ünïcödé",
    "a\u2028b",
    "\x85",
]

keys = st.text(max_size=8) | st.sampled_from(TRICKY)
scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(st.characters(exclude_categories=["Cs"]), max_size=30)
    | st.sampled_from(TRICKY)
)
documents = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=4),
    max_leaves=20,
)


def ruamel_load(text: str) -> Any:
    return YAML(typ="safe", pure=True).load(text)


@given(st.dictionaries(keys, documents, max_size=5))
def test_emitted_yaml_reads_back_exactly(data: dict[str, Any]) -> None:
    text = emit(data)
    assert load_data(text) == data
    assert ruamel_load(text) == data


@given(st.dictionaries(st.sampled_from(TRICKY), st.sampled_from(TRICKY), max_size=8))
def test_yaml_1_1_readers_agree_on_strings(data: dict[str, str]) -> None:
    """kubectl and other YAML 1.1 readers see the same strings (no yes/on/octal/date surprises)."""
    assert pyyaml.safe_load(emit(data)) == data


def test_style() -> None:
    data = {"b": [{"name": "x", "args": ["--a", "1"]}], "a": {"multi": "one\ntwo\n", "empty": {}, "none": []}}
    assert emit(data) == (
        'a:\n  empty: {}\n  multi: |\n    one\n    two\n  none: []\nb:\n- args:\n  - --a\n  - "1"\n  name: x\n'
    )


def test_template_order_is_kept_when_asked() -> None:
    assert emit({"name": "ci", "on": {"push": None}, "jobs": {}}, sort_keys=False) == (
        'name: ci\n"on":\n  push: null\njobs: {}\n'
    )
