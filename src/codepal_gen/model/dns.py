"""DNS values derived from config: the zone file(s) of the environment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config import Environment, freeze


def build(env: Environment) -> Mapping[str, Any]:
    domain = env.config["domain"]
    return {"fanout": {"zone": freeze({domain: {"origin": domain + "."}})}}
