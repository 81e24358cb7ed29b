"""GitHub Actions values derived from config: pinned ``uses:`` references, the build matrix, deploy targets.

Each environment renders one workflow, ``github/workflows/<github.workflow>.yml``:
the checks, the image build and that environment's deployment. The files of all
environments have distinct names and go together into ``.github/workflows``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config import Environment, freeze
from . import rollout as rollouts


def build(env: Environment) -> Mapping[str, Any]:
    config = env.config
    github = config["github"]
    deploy = github["deploy"]
    actions = github["actions"]
    hosts = config["hosts"]
    plan = rollouts.rollout(config)
    workflow = {
        "name": f"{config['project']['name']} {env.name}",
        "uses": {name: f"{name}@{pin['sha']}" for name, pin in actions.items()},
        "version": {name: pin["version"] for name, pin in actions.items()},
        "branch": github.get("branch"),
        "runner": github["runner"],
        "node_version": github["node_version"],
        "snyk": f"snyk@{github['snyk_version']}",
        "browsers": list(github["browsers"]),
        "postgres_image": github["postgres_image"],
        "images": [
            {
                "service": name,
                "image": service["image"]["repository"],
                "dockerfile": f"{github['dockerfile_dir']}/{name}/Dockerfile",
            }
            for name, service in sorted(config["services"].items())
        ],
        "environment": github["environment"],
        "deploy_job": f"deploy-{github['environment']}",
        "concurrency_group": f"deploy-{github['environment']}",
        "url": f"https://{hosts['app']}",
        "role_arn": f"arn:aws:iam::{config['aws']['account_id']}:role/{deploy['role_name']}",
        "region": config["aws"]["region"],
        "cluster": deploy["cluster"],
        "namespace": config["kubernetes"]["namespace"],
        # kubernetes.blue_green decides, so the job runs the script matching the rendered Deployments
        "deploy_step": (
            "Blue-green deployment (switches back by itself when health checks fail)"
            if plan.blue_green
            else "Rolling deployment"
        ),
        "deploy_run": f'bash "$SCRIPTS/{plan.script}.sh" "$IMAGE_TAG"',
        "database_backup": deploy["database_backup"],
        "performance_check": deploy["performance_check"],
        "scripts": f"out/{env.name}/scripts",
        "health_urls": [f"https://{hosts['app']}/api/health", f"https://{hosts['api']}/api/health"],
    }
    frozen = freeze(workflow)
    return {"gh": frozen, "fanout": {"gh_workflow": freeze({github["workflow"]: frozen})}}
