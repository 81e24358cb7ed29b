"""Alertmanager's replicas, listed once for both outputs that name them: the StatefulSet's
gossip peers (Kubernetes) and the alerting targets of prometheus.yml (observability).

Replicas form a cluster through gossip on port 9094 (TCP and UDP) and deduplicate
notifications among themselves, so Prometheus must send every alert to every
replica, never through a load-balanced Service: an alert that reaches one replica
only is lost when that one goes down.
https://prometheus.io/docs/alerting/latest/alertmanager/#high-availability

Each replica is addressed by its stable pod DNS name,
``<pod>.<headless service>.<namespace>.svc``, which exists because the headless
Service governs the StatefulSet (``spec.serviceName``).

Helpers only (no ``build``): :mod:`.kubernetes_monitoring` and :mod:`.observability` read them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .kubernetes_pods import replicas

NAME = "alertmanager"
HEADLESS = "alertmanager-headless"
WEB_PORT = 9093
CLUSTER_PORT = 9094


@dataclass(frozen=True)
class Cluster:
    """The Alertmanager StatefulSet's replicas in one environment."""

    namespace: str
    replicas: int

    @property
    def clustered(self) -> bool:
        """One replica gossips with nobody: clustering is off, and so is its PodDisruptionBudget."""
        return self.replicas > 1

    def address(self, ordinal: int, port: int) -> str:
        return f"{NAME}-{ordinal}.{HEADLESS}.{self.namespace}.svc:{port}"

    def peers(self) -> list[str]:
        """``host:port`` of every replica's gossip listener (itself included, as Alertmanager expects)."""
        return [self.address(i, CLUSTER_PORT) for i in range(self.replicas)] if self.clustered else []

    def targets(self) -> list[str]:
        """``host:port`` of every replica's API: where Prometheus sends each alert."""
        return [self.address(i, WEB_PORT) for i in range(self.replicas)]

    def args(self) -> list[str]:
        """The container's arguments; an empty ``--cluster.listen-address`` turns clustering off."""
        listen = f"0.0.0.0:{CLUSTER_PORT}" if self.clustered else ""
        return [
            "--config.file=/etc/alertmanager/alertmanager.yml",
            "--storage.path=/alertmanager",
            f"--web.listen-address=:{WEB_PORT}",
            f"--cluster.listen-address={listen}",
            *(f"--cluster.peer={peer}" for peer in self.peers()),
        ]


def cluster(config: Mapping[str, Any]) -> Cluster:
    """The environment's Alertmanager replicas (configured count at ``scale``, like Prometheus's)."""
    k8s = config["kubernetes"]
    count = replicas(k8s["monitoring"]["alertmanager"]["replicas"], float(config["scale"]))
    return Cluster(k8s["monitoring_namespace"], count)
