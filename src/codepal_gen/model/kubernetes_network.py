"""NetworkPolicies derived from who calls whom.

Every namespace denies all ingress and egress by default and allows DNS; each
workload then gets one policy admitting exactly its callers and letting it reach
exactly its callees. The edges come from config (``services.*.depends_on``, the
Ingress routes) plus the monitoring stack's fixed wiring (Prometheus scrapes,
Grafana reads Prometheus, Prometheus alerts Alertmanager, Alertmanager replicas
gossip with each other over TCP and UDP).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

DNS_PEER = {
    "namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "kube-system"}},
    "podSelector": {"matchLabels": {"k8s-app": "kube-dns"}},
}


@dataclass(frozen=True)
class Peer:
    """One end of an edge: a workload (namespace + pod labels) or an address block."""

    name: str
    namespace: str = ""
    match: Mapping[str, str] = field(default_factory=dict)
    cidrs: Sequence[str] = ()
    excepts: Sequence[str] = ()

    def selector(self) -> list[dict[str, Any]]:
        if self.cidrs:
            block: dict[str, Any] = {}
            return [
                {"ipBlock": {**block, "cidr": c, **({"except": list(self.excepts)} if self.excepts else {})}}
                for c in self.cidrs
            ]
        peer: dict[str, Any] = {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": self.namespace}}}
        if self.match:
            peer["podSelector"] = {"matchLabels": dict(self.match)}
        return [peer]


@dataclass(frozen=True)
class Edge:
    source: Peer
    target: Peer
    ports: tuple[int, ...]
    protocols: tuple[str, ...] = ("TCP",)


def _ports(numbers: Iterable[int], protocols: Sequence[str]) -> list[dict[str, Any]]:
    return [{"protocol": p, "port": n} for n in sorted(set(numbers)) for p in protocols]


def policies(
    workloads: Mapping[str, Peer], edges: Sequence[Edge], labels: Mapping[str, Mapping[str, str]]
) -> dict[str, Any]:
    """One NetworkPolicy spec per workload: key ``<namespace>/networkpolicy-<name>``."""
    result: dict[str, Any] = {}
    for name, peer in workloads.items():
        ingress = [
            {"from": e.source.selector(), "ports": _ports(e.ports, e.protocols)}
            for e in edges
            if e.target.name == name and e.ports
        ]
        egress = [
            {"to": e.target.selector(), "ports": _ports(e.ports, e.protocols)} for e in edges if e.source.name == name
        ]
        result[f"{peer.namespace}/networkpolicy-{name}"] = {
            "name": name,
            "namespace": peer.namespace,
            "labels": dict(labels[name]),
            "pod_selector": {"matchLabels": dict(peer.match)},
            "types": ["Ingress", "Egress"],
            "ingress": ingress,
            "egress": egress,
        }
    return result


def namespace_defaults(namespace: str, labels: Mapping[str, str]) -> dict[str, Any]:
    """Default deny (every pod, both directions) and DNS egress for a namespace."""
    return {
        f"{namespace}/networkpolicy-default-deny": {
            "name": "default-deny",
            "namespace": namespace,
            "labels": dict(labels),
            "pod_selector": {},
            "types": ["Ingress", "Egress"],
            "ingress": [],
            "egress": [],
        },
        f"{namespace}/networkpolicy-allow-dns": {
            "name": "allow-dns",
            "namespace": namespace,
            "labels": dict(labels),
            "pod_selector": {},
            "types": ["Egress"],
            "ingress": [],
            "egress": [
                {
                    "to": [DNS_PEER],
                    "ports": [{"protocol": "UDP", "port": 53}, {"protocol": "TCP", "port": 53}],
                }
            ],
        },
    }
