"""Values every family shares: tags, hosts, and the compute scale of the environment."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config import Environment, freeze


def build(env: Environment) -> Mapping[str, Any]:
    config = env.config
    project = config["project"]
    tags = {
        "Project": project["name"],
        "Environment": env.name,
        "Owner": project["owner"],
        "CostCenter": project["cost_center"],
        "ManagedBy": "codepal-gen",
    }
    return {"tags": freeze(tags)}
