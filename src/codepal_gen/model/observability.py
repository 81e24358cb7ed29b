"""Observability values derived from config: scrape jobs, rule groups, unit tests, routing, runbooks.

Context entries live under ``obs``; fan-outs are ``obs_rule_group`` (one rule
file per group), ``obs_test_group`` (one promtool test file per alerting
group), ``obs_dashboard`` and ``obs_runbook`` (one Markdown file per alert).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config import Environment, freeze
from .alertmanager_cluster import cluster
from .observability_alerts import setting
from .observability_alerts_platform import all_alerts
from .observability_dashboards import dashboards
from .observability_rules import AlertSpec, recording_rules

SECRETS = "/etc/alertmanager/secrets"
SA = "/var/run/secrets/kubernetes.io/serviceaccount"
RECORDING_GROUP = "recording"


def scrape_jobs(config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One job per scrape target of the cross-family contract, each naming the exporter behind it."""
    ns = config["kubernetes"]["namespace"]
    mns = config["kubernetes"]["monitoring_namespace"]

    def endpoints(name: str, exporter: str, namespace: str, port: str, honor: bool = False) -> dict[str, Any]:
        return {
            "name": name,
            "exporter": exporter,
            "role": "endpoints",
            "namespace": namespace,
            "keep": f"{name};{port}",
            "honor_labels": honor,
            "metrics_path": "/metrics",
        }

    jobs = [endpoints(service, "codepal-service", ns, "http") for service in config.get("services", {})]
    jobs += [
        endpoints("postgres", "postgres-exporter", ns, "metrics"),
        endpoints("redis", "redis-exporter", ns, "metrics"),
        # kube-state-metrics and cert-manager report other objects' namespaces: keep them.
        endpoints("kube-state-metrics", "kube-state-metrics", mns, "http-metrics", honor=True),
        # node-exporter needs the host, so it lives in its own (privileged) namespace.
        endpoints(
            "node-exporter",
            "node-exporter",
            config["kubernetes"]["monitoring"]["node_exporter"]["namespace"],
            "metrics",
        ),
        endpoints("prometheus", "prometheus", mns, "web"),
        endpoints("alertmanager", "alertmanager", mns, "web"),
        endpoints("cert-manager", "cert-manager", "cert-manager", "tcp-prometheus-servicemonitor", honor=True),
    ]
    for name, path in (("kubelet", "/metrics"), ("cadvisor", "/metrics/cadvisor")):
        jobs.append(
            {
                "name": name,
                "exporter": name,
                "role": "node",
                "metrics_path": path,
                "ca_file": f"{SA}/ca.crt",
                "credentials_file": f"{SA}/token",
                "honor_labels": False,
            }
        )
    return jobs


def _runbook_url(config: Mapping[str, Any], env: str, alert: str) -> str:
    return f"https://github.com/{config['project']['repository']}/blob/main/out/{env}/runbooks/{alert}.md"


def _alert_rule(alert: AlertSpec, url: str) -> dict[str, Any]:
    return {
        "name": alert.name,
        "expr": alert.expr,
        "for_duration": "" if alert.for_duration == "0s" else alert.for_duration,
        "severity": alert.severity,
        "summary": alert.summary,
        "description": alert.prometheus_description(),
        "runbook_url": url,
    }


def _tests(alert: AlertSpec, url: str) -> list[dict[str, Any]]:
    """promtool tests: the alert fires with exactly these labels and annotations, and stays silent."""
    fire = {
        "exp_labels": {"severity": alert.severity, **alert.fire_labels},
        "exp_annotations": {"summary": alert.summary, "description": alert.expected_description(), "runbook_url": url},
    }
    cases = [(f"{alert.name} fires", alert.fire, [fire])]
    if alert.silent is not None:
        cases.append((f"{alert.name} stays silent", alert.silent, []))
    return [
        {
            "name": name,
            "input_series": [{"series": s.series, "values": s.values} for s in scenario.series],
            "eval_time": scenario.eval_time,
            "alertname": alert.name,
            "exp_alerts": expected,
        }
        for name, scenario, expected in cases
    ]


def _alertmanager(config: Mapping[str, Any]) -> dict[str, Any]:
    am = config["observability"]["alertmanager"]
    repeat = am["repeat_interval"]
    pager = "pager" if am["paging"] else "chat"
    routes = [{"matchers": ['alertname="Watchdog"'], "receiver": "watchdog", "repeat_interval": repeat["watchdog"]}]
    routes += [
        {
            "matchers": [f'severity="{severity}"'],
            "receiver": pager if severity == "critical" else "chat",
            "repeat_interval": repeat[severity],
        }
        for severity in ("critical", "warning", "info")
    ]
    return {
        "resolve_timeout": am["resolve_timeout"],
        "group_wait": am["group_wait"],
        "group_interval": am["group_interval"],
        "repeat_interval": repeat["warning"],
        "routes": routes,
        "paging": am["paging"],
        "slack_channel": am["slack_channel"],
        "watchdog_channel": am["watchdog_channel"],
        "pagerduty_key_file": f"{SECRETS}/pagerduty-routing-key",
        "slack_url_file": f"{SECRETS}/slack-webhook-url",
        # Alertmanager's own Go templates, kept out of Jinja's hands as values.
        "slack_title": "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}",
        "slack_text": (
            '{{ range .Alerts }}{{ .Annotations.description }} {{ .Annotations.runbook_url }}{{ "\\n" }}{{ end }}'
        ),
    }


def build(env: Environment) -> Mapping[str, Any]:
    config = env.config
    s = setting(config)
    alerts = all_alerts(s)
    records = recording_rules(s.namespace, s.latency_le)
    groups: dict[str, dict[str, Any]] = {
        RECORDING_GROUP: {"name": "codepal-recording", "records": [vars(r) for r in records], "alerts": []}
    }
    tests: dict[str, dict[str, Any]] = {}
    runbooks: dict[str, dict[str, Any]] = {}
    for alert in alerts:
        url = _runbook_url(config, env.name, alert.name)
        group = groups.setdefault(alert.group, {"name": f"codepal-{alert.group}", "records": [], "alerts": []})
        group["alerts"].append(_alert_rule(alert, url))
        test = tests.setdefault(alert.group, {"rule_files": [f"../rules/{alert.group}.yaml"], "tests": []})
        # Recording rules cost evaluation time in every test: load them only where an alert reads them.
        recording_file = f"../rules/{RECORDING_GROUP}.yaml"
        if any(r.record in alert.expr for r in records) and recording_file not in test["rule_files"]:
            test["rule_files"].insert(0, recording_file)
        test["tests"].extend(_tests(alert, url))
        runbooks[alert.name] = {
            "name": alert.name,
            "severity": alert.severity,
            "summary": alert.summary,
            "meaning": alert.meaning,
            "expr": alert.expr,
            "for_duration": alert.for_duration,
            "group": alert.group,
            "steps": [vars(step) for step in alert.steps],
            "exempt_silent_reason": alert.exempt_silent_reason,
        }
    obs = config["observability"]
    prometheus = {
        "scrape_interval": obs["scrape_interval"],
        "scrape_timeout": obs["scrape_timeout"],
        "evaluation_interval": obs["evaluation_interval"],
        "external_labels": {"environment": env.name, "region": config["aws"]["region"]},
        # Every replica, each by its own name: they deduplicate notifications among themselves.
        "alertmanagers": cluster(config).targets(),
        "jobs": scrape_jobs(config),
    }
    return {
        "obs": freeze({"prometheus": prometheus, "alertmanager": _alertmanager(config)}),
        "fanout": {
            "obs_rule_group": freeze(groups),
            "obs_test_group": freeze(tests),
            "obs_dashboard": freeze(dashboards(config, env.name)),
            "obs_runbook": freeze(runbooks),
        },
    }
