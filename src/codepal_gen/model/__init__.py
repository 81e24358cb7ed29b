"""Values derived from config in Python, one module per output family.

Every module here that defines ``build(env) -> Mapping`` is a builder: it takes
an :class:`~codepal_gen.config.Environment` and returns context entries (and
optionally ``fanout``: name -> {key: item}). Builders are found by module name,
in name order, so a family adds a module and touches nothing else.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from typing import Any

from ..config import Environment

Builder = Callable[[Environment], Mapping[str, Any]]


def builders() -> tuple[Builder, ...]:
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        build = getattr(module, "build", None)
        if callable(build):
            found.append(build)
    return tuple(found)
