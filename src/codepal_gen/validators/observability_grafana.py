"""Grafana dashboards: the project's JSON Schema of the generated subset, then lint rules
in the spirit of grafana/dashboard-linter (in-process; expressions are parsed by promtool,
metric sources are checked by prometheus-lint).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import PurePosixPath
from typing import Any

from jsonschema import Draft202012Validator

from ..formats import OutputError, json_
from ..model.observability_dashboards import SCHEMA_VERSIONS
from . import Bundle, Finding
from .observability_promql import RATE_FUNCTIONS, analyse
from .observability_promtool import DASHBOARDS, line_of

NAME = "grafana-lint"
SCHEMA = "schemas/grafana/dashboard.json"
VARIABLE = "${datasource}"


def _panel_label(panel: Mapping[str, Any]) -> str:
    return f"panel {panel.get('id')} ({panel.get('title')})"


def _overlaps(a: Mapping[str, int], b: Mapping[str, int]) -> bool:
    return (
        a["x"] < b["x"] + b["w"] and b["x"] < a["x"] + a["w"] and a["y"] < b["y"] + b["h"] and b["y"] < a["y"] + a["h"]
    )


def lint(data: Mapping[str, Any], name: str, grafana_version: str) -> Iterator[tuple[str, str, str]]:
    """(check, message, text to locate) for every rule the dashboard breaks."""
    uid = str(data.get("uid", ""))
    if len(uid) > 40 or uid != f"codepal-{name}":
        yield (
            "uid",
            f"uid {uid!r} must be 'codepal-{name}' (derived from the file name, at most 40 characters)",
            '"uid"',
        )
    if data.get("editable") is not False:
        yield "editable", "dashboards are provisioned: editable must be false", '"editable"'
    expected = SCHEMA_VERSIONS.get(grafana_version)
    if data.get("schemaVersion") != expected:
        yield (
            "schema-version",
            f"schemaVersion {data.get('schemaVersion')} does not match Grafana {grafana_version} (expected {expected})",
            '"schemaVersion"',
        )
    variables = [v for v in data.get("templating", {}).get("list", []) if v.get("type") == "datasource"]
    if len(variables) != 1 or variables[0].get("name") != "datasource" or variables[0].get("query") != "prometheus":
        yield (
            "datasource-variable",
            "expected exactly one Prometheus datasource variable named 'datasource'",
            '"templating"',
        )
    panels = data.get("panels", [])
    ids = [p.get("id") for p in panels]
    if ids != list(range(1, len(panels) + 1)):
        yield "panel-ids", f"panel ids must be 1..{len(panels)} in order, got {ids}", '"panels"'
    for index, panel in enumerate(panels):
        yield from _panel(panel, panels[:index])


def _panel(panel: Mapping[str, Any], before: list[Mapping[str, Any]]) -> Iterator[tuple[str, str, str]]:
    label, locate = _panel_label(panel), f'"title": {json.dumps(panel.get("title"), ensure_ascii=False)}'
    sources = [("panel", panel.get("datasource") or {})]
    sources += [(f"target {t.get('refId')}", t.get("datasource") or {}) for t in panel.get("targets", [])]
    for where, source in sources:
        if source.get("uid") != VARIABLE:
            yield (
                "hardcoded-datasource",
                f"{label}: {where} uses datasource uid {source.get('uid')!r} instead of the {VARIABLE} variable",
                locate,
            )
    if not panel.get("description"):
        yield "panel-description", f"{label} has no description", locate
    if not panel.get("fieldConfig", {}).get("defaults", {}).get("unit"):
        yield "panel-unit", f"{label} has no unit", locate
    grid = panel.get("gridPos", {})
    if grid.get("x", 0) + grid.get("w", 0) > 24:
        yield "gridpos", f"{label} extends past the 24-column grid", locate
    for other in before:
        if grid and other.get("gridPos") and _overlaps(grid, other["gridPos"]):
            yield "gridpos", f"{label} overlaps {_panel_label(other)}", locate
    for target in panel.get("targets", []):
        for use in analyse(str(target.get("expr", ""))).ranges:
            if use.function in RATE_FUNCTIONS and use.window != "$__rate_interval":
                yield (
                    "rate-interval",
                    f"{label}: {use.function}() over [{use.window}], use [$__rate_interval]",
                    json.dumps(target.get("expr"), ensure_ascii=False),
                )


class GrafanaLint:
    name = NAME

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        if not bundles:
            return []
        schema = json.loads((bundles[0].project_root / SCHEMA).read_text(encoding="utf-8"))
        validator = Draft202012Validator(schema)
        findings = []
        for bundle in bundles:
            version = str(bundle.config["observability"]["grafana"]["version"])
            for rel in bundle.matching(DASHBOARDS):
                text = bundle.files[rel]
                try:
                    data = json_.parse(text)
                except OutputError:
                    continue  # the parse validator reports it
                for error in sorted(validator.iter_errors(data), key=lambda e: list(e.absolute_path)):
                    path = "/".join(str(p) for p in error.absolute_path) or "(root)"
                    findings.append(Finding(bundle.shown(rel), 0, self.name, "schema", f"{path}: {error.message}"))
                if not isinstance(data, dict):
                    continue
                for check, message, locate in lint(data, PurePosixPath(rel).stem, version):
                    findings.append(Finding(bundle.shown(rel), line_of(text, locate), self.name, check, message))
        return findings


VALIDATOR = GrafanaLint()
