"""The commands as functions: each takes a project and options and returns a result.

Nothing here prints or exits; the CLI formats results and picks exit codes.
Heavy imports (Jinja, jsonschema, validators) happen inside the functions that
need them, so ``check`` on a current tree answers from the manifests alone.
"""

from __future__ import annotations

import tempfile
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .cache import enabled as caches_enabled
from .errors import UserError
from .fingerprint import inputs_fingerprint
from .project import Project

if TYPE_CHECKING:
    from .config import Environment
    from .output import Drift
    from .render import Rendered
    from .validators import Finding


def select(project: Project, names: Sequence[str], all_: bool) -> list[str]:
    """The environments a command works on: the named ones, or all when none are named."""
    available = project.environment_names()
    if not available:
        raise UserError(f"{project.relative(project.environments)}: no environments (*.yaml) found")
    if all_ or not names:
        return available
    unknown = [n for n in names if n not in available]
    if unknown:
        raise UserError(f"unknown environment {unknown[0]!r}; available: {', '.join(available)}")
    return list(dict.fromkeys(names))


def _environments(project: Project, names: Sequence[str], fingerprint: str | None = None) -> list[Environment]:
    """The validated environments: from the cache when the inputs are unchanged, else loaded."""
    from .cache import load_configs, save_configs
    from .config import Environment, freeze, load_environments, thaw

    fingerprint = fingerprint or inputs_fingerprint(project)
    cached = load_configs(fingerprint, names)
    if cached is not None:
        return [Environment(name, source, freeze(config)) for name, (source, config) in cached.items()]
    envs = load_environments(project, names)
    save_configs(fingerprint, {env.name: (env.source, thaw(env.config)) for env in envs})
    return envs


def render_trees(project: Project, names: Sequence[str], fingerprint: str | None = None) -> list[Rendered]:
    """Load, validate and render the named environments in memory (environments in parallel)."""
    from types import MappingProxyType

    from .cache import load_cache
    from .config import located
    from .context import build_context
    from .errors import Problem
    from .parallel import fork_map
    from .render import Rendered, compile_all, discover, environments, render_environment

    envs = _environments(project, names, fingerprint)
    templates = discover(project.templates)
    jinja_envs = environments(project.templates, cache=caches_enabled())
    compile_all(templates, jinja_envs)  # once, before the workers fork

    cache = load_cache()

    def render_one(env: Environment) -> tuple[str, dict[str, str], tuple[Problem, ...], dict[str, str]]:
        fresh: dict[str, str] = {}
        try:
            context = build_context(env)
            tree = render_environment(
                env.name, env.source, context, templates, jinja_envs, project.templates, cache, fresh
            )
        except UserError as exc:
            if not exc.problems:
                raise
            return env.name, {}, exc.problems, fresh
        return env.name, dict(tree.files), (), fresh

    results = fork_map(render_one, envs)
    problems = [p for name, _, found, _ in results for p in located(project, name, found)]
    if problems:
        raise UserError(problems)
    cache.put_all({k: v for _, _, _, fresh in results for k, v in fresh.items()})
    return [Rendered(name, MappingProxyType(files)) for name, files, _, _ in results]


@dataclass(frozen=True)
class ConfigValue:
    """One leaf of an environment's validated config, and where it was written (None: a schema default)."""

    path: str
    value: object
    origin: str | None


def config(project: Project, name: str) -> tuple[Mapping[str, object], list[ConfigValue]]:
    """The validated config of one environment (defaults filled in), and every leaf with its origin."""
    from .config import nodes, origins, thaw
    from .load import format_path

    (env,) = _environments(project, [name])
    data = thaw(env.config)
    where = origins(project, name)
    leaves = [
        ConfigValue(format_path(path), value, str(where[path]) if path in where else None)
        for path, value in nodes(data)
        if not (isinstance(value, dict | list) and value)  # a leaf: a scalar or an empty collection
    ]
    return data, leaves


def show(project: Project, name: str, patterns: Sequence[str]) -> dict[str, str]:
    """Rendered files of one environment (in memory, nothing written) whose paths match a glob.

    Every pattern must match at least one file (``*`` crosses folders)."""
    import difflib
    import fnmatch

    (tree,) = render_trees(project, [name])
    chosen: dict[str, str] = {}
    for pattern in patterns or ["*"]:
        matched = [path for path in tree.files if fnmatch.fnmatchcase(path, pattern)]
        if not matched:
            close = difflib.get_close_matches(pattern, list(tree.files), n=3)
            hint = f"; did you mean {', '.join(close)}?" if close else f"; `codepal-gen show {name}` lists every file"
            raise UserError(f"no rendered file of {name} matches {pattern!r}{hint}")
        chosen.update({path: tree.files[path] for path in matched})
    return dict(sorted(chosen.items()))


@dataclass(frozen=True)
class RenderResult:
    written: int
    deleted: int
    unchanged: int
    foreign: tuple[str, ...] = ()


def render(project: Project, names: Sequence[str], out_dir: Path) -> RenderResult:
    """Render and write; nothing is written unless every environment renders and every check passes."""
    from . import output

    fingerprint = inputs_fingerprint(project)
    output.check_output_root(out_dir)
    if caches_enabled() and all(output.current(out_dir / name, fingerprint) for name in names):
        # Same inputs, every generated file intact, nothing else there: rendering would change nothing.
        manifests = [output.read_manifest(out_dir / name) for name in names]
        unchanged = sum(len(m.files) + 1 for m in manifests if m is not None)
        return RenderResult(written=0, deleted=0, unchanged=unchanged)
    trees = render_trees(project, names, fingerprint)
    plans = [output.plan(tree, fingerprint, out_dir / tree.env, project.relative(out_dir / tree.env)) for tree in trees]
    output.execute(plans)
    return RenderResult(
        written=sum(len(p.writes) for p in plans),
        deleted=sum(len(p.deletes) for p in plans),
        unchanged=sum(p.untouched for p in plans),
        foreign=tuple(f"{project.relative(p.folder)}/{f}" for p in plans for f in p.foreign),
    )


def check(project: Project, names: Sequence[str], out_dir: Path, diff: bool, cache: bool = True) -> list[Drift]:
    """Compare what the sources render with ``out_dir``; never writes."""
    from . import output

    fingerprint = inputs_fingerprint(project)
    if cache and caches_enabled() and all(output.current(out_dir / name, fingerprint) for name in names):
        return [output.Drift(name) for name in names]
    return [
        output.compare(tree, fingerprint, out_dir / tree.env, diff)
        for tree in render_trees(project, names, fingerprint)
    ]


@dataclass(frozen=True)
class ValidateResult:
    failures: list[Finding]
    waived: list[Finding] = field(default_factory=list)
    ran: tuple[str, ...] = ()
    """The validator names that ran."""
    skipped: tuple[str, ...] = ()
    """The validator names left out by ``only``/``skip``, so that a report can say so."""


def validator_names() -> list[str]:
    """Every name ``validate`` accepts in ``only`` and ``skip``: the names findings and waivers carry."""
    from .validators import known_names, registry

    return known_names(registry())


def validate(
    project: Project,
    names: Sequence[str],
    out_dir: Path,
    today: date | None = None,
    only: Collection[str] = (),
    skip: Collection[str] = (),
) -> ValidateResult:
    """Run the registered validators over the output: those named in ``only`` (all when
    empty) except those in ``skip``; the others are not even started.

    An environment rendered into ``out_dir`` is validated as it is there (the files
    reviewers read and tools apply, hand edits included; ``check`` says whether
    they are current); one not rendered yet is rendered in memory first."""
    from concurrent.futures import ThreadPoolExecutor

    from . import output
    from . import waivers as waivers_mod
    from .validators import Bundle, known_names, registry, select

    everything = registry()
    known = known_names(everything)
    for name in (*only, *skip):
        if name not in known:
            raise UserError(f"unknown validator {name!r}; known: {', '.join(known)}")
    wanted = [name for name in known if (not only or name in only) and name not in skip]
    if not wanted:
        raise UserError("no validator left to run: every one selected is also skipped")
    validators = select(everything, wanted)
    waivers = waivers_mod.load_waivers(project)
    configs = {env.name: env.config for env in _environments(project, names)}
    trees: dict[str, Mapping[str, str]] = {}
    for name in names:
        folder = out_dir / name
        if output.read_manifest(folder) is not None:
            on_disk = output.scan(folder)
            trees[name] = {
                rel: path.read_text(encoding="utf-8", errors="replace")
                for rel, path in sorted(on_disk.items())
                if rel != output.MANIFEST and path.is_file() and not path.is_symlink()
            }
    missing = [name for name in names if name not in trees]
    if missing:
        trees.update({tree.env: tree.files for tree in render_trees(project, missing)})
    with tempfile.TemporaryDirectory(prefix="codepal-gen-validate-") as tmp:
        bundles = []
        for name in names:
            folder = Path(tmp) / name
            for path, text in trees[name].items():
                target = folder / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(text, encoding="utf-8")
            shown = project.relative(out_dir / name)
            bundles.append(Bundle(name, trees[name], folder, configs[name], shown, project.root))
        with ThreadPoolExecutor(max_workers=max(1, len(validators))) as pool:
            results = list(pool.map(lambda v: list(v.run(bundles)), validators))
    findings = [f for found in results for f in found]
    failures, waived = waivers_mod.apply(findings, waivers, today or date.today())
    skipped = tuple(name for name in known if name not in wanted)
    return ValidateResult(failures, waived, tuple(wanted), skipped)
