"""Platform alerts: resource usage, Kubernetes workloads, PostgreSQL, Redis, backups, certificates, Watchdog
(and, from :mod:`.observability_alerts_alerting`, the Alertmanager cluster)."""

from __future__ import annotations

from decimal import Decimal

from .observability_alerts import STEPS, Setting, _app_down, _beyond, _errors_and_security, _performance, _pods, _slo
from .observability_alerts_alerting import alertmanager_cluster
from .observability_numbers import num
from .observability_rules import AlertSpec, Scenario, Series, Step, gauge, sel

GIB = Decimal(2**30)


def _ratio_alert(
    name: str,
    group: str,
    expr: str,
    for_duration: str,
    summary: str,
    description: str,
    meaning: str,
    steps: tuple[Step, ...],
    threshold: Decimal,
    series: object,
    labels: dict[str, str],
) -> AlertSpec:
    """An alert on ``ratio > threshold``; ``series(ratio)`` builds input series with that ratio."""
    assert callable(series)
    return AlertSpec(
        name,
        group,
        "warning",
        f"{expr} > {num(threshold)}",
        for_duration,
        summary,
        description + " (threshold: " + num(threshold) + ").",
        meaning,
        steps,
        Scenario(series(_beyond(threshold)), "40m"),
        labels,
        _beyond(threshold),
        Scenario(series(threshold / 2), "40m"),
    )


def _resources(s: Setting) -> list[AlertSpec]:
    ns, pods = s.namespace, _pods(s)
    ksm = {"job": "kube-state-metrics", "instance": "10.0.9.10:8080"}
    top = Step("See current usage.", f"kubectl top pods -n {ns} --containers")
    fs = {"instance": "10.0.20.5:9100", "mountpoint": "/", "fstype": "ext4", "job": "node-exporter"}
    pvc = {"namespace": ns, "persistentvolumeclaim": "data-postgres-0", "job": "kubelet", "instance": "10.0.20.5:10250"}
    limits = 'kube_pod_container_resource_limits{namespace="%s", resource="%s"}'
    return [
        _ratio_alert(
            "HighCPUUsage",
            "resources",
            "sum by (namespace, pod, container) "
            f'(rate(container_cpu_usage_seconds_total{{namespace="{ns}", container!=""}}[5m]))'
            f" / sum by (namespace, pod, container) ({limits % (ns, 'cpu')})",
            "15m",
            "A container uses most of its CPU limit and is likely throttled.",
            "{container} in {namespace}/{pod} uses {value_pct} of its CPU limit",
            "High resource usage: the container is throttled, requests slow down.",
            (top, Step("Check whether the HPA can still scale out.", f"kubectl get hpa -n {ns}")),
            s.t("cpu_usage"),
            lambda r: (
                Series(sel("container_cpu_usage_seconds_total", **pods), f"0+{num(r * 30)}x{STEPS}"),
                Series(
                    sel("kube_pod_container_resource_limits", resource="cpu", unit="core", **pods, **ksm),
                    gauge(Decimal("0.5"), STEPS),
                ),
            ),
            {"namespace": ns, "pod": pods["pod"], "container": pods["container"]},
        ),
        _ratio_alert(
            "HighMemoryUsage",
            "resources",
            "max by (namespace, pod, container) "
            f'(container_memory_working_set_bytes{{namespace="{ns}", container!=""}})'
            f" / max by (namespace, pod, container) ({limits % (ns, 'memory')})",
            "15m",
            "A container's memory is close to its limit and it risks being OOM-killed.",
            "{container} in {namespace}/{pod} uses {value_pct} of its memory limit",
            "High resource usage: the container is about to be OOM-killed.",
            (top, Step("Look for OOM kills.", f"kubectl get events -n {ns} --field-selector reason=OOMKilling")),
            s.t("memory_usage"),
            lambda r: (
                Series(sel("container_memory_working_set_bytes", **pods), gauge(r * GIB, STEPS)),
                Series(
                    sel("kube_pod_container_resource_limits", resource="memory", unit="byte", **pods, **ksm),
                    gauge(GIB, STEPS),
                ),
            ),
            {"namespace": ns, "pod": pods["pod"], "container": pods["container"]},
        ),
        _ratio_alert(
            "NodeDiskFilling",
            "resources",
            '1 - max by (instance, mountpoint) (node_filesystem_avail_bytes{fstype!~"tmpfs|overlay|squashfs"})'
            ' / max by (instance, mountpoint) (node_filesystem_size_bytes{fstype!~"tmpfs|overlay|squashfs"})',
            "30m",
            "A node filesystem is almost full.",
            "{mountpoint} on node {instance} is {value_pct} full",
            "When a node's disk fills up the kubelet evicts pods and images cannot be pulled.",
            (Step("See node conditions.", "kubectl describe node <node>"),),
            s.t("node_disk_usage"),
            lambda r: (
                Series(sel("node_filesystem_avail_bytes", **fs), gauge((1 - r) * 100 * GIB, STEPS)),
                Series(sel("node_filesystem_size_bytes", **fs), gauge(100 * GIB, STEPS)),
            ),
            {"instance": fs["instance"], "mountpoint": "/"},
        ),
        _ratio_alert(
            "PersistentVolumeFillingUp",
            "resources",
            f'1 - max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_available_bytes{{namespace="{ns}"}})'
            f' / max by (namespace, persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{{namespace="{ns}"}})',
            "15m",
            "A persistent volume is almost full.",
            "Volume {persistentvolumeclaim} in {namespace} is {value_pct} full",
            "A full volume stops PostgreSQL or Redis from writing.",
            (
                Step("See the claim.", f"kubectl describe pvc <claim> -n {ns}"),
                Step("Expand the volume (the storage class allows expansion) or free space."),
            ),
            s.t("pvc_usage"),
            lambda r: (
                Series(sel("kubelet_volume_stats_available_bytes", **pvc), gauge((1 - r) * 100 * GIB, STEPS)),
                Series(sel("kubelet_volume_stats_capacity_bytes", **pvc), gauge(100 * GIB, STEPS)),
            ),
            {"namespace": ns, "persistentvolumeclaim": "data-postgres-0"},
        ),
    ]


def _workloads(s: Setting) -> list[AlertSpec]:
    ns, pods = s.namespace, _pods(s)
    ksm = {"job": "kube-state-metrics", "instance": "10.0.9.10:8080"}
    restarts = s.t("pod_restarts")
    hpa = {"namespace": ns, "horizontalpodautoscaler": s.service, **ksm}
    hpa_max = Decimal(s.hpa_max)
    return [
        AlertSpec(
            "KubePodCrashLooping",
            "resources",
            "warning",
            "sum by (namespace, pod, container) "
            f'(increase(kube_pod_container_status_restarts_total{{namespace="{ns}"}}[15m]))'
            f" > {num(restarts)}",
            "5m",
            "A container keeps restarting.",
            "{container} in {namespace}/{pod} restarted {value_0f} times in 15 minutes (threshold: "
            + num(restarts)
            + ").",
            "The container crashes repeatedly; its capacity is missing and it may be failing requests.",
            (
                Step("Read the logs of the previous run.", f"kubectl logs -n {ns} <pod> -c <container> --previous"),
                Step("Check events.", f"kubectl describe pod <pod> -n {ns}"),
            ),
            Scenario(
                (
                    Series(
                        sel("kube_pod_container_status_restarts_total", **pods, **ksm),
                        f"0+{num(restarts * 2 / 15)}x{STEPS}",
                    ),
                ),
                "30m",
            ),
            {"namespace": ns, "pod": pods["pod"], "container": pods["container"]},
            restarts * 2,
            Scenario((Series(sel("kube_pod_container_status_restarts_total", **pods, **ksm), gauge(2, STEPS)),), "30m"),
        ),
        AlertSpec(
            "HPAAtMaximum",
            "resources",
            "warning",
            "max by (namespace, horizontalpodautoscaler) "
            f'(kube_horizontalpodautoscaler_status_current_replicas{{namespace="{ns}"}})'
            " >= max by (namespace, horizontalpodautoscaler) "
            f'(kube_horizontalpodautoscaler_spec_max_replicas{{namespace="{ns}"}})',
            "15m",
            "An autoscaler has run at its maximum replica count for a while.",
            "HPA {horizontalpodautoscaler} in {namespace} has run at its maximum of {value_0f} "
            "replicas for 15 minutes.",
            "The service cannot scale out further; more load will degrade it.",
            (
                Step("See the HPA's metrics.", f"kubectl describe hpa <hpa> -n {ns}"),
                Step("Raise replicas.max in the environment file if the load is legitimate."),
            ),
            Scenario(
                (
                    Series(sel("kube_horizontalpodautoscaler_status_current_replicas", **hpa), gauge(hpa_max, STEPS)),
                    Series(sel("kube_horizontalpodautoscaler_spec_max_replicas", **hpa), gauge(hpa_max, STEPS)),
                ),
                "30m",
            ),
            {"namespace": ns, "horizontalpodautoscaler": s.service},
            hpa_max,
            Scenario(
                (
                    Series(sel("kube_horizontalpodautoscaler_status_current_replicas", **hpa), gauge(1, STEPS)),
                    Series(sel("kube_horizontalpodautoscaler_spec_max_replicas", **hpa), gauge(hpa_max, STEPS)),
                ),
                "30m",
            ),
        ),
    ]


def _database(s: Setting) -> list[AlertSpec]:
    ns = s.namespace
    ksm = {"job": "kube-state-metrics", "instance": "10.0.9.10:8080", "namespace": ns}
    pg = {"namespace": ns, "job": "postgres", "instance": "10.0.2.10:9187"}
    redis = {"namespace": ns, "job": "redis", "instance": "10.0.3.10:9121"}
    lag, age = s.t("replication_lag_seconds"), s.t("backup_max_age_hours")
    backup = sel("kube_job_status_failed", job_name="postgres-backup-29017440", **ksm)
    cron = sel("kube_cronjob_status_last_successful_time", cronjob="postgres-backup", **ksm)
    backups = Step("List the backup runs.", f"kubectl get jobs -n {ns} -l app.kubernetes.io/name=postgres-backup")
    return [
        AlertSpec(
            "PostgresBackupFailed",
            "database",
            "warning",
            f'max by (namespace, job_name) (kube_job_status_failed{{namespace="{ns}", '
            f'job_name=~"postgres-backup-.*"}}) > 0',
            "1m",
            "A PostgreSQL backup run failed.",
            "Backup job {job_name} in {namespace} failed.",
            "Backup failure: the recovery point is older than planned.",
            (
                backups,
                Step("Read the failed run's logs.", f"kubectl logs -n {ns} job/<job>"),
                Step(
                    "Start a backup by hand.",
                    f"kubectl create job -n {ns} --from=cronjob/postgres-backup postgres-backup-manual",
                ),
            ),
            Scenario((Series(backup, gauge(1, STEPS)),), "10m"),
            {"namespace": ns, "job_name": "postgres-backup-29017440"},
            None,
            Scenario((Series(backup, gauge(0, STEPS)),), "10m"),
        ),
        AlertSpec(
            "PostgresBackupTooOld",
            "database",
            "warning",
            "(time() - max by (namespace, cronjob) "
            f'(kube_cronjob_status_last_successful_time{{namespace="{ns}", cronjob="postgres-backup"}}))'
            f" / 3600 > {num(age)}",
            "10m",
            "The last successful PostgreSQL backup is too old.",
            "The last successful postgres-backup run in {namespace} finished {value_1f} hours ago (threshold: "
            + num(age)
            + " hours).",
            "Backup failure: daily backups stopped succeeding.",
            (backups, Step("Check the CronJob is not suspended.", f"kubectl get cronjob postgres-backup -n {ns}")),
            Scenario((Series(cron, gauge(-age * 2 * 3600, STEPS)),), "30m"),
            {"namespace": ns, "cronjob": "postgres-backup"},
            age * 2 + Decimal("0.5"),
            Scenario((Series(cron, gauge(-age / 2 * 3600, STEPS)),), "30m"),
        ),
        AlertSpec(
            "PostgresReplicationLag",
            "database",
            "warning",
            f'max by (namespace, instance) (pg_replication_lag_seconds{{namespace="{ns}"}}) > {num(lag)}',
            "5m",
            "A PostgreSQL replica lags behind the primary.",
            "Replica {instance} in {namespace} is {value_1f}s behind the primary (threshold: " + num(lag) + "s).",
            "Reads from the replica are stale and a failover would lose recent writes.",
            (
                Step(
                    "Check replication state on the primary.",
                    f"kubectl exec -it statefulset/postgres -n {ns} -- psql -U codepal -c "
                    "'select * from pg_stat_replication'",
                ),
            ),
            Scenario((Series(sel("pg_replication_lag_seconds", **pg), gauge(lag * 2, STEPS)),), "20m"),
            {"namespace": ns, "instance": pg["instance"]},
            lag * 2,
            Scenario((Series(sel("pg_replication_lag_seconds", **pg), gauge(lag / 2, STEPS)),), "20m"),
        ),
        _ratio_alert(
            "PostgresConnectionsHigh",
            "database",
            f'sum by (namespace, instance) (pg_stat_database_numbackends{{namespace="{ns}"}})'
            f' / max by (namespace, instance) (pg_settings_max_connections{{namespace="{ns}"}})',
            "10m",
            "PostgreSQL is running out of connections.",
            "PostgreSQL {instance} in {namespace} uses {value_pct} of max_connections",
            "New connections will be refused; the application's pools cannot grow.",
            (
                Step(
                    "See who holds connections.",
                    f"kubectl exec -it statefulset/postgres -n {ns} -- psql -U codepal -c "
                    "'select usename, state, count(*) "
                    "from pg_stat_activity group by 1, 2'",
                ),
            ),
            s.t("postgres_connection_usage"),
            lambda r: (
                Series(sel("pg_stat_database_numbackends", datname="codepal", **pg), gauge(r * 200, STEPS)),
                Series(sel("pg_settings_max_connections", **pg), gauge(200, STEPS)),
            ),
            {"namespace": ns, "instance": pg["instance"]},
        ),
        _ratio_alert(
            "RedisMemoryHigh",
            "database",
            f'max by (namespace, instance) (redis_memory_used_bytes{{namespace="{ns}"}})'
            f' / max by (namespace, instance) (redis_memory_max_bytes{{namespace="{ns}"}} > 0)',
            "10m",
            "Redis is close to its maxmemory and will start evicting keys.",
            "Redis {instance} in {namespace} uses {value_pct} of maxmemory",
            "Keys are about to be evicted; cache hit rate and sessions suffer.",
            (Step("See memory use.", f"kubectl exec -it deployment/redis -n {ns} -- redis-cli info memory"),),
            s.t("redis_memory_usage"),
            lambda r: (
                Series(sel("redis_memory_used_bytes", **redis), gauge(r * GIB / 2, STEPS)),
                Series(sel("redis_memory_max_bytes", **redis), gauge(GIB / 2, STEPS)),
            ),
            {"namespace": ns, "instance": redis["instance"]},
        ),
    ]


def _certificates_and_meta(s: Setting) -> list[AlertSpec]:
    days = s.t("certificate_expiry_days")
    cert = sel(
        "certmanager_certificate_expiration_timestamp_seconds",
        name="codepal-tls",
        namespace=s.namespace,
        issuer_name="letsencrypt",
        issuer_kind="ClusterIssuer",
        job="cert-manager",
        instance="10.0.8.10:9402",
    )
    eval_seconds = 90 * 60
    return [
        AlertSpec(
            "CertificateExpiringSoon",
            "certificates",
            "warning",
            "min by (namespace, name) (certmanager_certificate_expiration_timestamp_seconds - "
            f"time()) / 86400 < {num(days)}",
            "1h",
            "A TLS certificate expires soon and has not been renewed.",
            "Certificate {name} in {namespace} expires in {value_1f} days (threshold: " + num(days) + " days).",
            "cert-manager renews 30 days before expiry, so renewal has been failing; HTTPS breaks at expiry.",
            (
                Step("See the certificate's status.", f"kubectl describe certificate <name> -n {s.namespace}"),
                Step("See the ACME challenges.", f"kubectl get challenges -n {s.namespace}"),
            ),
            Scenario((Series(cert, gauge(eval_seconds + days / 2 * 86400, STEPS)),), "90m"),
            {"namespace": s.namespace, "name": "codepal-tls"},
            days / 2,
            Scenario((Series(cert, gauge(eval_seconds + days * 2 * 86400, STEPS)),), "90m"),
        ),
        AlertSpec(
            "Watchdog",
            "meta",
            "info",
            "vector(1)",
            "0s",
            "This alert always fires, to prove the alerting pipeline works.",
            "Prometheus evaluates rules and reaches Alertmanager; a dead man's switch alerts when this stops.",
            "If this alert stops arriving, alerting itself is broken.",
            (
                Step(
                    "If the dead man's switch fired: check Prometheus and Alertmanager.",
                    "kubectl get pods -n <monitoring-namespace>",
                ),
            ),
            Scenario((), "5m"),
            {},
            None,
            None,
            exempt_silent_reason="Watchdog fires by design; no input can silence it.",
        ),
    ]


def all_alerts(s: Setting) -> list[AlertSpec]:
    """Every alert of one environment, in rule-file order."""
    return [
        *_app_down(s),
        *_errors_and_security(s),
        *_slo(s),
        *_performance(s),
        *_resources(s),
        *_workloads(s),
        *_database(s),
        *_certificates_and_meta(s),
        *alertmanager_cluster(s),
    ]
