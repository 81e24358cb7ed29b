"""JSON Schema (2020-12) validation of merged environments, with positions.

``schemas/environment.schema.json`` is the root; it may ``$ref`` the other
``*.schema.json`` files under ``schemas/`` by relative URI. Defaults written in
the schema are filled in before validation, so the schema is the one place a
default lives. Every error becomes a :class:`Problem` at the line and column the
offending value came from, with the key path and what was expected, or, where
the failing (sub)schema carries an ``x-message`` (a keyword validators ignore),
that message: it says why a value is refused, e.g. a wildcard in an RBAC rule.
"""

from __future__ import annotations

import copy
import ipaddress
import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError
from referencing import Registry, Resource
from referencing._core import Resolver
from referencing.jsonschema import DRAFT202012

from .errors import Problem
from .load import Document, KeyPath, format_path, locate
from .project import schema_files

ROOT_SCHEMA = "environment.schema.json"

_DNS_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_DURATION = re.compile(r"^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$")
_QUANTITY = re.compile(r"^([0-9]+(\.[0-9]+)?|\.[0-9]+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$")
_DIGEST = re.compile(r"^sha256:[a-f0-9]{64}$")
_GIT_SHA = re.compile(r"^[0-9a-f]{40}$")


def _dns1123_label(value: object) -> bool:
    return not isinstance(value, str) or bool(_DNS_LABEL.match(value))


def _dns1123_subdomain(value: object) -> bool:
    if not isinstance(value, str):
        return True
    return len(value) <= 253 and all(_DNS_LABEL.match(p) for p in value.split("."))


def _hostname(value: object) -> bool:
    if not isinstance(value, str):
        return True
    name = value[2:] if value.startswith("*.") else value
    return 0 < len(name) <= 253 and all(_HOST_LABEL.match(p) for p in name.split("."))


def _cidr(value: object) -> bool:
    if not isinstance(value, str) or "/" not in value:
        return not isinstance(value, str)
    try:
        ipaddress.ip_network(value, strict=True)
    except ValueError:
        return False
    return True


def _ipv4(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        ipaddress.IPv4Address(value)
    except ValueError:
        return False
    return True


def _duration(value: object) -> bool:
    return not isinstance(value, str) or (value != "" and bool(_DURATION.match(value)))


def _date(value: object) -> bool:
    if not isinstance(value, str):
        return True
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return bool(re.match(r"^\d{4}-\d{2}-\d{2}$", value))


#: Format name -> (check, how the expectation reads in a message).
FORMATS: Mapping[str, tuple[Any, str]] = {
    "dns1123-label": (_dns1123_label, "a DNS-1123 label (lower-case letters, digits, '-', at most 63)"),
    "dns1123-subdomain": (_dns1123_subdomain, "a DNS-1123 subdomain"),
    "hostname": (_hostname, "a DNS host name"),
    "cidr": (_cidr, "an IP network in CIDR notation, e.g. 10.0.0.0/16"),
    "ipv4": (_ipv4, "an IPv4 address"),
    "duration": (_duration, "a duration such as 30s, 5m, 1h30m, 30d"),
    "k8s-quantity": (
        lambda v: not isinstance(v, str) or bool(_QUANTITY.match(v)),
        "a Kubernetes quantity, e.g. 250m, 1Gi",
    ),
    "image-digest": (lambda v: not isinstance(v, str) or bool(_DIGEST.match(v)), "an image digest sha256:<64 hex>"),
    "git-sha": (lambda v: not isinstance(v, str) or bool(_GIT_SHA.match(v)), "a full 40-character commit SHA"),
    "date": (_date, "a date YYYY-MM-DD"),
    "k8s-api-group": (
        lambda v: v == "" or _dns1123_subdomain(v),
        "a Kubernetes API group: '' (core) or a DNS subdomain such as apps",
    ),
}


@dataclass(frozen=True)
class Schemas:
    """Every schema file under ``schemas/``, ready to validate against."""

    root_uri: str
    registry: Registry[Any]

    def validator(self, name: str = ROOT_SCHEMA) -> Draft202012Validator:
        checker = FormatChecker(formats=())
        for fmt, (check, _) in FORMATS.items():
            checker.checks(fmt)(check)
        schema = self.registry.contents(self.uri(name))
        return Draft202012Validator(schema, registry=self.registry, format_checker=checker)

    def uri(self, name: str) -> str:
        return self.root_uri.rsplit("/", 1)[0] + "/" + name


def load_schemas(directory: Path) -> Schemas:
    """Read every ``*.schema.json`` under ``directory``; each must carry an ``$id``."""
    resources = []
    root_uri = ""
    for path in schema_files(directory):
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((contents["$id"], Resource.from_contents(contents, default_specification=DRAFT202012)))
        if path.name == ROOT_SCHEMA and path.parent == directory:
            root_uri = contents["$id"]
    return Schemas(root_uri, Registry().with_resources(resources))


def apply_defaults(data: Any, schema: Mapping[str, Any], resolver: Resolver[Any]) -> Any:
    """A copy of ``data`` with every absent property that has a schema default filled in."""
    while "$ref" in schema:
        resolved = resolver.lookup(schema["$ref"])
        schema, resolver = resolved.contents, resolved.resolver
    if isinstance(data, dict):
        result = dict(data)
        props: Mapping[str, Any] = schema.get("properties", {})
        for key, sub in props.items():
            while "$ref" in sub and key not in result:
                found = resolver.lookup(sub["$ref"])
                sub = found.contents
            if key not in result and "default" in sub:
                result[key] = copy.deepcopy(sub["default"])
            if key in result:
                result[key] = apply_defaults(result[key], props[key], resolver)
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict):
            for key in result:
                if key not in props:
                    result[key] = apply_defaults(result[key], extra, resolver)
        return result
    if isinstance(data, list) and isinstance(schema.get("items"), dict):
        return [apply_defaults(item, schema["items"], resolver) for item in data]
    return data


def _shown(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else json.dumps(value, sort_keys=True)
    return text if len(text) <= 60 else text[:57] + "..."


def _expected(error: ValidationError) -> Iterator[tuple[KeyPath, str]]:
    """(key path relative to the error's instance, message) for one schema error."""
    kind = error.validator
    schema = error.schema if isinstance(error.schema, dict) else {}
    value = error.instance
    wanted: Any = error.validator_value
    if "x-message" in schema:
        # The schema states why (e.g. a wildcard refused for least privilege): a generic
        # "expected ..." would hide the reason.
        yield (), str(schema["x-message"])
    elif kind == "type":
        wanted = error.validator_value
        names = " or ".join(wanted) if isinstance(wanted, list) else str(wanted)
        names = names.replace("object", "mapping").replace("array", "list")
        yield (), f"expected {names}, got {_shown(value)}"
    elif kind == "additionalProperties" and isinstance(value, dict):
        allowed = sorted(schema.get("properties", {}))
        for key in sorted(k for k in value if k not in allowed):
            hint = f"; expected one of: {', '.join(allowed)}" if allowed else ""
            yield (key,), f"unknown key {key!r}{hint}"
    elif kind == "required" and isinstance(value, dict):
        for key in wanted:
            if key not in value:
                yield (), f"missing required key {key!r}"
    elif kind == "enum":
        yield (), f"expected one of {', '.join(_shown(v) for v in wanted)}, got {_shown(value)}"
    elif kind == "const":
        yield (), f"expected {_shown(error.validator_value)}, got {_shown(value)}"
    elif kind == "format":
        described = FORMATS.get(str(error.validator_value), (None, str(error.validator_value)))[1]
        yield (), f"expected {described}, got {_shown(value)}"
    elif kind == "pattern":
        yield (), f"expected a string matching {error.validator_value}, got {_shown(value)}"
    elif kind in {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}:
        words = {
            "minimum": "at least",
            "maximum": "at most",
            "exclusiveMinimum": "more than",
            "exclusiveMaximum": "less than",
        }
        yield (), f"expected a number {words[str(kind)]} {error.validator_value}, got {_shown(value)}"
    elif kind in {"minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"}:
        limit = "at least" if str(kind).startswith("min") else "at most"
        what = {"Items": "items", "Length": "characters", "Properties": "keys"}[str(kind)[3:]]
        yield (), f"expected {limit} {error.validator_value} {what}, got {_shown(value)}"
    elif kind == "uniqueItems":
        yield (), f"expected unique items, got {_shown(value)}"
    elif kind in {"oneOf", "anyOf"} and error.context:
        best = min(error.context, key=lambda e: (-len(e.absolute_path), str(e.validator)))
        rel = tuple(best.absolute_path)[len(error.absolute_path) :]
        for sub_path, message in _expected(best):
            yield (*rel, *sub_path), message
    else:
        yield (), error.message


def check(doc: Document, schemas: Schemas, name: str = ROOT_SCHEMA) -> tuple[Any, list[Problem]]:
    """Defaults filled in, and every problem of ``doc`` against schema ``name``."""
    validator = schemas.validator(name)
    root: Any = validator.schema
    data = apply_defaults(doc.data, root, schemas.registry.resolver(schemas.uri(name)))
    problems = []
    for error in validator.iter_errors(data):
        base: KeyPath = tuple(error.absolute_path)
        for rel, message in _expected(error):
            path = (*base, *rel)
            problems.append(Problem(locate(doc.positions, path, doc.path), message, format_path(path)))
    return data, problems
