"""The one waivers file every validator honours.

``waivers.yaml`` lists accepted findings: validator, check id, a path pattern
(glob over ``out/<env>/<file>``), the reason, and an expiry date. A waiver past
its expiry is itself a failure, so exceptions get looked at again.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from . import schema
from .errors import Position, UserError, raise_if
from .load import load
from .project import Project
from .validators import Finding

SCHEMA = "waivers.schema.json"


@dataclass(frozen=True)
class Waiver:
    validator: str
    check: str
    path: str
    reason: str
    expires: date
    position: Position

    def covers(self, finding: Finding) -> bool:
        return (
            finding.validator == self.validator
            and fnmatch.fnmatchcase(finding.check, self.check)
            and fnmatch.fnmatchcase(finding.path, self.path)
        )


def load_waivers(project: Project) -> list[Waiver]:
    path = project.waivers
    if not path.is_file():
        return []
    doc = load(path.read_bytes(), project.relative(path))
    data, problems = schema.check(doc, schema.load_schemas(project.schemas), SCHEMA)
    raise_if(problems)
    result = []
    for i, item in enumerate(data.get("waivers", [])):
        pos = doc.positions.get(("waivers", i), Position(doc.path))
        result.append(
            Waiver(
                item["validator"], item["check"], item["path"], item["reason"], date.fromisoformat(item["expires"]), pos
            )
        )
    return result


def apply(findings: Iterable[Finding], waivers: Sequence[Waiver], today: date) -> tuple[list[Finding], list[Finding]]:
    """(failures, waived): expired waivers become failures and waive nothing."""
    failures: list[Finding] = []
    waived: list[Finding] = []
    live = [w for w in waivers if w.expires >= today]
    for w in waivers:
        if w.expires < today:
            failures.append(
                Finding(
                    w.position.path,
                    w.position.line,
                    "waivers",
                    "expired",
                    f"waiver for {w.validator} {w.check} on {w.path} expired on {w.expires.isoformat()}: {w.reason}",
                )
            )
    for finding in findings:
        (waived if any(w.covers(finding) for w in live) else failures).append(finding)
    return sorted(failures), sorted(waived)


__all__ = ["UserError", "Waiver", "apply", "load_waivers"]
