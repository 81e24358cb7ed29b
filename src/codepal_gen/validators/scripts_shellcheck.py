"""Shell scripts: shellcheck over every environment's scripts at once, and strict mode in-process.

``strict-mode`` requires ``set -euo pipefail`` before the first command, so a
failing step stops the script instead of deploying past it.
"""

from __future__ import annotations

import json
import re
import subprocess
from collections.abc import Iterable, Sequence

from . import Bundle, Finding, with_tool

SCRIPTS = "scripts/*.sh"
_STRICT = re.compile(r"^set -euo pipefail\s*$", re.MULTILINE)


class Shellcheck:
    name = "shellcheck"

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        files = {
            str((bundle.directory / path).resolve()): (bundle, path)
            for bundle in bundles
            for path in bundle.matching(SCRIPTS)
        }
        found: list[Finding] = []
        for bundle, path in files.values():
            if not _STRICT.search(bundle.files[path]):
                found.append(Finding(bundle.shown(path), 1, self.name, "strict-mode", "no `set -euo pipefail`"))
        if not files:
            return found
        return [*found, *with_tool(self.name, "shellcheck", bundles, lambda tool: self.run_with(tool, files, bundles))]

    def run_with(self, tool: str, files: dict[str, tuple[Bundle, str]], bundles: Sequence[Bundle]) -> list[Finding]:
        proc = subprocess.run(
            [tool, "--format", "json", "--external-sources", *sorted(files)],
            capture_output=True,
            text=True,
            check=False,
        )
        if proc.returncode not in (0, 1):
            return [Finding(bundles[0].shown(SCRIPTS), 0, self.name, "error", proc.stderr.strip())]
        found: list[Finding] = []
        for item in json.loads(proc.stdout or "[]"):
            bundle, path = files.get(item["file"], (bundles[0], item["file"]))
            message = f"{item['message']} ({item['level']})"
            found.append(Finding(bundle.shown(path), int(item["line"]), self.name, f"SC{item['code']}", message))
        return found


VALIDATOR = Shellcheck()
