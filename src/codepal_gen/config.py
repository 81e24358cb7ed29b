"""Load, merge and validate environments into immutable config records."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from .errors import Position, Problem, UserError
from .project import Project

if TYPE_CHECKING:
    from .load import Document


@dataclass(frozen=True)
class Environment:
    """One validated environment: its name, the file it is defined in, its frozen config."""

    name: str
    source: str
    config: Mapping[str, Any]


def freeze(value: Any) -> Any:
    """Deeply read-only: mappings become MappingProxyType, lists become tuples."""
    if isinstance(value, dict):
        return MappingProxyType({k: freeze(v) for k, v in value.items()})
    if isinstance(value, list):
        return tuple(freeze(v) for v in value)
    return value


def thaw(value: Any) -> Any:
    """Plain dicts and lists again (for JSON output and hashing)."""
    if isinstance(value, Mapping):
        return {k: thaw(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [thaw(v) for v in value]
    return value


def nodes(value: Any, path: tuple[str | int, ...] = ()) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """Every node of plain or frozen config data with its key path, parents before children."""
    yield path, value
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from nodes(item, (*path, key))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from nodes(item, (*path, index))


def _reader(project: Project, cache: dict[str, Document | None]) -> Any:
    from .load import load

    def read(name: str) -> Document | None:
        if name not in cache:
            path = project.environments / f"{name}.yaml"
            cache[name] = load(path.read_bytes(), project.relative(path)) if path.is_file() else None
        return cache[name]

    return read


def load_environments(project: Project, names: Iterable[str]) -> list[Environment]:
    """Every named environment, validated; all problems of all of them raised together."""
    # Imported here: a render whose environments are cached never loads jsonschema or ruamel.yaml.
    from . import leaks, schema
    from .inherit import resolve
    from .load import format_path, locate

    schemas = schema.load_schemas(project.schemas)
    cache: dict[str, Document | None] = {}
    read = _reader(project, cache)
    problems: list[Problem] = []
    result = []
    for name in names:
        if not schema.FORMATS["dns1123-label"][0](name):
            where = Position(project.relative(project.environments / f"{name}.yaml"), 1, 1)
            problems.append(
                Problem(where, f"environment name {name!r} must be a DNS-1123 label (it names folders and resources)")
            )
            continue
        try:
            doc = resolve(name, read)
        except UserError as exc:
            if not exc.problems:
                raise
            problems.extend(exc.problems)
            continue
        data, found = schema.check(doc, schemas)
        found.extend(
            Problem(locate(doc.positions, path, doc.path), message, format_path(path))
            for path, message in leaks.in_data(doc.data)
        )
        problems.extend(found)
        if not found:
            result.append(Environment(name, project.relative(project.environments / f"{name}.yaml"), freeze(data)))
    if problems:
        raise UserError(problems)
    return result


def origins(project: Project, name: str) -> Mapping[tuple[str | int, ...], Position]:
    """Where each key of environment ``name`` is written, after ``extends`` (file:line:col).

    Keys filled in from schema defaults have no entry. Call after the environment
    validated: problems here are reported as by :func:`load_environments`."""
    from .inherit import resolve

    return resolve(name, _reader(project, {})).positions


def located(project: Project, name: str, problems: Iterable[Problem]) -> list[Problem]:
    """Problems found after validation (by the model) that name a key path but no line: given
    the file:line:col where that key, or its nearest written ancestor, is written."""
    from .load import locate, parse_path

    found = list(problems)
    if not any(p.key_path and not p.position.line for p in found):
        return found
    where = origins(project, name)
    return [
        Problem(locate(where, parse_path(p.key_path), p.position.path), p.message, p.key_path)
        if p.key_path and not p.position.line
        else p
        for p in found
    ]
