"""DNS values derived from config: the zone's sorted records, its SOA serial, the BIND policy.

Names in ``config.dns`` are relative to the zone apex unless they end with a
dot (zone-file convention); ``@`` is the apex. The record list is prepared
here, sorted and measured for column alignment, so the zone template only
loops over it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..config import Environment, freeze
from ..errors import Position, Problem, UserError

#: Record types in the order a zone lists them at one owner name.
TYPE_ORDER = ("SOA", "NS", "A", "AAAA", "CNAME", "MX", "TXT", "CAA")
#: DNSSEC algorithm mnemonics (config) -> the names BIND's dnssec-policy takes.
BIND_ALGORITHMS = {"RSASHA256": "rsasha256", "ECDSAP256SHA256": "ecdsap256sha256"}


@dataclass(frozen=True)
class Record:
    """One resource record: ``owner`` relative to the origin, rdata as tokens plus optional text."""

    owner: str
    type: str
    tokens: tuple[str | int, ...] = ()
    text: str | None = None
    """Character-string data (TXT, the CAA value), written with the ``txt`` filter."""

    def sort_key(self) -> tuple[Any, ...]:
        labels = () if self.owner == "@" else tuple(reversed(self.owner.lower().split(".")))
        return (labels, TYPE_ORDER.index(self.type), tuple(str(t) for t in self.tokens), self.text or "")

    def canonical(self) -> str:
        """The record as one line, for hashing (the text quoted the way the zone writes it)."""
        text = "" if self.text is None else " " + repr(self.text)
        return f"{self.owner} {self.type} {' '.join(str(t) for t in self.tokens)}{text}"


@dataclass(frozen=True)
class Soa:
    mname: str
    rname: str
    serial: int
    refresh: int
    retry: int
    expire: int
    negative_ttl: int


@dataclass(frozen=True)
class Zone:
    """One zone file: origin (absolute, with the dot), default TTL, SOA, sorted records, column widths."""

    name: str
    origin: str
    ttl: int
    soa: Soa
    records: tuple[Record, ...]
    owner_width: int
    type_width: int


def absolute(name: str, origin: str) -> str:
    """``name`` as an absolute name: ``@`` is ``origin``, a trailing dot means absolute already."""
    if name == "@":
        return origin
    return name if name.endswith(".") else f"{name}.{origin}"


def relative(name: str, origin: str) -> str | None:
    """``name`` (absolute) relative to ``origin``: ``@`` for the apex, None when outside the zone."""
    if name.lower() == origin.lower():
        return "@"
    suffix = "." + origin
    return name[: -len(suffix)] if name.lower().endswith(suffix.lower()) else None


def serial_of(origin: str, ttl: int, soa: Mapping[str, Any], mname: str, rname: str, records: Iterable[Record]) -> int:
    """A SOA serial from a SHA-256 of everything else in the zone: same content, same serial."""
    lines = [origin, str(ttl), mname, rname, *(str(soa[k]) for k in ("refresh", "retry", "expire", "negative_ttl"))]
    lines.extend(r.canonical() for r in records)
    digest = hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()
    return int(digest[:8], 16) or 1


def spf_text(spf: Mapping[str, Any]) -> str:
    return " ".join(["v=spf1", *spf["mechanisms"], spf["all"]])


def dmarc_text(dmarc: Mapping[str, Any], domain: str) -> str:
    return f"v=DMARC1; p={dmarc['policy']}; rua=mailto:{dmarc['report_mailbox']}@{domain}"


def _owner(name: str, origin: str, where: str, problems: list[Problem], source: str) -> str:
    found = relative(absolute(name, origin), origin)
    if found is None:
        problems.append(Problem(Position(source), f"{where}: {name!r} is not inside the zone {origin}"))
        return name
    return found


def records(env: Environment, origin: str) -> list[Record]:
    """Every record of the zone except the SOA, sorted; names outside the zone are errors."""
    config = env.config
    dns = config["dns"]
    problems: list[Problem] = []
    lb = dns["load_balancer_ip"]
    found = [Record("@", "NS", (absolute(ns, origin),)) for ns in dns["nameservers"]]
    found.append(Record("@", "A", (lb,)))
    for key in ("app", "api"):
        owner = _owner(config["hosts"][key] + ".", origin, f"hosts.{key}", problems, env.source)
        found.append(Record(owner, "A", (lb,)))
    for name, address in dns["addresses"].items():
        found.append(Record(_owner(name, origin, "dns.addresses", problems, env.source), "A", (address,)))
    for name, target in dns["aliases"].items():
        owner = _owner(name, origin, "dns.aliases", problems, env.source)
        found.append(Record(owner, "CNAME", (absolute(target, origin),)))
    mail = dns["mail"]
    for mx in mail["mx"]:
        found.append(Record("@", "MX", (mx["preference"], absolute(mx["exchange"], origin))))
    found.append(Record("@", "TXT", text=spf_text(mail["spf"])))
    found.append(Record("_dmarc", "TXT", text=dmarc_text(mail["dmarc"], config["domain"])))
    found.extend(Record("@", "TXT", text=token) for token in dns["site_verification"])
    for name, token in dns["acme_challenges"].items():
        owner = _owner(name, origin, "dns.acme_challenges", problems, env.source)
        found.append(Record("_acme-challenge" if owner == "@" else f"_acme-challenge.{owner}", "TXT", text=token))
    caa = dns["caa"]
    for issuer in caa["issuers"]:
        found.append(Record("@", "CAA", (0, "issue"), issuer))
        found.append(Record("@", "CAA", (0, "issuewild"), issuer))
    if "iodef" in caa:
        found.append(Record("@", "CAA", (0, "iodef"), caa["iodef"]))
    problems.extend(_collisions(dns["delegations"], found, origin, env.source))
    found.extend(delegation_records(dns["delegations"], origin))
    if problems:
        raise UserError(problems)
    return sorted(found, key=Record.sort_key)


def delegation_records(delegations: Mapping[str, Any], origin: str) -> list[Record]:
    """The NS records of each delegated child and the glue A records of its in-child name servers."""
    found = []
    for label, child in delegations.items():
        for ns, address in child["nameservers"].items():
            found.append(Record(label, "NS", (absolute(ns, absolute(label, origin)),)))
            found.append(Record(f"{ns}.{label}", "A", (address,)))
    return found


def _collisions(delegations: Mapping[str, Any], found: Iterable[Record], origin: str, source: str) -> list[Problem]:
    """A delegated label must own nothing else here: data at or below a zone cut is occluded (RFC 1034 §4.2.1)."""
    problems = []
    for label in delegations:
        clashing = sorted({f"{r.owner} ({r.type})" for r in found if f".{r.owner.lower()}".endswith(f".{label}")})
        if clashing:
            problems.append(
                Problem(
                    Position(source),
                    f"{label!r} is delegated to its own zone {absolute(label, origin)} but this zone already has "
                    f"{', '.join(clashing)} there; remove those records or the delegation",
                    f"dns.delegations.{label}",
                )
            )
    return problems


def delegated_zones(config: Mapping[str, Any]) -> list[str]:
    """The names of the child zones ``config`` delegates (no trailing dot), sorted."""
    delegations: Mapping[str, Any] = config.get("dns", {}).get("delegations", {})
    return sorted(f"{label}.{config['domain']}" for label in delegations)


def zone(env: Environment) -> Zone:
    dns = env.config["dns"]
    domain = env.config["domain"]
    origin = domain + "."
    found = records(env, origin)
    soa_config = dns["soa"]
    mname = absolute(dns["nameservers"][0], origin)
    rname = absolute(soa_config["hostmaster"], origin)
    serial = soa_config.get("serial") or serial_of(origin, dns["ttl"], soa_config, mname, rname, found)
    soa = Soa(mname, rname, serial, *(soa_config[k] for k in ("refresh", "retry", "expire", "negative_ttl")))
    return Zone(
        name=domain,
        origin=origin,
        ttl=dns["ttl"],
        soa=soa,
        records=tuple(found),
        owner_width=max(len(r.owner) for r in found),
        type_width=max(len(t) for t in ("SOA", *(r.type for r in found))),
    )


def bind(env: Environment, zone_file: str) -> Mapping[str, Any]:
    """The named.conf zone clause and dnssec-policy, from the shared ``dns.dnssec`` settings."""
    dns = env.config["dns"]
    dnssec = dns["dnssec"]
    rsa = dnssec["algorithm"].startswith("RSA")
    return {
        "zone": env.config["domain"],
        "file": zone_file,
        "signed": dnssec["enabled"],
        "policy": f"{env.config['project']['name']}-{env.name}",
        "algorithm": BIND_ALGORITHMS[dnssec["algorithm"]],
        # ECDSA keys have a fixed size; BIND takes a length for RSA only.
        "ksk_bits": dnssec["ksk_bits"] if rsa else None,
        "zsk_bits": dnssec["zsk_bits"] if rsa else None,
        "ksk_lifetime": dns["bind"]["ksk_lifetime"],
        "zsk_lifetime": dns["bind"]["zsk_lifetime"],
        "nsec3": dns["bind"]["nsec3"],
    }


def build(env: Environment) -> Mapping[str, Any]:
    the_zone = zone(env)
    return {
        "dns_bind": freeze(bind(env, f"{the_zone.name}.zone")),
        "fanout": {"dns_zone": freeze({the_zone.name: the_zone})},
    }
