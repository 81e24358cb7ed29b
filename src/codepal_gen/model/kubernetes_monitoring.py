"""Prometheus, Alertmanager, Grafana, kube-state-metrics and node-exporter, and their RBAC."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from ..config import Environment
from . import alertmanager_cluster as am
from . import kubernetes_pods as pods
from .kubernetes_stack import Stack, workload
from .quantity import parse


def retention_size(storage: str) -> str:
    """Prometheus --storage.tsdb.retention.size: 85 % of the volume, in (binary) GB."""
    return f"{int(parse(storage) * Fraction(85, 100) // 2**30)}GB"


def monitoring(env: Environment, stack: Stack, prefix: str) -> None:
    config, scale = env.config, float(env.config["scale"])
    k8s = config["kubernetes"]
    ns, app_ns = k8s["monitoring_namespace"], k8s["namespace"]
    mon = k8s["monitoring"]
    prom = workload(stack, "prometheus", ns, "monitoring")
    replicas = pods.replicas(mon["prometheus"]["replicas"], scale)
    prom.update(
        image=pods.image(mon["prometheus"]["image"]),
        replicas=replicas,
        resources=pods.resources(mon["prometheus"]["resources"], scale),
        storage=mon["prometheus"]["storage"],
        args=[
            "--config.file=/etc/prometheus/prometheus.yml",
            "--storage.tsdb.path=/prometheus",
            f"--storage.tsdb.retention.time={mon['prometheus']['retention']}",
            f"--storage.tsdb.retention.size={retention_size(mon['prometheus']['storage'])}",
            "--web.listen-address=:9090",
        ],
    )
    stack.service("prometheus", ns, prom["labels"], {"web": 9090})
    stack.account("prometheus", ns, prom["labels"], automount=True)
    stack.budgets[f"{ns}/poddisruptionbudget-prometheus"] = {
        "name": "prometheus",
        "namespace": ns,
        "labels": prom["labels"],
        "selector": prom["selector"],
        "budget": pods.budget(replicas),
    }
    discovery = [{"apiGroups": [""], "resources": ["endpoints", "services", "pods"], "verbs": ["get", "list", "watch"]}]
    kube_state = [
        {
            "apiGroups": [""],
            "resources": ["pods", "services", "persistentvolumeclaims", "endpoints"],
            "verbs": ["list", "watch"],
        },
        {
            "apiGroups": ["apps"],
            "resources": ["deployments", "statefulsets", "replicasets"],
            "verbs": ["list", "watch"],
        },
        {"apiGroups": ["batch"], "resources": ["cronjobs", "jobs"], "verbs": ["list", "watch"]},
        {"apiGroups": ["autoscaling"], "resources": ["horizontalpodautoscalers"], "verbs": ["list", "watch"]},
        {"apiGroups": ["policy"], "resources": ["poddisruptionbudgets"], "verbs": ["list", "watch"]},
        {"apiGroups": ["networking.k8s.io"], "resources": ["ingresses", "networkpolicies"], "verbs": ["list", "watch"]},
    ]
    node_ns = mon["node_exporter"]["namespace"]
    grants = [
        (t, n, r) for t in (app_ns, ns) for n, r in (("prometheus", discovery), ("kube-state-metrics", kube_state))
    ]
    for target_ns, name, rules in [*grants, (node_ns, "prometheus", discovery)]:
        stack.role(name, target_ns, pods.labels(name, env.name, "monitoring"), rules, ns)
    # Node discovery (the kubelet and cAdvisor jobs) is cluster-scoped: read-only on nodes, nothing else.
    stack.cluster_roles[f"prometheus-nodes-{app_ns}"] = {
        "name": f"prometheus-nodes-{app_ns}",
        "labels": pods.labels("prometheus", env.name, "monitoring"),
        "rules": [
            {"apiGroups": [""], "resources": ["nodes"], "verbs": ["get", "list", "watch"]},
            {"apiGroups": [""], "resources": ["nodes/metrics"], "verbs": ["get"]},
        ],
        "subjects": [{"kind": "ServiceAccount", "name": "prometheus", "namespace": ns}],
    }
    stack.scrape("prometheus", (9090,))
    stack.call("prometheus", "cert-manager", (9402,))
    stack.call("prometheus", "nodes", (10250,))
    stack.call_api("prometheus")

    alertmanager = _alertmanager(env, stack)
    stack.account("alertmanager", ns, alertmanager["labels"], automount=False)
    stack.secret(
        "alertmanager-receivers",
        ns,
        alertmanager["labels"],
        f"{prefix}/alertmanager",
        {"pagerduty-routing-key": "pagerduty-routing-key", "slack-webhook-url": "slack-webhook-url"},
    )
    stack.scrape("alertmanager", (am.WEB_PORT,))
    stack.call_internet("alertmanager")

    grafana = workload(stack, "grafana", ns, "monitoring")
    grafana.update(
        image=pods.image(mon["grafana"]["image"]),
        resources=pods.resources(mon["grafana"]["resources"], scale),
    )
    stack.service("grafana", ns, grafana["labels"], {"http": 3000})
    stack.account("grafana", ns, grafana["labels"], automount=False)
    stack.secret(
        "grafana-admin",
        ns,
        grafana["labels"],
        f"{prefix}/grafana",
        {"admin-user": "admin-user", "admin-password": "admin-password"},
    )
    stack.call("grafana", "prometheus", (9090,))
    stack.datasources = {
        "apiVersion": 1,
        "datasources": [
            {
                "name": "Prometheus",
                "uid": "prometheus",
                "type": "prometheus",
                "access": "proxy",
                "url": f"http://prometheus.{ns}.svc:9090",
                "isDefault": True,
                "editable": False,
                "jsonData": {"timeInterval": config["observability"]["scrape_interval"]},
            }
        ],
    }
    stack.providers = {
        "apiVersion": 1,
        "providers": [
            {
                "name": "codepal",
                "orgId": 1,
                "type": "file",
                "disableDeletion": True,
                "allowUiUpdates": False,
                "options": {"path": "/var/lib/grafana/dashboards", "foldersFromFilesStructure": False},
            }
        ],
    }

    ksm = workload(stack, "kube-state-metrics", ns, "monitoring")
    ksm.update(
        image=pods.image(mon["kube_state_metrics"]["image"]),
        resources=pods.resources(mon["kube_state_metrics"]["resources"], scale),
        args=[
            "--port=8080",
            "--telemetry-port=8081",
            f"--namespaces={app_ns},{ns}",
            "--resources=cronjobs,deployments,endpoints,horizontalpodautoscalers,ingresses,jobs,networkpolicies,"
            "persistentvolumeclaims,poddisruptionbudgets,pods,replicasets,services,statefulsets",
        ],
    )
    stack.service("kube-state-metrics", ns, ksm["labels"], {"http-metrics": 8080, "telemetry": 8081})
    stack.account("kube-state-metrics", ns, ksm["labels"], automount=True)
    stack.scrape("kube-state-metrics", (8080, 8081))
    stack.call_api("kube-state-metrics")
    _node_exporter(env, stack, node_ns)
    stack.context.update(prometheus=prom, alertmanager=alertmanager, grafana=grafana, ksm=ksm)


def _alertmanager(env: Environment, stack: Stack) -> dict[str, Any]:
    """Alertmanager's StatefulSet values and Services; with more than one replica, a gossip
    cluster whose members may talk to each other and of which one at a time may be evicted."""
    spec, scale = env.config["kubernetes"]["monitoring"]["alertmanager"], float(env.config["scale"])
    cluster = am.cluster(env.config)
    ns = cluster.namespace
    alertmanager = workload(stack, am.NAME, ns, "monitoring")
    # Gossip runs over TCP and UDP on the same port: one named port per protocol.
    mesh = {"mesh-tcp": "TCP", "mesh-udp": "UDP"} if cluster.clustered else {}
    alertmanager.update(
        image=pods.image(spec["image"]),
        replicas=cluster.replicas,
        service_name=am.HEADLESS,
        args=cluster.args(),
        ports=[
            {"name": "web", "containerPort": am.WEB_PORT, "protocol": "TCP"},
            *({"name": n, "containerPort": am.CLUSTER_PORT, "protocol": p} for n, p in mesh.items()),
        ],
        resources=pods.resources(spec["resources"], scale),
        storage=spec["storage"],
    )
    stack.service(am.NAME, ns, alertmanager["labels"], {"web": am.WEB_PORT})
    # The StatefulSet's governing Service, also with one replica: Prometheus addresses each pod by name.
    peer_ports = [{"name": n, "port": am.CLUSTER_PORT, "targetPort": n, "protocol": p} for n, p in mesh.items()]
    stack.peer_service(am.HEADLESS, ns, am.NAME, peer_ports, pods.labels(am.HEADLESS, env.name, "monitoring"))
    if cluster.clustered:
        stack.call(am.NAME, am.NAME, (am.CLUSTER_PORT,), ("TCP", "UDP"))
        stack.budgets[f"{ns}/poddisruptionbudget-{am.NAME}"] = {
            "name": am.NAME,
            "namespace": ns,
            "labels": alertmanager["labels"],
            "selector": alertmanager["selector"],
            # A cluster of any size keeps working with one member gone (gossip needs no quorum).
            "budget": {"maxUnavailable": 1},
        }
    return alertmanager


def _node_exporter(env: Environment, stack: Stack, ns: str) -> None:
    """node-exporter reads the host (network and PID namespaces, /proc, /sys, /): it cannot
    meet ``restricted``, so it runs alone in a namespace that enforces ``privileged``."""
    spec = env.config["kubernetes"]["monitoring"]["node_exporter"]
    exporter = workload(stack, "node-exporter", ns, "monitoring")
    exporter.update(
        namespace=ns,
        image=pods.image(spec["image"]),
        resources=pods.resources(spec["resources"], float(env.config["scale"])),
        args=[
            "--path.procfs=/host/proc",
            "--path.sysfs=/host/sys",
            "--path.rootfs=/host/root",
            "--web.listen-address=:9100",
            "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/(docker|containerd|kubelet)/.+)($|/)",
        ],
    )
    stack.service("node-exporter", ns, exporter["labels"], {"metrics": 9100})
    stack.account("node-exporter", ns, exporter["labels"], automount=False)
    stack.scrape("node-exporter", (9100,))
    # On the host network a pod selector does not match: Prometheus reaches the node addresses.
    stack.call("prometheus", "nodes", (9100,))
    stack.context["node_exporter"] = exporter
