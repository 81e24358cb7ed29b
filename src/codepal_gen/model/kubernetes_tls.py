"""TLS and the Ingress: Let's Encrypt ClusterIssuers, Certificates, nginx Ingresses and controller settings."""

from __future__ import annotations

from ..config import Environment
from . import irsa
from . import kubernetes_pods as pods
from .kubernetes_stack import Stack


def tls(env: Environment, stack: Stack) -> None:
    config = env.config
    k8s, hosts, domain = config["kubernetes"], config["hosts"], config["domain"]
    tls, ingress = k8s["tls"], k8s["ingress"]
    ns = k8s["namespace"]
    labels = pods.labels("certificates", env.name, "tls")
    role = irsa.roles(env)["cert-manager"]["arn"]
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
