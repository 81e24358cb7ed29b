"""promtool over every environment at once: ``check rules`` (rule files and every dashboard
expression), ``check config`` (prometheus.yml with its rule files) and ``test rules``.

Debian's promtool is built without Kubernetes service discovery, so ``check
config`` sees a copy of prometheus.yml where each ``kubernetes_sd_configs``
block is swapped, line for line, for a static target; the ``kubernetes-sd``
check validates those blocks itself.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..formats import OutputError, json_, yaml
from . import Bundle, Finding, with_tool

RULES = "prometheus/rules/*.yaml"
TESTS = "prometheus/tests/*.yaml"
CONFIG = "prometheus/prometheus.yml"
DASHBOARDS = "grafana/dashboards/*.json"
#: Grafana's interval variables, replaced by a plausible value before promtool parses the expression.
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}
_LOCATED = re.compile(r"^(?P<file>/\S+?): (?:(?P<line>\d+):(?P<col>\d+): )?(?P<message>.*)$")
SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount/"
_SD_ROLES = frozenset({"node", "service", "pod", "endpoints", "endpointslice", "ingress"})


def _run(tool: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([tool, *args], capture_output=True, text=True, check=False, timeout=120)


def line_of(text: str, needle: str) -> int:
    """1-based line of the first occurrence of ``needle`` in ``text`` (0 if absent)."""
    index = text.find(needle)
    return text.count("\n", 0, index) + 1 if index >= 0 else 0


class _Files:
    """Maps absolute paths handed to a tool back to ``(bundle, relative path)``."""

    def __init__(self) -> None:
        self.known: dict[str, tuple[Bundle, str, int]] = {}

    def add(self, path: Path, bundle: Bundle, rel: str, line: int = 0) -> str:
        self.known[str(path)] = (bundle, rel, line)
        return str(path)

    def finding(self, file: str, line: int, check: str, message: str) -> Finding | None:
        if file not in self.known:
            return None
        bundle, rel, fixed_line = self.known[file]
        return Finding(bundle.shown(rel), fixed_line or line, "promtool", check, message)


def _dashboard_rule_files(bundles: Sequence[Bundle], tmp: Path, files: _Files) -> list[str]:
    """One temporary rule file per dashboard target, named back to the dashboard's expr line."""
    paths: list[str] = []
    for bundle in bundles:
        for rel in bundle.matching(DASHBOARDS):
            text = bundle.files[rel]
            try:
                data = json_.parse(text)
            except OutputError:
                continue  # the parse validator reports it
            for panel in data.get("panels", []):
                for target in panel.get("targets", []):
                    expr = str(target.get("expr", ""))
                    for variable, value in GRAFANA_VARIABLES.items():
                        expr = expr.replace(variable, value)
                    path = tmp / f"dashboard-{len(paths)}.yaml"
                    rule = {"groups": [{"name": "dashboard", "rules": [{"record": "dashboard:expr", "expr": expr}]}]}
                    path.write_text(json_.dump(rule), encoding="utf-8")
                    paths.append(files.add(path, bundle, rel, line_of(text, json_.escape(target.get("expr", "")))))
    return paths


class PromtoolRules:
    """``promtool check rules --lint=all --lint-fatal`` over every rule file and dashboard expression."""

    name = "promtool"

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        return with_tool(self.name, "promtool", bundles, lambda tool: self.run_with(tool, bundles))

    def run_with(self, tool: str, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        files = _Files()
        args = [files.add(b.directory / rel, b, rel) for b in bundles for rel in b.matching(RULES)]
        with tempfile.TemporaryDirectory(prefix="codepal-promtool-") as tmp:
            args += _dashboard_rule_files(bundles, Path(tmp), files)
            if not args:
                return []
            result = _run(tool, "check", "rules", "--lint=all", "--lint-fatal", *args)
        return list(_located(result, files, "check-rules"))


def _located(result: subprocess.CompletedProcess[str], files: _Files, check: str) -> Iterator[Finding]:
    if result.returncode == 0:
        return
    found = False
    for line in (result.stdout + "\n" + result.stderr).splitlines():
        match = _LOCATED.match(line.strip())
        if match:
            finding = files.finding(match["file"], int(match["line"] or 0), check, match["message"])
            if finding:
                found = True
                yield finding
    if not found:
        any_file = next(iter(files.known))
        detail = " ".join(result.stderr.split())[:500]
        yield files.finding(any_file, 0, check, f"promtool failed: {detail}") or Finding(
            "out", 0, "promtool", check, detail
        )


def sd_stripped(text: str) -> str:
    """prometheus.yml with every ``kubernetes_sd_configs`` block replaced by a static target, line for line."""
    out: list[str] = []
    indent: int | None = None
    for line in text.splitlines():
        stripped = line.lstrip()
        depth = len(line) - len(stripped)
        if indent is not None and (depth > indent or (depth == indent and stripped.startswith("- "))):
            first = out[-1].endswith("static_configs:")
            out.append(" " * indent + ("- targets: ['kubernetes-sd.invalid:80']" if first else "#"))
            continue
        indent = None
        if stripped == "kubernetes_sd_configs:":
            indent = depth
            out.append(" " * depth + "static_configs:")
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def check_sd(config: Any) -> Iterator[str]:
    """Problems in the ``kubernetes_sd_configs`` blocks promtool cannot read."""
    for job in config.get("scrape_configs", []) if isinstance(config, dict) else []:
        for sd in job.get("kubernetes_sd_configs", []):
            extra = set(sd) - {"role", "namespaces"}
            if sd.get("role") not in _SD_ROLES:
                yield f"job {job.get('job_name')}: unknown kubernetes_sd_configs role {sd.get('role')!r}"
            if extra:
                yield f"job {job.get('job_name')}: unknown kubernetes_sd_configs fields {sorted(extra)}"
            names = sd.get("namespaces", {}).get("names", [])
            if sd.get("role") != "node" and not (names and all(isinstance(n, str) and n for n in names)):
                yield f"job {job.get('job_name')}: kubernetes_sd_configs must name its namespaces"


class PromtoolConfig:
    """``promtool check config`` of each prometheus.yml, with the rule files it names."""

    name = "promtool"

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        return with_tool(self.name, "promtool", bundles, lambda tool: self.run_with(tool, bundles))

    def run_with(self, tool: str, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        files = _Files()
        findings: list[Finding] = []
        with tempfile.TemporaryDirectory(prefix="codepal-promtool-") as tmp:
            args = []
            for bundle in bundles:
                if CONFIG not in bundle.files:
                    continue
                folder = Path(tmp) / bundle.env
                folder.mkdir()
                (folder / "rules").symlink_to(bundle.directory / "prometheus" / "rules")
                # The in-cluster service account files do not exist here: stand-ins keep promtool's existence check.
                account = folder / "serviceaccount"
                account.mkdir()
                for name in ("token", "ca.crt"):
                    (account / name).touch()
                text = sd_stripped(bundle.files[CONFIG]).replace(SERVICE_ACCOUNT, f"{account}/")
                (folder / "prometheus.yml").write_text(text, encoding="utf-8")
                args.append(files.add(folder / "prometheus.yml", bundle, CONFIG))
                try:
                    data = yaml.load_data(bundle.files[CONFIG])
                except OutputError:
                    continue
                findings += [
                    Finding(
                        bundle.shown(CONFIG),
                        line_of(bundle.files[CONFIG], "kubernetes_sd_configs"),
                        self.name,
                        "kubernetes-sd",
                        problem,
                    )
                    for problem in check_sd(data)
                ]
            if args:
                result = _run(tool, "check", "config", *args)
                findings += _config_findings(tool, result, files)
        return findings


def _config_findings(tool: str, result: subprocess.CompletedProcess[str], files: _Files) -> list[Finding]:
    """On failure, each file is checked again alone: promtool's messages do not always name the file."""
    if result.returncode == 0:
        return []
    findings: list[Finding | None] = []
    for file in files.known:
        alone = _run(tool, "check", "config", file) if len(files.known) > 1 else result
        if alone.returncode == 0:
            continue
        messages = [line.strip() for line in alone.stderr.splitlines() if line.strip()]
        for message in messages:
            numbered = re.match(r"^line (\d+): (.*)$", message)
            if numbered:
                findings.append(files.finding(file, int(numbered[1]), "check-config", numbered[2]))
            elif not message.endswith("yaml: unmarshal errors:") and message != "FAILED:":
                text = re.sub(r"^FAILED: (parsing YAML file \S+: )?", "", message).replace(file, CONFIG)
                text = text.replace(str(Path(file).parent) + "/", "prometheus/")
                findings.append(files.finding(file, 0, "check-config", text))
    return sorted({f for f in findings if f})


class PromtoolTests:
    """``promtool test rules`` over every generated unit test file, all environments in one call."""

    name = "promtool"

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        return with_tool(self.name, "promtool", bundles, lambda tool: self.run_with(tool, bundles))

    def run_with(self, tool: str, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        files = _Files()
        args = [files.add(b.directory / rel, b, rel) for b in bundles for rel in b.matching(TESTS)]
        if not args:
            return []
        result = subprocess.run(
            [tool, "test", "rules", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
            timeout=300,
        )
        return [] if result.returncode == 0 else _test_findings(result.stdout, files)


def _test_findings(output: str, files: _Files) -> list[Finding]:
    """One finding per failed test: at the test's ``name:`` line, with promtool's expected/got text."""
    findings: list[Finding] = []
    blocks = re.split(r"^Unit Testing:\s+", output, flags=re.MULTILINE)
    for block in blocks[1:]:
        file, _, body = block.partition("\n")
        file = file.strip()
        if file not in files.known or "FAILED" not in body:
            continue
        bundle, rel, _ = files.known[file]
        text = bundle.files[rel]
        failures = re.split(r"^\s*name: ", body, flags=re.MULTILINE)
        if len(failures) == 1:  # the test file itself could not run (a rule file is broken...)
            lines = dict.fromkeys(line.strip() for line in body.splitlines() if line.strip() not in {"", "FAILED:"})
            message = "; ".join(lines).replace(str(bundle.directory) + "/", "")
            findings.append(Finding(bundle.shown(rel), 0, "promtool", "test-rules", message[:800]))
            continue
        for failure in failures[1:]:
            test_name = failure.split(",", 1)[0].strip()
            detail = " ".join(failure.split(",", 1)[1].split()) if "," in failure else ""
            line = line_of(text, f"name: {test_name}\n")
            findings.append(
                Finding(
                    bundle.shown(rel),
                    line,
                    "promtool",
                    "test-rules",
                    f"unit test {test_name!r} failed: {detail}"[:1500],
                )
            )
    return findings


VALIDATORS = (PromtoolRules(), PromtoolConfig(), PromtoolTests())
