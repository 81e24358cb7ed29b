"""Values of the operational scripts: namespace, workloads and images, health URLs, backup location, DNS names.

Blue-green deployments (scripts/production-deployment.sh) assume each service
runs as two Deployments, ``<service>-blue`` and ``<service>-green``, and that its
Service selects one of them through the ``codepal.com/slot`` label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config import Environment, freeze


def build(env: Environment) -> Mapping[str, Any]:
    config = env.config
    scripts = config["scripts"]
    hosts = config["hosts"]
    domain = config["domain"]
    values = {
        "env": env.name,
        "namespace": config["kubernetes"]["namespace"],
        "services": sorted(config["services"]),
        "images": {name: s["image"]["repository"] for name, s in sorted(config["services"].items())},
        "app": "codepal-app",
        "health_urls": [f"https://{hosts[k]}{scripts['health_path']}" for k in ("app", "api")],
        "rollout_timeout": scripts["rollout_timeout"],
        "postgres": scripts["postgres_workload"],
        "database": scripts["database"],
        "database_user": scripts["database_user"],
        "backup_url": "s3://"
        + config["terraform"]["backups"]["bucket"]
        + "/"
        + config["kubernetes"]["postgres"]["backup"]["prefix"],
        "region": config["aws"]["region"],
        "zone": domain + ".",
        "lb_names": [f"{domain}.", f"{hosts['app']}.", f"{hosts['api']}."],
        "ttl": config["dns"]["ttl"],
    }
    return {"sh": freeze(values)}
