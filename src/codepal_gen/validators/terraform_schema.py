"""Every rendered Terraform file parses (python-hcl2); every resource type,
argument and nested block is known to the hashicorp/aws provider's argument
schema (schemas/terraform/aws-provider-6.25.0.json) and every required one is
set; every reference resolves to a declaration; no variable goes unused."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import hcl2
from hcl2.utils import SerializationOptions

from . import Bundle, Finding
from .terraform_support import Node, outline, tf_files

NAME = "tf-schema"
SCHEMA_FILE = Path("schemas") / "terraform" / "aws-provider-6.25.0.json"
#: Arguments Terraform itself gives every resource (not in the provider schema).
META_ARGUMENTS = frozenset({"count", "for_each", "depends_on", "provider", "lifecycle", "provisioner", "connection"})
_OPTIONS = SerializationOptions(with_comments=False, explicit_blocks=True)
_REFERENCE = re.compile(
    r"(?<![\w.\"-])(?:(?P<kind>var|local|module)\.(?P<name>[A-Za-z_][\w-]*)"
    r"|data\.(?P<dtype>[a-z][a-z0-9_]*)\.(?P<dname>[A-Za-z_][\w-]*)"
    r"|(?P<rtype>aws_[a-z0-9_]+)\.(?P<rname>[A-Za-z_][\w-]*))"
)


@dataclass(frozen=True)
class Declared:
    """Everything one root module declares."""

    resources: frozenset[str]
    data: frozenset[str]
    variables: Mapping[str, tuple[str, int]]
    locals: frozenset[str]
    modules: frozenset[str]
    provider_aliases: frozenset[str]


@cache
def load_schema(path: Path) -> Mapping[str, Any]:
    data: Mapping[str, Any] = json.loads(path.read_text(encoding="utf-8"))["resources"]
    return data


def unquote(label: str) -> str:
    return label[1:-1] if len(label) >= 2 and label.startswith('"') and label.endswith('"') else label


def labelled(items: Iterable[Mapping[str, Any]], depth: int) -> Iterator[tuple[tuple[str, ...], Mapping[str, Any]]]:
    """``[{"\\"type\\"": {"\\"name\\"": body}}]`` -> ((type, name), body)."""
    for item in items:
        for key, value in item.items():
            if depth == 1:
                yield (unquote(key),), value
            else:
                for labels, body in labelled([value], depth - 1):
                    yield (unquote(key), *labels), body


def is_block(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) and v.get("__is_block__") for v in value)


def strings(value: Any) -> Iterator[str]:
    """Every expression or string in a parsed body (keys of objects included)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            if key != "__is_block__":
                yield key
                yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


class TerraformSchema:
    name = NAME

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        for bundle in bundles:
            files = tf_files(bundle)
            if files:
                yield from self.check_module(bundle, files, load_schema(bundle.project_root / SCHEMA_FILE))

    def check_module(self, bundle: Bundle, files: Mapping[str, str], schema: Mapping[str, Any]) -> Iterator[Finding]:
        parsed: dict[str, dict[str, Any]] = {}
        for path, text in files.items():
            try:
                parsed[path] = hcl2.loads(text, serialization_options=_OPTIONS)
            except Exception as exc:  # noqa: BLE001 - python-hcl2 raises lark errors of many kinds
                line = getattr(exc, "line", 0) or 0
                yield Finding(bundle.shown(path), int(line), NAME, "parse", str(exc).splitlines()[0])
        outlines = {path: outline(files[path]) for path in parsed}
        declared = self.declarations(parsed, outlines)
        used_variables: set[str] = set()
        for path, doc in parsed.items():
            where = outlines[path]
            for (rtype, rname), body in labelled(doc.get("resource", []), 2):
                node = where.child("resource", labels=(rtype, rname)) or where
                if rtype not in schema:
                    yield Finding(
                        bundle.shown(path),
                        node.line,
                        NAME,
                        "unknown-resource-type",
                        f"{rtype}.{rname}: unknown resource type {rtype}",
                    )
                else:
                    yield from self.check_body(
                        bundle.shown(path), f"{rtype}.{rname}", body, schema[rtype], node, top=True
                    )
                yield from self.check_provider(bundle.shown(path), body, node, declared)
            for (dtype, dname), body in labelled(doc.get("data", []), 2):
                node = where.child("data", labels=(dtype, dname)) or where
                yield from self.check_provider(bundle.shown(path), body, node, declared)
            for finding, variable in self.check_references(bundle.shown(path), doc, files[path], declared):
                if finding:
                    yield finding
                if variable:
                    used_variables.add(variable)
        for variable, (path, line) in sorted(declared.variables.items()):
            if variable not in used_variables:
                yield Finding(
                    bundle.shown(path),
                    line,
                    NAME,
                    "unused-variable",
                    f"variable {variable!r} is declared but never used",
                )

    @staticmethod
    def declarations(parsed: Mapping[str, dict[str, Any]], outlines: Mapping[str, Node]) -> Declared:
        resources: set[str] = set()
        data: set[str] = set()
        locals_: set[str] = set()
        modules: set[str] = set()
        aliases: set[str] = set()
        variables: dict[str, tuple[str, int]] = {}
        for path, doc in parsed.items():
            resources.update(".".join(labels) for labels, _ in labelled(doc.get("resource", []), 2))
            data.update(".".join(labels) for labels, _ in labelled(doc.get("data", []), 2))
            modules.update(labels[0] for labels, _ in labelled(doc.get("module", []), 1))
            for block in doc.get("locals", []):
                locals_.update(k for k in block if k != "__is_block__")
            for (name,), _ in labelled(doc.get("variable", []), 1):
                node = outlines[path].child("variable", labels=(name,))
                variables[name] = (path, node.line if node else 0)
            for (name,), body in labelled(doc.get("provider", []), 1):
                alias = body.get("alias")
                aliases.add(f"{name}.{unquote(alias)}" if isinstance(alias, str) else name)
        return Declared(
            frozenset(resources), frozenset(data), variables, frozenset(locals_), frozenset(modules), frozenset(aliases)
        )

    def check_body(
        self, shown: str, what: str, body: Mapping[str, Any], spec: Mapping[str, Any], node: Node, top: bool = False
    ) -> Iterator[Finding]:
        attributes: Mapping[str, Any] = spec.get("attributes", {})
        blocks: Mapping[str, Any] = spec.get("blocks", {})
        present: set[str] = set()
        occurrences: dict[str, int] = {}
        for key, value in body.items():
            if key == "__is_block__" or (top and key in META_ARGUMENTS):
                continue
            if key == "dynamic" and isinstance(value, list):
                for item in value:
                    for label, dyn in item.items():
                        if label == "__is_block__" or not isinstance(dyn, dict):
                            continue
                        name = unquote(label)
                        present.add(name)
                        dyn_node = node.child("dynamic", labels=(name,)) or node
                        if name not in blocks:
                            yield Finding(
                                shown, dyn_node.line, NAME, "unknown-block", f"{what}: unknown block {name!r}"
                            )
                            continue
                        for content in dyn.get("content", []):
                            inner = dyn_node.child("content") or dyn_node
                            yield from self.check_nested(shown, f"{what}.{name}", content, blocks[name], inner)
                continue
            present.add(key)
            if is_block(value):
                spec_block = blocks.get(key)
                if spec_block is None:
                    attr = attributes.get(key)
                    if attr is not None and attr.get("attr_as_blocks"):
                        continue
                    check = "unknown-argument" if attr is None else "not-a-block"
                    message = f"unknown block {key!r}" if attr is None else f"{key!r} is an argument, not a block"
                    yield Finding(
                        shown,
                        node.line_of(key),
                        NAME,
                        check if attr is not None else "unknown-block",
                        f"{what}: {message}",
                    )
                    continue
                for index, item in enumerate(value):
                    occurrence = occurrences.get(key, 0)
                    occurrences[key] = occurrence + 1
                    child = node.child(key, occurrence) or node
                    del index
                    yield from self.check_nested(shown, f"{what}.{key}", item, spec_block, child)
            elif key not in attributes:
                if key in blocks:
                    yield Finding(
                        shown,
                        node.line_of(key),
                        NAME,
                        "not-an-argument",
                        f"{what}: {key!r} is a block, not an argument",
                    )
                else:
                    yield Finding(
                        shown, node.line_of(key), NAME, "unknown-argument", f"{what}: unknown argument {key!r}"
                    )
        for key, attr in sorted(attributes.items()):
            if attr.get("required") and key not in present:
                yield Finding(shown, node.line, NAME, "missing-argument", f"{what}: missing required argument {key!r}")
        for key, block in sorted(blocks.items()):
            if block.get("required") and key not in present:
                yield Finding(shown, node.line, NAME, "missing-block", f"{what}: missing required block {key!r}")

    def check_nested(
        self, shown: str, what: str, body: Mapping[str, Any], spec: Mapping[str, Any], node: Node
    ) -> Iterator[Finding]:
        if spec.get("opaque"):
            return
        yield from self.check_body(shown, what, body, spec, node)

    @staticmethod
    def check_provider(shown: str, body: Mapping[str, Any], node: Node, declared: Declared) -> Iterator[Finding]:
        provider = body.get("provider")
        if isinstance(provider, str):
            name = provider.removeprefix("${").removesuffix("}")
            if name not in declared.provider_aliases:
                yield Finding(
                    shown, node.line_of("provider"), NAME, "unresolved-reference", f"provider {name} is not configured"
                )

    @staticmethod
    def check_references(
        shown: str, doc: Mapping[str, Any], text: str, declared: Declared
    ) -> Iterator[tuple[Finding | None, str | None]]:
        lines = text.splitlines()
        reported: set[str] = set()
        for value in strings(doc):
            for match in _REFERENCE.finditer(value):
                kind, name = match.group("kind"), match.group("name")
                if kind == "var":
                    yield None, name
                    ok = name in declared.variables
                elif kind == "local":
                    ok = name in declared.locals
                elif kind == "module":
                    ok = name in declared.modules
                elif match.group("dtype"):
                    ok = f"{match.group('dtype')}.{match.group('dname')}" in declared.data
                else:
                    ok = f"{match.group('rtype')}.{match.group('rname')}" in declared.resources
                reference = match.group(0)
                if ok or reference in reported:
                    continue
                reported.add(reference)
                line = next((i for i, row in enumerate(lines, start=1) if _mentions(row, reference)), 0)
                yield (
                    Finding(
                        shown,
                        line,
                        NAME,
                        "unresolved-reference",
                        f"{reference} refers to nothing declared in this module",
                    ),
                    None,
                )


def _mentions(row: str, reference: str) -> bool:
    return re.search(r"(?<![\w.\"-])" + re.escape(reference) + r"(?![\w-])", row) is not None


VALIDATOR = TerraformSchema()
