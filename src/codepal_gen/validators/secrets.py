"""No rendered file holds a secret value (credential formats, as in codepal_gen.leaks).

Environment files are checked while loading; this catches what a template itself
would write, and hand edits to out/ (validate reads the files as they are)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..leaks import in_lines
from . import Bundle, Finding


class SecretsValidator:
    name = "secrets"

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        for bundle in bundles:
            for path, text in sorted(bundle.files.items()):
                for line, rule, what in in_lines(text):
                    yield Finding(
                        bundle.shown(path), line, self.name, rule, f"{what}: secrets are references, never values"
                    )


VALIDATOR = SecretsValidator()
