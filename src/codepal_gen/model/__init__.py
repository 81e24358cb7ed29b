"""Values derived from config in Python, one module per output family.

A builder takes an :class:`~codepal_gen.config.Environment` and returns a
mapping of context entries (and optionally ``fanout``: name -> {key: item}).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ..config import Environment

Builder = Callable[[Environment], Mapping[str, Any]]


def builders() -> tuple[Builder, ...]:
    from . import core, dns, kubernetes

    return (core.build, kubernetes.build, dns.build)
