"""Render one environment's templates into an in-memory tree of output files.

``templates/<kind>/<path>.j2`` renders to ``<kind>/<path>``. A path segment
holding ``{name}`` fans out over the context's ``fanout[name]`` mapping: one file
per key, the key in the path, the value bound to ``name`` in the template.
Files and folders whose name starts with ``_`` are partials, not outputs.

Kinds render in :data:`KIND_ORDER`; a template sees every file rendered before
it as ``rendered['<kind>/<path>']``, so one output can embed another byte for
byte (the Prometheus configuration inside its Kubernetes ConfigMap).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

import jinja2
from jinja2.ext import Extension

from .errors import Position, Problem, UserError
from .formats import Format, OutputError, finalizer, lookup

if TYPE_CHECKING:
    from .cache import NormalizeCache

#: Kinds that others embed render first; anything not listed renders in name order before kubernetes.
KIND_ORDER = ("prometheus", "alertmanager", "grafana")
LAST_KINDS = ("kubernetes",)
_PLACEHOLDER = re.compile(r"\{([a-z_][a-z0-9_]*)\}")
_GITHUB_EXPR = re.compile(r"\$\{\{.*?\}\}")


@dataclass(frozen=True)
class TemplateFile:
    """One template and the output path pattern it renders to."""

    name: str  # loader name, e.g. "kubernetes/{service}/deployment.yaml.j2"
    kind: str
    pattern: str  # e.g. "kubernetes/{service}/deployment.yaml"
    fmt: Format

    @property
    def placeholders(self) -> list[str]:
        return _PLACEHOLDER.findall(self.pattern)


@dataclass(frozen=True)
class Rendered:
    """Every output file of one environment: path under ``out/<env>/`` -> text."""

    env: str
    files: Mapping[str, str]


class GithubExpressions(Extension):
    """Lets workflow templates write ``${{ github.sha }}`` without ``{% raw %}``."""

    def preprocess(self, source: str, name: str | None, filename: str | None = None) -> str:
        # "+" keeps trim_blocks/lstrip_blocks from eating the newline after (or the indentation before) it.
        return _GITHUB_EXPR.sub(lambda m: "{%+ raw %}" + m.group(0) + "{% endraw +%}", source)


def _kind_rank(kind: str) -> tuple[int, str]:
    if kind in KIND_ORDER:
        return (0, f"{KIND_ORDER.index(kind):03d}")
    return (2, kind) if kind in LAST_KINDS else (1, kind)


def discover(templates_dir: Path) -> list[TemplateFile]:
    """Every template under ``templates_dir``, in render order."""
    found = []
    problems = []
    for path in templates_dir.rglob("*.j2"):
        rel = PurePosixPath(path.relative_to(templates_dir).as_posix())
        if any(part.startswith("_") for part in rel.parts) or len(rel.parts) < 2:
            continue
        pattern = str(rel)[: -len(".j2")]
        fmt = lookup(rel.parts[0], PurePosixPath(pattern).suffix)
        if fmt is None:
            problems.append(Problem(Position(f"templates/{rel}"), "no output format for this file suffix"))
            continue
        found.append(TemplateFile(str(rel), rel.parts[0], pattern, fmt))
    if problems:
        raise UserError(problems)
    return sorted(found, key=lambda t: (_kind_rank(t.kind), t.name))


def environments(templates_dir: Path, cache: bool = True) -> dict[str, jinja2.Environment]:
    """One Jinja environment per output format, sharing the loader and the bytecode cache.

    The bytecode cache is Jinja's own (a per-user folder under the system temp dir,
    keyed by template name and source checksum), so an edited template is always
    recompiled and nothing is written inside the project."""
    from . import formats

    loader = jinja2.FileSystemLoader(str(templates_dir))
    bytecode = jinja2.FileSystemBytecodeCache() if cache else None
    envs: dict[str, jinja2.Environment] = {}
    for fmt in formats.all_formats():
        env = jinja2.Environment(
            loader=loader,
            undefined=jinja2.StrictUndefined,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            autoescape=False,
            finalize=finalizer(fmt.escape),
            bytecode_cache=bytecode,
            extensions=[GithubExpressions] if fmt.github_expressions else [],
        )
        env.filters.pop("safe", None)  # the escape hatch a value must never get
        env.filters["sha256"] = _sha256
        env.filters.update(fmt.filters)
        envs[fmt.name] = env
    return envs


def compile_all(templates: list[TemplateFile], jinja_envs: Mapping[str, jinja2.Environment]) -> None:
    """Load every template now (syntax errors surface later, with their line, in render)."""
    for template in templates:
        try:
            jinja_envs[template.fmt.name].get_template(template.name)
        except jinja2.TemplateSyntaxError:
            continue


def _sha256(value: Any) -> str:
    """Filter ``sha256``: hex digest of a text (e.g. a ConfigMap's content, to roll pods)."""
    return hashlib.sha256(str(value).encode("utf-8")).hexdigest()


def _template_frame(exc: BaseException) -> tuple[str, int] | None:
    import traceback  # only when a template failed

    frames = [f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".j2")]
    return (frames[-1].filename, frames[-1].lineno or 0) if frames else None


def _expand(template: TemplateFile, fanout: Mapping[str, Mapping[str, Any]]) -> Iterator[tuple[str, dict[str, Any]]]:
    names = template.placeholders
    missing = [n for n in names if n not in fanout]
    if missing:
        raise UserError([Problem(Position(f"templates/{template.name}"), f"no fan-out named {missing[0]!r}")])
    for combo in itertools.product(*(sorted(fanout[n].items()) for n in names)):
        path = template.pattern
        bound: dict[str, Any] = {}
        for name, (key, item) in zip(names, combo, strict=True):
            path = path.replace("{" + name + "}", key)
            bound[name] = item
        yield path, bound


def render_environment(
    env_name: str,
    source: str,
    context: Mapping[str, Any],
    templates: list[TemplateFile],
    jinja_envs: Mapping[str, jinja2.Environment],
    templates_root: Path,
    cache: NormalizeCache | None = None,
    fresh: dict[str, str] | None = None,
) -> Rendered:
    """Render every template for one environment; all problems are raised together.

    ``cache`` holds normalised results by :func:`codepal_gen.cache.key`; results
    computed here go into ``fresh``, for the caller to store (see cache.py)."""
    from .cache import key as cache_key

    header = f"generated from {source} by codepal-gen — do not edit"
    files: dict[str, str] = {}
    problems: list[Problem] = []
    fanout: Mapping[str, Mapping[str, Any]] = context.get("fanout", {})
    for template in templates:
        where = f"templates/{template.name}"
        try:
            compiled = jinja_envs[template.fmt.name].get_template(template.name)
        except jinja2.TemplateSyntaxError as exc:
            problems.append(Problem(Position(where, exc.lineno), f"template syntax error: {exc.message}"))
            continue
        for out_path, bound in _expand(template, fanout):
            if out_path in files:
                problems.append(Problem(Position(where), f"{out_path} is rendered twice"))
                continue
            try:
                text = compiled.render(
                    {**context, **bound, "rendered": MappingProxyType(files), "output_path": out_path}
                )
                digest = cache_key(template.fmt.name, header, text)
                normalized = cache.get(digest) if cache is not None else None
                if normalized is None:
                    normalized = template.fmt.normalize(text, header)
                    if fresh is not None:
                        fresh[digest] = normalized
                files[out_path] = normalized
            except OutputError as exc:
                detail = f" (rendered line {exc.line}: {_line(text, exc.line)!r})" if exc.line else ""
                problems.append(Problem(Position(where), f"{out_path}: {exc.message}{detail}"))
            except UserError:
                raise
            except Exception as exc:  # noqa: BLE001 - a template failed: report the template line, not a traceback
                frame = _template_frame(exc)
                line = frame[1] if frame else 0
                message = exc.message if isinstance(exc, jinja2.TemplateError) and exc.message else str(exc)
                if frame and not frame[0].endswith(template.name):
                    where_frame = Path(frame[0]).resolve().relative_to(templates_root.resolve().parent).as_posix()
                    problems.append(Problem(Position(where_frame, line), f"while rendering {out_path}: {message}"))
                else:
                    problems.append(Problem(Position(where, line), f"while rendering {out_path}: {message}"))
    if problems:
        raise UserError(problems)
    return Rendered(env_name, MappingProxyType(dict(sorted(files.items()))))


def _line(text: str, line: int) -> str:
    lines = text.splitlines()
    return lines[line - 1] if 0 < line <= len(lines) else ""
