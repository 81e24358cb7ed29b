"""Kubernetes output: sizes per environment, contracts with observability, rolling on config change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from codepal_gen.formats import yaml

from .conftest import Run

K8S = "out/{env}/kubernetes"


def load(root: Path, env: str, rel: str) -> Any:
    return yaml.load_data((root / K8S.format(env=env) / rel).read_text(encoding="utf-8"))


def container(doc: Any, index: int = 0) -> Any:
    return doc["spec"]["template"]["spec"]["containers"][index]


def test_staging_runs_at_half_of_prod_and_dev_has_its_own_sizes(rendered_root: Path) -> None:
    sizes = {}
    # prod deploys blue-green: each slot is sized for all traffic
    for env, ns, app_name in (
        ("prod", "codepal-prod", "codepal-app-blue"),
        ("staging", "codepal-staging", "codepal-app"),
        ("dev", "codepal-dev", "codepal-app"),
    ):
        app = container(load(rendered_root, env, f"{ns}/deployment-{app_name}.yaml"))
        hpa = load(rendered_root, env, f"{ns}/horizontalpodautoscaler-{app_name}.yaml")["spec"]
        prom = load(rendered_root, env, f"{ns}-monitoring/statefulset-prometheus.yaml")["spec"]
        pg = container(load(rendered_root, env, f"{ns}/statefulset-postgres.yaml"))
        sizes[env] = (
            app["resources"],
            hpa["minReplicas"],
            hpa["maxReplicas"],
            prom["replicas"],
            pg["resources"]["limits"],
        )
    assert sizes["prod"] == (
        {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"cpu": "500m", "memory": "1Gi"}},
        3,
        10,
        3,
        {"cpu": "1", "memory": "2Gi"},
    )
    assert sizes["staging"] == (
        {"requests": {"cpu": "125m", "memory": "256Mi"}, "limits": {"cpu": "250m", "memory": "512Mi"}},
        2,
        5,
        2,
        {"cpu": "500m", "memory": "1Gi"},
    )
    assert sizes["dev"] == (
        {"requests": {"cpu": "100m", "memory": "256Mi"}, "limits": {"cpu": "250m", "memory": "512Mi"}},
        1,
        2,
        1,
        {"cpu": "250m", "memory": "512Mi"},
    )


def test_tuning_follows_the_scaled_memory_limits(rendered_root: Path) -> None:
    prod = load(rendered_root, "prod", "codepal-prod/configmap-postgres.yaml")["data"]["postgresql.conf"]
    staging = load(rendered_root, "staging", "codepal-staging/configmap-postgres.yaml")["data"]["postgresql.conf"]
    assert "shared_buffers = '512MB'\n" in prod
    assert "effective_cache_size = '1536MB'\n" in prod
    assert "shared_buffers = '256MB'\n" in staging
    redis = load(rendered_root, "prod", "codepal-prod/configmap-redis.yaml")["data"]["redis.conf"]
    assert "maxmemory 384mb\nmaxmemory-policy allkeys-lru\n" in redis


def test_pdb_leaves_room_at_the_hpa_minimum(rendered_root: Path) -> None:
    prod = load(rendered_root, "prod", "codepal-prod/poddisruptionbudget-codepal-app-green.yaml")["spec"]
    dev = load(rendered_root, "dev", "codepal-dev/poddisruptionbudget-codepal-app.yaml")["spec"]
    assert (prod.get("minAvailable"), prod["unhealthyPodEvictionPolicy"]) == (2, "AlwaysAllow")
    assert (dev.get("maxUnavailable"), "minAvailable" in dev) == (1, False)


def test_every_file_holds_one_object_named_after_it(rendered_root: Path) -> None:
    files = sorted((rendered_root / "out").glob("*/kubernetes/*/*.yaml"))
    assert len(files) > 150
    for path in files:
        doc = yaml.load_data(path.read_text(encoding="utf-8"))
        folder = path.parent.name
        assert folder in ("cluster", doc["metadata"].get("namespace")), path
        assert path.name == f"{doc['kind'].lower()}-{doc['metadata']['name']}.yaml", path


def test_no_secret_values_only_external_secrets(rendered_root: Path) -> None:
    kinds = {
        yaml.load_data(p.read_text(encoding="utf-8"))["kind"]
        for p in (rendered_root / "out").glob("*/kubernetes/*/*.yaml")
    }
    assert "Secret" not in kinds
    receivers = load(rendered_root, "prod", "codepal-prod-monitoring/externalsecret-alertmanager-receivers.yaml")
    assert [d["secretKey"] for d in receivers["spec"]["data"]] == ["pagerduty-routing-key", "slack-webhook-url"]
    assert receivers["spec"]["data"][0]["remoteRef"] == {
        "key": "codepal/prod/alertmanager",
        "property": "pagerduty-routing-key",
    }
    account = load(rendered_root, "prod", "codepal-prod/serviceaccount-external-secrets-reader.yaml")
    role = "arn:aws:iam::123456789012:role/codepal-prod-external-secrets"
    assert account["metadata"]["annotations"] == {"eks.amazonaws.com/role-arn": role}


def test_grafana_dashboards_are_embedded_byte_for_byte(rendered_root: Path) -> None:
    dashboards = load(rendered_root, "prod", "codepal-prod-monitoring/configmap-grafana-dashboards.yaml")["data"]
    for name, text in dashboards.items():
        assert text == (rendered_root / "out/prod/grafana/dashboards" / name).read_text(encoding="utf-8")
    assert dashboards
    datasources = load(rendered_root, "prod", "codepal-prod-monitoring/configmap-grafana-datasources.yaml")["data"]
    assert '"url": "http://prometheus.codepal-prod-monitoring.svc:9090"' in datasources["datasources.yaml"]


def test_prometheus_and_alertmanager_configs_are_embedded_byte_for_byte(rendered_root: Path) -> None:
    mon = "codepal-prod-monitoring"
    config = load(rendered_root, "prod", f"{mon}/configmap-prometheus-config.yaml")["data"]
    rules = load(rendered_root, "prod", f"{mon}/configmap-prometheus-rules.yaml")["data"]
    am = load(rendered_root, "prod", f"{mon}/configmap-alertmanager-config.yaml")["data"]
    out = rendered_root / "out/prod"
    assert config == {"prometheus.yml": (out / "prometheus/prometheus.yml").read_text(encoding="utf-8")}
    rule_files = sorted((out / "prometheus/rules").glob("*.yaml"))
    assert len(rule_files) > 1
    assert rules == {p.name: p.read_text(encoding="utf-8") for p in rule_files}
    assert am == {"alertmanager.yml": (out / "alertmanager/alertmanager.yml").read_text(encoding="utf-8")}
    spec = load(rendered_root, "prod", f"{mon}/statefulset-prometheus.yaml")["spec"]["template"]["spec"]
    assert spec["volumes"][0]["projected"]["sources"][1]["configMap"]["items"] == [
        {"key": p.name, "path": f"rules/{p.name}"} for p in rule_files
    ]
    assert {"name": "config", "mountPath": "/etc/prometheus", "readOnly": True} in spec["containers"][0]["volumeMounts"]


def test_a_configmap_change_rolls_the_pods(project: Path, run: Run) -> None:
    assert run("-C", project, "render", "prod").code == 0
    rel = "codepal-prod/deployment-auth-service-blue.yaml"
    before = load(project, "prod", rel)["spec"]["template"]["metadata"]["annotations"]["checksum/configmap"]
    base = project / "environments/_base.yaml"
    base.write_text(base.read_text(encoding="utf-8").replace("JWT_TTL: 15m", "JWT_TTL: 10m"), encoding="utf-8")
    assert run("-C", project, "render", "prod").code == 0
    after = load(project, "prod", rel)["spec"]["template"]["metadata"]["annotations"]["checksum/configmap"]
    config_map = load(project, "prod", "codepal-prod/configmap-auth-service.yaml")
    assert config_map["data"]["JWT_TTL"] == "10m"
    assert before != after


def test_network_policies_follow_declared_dependencies(rendered_root: Path) -> None:
    policy = load(rendered_root, "prod", "codepal-prod/networkpolicy-postgres.yaml")["spec"]
    callers = sorted(
        peer["podSelector"]["matchLabels"]["app.kubernetes.io/name"]
        for rule in policy["ingress"]
        for peer in rule["from"]
        if "podSelector" in peer
    )
    assert callers == ["ai-service", "api-gateway", "auth-service", "codepal-app", "postgres-backup", "prometheus"]
    deny = load(rendered_root, "prod", "codepal-prod/networkpolicy-default-deny.yaml")["spec"]
    assert deny == {"podSelector": {}, "policyTypes": ["Ingress", "Egress"], "ingress": [], "egress": []}


def test_an_unknown_dependency_is_an_input_error(project: Path, run: Run) -> None:
    base = project / "environments/_base.yaml"
    text = base.read_text(encoding="utf-8").replace(
        "depends_on: [postgres, redis]\n    probes", "depends_on: [postgress]\n    probes"
    )
    base.write_text(text, encoding="utf-8")
    result = run("-C", project, "render", "dev")
    assert result.code == 2
    assert "services.ai-service.depends_on: unknown dependency 'postgress'" in result.err


def test_node_exporter_runs_alone_in_a_privileged_namespace(rendered_root: Path) -> None:
    labels = load(rendered_root, "prod", "cluster/namespace-codepal-prod-node-exporter.yaml")["metadata"]["labels"]
    assert labels["pod-security.kubernetes.io/enforce"] == "privileged"
    assert (labels["pod-security.kubernetes.io/audit"], labels["pod-security.kubernetes.io/warn"]) == (
        "restricted",
    ) * 2
    app = load(rendered_root, "prod", "cluster/namespace-codepal-prod.yaml")["metadata"]["labels"]
    assert (app["pod-security.kubernetes.io/enforce"], app["pod-security.kubernetes.io/enforce-version"]) == (
        "restricted",
        "v1.31",
    )
    folder = rendered_root / "out/prod/kubernetes/codepal-prod-node-exporter"
    assert sorted(p.name for p in folder.iterdir()) == [
        "daemonset-node-exporter.yaml",
        "networkpolicy-allow-dns.yaml",
        "networkpolicy-default-deny.yaml",
        "networkpolicy-node-exporter.yaml",
        "role-prometheus.yaml",
        "rolebinding-prometheus.yaml",
        "service-node-exporter.yaml",
        "serviceaccount-node-exporter.yaml",
    ]


def test_scrape_targets_follow_the_observability_contract(rendered_root: Path) -> None:
    """Service name, namespace, port name and number, and labels Prometheus keeps targets by."""
    found = {}
    for path in (rendered_root / "out/prod/kubernetes").glob("*/service-*.yaml"):
        doc = yaml.load_data(path.read_text(encoding="utf-8"))
        ports = {p["name"]: p["port"] for p in doc["spec"]["ports"]}
        labels = doc["metadata"]["labels"]
        assert labels["app.kubernetes.io/name"] == doc["metadata"]["name"]
        assert labels["app.kubernetes.io/part-of"] == "codepal"
        found[(doc["metadata"]["namespace"], doc["metadata"]["name"])] = ports
    app, mon = "codepal-prod", "codepal-prod-monitoring"
    assert found == {
        (app, "codepal-app"): {"http": 3000},
        (app, "api-gateway"): {"http": 8080},
        (app, "ai-service"): {"http": 8000},
        (app, "auth-service"): {"http": 8081},
        (app, "postgres"): {"postgres": 5432, "metrics": 9187},
        (app, "redis"): {"redis": 6379, "metrics": 9121},
        (mon, "prometheus"): {"web": 9090},
        (mon, "alertmanager"): {"web": 9093},
        # gossip only: no web port, so the alertmanager job does not scrape each replica twice
        (mon, "alertmanager-headless"): {"mesh-tcp": 9094, "mesh-udp": 9094},
        (mon, "grafana"): {"http": 3000},
        (mon, "kube-state-metrics"): {"http-metrics": 8080, "telemetry": 8081},
        ("codepal-prod-node-exporter", "node-exporter"): {"metrics": 9100},
    }
    backup = load(rendered_root, "prod", "codepal-prod/cronjob-postgres-backup.yaml")
    assert backup["spec"]["schedule"] == "0 3 * * *"
    script = load(rendered_root, "prod", "codepal-prod/configmap-postgres-backup.yaml")["data"]["backup.sh"]
    assert "pg_dump --no-owner --no-privileges | gzip -9" in script
    env = {
        e["name"]: e["value"] for e in backup["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    assert (env["BACKUP_BUCKET"], env["BACKUP_PREFIX"], env["BACKUP_RETENTION_DAYS"]) == (
        "codepal-backups-prod",  # the bucket Terraform creates (terraform.backups.bucket)
        "production",
        "30",
    )


def _alertmanager(root: Path, env: str) -> tuple[Any, list[str], set[str]]:
    """(StatefulSet spec, --cluster.* arguments, file names) of an environment's Alertmanager."""
    mon = f"codepal-{env}-monitoring"
    spec = load(root, env, f"{mon}/statefulset-alertmanager.yaml")["spec"]
    cluster = [a for a in container({"spec": spec})["args"] if a.startswith("--cluster.")]
    files = {p.name for p in (root / K8S.format(env=env) / mon).iterdir()}
    return spec, cluster, files


def test_alertmanager_replicas_form_a_gossip_cluster(rendered_root: Path) -> None:
    for env, count in (("prod", 3), ("staging", 2)):  # staging: 3 at 50 %, rounded up
        spec, cluster, files = _alertmanager(rendered_root, env)
        headless = f"alertmanager-headless.codepal-{env}-monitoring.svc:9094"
        assert (spec["replicas"], spec["serviceName"]) == (count, "alertmanager-headless")
        assert cluster == [
            "--cluster.listen-address=0.0.0.0:9094",
            *(f"--cluster.peer=alertmanager-{i}.{headless}" for i in range(count)),
        ]
        assert "poddisruptionbudget-alertmanager.yaml" in files
        zones = spec["template"]["spec"]["topologySpreadConstraints"][0]
        assert (zones["topologyKey"], zones["whenUnsatisfiable"]) == ("topology.kubernetes.io/zone", "DoNotSchedule")
    budget = load(rendered_root, "prod", "codepal-prod-monitoring/poddisruptionbudget-alertmanager.yaml")["spec"]
    assert (budget["maxUnavailable"], "minAvailable" in budget) == (1, False)
    ports = load(rendered_root, "prod", "codepal-prod-monitoring/service-alertmanager-headless.yaml")["spec"]
    assert (ports["clusterIP"], ports["publishNotReadyAddresses"]) == ("None", True)
    assert [(p["port"], p["protocol"]) for p in ports["ports"]] == [(9094, "TCP"), (9094, "UDP")]


def test_one_alertmanager_replica_runs_without_cluster_or_budget(rendered_root: Path) -> None:
    spec, cluster, files = _alertmanager(rendered_root, "dev")
    assert (spec["replicas"], spec["serviceName"]) == (1, "alertmanager-headless")
    assert cluster == ["--cluster.listen-address="]
    assert "poddisruptionbudget-alertmanager.yaml" not in files
    assert [p["name"] for p in container({"spec": spec})["ports"]] == ["web"]
    policy = load(rendered_root, "dev", "codepal-dev-monitoring/networkpolicy-alertmanager.yaml")["spec"]
    assert all(p["port"] != 9094 for rule in policy["ingress"] + policy["egress"] for p in rule["ports"])


def test_alertmanager_replicas_may_gossip_with_each_other_only(rendered_root: Path) -> None:
    policy = load(rendered_root, "prod", "codepal-prod-monitoring/networkpolicy-alertmanager.yaml")["spec"]
    own = policy["podSelector"]["matchLabels"]
    gossip = [{"port": 9094, "protocol": "TCP"}, {"port": 9094, "protocol": "UDP"}]
    for direction, peers in (("ingress", "from"), ("egress", "to")):
        rules = [rule for rule in policy[direction] if gossip == rule["ports"]]
        assert [[peer["podSelector"]["matchLabels"] for peer in rule[peers]] for rule in rules] == [[own]]


def test_alertmanager_peers_and_alert_targets_follow_the_replica_count(project: Path, run: Run) -> None:
    base = project / "environments/_base.yaml"
    text = base.read_text(encoding="utf-8")
    assert text.count("      replicas: 3\n    grafana:") == 1
    base.write_text(
        text.replace("      replicas: 3\n    grafana:", "      replicas: 5\n    grafana:"), encoding="utf-8"
    )
    assert run("-C", project, "render", "prod", "staging").code == 0
    for env, count in (("prod", 5), ("staging", 3)):
        _, cluster, _ = _alertmanager(project, env)
        assert len([a for a in cluster if a.startswith("--cluster.peer=")]) == count
        config = yaml.load_data((project / f"out/{env}/prometheus/prometheus.yml").read_text(encoding="utf-8"))
        targets = config["alerting"]["alertmanagers"][0]["static_configs"][0]["targets"]
        assert targets == [
            f"alertmanager-{i}.alertmanager-headless.codepal-{env}-monitoring.svc:9093" for i in range(count)
        ]
        rules = yaml.load_data((project / f"out/{env}/prometheus/rules/meta.yaml").read_text(encoding="utf-8"))
        mismatch = next(
            r for r in rules["groups"][0]["rules"] if r.get("alert") == "AlertmanagerClusterMembersMismatch"
        )
        assert mismatch["expr"].endswith(f"[5m])) < {count}")


RBAC_ENV = """\
extends: prod
services:
  api-gateway:
    api_access:
      rules:
        - api_groups: [""]
          resources: [configmaps]
          verbs: [get, list, watch]
        - api_groups: [coordination.k8s.io]
          resources: [leases]
          verbs: [get, create, update]
        - api_groups: [""]
          resources: [secrets]
          verbs: [get]
          resource_names: [api-gateway-secrets]
"""
TOKEN_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


def test_api_access_grants_exactly_the_declared_rules(project: Path, run: Run) -> None:
    (project / "environments/rbac.yaml").write_text(RBAC_ENV, encoding="utf-8")
    assert run("-C", project, "render", "rbac").code == 0
    app = "codepal-prod"
    role = load(project, "rbac", f"{app}/role-api-gateway.yaml")
    assert (role["metadata"]["name"], role["metadata"]["namespace"]) == ("api-gateway", app)
    assert role["rules"] == [
        {"apiGroups": [""], "resources": ["configmaps"], "verbs": ["get", "list", "watch"]},
        {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["get", "create", "update"]},
        {"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"], "resourceNames": ["api-gateway-secrets"]},
    ]
    binding = load(project, "rbac", f"{app}/rolebinding-api-gateway.yaml")
    assert binding["roleRef"] == {"apiGroup": "rbac.authorization.k8s.io", "kind": "Role", "name": "api-gateway"}
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "api-gateway", "namespace": app}]
    # Both blue-green slots run as the one ServiceAccount the binding names; the token is
    # projected explicitly, the automount stays off.
    for slot in ("blue", "green"):
        spec = load(project, "rbac", f"{app}/deployment-api-gateway-{slot}.yaml")["spec"]["template"]["spec"]
        assert (spec["serviceAccountName"], spec["automountServiceAccountToken"]) == ("api-gateway", False)
        volume = next(v for v in spec["volumes"] if v["name"] == "kube-api-access")
        token = {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}}
        assert volume["projected"]["sources"][0] == token
        mount = {"name": "kube-api-access", "mountPath": TOKEN_DIR, "readOnly": True}
        assert mount in spec["containers"][0]["volumeMounts"]
    account = load(project, "rbac", f"{app}/serviceaccount-api-gateway.yaml")
    assert account["automountServiceAccountToken"] is False
    policy = load(project, "rbac", f"{app}/networkpolicy-api-gateway.yaml")["spec"]
    assert any(p == {"port": 443, "protocol": "TCP"} for rule in policy["egress"] for p in rule["ports"])
    roles = sorted(p.name for p in (project / K8S.format(env="rbac") / app).glob("role*-*.yaml"))
    assert roles == [
        "role-api-gateway.yaml",
        "role-kube-state-metrics.yaml",
        "role-prometheus.yaml",
        "rolebinding-api-gateway.yaml",
        "rolebinding-kube-state-metrics.yaml",
        "rolebinding-prometheus.yaml",
    ]
    result = run("-C", project, "validate", "rbac", "--only", "kubernetes-schema,pss,checkov,kubernetes-refs")
    assert result.code == 0, result.out + result.err


def test_services_without_api_access_get_no_role_and_no_token(rendered_root: Path) -> None:
    for env in ("prod", "staging", "dev"):
        folder = rendered_root / K8S.format(env=env) / f"codepal-{env}"
        names = {p.name for p in folder.iterdir()}
        assert {n for n in names if n.startswith("role")} == {
            "role-kube-state-metrics.yaml",
            "role-prometheus.yaml",
            "rolebinding-kube-state-metrics.yaml",
            "rolebinding-prometheus.yaml",
        }
        for service in ("codepal-app", "api-gateway", "ai-service", "auth-service"):
            account = load(rendered_root, env, f"codepal-{env}/serviceaccount-{service}.yaml")
            assert account["automountServiceAccountToken"] is False
        for path in folder.glob("deployment-*.yaml"):
            spec = yaml.load_data(path.read_text(encoding="utf-8"))["spec"]["template"]["spec"]
            assert spec["automountServiceAccountToken"] is False, path
            assert all(v["name"] != "kube-api-access" for v in spec["volumes"]), path
