"""PostgreSQL, its backup and Redis: workloads, and configuration files tuned from their memory limits."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ..config import Environment
from . import irsa
from . import kubernetes_pods as pods
from .kubernetes_stack import Stack, workload
from .quantity import parse

_MI = 2**20


def _megabytes(value: Fraction) -> int:
    return int(value // _MI)


def _pg_value(value: Any) -> str:
    """A postgresql.conf value: numbers bare, everything else single-quoted."""
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int):
        return str(value)
    # Backslash escapes keep every value on its own line: a value can never add a setting.
    escaped = str(value).replace("\\", "\\\\").replace("'", "''")
    escaped = "".join(ch if ch.isprintable() else f"\\{ord(ch):03o}" for ch in escaped)
    return f"'{escaped}'"


def postgresql_conf(memory_limit: str, settings: Mapping[str, Any]) -> str:
    """postgresql.conf: memory settings from the (scaled) limit, the rest from config."""
    memory = parse(memory_limit)
    derived: dict[str, Any] = {
        "listen_addresses": "*",
        "port": 5432,
        "shared_buffers": f"{_megabytes(memory / 4)}MB",
        "effective_cache_size": f"{_megabytes(memory * 3 / 4)}MB",
        "unix_socket_directories": "/var/run/postgresql",
        "log_destination": "stderr",
        "logging_collector": False,
    }
    merged = {**derived, **settings}
    return "".join(f"{key} = {_pg_value(merged[key])}\n" for key in sorted(merged))


def redis_conf(memory_limit: str, percent: int, policy: str) -> str:
    """redis.conf: maxmemory a share of the (scaled) limit, persistence on the volume."""
    maxmemory = _megabytes(parse(memory_limit) * percent / 100)
    lines = [
        "bind 0.0.0.0",
        "port 6379",
        "protected-mode yes",
        "dir /data",
        "appendonly yes",
        "appendfsync everysec",
        f"maxmemory {maxmemory}mb",
        f"maxmemory-policy {policy}",
        "tcp-keepalive 60",
        "include /etc/redis/auth/auth.conf",
    ]
    return "\n".join(lines) + "\n"


def data_tier(env: Environment, stack: Stack, prefix: str) -> None:
    config, scale = env.config, float(env.config["scale"])
    k8s = config["kubernetes"]
    ns = k8s["namespace"]
    pg, rd = k8s["postgres"], k8s["redis"]
    postgres = workload(stack, "postgres", ns, "database")
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

    backup = workload(stack, "postgres-backup", ns, "backup")
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
            "BACKUP_BUCKET": config["terraform"]["backups"]["bucket"],  # the bucket Terraform creates
            "BACKUP_PREFIX": bk["prefix"],
            "BACKUP_RETENTION_DAYS": str(bk["retention_days"]),
            "AWS_REGION": config["aws"]["region"],
            "HOME": "/tmp",
        },
        config_files={"configmap": f"kubernetes/{ns}/configmap-postgres-backup.yaml"},
    )
    backup["env_list"] = [{"name": k, "value": v} for k, v in sorted(backup["env"].items())]
    role = irsa.roles(env)["postgres-backup"]
    stack.account(role["service_account"], role["namespace"], backup["labels"], automount=False, role=role["arn"])
    stack.call("postgres-backup", "postgres", (5432,))
    stack.call_internet("postgres-backup")

    redis = workload(stack, "redis", ns, "cache")
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
