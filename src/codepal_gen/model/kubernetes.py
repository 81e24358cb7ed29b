"""Kubernetes values derived from config: per-service labels, selectors and images."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config import Environment, freeze


def build(env: Environment) -> Mapping[str, Any]:
    config = env.config
    services = {}
    for name, service in config.get("services", {}).items():
        selector = {"app.kubernetes.io/name": name, "app.kubernetes.io/instance": f"{name}-{env.name}"}
        labels = {**selector, "app.kubernetes.io/part-of": config["project"]["name"]}
        services[name] = {
            "name": name,
            "labels": labels,
            "selector": selector,
            "image": f"{service['image']['repository']}@{service['image']['digest']}",
            "port": service["port"],
        }
    return {"fanout": {"service": freeze(services)}}
