"""Validators of rendered output, registered per output kind.

A validator receives every environment's rendered tree at once (so an external
tool can run once per batch of files) and returns findings. Findings are
results, not exceptions: the validate command applies waivers and reports them.

To add one: write a module here with a ``VALIDATOR`` object (or a
``VALIDATORS`` tuple) that satisfies :class:`Validator`; modules are found by
name, in name order, so a family adds a module and touches nothing else. A
validator that reports under several names in one run (checkov: ``checkov`` and
``checkov-terraform``) also satisfies :class:`MultiValidator`, so that
``validate --only``/``--skip`` can select each of its names.
"""

from __future__ import annotations

import fnmatch
import os
import shutil
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable


@dataclass(frozen=True, order=True)
class Finding:
    """One failed check at ``path`` (as shown: ``out/<env>/<file>``) and ``line`` (0 = whole file)."""

    path: str
    line: int
    validator: str
    check: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        check = f"{self.check}: " if self.check else ""
        return f"{where}: {self.validator}: {check}{self.message}"


@dataclass(frozen=True)
class Bundle:
    """One environment's rendered output, in memory and materialised on disk."""

    env: str
    files: Mapping[str, str]
    directory: Path
    """A folder holding exactly ``files`` (for tools that read files)."""
    config: Mapping[str, Any]
    shown_root: str
    """How ``directory`` is named in findings, e.g. ``out/prod``."""
    project_root: Path

    def shown(self, path: str) -> str:
        return f"{self.shown_root}/{path}"

    def matching(self, *patterns: str) -> list[str]:
        """Paths of files matching any glob pattern (``*`` crosses folders)."""
        return sorted(p for p in self.files if any(fnmatch.fnmatch(p, pat) for pat in patterns))


class Validator(Protocol):
    """What every validator provides."""

    name: str
    """Short name used in findings and waivers (``checkov``, ``promtool``...)."""

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]: ...


@runtime_checkable
class MultiValidator(Validator, Protocol):
    """A validator that reports under several names in one run."""

    names: tuple[str, ...]
    """Every name its findings carry (``name`` among them)."""

    def only(self, names: frozenset[str]) -> Validator:
        """The same validator reporting (and doing the work for) only ``names``."""
        ...


def names_of(validator: Validator) -> tuple[str, ...]:
    """The names a validator's findings carry."""
    return validator.names if isinstance(validator, MultiValidator) else (validator.name,)


def known_names(validators: Iterable[Validator]) -> list[str]:
    """Every name that ``select`` accepts, sorted."""
    return sorted({name for v in validators for name in names_of(v)})


def select(validators: Iterable[Validator], wanted: Collection[str]) -> list[Validator]:
    """The validators that report under a ``wanted`` name, narrowed to those names; the rest are left out."""
    chosen: list[Validator] = []
    for validator in validators:
        names = frozenset(names_of(validator)) & frozenset(wanted)
        if not names:
            continue
        if isinstance(validator, MultiValidator) and names != frozenset(validator.names):
            validator = validator.only(names)
        chosen.append(validator)
    return chosen


def find_tool(name: str, project_root: Path) -> str | None:
    """An external tool: the project's ``.venv-tools/bin`` first, then ``PATH``."""
    extra = [project_root / ".venv-tools" / "bin", Path(os.environ.get("CODEPAL_TOOLS_BIN", "/nonexistent"))]
    for folder in extra:
        candidate = folder / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return shutil.which(name)


def missing_tool(validator: str, tool: str, bundles: Sequence[Bundle]) -> list[Finding]:
    """A missing tool is a failure, never a skip."""
    shown = bundles[0].shown_root.rsplit("/", 1)[0] if bundles else "out"
    return [Finding(shown, 0, validator, "missing-tool", f"{tool} not found; run scripts/setup-tools.sh")]


def with_tool(
    validator: str | tuple[str, ...], tool: str, bundles: Sequence[Bundle], work: Callable[[str], Iterable[Finding]]
) -> Iterable[Finding]:
    """``work(path to tool)``, or, when ``tool`` is not installed, a missing-tool failure for each validator name."""
    found = find_tool(tool, bundles[0].project_root) if bundles else None
    if found is None:
        names = (validator,) if isinstance(validator, str) else validator
        return [f for name in names for f in missing_tool(name, tool, bundles)]
    return work(found)


def registry() -> tuple[Validator, ...]:
    """Every validator, in module-name order."""
    import importlib
    import pkgutil

    found: list[Validator] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(getattr(module, "VALIDATORS", ()))
        if hasattr(module, "VALIDATOR"):
            found.append(module.VALIDATOR)
    return tuple(found)
