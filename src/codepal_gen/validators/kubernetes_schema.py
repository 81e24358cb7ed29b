"""Every Kubernetes object against its schema, strictly (unknown fields rejected).

Built-in kinds use the schemas kubernetes-validate bundles for the environment's
``kubernetes.version`` (its ``-strict`` variants), in-process with one compiled
validator per (version, apiVersion, kind). Custom resources (cert-manager,
External Secrets) use the CRD schemas in ``schemas/kubernetes/crds/`` made
strict the same way. A kind found in neither is an error, never a skip.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import jsonschema
from packaging.version import Version
from referencing import Registry, Resource

from . import Bundle, Finding
from .kubernetes_objects import K8sObject, dotted, objects

NAME = "kubernetes-schema"
CRD_DIR = ("schemas", "kubernetes", "crds")


def _schema_version(wanted: str) -> str:
    """The newest bundled schema version not newer than ``wanted`` (e.g. 1.31 -> 1.31.x)."""
    import kubernetes_validate.utils as kv

    versions = [v for v in kv.all_versions() if Version(v) < Version(wanted + ".999")]
    if not versions:
        raise LookupError(f"kubernetes-validate has no schemas for Kubernetes {wanted}")
    return str(versions[-1])


def _builtin(version: str, api_version: str, kind: str) -> jsonschema.protocols.Validator | None:
    import kubernetes_validate.utils as kv

    folder = f"kubernetes-json-schema/v{_schema_version(version)}-local-strict"
    group = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    try:
        schema = kv.schema_contents(f"{folder}/{kind.lower()}-{group}.json", version)
    except FileNotFoundError:
        return None
    definitions = kv.schema_contents(f"{folder}/_definitions.json", version)
    registry: Registry[Any] = Resource.from_contents(schema) @ Registry()
    registry = Resource.from_contents(definitions) @ registry
    return jsonschema.Draft202012Validator(schema, registry=registry)


def _strict(schema: Any) -> Any:
    """A CRD schema with ``additionalProperties: false`` wherever properties are listed."""
    if isinstance(schema, dict):
        out = {k: _strict(v) for k, v in schema.items()}
        if (
            "properties" in out
            and "additionalProperties" not in out
            and not out.get("x-kubernetes-preserve-unknown-fields")
        ):
            out["additionalProperties"] = False
        return out
    if isinstance(schema, list):
        return [_strict(v) for v in schema]
    return schema


def _custom(root: Path, api_version: str, kind: str) -> jsonschema.protocols.Validator | None:
    if "/" not in api_version:
        return None
    group, version = api_version.split("/", 1)
    path = root.joinpath(*CRD_DIR, group, f"{kind.lower()}_{version}.json")
    if not path.is_file():
        return None
    return jsonschema.Draft202012Validator(_strict(json.loads(path.read_text(encoding="utf-8"))))


def _error_path(error: jsonschema.ValidationError) -> tuple[list[str | int], str]:
    """(path of the offending field, message): an unknown field is named by its own path."""
    path: list[str | int] = list(error.absolute_path)
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        allowed = set(error.schema.get("properties", {})) if isinstance(error.schema, Mapping) else set()
        unknown = sorted(k for k in error.instance if k not in allowed)
        if unknown:
            return [*path, unknown[0]], f"unknown field {unknown[0]!r}"
    return path, error.message


class Validators:
    """One compiled validator per (Kubernetes version, apiVersion, kind), for one run:
    compiling costs ~10 ms, validating an object with a compiled one ~0.4 ms."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.compiled: dict[tuple[str, str, str], jsonschema.protocols.Validator | None] = {}

    def get(self, version: str, api_version: str, kind: str) -> jsonschema.protocols.Validator | None:
        key = (version, api_version, kind)
        if key not in self.compiled:
            self.compiled[key] = _builtin(version, api_version, kind) or _custom(self.root, api_version, kind)
        return self.compiled[key]


class KubernetesSchemaValidator:
    name = NAME

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        validators = Validators(bundles[0].project_root) if bundles else None
        for bundle in bundles:
            version = str(bundle.config.get("kubernetes", {}).get("version", ""))
            for obj in objects(bundle):
                if isinstance(obj, tuple):
                    yield Finding(bundle.shown(obj[0]), 0, self.name, "parse", obj[1])
                elif validators is not None:
                    yield from self._check(obj, version, validators)

    def _check(self, obj: K8sObject, version: str, validators: Validators) -> Iterator[Finding]:
        api_version, kind = str(obj.data.get("apiVersion", "")), obj.kind
        validator = validators.get(version, api_version, kind)
        if validator is None:
            yield Finding(
                obj.shown,
                obj.line(("kind",)),
                self.name,
                "unknown-kind",
                f"no schema for {api_version} {kind} (Kubernetes {version} or schemas/kubernetes/crds/)",
            )
            return
        for error in sorted(validator.iter_errors(dict(obj.data)), key=lambda e: list(map(str, e.absolute_path))):
            path, message = _error_path(error)
            where = dotted(path) or "(root)"
            yield Finding(obj.shown, obj.line(tuple(path)), self.name, "schema", f"{where}: {message}")


VALIDATOR = KubernetesSchemaValidator()
