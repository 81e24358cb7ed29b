"""PostgreSQL and Redis: tuned configuration files derived from the memory limits."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from typing import Any

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
    return "'" + str(value).replace("'", "''") + "'"


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


def retention_size(storage: str) -> str:
    """Prometheus --storage.tsdb.retention.size: 85 % of the volume, in (binary) GB."""
    return f"{int(parse(storage) * Fraction(85, 100) // 2**30)}GB"
