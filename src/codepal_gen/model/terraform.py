"""Terraform values derived from config: subnet plan, NAT placement, scaled node groups, names.

Everything a template would otherwise compute (CIDR arithmetic, scaling by
``scale``, which NAT gateway a private subnet routes through) happens here, so
the HCL templates only place prepared values.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from typing import Any

from ..config import Environment, freeze
from . import dns, irsa
from .quantity import scale_count

#: The VPC is cut in eighths: the first eighth is cut again in quarters for the
#: public subnets (load balancer, NAT only), each private subnet takes a whole
#: eighth (a /16 VPC gives public /21s and private /19s).
PRIVATE_PREFIX_DELTA = 3
PUBLIC_PREFIX_DELTA = 5
AWS_SMALLEST_SUBNET = 28


def subnet_plan(vpc_cidr: str, zones: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(public, private) subnets by AZ: non-overlapping ranges carved from ``vpc_cidr``."""
    vpc: Any = ipaddress.ip_network(vpc_cidr)
    if vpc.prefixlen + PUBLIC_PREFIX_DELTA > AWS_SMALLEST_SUBNET:
        raise ValueError(f"{vpc_cidr} is too small for {len(zones)} availability zones")
    private_pool = list(vpc.subnets(prefixlen_diff=PRIVATE_PREFIX_DELTA))
    # The first private-sized block is reserved for the public /20s (or smaller) in it.
    public_pool = list(private_pool[0].subnets(prefixlen_diff=PUBLIC_PREFIX_DELTA - PRIVATE_PREFIX_DELTA))
    if len(zones) > len(public_pool) or len(zones) > len(private_pool) - 1:
        raise ValueError(f"{vpc_cidr} is too small for {len(zones)} availability zones")
    public = {zone: {"cidr": str(public_pool[i]), "index": i} for i, zone in enumerate(zones)}
    private = {zone: {"cidr": str(private_pool[i + 1]), "index": i} for i, zone in enumerate(zones)}
    return public, private


def node_groups(groups: Mapping[str, Any], scale: float) -> dict[str, Any]:
    """Managed node groups with counts scaled by ``scale`` (desired and max never below 1)."""
    result = {}
    for name, group in sorted(groups.items()):
        size = group["size"]
        minimum = scale_count(size["min"], scale, minimum=0)
        maximum = scale_count(size["max"], scale, minimum=max(1, minimum))
        desired = min(max(scale_count(size["desired"], scale, minimum=0), minimum), maximum)
        labels = {**dict(group.get("labels", {})), "workload": name}
        result[name] = {
            "instance_types": list(group["instance_types"]),
            "capacity_type": group.get("capacity_type", "ON_DEMAND"),
            "min_size": minimum,
            "desired_size": desired,
            "max_size": maximum,
            "disk_size": group.get("disk_size_gb", 50),
            "labels": dict(sorted(labels.items())),
            "taints": [{"key": "workload", "value": name, "effect": "NO_SCHEDULE"}] if group.get("taint") else [],
        }
    return result


def build(env: Environment) -> Mapping[str, Any]:
    config = env.config
    tf = config.get("terraform")
    if tf is None:
        return {}
    network = tf["network"]
    zones = tuple(network["availability_zones"])
    public, private = subnet_plan(network["vpc_cidr"], zones)
    nat_zones = list(zones) if network["nat_gateway_per_az"] else [zones[0]]
    for zone, subnet in private.items():
        subnet["nat_zone"] = zone if zone in nat_zones else nat_zones[0]
    project = config["project"]["name"]
    name = f"{project}-{env.name}"
    domain = config["domain"]
    for host in (config["hosts"]["app"], config["hosts"]["api"]):
        if host != domain and not host.endswith("." + domain):
            raise ValueError(f"host {host} is outside the environment's zone {domain}")
    roles = {
        suffix: {"namespace": role["namespace"], "service_account": role["service_account"]}
        for suffix, role in irsa.roles(env).items()
    }
    dnssec = config.get("dns", {}).get("dnssec", {}).get("enabled", True)
    rds_major = tf["rds"]["engine_version"].split(".")[0]
    redis_major = tf["elasticache"]["engine_version"].split(".")[0]
    backups = tf["backups"]
    return {
        "tf": freeze(
            {
                "name": name,
                "public_subnets": public,
                "private_subnets": private,
                "nat_zones": nat_zones,
                "node_groups": node_groups(tf["eks"]["node_groups"], config.get("scale", 1)),
                "irsa": roles,
                "secrets_prefix": f"{project}/{env.name}/",
                "replica_bucket": f"{backups['bucket']}-replica",
                "logs_bucket": f"{name}-logs",
                "db_name": project.replace("-", "_"),
                "rds_parameter_family": f"postgres{rds_major}",
                "redis_parameter_group": f"default.redis{redis_major}.cluster.on",
                "origin_host": f"origin.{domain}",
                "certificate_sans": sorted(
                    {config["hosts"]["app"], config["hosts"]["api"], f"origin.{domain}"} - {domain}
                ),
                "failover_hosts": sorted({config["hosts"]["api"], f"origin.{domain}"}),
                "delegated_zones": dns.delegated_zones(config),
                # Route53 KSK names allow letters, digits and underscores only.
                "ksk_name": name.replace("-", "_") + "_ksk",
                "ksk_status": "ACTIVE" if dnssec else "INACTIVE",
                "dnssec_signing_status": "SIGNING" if dnssec else "NOT_SIGNING",
            }
        )
    }
