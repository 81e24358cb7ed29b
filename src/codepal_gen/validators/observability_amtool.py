"""``amtool check-config`` over every environment's alertmanager.yml in one call."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Sequence

from . import Bundle, Finding, with_tool

CONFIG = "alertmanager/alertmanager.yml"


class Amtool:
    name = "amtool"

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        return with_tool(self.name, "amtool", bundles, lambda tool: self.run_with(tool, bundles))

    def run_with(self, tool: str, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        targets = {str(b.directory / CONFIG): b for b in bundles if CONFIG in b.files}
        if not targets:
            return []
        result = subprocess.run(
            [tool, "check-config", *targets],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
            timeout=60,
        )
        if result.returncode == 0:
            return []
        # Output is "Checking '<file>'  SUCCESS|FAILED: <message>" per file, in order.
        findings = []
        for block in re.split(r"^Checking '", result.stdout, flags=re.MULTILINE)[1:]:
            file, _, rest = block.partition("'")
            if file in targets and "FAILED" in rest:
                message = " ".join(rest.split("FAILED:", 1)[1].split()) if "FAILED:" in rest else " ".join(rest.split())
                findings.append(Finding(targets[file].shown(CONFIG), 0, self.name, "check-config", message))
        return findings or [
            Finding(bundles[0].shown(CONFIG), 0, self.name, "check-config", " ".join(result.stdout.split())[:500])
        ]


VALIDATOR = Amtool()
