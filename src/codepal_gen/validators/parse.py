"""Every YAML and JSON output parses, strictly, as exactly one document."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..formats import OutputError, json_, yaml
from . import Bundle, Finding


class ParseValidator:
    name = "parse"

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        for bundle in bundles:
            for path, text in sorted(bundle.files.items()):
                try:
                    if path.endswith((".yaml", ".yml")):
                        yaml.load_data(text)
                    elif path.endswith(".json"):
                        json_.parse(text)
                except OutputError as exc:
                    yield Finding(bundle.shown(path), exc.line, self.name, "syntax", exc.message)


VALIDATOR = ParseValidator()
