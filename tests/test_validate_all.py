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
