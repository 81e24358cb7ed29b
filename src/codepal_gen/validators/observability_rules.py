"""What promtool does not check about the rendered rules (in-process, every environment).

* ``severity`` / ``missing-annotation`` / ``templated-summary`` / ``runbook``: every
  alert has a severity of critical, warning or info, a static summary, a
  description and a runbook_url pointing at its generated runbook.
* ``untested-alert``: a promtool unit test makes every alert fire, and another
  keeps it silent (unless its expression reads no series, like Watchdog).
* ``metric-source``: every metric a rule or dashboard reads is produced by a
  generated scrape job's exporter (``model/observability_catalog.py``) or a
  generated recording rule.
* ``counter-outside-rate``: counters are only read through rate(), irate() or increase().
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError

from ..formats import OutputError, json_
from ..model.observability import scrape_jobs
from ..model.observability_catalog import series_types
from . import Bundle, Finding
from .observability_promql import RATE_FUNCTIONS, analyse
from .observability_promtool import CONFIG, DASHBOARDS, RULES, TESTS, line_of

SEVERITIES = ("critical", "warning", "info")
ANNOTATIONS = ("summary", "description", "runbook_url")
NAME = "prometheus-lint"


def _load(text: str) -> Any:
    """Round-trip YAML: mappings and sequences know their line (``.lc.line``, 0-based)."""
    try:
        return YAML(typ="rt").load(text)
    except YAMLError:
        return None  # the parse validator reports it


def _rules(bundle: Bundle) -> Iterator[tuple[str, int, Mapping[str, Any]]]:
    for rel in bundle.matching(RULES):
        doc = _load(bundle.files[rel])
        for group in (doc or {}).get("groups", []) or []:
            for rule in group.get("rules", []) or []:
                yield rel, rule.lc.line + 1, rule


def _tested(bundle: Bundle) -> tuple[set[str], set[str]]:
    """Alert names some unit test expects to fire, and names some test expects to stay silent."""
    fires: set[str] = set()
    silent: set[str] = set()
    for rel in bundle.matching(TESTS):
        doc = _load(bundle.files[rel]) or {}
        for test in doc.get("tests", []) or []:
            for case in test.get("alert_rule_test", []) or []:
                (fires if case.get("exp_alerts") else silent).add(str(case.get("alertname")))
    return fires, silent


def _produced(bundle: Bundle, records: set[str]) -> dict[str, str]:
    """Series name -> type, for what the rendered prometheus.yml scrapes and the recording rules record."""
    doc = _load(bundle.files.get(CONFIG, "")) or {}
    scraped = {str(job.get("job_name")) for job in doc.get("scrape_configs", []) or []}
    exporters = [job["exporter"] for job in scrape_jobs(bundle.config) if job["name"] in scraped]
    types: dict[str, str] = dict(series_types(list(dict.fromkeys(exporters))))
    types.update(dict.fromkeys(records, "gauge"))
    return types


def _expr_findings(expr: str, types: Mapping[str, str], where: tuple[str, int], what: str) -> Iterator[Finding]:
    path, line = where
    for use in analyse(expr).metrics:
        kind = types.get(use.name)
        if kind is None:
            yield Finding(
                path,
                line,
                NAME,
                "metric-source",
                f"{what} reads {use.name}, which no generated scrape job or recording rule produces",
            )
        elif kind == "counter" and use.function not in RATE_FUNCTIONS:
            yield Finding(
                path,
                line,
                NAME,
                "counter-outside-rate",
                f"{what} reads counter {use.name} outside rate()/irate()/increase()",
            )


def _alert_findings(
    bundle: Bundle, rel: str, line: int, rule: Mapping[str, Any], fires: set[str], silent: set[str]
) -> Iterator[Finding]:
    name, shown = str(rule["alert"]), bundle.shown(rel)
    severity = (rule.get("labels") or {}).get("severity")
    if severity not in SEVERITIES:
        yield Finding(
            shown,
            line,
            NAME,
            "severity",
            f"alert {name} has severity {severity!r}, expected one of {', '.join(SEVERITIES)}",
        )
    annotations = rule.get("annotations") or {}
    for key in ANNOTATIONS:
        if not str(annotations.get(key, "")).strip():
            yield Finding(shown, line, NAME, "missing-annotation", f"alert {name} has no {key} annotation")
    if "{{" in str(annotations.get("summary", "")):
        yield Finding(shown, line, NAME, "templated-summary", f"alert {name}: the summary must be static text")
    url = str(annotations.get("runbook_url", ""))
    runbook = f"runbooks/{name}.md"
    if url and (not url.endswith(f"/out/{bundle.env}/{runbook}") or runbook not in bundle.files):
        yield Finding(shown, line, NAME, "runbook", f"alert {name}: runbook_url {url} is not its generated {runbook}")
    if name not in fires:
        yield Finding(
            shown, line, NAME, "untested-alert", f"alert {name} has no promtool unit test that makes it fire ({TESTS})"
        )
    if name not in silent and analyse(str(rule.get("expr", ""))).metrics:
        yield Finding(
            shown,
            line,
            NAME,
            "untested-alert",
            f"alert {name} has no promtool unit test that keeps it silent ({TESTS})",
        )


class RulesLint:
    name = NAME

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        findings: list[Finding] = []
        for bundle in bundles:
            rules = list(_rules(bundle))
            types = _produced(bundle, {str(r["record"]) for _, _, r in rules if "record" in r})
            fires, silent = _tested(bundle)
            for rel, line, rule in rules:
                what = f"alert {rule['alert']}" if "alert" in rule else f"recording rule {rule.get('record')}"
                findings += _expr_findings(str(rule.get("expr", "")), types, (bundle.shown(rel), line), what)
                if "alert" in rule:
                    findings += _alert_findings(bundle, rel, line, rule, fires, silent)
            for rel in bundle.matching(DASHBOARDS):
                findings += _dashboard_findings(bundle, rel, types)
        return findings


def _dashboard_findings(bundle: Bundle, rel: str, types: Mapping[str, str]) -> Iterator[Finding]:
    text = bundle.files[rel]
    try:
        data = json_.parse(text)
    except OutputError:
        return
    stem = PurePosixPath(rel).stem
    for panel in data.get("panels", []) if isinstance(data, dict) else []:
        for target in panel.get("targets", []):
            expr = str(target.get("expr", ""))
            where = (bundle.shown(rel), line_of(text, json.dumps(expr, ensure_ascii=False)))
            yield from _expr_findings(
                expr, types, where, f"dashboard {stem} panel {panel.get('id')} ({panel.get('title')})"
            )


VALIDATOR = RulesLint()
