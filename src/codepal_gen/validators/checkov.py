"""checkov over every environment's Kubernetes manifests and Terraform module, in one run.

One process for both frameworks and all environments: checkov's start-up is most
of its cost. It lives in its own venv (``.venv-tools``; it conflicts with the
project's dependencies) and runs offline (no package update check, no policy
download). Findings are reported as ``checkov`` (Kubernetes) and
``checkov-terraform`` (Terraform), each failed check at the first line of the
object or resource it names; accepted failures are in waivers.yaml. Selecting
one of the two names (``validate --only``/``--skip``) runs that framework alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import Bundle, Finding, with_tool

OFFLINE = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "ERROR"}

#: checkov framework -> (output kind folder, file pattern, validator name in findings)
FRAMEWORKS: Mapping[str, tuple[str, str, str]] = {
    "kubernetes": ("kubernetes", "kubernetes/*.yaml", "checkov"),
    "terraform": ("terraform", "terraform/*.tf", "checkov-terraform"),
}


def _reports(data: Any) -> Iterator[Mapping[str, Any]]:
    """checkov prints one report object, or a list of them (one per framework)."""
    for report in data if isinstance(data, list) else [data]:
        if isinstance(report, Mapping):
            yield report


class Checkov:
    """checkov for ``frameworks`` (all by default): ``validate --only checkov-terraform`` scans Terraform only."""

    name = "checkov"

    def __init__(self, frameworks: Sequence[str] = tuple(FRAMEWORKS)) -> None:
        self.frameworks = tuple(fw for fw in FRAMEWORKS if fw in frameworks)
        self.names = tuple(FRAMEWORKS[fw][2] for fw in self.frameworks)

    def only(self, names: frozenset[str]) -> Checkov:
        return Checkov([fw for fw in self.frameworks if FRAMEWORKS[fw][2] in names])

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        wanted = {fw: [b for b in bundles if b.matching(FRAMEWORKS[fw][1])] for fw in self.frameworks}
        wanted = {fw: found for fw, found in wanted.items() if found}
        if not wanted:
            return []
        names = tuple(FRAMEWORKS[fw][2] for fw in wanted)
        return with_tool(names, "checkov", bundles, lambda tool: self.run_with(tool, wanted, bundles))

    def run_with(self, tool: str, wanted: Mapping[str, list[Bundle]], bundles: Sequence[Bundle]) -> list[Finding]:
        with tempfile.TemporaryDirectory(prefix="codepal-gen-checkov-") as tmp:
            root = Path(tmp).resolve()
            for framework, selected in wanted.items():
                kind, pattern, _ = FRAMEWORKS[framework]
                for bundle in selected:
                    for path in bundle.matching(pattern):
                        target = root / framework / bundle.env / path.removeprefix(f"{kind}/")
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_text(bundle.files[path], encoding="utf-8")
            command = [tool, "--framework", *wanted, "--skip-download", "--quiet", "--compact", "-o", "json"]
            for framework in wanted:
                command += ["-d", str(root / framework)]
            proc = subprocess.run(command, capture_output=True, text=True, env={**os.environ, **OFFLINE}, check=False)
        try:
            data = _documents(proc.stdout)
        except json.JSONDecodeError:
            data = []
        if not data:
            message = " ".join((proc.stderr or proc.stdout).split())[-500:] or "no JSON report"
            return [Finding(bundles[0].shown_root, 0, self.name, "error", f"exit {proc.returncode}: {message}")]
        # Each -d folder gets its own report; a check seen twice is one finding.
        return sorted(set(self.findings(data, {b.env: b for b in bundles})))

    def findings(self, data: Any, by_env: Mapping[str, Bundle]) -> Iterator[Finding]:
        for report in _reports(data):
            for failed in report.get("results", {}).get("failed_checks", []):
                framework, env, rel = _locate(str(failed.get("file_abs_path") or failed.get("file_path", "")))
                if framework not in FRAMEWORKS or env not in by_env:
                    continue
                kind, _, name = FRAMEWORKS[framework]
                line = (failed.get("file_line_range") or [0])[0]
                message = f"{failed.get('check_name', '')} ({failed.get('resource', '')})"
                yield Finding(by_env[env].shown(f"{kind}/{rel}"), int(line), name, str(failed["check_id"]), message)


def _documents(text: str) -> list[Any]:
    """checkov prints one JSON document per ``-d`` folder, one after the other."""
    decoder = json.JSONDecoder()
    found: list[Any] = []
    index = 0
    while True:
        while index < len(text) and text[index].isspace():
            index += 1
        if index >= len(text):
            return found
        value, index = decoder.raw_decode(text, index)
        found.extend(value if isinstance(value, list) else [value])


def _locate(path: str) -> tuple[str, str, str]:
    """``.../<framework>/<env>/<rel>`` -> (framework, env, rel)."""
    parts = Path(path).parts
    for i, part in enumerate(parts[:-2]):
        if part in FRAMEWORKS and i + 2 < len(parts):
            return part, parts[i + 1], "/".join(parts[i + 2 :])
    return "", "", ""


VALIDATOR = Checkov()
