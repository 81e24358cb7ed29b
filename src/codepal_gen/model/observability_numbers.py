"""Numbers written into PromQL and annotation text, formatted once and without float noise.

Config values arrive as floats (``0.05``); they are converted through their
shortest repr to :class:`~decimal.Decimal`, so ``14.4 * (1 - 0.999)`` is
``0.0144`` and never ``0.014400000000000013``.

The ``value_*`` helpers replay the Prometheus template functions used in alert
descriptions (Go's ``%.4g`` for ``humanizePercentage``, ``printf``), so a unit
test can state the exact annotation an alert must carry.
"""

from __future__ import annotations

from decimal import Decimal


def dec(value: float | int | str | Decimal) -> Decimal:
    """The exact decimal a config number was written as."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


def num(value: float | int | str | Decimal) -> str:
    """A number as PromQL and people write it: ``0.05``, ``14.4``, ``100`` (no exponent, no trailing zeros)."""
    text = format(dec(value).normalize(), "f")
    return "0" if text in {"-0", ""} else text


def human_percentage(value: Decimal) -> str:
    """What Prometheus' ``humanizePercentage`` prints (``%.4g`` of value * 100)."""
    return f"{float(value) * 100:.4g}%"


def fixed(value: Decimal, places: int) -> str:
    """What Prometheus' ``printf "%.Nf"`` prints."""
    return f"{float(value):.{places}f}"


#: Prometheus alert template expressions, by the field name used in description formats.
VALUE_TEMPLATES = {
    "value_pct": "{{ $value | humanizePercentage }}",
    "value_2f": '{{ printf "%.2f" $value }}',
    "value_1f": '{{ printf "%.1f" $value }}',
    "value_0f": '{{ printf "%.0f" $value }}',
}


def expected_values(value: Decimal) -> dict[str, str]:
    """The text each ``value_*`` field expands to for ``$value == value``."""
    return {
        "value_pct": human_percentage(value),
        "value_2f": fixed(value, 2),
        "value_1f": fixed(value, 1),
        "value_0f": fixed(value, 0),
    }
