"""The observability validators on real output: everything passes, and each kind of breakage
is reported with the file, line and a clear message (promtool, amtool and the linters run for real)."""

from __future__ import annotations

from pathlib import Path

from .conftest import Result, Run


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _broken(run: Run, project: Path) -> Result:
    """One scratch project with four deliberate breakages, validated once (the tools are slow)."""
    rules = project / "templates/prometheus/rules/{obs_rule_group}.yaml.j2"
    # A broken expression: HighErrorRate's PromQL gets a dangling operator.
    _edit(rules, "expr: {{ alert.expr }}", 'expr: {{ alert.expr ~ (" +" if alert.name == "HighErrorRate" else "") }}')
    # A missing annotation: PostgresDown loses its description.
    _edit(
        rules,
        "          description: {{ alert.description }}\n",
        '{% if alert.name != "PostgresDown" %}\n          description: {{ alert.description }}\n{% endif %}\n',
    )
    # An untested alert: RedisDown's unit tests are dropped.
    _edit(
        project / "templates/prometheus/tests/{obs_test_group}.yaml.j2",
        "{% for test in obs_test_group.tests %}",
        '{% for test in obs_test_group.tests if test.alertname != "RedisDown" %}',
    )
    # A dashboard panel with a hard-coded datasource.
    _edit(
        project / "templates/grafana/dashboards/_panel.json.j2",
        '"datasource": {{ d.datasource }},\n      "gridPos"',
        '"datasource": {"type": "prometheus", "uid": "prometheus"},\n      "gridPos"',
    )
    return run("-C", project, "validate", "prod", "--only", "promtool,prometheus-lint,grafana-lint")


def test_breakages_are_each_rejected_with_a_clear_message(run: Run, project: Path) -> None:
    result = _broken(run, project)
    assert result.code == 1
    lines = result.out.splitlines()
    rules = "out/prod/prometheus/rules/availability.yaml"
    expected = [
        f'{rules}:36: promtool: check-rules: group "codepal-availability", rule 4, "HighErrorRate": could not parse '
        "expression: 1:57: parse error: unexpected end of input",
        "out/prod/prometheus/prometheus.yml: promtool: check-config: prometheus/rules/availability.yaml: 36:11: group "
        '"codepal-availability", rule 4, "HighErrorRate": could not parse expression: 1:57: parse error: '
        "unexpected end of input",
        f"{rules}:14: prometheus-lint: missing-annotation: alert PostgresDown has no description annotation",
        f"{rules}:22: prometheus-lint: untested-alert: alert RedisDown has no promtool unit test that makes it fire "
        "(prometheus/tests/*.yaml)",
        f"{rules}:22: prometheus-lint: untested-alert: alert RedisDown has no promtool unit test that keeps it silent "
        "(prometheus/tests/*.yaml)",
        "out/prod/grafana/dashboards/application.json:39: grafana-lint: hardcoded-datasource: panel 1 (Requests per "
        "second): panel uses datasource uid 'prometheus' instead of the ${datasource} variable",
    ]
    for line in expected:
        assert line in lines, "\n".join(lines)
    # The group's unit tests cannot run against a rule file that does not parse.
    assert (
        "out/prod/prometheus/tests/availability.yaml: promtool: test-rules: prometheus/rules/availability.yaml: "
        '36:11: group "codepal-availability", rule 4, "HighErrorRate": could not parse expression: 1:57: parse error: '
        "unexpected end of input" in lines
    ), "\n".join(lines)


def test_a_unit_test_that_fails_is_named_at_its_line(run: Run, project: Path) -> None:
    # The rule's description drifts from what its generated unit test expects.
    _edit(
        project / "templates/prometheus/rules/{obs_rule_group}.yaml.j2",
        "description: {{ alert.description }}",
        'description: {{ alert.description ~ (" Look now." if alert.name == "HighLatencyP95" else "") }}',
    )
    result = run("-C", project, "validate", "prod", "--only", "promtool")
    assert result.code == 1
    failures = [line for line in result.out.splitlines() if ": promtool: test-rules: " in line]
    assert len(failures) == 1, result.out
    assert failures[0].startswith(
        "out/prod/prometheus/tests/performance.yaml:29: promtool: test-rules: unit test 'HighLatencyP95 fires' failed: "
        'alertname: HighLatencyP95, time: 20m, exp:[ 0: Labels:{alertname="HighLatencyP95", job="codepal-app", '
    ), failures[0]
    assert "of codepal-app in codepal-prod is 1.95s (threshold: 1s). Look now." in failures[0]
