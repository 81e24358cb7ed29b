"""Every alert, from the seed's list, with its thresholds from config and its unit test scenarios.

Critical: application down, database connectivity, high error rate, security
incidents, fast SLO burn. Warning: resource usage, performance, backups,
certificates, and what the exporters' metrics imply (replication lag, crash
loops, full volumes, HPAs at their maximum). Each alert's fire scenario is
built from the same threshold as its expression: values at a known distance
beyond it (fires, with an exactly known ``$value``) and well inside it (silent).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .alertmanager_cluster import cluster
from .observability_numbers import dec, num
from .observability_rules import (
    ERRORS_RATIO,
    FAST_BURN,
    SLOW_BURN,
    SLOW_RATIO,
    AlertSpec,
    Scenario,
    Series,
    Step,
    burn_expr,
    counter,
    gauge,
    sel,
)

STEPS = 120  # one sample a minute for two hours
REQUESTS_PER_MINUTE = Decimal(6000)


@dataclass(frozen=True)
class Setting:
    """What the alerts read from one environment's config."""

    namespace: str
    services: tuple[str, ...]
    thresholds: Mapping[str, Decimal]
    availability: Decimal
    latency_objective: Decimal
    latency_le: str
    hpa_max: int
    monitoring_namespace: str
    alertmanager_replicas: int

    @property
    def service(self) -> str:
        return self.services[0]

    def t(self, name: str) -> Decimal:
        return self.thresholds[name]


# The generated rollback script knows this environment's rollout (blue-green or rolling).
ROLLBACK = Step("Roll back if a release just went out.", "out/<env>/scripts/rollback.sh <IMAGE_TAG>")


def setting(config: Mapping[str, Any]) -> Setting:
    obs = config["observability"]
    services = tuple(config.get("services", {})) or ("codepal-app",)
    first = config.get("services", {}).get(services[0], {})
    return Setting(
        namespace=config["kubernetes"]["namespace"],
        services=services,
        thresholds={k: dec(v) for k, v in obs["thresholds"].items()},
        availability=dec(obs["slo"]["availability"]),
        latency_objective=dec(obs["slo"]["latency_objective"]),
        latency_le=num(obs["slo"]["latency_threshold_seconds"]),
        hpa_max=int(first.get("replicas", {}).get("max", 4)),
        monitoring_namespace=config["kubernetes"]["monitoring_namespace"],
        alertmanager_replicas=cluster(config).replicas,
    )


def _beyond(threshold: Decimal) -> Decimal:
    """A ratio between ``threshold`` and 1 (fires)."""
    return (1 + threshold) / 2


def _pods(s: Setting) -> dict[str, str]:
    return {"namespace": s.namespace, "pod": f"{s.service}-5d8f7c9b6-x2k4q", "container": s.service}


def _requests(s: Setting, error_ratio: Decimal) -> tuple[Series, ...]:
    base = {"job": s.service, "namespace": s.namespace, "instance": "10.0.1.10:3000"}
    return (
        Series(
            sel("http_requests_total", status="200", **base), counter(REQUESTS_PER_MINUTE * (1 - error_ratio), STEPS)
        ),
        Series(sel("http_requests_total", status="500", **base), counter(REQUESTS_PER_MINUTE * error_ratio, STEPS)),
    )


def _latency(s: Setting, slow_ratio: Decimal) -> tuple[Series, ...]:
    base = {"job": s.service, "namespace": s.namespace, "instance": "10.0.1.10:3000"}
    fast = REQUESTS_PER_MINUTE * (1 - slow_ratio)
    return (
        Series(sel("http_request_duration_seconds_bucket", le_=s.latency_le, **base), counter(fast, STEPS)),
        Series(sel("http_request_duration_seconds_bucket", le_="+Inf", **base), counter(REQUESTS_PER_MINUTE, STEPS)),
        Series(sel("http_request_duration_seconds_count", **base), counter(REQUESTS_PER_MINUTE, STEPS)),
    )


def _p95_histogram(s: Setting, all_below: Decimal, threshold: Decimal) -> tuple[Series, ...]:
    """Every request in the bucket ending at ``all_below`` (bucket bounds T/2, T, 2T)."""
    base = {"job": s.service, "namespace": s.namespace, "instance": "10.0.1.10:3000"}
    series = []
    for bound in (threshold / 2, threshold, threshold * 2):
        per_minute = REQUESTS_PER_MINUTE if bound >= all_below else Decimal(0)
        series.append(
            Series(sel("http_request_duration_seconds_bucket", le_=num(bound), **base), counter(per_minute, STEPS))
        )
    series.append(
        Series(sel("http_request_duration_seconds_bucket", le_="+Inf", **base), counter(REQUESTS_PER_MINUTE, STEPS))
    )
    return tuple(series)


def _app_down(s: Setting) -> list[AlertSpec]:
    ns, jobs = s.namespace, "|".join(s.services)
    labels = {"namespace": ns, "job": s.service}
    up = sel("up", job=s.service, namespace=ns, instance="10.0.1.10:3000")
    pg = {"namespace": ns, "job": "postgres", "instance": "10.0.2.10:9187"}
    redis = {"namespace": ns, "job": "redis", "instance": "10.0.3.10:9121"}
    check_pods = Step("Check the pods and their recent events.", f"kubectl get pods -n {ns} -o wide")
    return [
        AlertSpec(
            "ServiceDown",
            "availability",
            "critical",
            f'sum by (namespace, job) (up{{namespace="{ns}", job=~"{jobs}"}}) == 0',
            "2m",
            "An application service has no instance that answers.",
            "No {job} instance in {namespace} answers Prometheus scrapes.",
            "Every instance of the service is down or unreachable: users see errors.",
            (
                check_pods,
                Step(
                    "Read the logs of the failing pods.",
                    f"kubectl logs -n {ns} -l app.kubernetes.io/name=<service> --tail=100",
                ),
                ROLLBACK,
            ),
            Scenario((Series(up, gauge(0, STEPS)),), "10m"),
            labels,
            None,
            Scenario((Series(up, gauge(1, STEPS)),), "10m"),
        ),
        AlertSpec(
            "PostgresDown",
            "availability",
            "critical",
            f'max by (namespace) (pg_up{{namespace="{ns}"}}) == 0 or max by (namespace) '
            f'(up{{namespace="{ns}", job="postgres"}}) == 0',
            "1m",
            "The application cannot reach its PostgreSQL database.",
            "PostgreSQL in {namespace} is unreachable: postgres_exporter cannot connect, or is down itself.",
            "Database connectivity is lost; every request that needs the database fails.",
            (
                Step("Check the database pod.", f"kubectl get pods -n {ns} -l app.kubernetes.io/name=postgres"),
                Step(
                    "Test a connection.",
                    f"kubectl exec -it statefulset/postgres -n {ns} -- psql -U codepal -d codepal -c 'select 1'",
                ),
                Step("Read the database logs.", f"kubectl logs statefulset/postgres -n {ns} --tail=200"),
            ),
            Scenario((Series(sel("pg_up", **pg), gauge(0, STEPS)), Series(sel("up", **pg), gauge(1, STEPS))), "10m"),
            {"namespace": ns},
            None,
            Scenario((Series(sel("pg_up", **pg), gauge(1, STEPS)), Series(sel("up", **pg), gauge(1, STEPS))), "10m"),
        ),
        AlertSpec(
            "RedisDown",
            "availability",
            "critical",
            f'max by (namespace) (redis_up{{namespace="{ns}"}}) == 0 or max by (namespace) '
            f'(up{{namespace="{ns}", job="redis"}}) == 0',
            "1m",
            "The application cannot reach its Redis cache.",
            "Redis in {namespace} is unreachable: redis_exporter cannot connect, or is down itself.",
            "The cache is gone: sessions and rate limits fail, the database takes the full load.",
            (
                Step("Check the Redis pod.", f"kubectl get pods -n {ns} -l app.kubernetes.io/name=redis"),
                Step("Ping Redis.", f"kubectl exec -it deployment/redis -n {ns} -- redis-cli ping"),
            ),
            Scenario(
                (Series(sel("redis_up", **redis), gauge(0, STEPS)), Series(sel("up", **redis), gauge(1, STEPS))), "10m"
            ),
            {"namespace": ns},
            None,
            Scenario(
                (Series(sel("redis_up", **redis), gauge(1, STEPS)), Series(sel("up", **redis), gauge(1, STEPS))), "10m"
            ),
        ),
    ]


def _errors_and_security(s: Setting) -> list[AlertSpec]:
    ns = s.namespace
    rate, failures = s.t("error_rate"), s.t("auth_failures_per_second")
    auth_job = "auth-service" if "auth-service" in s.services else s.service
    auth = sel("auth_login_failures_total", job=auth_job, namespace=ns, instance="10.0.4.10:8081")
    return [
        AlertSpec(
            "HighErrorRate",
            "availability",
            "critical",
            f"{ERRORS_RATIO}5m > {num(rate)}",
            "5m",
            "A service answers too many requests with server errors.",
            "{job} in {namespace} answers {value_pct} of requests with 5xx (threshold: more than " + num(rate) + ").",
            "Users get server errors for a large share of their requests.",
            (
                Step(
                    "See which routes fail on the application dashboard, then read the logs.",
                    f"kubectl logs -n {ns} -l app.kubernetes.io/name=<service> --tail=200",
                ),
                ROLLBACK,
            ),
            Scenario(_requests(s, _beyond(rate)), "15m"),
            {"namespace": ns, "job": s.service},
            _beyond(rate),
            Scenario(_requests(s, rate / 2), "15m"),
        ),
        AlertSpec(
            "AuthenticationFailureSpike",
            "security",
            "critical",
            f'sum by (namespace, job) (rate(auth_login_failures_total{{namespace="{ns}"}}[5m])) > {num(failures)}',
            "2m",
            "Failed logins spike, which may be a credential-stuffing or brute-force attack.",
            "{job} in {namespace} rejects {value_2f} logins per second (threshold: " + num(failures) + " per second).",
            "A security incident may be in progress: someone is trying many credentials.",
            (
                Step(
                    "Find the source addresses in the ingress logs.",
                    "kubectl logs -n ingress-nginx deployment/ingress-nginx-controller --tail=1000",
                ),
                Step("Block abusive sources with the API gateway's rate limits and inform the security team."),
            ),
            Scenario((Series(auth, counter(failures * 2 * 60, STEPS)),), "15m"),
            {"namespace": ns, "job": auth_job},
            failures * 2,
            Scenario((Series(auth, counter(failures / 2 * 60, STEPS)),), "15m"),
        ),
    ]


def _slo(s: Setting) -> list[AlertSpec]:
    ns, labels = s.namespace, {"namespace": s.namespace, "job": s.service}
    result = []
    kinds = (
        ("Availability", ERRORS_RATIO, s.availability, _requests, "requests that do not fail with 5xx"),
        ("Latency", SLOW_RATIO, s.latency_objective, _latency, f"requests faster than {s.latency_le}s"),
    )
    for kind, ratio, objective, series, what in kinds:
        budget = 1 - objective
        for speed, pairs, severity, for_duration, eval_time in (
            ("Fast", FAST_BURN, "critical", "2m", "30m"),
            ("Slow", SLOW_BURN, "warning", "15m", "60m"),
        ):
            factor = pairs[0][0]
            fire = (factor * budget + min(Decimal(1), 2 * factor * budget)) / 2
            windows = " or ".join(f"{num(f)}x ({long} and {short} windows)" for f, long, short in pairs)
            result.append(
                AlertSpec(
                    f"{kind}BudgetBurn{speed}",
                    "slo",
                    severity,
                    burn_expr(ratio, budget, pairs),
                    for_duration,
                    f"A service spends its {kind.lower()} error budget too fast.",
                    "{job} in {namespace} burns the error budget of its "
                    + kind.lower()
                    + " objective ("
                    + num(objective)
                    + " of "
                    + what
                    + " over 30 days) at "
                    + windows
                    + " the sustainable rate.",
                    f"At this rate the 30-day {kind.lower()} error budget is exhausted early; users notice.",
                    (
                        Step("Open the application dashboard and find the failing or slow routes."),
                        Step("Check recent deployments.", f"kubectl rollout history deployment/<service> -n {ns}"),
                    ),
                    Scenario(series(s, fire), eval_time),
                    labels,
                    None,
                    Scenario(series(s, budget / 2), eval_time),
                )
            )
    return result


def _performance(s: Setting) -> list[AlertSpec]:
    ns, latency = s.namespace, s.t("latency_p95_seconds")
    return [
        AlertSpec(
            "HighLatencyP95",
            "performance",
            "warning",
            f"namespace_job:http_request_duration_seconds:p95_rate5m > {num(latency)}",
            "10m",
            "A service's p95 response time is above its threshold.",
            "p95 latency of {job} in {namespace} is {value_2f}s (threshold: " + num(latency) + "s).",
            "Performance has degraded: one request in twenty is slower than the threshold.",
            (
                Step("Check CPU throttling and the database panels of the dashboards."),
                Step("Check the HPA.", f"kubectl get hpa -n {ns}"),
            ),
            Scenario(_p95_histogram(s, latency * 2, latency), "20m"),
            {"namespace": ns, "job": s.service},
            latency + latency * Decimal("0.95"),
            Scenario(_p95_histogram(s, latency / 2, latency), "20m"),
        ),
    ]
