"""Reference integrity within each environment's Kubernetes output.

* no Secret is rendered (values come from ExternalSecrets);
* every file holds one object, named ``kubernetes/<namespace|cluster>/<kind>-<name>.yaml``;
* every namespaced object lives in a rendered Namespace (or the ingress controller's);
* every Service selects a pod template, and its target ports are container ports there;
* every HPA and PDB targets an existing workload, and the PDB leaves the HPA minimum room;
* every ServiceAccount, ConfigMap (and key) and Secret a pod uses exists (or, for
  ``kube-root-ca.crt``, is published by the cluster), or is produced by an
  ExternalSecret or a Certificate;
* every probe's port is a port of its container, liveness differs from readiness, and no mount is nested in a
  (read-only) configMap, secret or projected volume;
* every NetworkPolicy selects some pod; RoleBindings bind existing Roles and
  ServiceAccounts, never cluster-admin; Ingress backends, Certificate issuers and
  ExternalSecret stores exist.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from . import Bundle, Finding
from .kubernetes_objects import K8sObject, Path, containers, dotted, get, objects, pod_spec

NAME = "kubernetes-refs"
CLUSTER_SCOPED = frozenset({"Namespace", "ClusterIssuer", "ClusterSecretStore", "ClusterRole", "ClusterRoleBinding"})
PROBES = ("startupProbe", "readinessProbe", "livenessProbe")
#: ConfigMaps the cluster publishes in every namespace (kube-controller-manager's
#: root-ca-cert-publisher), by name, with their keys.
CLUSTER_CONFIG_MAPS: Mapping[str, frozenset[str]] = {"kube-root-ca.crt": frozenset({"ca.crt"})}


@dataclass
class Index:
    """The objects of one environment, by kind and namespace."""

    objects: list[K8sObject]
    by_key: dict[tuple[str, str, str], K8sObject] = field(default_factory=dict)
    secrets: set[tuple[str, str]] = field(default_factory=set)
    secret_keys: dict[tuple[str, str], set[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for obj in self.objects:
            self.by_key[(obj.kind, obj.namespace, obj.name)] = obj
            if obj.kind == "ExternalSecret":
                target = (obj.namespace, str(get(obj.data, ("spec", "target", "name")) or obj.name))
                self.secrets.add(target)
                template = get(obj.data, ("spec", "target", "template", "data"))
                data = get(obj.data, ("spec", "data")) or []
                self.secret_keys[target] = set(template) if template else {str(d.get("secretKey")) for d in data}
            elif obj.kind == "Certificate":
                target = (obj.namespace, str(get(obj.data, ("spec", "secretName"))))
                self.secrets.add(target)
                self.secret_keys[target] = {"tls.crt", "tls.key", "ca.crt"}
            elif obj.kind == "Secret":
                self.secrets.add((obj.namespace, obj.name))

    def has(self, kind: str, namespace: str, name: str) -> bool:
        return (kind, namespace, name) in self.by_key

    def pods(self, namespace: str) -> Iterator[tuple[K8sObject, Path, Mapping[str, Any]]]:
        for obj in self.objects:
            found = pod_spec(obj)
            if found and obj.namespace == namespace:
                labels = get(obj.data, (*found[0][:-1], "metadata", "labels")) or {}
                yield obj, found[0], labels


def _matches(selector: Mapping[str, Any], labels: Mapping[str, Any]) -> bool:
    return all(labels.get(k) == v for k, v in selector.items())


class Checker:
    def __init__(self, index: Index, extra_namespaces: set[str]) -> None:
        self.index = index
        self.namespaces = {o.name for o in index.objects if o.kind == "Namespace"} | extra_namespaces
        self.found: list[Finding] = []

    def fail(self, obj: K8sObject, path: Path, check: str, message: str) -> None:
        where = dotted(path)
        self.found.append(Finding(obj.shown, obj.line(path), NAME, check, f"{where}: {message}" if where else message))

    def run(self) -> list[Finding]:
        for obj in self.index.objects:
            self.naming(obj)
            check = getattr(self, "kind_" + obj.kind, None)
            if check is not None:
                check(obj)
            if pod_spec(obj) is not None:
                self.pod(obj)
        return self.found

    def naming(self, obj: K8sObject) -> None:
        folder = "cluster" if obj.kind in CLUSTER_SCOPED else obj.namespace
        expected = f"kubernetes/{folder}/{obj.kind.lower()}-{obj.name}.yaml"
        if obj.kind == "List" or "items" in obj.data:
            self.fail(obj, ("kind",), "one-object", "a file must hold exactly one object, not a list")
        if obj.path != expected:
            self.fail(obj, ("metadata", "name"), "file-name", f"object {obj.kind} {obj.name!r} belongs in {expected}")
        if obj.kind not in CLUSTER_SCOPED and obj.namespace not in self.namespaces:
            self.fail(obj, ("metadata", "namespace"), "namespace", f"namespace {obj.namespace!r} is not rendered")

    def kind_Service(self, obj: K8sObject) -> None:
        selector = get(obj.data, ("spec", "selector")) or {}
        pods = [(w, p, lab) for w, p, lab in self.index.pods(obj.namespace) if selector and _matches(selector, lab)]
        if not pods:
            self.fail(obj, ("spec", "selector"), "selector", "selects no pod template")
            return
        for index, port in enumerate(get(obj.data, ("spec", "ports")) or []):
            target = port.get("targetPort", port.get("port"))
            for workload, path, _ in pods:
                spec = get(workload.data, path)
                ports = {p.get("name") for _, c in containers(spec) for p in c.get("ports") or []}
                ports |= {p.get("containerPort") for _, c in containers(spec) for p in c.get("ports") or []}
                if target not in ports:
                    message = f"target port {target!r} is not a container port of {workload.kind} {workload.name}"
                    self.fail(obj, ("spec", "ports", index, "targetPort"), "ports", message)

    def kind_Secret(self, obj: K8sObject) -> None:
        self.fail(obj, ("kind",), "plain-secret", "Secrets come from ExternalSecrets; none is written in the output")

    def kind_HorizontalPodAutoscaler(self, obj: K8sObject) -> None:
        ref = get(obj.data, ("spec", "scaleTargetRef")) or {}
        if not self.index.has(str(ref.get("kind")), obj.namespace, str(ref.get("name"))):
            self.fail(obj, ("spec", "scaleTargetRef"), "target", f"no {ref.get('kind')} {ref.get('name')!r}")

    def kind_PodDisruptionBudget(self, obj: K8sObject) -> None:
        selector = get(obj.data, ("spec", "selector", "matchLabels")) or {}
        matched = [w for w, _, labels in self.index.pods(obj.namespace) if _matches(selector, labels)]
        if not matched:
            self.fail(obj, ("spec", "selector"), "selector", "selects no pod template")
            return
        min_available = get(obj.data, ("spec", "minAvailable"))
        for workload in matched:
            hpa = next(
                (
                    h
                    for h in self.index.objects
                    if h.kind == "HorizontalPodAutoscaler"
                    and h.namespace == obj.namespace
                    and get(h.data, ("spec", "scaleTargetRef", "name")) == workload.name
                ),
                None,
            )
            floor = get(hpa.data, ("spec", "minReplicas")) if hpa else get(workload.data, ("spec", "replicas"))
            if isinstance(min_available, int) and isinstance(floor, int) and min_available >= floor:
                message = f"minAvailable {min_available} leaves no disruption at {floor} replicas of {workload.name}"
                self.fail(obj, ("spec", "minAvailable"), "satisfiable", message)

    def kind_NetworkPolicy(self, obj: K8sObject) -> None:
        selector = get(obj.data, ("spec", "podSelector", "matchLabels")) or {}
        if selector and not any(_matches(selector, labels) for _, _, labels in self.index.pods(obj.namespace)):
            self.fail(obj, ("spec", "podSelector"), "selector", "selects no pod template")

    def kind_RoleBinding(self, obj: K8sObject) -> None:
        ref = get(obj.data, ("roleRef",)) or {}
        if ref.get("name") == "cluster-admin":
            self.fail(obj, ("roleRef", "name"), "cluster-admin", "nothing may be bound to cluster-admin")
        elif not self.index.has(
            str(ref.get("kind")), obj.namespace if ref.get("kind") == "Role" else "", str(ref.get("name"))
        ):
            self.fail(obj, ("roleRef",), "role", f"no {ref.get('kind')} {ref.get('name')!r}")
        for index, subject in enumerate(obj.data.get("subjects") or []):
            if subject.get("kind") == "ServiceAccount" and not self.index.has(
                "ServiceAccount", str(subject.get("namespace")), str(subject.get("name"))
            ):
                self.fail(obj, ("subjects", index), "subject", f"no ServiceAccount {subject.get('name')!r}")

    kind_ClusterRoleBinding = kind_RoleBinding

    def kind_Ingress(self, obj: K8sObject) -> None:
        for r, rule in enumerate(get(obj.data, ("spec", "rules")) or []):
            for p, entry in enumerate(get(rule, ("http", "paths")) or []):
                backend = get(entry, ("backend", "service")) or {}
                service = self.index.by_key.get(("Service", obj.namespace, str(backend.get("name"))))
                path = ("spec", "rules", r, "http", "paths", p, "backend", "service")
                if service is None:
                    self.fail(obj, path, "backend", f"no Service {backend.get('name')!r}")
                    continue
                names = {x.get("name") for x in get(service.data, ("spec", "ports")) or []}
                numbers = {x.get("port") for x in get(service.data, ("spec", "ports")) or []}
                port = backend.get("port") or {}
                if port.get("name", port.get("number")) not in names | numbers:
                    self.fail(obj, (*path, "port"), "backend", f"Service {service.name} has no port {port}")
        for t, tls in enumerate(get(obj.data, ("spec", "tls")) or []):
            if (obj.namespace, tls.get("secretName")) not in self.index.secrets:
                self.fail(
                    obj,
                    ("spec", "tls", t, "secretName"),
                    "secret",
                    f"no Certificate produces {tls.get('secretName')!r}",
                )

    def kind_Certificate(self, obj: K8sObject) -> None:
        ref = get(obj.data, ("spec", "issuerRef")) or {}
        namespace = "" if ref.get("kind") == "ClusterIssuer" else obj.namespace
        if not self.index.has(str(ref.get("kind", "Issuer")), namespace, str(ref.get("name"))):
            self.fail(obj, ("spec", "issuerRef"), "issuer", f"no {ref.get('kind')} {ref.get('name')!r}")

    def kind_ExternalSecret(self, obj: K8sObject) -> None:
        ref = get(obj.data, ("spec", "secretStoreRef")) or {}
        namespace = "" if ref.get("kind") == "ClusterSecretStore" else obj.namespace
        if not self.index.has(str(ref.get("kind", "SecretStore")), namespace, str(ref.get("name"))):
            self.fail(obj, ("spec", "secretStoreRef"), "store", f"no {ref.get('kind')} {ref.get('name')!r}")

    def pod(self, obj: K8sObject) -> None:
        path, spec = pod_spec(obj) or ((), {})
        ns = obj.namespace
        account = spec.get("serviceAccountName", "default")
        if not self.index.has("ServiceAccount", ns, str(account)):
            self.fail(obj, (*path, "serviceAccountName"), "service-account", f"no ServiceAccount {account!r}")
        if obj.kind == "StatefulSet" and not self.index.has("Service", ns, str(get(obj.data, ("spec", "serviceName")))):
            self.fail(obj, ("spec", "serviceName"), "service", "no such Service")
        for v, volume in enumerate(spec.get("volumes") or []):
            sources: list[tuple[Path, Any]] = [
                (("configMap",), volume.get("configMap")),
                (("secret",), volume.get("secret")),
            ]
            sources += [
                (("projected", "sources", s, kind), source.get(kind))
                for s, source in enumerate(get(volume, ("projected", "sources")) or [])
                for kind in ("configMap", "secret")
            ]
            for rel, source in sources:
                if source:
                    self.reference(obj, (*path, "volumes", v, *rel), str(rel[-1]), source)
        read_only = {
            v.get("name")
            for v in spec.get("volumes") or []
            if any(k in v for k in ("configMap", "secret", "projected", "downwardAPI"))
        }
        for rel, container in containers(spec):
            self.container(obj, (*path, *rel), container)
            self.nesting(obj, (*path, *rel), container, read_only)

    def nesting(self, obj: K8sObject, at: Path, container: Mapping[str, Any], read_only: set[Any]) -> None:
        """A mount inside a configMap/secret/projected mount fails: those volumes are read-only."""
        mounts = container.get("volumeMounts") or []
        for m, mount in enumerate(mounts):
            for outer in mounts:
                inner_path, outer_path = str(mount.get("mountPath")), str(outer.get("mountPath")).rstrip("/")
                if outer.get("name") in read_only and inner_path.startswith(outer_path + "/"):
                    message = f"{inner_path} is inside the read-only {outer.get('name')} volume at {outer_path}"
                    self.fail(obj, (*at, "volumeMounts", m, "mountPath"), "mount-nesting", message)

    def reference(self, obj: K8sObject, at: Path, kind: str, source: Mapping[str, Any]) -> None:
        ns = obj.namespace
        if kind == "secret":
            name = source.get("secretName", source.get("name"))
            if (ns, name) not in self.index.secrets:
                self.fail(obj, at, "secret", f"no ExternalSecret or Certificate produces Secret {name!r}")
                return
            keys = self.index.secret_keys.get((ns, str(name)))
            wanted = [(i, item.get("key")) for i, item in enumerate(source.get("items") or [])]
            if "key" in source:  # env valueFrom.secretKeyRef
                wanted.append((-1, source["key"]))
            for i, key in wanted:
                if keys is not None and key not in keys:
                    where = at if i < 0 else (*at, "items", i, "key")
                    self.fail(obj, where, "secret", f"Secret {name} has no key {key!r}")
            return
        name = str(source.get("name"))
        config_map = self.index.by_key.get(("ConfigMap", ns, name))
        if config_map is not None:
            keys = set(config_map.data.get("data") or {}) | set(config_map.data.get("binaryData") or {})
        elif name in CLUSTER_CONFIG_MAPS:
            keys = set(CLUSTER_CONFIG_MAPS[name])
        else:
            self.fail(obj, at, "config-map", f"no ConfigMap {name!r}")
            return
        for i, item in enumerate(source.get("items") or []):
            if item.get("key") not in keys:
                self.fail(
                    obj, (*at, "items", i, "key"), "config-map", f"ConfigMap {name} has no key {item.get('key')!r}"
                )

    def container(self, obj: K8sObject, at: Path, container: Mapping[str, Any]) -> None:
        ports = {p.get("name") for p in container.get("ports") or []} | {
            p.get("containerPort") for p in container.get("ports") or []
        }
        for probe in PROBES:
            handler = container.get(probe) or {}
            for action in ("httpGet", "tcpSocket", "grpc"):
                port = get(handler, (action, "port"))
                if port is not None and port not in ports:
                    self.fail(
                        obj, (*at, probe, action, "port"), "probe-port", f"{port!r} is not a port of this container"
                    )
        readiness, liveness = container.get("readinessProbe"), container.get("livenessProbe")
        if readiness and readiness == liveness:
            message = "identical to the readinessProbe: a failing dependency would restart the pod, not just drain it"
            self.fail(obj, (*at, "livenessProbe"), "probes-differ", message)
        for e, source in enumerate(container.get("envFrom") or []):
            if "configMapRef" in source:
                self.reference(obj, (*at, "envFrom", e, "configMapRef"), "configMap", source["configMapRef"])
            if "secretRef" in source:
                self.reference(obj, (*at, "envFrom", e, "secretRef"), "secret", source["secretRef"])
        for e, variable in enumerate(container.get("env") or []):
            ref = get(variable, ("valueFrom", "secretKeyRef"))
            if ref:
                self.reference(obj, (*at, "env", e, "valueFrom", "secretKeyRef"), "secret", ref)


class KubernetesRefsValidator:
    name = NAME

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        for bundle in bundles:
            found = [o for o in objects(bundle) if isinstance(o, K8sObject)]
            ingress = get(bundle.config, ("kubernetes", "ingress", "controller_namespace"))
            yield from Checker(Index(found), {str(ingress)} if ingress else set()).run()


VALIDATOR = KubernetesRefsValidator()
