"""Markdown output (runbooks): values are escaped so they cannot open markup or HTML."""

from __future__ import annotations

import re
from typing import Any

from . import Format, Raw, comment_header, ensure_newline

# CommonMark's inline syntax, plus "&" (entities such as &lt; would read as "<").
_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&])")
_LANGUAGE = re.compile(r"[a-z0-9_+-]*")


# What opens a block when it starts a line: a list item ("-", "1.", "1)") or a thematic break / setext underline.
_LINE_START = re.compile(r"^(?:[-=]|(\d{1,9})([.)]))")


def escape(value: Any) -> str:
    """One line of inert text, wherever the template puts it (even at the start of a line)."""
    text = "true" if value is True else "false" if value is False else str(value)
    flat = _SPECIAL.sub(r"\\\1", " ".join(text.split()))
    return _LINE_START.sub(lambda m: f"{m.group(1)}\\{m.group(2)}" if m.group(1) else f"\\{m.group(0)}", flat)


def codeblock(value: Any, language: str = "", indent: int = 0) -> Raw:
    """Filter ``codeblock``: a value verbatim in a fenced code block, the fence longer than any backtick run in it."""
    if not _LANGUAGE.fullmatch(language) or not 0 <= indent <= 8:
        raise ValueError(f"bad code block language {language!r} or indent {indent}")
    text = str(value)
    runs = [len(run) for run in re.findall(r"`+", text)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    pad = " " * indent
    body = "\n".join(pad + line if line else line for line in text.splitlines())
    return Raw(f"{pad}{fence}{language}\n{body}\n{pad}{fence}")


def normalize(text: str, header: str) -> str:
    return comment_header("<!--", ensure_newline(text), header, " -->")


MARKDOWN_FORMAT = Format("markdown", escape, normalize, {"codeblock": codeblock})
