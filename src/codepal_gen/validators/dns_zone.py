"""Zone files, in-process with dnspython: parsing, and best-practice checks in the spirit of octoDNS.

Every record is located by its line in the rendered file (:func:`entries`), so
a finding names ``out/<env>/dns/<zone>.zone:LINE``. The checks:

* ``parse``/``rdata``: the zone and each record parse (dnspython);
* ``soa``, ``ns-count`` (at least two), ``ns-address`` (in-zone NS has an address);
* ``cname-apex``, ``cname-other-data``, ``mx-cname``, ``mx-address``;
* ``caa-issue`` (issue and issuewild present), ``caa-issuer`` (only the CAs in ``dns.caa.issuers``);
* ``spf-count``, ``spf-syntax``, ``spf-lookups`` (at most 10 DNS-querying terms, RFC 7208 §4.6.4;
  included policies are not fetched: validation is offline), ``spf-mx``;
* ``dmarc`` (published and well-formed when the zone receives or sends mail);
* ``dnssec-consistency``: named.conf signs the zone exactly when ``dns.dnssec.enabled``
  says so, with its algorithm, and so does Route53 when the Terraform output is present;
* ``delegation`` (across environments, as octoDNS compares providers): where a zone
  delegates a child whose zone is among the bundles validated, the parent's NS names
  equal the child's apex NS records and each glue address the child's own record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import dns.exception
import dns.name
import dns.rdata
import dns.rdataclass
import dns.rdatatype
import dns.zone
import dns.zonefile

from . import Bundle, Finding

NAME = "dns"
SPF_LOOKUP_LIMIT = 10
_SPF_LOOKUP_TERMS = re.compile(r"^[+?~-]?(include:|a$|a[:/]|mx$|mx[:/]|ptr|exists:|redirect=)", re.IGNORECASE)
_LINE_IN_MESSAGE = re.compile(r"^[^:]*:(\d+): (.*)$")


@dataclass(frozen=True)
class Entry:
    """One record as written: where it starts, its absolute owner (lower case), type and rdata text."""

    line: int
    owner: str
    type: str
    rdata: str


def _strip_comment(line: str) -> str:
    quoted = escaped = False
    for i, char in enumerate(line):
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == ";" and not quoted:
            return line[:i]
    return line


def _logical_lines(text: str) -> Iterator[tuple[int, str]]:
    """(first line number, text) with comments removed and parenthesised groups joined."""
    pending: list[str] = []
    start = 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = _strip_comment(raw)
        if not pending:
            start = number
        pending.append(line)
        joined = " ".join(pending)
        if joined.count("(") <= joined.count(")"):
            yield start, pending[0][:1] + joined[1:].replace("(", " ").replace(")", " ")
            pending = []
    if pending:
        yield start, " ".join(pending)


def entries(text: str) -> list[Entry]:
    """Every record of a zone file (as this project writes them: owner, [ttl], [class], type, rdata)."""
    origin = ""
    owner = ""
    found = []
    for number, line in _logical_lines(text):
        if not line.strip():
            continue
        if line.startswith("$"):
            parts = line.split()
            if parts[0] == "$ORIGIN" and len(parts) > 1:
                origin = parts[1].lower()
            continue
        tokens = line.split(None, 1)
        if not line[0].isspace():
            name = tokens[0].lower()
            owner = origin if name == "@" else (name if name.endswith(".") else f"{name}.{origin}")
            rest = tokens[1] if len(tokens) > 1 else ""
        else:
            rest = line.strip()
        words = rest.split()
        while words and (words[0].isdigit() or words[0].upper() in {"IN", "CH", "HS"}):
            rest = rest.split(None, 1)[1] if len(rest.split(None, 1)) > 1 else ""
            words = words[1:]
        if not words:
            continue
        rtype = words[0].upper()
        rdata = rest.split(None, 1)[1].strip() if len(rest.split(None, 1)) > 1 else ""
        found.append(Entry(number, owner, rtype, rdata))
    return found


def _origin(text: str) -> str:
    match = re.search(r"^\$ORIGIN\s+(\S+)", text, re.MULTILINE)
    return match.group(1).lower() if match else ""


def _field(rdata: dns.rdata.Rdata, name: str) -> Any:
    """An rdata field (dnspython's rdata classes are typed only as Rdata)."""
    return getattr(rdata, name)


def _txt(rdata: dns.rdata.Rdata) -> str:
    return b"".join(_field(rdata, "strings")).decode("utf-8", "replace")


class ZoneValidator:
    name = NAME

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        for bundle in bundles:
            for path in bundle.matching("dns/*.zone"):
                yield from self.check_zone(bundle, path)
            yield from self.check_dnssec(bundle)
        yield from check_delegations(bundles)

    def check_zone(self, bundle: Bundle, path: str) -> Iterator[Finding]:
        text = bundle.files[path]
        shown = bundle.shown(path)
        origin = _origin(text)

        def finding(line: int, check: str, message: str) -> Finding:
            return Finding(shown, line, NAME, check, message)

        try:
            dns.zone.from_text(text, origin=origin or None, relativize=False, check_origin=True)
        except dns.zonefile.CNAMEAndOtherData:
            pass  # reported with its line by cname-other-data below
        except (dns.exception.DNSException, ValueError) as exc:
            match = _LINE_IN_MESSAGE.match(str(exc))
            yield finding(int(match.group(1)) if match else 0, "parse", match.group(2) if match else str(exc))
        parsed: list[tuple[Entry, dns.rdata.Rdata]] = []
        origin_name = dns.name.from_text(origin or ".")
        for entry in entries(text):
            try:
                rdtype = dns.rdatatype.from_text(entry.type)
                rdata = dns.rdata.from_text(dns.rdataclass.IN, rdtype, entry.rdata, origin_name, relativize=False)
            except (dns.exception.DNSException, ValueError) as exc:
                yield finding(entry.line, "rdata", f"{entry.owner} {entry.type} {entry.rdata!r}: {exc}")
                continue
            parsed.append((entry, rdata))
        yield from _checks(parsed, origin, bundle, finding)

    def check_dnssec(self, bundle: Bundle) -> Iterator[Finding]:
        conf = bundle.files.get("dns/named.conf")
        dnssec = bundle.config["dns"]["dnssec"]
        if conf is not None:
            signed = re.search(r"^\s*dnssec-policy\s+(?!none\b)\S+\s*;", conf, re.MULTILINE)
            line = _line_of(conf, r"dnssec-policy\s")
            if bool(signed) != dnssec["enabled"]:
                state = "signs" if signed else "does not sign"
                yield Finding(
                    bundle.shown("dns/named.conf"),
                    line,
                    NAME,
                    "dnssec-consistency",
                    f"named.conf {state} the zone but dns.dnssec.enabled is {str(dnssec['enabled']).lower()}",
                )
            algorithm = dnssec["algorithm"].lower()
            for number, text in enumerate(conf.splitlines(), 1):
                found = re.search(r"\balgorithm\s+(\S+?)[\s;]", text)
                if found and found.group(1).lower() != algorithm:
                    yield Finding(
                        bundle.shown("dns/named.conf"),
                        number,
                        NAME,
                        "dnssec-consistency",
                        f"key algorithm {found.group(1)} is not dns.dnssec.algorithm {dnssec['algorithm']}",
                    )
        # The root module is one unit: a zone declared in one file may be signed in another.
        module = {path: bundle.files[path] for path in bundle.matching("terraform/*.tf")}
        declares_zone = [p for p, tf in module.items() if re.search(r'^resource "aws_route53_zone"', tf, re.M)]
        signing = [p for p, tf in module.items() if re.search(r'^resource "aws_route53_hosted_zone_dnssec"', tf, re.M)]
        status = {p: _signing_status(module[p]) for p in signing}
        if declares_zone and dnssec["enabled"] and "SIGNING" not in status.values():
            path = declares_zone[0]
            yield Finding(
                bundle.shown(path),
                _line_of(module[path], r'^resource "aws_route53_zone"'),
                NAME,
                "dnssec-consistency",
                "dns.dnssec.enabled is true but Route53 does not sign the zone (aws_route53_hosted_zone_dnssec)",
            )
        for path, value in status.items():
            if value == "SIGNING" and not dnssec["enabled"]:
                yield Finding(
                    bundle.shown(path),
                    _line_of(module[path], r'^resource "aws_route53_hosted_zone_dnssec"'),
                    NAME,
                    "dnssec-consistency",
                    "Route53 signs the zone but dns.dnssec.enabled is false",
                )


def _absolute(name: str, origin: str) -> str:
    name = name.lower()
    if name == "@":
        return origin
    return name if name.endswith(".") else f"{name}.{origin}"


def check_delegations(bundles: Sequence[Bundle]) -> Iterator[Finding]:
    """The parent's NS and glue at each zone cut against the child zone, when both are rendered."""
    zones: dict[str, tuple[str, list[Entry]]] = {}
    parents: list[tuple[Bundle, str, str, list[Entry]]] = []
    for bundle in bundles:
        for path in bundle.matching("dns/*.zone"):
            text, origin = bundle.files[path], _origin(bundle.files[path])
            found = entries(text)
            zones[origin] = (bundle.shown(path), found)
            parents.append((bundle, path, origin, found))
    for bundle, path, origin, parent in parents:
        for cut in sorted({e.owner for e in parent if e.type == "NS" and e.owner != origin}):
            if cut in zones:
                child_shown, child = zones[cut]
                for line, message in _delegation_problems(parent, origin, cut, child, child_shown):
                    yield Finding(bundle.shown(path), line, NAME, "delegation", message)


def _delegation_problems(
    parent: list[Entry], origin: str, cut: str, child: list[Entry], child_shown: str
) -> Iterator[tuple[int, str]]:
    """(line in the parent, message) for each NS or glue record at ``cut`` that the child zone contradicts."""
    ns = [(e, _absolute(e.rdata, origin)) for e in parent if e.owner == cut and e.type == "NS"]
    child_ns = sorted({_absolute(e.rdata, cut) for e in child if e.owner == cut and e.type == "NS"})
    for entry, target in ns:
        if target not in child_ns:
            message = f"{cut} is delegated to {target}, which is not a name server of the child zone"
            yield entry.line, f"{message} ({child_shown}: {', '.join(child_ns) or 'none'})"
    missing = sorted(set(child_ns) - {target for _, target in ns})
    if missing:
        yield ns[0][0].line, f"the child zone {cut} ({child_shown}) also names {', '.join(missing)}, not delegated here"
    for entry in parent:
        if entry.type not in {"A", "AAAA"} or not entry.owner.endswith("." + cut):
            continue
        theirs = [e for e in child if e.owner == entry.owner and e.type == entry.type]
        if entry.rdata not in {e.rdata for e in theirs}:
            glue = f"glue {entry.owner} {entry.type} {entry.rdata} differs from the child zone"
            has = "; ".join(f"{child_shown}:{e.line} has {e.rdata}" for e in theirs)
            yield entry.line, f"{glue}: {has or f'{child_shown} has no {entry.type} record for it'}"


def _signing_status(tf: str) -> str:
    """signing_status of the aws_route53_hosted_zone_dnssec block (Terraform's default: SIGNING)."""
    block = tf[tf.index('resource "aws_route53_hosted_zone_dnssec"') :]
    block = block[: block.find("\n}") + 2]
    found = re.search(r'^\s*signing_status\s*=\s*"(\w+)"', block, re.M)
    return found.group(1) if found else "SIGNING"


def _line_of(text: str, pattern: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if re.search(pattern, line):
            return number
    return 0


def _checks(
    parsed: list[tuple[Entry, dns.rdata.Rdata]],
    origin: str,
    bundle: Bundle,
    finding: Callable[[int, str, str], Finding],
) -> Iterator[Finding]:
    by_owner: dict[str, set[str]] = {}
    for entry, _ in parsed:
        by_owner.setdefault(entry.owner, set()).add(entry.type)
    first_line = parsed[0][0].line if parsed else 0

    def in_zone(name: str) -> bool:
        return name == origin or name.endswith("." + origin)

    def has_address(name: str) -> bool:
        return bool(by_owner.get(name, set()) & {"A", "AAAA"})

    soas = [e for e, _ in parsed if e.type == "SOA"]
    if len(soas) != 1 or soas[0].owner != origin:
        line = soas[1].line if len(soas) > 1 else first_line
        yield finding(line, "soa", "the zone needs exactly one SOA, at the apex")
    apex = [(e, r) for e, r in parsed if e.owner == origin]
    ns = [(e, r) for e, r in apex if e.type == "NS"]
    if len(ns) < 2:
        line = ns[0][0].line if ns else first_line
        yield finding(line, "ns-count", f"the apex has {len(ns)} NS record(s); at least 2 are needed for redundancy")
    for entry, rdata in ns:
        target = str(_field(rdata, "target")).lower()
        if in_zone(target) and not has_address(target):
            yield finding(entry.line, "ns-address", f"name server {target} is in the zone but has no A/AAAA record")
    for entry, _ in parsed:
        if entry.type != "CNAME":
            continue
        if entry.owner == origin:
            yield finding(entry.line, "cname-apex", "a CNAME at the zone apex hides its SOA and NS records")
        others = sorted(by_owner[entry.owner] - {"CNAME", "RRSIG", "NSEC"})
        if others:
            message = f"{entry.owner} has a CNAME and other data ({', '.join(others)})"
            yield finding(entry.line, "cname-other-data", message)
    mx = [(e, r) for e, r in apex if e.type == "MX"]
    for entry, rdata in mx:
        target = str(_field(rdata, "exchange")).lower()
        if "CNAME" in by_owner.get(target, set()):
            yield finding(entry.line, "mx-cname", f"MX target {target} is a CNAME (RFC 2181 §10.3)")
        elif in_zone(target) and not has_address(target):
            yield finding(entry.line, "mx-address", f"MX target {target} is in the zone but has no A/AAAA record")
    yield from _caa_checks(apex, first_line, bundle, finding)
    yield from _mail_checks(parsed, apex, mx, origin, finding)


def _caa_checks(
    apex: list[tuple[Entry, dns.rdata.Rdata]],
    first_line: int,
    bundle: Bundle,
    finding: Callable[[int, str, str], Finding],
) -> Iterator[Finding]:
    caa = [(e, r) for e, r in apex if e.type == "CAA"]
    tags = {_field(r, "tag").decode("ascii", "replace").lower() for _, r in caa}
    for tag in ("issue", "issuewild"):
        if tag not in tags:
            line = caa[0][0].line if caa else first_line
            yield finding(line, "caa-issue", f"no CAA {tag} record at the apex: any CA may issue")
    allowed = {i.lower() for i in bundle.config["dns"]["caa"]["issuers"]}
    for entry, rdata in caa:
        tag = _field(rdata, "tag").decode("ascii", "replace").lower()
        value = _field(rdata, "value").decode("utf-8", "replace").split(";")[0].strip().lower()
        if tag in {"issue", "issuewild"} and value and value not in allowed:
            yield finding(entry.line, "caa-issuer", f"CAA {tag} allows {value}, not one of dns.caa.issuers")


def _mail_checks(
    parsed: list[tuple[Entry, dns.rdata.Rdata]],
    apex: list[tuple[Entry, dns.rdata.Rdata]],
    mx: list[tuple[Entry, dns.rdata.Rdata]],
    origin: str,
    finding: Callable[[int, str, str], Finding],
) -> Iterator[Finding]:
    spf = [(e, _txt(r)) for e, r in apex if e.type == "TXT" and _txt(r).lower().startswith("v=spf1")]
    if len(spf) > 1:
        yield finding(spf[1][0].line, "spf-count", "more than one SPF record at the apex (RFC 7208 §4.5: permerror)")
    for entry, text in spf:
        terms = text.split()[1:]
        lookups = [t for t in terms if _SPF_LOOKUP_TERMS.match(t)]
        if len(lookups) > SPF_LOOKUP_LIMIT:
            yield finding(
                entry.line,
                "spf-lookups",
                f"SPF needs {len(lookups)} DNS lookups, more than the limit of {SPF_LOOKUP_LIMIT} (RFC 7208 §4.6.4)",
            )
        if not terms or not (terms[-1].lower().endswith("all") or terms[-1].lower().startswith("redirect=")):
            yield finding(entry.line, "spf-syntax", "SPF record does not end with an all mechanism or redirect")
        if any(re.match(r"^[+?~-]?mx$", t, re.IGNORECASE) for t in terms) and not mx:
            yield finding(entry.line, "spf-mx", "SPF authorises the MX hosts but the zone has no MX record")
    dmarc_owner = "_dmarc." + origin
    dmarc = [(e, _txt(r)) for e, r in parsed if e.owner == dmarc_owner and e.type == "TXT"]
    if mx or spf:
        if not spf:
            yield finding(mx[0][0].line, "spf-missing", "the zone has MX records but no SPF policy")
        if not any(t.startswith("v=DMARC1") for _, t in dmarc):
            line = (mx or spf)[0][0].line
            yield finding(line, "dmarc", f"mail is configured but {dmarc_owner} has no v=DMARC1 record")
    for entry, text in dmarc:
        tags = dict(part.strip().split("=", 1) for part in text.split(";") if "=" in part)
        if tags.get("v") != "DMARC1" or tags.get("p") not in {"none", "quarantine", "reject"}:
            message = f"DMARC record {text!r} needs v=DMARC1 first and p=none|quarantine|reject"
            yield finding(entry.line, "dmarc", message)


VALIDATOR = ZoneValidator()
