"""The IAM roles Kubernetes service accounts assume (IRSA): one list for both families.

Terraform creates each role with a trust policy for exactly its service account;
Kubernetes annotates that service account (or points cert-manager at the role)
with the same ARN. Keeping the list here is what makes the two outputs agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..config import Environment

#: Role suffix -> (namespace, service account); None means the application namespace.
ROLES: Mapping[str, tuple[str | None, str]] = {
    "cert-manager": ("cert-manager", "cert-manager"),
    "cluster-autoscaler": ("kube-system", "cluster-autoscaler"),
    "external-secrets": (None, "external-secrets-reader"),
    "postgres-backup": (None, "postgres-backup"),
}


def roles(env: Environment) -> dict[str, dict[str, Any]]:
    """Every IRSA role of ``env``: its name, ARN, namespace and service account."""
    config = env.config
    prefix = f"{config['project']['name']}-{env.name}"
    app_namespace = config["kubernetes"]["namespace"]
    result = {}
    for suffix, (namespace, account) in sorted(ROLES.items()):
        name = f"{prefix}-{suffix}"
        result[suffix] = {
            "name": name,
            "arn": f"arn:aws:iam::{config['aws']['account_id']}:role/{name}",
            "namespace": namespace or app_namespace,
            "service_account": account,
        }
    return result
