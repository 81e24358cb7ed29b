"""The GitHub Actions family: the pipeline's security properties, and the workflow validators."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

from .conftest import Run

TEMPLATE = Path("templates/github/workflows/{gh_workflow}.yml.j2")
PROD = Path("out/prod/github/workflows/production.yml")


def _load(path: Path) -> Any:
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line(path: Path, fragment: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


def test_one_workflow_per_environment(rendered_root: Path) -> None:
    names = sorted(
        p.relative_to(rendered_root / "out").as_posix() for p in (rendered_root / "out").glob("*/github/**/*.yml")
    )
    assert names == [
        "dev/github/workflows/development.yml",
        "prod/github/workflows/production.yml",
        "staging/github/workflows/staging.yml",
    ]
    staging = _load(rendered_root / "out/staging/github/workflows/staging.yml")
    assert staging["on"]["push"] == {"branches": ["develop"]}
    assert "deploy-staging" in staging["jobs"]
    dev = _load(rendered_root / "out/dev/github/workflows/development.yml")
    assert dev["on"] == {"workflow_dispatch": {}}


def test_least_privilege_and_pinning(rendered_root: Path) -> None:
    text = (rendered_root / PROD).read_text(encoding="utf-8")
    workflow = _load(rendered_root / PROD)
    assert "pull_request_target" not in workflow["on"]
    assert workflow["permissions"] == {}
    assert "AWS_ACCESS_KEY_ID" not in text
    assert "aws-secret-access-key" not in text
    writers = {name: job["permissions"] for name, job in workflow["jobs"].items()}
    assert writers == {
        "security-scan": {"contents": "read", "security-events": "write"},
        "lint": {"contents": "read"},
        "test": {"contents": "read"},
        "e2e": {"contents": "read"},
        "build": {"contents": "read", "packages": "write"},
        "deploy-production": {"contents": "read", "id-token": "write"},
    }
    for job in workflow["jobs"].values():
        for step in job["steps"]:
            if step.get("uses", "").startswith("actions/checkout@"):
                assert step["with"]["persist-credentials"] is False
            if "run" in step:
                assert "${{" not in step["run"], step["run"]
    assert "    - uses: actions/checkout@08c6903cd8c0fde910a37f88322edcfb5dd907a8 # v5.0.0\n" in text


def test_production_deploys_after_approval_with_backup_blue_green_and_rollback(rendered_root: Path) -> None:
    job = _load(rendered_root / PROD)["jobs"]["deploy-production"]
    assert job["environment"] == {"name": "production", "url": "https://app.codepal.com"}
    assert job["concurrency"] == {"group": "deploy-production", "cancel-in-progress": False}
    assert job["needs"] == ["build"]
    steps = [step.get("name", step.get("uses", step.get("run"))) for step in job["steps"]]
    assert steps.index("Database backup") < steps.index(
        "Blue-green deployment (switches back by itself when health checks fail)"
    )
    assert job["steps"][-1] == {
        "name": "Roll back",
        "if": "${{ failure() }}",
        "run": 'bash "$SCRIPTS/rollback.sh" "$IMAGE_TAG"',
    }
    assert job["env"]["SCRIPTS"] == "out/prod/scripts"
    role = next(s for s in job["steps"] if s.get("name", "").startswith("AWS credentials"))
    assert role["with"]["role-to-assume"] == "arn:aws:iam::123456789012:role/codepal-prod-github-deploy"


def test_an_unpinned_action_is_caught(project: Path, run: Run) -> None:
    old = '      - uses: {{ gh.uses["actions/checkout"] }} # {{ gh.version["actions/checkout"] | comment }}\n'
    _edit(project / TEMPLATE, old, "      - uses: actions/checkout@v5\n")
    assert run("-C", project, "render", "prod").code == 0
    line = _line(project / PROD, "uses: actions/checkout@v5")
    result = run("-C", project, "validate", "prod", "--only", "github-pins,zizmor")
    assert result.code == 1
    assert (
        f"{PROD}:{line}: github-pins: unpinned: actions/checkout@v5 is not pinned by a full 40-hex commit SHA\n"
        in result.out
    )
    assert (
        f"{PROD}:{line}: zizmor: unpinned-uses: unpinned action reference: "
        "action is not pinned to a hash (required by blanket policy) (severity High)\n"
    ) in result.out


def test_a_wrong_version_comment_is_caught(project: Path, run: Run) -> None:
    _edit(
        project / "environments/_base.yaml",
        "a0853c24544627f65ddf259abe73b1d18a591444, version: v5.0.0",
        "a0853c24544627f65ddf259abe73b1d18a591444, version: v5.0.1",
    )
    _edit(project / TEMPLATE, '{{ gh.version["actions/setup-node"] | comment }}', "v5.0.0")
    assert run("-C", project, "render", "prod").code == 0
    line = _line(project / PROD, "uses: actions/setup-node@")
    result = run("-C", project, "validate", "prod", "--only", "github-pins")
    assert result.code == 1
    assert (
        f"{PROD}:{line}: github-pins: version-comment: actions/setup-node: # v5.0.0, expected # v5.0.1\n" in result.out
    )


def test_a_template_injection_is_caught(project: Path, run: Run) -> None:
    _edit(
        project / TEMPLATE,
        "      - name: ESLint\n",
        '      - run: echo "${{ github.event.pull_request.title }}"\n      - name: ESLint\n',
    )
    assert run("-C", project, "render", "prod").code == 0
    line = _line(project / PROD, "github.event.pull_request.title")
    result = run("-C", project, "validate", "prod", "--only", "zizmor,actionlint")
    assert result.code == 1
    assert (
        f"{PROD}:{line}: zizmor: template-injection: code injection via template expansion: "
        "may expand into attacker-controllable code (severity High)\n"
    ) in result.out
    assert (
        f'{PROD}:{line}: actionlint: expression: "github.event.pull_request.title" is potentially untrusted.'
    ) in result.out


def test_a_workflow_the_schema_rejects_is_caught(project: Path, run: Run) -> None:
    _edit(project / TEMPLATE, "    timeout-minutes: 15\n", "    timeout-minutes: 15\n    runs_on: ubuntu-24.04\n")
    assert run("-C", project, "render", "prod").code == 0
    line = _line(project / PROD, "runs_on:")
    result = run("-C", project, "validate", "prod", "--only", "github-schema")
    assert result.code == 1
    expected = "jobs/lint: Additional properties are not allowed ('runs_on' was unexpected)"
    assert f"{PROD}:{line}: github-schema: additionalProperties: {expected}\n" in result.out
