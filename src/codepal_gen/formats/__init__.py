"""Output formats: how a value is escaped into a template, and how output is normalised.

Every ``{{ value }}`` in a template goes through its format's ``escape`` (Jinja's
``finalize`` hook), the way HTML autoescaping works: a value from an environment
file becomes one inert literal of the target language and can never add a key,
a block, a record or an expression. Filters that deliberately produce syntax
(``toyaml``, ``ident``, ``txt``...) validate their input and return
:class:`Raw`, which ``escape`` passes through unchanged.

After rendering, ``normalize`` parses the text (where a parser is cheap) and
returns canonical bytes, with the "generated from" header where the format has
comments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any


class Raw(str):
    """Text that is already syntax of the output format; escaping leaves it alone."""

    __slots__ = ()


class OutputError(Exception):
    """Rendered text that does not parse: ``line`` is 1-based in the rendered output."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Format:
    """One output language."""

    name: str
    escape: Callable[[Any], str]
    normalize: Callable[[str, str], str]
    """``normalize(text, header)`` -> final text; ``header`` is the do-not-edit line, without comment markers."""
    filters: Mapping[str, Callable[..., Any]] = field(default_factory=dict)
    github_expressions: bool = False
    """Templates may write GitHub's ``${{ }}`` expressions verbatim (workflow files)."""


def finalizer(escape: Callable[[Any], str]) -> Callable[[Any], str]:
    """Jinja ``finalize``: Raw passes, everything else is escaped."""

    def finalize(value: Any) -> str:
        return value if isinstance(value, Raw) else escape(value)

    return finalize


def ensure_newline(text: str) -> str:
    """LF endings, no trailing blanks at the end, exactly one final newline."""
    return text.replace("\r\n", "\n").rstrip("\n") + "\n"


def comment_header(prefix: str, text: str, header: str, suffix: str = "") -> str:
    """Put ``prefix header suffix`` at the top (after a ``#!`` line if there is one)."""
    line = f"{prefix} {header}{suffix}\n"
    if text.startswith("#!"):
        first, _, rest = text.partition("\n")
        return f"{first}\n{line}{rest}"
    return line + text


def lookup(kind: str, suffix: str) -> Format | None:
    """The format of an output file, from its kind (top folder) and file suffix."""
    from . import hcl, json_, markdown, named, shell, yaml, zone

    if suffix in {".yaml", ".yml"}:
        return yaml.GITHUB if kind == "github" else yaml.YAML_FORMAT
    table: dict[str, Format] = {
        ".json": json_.JSON_FORMAT,
        ".tf": hcl.HCL_FORMAT,
        ".zone": zone.ZONE_FORMAT,
        ".conf": named.NAMED_FORMAT,
        ".sh": shell.SHELL_FORMAT,
        ".md": markdown.MARKDOWN_FORMAT,
    }
    return table.get(suffix)


def all_formats() -> tuple[Format, ...]:
    from . import hcl, json_, markdown, named, shell, yaml, zone

    return (
        yaml.YAML_FORMAT,
        yaml.GITHUB,
        json_.JSON_FORMAT,
        hcl.HCL_FORMAT,
        zone.ZONE_FORMAT,
        named.NAMED_FORMAT,
        shell.SHELL_FORMAT,
        markdown.MARKDOWN_FORMAT,
    )
