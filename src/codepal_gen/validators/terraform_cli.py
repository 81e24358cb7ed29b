"""The terraform CLI over every environment's root module: ``terraform fmt
-check`` (the output must be formatted as rendered) and ``terraform validate``
against the real hashicorp/aws provider from the local filesystem mirror.

``terraform init`` runs once, in a folder holding only versions.tf (the
provider requirements every environment shares); each environment then
validates with that data dir and lock file, all environments in parallel."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import Bundle, Finding, missing_tool, with_tool
from .terraform_support import TF_DIR, cli_config, tf_files, tool_env

_HUNK = re.compile(r"^@@ -(\d+)")
WRAPPER = "codepal-gen-wrapper.tf"


def _materialise(bundles: Sequence[Bundle], scratch: Path) -> dict[str, tuple[Bundle, Path]]:
    """One folder per environment holding its terraform/*.tf files."""
    folders = {}
    for bundle in bundles:
        files = tf_files(bundle)
        if not files:
            continue
        folder = scratch / bundle.env
        folder.mkdir(parents=True)
        for path, text in files.items():
            (folder / Path(path).name).write_text(text, encoding="utf-8")
        folders[bundle.env] = (bundle, folder)
    return folders


class TerraformFmt:
    name = "terraform-fmt"

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        if not any(tf_files(b) for b in bundles):
            return []
        return with_tool(self.name, "terraform", bundles, lambda terraform: self.run_with(terraform, bundles))

    def run_with(self, terraform: str, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        with tempfile.TemporaryDirectory(prefix="codepal-tf-fmt-") as tmp:
            folders = _materialise(bundles, Path(tmp))
            proc = subprocess.run(
                [terraform, "fmt", "-check", "-diff", "-list=true", "-no-color", "-recursive", tmp],
                capture_output=True,
                text=True,
                env=tool_env(None),
                check=False,
            )
            if proc.returncode not in (0, 3):
                return [Finding(bundles[0].shown(TF_DIR), 0, self.name, "error", (proc.stderr or proc.stdout).strip())]
            return list(self.findings(proc.stdout, Path(tmp), folders))

    def findings(self, output: str, root: Path, folders: dict[str, tuple[Bundle, Path]]) -> Iterator[Finding]:
        """The first changed line of every file ``terraform fmt -diff`` would rewrite."""
        current: tuple[Bundle, str] | None = None
        old_line = 0
        for line in output.splitlines():
            if line.startswith("--- old/"):
                rel = (root / Path(line[len("--- old/") :]).name).resolve()
                target = Path(line[len("--- old/") :]).resolve()
                current = None
                for bundle, folder in folders.values():
                    if target.parent == folder.resolve() or rel.parent == folder.resolve():
                        current = (bundle, f"{TF_DIR}/{target.name}")
                continue
            match = _HUNK.match(line)
            if match:
                old_line = int(match.group(1))
                continue
            if current is None or line.startswith("+++"):
                continue
            if line.startswith("-"):
                bundle, path = current
                yield Finding(
                    bundle.shown(path),
                    old_line,
                    self.name,
                    "fmt",
                    "not formatted as terraform fmt would: " + line[1:].strip(),
                )
                current = None  # one finding per file
            elif line.startswith(" "):
                old_line += 1


class TerraformValidate:
    name = "terraform-validate"

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        if not any(tf_files(b) for b in bundles):
            return []
        return with_tool(self.name, "terraform", bundles, lambda terraform: self.run_with(terraform, bundles))

    def run_with(self, terraform: str, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        with tempfile.TemporaryDirectory(prefix="codepal-tf-validate-") as tmp:
            scratch = Path(tmp)
            config = cli_config(bundles[0].project_root, scratch)
            if config is None:
                return missing_tool(
                    self.name,
                    "terraform provider mirror (set CODEPAL_TF_PLUGIN_MIRROR or CODEPAL_TF_CLI_CONFIG)",
                    bundles,
                )
            env = tool_env(config)
            folders = _materialise(bundles, scratch / "envs")
            # One terraform process validates every environment: a wrapper root module calls
            # each environment as a child module, so the provider schema loads once.
            init_dir = scratch / "envs"
            first_bundle, first = next(iter(folders.values()))
            shutil.copy(first / "versions.tf", init_dir / "versions.tf")
            calls = "".join(f'module "{name}" {{\n  source = "./{name}"\n}}\n\n' for name in folders)
            (init_dir / WRAPPER).write_text(calls, encoding="utf-8")
            init = subprocess.run(
                [terraform, "init", "-backend=false", "-input=false", "-no-color"],
                cwd=init_dir,
                capture_output=True,
                text=True,
                env=env,
                check=False,
            )
            if init.returncode != 0:
                message = " ".join((init.stderr or init.stdout).split())[:500]
                return [Finding(first_bundle.shown(f"{TF_DIR}/versions.tf"), 0, self.name, "init", message)]
            env["TF_DATA_DIR"] = str(init_dir / ".terraform")
            lock = init_dir / ".terraform.lock.hcl"

            def run_validate(folder: Path) -> subprocess.CompletedProcess[str]:
                if folder != init_dir:
                    shutil.copy(lock, folder / ".terraform.lock.hcl")
                return subprocess.run(
                    [terraform, "validate", "-json", "-no-color"],
                    cwd=folder,
                    capture_output=True,
                    text=True,
                    env=env,
                    check=False,
                )

            combined = run_validate(init_dir)
            by_folder = {name: bundle for name, (bundle, _) in folders.items()}
            findings = self.combined_findings(by_folder, combined.stdout, combined.stderr)
            if findings is not None:
                return findings

            def validate(item: tuple[Bundle, Path]) -> list[Finding]:
                bundle, folder = item
                proc = run_validate(folder)
                return list(self.findings(bundle, proc.stdout, proc.stderr))

            with ThreadPoolExecutor(max_workers=len(folders)) as pool:
                results = list(pool.map(validate, folders.values()))
        return [finding for result in results for finding in result]

    def combined_findings(self, bundles: dict[str, Bundle], stdout: str, stderr: str) -> list[Finding] | None:
        """Findings of the wrapper run, or None when the wrapper itself failed (a variable
        without a default, say): then each environment is validated as its own root."""
        try:
            report = json.loads(stdout)
        except json.JSONDecodeError:
            return None
        found: list[Finding] = []
        for diagnostic in report.get("diagnostics", []):
            filename = str((diagnostic.get("range") or {}).get("filename", ""))
            env = filename.partition("/")[0]
            if env not in bundles:
                return None
            if diagnostic.get("summary") == "Backend configuration ignored":
                continue  # expected for a child module; each environment's backend is its own root's
            found.extend(self.findings(bundles[env], json.dumps({"diagnostics": [diagnostic], "valid": True}), ""))
        if not report.get("valid", False) and not found:
            return None
        return found

    def findings(self, bundle: Bundle, stdout: str, stderr: str) -> Iterator[Finding]:
        try:
            report = json.loads(stdout)
        except json.JSONDecodeError:
            yield Finding(bundle.shown(TF_DIR), 0, self.name, "error", " ".join((stderr or stdout).split())[:500])
            return
        for diagnostic in report.get("diagnostics", []):
            where = diagnostic.get("range") or {}
            filename = where.get("filename")
            path = f"{TF_DIR}/{Path(filename).name}" if filename else TF_DIR
            line = int((where.get("start") or {}).get("line", 0))
            detail = " ".join(str(diagnostic.get("detail", "")).split())
            message = diagnostic.get("summary", "") + (f": {detail}" if detail else "")
            yield Finding(bundle.shown(path), line, self.name, str(diagnostic.get("severity", "error")), message)
        if not report.get("valid", False) and not report.get("diagnostics"):
            yield Finding(bundle.shown(TF_DIR), 0, self.name, "error", "terraform validate reported the module invalid")


VALIDATORS = (TerraformFmt(), TerraformValidate())
