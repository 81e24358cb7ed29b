"""Observability outputs from config: thresholds in one place, routing per environment, the
cross-family contract paths, and the helpers the validators rely on."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from codepal_gen.formats import json_, yaml
from codepal_gen.formats.markdown import codeblock
from codepal_gen.model.observability_numbers import dec, human_percentage, num
from codepal_gen.validators.observability_grafana import lint
from codepal_gen.validators.observability_promql import MetricUse, RangeUse, analyse
from codepal_gen.validators.observability_promtool import sd_stripped

from .conftest import Run


def _yaml(root: Path, env: str, path: str) -> Any:
    return yaml.load_data((root / "out" / env / path).read_text(encoding="utf-8"))


def _alert(root: Path, env: str, group: str, name: str) -> Any:
    rules = _yaml(root, env, f"prometheus/rules/{group}.yaml")["groups"][0]["rules"]
    return next(rule for rule in rules if rule.get("alert") == name)


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.05, "0.05"),
        (1, "1"),
        (100.0, "100"),
        (dec(0.1) + dec(0.2), "0.3"),
        (Decimal("14.4") * (1 - dec(0.999)), "0.0144"),
    ],
)
def test_numbers_are_written_without_float_noise(value: Any, text: str) -> None:
    assert num(value) == text


def test_human_percentage_matches_prometheus() -> None:
    assert human_percentage(Decimal("0.525")) == "52.5%"
    assert human_percentage(Decimal("0.95")) == "95%"


def test_threshold_from_config_appears_identically_in_expression_annotation_and_test(run: Run, project: Path) -> None:
    prod = project / "environments/prod.yaml"
    prod.write_text(
        prod.read_text(encoding="utf-8").replace(
            "# --- observability ---\nobservability:\n",
            "# --- observability ---\nobservability:\n  thresholds:\n    error_rate: 0.07\n",
        ),
        encoding="utf-8",
    )
    assert run("-C", project, "render", "prod").code == 0
    alert = _alert(project, "prod", "availability", "HighErrorRate")
    assert alert["expr"] == "namespace_job:http_requests_errors:ratio_rate5m > 0.07"
    assert alert["annotations"]["description"].endswith("(threshold: more than 0.07).")
    tests = _yaml(project, "prod", "prometheus/tests/availability.yaml")["tests"]
    fires = next(t for t in tests if t["name"] == "HighErrorRate fires")
    expected = fires["alert_rule_test"][0]["exp_alerts"][0]["exp_annotations"]["description"]
    assert expected == "codepal-app in codepal-prod answers 53.5% of requests with 5xx (threshold: more than 0.07)."


def test_slo_burn_rates_follow_the_objective(rendered_root: Path) -> None:
    prod = _alert(rendered_root, "prod", "slo", "AvailabilityBudgetBurnFast")["expr"]
    dev = _alert(rendered_root, "dev", "slo", "AvailabilityBudgetBurnFast")["expr"]
    assert "namespace_job:http_requests_errors:ratio_rate1h > 0.0144" in prod
    assert "namespace_job:http_requests_errors:ratio_rate30m > 0.006" in prod
    assert "namespace_job:http_requests_errors:ratio_rate1h > 0.144" in dev  # dev's objective is 0.99


def test_every_alert_has_a_runbook_and_tests(rendered_root: Path) -> None:
    out = rendered_root / "out/prod"
    alerts = [
        rule["alert"]
        for path in sorted((out / "prometheus/rules").glob("*.yaml"))
        for rule in yaml.load_data(path.read_text(encoding="utf-8"))["groups"][0]["rules"]
        if "alert" in rule
    ]
    assert len(alerts) == 24
    assert sorted(p.stem for p in (out / "runbooks").glob("*.md")) == sorted(alerts)
    runbook = (out / "runbooks/HighErrorRate.md").read_text(encoding="utf-8")
    assert "```promql\nnamespace_job:http_requests_errors:ratio_rate5m > 0.05\n```" in runbook


def test_paging_is_per_environment(rendered_root: Path) -> None:
    prod = _yaml(rendered_root, "prod", "alertmanager/alertmanager.yml")
    dev = _yaml(rendered_root, "dev", "alertmanager/alertmanager.yml")
    critical = {"matchers": ['severity="critical"'], "receiver": "pager", "repeat_interval": "1h"}
    assert critical in prod["route"]["routes"]
    assert {**critical, "receiver": "chat"} in dev["route"]["routes"]
    assert [r["name"] for r in dev["receivers"]] == ["chat", "watchdog"]
    pager = prod["receivers"][0]["pagerduty_configs"][0]
    assert pager["routing_key_file"] == "/etc/alertmanager/secrets/pagerduty-routing-key"
    assert prod["receivers"][1]["slack_configs"][0]["api_url_file"] == "/etc/alertmanager/secrets/slack-webhook-url"
    assert prod["route"]["routes"][0]["matchers"] == ['alertname="Watchdog"']


def test_prometheus_config_follows_the_contract(rendered_root: Path) -> None:
    config = _yaml(rendered_root, "staging", "prometheus/prometheus.yml")
    assert config["rule_files"] == ["rules/*.yaml"]
    assert config["global"]["external_labels"] == {"environment": "staging", "region": "us-east-1"}
    # every replica (staging: 3 at 50 %, rounded up), each by its pod name: never one load-balanced Service
    assert config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == [
        "alertmanager-0.alertmanager-headless.codepal-staging-monitoring.svc:9093",
        "alertmanager-1.alertmanager-headless.codepal-staging-monitoring.svc:9093",
    ]
    keep = {job["job_name"]: job["relabel_configs"][0].get("regex") for job in config["scrape_configs"]}
    assert keep["postgres"] == "postgres;metrics"
    assert keep["kube-state-metrics"] == "kube-state-metrics;http-metrics"
    assert keep["auth-service"] == "auth-service;http"


def test_dashboards_use_the_grafana_version_from_config(rendered_root: Path) -> None:
    board = json_.parse((rendered_root / "out/prod/grafana/dashboards/database.json").read_text(encoding="utf-8"))
    assert (board["uid"], board["schemaVersion"], board["editable"]) == ("codepal-database", 39, False)
    assert list(lint(board, "database", "11.2")) == []


def test_lint_reports_overlaps_rate_windows_and_uid() -> None:
    panel = {
        "id": 1, "title": "A", "description": "d", "datasource": {"uid": "${datasource}"},
        "fieldConfig": {"defaults": {"unit": "s"}}, "gridPos": {"h": 8, "w": 12, "x": 0, "y": 0},
        "targets": [{"refId": "A", "datasource": {"uid": "${datasource}"}, "expr": "rate(x_total[5m])"}],
    }  # fmt: skip
    board = {
        "uid": "other", "editable": False, "schemaVersion": 39,
        "templating": {"list": [{"name": "datasource", "type": "datasource", "query": "prometheus"}]},
        "panels": [panel, {**panel, "id": 2, "title": "B", "gridPos": {"h": 8, "w": 12, "x": 6, "y": 4}}],
    }  # fmt: skip
    found = [(check, message) for check, message, _ in lint(board, "x", "11.2")]
    assert ("uid", "uid 'other' must be 'codepal-x' (derived from the file name, at most 40 characters)") in found
    assert ("gridpos", "panel 2 (B) overlaps panel 1 (A)") in found
    assert ("rate-interval", "panel 1 (A): rate() over [5m], use [$__rate_interval]") in found


def test_promql_analysis_finds_metrics_and_their_function() -> None:
    uses = analyse('sum by (job) (rate(a_total{le="1"}[$__rate_interval])) / on (job) b:c:d offset 5m > bool 1')
    assert uses.metrics == (MetricUse("a_total", "rate"), MetricUse("b:c:d", ""))
    assert uses.ranges == (RangeUse("$__rate_interval", "rate"),)
    assert analyse("sum(x_total) or vector(1)").metrics == (MetricUse("x_total", "sum"),)


def test_sd_stripped_keeps_every_line_where_it_was() -> None:
    text = "scrape_configs:\n- job_name: a\n  kubernetes_sd_configs:\n  - namespaces:\n      names:\n      - x\n    role: endpoints\n  metrics_path: /m\n"  # noqa: E501
    stripped = sd_stripped(text)
    assert stripped.splitlines()[2:5] == ["  static_configs:", "  - targets: ['kubernetes-sd.invalid:80']", "  #"]
    assert len(stripped.splitlines()) == len(text.splitlines())
    assert stripped.splitlines()[7] == "  metrics_path: /m"


def test_codeblock_fence_outgrows_backticks_in_the_value() -> None:
    assert codeblock("a ``` b", "sh") == "````sh\na ``` b\n````"
    with pytest.raises(ValueError, match="bad code block language"):
        codeblock("x", "sh\n")


def test_prometheus_alerts_the_one_alertmanager_by_its_pod_name(rendered_root: Path) -> None:
    config = _yaml(rendered_root, "dev", "prometheus/prometheus.yml")
    assert config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"] == [
        "alertmanager-0.alertmanager-headless.codepal-dev-monitoring.svc:9093"
    ]


def test_the_alertmanager_cluster_alert_exists_only_where_there_is_a_cluster(rendered_root: Path) -> None:
    alert = _alert(rendered_root, "prod", "meta", "AlertmanagerClusterMembersMismatch")
    assert alert["expr"] == (
        "max by (namespace, pod) (max_over_time(alertmanager_cluster_members"
        '{namespace="codepal-prod-monitoring", job="alertmanager"}[5m])) < 3'
    )
    tests = _yaml(rendered_root, "prod", "prometheus/tests/meta.yaml")["tests"]
    names = {t["name"] for t in tests}
    assert {"AlertmanagerClusterMembersMismatch fires", "AlertmanagerClusterMembersMismatch stays silent"} <= names
    # one replica: Alertmanager exports no cluster metrics, so no alert reads them
    dev = _yaml(rendered_root, "dev", "prometheus/rules/meta.yaml")["groups"][0]["rules"]
    assert [r["alert"] for r in dev] == ["Watchdog"]
    assert not (rendered_root / "out/dev/runbooks/AlertmanagerClusterMembersMismatch.md").exists()
