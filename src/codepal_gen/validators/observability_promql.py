"""Just enough PromQL lexing to find which metrics an expression reads, and how.

promtool checks that an expression parses; this module answers the questions
promtool does not: which metric names are selected (to check each has a
source), inside which function call (counters only inside ``rate()``,
``irate()`` or ``increase()``), and what range each rate reads (dashboards use
``$__rate_interval``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

KEYWORDS = frozenset(
    {
        "and",
        "or",
        "unless",
        "by",
        "without",
        "on",
        "ignoring",
        "group_left",
        "group_right",
        "bool",
        "offset",
        "atan2",
        "inf",
        "nan",
    }
)
LABEL_LISTS = frozenset({"by", "without", "on", "ignoring", "group_left", "group_right"})
AGGREGATIONS = frozenset(
    {"sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values", "group"}
)
RATE_FUNCTIONS = frozenset({"rate", "irate", "increase"})

_TOKEN = re.compile(
    r"""(?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
      |(?P<range>\[[^\]]*\])
      |(?P<duration>(?:[0-9]+(?:ms|[smhdwy]))+\b)
      |(?P<number>0x[0-9a-fA-F]+|[0-9]*\.?[0-9]+(?:[eE][-+]?[0-9]+)?)
      |(?P<ident>[a-zA-Z_:][a-zA-Z0-9_:]*)
      |(?P<punct>[(){},]|\S)
      |\s+""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class MetricUse:
    name: str
    function: str
    """The innermost function or aggregation whose parentheses hold the selector ("" at top level)."""


@dataclass(frozen=True)
class RangeUse:
    window: str
    function: str


@dataclass(frozen=True)
class Uses:
    metrics: tuple[MetricUse, ...]
    ranges: tuple[RangeUse, ...]


def analyse(expr: str) -> Uses:
    """Metric selectors and range windows of ``expr``, each with its enclosing function."""
    metrics: list[MetricUse] = []
    ranges: list[RangeUse] = []
    stack: list[str] = []  # one entry per open "(": the function it belongs to, or "" for grouping
    pending = ""  # a function or aggregation name waiting for its "("
    label_list = False  # the next "(" opens a label list (by, on, ...)
    in_labels = 0  # depth inside a label list or {matchers}
    tokens = [(m.lastgroup, m.group()) for m in _TOKEN.finditer(expr) if m.lastgroup]
    for index, (kind, text) in enumerate(tokens):
        following = tokens[index + 1][1] if index + 1 < len(tokens) else ""
        if in_labels:
            in_labels += {"(": 1, "{": 1, ")": -1, "}": -1}.get(text, 0) if kind == "punct" else 0
            continue
        if kind == "punct" and text == "{":
            in_labels = 1
        elif kind == "punct" and text == "(":
            if label_list:
                label_list, in_labels = False, 1
            else:
                stack.append(pending)
                pending = ""
        elif kind == "punct" and text == ")":
            if stack:
                stack.pop()
        elif kind == "range":
            ranges.append(RangeUse(text[1:-1].split(":")[0].strip(), stack[-1] if stack else ""))
        elif kind == "ident":
            lowered = text.lower()
            if lowered in LABEL_LISTS:
                label_list = True
            elif lowered in KEYWORDS:
                continue
            elif following == "(" or lowered in AGGREGATIONS:
                pending = lowered
            else:
                metrics.append(MetricUse(text, stack[-1] if stack else ""))
    return Uses(tuple(metrics), tuple(ranges))
