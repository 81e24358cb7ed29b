"""Recording rules and the shapes alert definitions share (see ``observability_alerts``).

Recording rules follow the ``level:metric:operations`` convention. The SLO
ratios are recorded for every window the SRE workbook's multi-window,
multi-burn-rate alerts read (https://sre.google/workbook/alerting-on-slos/).
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from .observability_numbers import VALUE_TEMPLATES, expected_values, num

#: Windows the SLO ratios are recorded over.
SLO_WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")
#: (burn rate, long window, short window): page on the first two, ticket on the last two.
FAST_BURN = ((Decimal("14.4"), "1h", "5m"), (Decimal(6), "6h", "30m"))
SLOW_BURN = ((Decimal(3), "1d", "2h"), (Decimal(1), "3d", "6h"))
PERCENTILES = (("p50", "0.5"), ("p95", "0.95"), ("p99", "0.99"))

ERRORS_RATIO = "namespace_job:http_requests_errors:ratio_rate"
SLOW_RATIO = "namespace_job:http_requests_slow:ratio_rate"
REQUEST_RATE = "namespace_job:http_requests:rate5m"


@dataclass(frozen=True)
class Record:
    record: str
    expr: str


@dataclass(frozen=True)
class Series:
    """One promtool input series: ``series`` in PromQL selector syntax, ``values`` in expanding notation."""

    series: str
    values: str


@dataclass(frozen=True)
class Scenario:
    """Input series and the time (since the series start) the alert is looked at."""

    series: tuple[Series, ...]
    eval_time: str


@dataclass(frozen=True)
class Step:
    """A runbook step: what to do, and optionally the command that does it."""

    text: str
    command: str = ""


@dataclass(frozen=True)
class AlertSpec:
    """One alert, its runbook, and the unit test scenarios that make it fire and keep it silent.

    ``description`` is a ``str.format`` pattern: a field names a label of the
    alert (``{job}``) or a ``value_*`` rendering of ``$value`` (see
    :data:`~.observability_numbers.VALUE_TEMPLATES`), so the Prometheus template
    and the text the unit test expects come from the same words.
    """

    name: str
    group: str
    severity: str
    expr: str
    for_duration: str
    summary: str
    description: str
    meaning: str
    steps: tuple[Step, ...]
    fire: Scenario
    fire_labels: Mapping[str, str]
    fire_value: Decimal | None
    silent: Scenario | None
    exempt_silent_reason: str = ""
    extra: Mapping[str, str] = field(default_factory=dict)

    def fields(self) -> list[str]:
        return [name for _, name, _, _ in string.Formatter().parse(self.description) if name]

    def prometheus_description(self) -> str:
        values = {name: VALUE_TEMPLATES.get(name, "{{ $labels." + name + " }}") for name in self.fields()}
        return self.description.format(**values)

    def expected_description(self) -> str:
        values: dict[str, str] = dict(self.fire_labels)
        if self.fire_value is not None:
            values.update(expected_values(self.fire_value))
        return self.description.format(**values)


def sel(metric: str, **labels: str) -> str:
    """``metric{a="1",b="2"}`` with labels in name order (keyword ``le_`` style names lose the ``_``)."""
    inner = ",".join(f'{key.rstrip("_")}="{value}"' for key, value in sorted(labels.items()))
    return f"{metric}{{{inner}}}"


def counter(per_minute: Decimal, steps: int) -> str:
    return f"0+{num(per_minute)}x{steps}"


def gauge(value: Decimal | int, steps: int) -> str:
    return f"{num(value)}x{steps}"


def recording_rules(namespace: str, latency_le: str) -> list[Record]:
    """Request rates, SLO ratios per window and latency percentiles, by namespace and job."""
    app = f'namespace="{namespace}"'
    by = "sum by (namespace, job)"
    records = [Record(REQUEST_RATE, f"{by} (rate(http_requests_total{{{app}}}[5m]))")]
    for window in SLO_WINDOWS:
        total = f"{by} (rate(http_requests_total{{{app}}}[{window}]))"
        errors = f'{by} (rate(http_requests_total{{{app}, status=~"5.."}}[{window}]))'
        fast = f'{by} (rate(http_request_duration_seconds_bucket{{{app}, le="{latency_le}"}}[{window}]))'
        count = f"{by} (rate(http_request_duration_seconds_count{{{app}}}[{window}]))"
        records.append(Record(ERRORS_RATIO + window, f"{errors} / {total}"))
        records.append(Record(SLOW_RATIO + window, f"1 - ({fast} / {count})"))
    for name, quantile in PERCENTILES:
        buckets = f"sum by (namespace, job, le) (rate(http_request_duration_seconds_bucket{{{app}}}[5m]))"
        records.append(
            Record(
                f"namespace_job:http_request_duration_seconds:{name}_rate5m",
                f"histogram_quantile({quantile}, {buckets})",
            )
        )
    return records


def burn_expr(ratio: str, budget: Decimal, pairs: tuple[tuple[Decimal, str, str], ...]) -> str:
    """``(long > f*b and short > f*b) or ...`` for each (factor, long, short) pair."""
    parts = []
    for factor, long, short in pairs:
        limit = num(factor * budget)
        parts.append(f"({ratio}{long} > {limit} and {ratio}{short} > {limit})")
    return " or ".join(parts)
