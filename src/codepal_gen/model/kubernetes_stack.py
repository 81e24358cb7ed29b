"""The stateful and platform workloads (PostgreSQL, Redis, the backup, Prometheus,
Alertmanager, Grafana, kube-state-metrics), TLS, secrets and RBAC, and the
registry of who calls whom that the NetworkPolicies are derived from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..config import Environment
from . import kubernetes_pods as pods
from .kubernetes_data import postgresql_conf, redis_conf, retention_size
from .kubernetes_network import Edge, Peer

CERT_MANAGER = Peer("cert-manager", "cert-manager", {"app.kubernetes.io/name": "cert-manager"})


@dataclass
class Stack:
    """Objects collected per kind (keys ``<namespace>/<kind>-<name>``) and the call graph."""

    env: str
    services: dict[str, Any] = field(default_factory=dict)
    accounts: dict[str, Any] = field(default_factory=dict)
    secrets: dict[str, Any] = field(default_factory=dict)
    budgets: dict[str, Any] = field(default_factory=dict)
    roles: dict[str, Any] = field(default_factory=dict)
    certificates: dict[str, Any] = field(default_factory=dict)
    issuers: dict[str, Any] = field(default_factory=dict)
    ingresses: dict[str, Any] = field(default_factory=dict)
    peers: dict[str, Peer] = field(default_factory=dict)
    peer_labels: dict[str, Any] = field(default_factory=dict)
    external: dict[str, Peer] = field(default_factory=dict)
    links: list[tuple[str, str, tuple[int, ...]]] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)
    ports: dict[str, int] = field(default_factory=dict)
    context: dict[str, Any] = field(default_factory=dict)
    datasources: dict[str, Any] = field(default_factory=dict)
    providers: dict[str, Any] = field(default_factory=dict)

    def peer(self, name: str, namespace: str, match: Mapping[str, str], labels: Mapping[str, str]) -> None:
        self.peers[name] = Peer(name, namespace, dict(match))
        self.peer_labels[name] = dict(labels)

    def call(self, source: str, target: str, ports: Sequence[int]) -> None:
        self.links.append((source, target, tuple(ports)))

    def scrape(self, target: str, ports: Sequence[int]) -> None:
        self.call("prometheus", target, ports)

    def call_internet(self, source: str) -> None:
        self.call(source, "internet", (443,))

    def call_api(self, source: str) -> None:
        self.call(source, "api-server", (443,))

    def edges(self) -> list[Edge]:
        known = {**self.external, **self.peers}
        return [Edge(known[s], known[t], p) for s, t, p in self.links]

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

    def service(
        self, name: str, namespace: str, labels: Mapping[str, str], ports: Mapping[str, int], headless: bool = False
    ) -> None:
        self.services[f"{namespace}/service-{name}"] = {
            "name": name,
            "namespace": namespace,
            "labels": dict(labels),
            "selector": pods.selector(name, self.env),
            "headless": headless,
            "ports": [{"name": n, "port": p, "targetPort": n, "protocol": "TCP"} for n, p in ports.items()],
        }


def _workload(stack: Stack, name: str, namespace: str, component: str) -> dict[str, Any]:
    labels = pods.labels(name, stack.env, component)
    match = pods.selector(name, stack.env)
    stack.peer(name, namespace, match, labels)
    return {"name": name, "labels": labels, "selector": match, "spread": pods.spread(match)}


def _data_tier(env: Environment, stack: Stack, prefix: str) -> None:
    config, scale = env.config, float(env.config["scale"])
    k8s = config["kubernetes"]
    ns = k8s["namespace"]
    pg, rd = k8s["postgres"], k8s["redis"]
    postgres = _workload(stack, "postgres", ns, "database")
    pg_resources = pods.resources(pg["resources"], scale)
    postgres.update(
        image=pods.image(pg["image"]),
        exporter_image=pods.image(pg["exporter_image"]),
        resources=pg_resources,
        exporter_resources=pods.resources(pg["exporter_resources"], scale),
        storage=pg["storage"],
        database=pg["database"],
        conf=postgresql_conf(pg_resources["limits"]["memory"], pg["settings"]),
        config_files={"configmap": f"kubernetes/{ns}/configmap-postgres.yaml"},
        ready=["pg_isready", "--host=127.0.0.1", "--port=5432", f"--dbname={pg['database']}"],
    )
    stack.service("postgres", ns, postgres["labels"], {"postgres": 5432, "metrics": 9187}, headless=True)
    stack.account("postgres", ns, postgres["labels"], automount=False)
    stack.secret(
        "postgres-credentials",
        ns,
        postgres["labels"],
        f"{prefix}/postgres",
        {"username": "username", "password": "password"},
    )
    stack.urls["postgres"] = f"postgres://postgres.{ns}.svc.cluster.local:5432/{pg['database']}"
    stack.ports["postgres"] = 5432
    stack.scrape("postgres", (9187,))

    backup = _workload(stack, "postgres-backup", ns, "backup")
    bk = pg["backup"]
    backup.update(
        image=pods.image(pg["backup_image"]),
        schedule=bk["schedule"],
        deadline=bk["deadline_seconds"],
        resources=pods.resources(
            {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "500m", "memory": "512Mi"}}, 1
        ),
        env={
            "PGHOST": f"postgres.{ns}.svc.cluster.local",
            "PGPORT": "5432",
            "PGDATABASE": pg["database"],
            "BACKUP_BUCKET": bk["bucket"],
            "BACKUP_PREFIX": bk["prefix"],
            "BACKUP_RETENTION_DAYS": str(bk["retention_days"]),
            "AWS_REGION": config["aws"]["region"],
            "HOME": "/tmp",
        },
        config_files={"configmap": f"kubernetes/{ns}/configmap-postgres-backup.yaml"},
    )
    backup["env_list"] = [{"name": k, "value": v} for k, v in sorted(backup["env"].items())]
    role = f"arn:aws:iam::{config['aws']['account_id']}:role/{config['project']['name']}-{env.name}-postgres-backup"
    stack.account("postgres-backup", ns, backup["labels"], automount=False, role=role)
    stack.call("postgres-backup", "postgres", (5432,))
    stack.call_internet("postgres-backup")

    redis = _workload(stack, "redis", ns, "cache")
    rd_resources = pods.resources(rd["resources"], scale)
    redis.update(
        image=pods.image(rd["image"]),
        exporter_image=pods.image(rd["exporter_image"]),
        resources=rd_resources,
        exporter_resources=pods.resources(rd["exporter_resources"], scale),
        storage=rd["storage"],
        conf=redis_conf(rd_resources["limits"]["memory"], rd["maxmemory_percent"], rd["maxmemory_policy"]),
        config_files={"configmap": f"kubernetes/{ns}/configmap-redis.yaml"},
    )
    stack.service("redis", ns, redis["labels"], {"redis": 6379, "metrics": 9121}, headless=True)
    stack.account("redis", ns, redis["labels"], automount=False)
    stack.secret("redis-credentials", ns, redis["labels"], f"{prefix}/redis", {"password": "password"})
    # redis.conf includes auth.conf; redis_exporter reads a {uri: password} JSON file.
    stack.secrets[f"{ns}/externalsecret-redis-credentials"]["template"] = {
        "password": "{{ .password }}",
        "auth.conf": "requirepass {{ .password }}\n",
        "exporter-passwords.json": '{"redis://localhost:6379": "{{ .password }}"}',
    }
    stack.urls["redis"] = f"redis://redis.{ns}.svc.cluster.local:6379"
    stack.ports["redis"] = 6379
    stack.scrape("redis", (9121,))
    stack.context.update(postgres=postgres, backup=backup, redis=redis)


def _monitoring(env: Environment, stack: Stack, prefix: str) -> None:
    config, scale = env.config, float(env.config["scale"])
    k8s = config["kubernetes"]
    ns, app_ns = k8s["monitoring_namespace"], k8s["namespace"]
    mon = k8s["monitoring"]
    prom = _workload(stack, "prometheus", ns, "monitoring")
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
        stack.roles[f"{target_ns}/{name}"] = {
            "name": name,
            "namespace": target_ns,
            "labels": pods.labels(name, env.name, "monitoring"),
            "rules": rules,
            "subjects": [{"kind": "ServiceAccount", "name": name, "namespace": ns}],
        }
    stack.scrape("prometheus", (9090,))
    stack.call("prometheus", "cert-manager", (9402,))
    stack.call_api("prometheus")

    alertmanager = _workload(stack, "alertmanager", ns, "monitoring")
    alertmanager.update(
        image=pods.image(mon["alertmanager"]["image"]),
        resources=pods.resources(mon["alertmanager"]["resources"], scale),
        storage=mon["alertmanager"]["storage"],
    )
    stack.service("alertmanager", ns, alertmanager["labels"], {"web": 9093})
    stack.account("alertmanager", ns, alertmanager["labels"], automount=False)
    stack.secret(
        "alertmanager-receivers",
        ns,
        alertmanager["labels"],
        f"{prefix}/alertmanager",
        {"pagerduty-routing-key": "pagerduty-routing-key", "slack-webhook-url": "slack-webhook-url"},
    )
    stack.scrape("alertmanager", (9093,))
    stack.call_internet("alertmanager")

    grafana = _workload(stack, "grafana", ns, "monitoring")
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

    ksm = _workload(stack, "kube-state-metrics", ns, "monitoring")
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


def _node_exporter(env: Environment, stack: Stack, ns: str) -> None:
    """node-exporter reads the host (network and PID namespaces, /proc, /sys, /): it cannot
    meet ``restricted``, so it runs alone in a namespace that enforces ``privileged``."""
    spec = env.config["kubernetes"]["monitoring"]["node_exporter"]
    exporter = _workload(stack, "node-exporter", ns, "monitoring")
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


def _tls(env: Environment, stack: Stack) -> None:
    config = env.config
    k8s, hosts, domain = config["kubernetes"], config["hosts"], config["domain"]
    tls, ingress = k8s["tls"], k8s["ingress"]
    ns = k8s["namespace"]
    labels = pods.labels("certificates", env.name, "tls")
    role = f"arn:aws:iam::{config['aws']['account_id']}:role/{config['project']['name']}-{env.name}-cert-manager"
    for issuer, server in (
        ("letsencrypt-production", "https://acme-v02.api.letsencrypt.org/directory"),
        ("letsencrypt-staging", "https://acme-staging-v02.api.letsencrypt.org/directory"),
    ):
        stack.issuers[issuer] = {
            "name": issuer,
            "labels": labels,
            "server": server,
            "email": tls["acme_email"],
            "solvers": [
                {
                    "selector": {"dnsNames": [f"*.{domain}", domain]},
                    "dns01": {"route53": {"region": config["aws"]["region"], "role": role}},
                },
                {"http01": {"ingress": {"ingressClassName": ingress["class_name"]}}},
            ],
        }
    certs = {"wildcard": [domain, f"*.{domain}"]}
    for key in sorted(ingress["routes"]):
        certs[key] = [hosts[key]]
    for name, dns_names in certs.items():
        stack.certificates[f"{ns}/certificate-{name}"] = {
            "name": name,
            "namespace": ns,
            "labels": labels,
            "secret": f"{name}-tls",
            "dns_names": dns_names,
            "issuer": tls["issuer"],
            "duration": tls["duration"],
            "renew_before": tls["renew_before"],
        }
    limits = {
        "nginx.ingress.kubernetes.io/force-ssl-redirect": "true",
        "nginx.ingress.kubernetes.io/ssl-redirect": "true",
        "nginx.ingress.kubernetes.io/limit-rps": str(ingress["rate_limit_rps"]),
        "nginx.ingress.kubernetes.io/limit-burst-multiplier": str(ingress["rate_limit_burst_multiplier"]),
        "nginx.ingress.kubernetes.io/proxy-body-size": ingress["max_body_size"],
    }
    for key, service in sorted(ingress["routes"].items()):
        svc = config["services"][service]
        stack.ingresses[service] = {
            "name": service,
            "labels": pods.labels(service, env.name, "application"),
            "annotations": limits,
            "host": hosts[key],
            "secret": f"{key}-tls",
            "service": service,
            "port": "http",
            "port_number": svc["port"],
        }
    stack.context["ingress_controller"] = {
        "namespace": ingress["controller_namespace"],
        "class_name": ingress["class_name"],
        "data": {
            "ssl-protocols": "TLSv1.2 TLSv1.3",
            "hsts": "true",
            "hsts-max-age": str(ingress["hsts_max_age"]),
            "hsts-include-subdomains": "true",
            "hsts-preload": "true",
            "ssl-redirect": "true",
            "use-forwarded-headers": "false",
            "server-tokens": "false",
            "allow-snippet-annotations": "false",
        },
    }


def build_stack(env: Environment) -> Stack:
    config = env.config
    k8s = config["kubernetes"]
    stack = Stack(env.name)
    prefix = f"{config['project']['name']}/{env.name}"
    private = list(k8s["private_cidrs"])
    stack.external = {
        "internet": Peer("internet", cidrs=("0.0.0.0/0",), excepts=tuple(private)),
        "api-server": Peer("api-server", cidrs=tuple(k8s["api_server_cidrs"])),
        "nodes": Peer("nodes", cidrs=tuple(k8s["node_cidrs"])),
        "cert-manager": CERT_MANAGER,
        "ingress-controller": Peer("ingress-controller", k8s["ingress"]["controller_namespace"]),
    }
    _data_tier(env, stack, prefix)
    _monitoring(env, stack, prefix)
    _tls(env, stack)
    store_labels = pods.labels("external-secrets", env.name, "secrets")
    store_role = (
        f"arn:aws:iam::{config['aws']['account_id']}:role/{config['project']['name']}-{env.name}-external-secrets"
    )
    stack.account("external-secrets-reader", k8s["namespace"], store_labels, automount=False, role=store_role)
    stack.context["store"] = {
        "name": k8s["secrets"]["store"],
        "labels": store_labels,
        "region": config["aws"]["region"],
        "account": "external-secrets-reader",
        "account_namespace": k8s["namespace"],
        "namespaces": [k8s["namespace"], k8s["monitoring_namespace"]],
        "refresh": k8s["secrets"]["refresh_interval"],
    }
    return stack
