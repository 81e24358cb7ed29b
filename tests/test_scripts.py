"""The operational scripts: strict mode, config values as inert words, and the shellcheck validator."""

from __future__ import annotations

from pathlib import Path

from .conftest import Run

COMMON = ("backup-database.sh", "dns-rollback.sh", "health-check.sh", "restore-database.sh", "rollback.sh")
# kubernetes.blue_green picks the deploy script: prod switches slots, staging and dev roll.
SCRIPTS = {
    "dev": sorted((*COMMON, "rolling-deployment.sh")),
    "prod": sorted((*COMMON, "production-deployment.sh")),
    "staging": sorted((*COMMON, "rolling-deployment.sh")),
}


def test_every_environment_has_its_scripts_in_strict_mode(rendered_root: Path) -> None:
    for env, scripts in SCRIPTS.items():
        folder = rendered_root / "out" / env / "scripts"
        assert sorted(p.name for p in folder.glob("*.sh")) == scripts
        for name in scripts:
            lines = (folder / name).read_text(encoding="utf-8").splitlines()
            assert lines[0] == "#!/usr/bin/env bash"
            assert lines[1] == f"# generated from environments/{env}.yaml by codepal-gen — do not edit"
            assert "set -euo pipefail" in lines


def test_values_come_from_config(rendered_root: Path) -> None:
    backup = (rendered_root / "out/prod/scripts/backup-database.sh").read_text(encoding="utf-8")
    assert "readonly NAMESPACE=codepal-prod\n" in backup
    assert "readonly BACKUP_URL=s3://codepal-backups-prod/production\n" in backup
    health = (rendered_root / "out/staging/scripts/health-check.sh").read_text(encoding="utf-8")
    assert (
        "readonly URLS=(https://app.staging.codepal.com/api/health https://api.staging.codepal.com/api/health )\n"
        in health
    )
    dns = (rendered_root / "out/prod/scripts/dns-rollback.sh").read_text(encoding="utf-8")
    assert "readonly NAMES=(codepal.com. app.codepal.com. api.codepal.com. )\n" in dns


def test_shellcheck_and_strict_mode_findings(project: Path, run: Run) -> None:
    template = project / "templates/scripts/rollback.sh.j2"
    text = template.read_text(encoding="utf-8")
    template.write_text(
        text.replace('{% include "scripts/_strict.sh.j2" %}\n', "").replace(
            'kubectl rollout undo "deployment/${DEPLOYMENTS[$service]}"', "kubectl rollout undo deployment/$service"
        ),
        encoding="utf-8",
    )
    assert run("-C", project, "render", "staging").code == 0
    rendered = (project / "out/staging/scripts/rollback.sh").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(rendered, 1) if "undo deployment/$service" in text)
    result = run("-C", project, "validate", "staging", "--only", "shellcheck")
    assert result.code == 1
    assert "out/staging/scripts/rollback.sh:1: shellcheck: strict-mode: no `set -euo pipefail`\n" in result.out
    assert (
        f"out/staging/scripts/rollback.sh:{line}: shellcheck: SC2086: "
        "Double quote to prevent globbing and word splitting. (info)\n"
    ) in result.out
