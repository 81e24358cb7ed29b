"""Every registered validator passes on every environment's real output (one run for all families)."""

from __future__ import annotations

import json
from pathlib import Path

from codepal_gen.validators import registry

from .conftest import Run


def test_every_validator_passes_on_every_environment(rendered_root: Path, run: Run) -> None:
    result = run("-C", rendered_root, "validate", "--format", "json")
    body = json.loads(result.out)
    assert body["failures"] == []
    assert result.code == 0
    waived = {(f["validator"], f["check"]) for f in body["waived"]}
    assert all(validator != "parse" for validator, _ in waived)


def test_every_family_registers_its_validators() -> None:
    names = {v.name for v in registry()}
    expected = {
        "parse",
        "kubernetes-schema",
        "pss",
        "checkov",
        "terraform-fmt",
        "terraform-validate",
        "tf-schema",
        "promtool",
        "amtool",
        "grafana-lint",
        "named-checkzone",
        "actionlint",
        "zizmor",
        "shellcheck",
    }
    assert expected <= names, sorted(expected - names)


def test_validate_reads_the_rendered_files_as_they_are(project: Path, run: Run) -> None:
    """A hand edit in out/ is validated (and check reports it as drift)."""
    assert run("-C", project, "render", "dev").code == 0
    target = next(sorted((project / "out" / "dev" / "kubernetes").rglob("deployment-*.yaml")).__iter__())
    target.write_text(
        target.read_text(encoding="utf-8").replace("spec:\n", "spec:\n  replicaz: 3\n", 1), encoding="utf-8"
    )
    result = run("-C", project, "validate", "dev", "--only", "kubernetes-schema")
    rel = target.relative_to(project).as_posix()
    assert result.code == 1
    assert any(line.startswith(f"{rel}:") and "kubernetes-schema" in line for line in result.out.splitlines())
    assert run("-C", project, "check", "dev").code == 1


def test_validate_renders_in_memory_what_was_never_rendered(project: Path, run: Run) -> None:
    # parse reads every YAML and JSON file: the whole tree was rendered (the validators are tested above).
    result = run("-C", project, "validate", "dev", "--only", "parse")
    assert result.code == 0, result.out
    assert not (project / "out").exists()
