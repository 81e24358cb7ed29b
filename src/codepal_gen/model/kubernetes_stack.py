"""The collector every Kubernetes model module adds to: objects per kind, keyed
``<namespace>/<kind>-<name>``, and the registry of who calls whom that the
NetworkPolicies are derived from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import UserError
from . import kubernetes_pods as pods
from .kubernetes_network import Edge, Peer


@dataclass
class Stack:
    """Objects collected per kind (keys ``<namespace>/<kind>-<name>``) and the call graph."""

    env: str
    services: dict[str, Any] = field(default_factory=dict)
    accounts: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, Any] = field(default_factory=dict)
    budgets: dict[str, Any] = field(default_factory=dict)
    roles: dict[str, Any] = field(default_factory=dict)
    cluster_roles: dict[str, Any] = field(default_factory=dict)
    certificates: dict[str, Any] = field(default_factory=dict)
    issuers: dict[str, Any] = field(default_factory=dict)
    ingresses: dict[str, Any] = field(default_factory=dict)
    peers: dict[str, Peer] = field(default_factory=dict)
    peer_labels: dict[str, Any] = field(default_factory=dict)
    external: dict[str, Peer] = field(default_factory=dict)
    links: list[tuple[str, str, tuple[int, ...], tuple[str, ...]]] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    datasources: dict[str, Any] = field(default_factory=dict)
    providers: dict[str, Any] = field(default_factory=dict)

    def peer(self, name: str, namespace: str, match: Mapping[str, str], labels: Mapping[str, str]) -> None:
        self.peers[name] = Peer(name, namespace, dict(match))
        self.peer_labels[name] = dict(labels)

    def call(self, source: str, target: str, ports: Sequence[int], protocols: Sequence[str] = ("TCP",)) -> None:
        self.links.append((source, target, tuple(ports), tuple(protocols)))

    def scrape(self, target: str, ports: Sequence[int]) -> None:
        self.call("prometheus", target, ports)

    def call_internet(self, source: str) -> None:
        self.call(source, "internet", (443,))

    def call_api(self, source: str) -> None:
        self.call(source, "api-server", (443,))

    def edges(self) -> list[Edge]:
        known = {**self.external, **self.peers}
        return [Edge(known[s], known[t], p, protocols) for s, t, p, protocols in self.links]

    def secret(
        self, name: str, namespace: str, labels: Mapping[str, str], remote: str, keys: Mapping[str, str]
    ) -> None:
        """An ExternalSecret producing Secret ``name`` from Secrets Manager entry ``remote``."""
        self.secrets[f"{namespace}/externalsecret-{name}"] = {
            "name": name,
            "namespace": namespace,
            "labels": dict(labels),
            "data": [{"secretKey": k, "remoteRef": {"key": remote, "property": p}} for k, p in keys.items()],
            "template": None,
        }

    def account(self, name: str, namespace: str, labels: Mapping[str, str], automount: bool, role: str = "") -> None:
        annotations = {"eks.amazonaws.com/role-arn": role} if role else {}
        self.accounts[f"{namespace}/serviceaccount-{name}"] = {
            "name": name,
            "namespace": namespace,
            "labels": dict(labels),
            "automount": automount,
            "annotations": annotations,
        }

    def role(
        self,
        name: str,
        namespace: str,
        labels: Mapping[str, str],
        rules: Sequence[Mapping[str, Any]],
        account_namespace: str,
    ) -> None:
        """A Role ``name`` in ``namespace`` and a RoleBinding of the same name granting it to
        the ServiceAccount ``name`` of ``account_namespace`` (the workload's own)."""
        key = f"{namespace}/{name}"
        if key in self.roles:
            raise UserError(f"two Roles named {name!r} in namespace {namespace}: rename the service")
        self.roles[key] = {
            "name": name,
            "namespace": namespace,
            "labels": dict(labels),
            "rules": [dict(rule) for rule in rules],
            "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": account_namespace}],
        }

    def service(
        self, name: str, namespace: str, labels: Mapping[str, str], ports: Mapping[str, int], headless: bool = False
    ) -> None:
        self.services[f"{namespace}/service-{name}"] = {
            "name": name,
            "namespace": namespace,
            "labels": dict(labels),
            "selector": pods.selector(name, self.env),
            "headless": headless,
            "publish_not_ready": False,
            "ports": [{"name": n, "port": p, "targetPort": n, "protocol": "TCP"} for n, p in ports.items()],
        }

    def peer_service(
        self, name: str, namespace: str, workload: str, ports: Sequence[Mapping[str, Any]], labels: Mapping[str, str]
    ) -> None:
        """A headless Service giving ``workload``'s pods DNS names, published before they are ready
        so that replicas can find each other while they start."""
        self.services[f"{namespace}/service-{name}"] = {
            "name": name,
            "namespace": namespace,
            "labels": dict(labels),
            "selector": pods.selector(workload, self.env),
            "headless": True,
            "publish_not_ready": True,
            "ports": [dict(port) for port in ports],
        }


def workload(stack: Stack, name: str, namespace: str, component: str) -> dict[str, Any]:
    labels = pods.labels(name, stack.env, component)
    match = pods.selector(name, stack.env)
    stack.peer(name, namespace, match, labels)
    return {"name": name, "labels": labels, "selector": match, "spread": pods.spread(match)}
