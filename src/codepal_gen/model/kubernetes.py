"""Kubernetes values derived from config: every workload, its sizes, wiring and policies.

Context ``k8s``: the namespaces, pod/container securityContexts, and the data
tier, monitoring and ingress workloads (``kubernetes_data``,
``kubernetes_monitoring``, ``kubernetes_tls``). Fan-outs, one output file per key:

* ``k8s_ns`` (every namespace), ``k8s_app_ns``, ``k8s_mon_ns``, ``k8s_node_ns``,
  ``k8s_ingress_ns`` (one key each: the folder of namespace-specific templates);
* ``k8s_app`` (application services: ConfigMap), ``k8s_deployment`` (their
  Deployments and HPAs: one per service, or ``<service>-blue``/``-green`` with
  blue-green, see :mod:`.rollout`), ``k8s_ingress``, ``k8s_clusterissuer``,
  ``k8s_clustersecretstore``;
* per-kind objects keyed ``<namespace>/<kind>-<name>`` (``k8s_service``,
  ``k8s_serviceaccount``, ``k8s_externalsecret``, ``k8s_networkpolicy``,
  ``k8s_poddisruptionbudget``, ``k8s_role``, ``k8s_rolebinding``,
  ``k8s_certificate``), so every file name states its namespace, kind and name.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from ..config import Environment, freeze, thaw
from ..errors import UserError
from . import irsa
from . import kubernetes_pods as pods
from . import rollout as rollouts
from .kubernetes_data import data_tier
from .kubernetes_monitoring import monitoring
from .kubernetes_network import Peer, namespace_defaults, policies
from .kubernetes_stack import Stack
from .kubernetes_tls import tls

SECRETS_DIR = "/var/run/secrets/codepal"


def _namespaces(config: Mapping[str, Any], env: str) -> dict[str, Any]:
    k8s = config["kubernetes"]
    version = "v" + k8s["version"]
    pss = {f"pod-security.kubernetes.io/{mode}": "restricted" for mode in ("enforce", "audit", "warn")}
    pss.update({f"pod-security.kubernetes.io/{mode}-version": version for mode in ("enforce", "audit", "warn")})
    result = {}
    node_ns = k8s["monitoring"]["node_exporter"]["namespace"]
    for name, component in (
        (k8s["namespace"], "application"),
        (k8s["monitoring_namespace"], "monitoring"),
        (node_ns, "node-monitoring"),
    ):
        profile = {**pss, "pod-security.kubernetes.io/enforce": "privileged"} if name == node_ns else pss
        result[name] = {
            "name": name,
            "labels": {
                **profile,
                "app.kubernetes.io/part-of": pods.PART_OF,
                "app.kubernetes.io/managed-by": pods.MANAGED_BY,
                "app.kubernetes.io/component": component,
                "app.kubernetes.io/environment": env,
            },
        }
    return result


def _check_dependencies(services: Mapping[str, Any], known: set[str]) -> None:
    bad = [
        f"services.{name}.depends_on: unknown dependency {dep!r} (known: {', '.join(sorted(known))})"
        for name, service in services.items()
        for dep in service["depends_on"]
        if dep not in known or dep == name
    ]
    if bad:
        raise UserError("; ".join(bad))


def _rbac_rules(declared: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``services.<name>.api_access.rules`` as Role rules, in the declared order.

    The schema has refused wildcards, privilege-escalating verbs and unpinned secrets.
    """
    keys = (("apiGroups", "api_groups"), ("resources", "resources"), ("verbs", "verbs"))
    rules = []
    for rule in declared:
        rendered = {field: list(rule[key]) for field, key in keys}
        if "resource_names" in rule:
            rendered["resourceNames"] = list(rule["resource_names"])
        rules.append(rendered)
    return rules


def _apps(env: Environment, stack: Stack) -> dict[str, Any]:
    config, scale, name_env = env.config, float(env.config["scale"]), env.name
    k8s = config["kubernetes"]
    ns = k8s["namespace"]
    apps = {}
    for name, svc in config.get("services", {}).items():
        probes = svc["probes"]
        volumes, mounts = pods.writable(svc["writable_paths"])
        if svc["secrets"]:
            volumes.append({"name": "secrets", "secret": {"secretName": f"{name}-secrets", "defaultMode": 0o440}})
            mounts.append({"name": "secrets", "mountPath": SECRETS_DIR, "readOnly": True})
        if svc.get("api_access"):
            volume, mount = pods.api_token()
            volumes.append(volume)
            mounts.append(mount)
        readiness = pods.http_probe(probes["readiness_path"], "http", period=10, failures=3)
        env_vars = {
            **{f"{dep.upper().replace('-', '_')}_URL": stack.urls[dep] for dep in svc["depends_on"]},
            "SECRETS_DIR": SECRETS_DIR,
            **svc["env"],
        }
        min_replicas = pods.replicas(svc["replicas"]["min"], scale)
        apps[name] = {
            "name": name,
            "labels": pods.labels(name, name_env, "application"),
            "selector": pods.selector(name, name_env),
            "image": pods.image(svc["image"]),
            "port": svc["port"],
            "min_replicas": min_replicas,
            "max_replicas": max(min_replicas, pods.replicas(svc["replicas"]["max"], scale)),
            "cpu_percent": svc["autoscaling"]["cpu_percent"],
            "memory_percent": svc["autoscaling"]["memory_percent"],
            "resources": pods.resources(svc["resources"], scale),
            "readiness": readiness,
            "liveness": pods.http_probe(probes["liveness_path"], "http", period=20, failures=3, timeout=5),
            "startup": pods.startup(readiness, probes["startup_seconds"]) if probes["startup_seconds"] else None,
            "volumes": volumes,
            "mounts": mounts,
            "env": dict(sorted(env_vars.items())),
            "config_files": {"configmap": f"kubernetes/{ns}/configmap-{name}.yaml"},
        }
    return apps


def _deployments(env: Environment, apps: Mapping[str, Any]) -> dict[str, Any]:
    """One Deployment (and HPA, PDB) per app service and slot, keyed by Deployment name.

    Blue-green slots are each sized for all traffic: a switch sends everything to the idle one.
    """
    plan = rollouts.rollout(env.config)
    result = {}
    for service, app in apps.items():
        for slot, name in plan.deployments(service).items():
            slot_labels = plan.slot_labels(slot)
            selector = {**app["selector"], **slot_labels}
            result[name] = {
                **app,
                "name": name,
                "service": service,
                "labels": {**app["labels"], **slot_labels},
                "selector": selector,
                "spread": pods.spread(selector),
            }
    return result


def _app_objects(env: Environment, apps: Mapping[str, Any], deployments: Mapping[str, Any], stack: Stack) -> None:
    """Service, ServiceAccount, PDBs, ExternalSecret and callers/callees of each app."""
    config = env.config
    ns = config["kubernetes"]["namespace"]
    live = rollouts.rollout(config).service_selector()
    prefix = f"{config['project']['name']}/{env.name}"
    for name, app in apps.items():
        svc = config["services"][name]
        key = f"{ns}/%s-{name}"
        stack.services[key % "service"] = {
            "name": name,
            "namespace": ns,
            "labels": app["labels"],
            "selector": {**app["selector"], **live},
            "headless": False,
            "publish_not_ready": False,
            "ports": [{"name": "http", "port": app["port"], "targetPort": "http", "protocol": "TCP"}],
        }
        stack.accounts[key % "serviceaccount"] = {
            "name": name,
            "namespace": ns,
            "labels": app["labels"],
            "automount": False,  # a pod that calls the API projects its token (pods.api_token)
            "annotations": {},
        }
        for deployment in (d for d in deployments.values() if d["service"] == name):
            stack.budgets[f"{ns}/poddisruptionbudget-{deployment['name']}"] = {
                "name": deployment["name"],
                "namespace": ns,
                "labels": deployment["labels"],
                "selector": deployment["selector"],
                "budget": pods.budget(deployment["min_replicas"]),
            }
        if svc["secrets"]:
            stack.secret(f"{name}-secrets", ns, app["labels"], f"{prefix}/{name}", {k: k for k in svc["secrets"]})
        stack.peer(name, ns, app["selector"], app["labels"])
        stack.scrape(name, [app["port"]])
        for dep in svc["depends_on"]:
            stack.call(name, dep, [stack.ports[dep]])
        if svc["external_egress"]:
            stack.call_internet(name)
        if svc.get("api_access"):
            stack.call_api(name)
            stack.role(name, ns, app["labels"], _rbac_rules(svc["api_access"]["rules"]), ns)


def _stack(env: Environment) -> Stack:
    """The data tier, monitoring, TLS and the secret store, collected into one Stack."""
    config = env.config
    k8s = config["kubernetes"]
    stack = Stack(env.name)
    prefix = f"{config['project']['name']}/{env.name}"
    private = list(k8s["private_cidrs"])
    stack.external = {
        "internet": Peer("internet", cidrs=("0.0.0.0/0",), excepts=tuple(private)),
        "api-server": Peer("api-server", cidrs=tuple(k8s["api_server_cidrs"])),
        "nodes": Peer("nodes", cidrs=tuple(k8s["node_cidrs"])),
        "cert-manager": Peer("cert-manager", "cert-manager", {"app.kubernetes.io/name": "cert-manager"}),
        "ingress-controller": Peer("ingress-controller", k8s["ingress"]["controller_namespace"]),
    }
    data_tier(env, stack, prefix)
    monitoring(env, stack, prefix)
    tls(env, stack)
    store_labels = pods.labels("external-secrets", env.name, "secrets")
    store_role = irsa.roles(env)["external-secrets"]
    stack.account(
        store_role["service_account"], store_role["namespace"], store_labels, automount=False, role=store_role["arn"]
    )
    stack.context["store"] = {
        "name": k8s["secrets"]["store"],
        "labels": store_labels,
        "region": config["aws"]["region"],
        "account": store_role["service_account"],
        "account_namespace": store_role["namespace"],
        "namespaces": [k8s["namespace"], k8s["monitoring_namespace"]],
        "refresh": k8s["secrets"]["refresh_interval"],
    }
    return stack


def build(env: Environment) -> Mapping[str, Any]:
    config = env.config
    k8s = config["kubernetes"]
    services = config.get("services", {})
    stack = _stack(env)
    for name, svc in services.items():
        stack.urls[name] = f"http://{name}.{k8s['namespace']}.svc.cluster.local:{svc['port']}"
        stack.ports[name] = svc["port"]
    _check_dependencies(services, set(services) | {"postgres", "redis"})
    apps = _apps(env, stack)
    deployments = _deployments(env, apps)
    _app_objects(env, apps, deployments, stack)
    ingress = k8s["ingress"]
    for host_key, target in ingress["routes"].items():
        if target not in services:
            raise UserError(f"kubernetes.ingress.routes.{host_key}: {target!r} is not a service")
        stack.call("ingress-controller", target, (services[target]["port"],))
    netpols: dict[str, Any] = {}
    for ns in (k8s["namespace"], k8s["monitoring_namespace"], k8s["monitoring"]["node_exporter"]["namespace"]):
        netpols.update(namespace_defaults(ns, {"app.kubernetes.io/part-of": pods.PART_OF}))
    netpols.update(policies(stack.peers, stack.edges(), stack.peer_labels))
    namespaces = _namespaces(config, env.name)
    context = {
        "namespace": k8s["namespace"],
        "monitoring_namespace": k8s["monitoring_namespace"],
        "pod_security": pods.pod_security(k8s["run_as_user"], k8s["run_as_group"]),
        "container_security": pods.container_security(k8s["run_as_user"], k8s["run_as_group"]),
        "grafana_datasources": json.dumps(stack.datasources, indent=2, sort_keys=True) + "\n",
        "grafana_providers": json.dumps(stack.providers, indent=2, sort_keys=True) + "\n",
        **stack.context,
    }
    fanout = {
        "k8s_ns": namespaces,
        "k8s_app_ns": {k8s["namespace"]: namespaces[k8s["namespace"]]},
        "k8s_mon_ns": {k8s["monitoring_namespace"]: namespaces[k8s["monitoring_namespace"]]},
        "k8s_node_ns": {stack.context["node_exporter"]["namespace"]: stack.context["node_exporter"]},
        "k8s_app": apps,
        "k8s_deployment": deployments,
        "k8s_service": stack.services,
        "k8s_serviceaccount": stack.accounts,
        "k8s_externalsecret": stack.secrets,
        "k8s_networkpolicy": netpols,
        "k8s_poddisruptionbudget": stack.budgets,
        "k8s_role": {f"{r['namespace']}/role-{r['name']}": r for r in stack.roles.values()},
        "k8s_rolebinding": {f"{r['namespace']}/rolebinding-{r['name']}": r for r in stack.roles.values()},
        "k8s_clusterrole": stack.cluster_roles,
        "k8s_certificate": stack.certificates,
        "k8s_clusterissuer": stack.issuers,
        "k8s_ingress": stack.ingresses,
        "k8s_clustersecretstore": {stack.context["store"]["name"]: stack.context["store"]},
        "k8s_ingress_ns": {stack.context["ingress_controller"]["namespace"]: stack.context["ingress_controller"]},
    }
    return {"k8s": freeze(thaw(context)), "fanout": {name: freeze(thaw(items)) for name, items in fanout.items()}}
