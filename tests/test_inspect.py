"""`config` shows what an environment resolves to and where each value comes from;
`show` prints rendered files without writing anything."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from .conftest import Run
from .helpers import tree_state


def _origins(run: Run, project: Path, env: str) -> dict[str, tuple[str, str]]:
    result = run("-C", project, "config", env, "--show-origin")
    assert result.code == 0, result.err
    found = {}
    for line in result.out.splitlines():
        origin, _, assignment = line.partition("\t")
        key, _, value = assignment.partition("=")
        found[key] = (origin, value)
    return found


def test_config_says_which_file_and_line_each_value_comes_from(project: Path, run: Run) -> None:
    staging = project / "environments" / "staging.yaml"
    lines = staging.read_text(encoding="utf-8").splitlines()
    scale_line = next(n for n, text in enumerate(lines, 1) if text.startswith("scale:"))
    found = _origins(run, project, "staging")
    assert found["scale"] == (f"environments/staging.yaml:{scale_line}:1", "0.5")
    # Inherited from prod, untouched by staging.
    assert found["services.codepal-app.replicas.max"][0].startswith("environments/prod.yaml:")
    # Never written: the schema's default.
    assert found["dns.soa.expire"] == ("default", "1209600")


def test_config_formats_agree(project: Path, run: Run) -> None:
    as_json = json.loads(run("-C", project, "config", "prod", "--format", "json").out)
    as_yaml = yaml.safe_load(run("-C", project, "config", "prod").out)
    assert as_yaml == as_json
    listed = run("-C", project, "config", "prod", "--list").out.splitlines()
    assert "scale=1" in listed or "scale=1.0" in listed
    assert as_json["services"]["codepal-app"]["replicas"]["min"] == 3


def test_config_of_an_unknown_environment_is_a_usage_error(project: Path, run: Run) -> None:
    result = run("-C", project, "config", "nowhere")
    assert result.code == 2
    assert "unknown environment 'nowhere'" in result.err


def test_show_prints_a_file_exactly_as_render_writes_it_and_writes_nothing(project: Path, run: Run) -> None:
    assert run("-C", project, "render", "--all").code == 0
    before = tree_state(project / "out")
    result = run("-C", project, "show", "prod", "prometheus/prometheus.yml")
    assert result.code == 0
    assert result.out == (project / "out" / "prod" / "prometheus" / "prometheus.yml").read_text(encoding="utf-8")
    assert tree_state(project / "out") == before


def test_show_prints_several_files_with_a_header_each_and_lists_paths(project: Path, run: Run) -> None:
    listed = run("-C", project, "show", "prod", "kubernetes/*/statefulset-*", "--list").out.splitlines()
    assert "kubernetes/codepal-prod-monitoring/statefulset-alertmanager.yaml" in listed
    assert all(path.startswith("kubernetes/") and "/statefulset-" in path for path in listed)
    shown = run("-C", project, "show", "prod", "kubernetes/*/statefulset-*").out
    headers = [line for line in shown.splitlines() if line.startswith("==> ")]
    assert headers == [f"==> out/prod/{path} <==" for path in listed]


def test_show_names_close_matches_for_a_path_that_renders_nothing(project: Path, run: Run) -> None:
    result = run("-C", project, "show", "prod", "prometheus/prom.yml")
    assert result.code == 2
    assert "no rendered file of prod matches 'prometheus/prom.yml'; did you mean prometheus/prometheus.yml" in (
        result.err
    )
