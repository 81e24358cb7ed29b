"""Workflows, in-process: the GitHub workflow JSON Schema, and action pinning.

``github-schema`` validates every workflow against SchemaStore's schema as
vendored by check-jsonschema (schemas/vendor/github-workflows.json, draft 7).
``github-pins`` requires every ``uses:`` to name a full 40-hex commit SHA that
is the one pinned in ``github.actions``, with that entry's version as the
comment beside it (``uses: owner/repo@<sha> # v1.2.3``); local actions
(``./``) are allowed and ``docker://`` references need a digest.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator
from jsonschema.exceptions import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from . import Bundle, Finding

SCHEMA = Path("schemas") / "vendor" / "github-workflows.json"
WORKFLOWS = "github/workflows/*.yml"
_USES = re.compile(r"^\s*(?:-\s+)?uses:\s*[\"']?(?P<ref>[^\s\"'#]+)[\"']?\s*(?:#\s*(?P<comment>.*))?$")
_PINNED = re.compile(r"^(?P<action>[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_./-]+)?)@(?P<ref>.+)$")
_SHA = re.compile(r"^[0-9a-f]{40}$")


@cache
def _validator(path: Path) -> Draft7Validator:
    return Draft7Validator(json.loads(path.read_text(encoding="utf-8")))


def _load(text: str) -> Any:
    yaml = YAML(typ="rt")
    return yaml.load(text)


def _line(data: Any, path: Sequence[Any]) -> int:
    """1-based line of the deepest node of ``path`` that the round-trip loader placed."""
    line = 0
    node = data
    for key in path:
        if isinstance(node, CommentedMap) and key in node:
            line = node.lc.key(key)[0] + 1
            node = node[key]
        elif isinstance(node, CommentedSeq) and isinstance(key, int) and key < len(node):
            line = node.lc.item(key)[0] + 1
            node = node[key]
        else:
            break
    return line


def _explain(error: ValidationError) -> ValidationError:
    """For oneOf/anyOf, the error of the branch that came closest (fewest errors), descending."""
    while error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.relative_schema_path[0], []).append(sub)
        closest = min(branches.values(), key=len)
        error = max(closest, key=lambda e: len(e.absolute_path))
    return error


def _unexpected(error: ValidationError) -> list[str]:
    """The first key an additionalProperties error complains about (to point at its line)."""
    if error.validator != "additionalProperties" or not isinstance(error.instance, dict):
        return []
    allowed = set(error.schema.get("properties", {})) if isinstance(error.schema, dict) else set()
    extra = sorted(k for k in error.instance if k not in allowed)
    return extra[:1]


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


class WorkflowSchema:
    name = "github-schema"

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        for bundle in bundles:
            validator = _validator(bundle.project_root / SCHEMA)
            for path in bundle.matching(WORKFLOWS):
                try:
                    data = _load(bundle.files[path])
                except YAMLError as exc:
                    yield Finding(bundle.shown(path), 0, self.name, "parse", str(exc).splitlines()[0])
                    continue
                errors = (_explain(e) for e in validator.iter_errors(_plain(data)))
                for error in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
                    where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
                    line = _line(data, [*error.absolute_path, *_unexpected(error)])
                    message = f"{where}: {error.message}"
                    yield Finding(bundle.shown(path), line, self.name, str(error.validator), message)


class ActionPins:
    name = "github-pins"

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        for bundle in bundles:
            pins = bundle.config.get("github", {}).get("actions", {})
            for path in bundle.matching(WORKFLOWS):
                yield from self.check(bundle, path, pins)

    def check(self, bundle: Bundle, path: str, pins: Any) -> Iterator[Finding]:
        for number, line in enumerate(bundle.files[path].splitlines(), 1):
            match = _USES.match(line)
            if not match:
                continue
            ref, comment = match.group("ref"), (match.group("comment") or "").strip()

            def finding(check: str, message: str, number: int = number) -> Finding:
                return Finding(bundle.shown(path), number, self.name, check, message)

            if ref.startswith("./"):
                continue
            if ref.startswith("docker://"):
                if "@sha256:" not in ref:
                    yield finding("unpinned", f"{ref} is not pinned by digest (docker://image@sha256:...)")
                continue
            pinned = _PINNED.match(ref)
            if not pinned or not _SHA.match(pinned.group("ref")):
                yield finding("unpinned", f"{ref} is not pinned by a full 40-hex commit SHA")
                continue
            action, sha = pinned.group("action"), pinned.group("ref")
            pin = pins.get(action)
            if pin is None:
                yield finding("unknown-action", f"{action} is not listed in github.actions")
            elif pin["sha"] != sha:
                yield finding("sha-mismatch", f"{action}@{sha} is not the SHA pinned in github.actions ({pin['sha']})")
            elif comment != pin["version"]:
                shown = f"# {comment}" if comment else "no version comment"
                yield finding("version-comment", f"{action}: {shown}, expected # {pin['version']}")


VALIDATORS = (WorkflowSchema(), ActionPins())
