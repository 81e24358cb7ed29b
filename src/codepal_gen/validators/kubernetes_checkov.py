"""checkov's Kubernetes checks, run once over every environment's manifests.

checkov lives in its own venv (``.venv-tools``; it conflicts with the project's
dependencies) and runs offline: no package update check, no policy download.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import Bundle, Finding, find_tool, missing_tool

NAME = "checkov"
OFFLINE = {"CKV_SKIP_PACKAGE_UPDATE_CHECK": "true", "BC_SKIP_MAPPING": "TRUE", "LOG_LEVEL": "ERROR"}


def _reports(data: Any) -> Iterator[Mapping[str, Any]]:
    """checkov prints one report object, or a list of them (one per framework)."""
    for report in data if isinstance(data, list) else [data]:
        if isinstance(report, Mapping):
            yield report


class CheckovValidator:
    name = NAME

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        selected = [b for b in bundles if b.matching("kubernetes/*.yaml")]
        if not selected:
            return []
        tool = find_tool("checkov", selected[0].project_root)
        if tool is None:
            return missing_tool(self.name, "checkov", selected)
        with tempfile.TemporaryDirectory(prefix="codepal-gen-checkov-") as tmp:
            root = Path(tmp)
            for bundle in selected:
                shutil.copytree(bundle.directory / "kubernetes", root / bundle.env)
            proc = subprocess.run(
                [
                    tool,
                    "--framework",
                    "kubernetes",
                    "--skip-download",
                    "--quiet",
                    "--compact",
                    "-o",
                    "json",
                    "-d",
                    str(root),
                ],
                capture_output=True,
                text=True,
                env={**os.environ, **OFFLINE},
                check=False,
            )
        if proc.returncode not in (0, 1):
            return [
                Finding(selected[0].shown_root, 0, self.name, "error", proc.stderr.strip()[-500:] or "checkov failed")
            ]
        try:
            data = json.loads(proc.stdout)
        except json.JSONDecodeError:
            return [Finding(selected[0].shown_root, 0, self.name, "error", "checkov printed no JSON report")]
        by_env = {b.env: b for b in selected}
        findings = []
        for report in _reports(data):
            for failed in report.get("results", {}).get("failed_checks", []):
                env, _, rel = str(failed["file_path"]).lstrip("/").partition("/")
                owner = by_env.get(env)
                shown = owner.shown(f"kubernetes/{rel}") if owner else str(failed["file_path"])
                line = (failed.get("file_line_range") or [0])[0]
                message = f"{failed['check_name']} ({failed.get('resource', '')})"
                findings.append(Finding(shown, line, self.name, str(failed["check_id"]), message))
        return findings


VALIDATOR = CheckovValidator()
