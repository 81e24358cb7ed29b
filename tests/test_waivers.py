"""One waivers file for every validator; an expired waiver is itself a failure."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from codepal_gen.errors import Position
from codepal_gen.validators import Finding
from codepal_gen.waivers import Waiver, apply

from .conftest import Run

FINDING = Finding("out/prod/kubernetes/x.yaml", 3, "checkov", "CKV_K8S_43", "Image should use digest")
OTHER = Finding("out/prod/terraform/eks.tf", 9, "checkov", "CKV_AWS_39", "EKS public endpoint")


def waiver(expires: date, check: str = "CKV_K8S_*", path: str = "out/*/kubernetes/*") -> Waiver:
    return Waiver("checkov", check, path, "digests are pinned in config", expires, Position("waivers.yaml", 2, 5))


def test_a_live_waiver_covers_matching_findings_only() -> None:
    failures, waived = apply([FINDING, OTHER], [waiver(date(2030, 1, 1))], date(2026, 1, 1))
    assert waived == [FINDING]
    assert failures == [OTHER]


def test_an_expired_waiver_fails_and_waives_nothing() -> None:
    failures, waived = apply([FINDING], [waiver(date(2025, 12, 31))], date(2026, 1, 1))
    assert waived == []
    assert failures == sorted(
        [
            FINDING,
            Finding(
                "waivers.yaml",
                2,
                "waivers",
                "expired",
                "waiver for checkov CKV_K8S_* on out/*/kubernetes/* expired on 2025-12-31: "
                "digests are pinned in config",
            ),
        ]
    )


def test_validate_reports_an_expired_waiver(project: Path, run: Run) -> None:
    (project / "waivers.yaml").write_text(
        "waivers:\n"
        "  - validator: parse\n"
        "    check: syntax\n"
        "    path: out/*/never/*\n"
        "    reason: an old exception nobody looked at again\n"
        "    expires: 2020-01-01\n",
        encoding="utf-8",
    )
    result = run("-C", project, "validate", "dev", "--only", "parse")
    assert result.code == 1
    assert (
        "waivers.yaml:2: waivers: expired: waiver for parse syntax on out/*/never/* expired on 2020-01-01: "
        "an old exception nobody looked at again\n"
    ) in result.out


def test_a_malformed_waivers_file_is_bad_input(project: Path, run: Run) -> None:
    (project / "waivers.yaml").write_text(
        "waivers:\n  - validator: parse\n    check: syntax\n    path: x\n    reason: short\n    expires: soon\n",
        encoding="utf-8",
    )
    result = run("-C", project, "validate", "dev")
    assert result.code == 2
    assert result.err.splitlines() == [
        "waivers.yaml:5:5: waivers[0].reason: expected at least 10 characters, got 'short'",
        "waivers.yaml:6:5: waivers[0].expires: expected a date YYYY-MM-DD, got 'soon'",
    ]
