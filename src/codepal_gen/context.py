"""The template context of one environment: its config plus values derived in Python.

Derivations (scaled sizes, content hashes, dependency graphs...) live in the
``model`` package, one module per output family, never in templates. Each
builder returns context entries; ``fanout`` entries from all builders are merged.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from .config import Environment
from .model import builders


def build_context(env: Environment) -> Mapping[str, Any]:
    context: dict[str, Any] = {"env": env.name, "config": env.config}
    fanout: dict[str, Mapping[str, Any]] = {}
    for builder in builders():
        part = dict(builder(env))
        for name, items in part.pop("fanout", {}).items():
            if name in fanout:
                raise ValueError(f"fan-out {name!r} defined twice")
            fanout[name] = items
        clash = set(part) & set(context)
        if clash:
            raise ValueError(f"context keys defined twice: {sorted(clash)}")
        context.update(part)
    context["fanout"] = MappingProxyType(fanout)
    return MappingProxyType(context)
