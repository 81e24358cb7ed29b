"""Values of the operational scripts: namespace, workloads and images, health URLs, backup location, DNS names.

The deploy script follows ``kubernetes.blue_green``: ``production-deployment.sh``
(deploy the idle slot, switch the Services) where it is enabled,
``rolling-deployment.sh`` where it is not; fan-outs ``sh_blue_green`` and
``sh_rolling`` hold the one that applies. The Deployment names and the slot label
come from :mod:`.rollout`, as the Kubernetes output's do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config import Environment, freeze
from . import rollout as rollouts


def build(env: Environment) -> Mapping[str, Any]:
    config = env.config
    scripts = config["scripts"]
    hosts = config["hosts"]
    domain = config["domain"]
    plan = rollouts.rollout(config)
    services = sorted(config["services"])
    values = {
        "env": env.name,
        "namespace": config["kubernetes"]["namespace"],
        "services": services,
        "blue_green": plan.blue_green,
        # "<service>/<slot>" (blue-green) or "<service>" -> Deployment name
        "deployments": {
            f"{service}/{slot}" if slot else service: name
            for service in services
            for slot, name in plan.deployments(service).items()
        },
        "slot_label": rollouts.SLOT_LABEL,
        "slot_jsonpath": "{.spec.selector." + rollouts.SLOT_LABEL.replace(".", "\\.") + "}",
        "other_slot": dict(zip(plan.slots, reversed(plan.slots), strict=True)) if plan.blue_green else {},
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
    frozen = freeze(values)
    script = {plan.script: frozen}
    return {
        "sh": frozen,
        "fanout": {
            "sh_blue_green": freeze(script if plan.blue_green else {}),
            "sh_rolling": freeze({} if plan.blue_green else script),
        },
    }
