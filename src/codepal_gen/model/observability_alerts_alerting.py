"""Alerts on the alerting pipeline itself: an Alertmanager cluster that has fallen apart.

Alertmanager exports ``alertmanager_cluster_members`` only when clustering is on,
so the alert exists only where there is more than one replica. A replica that
sees fewer members than configured is cut off from the others (network policy,
DNS, a pod that cannot start): notifications are sent twice and silences are not
shared. The expression compares with the configured count, not with the count of
reporting replicas, so a replica that is down entirely fires it too.
"""

from __future__ import annotations

from decimal import Decimal

from .observability_alerts import STEPS, Setting
from .observability_numbers import num
from .observability_rules import AlertSpec, Scenario, Series, Step, gauge, sel


def alertmanager_cluster(s: Setting) -> list[AlertSpec]:
    if s.alertmanager_replicas <= 1:
        return []
    ns, replicas = s.monitoring_namespace, Decimal(s.alertmanager_replicas)
    pod = "alertmanager-0"
    members = sel(
        "alertmanager_cluster_members",
        job="alertmanager",
        namespace=ns,
        pod=pod,
        service="alertmanager",
        instance="10.0.9.20:9093",
    )
    return [
        AlertSpec(
            "AlertmanagerClusterMembersMismatch",
            "meta",
            "warning",
            # max_over_time: a missed scrape must not look like a lost member.
            "max by (namespace, pod) "
            f'(max_over_time(alertmanager_cluster_members{{namespace="{ns}", job="alertmanager"}}[5m]))'
            f" < {num(replicas)}",
            "15m",
            "An Alertmanager replica does not see every member of its cluster.",
            "{pod} in {namespace} sees {value_0f} of " + num(replicas) + " Alertmanager cluster members.",
            "The replicas no longer share notification state and silences: notifications go out twice "
            "and a silence set on one replica does not hold on the others.",
            (
                Step("See which replicas run.", f"kubectl get pods -n {ns} -l app.kubernetes.io/name=alertmanager"),
                Step(
                    "Read the cluster status the replica reports.",
                    f"kubectl exec -n {ns} <pod> -- amtool cluster show --alertmanager.url=http://localhost:9093",
                ),
                Step("Look for gossip errors in the logs.", f"kubectl logs -n {ns} <pod> --tail=200"),
            ),
            Scenario((Series(members, gauge(replicas - 1, STEPS)),), "30m"),
            {"namespace": ns, "pod": pod},
            replicas - 1,
            Scenario((Series(members, gauge(replicas, STEPS)),), "30m"),
        )
    ]
