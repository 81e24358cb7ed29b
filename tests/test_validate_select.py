"""validate --only / --skip / CODEPAL_GEN_SKIP: which validators run, and the summary naming the ones that did not."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from codepal_gen.validators import known_names, registry, select
from codepal_gen.validators.checkov import Checkov

from .conftest import Run

KNOWN = known_names(registry())


@pytest.fixture
def broken(project: Path, run: Run) -> Path:
    """dev rendered, then hand-edited: one Deployment with an unknown field (kubernetes-schema)
    and a container allowed to escalate privileges (pss)."""
    assert run("-C", project, "render", "dev").code == 0
    target = project / "out/dev/kubernetes/codepal-dev/deployment-codepal-app.yaml"
    text = target.read_text(encoding="utf-8")
    assert "allowPrivilegeEscalation: false" in text
    text = text.replace("spec:\n", "spec:\n  replicaz: 3\n", 1).replace(
        "allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true", 1
    )
    target.write_text(text, encoding="utf-8")
    return project


def _validators(out: str) -> set[str]:
    return {f["validator"] for f in json.loads(out)["failures"]}


def test_the_real_names_are_known() -> None:
    assert {"kubernetes-schema", "promtool", "checkov", "checkov-terraform", "pss"} <= set(KNOWN)
    assert sorted(set(KNOWN)) == KNOWN


def test_only_runs_just_that_validator(broken: Path, run: Run) -> None:
    result = run("-C", broken, "validate", "dev", "--only", "pss", "--format", "json")
    assert result.code == 1
    body = json.loads(result.out)
    assert _validators(result.out) == {"pss"}
    assert body["ran"] == ["pss"]
    assert body["skipped"] == [name for name in KNOWN if name != "pss"]
    text = run("-C", broken, "validate", "dev", "--only", "pss")
    assert text.err == f"{len(body['failures'])} failed, {len(body['waived'])} waived; skipped: all but pss\n"


def test_unselected_validators_are_not_even_started(project: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    """No external tool is on the PATH: only in-process validators selected, nothing is missing."""
    monkeypatch.delenv("CODEPAL_TOOLS_BIN", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    result = run("-C", project, "validate", "dev", "--only", "parse", "--only", "pss")
    assert result.code == 0, result.out
    assert result.err == "the selected validators passed for dev (6 waived); skipped: all but parse, pss\n"
    # Selected, a validator whose tool is missing still fails: a skip is only ever explicit.
    result = run("-C", project, "validate", "dev", "--only", "amtool")
    assert result.code == 1
    assert result.out == "out: amtool: missing-tool: amtool not found; run scripts/setup-tools.sh\n"


def test_skip_wins_over_only(broken: Path, run: Run) -> None:
    result = run("-C", broken, "validate", "dev", "--only", "pss,kubernetes-schema", "--skip", "pss")
    assert result.code == 1
    assert {line.split(": ")[1] for line in result.out.splitlines()} == {"kubernetes-schema"}
    assert result.err.endswith(" waived; skipped: all but kubernetes-schema\n")


def test_skip_and_codepal_gen_skip_exclude_and_are_reported(
    broken: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODEPAL_GEN_SKIP", "pss, kubernetes-schema")
    # checkov would catch the escalation too; the Terraform tools are skipped to keep the test short.
    skip = ("--skip", "checkov", "--skip", "checkov-terraform,terraform-validate")
    result = run("-C", broken, "validate", "dev", *skip, "--format", "json")
    assert result.code == 0, result.out
    body = json.loads(result.out)
    assert body["skipped"] == ["checkov", "checkov-terraform", "kubernetes-schema", "pss", "terraform-validate"]
    assert "pss" not in {f["validator"] for f in body["waived"]}
    result = run("-C", broken, "validate", "dev", *skip)
    waived = len(body["waived"])
    assert result.err == (
        f"the selected validators passed for dev ({waived} waived); "
        "skipped: checkov, checkov-terraform, kubernetes-schema, pss, terraform-validate\n"
    )


@pytest.mark.parametrize(
    ("argv", "env"),
    [(("--only", "kubernetes"), ""), (("--skip", "pss", "--skip", "nope"), ""), ((), "pss,kubernetes")],
)
def test_an_unknown_name_is_a_usage_error_listing_the_known_ones(
    rendered_root: Path, run: Run, monkeypatch: pytest.MonkeyPatch, argv: tuple[str, ...], env: str
) -> None:
    monkeypatch.setenv("CODEPAL_GEN_SKIP", env)
    result = run("-C", rendered_root, "validate", "dev", *argv)
    assert result.code == 2
    unknown = "nope" if "nope" in argv else "kubernetes"
    assert result.err == f"codepal-gen: error: unknown validator {unknown!r}; known: {', '.join(KNOWN)}\n"
    assert result.out == ""


def test_nothing_left_to_run_is_a_usage_error(rendered_root: Path, run: Run) -> None:
    result = run("-C", rendered_root, "validate", "--only", "pss", "--skip", "pss")
    assert result.code == 2
    assert result.err == "codepal-gen: error: no validator left to run: every one selected is also skipped\n"


def test_checkovs_two_names_select_its_frameworks() -> None:
    (terraform,) = select(registry(), ["checkov-terraform"])
    assert isinstance(terraform, Checkov)
    assert (terraform.frameworks, terraform.names) == (("terraform",), ("checkov-terraform",))
    (kubernetes,) = select(registry(), ["checkov"])
    assert isinstance(kubernetes, Checkov)
    assert (kubernetes.frameworks, kubernetes.names) == (("kubernetes",), ("checkov",))
    both = [v for v in select(registry(), ["checkov", "checkov-terraform"]) if isinstance(v, Checkov)]
    assert [v.names for v in both] == [("checkov", "checkov-terraform")]


def test_only_checkov_terraform_reports_terraform_alone(rendered_root: Path, run: Run) -> None:
    result = run("-C", rendered_root, "validate", "prod", "--only", "checkov-terraform", "--format", "json")
    assert result.code == 0, result.out
    body = json.loads(result.out)
    assert body["ran"] == ["checkov-terraform"]
    waived = {(f["validator"], f["path"].split("/")[2]) for f in body["waived"]}
    assert waived == {("checkov-terraform", "terraform")}


def test_list_names_the_validators(rendered_root: Path, run: Run) -> None:
    body = json.loads(run("-C", rendered_root, "list", "--format", "json").out)
    assert body["validators"] == KNOWN
    assert f"validators: {' '.join(KNOWN)}\n" in run("-C", rendered_root, "list").out
