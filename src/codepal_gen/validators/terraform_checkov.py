"""checkov's Terraform policies over every environment's root module, in one run.

checkov is run offline (CKV_SKIP_PACKAGE_UPDATE_CHECK, BC_SKIP_MAPPING,
--skip-download) over a folder holding one sub-folder per environment; each
failed check becomes a finding at the first line of the resource it names.
Accepted failures are listed, with reasons, in waivers.yaml."""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from . import Bundle, Finding, find_tool, missing_tool
from .terraform_support import TF_DIR, tf_files

NAME = "checkov-terraform"


class CheckovTerraform:
    name = NAME

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        if not any(tf_files(b) for b in bundles):
            return []
        checkov = find_tool("checkov", bundles[0].project_root)
        if checkov is None:
            return missing_tool(self.name, "checkov", bundles)
        with tempfile.TemporaryDirectory(prefix="codepal-checkov-tf-") as tmp:
            root = Path(tmp).resolve()
            by_env = {}
            for bundle in bundles:
                files = tf_files(bundle)
                if not files:
                    continue
                folder = root / bundle.env
                folder.mkdir()
                for path, text in files.items():
                    (folder / Path(path).name).write_text(text, encoding="utf-8")
                by_env[bundle.env] = bundle
            env = dict(os.environ, CKV_SKIP_PACKAGE_UPDATE_CHECK="true", BC_SKIP_MAPPING="TRUE")
            proc = subprocess.run(
                [
                    checkov,
                    "--framework",
                    "terraform",
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
                env=env,
                check=False,
            )
        first = next(iter(by_env.values()))
        try:
            report = json.loads(proc.stdout)
        except json.JSONDecodeError:
            message = " ".join((proc.stderr or proc.stdout).split())[-500:]
            return [Finding(first.shown(TF_DIR), 0, self.name, "error", f"checkov exited {proc.returncode}: {message}")]
        return list(self.findings(report, by_env))

    def findings(self, report: Any, by_env: dict[str, Bundle]) -> Iterator[Finding]:
        reports = report if isinstance(report, list) else [report]
        for part in reports:
            for failed in (part.get("results") or {}).get("failed_checks", []):
                env, _, name = str(failed.get("file_path", "")).strip("/").partition("/")
                bundle = by_env.get(env)
                if bundle is None:
                    continue
                lines = failed.get("file_line_range") or [0]
                resource = failed.get("resource", "")
                yield Finding(
                    bundle.shown(f"{TF_DIR}/{name}"),
                    int(lines[0]),
                    self.name,
                    failed["check_id"],
                    f"{resource}: {failed.get('check_name', '')}",
                )


VALIDATOR = CheckovTerraform()
