"""Kubernetes quantities (``250m``, ``1Gi``) parsed, scaled and written back exactly."""

from __future__ import annotations

import re
from fractions import Fraction

_SUFFIX = {
    "m": Fraction(1, 1000),
    "": Fraction(1),
    "k": Fraction(10**3),
    "M": Fraction(10**6),
    "G": Fraction(10**9),
    "T": Fraction(10**12),
    "P": Fraction(10**15),
    "E": Fraction(10**18),
    "Ki": Fraction(2**10),
    "Mi": Fraction(2**20),
    "Gi": Fraction(2**30),
    "Ti": Fraction(2**40),
    "Pi": Fraction(2**50),
    "Ei": Fraction(2**60),
}
_QUANTITY = re.compile(r"^([0-9]+(?:\.[0-9]+)?)([a-zA-Z]*)$")


def parse(text: str) -> Fraction:
    """The exact value of a quantity."""
    match = _QUANTITY.match(str(text))
    if not match or match.group(2) not in _SUFFIX:
        raise ValueError(f"not a Kubernetes quantity: {text!r}")
    return Fraction(match.group(1)) * _SUFFIX[match.group(2)]


def format_cpu(value: Fraction) -> str:
    """CPU in millicores (``250m``) or whole cores (``2``), rounded up to a millicore."""
    milli = -(-value * 1000 // 1)
    return f"{milli // 1000}" if milli % 1000 == 0 else f"{milli}m"


def format_memory(value: Fraction) -> str:
    """Memory in the largest binary unit that keeps it whole, rounded up to a Mi."""
    mebi = -(-value // 2**20)
    return f"{mebi // 1024}Gi" if mebi % 1024 == 0 else f"{mebi}Mi"


def scale_cpu(text: str, factor: float) -> str:
    return format_cpu(parse(text) * Fraction(str(factor)))


def scale_memory(text: str, factor: float) -> str:
    return format_memory(parse(text) * Fraction(str(factor)))


def scale_count(count: int, factor: float, minimum: int = 1) -> int:
    """A replica or node count at ``factor`` of its size, rounded up, never below ``minimum``."""
    scaled = Fraction(count) * Fraction(str(factor))
    return max(minimum, -(-scaled.numerator // scaled.denominator))
