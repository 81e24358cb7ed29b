"""Indentation and ``=`` alignment of rendered HCL, exactly as ``terraform fmt`` lays them out.

A collection written with ``tohcl`` spans several lines, and whether it does
depends on the data; so does the alignment of the attributes around it (a line
such as ``tags = {`` ends an alignment group). Templates cannot know either, so
this pass recomputes both for the whole file, following hclwrite's ``format.go``
(https://github.com/hashicorp/hcl/blob/main/hclwrite/format.go):

* ``formatIndent``: each line is indented two spaces per open bracket level; a
  line that opens brackets on balance adds one level, a closing line drops the
  levels it closes (``toset([`` ... ``])`` is one level);
* ``formatCells``: consecutive lines that assign a whole one-line expression
  (``name = value``) align their ``=`` one space after the longest name; a line
  whose value opens brackets, a blank line or a line without ``=`` ends the
  group; trailing ``#`` comments of consecutive lines align the same way.

Everything else on a line is kept byte for byte (templates and ``tohcl`` write
canonical spacing). Heredoc bodies are kept verbatim. Widths are counted in
characters, which is what fmt counts (grapheme clusters) only for ASCII, so a
width taking part in an alignment must be ASCII (``tohcl`` writes map keys with
``\\u`` escapes); otherwise :class:`OutputError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import OutputError

_EXPR = re.compile(
    r"""(?P<space>[ \t\r]+)
    |(?P<newline>\n)
    |(?P<comment>(?:\#|//)[^\n]*)
    |(?P<block>/\*)
    |(?P<heredoc><<-?(?P<marker>[A-Za-z_][A-Za-z0-9_-]*)[ \t\r]*\n)
    |(?P<quote>")
    |(?P<operator>==|!=|<=|>=|=>)
    |(?P<equal>=)
    |(?P<open>[\[({])
    |(?P<close>[\])}])
    |(?P<other>[^ \t\r\n"\#/=!<>\[\](){}]+|.)""",
    re.VERBOSE,
)
# Inside "...": literal runs (escapes, $${ and %%{ included), an interpolation or directive, the end.
_STRING = re.compile(r'(?P<literal>(?:[^"\\$%\n]|\\.|\$\$\{|%%\{|[$%](?!\{))+)|(?P<interp>[$%]\{)|(?P<quote>")')


@dataclass
class _Line:
    """One line as hclwrite sees it (a heredoc or block comment makes it span several)."""

    first: int
    """index of its first physical line"""
    net: int = 0
    tokens: int = 0
    equal: int = -1
    """offset of the first ``=`` token that is not the line's first token, or -1"""
    after_equal: int = 0
    """net brackets from that ``=`` to the end of the line"""
    comment: int = -1
    """offset of a trailing ``#``/``//`` comment that follows other tokens, or -1"""
    stopped: bool = False
    """bracket counting stopped at a heredoc opener"""


def _scan(text: str) -> tuple[list[_Line], set[int]]:
    """Format lines, and the physical lines that continue one (kept verbatim)."""
    lines = [_Line(0)]
    verbatim: set[int] = set()
    physical, line_start, pos = 0, 0, 0
    # One entry per open string (-1) or interpolation inside a string (its brace depth).
    stack: list[int] = []

    def bracket(change: int) -> None:
        line = lines[-1]
        if not line.stopped:
            line.net += change
            if line.equal >= 0:
                line.after_equal += change

    while pos < len(text):
        if stack and stack[-1] == -1:
            match = _STRING.match(text, pos)
            if match is None:
                raise OutputError("a quoted string does not end on its line", physical + 1)
            if match.lastgroup == "interp":
                bracket(1)
                stack.append(0)
            elif match.lastgroup == "quote":
                stack.pop()
            pos = match.end()
            continue
        match = _EXPR.match(text, pos)
        assert match is not None  # the last alternative matches any character
        kind, line = match.lastgroup, lines[-1]
        if kind == "newline":
            physical += 1
            line_start = match.end()
            lines.append(_Line(physical))
        elif kind == "space":
            pass
        elif kind == "heredoc":
            line.tokens += 1
            line.stopped = True
            end = re.compile(rf"^[ \t]*{re.escape(match.group('marker'))}[ \t\r]*$", re.M).search(text, match.end())
            if end is None:
                raise OutputError("a heredoc does not end", physical + 1)
            body = text.count("\n", match.end(), end.end())
            verbatim.update(range(physical + 1, physical + 2 + body))
            physical += 1 + body
            pos = end.end()
            continue
        elif kind == "block":
            close = text.find("*/", match.end())
            if close < 0:
                raise OutputError("a /* comment does not end", physical + 1)
            spanned = text.count("\n", match.end(), close)
            verbatim.update(range(physical + 1, physical + 1 + spanned))
            physical += spanned
            line.tokens += 1
            pos = close + 2
            continue
        elif kind == "comment":
            if line.tokens and physical == line.first:
                line.comment = pos - line_start
            line.tokens += 1
        else:
            if kind == "equal" and line.tokens and line.equal < 0 and physical == line.first:
                line.equal = pos - line_start
            elif kind == "quote":
                stack.append(-1)
            elif kind == "open":
                bracket(1)
                if stack:
                    stack[-1] += 1
            elif kind == "close":
                bracket(-1)
                if stack:
                    if stack[-1] == 0:
                        stack.pop()  # the } that ends an interpolation
                    else:
                        stack[-1] -= 1
            line.tokens += 1
        pos = match.end()
    return lines, verbatim


def _indents(lines: list[_Line]) -> list[int]:
    """hclwrite's formatIndent: the indentation of each format line."""
    result: list[int] = []
    levels: list[int] = []  # how many brackets each indent level opened
    for line in lines:
        if line.net > 0:
            result.append(2 * len(levels))
            levels.append(line.net)
            continue
        closed = -line.net
        while closed > 0 and levels:
            if closed >= levels[-1]:
                closed -= levels.pop()
            else:
                levels[-1] -= closed
                closed = 0
        result.append(2 * len(levels))
    return result


def _width(text: str, number: int) -> int:
    if not text.isascii():
        raise OutputError("cannot align a line with non-ASCII text before its = or comment", number)
    return len(text)


def _align(cells: list[list[str] | None], column: int, numbers: list[int]) -> None:
    """Pad ``row[column]`` so that it starts one space after the widest of a run of consecutive rows that have it."""
    run: list[tuple[list[str], int]] = []
    for row, number in zip([*cells, None], [*numbers, 0], strict=True):
        if row is not None and row[column]:
            run.append((row, number))
            continue
        widest = max((_width("".join(r[:column]), n) for r, n in run), default=0) if len(run) > 1 else 0
        for r, _ in run:
            r[column] = " " * max(widest - len("".join(r[:column])) + 1, 1) + r[column]
        run = []


def layout(text: str) -> str:
    """``text`` with every line indented and aligned as ``terraform fmt`` would."""
    physical = text.split("\n")
    lines, verbatim = _scan(text)
    firsts = [line for line in lines if line.first not in verbatim]
    # Per format line: [lead, assign, comment] (hclwrite's cells), or None to keep the line.
    cells: list[list[str] | None] = []
    for line, indent in zip(firsts, _indents(firsts), strict=True):
        raw = physical[line.first]
        body = raw.lstrip(" \t")
        if not body:
            cells.append(None)
            continue
        shift = len(raw) - len(body)
        comment = body[line.comment - shift :] if line.comment >= 0 else ""
        code = (body[: line.comment - shift] if comment else body).rstrip(" \t")
        lead, assign = code, ""
        if line.equal >= 0:
            name, value = code[: line.equal - shift].rstrip(" \t"), code[line.equal - shift :]
            if line.after_equal == 0:
                lead, assign = name, value
            else:
                lead = f"{name} {value}"
        cells.append([" " * indent + lead, assign, comment])
    numbers = [line.first + 1 for line in firsts]
    _align(cells, 1, numbers)
    _align(cells, 2, numbers)
    for line, row in zip(firsts, cells, strict=True):
        if row is not None:
            physical[line.first] = "".join(row)
    return "\n".join(physical)
