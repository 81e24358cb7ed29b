"""Pod-level building blocks shared by every Kubernetes workload: labels, sizes,
security contexts (Pod Security Standards ``restricted``), probes, spreading.

Helpers only (no ``build``): :mod:`.kubernetes` assembles them per workload.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from .quantity import scale_count, scale_cpu, scale_memory

PART_OF = "codepal"
MANAGED_BY = "codepal-gen"


def selector(name: str, env: str) -> dict[str, str]:
    """The immutable labels a workload's selector matches (name and instance)."""
    return {"app.kubernetes.io/name": name, "app.kubernetes.io/instance": f"{name}-{env}"}


def labels(name: str, env: str, component: str) -> dict[str, str]:
    """The recommended ``app.kubernetes.io/*`` labels of every object of a workload."""
    return {
        **selector(name, env),
        "app.kubernetes.io/component": component,
        "app.kubernetes.io/part-of": PART_OF,
        "app.kubernetes.io/managed-by": MANAGED_BY,
        "app.kubernetes.io/environment": env,
    }


def image(ref: Mapping[str, str]) -> str:
    return f"{ref['repository']}@{ref['digest']}"


def resources(table: Mapping[str, Mapping[str, str]], scale: float) -> dict[str, dict[str, str]]:
    """Requests and limits at ``scale`` of the configured sizes (staging: 50 % of prod)."""
    return {
        part: {"cpu": scale_cpu(table[part]["cpu"], scale), "memory": scale_memory(table[part]["memory"], scale)}
        for part in ("requests", "limits")
    }


def replicas(count: int, scale: float) -> int:
    return scale_count(count, scale)


def pod_security(uid: int, gid: int) -> dict[str, Any]:
    """Pod-level securityContext meeting the ``restricted`` Pod Security Standard."""
    return {
        "runAsNonRoot": True,
        "runAsUser": uid,
        "runAsGroup": gid,
        "fsGroup": gid,
        "fsGroupChangePolicy": "OnRootMismatch",
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def container_security(uid: int, gid: int) -> dict[str, Any]:
    """Container-level securityContext meeting ``restricted`` (repeated per container, as checkov wants)."""
    return {
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "runAsUser": uid,
        "runAsGroup": gid,
        "capabilities": {"drop": ["ALL"]},
        "seccompProfile": {"type": "RuntimeDefault"},
    }


def spread(match: Mapping[str, str]) -> list[dict[str, Any]]:
    """Spread replicas across zones (hard) and nodes (soft)."""
    return [
        {
            "maxSkew": 1,
            "topologyKey": key,
            "whenUnsatisfiable": when,
            "labelSelector": {"matchLabels": dict(match)},
        }
        for key, when in (
            ("topology.kubernetes.io/zone", "DoNotSchedule"),
            ("kubernetes.io/hostname", "ScheduleAnyway"),
        )
    ]


def http_probe(path: str, port: str, period: int, failures: int, timeout: int = 3) -> dict[str, Any]:
    return {
        "httpGet": {"path": path, "port": port, "scheme": "HTTP"},
        "periodSeconds": period,
        "timeoutSeconds": timeout,
        "failureThreshold": failures,
    }


def tcp_probe(port: str, period: int, failures: int) -> dict[str, Any]:
    return {"tcpSocket": {"port": port}, "periodSeconds": period, "timeoutSeconds": 3, "failureThreshold": failures}


def exec_probe(command: Sequence[str], period: int, failures: int, timeout: int = 5) -> dict[str, Any]:
    return {
        "exec": {"command": list(command)},
        "periodSeconds": period,
        "timeoutSeconds": timeout,
        "failureThreshold": failures,
    }


def startup(probe: Mapping[str, Any], seconds: int) -> dict[str, Any]:
    """A startup probe allowing ``seconds`` to start, checking like ``probe`` every 5 s."""
    return {**probe, "periodSeconds": 5, "failureThreshold": max(1, math.ceil(seconds / 5))}


def budget(min_replicas: int) -> dict[str, Any]:
    """A PodDisruptionBudget the HPA minimum can always satisfy: one pod may go at a time,
    and with two or more replicas the rest must stay up."""
    return {"minAvailable": min_replicas - 1} if min_replicas >= 2 else {"maxUnavailable": 1}


def writable(paths: Sequence[str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(volumes, mounts): one emptyDir per writable path (the root filesystem is read-only)."""
    volumes, mounts = [], []
    for index, path in enumerate(paths):
        name = f"scratch-{index}"
        volumes.append({"name": name, "emptyDir": {"sizeLimit": "1Gi"}})
        mounts.append({"name": name, "mountPath": path})
    return volumes, mounts


API_TOKEN_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


def api_token() -> tuple[dict[str, Any], dict[str, Any]]:
    """(volume, mount) of the pod's ServiceAccount token for a workload that calls the Kubernetes API.

    Projected explicitly, with ``automountServiceAccountToken`` left false, so the token is
    where config asks for it and nowhere else (checkov CKV_K8S_38): the files the automount
    would write (token, ca.crt, namespace) at the path client libraries read, the token bound
    to the pod and valid for an hour (the kubelet renews it).
    """
    sources = [
        {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}},
        {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}},
        {
            "downwardAPI": {
                "items": [{"path": "namespace", "fieldRef": {"apiVersion": "v1", "fieldPath": "metadata.namespace"}}]
            }
        },
    ]
    volume = {"name": "kube-api-access", "projected": {"defaultMode": 0o440, "sources": sources}}
    return volume, {"name": "kube-api-access", "mountPath": API_TOKEN_DIR, "readOnly": True}
