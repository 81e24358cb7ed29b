"""HCL collections over lines: exact values (python-hcl2), and exactly ``terraform fmt``'s layout."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import hcl2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from codepal_gen.formats import OutputError, hcl
from codepal_gen.formats.hcl_layout import layout
from codepal_gen.validators import find_tool

from .conftest import ROOT
from .helpers import hcl_value as decode

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=12)
scalars = st.none() | st.booleans() | st.integers(-(2**53), 2**53) | text
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
    max_leaves=12,
)


def document(value: Any) -> str:
    """A locals block with the value between two attributes, as normalize writes it."""
    body = f"locals {{\n  before = 1\n  value = {hcl.tohcl(value)}\n  after_all = toset({hcl.tohcl(value)})\n}}\n"
    return hcl.normalize(body, "generated")


@given(values)
def test_collections_parse_back_to_the_same_value(value: Any) -> None:
    parsed = hcl2.loads(document(value))
    names = [[k for k in block if k != "__is_block__"] for block in parsed["locals"]]
    assert names == [["before", "value", "after_all"]]
    assert decode(parsed["locals"][0]["value"]) == value


@given(values)
def test_layout_is_stable(value: Any) -> None:
    out = document(value)
    assert layout(out) == out
    assert all(line == line.rstrip() for line in out.splitlines())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ([], "[]"),
        ({}, "{}"),
        (["a", 1, None], '["a", 1, null]'),
        (["x" * 30, "y" * 30], '[\n  "' + "x" * 30 + '",\n  "' + "y" * 30 + '",\n]'),
        ([[1]], "[\n  [1],\n]"),
        ({"a": 1}, '{\n  "a" = 1\n}'),
        ({"é": {"b": []}}, '{\n  "\\u00e9" = {\n    "b" = []\n  }\n}'),
        ({"\U0001f600": [{}]}, '{\n  "\\U0001f600" = [\n    {},\n  ]\n}'),
    ],
)
def test_the_layout_rule(value: Any, expected: str) -> None:
    assert hcl.tohcl(value) == expected


@pytest.mark.parametrize("value", [[1], {"a": 1}, ()])
def test_a_collection_needs_tohcl(value: Any) -> None:
    with pytest.raises(TypeError, match="with the tohcl filter"):
        hcl.escape(value)


def terraform_fmt(source: str) -> str:
    terraform = find_tool("terraform", ROOT)
    assert terraform, "terraform is not installed"
    done = subprocess.run([terraform, "fmt", "-"], input=source, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@settings(max_examples=40)
@given(st.lists(values, min_size=1, max_size=4))
def test_layout_is_what_terraform_fmt_writes(items: list[Any]) -> None:
    body = "".join(f"  v{i} = {hcl.tohcl(v)}\n  n{i} = {i}\n" for i, v in enumerate(items))
    out = hcl.normalize(f"locals {{\n  first = true\n{body}}}\n", "generated")
    assert terraform_fmt(out) == out


MISALIGNED = """\
variable "x" {
type = list(string)
      description = "a = b, { [ ( \\"quoted\\" ${var.y == "}" ? 1 : 2}"
  default = ["a"] # why
  validation {
     condition = length(var.x) > 0 && alltrue([
  for a in var.x : a != "" && a >= "0"
       ])
    error_message = "x"   // trailing
  }
}

locals {
  policy = <<-EOT
    { "keep": "this   =  as is" }
      EOT
  m = { for k, v in var.m : k => v }
  n = 1 /* block */
  call = merge(
  { a = 1 },
    {
        bb = 2
  },
  )
  longer_name = 2
  # a comment = not an attribute
  z = [for s in var.x : upper(s)]
}
"""


def test_indentation_and_alignment_of_template_constructs_match_terraform_fmt() -> None:
    assert layout(MISALIGNED) == terraform_fmt(MISALIGNED)


@pytest.mark.parametrize("env", ["dev", "prod", "staging"])
def test_rendered_terraform_is_rebuilt_from_flattened_lines(env: str) -> None:
    for path in sorted((ROOT / "out" / env / "terraform").glob("*.tf")):
        original = path.read_text(encoding="utf-8")
        flat = "\n".join(re.sub(r"\s+=(?!=)", " =", line.strip()) for line in original.split("\n"))
        assert layout(flat) == original, path.name


def test_alignment_refuses_widths_it_cannot_count() -> None:
    with pytest.raises(OutputError, match="non-ASCII"):
        layout('x {\n  "é" = 1\n  ab = 2\n}\n')


def test_unterminated_constructs_are_errors() -> None:
    for source in ('x = "abc\n', "x = <<EOT\nabc\n", "/* x\n"):
        with pytest.raises(OutputError):
            layout(source)
