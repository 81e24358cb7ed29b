"""Grafana dashboards as data: panels, deterministic ids and a gridPos layout without overlaps.

Every panel reads the one ``datasource`` template variable, has a unit and a
description, and reads counters only through ``rate()``/``increase()`` over
``$__rate_interval``. The ``grafana-lint`` validator checks all of that again
on the rendered JSON.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .observability_numbers import dec, num

#: Grafana release -> the dashboard schemaVersion it writes.
SCHEMA_VERSIONS: Mapping[str, int] = {
    "10.4": 39,
    "11.0": 39,
    "11.1": 39,
    "11.2": 39,
    "11.3": 40,
    "11.4": 40,
    "11.5": 40,
    "11.6": 41,
    "12.0": 41,
}
GRID_WIDTH = 24
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}
RI = "$__rate_interval"


@dataclass(frozen=True)
class Panel:
    title: str
    description: str
    unit: str
    targets: tuple[tuple[str, str], ...]  # (expr, legend)
    kind: str = "timeseries"
    width: int = 12
    height: int = 8


def _layout(panels: list[Panel]) -> list[dict[str, Any]]:
    """Left to right, wrapping at 24 columns; a row is as tall as its tallest panel."""
    result, x, y, row_height = [], 0, 0, 0
    for index, panel in enumerate(panels, start=1):
        if x + panel.width > GRID_WIDTH:
            x, y, row_height = 0, y + row_height, 0
        result.append(
            {
                "id": index,
                "type": panel.kind,
                "title": panel.title,
                "description": panel.description,
                "unit": panel.unit,
                "gridPos": {"h": panel.height, "w": panel.width, "x": x, "y": y},
                "targets": [
                    {"refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend}
                    for i, (expr, legend) in enumerate(panel.targets)
                ],
            }
        )
        x, row_height = x + panel.width, max(row_height, panel.height)
    return result


def _stat(title: str, description: str, unit: str, expr: str) -> Panel:
    return Panel(title, description, unit, ((expr, title),), kind="stat", width=6, height=4)


def _application(ns: str, services: str, budget: str) -> list[Panel]:
    app = f'namespace="{ns}"'
    rate = f"rate(http_requests_total{{{app}}}[{RI}])"
    buckets = f"sum by (le) (rate(http_request_duration_seconds_bucket{{{app}}}[{RI}]))"
    return [
        _stat("Requests per second", "All requests per second across CodePal's services.", "reqps", f"sum({rate})"),
        _stat(
            "Active users",
            "Users with an active session, as reported by codepal-app.",
            "short",
            f"sum(codepal_active_users{{{app}}})",
        ),
        _stat(
            "Sign-ups",
            "New user sign-ups in the selected interval.",
            "short",
            f"sum(increase(codepal_user_signups_total{{{app}}}[{RI}]))",
        ),
        _stat("Services up", "Service instances that answer scrapes.", "short", f'sum(up{{{app}, job=~"{services}"}})'),
        Panel(
            "Request rate by service",
            "Requests per second, per service.",
            "reqps",
            ((f"sum by (job) ({rate})", "{{job}}"),),
        ),
        Panel(
            "Error ratio by service",
            "Share of requests answered with 5xx, per service.",
            "percentunit",
            (
                (
                    f'sum by (job) (rate(http_requests_total{{{app}, status=~"5.."}}[{RI}])) / sum by (job) ({rate})',
                    "{{job}}",
                ),
            ),
        ),
        Panel(
            "Responses by status",
            "Requests per second by HTTP status code.",
            "reqps",
            ((f"sum by (status) ({rate})", "{{status}}"),),
        ),
        Panel(
            "Latency percentiles",
            "p50, p95 and p99 request latency across services.",
            "s",
            tuple(
                (f"histogram_quantile({q}, {buckets})", name)
                for name, q in (("p50", "0.5"), ("p95", "0.95"), ("p99", "0.99"))
            ),
        ),
        Panel(
            "Availability budget burn rate (1h)",
            "How many times faster than sustainable the 30-day error budget is spent "
            f"(1 = on budget; budget {budget}).",
            "short",
            ((f"namespace_job:http_requests_errors:ratio_rate1h / {budget}", "{{job}}"),),
        ),
        Panel(
            "Failed logins",
            "Rejected logins per second at auth-service (security signal).",
            "reqps",
            ((f"sum by (job) (rate(auth_login_failures_total{{{app}}}[{RI}]))", "{{job}}"),),
        ),
    ]


def _infrastructure(ns: str) -> list[Panel]:
    app = f'namespace="{ns}", container!=""'
    fs = 'fstype!~"tmpfs|overlay|squashfs"'
    return [
        _stat(
            "Cluster CPU usage",
            "Share of all node CPU time not idle.",
            "percentunit",
            f'sum(rate(node_cpu_seconds_total{{mode!="idle"}}[{RI}])) / sum(rate(node_cpu_seconds_total[{RI}]))',
        ),
        _stat(
            "Cluster memory usage",
            "Share of all node memory in use.",
            "percentunit",
            "1 - sum(node_memory_MemAvailable_bytes) / sum(node_memory_MemTotal_bytes)",
        ),
        _stat(
            "Nodes not ready",
            "Nodes whose Ready condition is not true.",
            "short",
            'sum(kube_node_status_condition{condition="Ready", status!="true"})',
        ),
        _stat(
            "Pod restarts",
            "Container restarts in the application namespace in the selected interval.",
            "short",
            f'sum(increase(kube_pod_container_status_restarts_total{{namespace="{ns}"}}[{RI}]))',
        ),
        Panel(
            "Node CPU usage",
            "Non-idle CPU share per node.",
            "percentunit",
            ((f'1 - avg by (instance) (rate(node_cpu_seconds_total{{mode="idle"}}[{RI}]))', "{{instance}}"),),
        ),
        Panel(
            "Node memory usage",
            "Memory in use per node.",
            "percentunit",
            ((r"1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes", "{{instance}}"),),
        ),
        Panel(
            "Node disk usage",
            "Filesystem usage per node and mount point.",
            "percentunit",
            (
                (
                    f"1 - max by (instance, mountpoint) (node_filesystem_avail_bytes{{{fs}}}) / "
                    "max by (instance, mountpoint) "
                    f"(node_filesystem_size_bytes{{{fs}}})",
                    "{{instance}} {{mountpoint}}",
                ),
            ),
        ),
        Panel(
            "Node network traffic",
            "Bytes per second received and sent per node.",
            "Bps",
            (
                (f"sum by (instance) (rate(node_network_receive_bytes_total[{RI}]))", "{{instance}} in"),
                (f"sum by (instance) (rate(node_network_transmit_bytes_total[{RI}]))", "{{instance}} out"),
            ),
        ),
        Panel(
            "Node network errors",
            "Receive and transmit errors per second per node.",
            "short",
            (
                (f"sum by (instance) (rate(node_network_receive_errs_total[{RI}]))", "{{instance}} in"),
                (f"sum by (instance) (rate(node_network_transmit_errs_total[{RI}]))", "{{instance}} out"),
            ),
        ),
        Panel(
            "Pod CPU usage",
            "CPU cores used per pod.",
            "short",
            ((f"sum by (pod) (rate(container_cpu_usage_seconds_total{{{app}}}[{RI}]))", "{{pod}}"),),
        ),
        Panel(
            "Pod memory usage",
            "Working-set memory per pod.",
            "bytes",
            ((f"sum by (pod) (container_memory_working_set_bytes{{{app}}})", "{{pod}}"),),
        ),
        Panel(
            "Pod network traffic",
            "Bytes per second received and sent per pod.",
            "Bps",
            (
                (f'sum by (pod) (rate(container_network_receive_bytes_total{{namespace="{ns}"}}[{RI}]))', "{{pod}} in"),
                (
                    f'sum by (pod) (rate(container_network_transmit_bytes_total{{namespace="{ns}"}}[{RI}]))',
                    "{{pod}} out",
                ),
            ),
        ),
        Panel(
            "Pod disk I/O",
            "Bytes per second read and written per pod.",
            "Bps",
            (
                (f"sum by (pod) (rate(container_fs_reads_bytes_total{{{app}}}[{RI}]))", "{{pod}} read"),
                (f"sum by (pod) (rate(container_fs_writes_bytes_total{{{app}}}[{RI}]))", "{{pod}} write"),
            ),
        ),
        Panel(
            "Volume usage",
            "Share of each PersistentVolumeClaim in use.",
            "percentunit",
            (
                (
                    f'1 - max by (persistentvolumeclaim) (kubelet_volume_stats_available_bytes{{namespace="{ns}"}}) / '
                    f'max by (persistentvolumeclaim) (kubelet_volume_stats_capacity_bytes{{namespace="{ns}"}})',
                    "{{persistentvolumeclaim}}",
                ),
            ),
        ),
    ]


def _database(ns: str) -> list[Panel]:
    db = f'namespace="{ns}"'
    hit, read = (
        f"sum(rate(pg_stat_database_blks_hit{{{db}}}[{RI}]))",
        f"sum(rate(pg_stat_database_blks_read{{{db}}}[{RI}]))",
    )
    r_hit = f"sum(rate(redis_keyspace_hits_total{{{db}}}[{RI}]))"
    r_miss = f"sum(rate(redis_keyspace_misses_total{{{db}}}[{RI}]))"
    return [
        _stat("PostgreSQL up", "1 when postgres_exporter can connect to PostgreSQL.", "short", f"max(pg_up{{{db}}})"),
        _stat("Redis up", "1 when redis_exporter can connect to Redis.", "short", f"max(redis_up{{{db}}})"),
        _stat(
            "Time since last backup",
            "Time since the postgres-backup CronJob last succeeded.",
            "s",
            f'time() - max(kube_cronjob_status_last_successful_time{{{db}, cronjob="postgres-backup"}})',
        ),
        _stat(
            "Failed backup runs",
            "postgres-backup Jobs in the Failed state.",
            "short",
            f'sum(kube_job_status_failed{{{db}, job_name=~"postgres-backup-.*"}})',
        ),
        Panel(
            "PostgreSQL connections",
            "Open connections against max_connections.",
            "short",
            (
                (f"sum(pg_stat_database_numbackends{{{db}}})", "connections"),
                (f"max(pg_settings_max_connections{{{db}}})", "max_connections"),
            ),
        ),
        Panel(
            "Transactions",
            "Commits and rollbacks per second.",
            "ops",
            (
                (f"sum(rate(pg_stat_database_xact_commit{{{db}}}[{RI}]))", "commits"),
                (f"sum(rate(pg_stat_database_xact_rollback{{{db}}}[{RI}]))", "rollbacks"),
            ),
        ),
        Panel(
            "Buffer cache hit ratio",
            "Share of block reads served from shared buffers (query performance).",
            "percentunit",
            ((f"{hit} / ({hit} + {read})", "hit ratio"),),
        ),
        Panel(
            "Rows fetched",
            "Rows fetched by queries per second.",
            "short",
            ((f"sum(rate(pg_stat_database_tup_fetched{{{db}}}[{RI}]))", "rows"),),
        ),
        Panel("Locks", "Locks held, by mode.", "short", ((f"sum by (mode) (pg_locks_count{{{db}}})", "{{mode}}"),)),
        Panel(
            "Deadlocks",
            "Deadlocks detected in the selected interval.",
            "short",
            ((f"sum(increase(pg_stat_database_deadlocks{{{db}}}[{RI}]))", "deadlocks"),),
        ),
        Panel(
            "Replication lag",
            "How far each replica is behind the primary.",
            "s",
            ((f"max by (instance) (pg_replication_lag_seconds{{{db}}})", "{{instance}}"),),
        ),
        Panel(
            "Database size",
            "Size of each database.",
            "bytes",
            ((f"sum by (datname) (pg_database_size_bytes{{{db}}})", "{{datname}}"),),
        ),
        Panel(
            "Redis memory",
            "Memory used against maxmemory.",
            "bytes",
            ((f"sum(redis_memory_used_bytes{{{db}}})", "used"), (f"sum(redis_memory_max_bytes{{{db}}})", "maxmemory")),
        ),
        Panel(
            "Redis hit ratio and clients",
            "Keyspace hit ratio of the cache.",
            "percentunit",
            ((f"{r_hit} / ({r_hit} + {r_miss})", "hit ratio"),),
        ),
        Panel(
            "Redis commands",
            "Commands processed per second.",
            "ops",
            ((f"sum(rate(redis_commands_processed_total{{{db}}}[{RI}]))", "commands"),),
        ),
        Panel("Redis clients", "Connected clients.", "short", ((f"sum(redis_connected_clients{{{db}}})", "clients"),)),
    ]


def dashboards(config: Mapping[str, Any], env: str) -> dict[str, dict[str, Any]]:
    """name -> dashboard model (the ``obs_dashboard`` fan-out)."""
    ns = config["kubernetes"]["namespace"]
    grafana = config["observability"]["grafana"]
    budget = num(1 - dec(config["observability"]["slo"]["availability"]))
    services = "|".join(config.get("services", {}))
    panels = {
        "application": ("Application", _application(ns, services, budget)),
        "infrastructure": ("Infrastructure", _infrastructure(ns)),
        "database": ("Database", _database(ns)),
    }
    return {
        name: {
            "uid": f"codepal-{name}",
            "title": f"CodePal {title} ({env})",
            "tags": ["codepal", env, name],
            "schema_version": SCHEMA_VERSIONS[grafana["version"]],
            "refresh": grafana["refresh"],
            "time_from": f"now-{grafana['time_range']}",
            "datasource": DATASOURCE,
            "panels": _layout(items),
        }
        for name, (title, items) in panels.items()
    }
