"""The operational scripts: strict mode, config values as inert words, and the shellcheck validator."""

from __future__ import annotations

from pathlib import Path

from .conftest import Run

SCRIPTS = (
    "backup-database.sh",
    "dns-rollback.sh",
    "health-check.sh",
    "production-deployment.sh",
    "restore-database.sh",
    "rollback.sh",
    "rolling-deployment.sh",
)


def test_every_environment_has_every_script_in_strict_mode(rendered_root: Path) -> None:
    for env in ("dev", "prod", "staging"):
        folder = rendered_root / "out" / env / "scripts"
        assert sorted(p.name for p in folder.glob("*.sh")) == list(SCRIPTS)
        for name in SCRIPTS:
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
            'kubectl rollout undo "deployment/${service}"', "kubectl rollout undo deployment/$service"
        ),
        encoding="utf-8",
    )
    assert run("-C", project, "render", "prod").code == 0
    rendered = (project / "out/prod/scripts/rollback.sh").read_text(encoding="utf-8").splitlines()
    line = next(i for i, text in enumerate(rendered, 1) if "undo deployment/$service" in text)
    result = run("-C", project, "validate", "prod")
    assert result.code == 1
    assert "out/prod/scripts/rollback.sh:1: shellcheck: strict-mode: no `set -euo pipefail`\n" in result.out
    assert (
        f"out/prod/scripts/rollback.sh:{line}: shellcheck: SC2086: "
        "Double quote to prevent globbing and word splitting. (info)\n"
    ) in result.out
