"""Values are inert: no value can change the structure of any output format."""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import dns.rdata
import dns.rdataclass
import dns.rdatatype
import hcl2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from codepal_gen.errors import UserError
from codepal_gen.formats import hcl, json_, markdown, named, shell, yaml, zone
from codepal_gen.render import discover, environments, render_environment

from .helpers import hcl_value

HOSTILE = [
    "x\nkind: Secret\nmetadata:\n  name: stolen",
    'a" ; rm -rf / ; echo "',
    '${file("/etc/passwd")}',
    "%{ for x in y }x%{ endfor }",
    "${{ github.event.issue.title }}",
    "host.example. ( 1 2 3 ) ; comment",
    "'single' \"double\" \\ back\\slash",
    "line\u2028separator\x85next\x00nul",
    "{{ config }}",
    "- item\n- another",
]

text = st.text(st.characters(exclude_categories=["Cs"]), max_size=40)


@given(text)
def test_yaml_scalars_round_trip(value: str) -> None:
    assert yaml.load_data(f"key: {yaml.quote(value)}\nother: 1\n") == {"key": value, "other": 1}


@given(st.recursive(st.none() | st.booleans() | st.integers() | text, lambda c: st.lists(c, max_size=3), max_leaves=8))
def test_yaml_flow_values_round_trip(value: Any) -> None:
    assert yaml.load_data(f"key: {yaml.quote(value)}\n") == {"key": value}


@given(text)
def test_json_values_round_trip(value: str) -> None:
    assert json_.parse(json_.escape(value)) == value


MARKDOWN_SYNTAX = st.text(st.sampled_from(list("-=*_#>0123456789.)(!&;<[]`~|+\\ \t\nab")), max_size=30)


@given(st.one_of(text, MARKDOWN_SYNTAX).filter(lambda s: "\x00" not in s))
def test_markdown_values_are_one_line_of_plain_text_wherever_they_stand(value: str) -> None:
    # CommonMark (markdown-it-py): the value reads back as its own words, in one
    # paragraph of plain text: no list, heading, link, emphasis, code or HTML.
    words = " ".join(value.split())
    for prefix in ("", "Alert: "):
        tokens = MarkdownIt("commonmark").parse(prefix + markdown.escape(value))
        if not (prefix + words):
            assert tokens == []
            continue
        assert [t.type for t in tokens] == ["paragraph_open", "inline", "paragraph_close"]
        children = tokens[1].children or []
        assert {c.type for c in children} <= {"text"}
        assert "".join(c.content for c in children) == (prefix + words).strip()


@given(text)
def test_named_conf_strings_are_one_token(value: str) -> None:
    # named.conf's lexer: a quoted string runs to the first quote no backslash escapes.
    quoted = named.escape(value)
    assert quoted.startswith('"')
    assert quoted.isascii()
    assert "\n" not in quoted
    index = 1
    while quoted[index] != '"':
        index += 2 if quoted[index] == "\\" else 1
    assert index == len(quoted) - 1


@given(text)
def test_hcl_strings_never_interpolate(value: str) -> None:
    literal = hcl.string(value)
    parsed = hcl2.loads(f"x = {literal}\n")
    assert list(parsed) == ["x"]
    body = literal[1:-1]
    assert "${" not in body.replace("$${", "")
    assert "%{" not in body


@given(text.filter(lambda s: "\x00" not in s))
def test_shell_words_stay_one_word(value: str) -> None:
    assert shlex.split(shell.escape(value)) == [value]


@given(st.text(max_size=700))
def test_zone_txt_keeps_its_bytes_in_255_byte_strings(value: str) -> None:
    rdata = dns.rdata.from_text(dns.rdataclass.IN, dns.rdatatype.TXT, str(zone.txt(value)))
    assert b"".join(rdata.strings) == value.encode("utf-8")  # type: ignore[attr-defined]
    assert all(len(s) <= 255 for s in rdata.strings)  # type: ignore[attr-defined]


@pytest.mark.parametrize("value", HOSTILE)
def test_zone_refuses_a_value_that_is_not_one_token(value: str) -> None:
    with pytest.raises(ValueError, match="not a single zone-file token"):
        zone.escape(value)


@pytest.mark.parametrize("value", HOSTILE)
def test_github_expressions_in_values_stay_text(value: str) -> None:
    loaded = yaml.load_data(f"run: {yaml.github_escape(value)}\n")["run"]
    assert "${{" not in loaded.replace("${{ '${{' }}", "")


def render_one(tmp_path: Path, kind: str, name: str, body: str, value: Any) -> str:
    templates = tmp_path / "templates"
    (templates / kind).mkdir(parents=True)
    (templates / kind / f"{name}.j2").write_text(body, encoding="utf-8")
    tree = render_environment(
        "test", "environments/test.yaml", {"value": value}, discover(templates), environments(templates), templates
    )
    return tree.files[f"{kind}/{name}"]


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_cannot_add_a_kubernetes_object_or_key(tmp_path: Path, value: str) -> None:
    body = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  key: {{ value }}\n"
    out = render_one(tmp_path, "kubernetes", "cm.yaml", body, value)
    assert yaml.load_data(out) == {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": "x"},
        "data": {"key": value},
    }


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_value_cannot_add_hcl(tmp_path: Path, value: str) -> None:
    out = render_one(tmp_path, "terraform", "main.tf", "locals {\n  name = {{ value }}\n}\n", value)
    parsed = hcl2.loads(out)
    assert len(parsed["locals"]) == 1
    assert list(parsed["locals"][0]) == ["name", "__is_block__"] or list(parsed["locals"][0]) == ["name"]


def test_a_hostile_value_in_a_multi_line_collection_cannot_add_hcl(tmp_path: Path) -> None:
    value = {"items": HOSTILE, "nested": [{text: [text] * 3} for text in HOSTILE], **{text: text for text in HOSTILE}}
    out = render_one(tmp_path, "terraform", "main.tf", "locals {\n  a = 1\n  value = {{ value | tohcl }}\n}\n", value)
    assert len(out.splitlines()) > 40
    parsed = hcl2.loads(out)
    assert [[k for k in block if k != "__is_block__"] for block in parsed["locals"]] == [["a", "value"]]
    assert hcl_value(parsed["locals"][0]["value"]) == value


def test_workflow_templates_write_github_expressions_verbatim(tmp_path: Path) -> None:
    body = (
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n"
        '      - run: echo "${{ github.sha }}" {{ value }}\n'
    )
    out = render_one(tmp_path, "github", "ci.yml", body, "${{ secrets.TOKEN }}")
    step = yaml.load_data(out)["jobs"]["a"]["steps"][0]["run"]
    assert step.startswith('echo "${{ github.sha }}" ')
    assert "${{ secrets.TOKEN }}" not in step.replace("${{ '${{' }}", "")


def test_the_safe_filter_is_not_available(tmp_path: Path) -> None:
    with pytest.raises(UserError, match="No filter named 'safe'"):
        render_one(tmp_path, "kubernetes", "x.yaml", "a: {{ value | safe }}\n", "b")


def test_unparseable_output_names_the_template(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        render_one(tmp_path, "kubernetes", "x.yaml", "a: [1\n", "b")
    assert str(caught.value).startswith(
        "templates/kubernetes/x.yaml.j2: kubernetes/x.yaml: rendered YAML does not parse"
    )


def test_template_errors_name_the_template_line(tmp_path: Path) -> None:
    with pytest.raises(UserError) as caught:
        render_one(tmp_path, "kubernetes", "x.yaml", "a: 1\nb: {{ missing.key }}\n", "b")
    assert (
        str(caught.value)
        == "templates/kubernetes/x.yaml.j2:2: while rendering kubernetes/x.yaml: 'missing' is undefined"
    )


def test_json_output_is_canonical(tmp_path: Path) -> None:
    out = render_one(tmp_path, "grafana", "d.json", '{"b": {{ value }}, "a": [1,2]}', {"y": 1, "x": "<&>"})
    assert out == '{\n  "a": [\n    1,\n    2\n  ],\n  "b": {\n    "x": "<&>",\n    "y": 1\n  }\n}\n'
    assert json.loads(out) == {"a": [1, 2], "b": {"x": "<&>", "y": 1}}


@pytest.mark.parametrize("value", HOSTILE)
def test_a_hostile_postgres_setting_stays_one_line(value: str) -> None:
    from codepal_gen.model.kubernetes_data import postgresql_conf

    conf = postgresql_conf("1Gi", {"application_name": value})
    lines = conf.splitlines()
    assert len(lines) == len(conf.split("\n")) - 1
    assert sum(line.startswith("application_name = '") for line in lines) == 1
    assert all(" = " in line for line in lines)


def test_hcl_control_characters_use_escapes_hcl_has() -> None:
    assert hcl.string("\b\f\\b") == '"\\u0008\\u000c\\\\b"'
