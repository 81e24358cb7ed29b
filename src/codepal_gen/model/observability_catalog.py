"""The metrics CodePal's rules and dashboards rely on, per exporter: the one list.

Each scrape job Prometheus is configured with is backed by one exporter here.
The ``prometheus-lint`` validator checks that every metric name used in a rule
or dashboard expression is produced by a generated scrape job's exporter or by
a generated recording rule, and that counters are only read through
``rate()``/``increase()``. A histogram ``h`` provides ``h_bucket``, ``h_sum``
and ``h_count`` (all counters).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

MetricType = Literal["counter", "gauge", "histogram"]

#: Every scrape target has ``up`` and ``scrape_duration_seconds`` (Prometheus adds them).
SYNTHETIC: Mapping[str, MetricType] = MappingProxyType({"up": "gauge", "scrape_duration_seconds": "gauge"})

#: exporter -> metric name -> type.
EXPORTERS: Mapping[str, Mapping[str, MetricType]] = MappingProxyType(
    {
        # CodePal's own services (prom-client in the Next.js app, the same names in the others).
        "codepal-service": MappingProxyType(
            {
                "http_requests_total": "counter",
                "http_request_duration_seconds": "histogram",
                "codepal_active_users": "gauge",
                "codepal_user_signups_total": "counter",
                "auth_login_failures_total": "counter",
                "process_cpu_seconds_total": "counter",
                "process_resident_memory_bytes": "gauge",
            }
        ),
        # prometheus-community/postgres_exporter
        "postgres-exporter": MappingProxyType(
            {
                "pg_up": "gauge",
                "pg_stat_database_numbackends": "gauge",
                "pg_settings_max_connections": "gauge",
                "pg_stat_database_xact_commit": "counter",
                "pg_stat_database_xact_rollback": "counter",
                "pg_stat_database_deadlocks": "counter",
                "pg_stat_database_blks_hit": "counter",
                "pg_stat_database_blks_read": "counter",
                "pg_stat_database_tup_fetched": "counter",
                "pg_locks_count": "gauge",
                "pg_replication_lag_seconds": "gauge",
                "pg_database_size_bytes": "gauge",
            }
        ),
        # oliver006/redis_exporter
        "redis-exporter": MappingProxyType(
            {
                "redis_up": "gauge",
                "redis_connected_clients": "gauge",
                "redis_memory_used_bytes": "gauge",
                "redis_memory_max_bytes": "gauge",
                "redis_keyspace_hits_total": "counter",
                "redis_keyspace_misses_total": "counter",
                "redis_commands_processed_total": "counter",
            }
        ),
        # kubernetes/kube-state-metrics
        "kube-state-metrics": MappingProxyType(
            {
                "kube_pod_container_resource_limits": "gauge",
                "kube_pod_container_resource_requests": "gauge",
                "kube_pod_container_status_restarts_total": "counter",
                "kube_pod_status_phase": "gauge",
                "kube_deployment_status_replicas_available": "gauge",
                "kube_horizontalpodautoscaler_status_current_replicas": "gauge",
                "kube_horizontalpodautoscaler_spec_max_replicas": "gauge",
                "kube_job_status_failed": "gauge",
                "kube_cronjob_status_last_successful_time": "gauge",
                "kube_node_status_condition": "gauge",
            }
        ),
        # prometheus/node_exporter
        "node-exporter": MappingProxyType(
            {
                "node_cpu_seconds_total": "counter",
                "node_memory_MemAvailable_bytes": "gauge",
                "node_memory_MemTotal_bytes": "gauge",
                "node_filesystem_avail_bytes": "gauge",
                "node_filesystem_size_bytes": "gauge",
                "node_network_receive_bytes_total": "counter",
                "node_network_transmit_bytes_total": "counter",
                "node_network_receive_errs_total": "counter",
                "node_network_transmit_errs_total": "counter",
                "node_load1": "gauge",
            }
        ),
        # the kubelet's own /metrics (volume statistics)
        "kubelet": MappingProxyType(
            {
                "kubelet_volume_stats_available_bytes": "gauge",
                "kubelet_volume_stats_capacity_bytes": "gauge",
            }
        ),
        # cAdvisor, served by the kubelet at /metrics/cadvisor
        "cadvisor": MappingProxyType(
            {
                "container_cpu_usage_seconds_total": "counter",
                "container_memory_working_set_bytes": "gauge",
                "container_network_receive_bytes_total": "counter",
                "container_network_transmit_bytes_total": "counter",
                "container_fs_reads_bytes_total": "counter",
                "container_fs_writes_bytes_total": "counter",
            }
        ),
        # cert-manager's controller
        "cert-manager": MappingProxyType({"certmanager_certificate_expiration_timestamp_seconds": "gauge"}),
        "prometheus": MappingProxyType({"prometheus_tsdb_head_series": "gauge"}),
        # alertmanager_cluster_* only when clustering is on (more than one replica)
        "alertmanager": MappingProxyType(
            {"alertmanager_notifications_failed_total": "counter", "alertmanager_cluster_members": "gauge"}
        ),
    }
)

_HISTOGRAM_SERIES = ("_bucket", "_sum", "_count")


def series_types(exporters: list[str]) -> dict[str, MetricType]:
    """Every series name the given exporters produce (histograms expanded), with its type."""
    result: dict[str, MetricType] = dict(SYNTHETIC)
    for exporter in exporters:
        for name, kind in EXPORTERS[exporter].items():
            if kind == "histogram":
                result.update({name + suffix: "counter" for suffix in _HISTOGRAM_SERIES})
            else:
                result[name] = kind
    return result
