"""Markdown output (runbooks): values are escaped so they cannot open markup or HTML."""

from __future__ import annotations

import re
from typing import Any

from . import Format, comment_header, ensure_newline

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")


def escape(value: Any) -> str:
    text = "true" if value is True else "false" if value is False else str(value)
    return _SPECIAL.sub(r"\\\1", " ".join(text.split()))


def normalize(text: str, header: str) -> str:
    return comment_header("<!--", ensure_newline(text), header, " -->")


MARKDOWN_FORMAT = Format("markdown", escape, normalize)
