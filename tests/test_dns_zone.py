"""The DNS family: zone content, the content-derived SOA serial, named.conf, and the DNS validators."""

from __future__ import annotations

import re
from pathlib import Path

import dns.name
import dns.rdatatype
import dns.zone

from codepal_gen.validators import Bundle
from codepal_gen.validators.dns_zone import ZoneValidator

from .conftest import Run

ZONE = Path("out/prod/dns/codepal.com.zone")
# The tests below are about the DNS family: its validators alone (test_validate_all runs every one).
DNS_VALIDATORS = ("--only", "dns,named-checkzone,named-checkconf")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _serial(zone_text: str) -> int:
    match = re.search(r"^\s+(\d+) ; serial", zone_text, re.MULTILINE)
    assert match
    return int(match.group(1))


def _line(path: Path, fragment: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if fragment in line)


def test_prod_zone_has_the_seed_records_sorted_and_aligned(rendered_root: Path) -> None:
    text = (rendered_root / ZONE).read_text(encoding="utf-8")
    records = [line for line in text.splitlines() if re.match(r"^[@_a-z]", line) and " IN " in line]
    assert records[1:] == [
        "@               IN NS    ns1.codepal.com.",
        "@               IN NS    ns2.codepal.com.",
        "@               IN A     203.0.113.10",
        "@               IN MX    10 mail.codepal.com.",
        '@               IN TXT   "google-site-verification=Xq3vR8cPz1LmN0aB5sT7uW9yE2dF4gH6jK8"',
        '@               IN TXT   "v=spf1 include:_spf.google.com ~all"',
        '@               IN CAA   0 iodef "mailto:security@codepal.com"',
        '@               IN CAA   0 issue "letsencrypt.org"',
        '@               IN CAA   0 issuewild "letsencrypt.org"',
        '_acme-challenge IN TXT   "kP2mYd8vQx7LrW3nB9cT5sZ1fH6gJ4aE0uI2oN8pR5t"',
        '_dmarc          IN TXT   "v=DMARC1; p=quarantine; rua=mailto:dmarc@codepal.com"',
        "api             IN A     203.0.113.10",
        "app             IN A     203.0.113.10",
        "dev             IN NS    ns1.dev.codepal.com.",
        "dev             IN NS    ns2.dev.codepal.com.",
        "ns1.dev         IN A     198.51.100.73",
        "ns2.dev         IN A     198.51.100.74",
        "mail            IN A     198.51.100.25",
        "ns1             IN A     198.51.100.53",
        "ns2             IN A     198.51.100.54",
        "staging         IN NS    ns1.staging.codepal.com.",
        "staging         IN NS    ns2.staging.codepal.com.",
        "ns1.staging     IN A     198.51.100.63",
        "ns2.staging     IN A     198.51.100.64",
        "www             IN CNAME codepal.com.",
    ]
    assert records[0].startswith("@               IN SOA   ns1.codepal.com. hostmaster.codepal.com. (")


def test_staging_zone_is_its_own_domain(rendered_root: Path) -> None:
    text = (rendered_root / "out/staging/dns/staging.codepal.com.zone").read_text(encoding="utf-8")
    assert "$ORIGIN staging.codepal.com.\n" in text
    assert "app             IN A     203.0.113.20" in text


def test_serial_follows_the_content_not_the_clock(project: Path, run: Run) -> None:
    assert run("-C", project, "render", "prod").code == 0
    first = _serial((project / ZONE).read_text(encoding="utf-8"))
    assert run("-C", project, "render", "prod").code == 0
    assert _serial((project / ZONE).read_text(encoding="utf-8")) == first
    _edit(project / "environments/prod.yaml", "load_balancer_ip: 203.0.113.10", "load_balancer_ip: 203.0.113.11")
    assert run("-C", project, "render", "prod").code == 0
    changed = _serial((project / ZONE).read_text(encoding="utf-8"))
    assert changed != first
    _edit(project / "environments/prod.yaml", "load_balancer_ip: 203.0.113.11", "load_balancer_ip: 203.0.113.10")
    assert run("-C", project, "render", "prod").code == 0
    assert _serial((project / ZONE).read_text(encoding="utf-8")) == first


def test_serial_can_be_pinned_in_config(project: Path, run: Run) -> None:
    _edit(
        project / "environments/prod.yaml", "  load_balancer_ip:", "  soa:\n    serial: 2026010101\n  load_balancer_ip:"
    )
    assert run("-C", project, "render", "prod").code == 0
    assert _serial((project / ZONE).read_text(encoding="utf-8")) == 2026010101


def test_long_txt_is_split_into_255_byte_strings(project: Path, run: Run) -> None:
    includes = ", ".join(f'"ip4:192.0.2.{i}"' for i in range(30))
    _edit(
        project / "environments/prod.yaml",
        "  load_balancer_ip:",
        f"  mail:\n    spf:\n      mechanisms: [{includes}]\n  load_balancer_ip:",
    )
    assert run("-C", project, "render", "prod").code == 0
    spf = next(line for line in (project / ZONE).read_text(encoding="utf-8").splitlines() if "v=spf1" in line)
    strings = re.findall(r'"([^"]*)"', spf)
    assert len(strings) == 2
    assert [len(s) for s in strings] == [255, len("".join(strings)) - 255]
    assert run("-C", project, "validate", "prod", *DNS_VALIDATORS).code == 0


def test_named_conf_signs_with_the_shared_dnssec_settings(rendered_root: Path) -> None:
    text = (rendered_root / "out/prod/dns/named.conf").read_text(encoding="utf-8")
    assert "        ksk lifetime unlimited algorithm rsasha256 2048;\n" in text
    assert "        zsk lifetime P90D algorithm rsasha256 2048;\n" in text
    assert 'zone "codepal.com" {\n    type primary;\n    file "codepal.com.zone";\n' in text
    assert '    dnssec-policy "codepal-prod";\n    inline-signing yes;\n' in text


def test_ecdsa_and_unsigned_zones(project: Path, run: Run) -> None:
    _edit(
        project / "environments/staging.yaml",
        "  load_balancer_ip:",
        "  dnssec:\n    enabled: false\n  load_balancer_ip:",
    )
    _edit(
        project / "environments/prod.yaml",
        "  load_balancer_ip:",
        "  dnssec:\n    algorithm: ECDSAP256SHA256\n  load_balancer_ip:",
    )
    assert run("-C", project, "render", "--all").code == 0
    prod = (project / "out/prod/dns/named.conf").read_text(encoding="utf-8")
    assert "zsk lifetime P90D algorithm ecdsap256sha256;" in prod
    staging = (project / "out/staging/dns/named.conf").read_text(encoding="utf-8")
    assert "    dnssec-policy none;\n" in staging
    assert 'dnssec-policy "' not in staging
    # DNSSEC settings shape Route53 in Terraform too.
    terraform = ("--only", "terraform-fmt,tf-schema,terraform-validate")
    assert run("-C", project, "validate", "prod", "staging", *DNS_VALIDATORS, *terraform).code == 0


def test_a_host_outside_the_zone_is_a_config_error(project: Path, run: Run) -> None:
    _edit(project / "environments/prod.yaml", "app: app.codepal.com", "app: app.example.org")
    result = run("-C", project, "render", "prod")
    assert result.code == 2
    assert "environments/prod.yaml: hosts.app: 'app.example.org.' is not inside the zone codepal.com." in result.err


def test_a_cname_beside_other_data_is_caught_by_every_dns_validator(project: Path, run: Run) -> None:
    _edit(
        project / "environments/prod.yaml",
        "  load_balancer_ip:",
        '  aliases:\n    www: "@"\n    app: "@"\n  load_balancer_ip:',
    )
    assert run("-C", project, "render", "prod").code == 0
    line = _line(project / ZONE, "app             IN CNAME")
    result = run("-C", project, "validate", "prod", *DNS_VALIDATORS)
    assert result.code == 1
    assert f"{ZONE}:{line}: dns: cname-other-data: app.codepal.com. has a CNAME and other data (A)\n" in result.out
    assert f"{ZONE}:{line}: named-checkzone: zone: app.codepal.com: CNAME and other data\n" in result.out
    assert f"{ZONE}:{line}: named-checkconf: config: app.codepal.com: CNAME and other data\n" in result.out


def test_mail_best_practices(project: Path, run: Run) -> None:
    lookups = ", ".join(["mx", *(f'"include:s{i}.example.net"' for i in range(10))])
    _edit(
        project / "environments/prod.yaml",
        "  load_balancer_ip:",
        f'  aliases:\n    www: "@"\n    mail: www\n  addresses:\n    ns1: 198.51.100.53\n    ns2: 198.51.100.54\n'
        f"  mail:\n    spf:\n      mechanisms: [{lookups}]\n  load_balancer_ip:",
    )
    _edit(
        project / "environments/prod.yaml",
        "  addresses:\n    ns1: 198.51.100.53\n    ns2: 198.51.100.54\n    mail: 198.51.100.25\n",
        "",
    )
    assert run("-C", project, "render", "prod").code == 0
    zone = project / ZONE
    mx, spf = _line(zone, "IN MX"), _line(zone, "v=spf1")
    result = run("-C", project, "validate", "prod", *DNS_VALIDATORS)
    assert result.code == 1
    assert f"{ZONE}:{mx}: dns: mx-cname: MX target mail.codepal.com. is a CNAME (RFC 2181 §10.3)\n" in result.out
    expected = "SPF needs 11 DNS lookups, more than the limit of 10 (RFC 7208 §4.6.4)"
    assert f"{ZONE}:{spf}: dns: spf-lookups: {expected}\n" in result.out


def test_zone_checks_on_a_hand_broken_zone() -> None:
    zone = (
        "$ORIGIN example.com.\n$TTL 300\n"
        "@ IN SOA ns1.example.com. hostmaster.example.com. ( 1 3600 900 1209600 300 )\n"
        "@ IN NS ns1.example.com.\n"
        "@ IN CNAME other.example.net.\n"
        '@ IN CAA 0 issue "pki.goog"\n'
        "ns1 IN A 192.0.2.1\n"
        "bad IN A 300.1.1.1\n"
    )
    config = {"dns": {"caa": {"issuers": ["letsencrypt.org"]}, "dnssec": {"enabled": True, "algorithm": "RSASHA256"}}}
    bundle = Bundle("x", {"dns/example.com.zone": zone}, Path("/nonexistent"), config, "out/x", Path("/nonexistent"))
    assert [str(f) for f in ZoneValidator().run([bundle])] == [
        "out/x/dns/example.com.zone:8: dns: rdata: bad.example.com. A '300.1.1.1': Text input is malformed.",
        "out/x/dns/example.com.zone:4: dns: ns-count: "
        "the apex has 1 NS record(s); at least 2 are needed for redundancy",
        "out/x/dns/example.com.zone:5: dns: cname-apex: a CNAME at the zone apex hides its SOA and NS records",
        "out/x/dns/example.com.zone:5: dns: cname-other-data: example.com. has a CNAME and other data (CAA, NS, SOA)",
        "out/x/dns/example.com.zone:6: dns: caa-issue: no CAA issuewild record at the apex: any CA may issue",
        "out/x/dns/example.com.zone:6: dns: caa-issuer: CAA issue allows pki.goog, not one of dns.caa.issuers",
    ]


def test_prod_zone_delegates_staging_and_dev_with_glue(rendered_root: Path) -> None:
    zone = dns.zone.from_text((rendered_root / ZONE).read_text(encoding="utf-8"), relativize=False)
    for child, first in (("staging", 63), ("dev", 73)):
        cut = dns.name.from_text(f"{child}.codepal.com.")
        ns = zone.get_rdataset(cut, dns.rdatatype.NS)
        assert ns is not None
        assert sorted(str(r) for r in ns) == [f"ns1.{child}.codepal.com.", f"ns2.{child}.codepal.com."]
        for i, host in enumerate(("ns1", "ns2")):
            glue = zone.get_rdataset(f"{host}.{child}.codepal.com.", dns.rdatatype.A)
            assert glue is not None
            assert [str(r) for r in glue] == [f"198.51.100.{first + i}"]
    # The children delegate nothing: staging inherits prod's dns section and resets delegations.
    staging = (rendered_root / "out/staging/dns/staging.codepal.com.zone").read_text(encoding="utf-8")
    assert [line for line in staging.splitlines() if " IN NS " in line and not line.startswith("@")] == []


def test_route53_delegates_to_the_child_hosted_zones(rendered_root: Path) -> None:
    text = (rendered_root / "out/prod/terraform/dns.tf").read_text(encoding="utf-8")
    assert (
        'data "aws_route53_zone" "delegated" {\n'
        '  for_each = toset(["dev.codepal.com", "staging.codepal.com"])\n\n'
        "  name         = each.key\n"
        "  private_zone = false\n}\n"
    ) in text
    assert (
        'resource "aws_route53_record" "delegation" {\n'
        "  for_each = data.aws_route53_zone.delegated\n\n"
        "  zone_id = aws_route53_zone.main.zone_id\n"
        "  name    = each.key\n"
        '  type    = "NS"\n'
        "  ttl     = 300\n"
        "  records = each.value.name_servers\n}\n"
    ) in text
    assert "apply the child environment first" in text
    for child in ("staging", "dev"):
        assert 'aws_route53_zone" "delegated' not in (rendered_root / f"out/{child}/terraform/dns.tf").read_text(
            encoding="utf-8"
        )


def test_delegation_matches_the_child_zones(rendered_root: Path, run: Run) -> None:
    result = run("-C", rendered_root, "validate", "--only", "dns")
    assert result.code == 0, result.out


def test_glue_that_differs_from_the_child_zone_is_caught(project: Path, run: Run) -> None:
    _edit(project / "environments/prod.yaml", "{ns1: 198.51.100.63,", "{ns1: 198.51.100.99,")
    assert run("-C", project, "render", "--all").code == 0
    glue = _line(project / ZONE, "ns1.staging     IN A")
    child = _line(project / "out/staging/dns/staging.codepal.com.zone", "ns1             IN A")
    result = run("-C", project, "validate", "--only", "dns")
    assert result.code == 1
    assert result.out.splitlines() == [
        f"{ZONE}:{glue}: dns: delegation: glue ns1.staging.codepal.com. A 198.51.100.99 differs from the child zone: "
        f"out/staging/dns/staging.codepal.com.zone:{child} has 198.51.100.63"
    ]
    # Without the child among the bundles there is nothing to compare with.
    assert run("-C", project, "validate", "prod", "--only", "dns").code == 0


def test_name_servers_that_differ_from_the_child_zone_are_caught(project: Path, run: Run) -> None:
    _edit(project / "environments/prod.yaml", "{ns1: 198.51.100.73, ns2:", "{ns1: 198.51.100.73, ns3:")
    assert run("-C", project, "render", "--all").code == 0
    ns1, ns3 = _line(project / ZONE, "IN NS    ns1.dev."), _line(project / ZONE, "IN NS    ns3.dev.")
    glue = _line(project / ZONE, "ns3.dev         IN A")
    child = "out/dev/dns/dev.codepal.com.zone"
    result = run("-C", project, "validate", "--only", "dns")
    assert result.code == 1
    assert result.out.splitlines() == [
        f"{ZONE}:{ns1}: dns: delegation: the child zone dev.codepal.com. ({child}) also names ns2.dev.codepal.com., "
        "not delegated here",
        f"{ZONE}:{ns3}: dns: delegation: dev.codepal.com. is delegated to ns3.dev.codepal.com., which is not a name "
        f"server of the child zone ({child}: ns1.dev.codepal.com., ns2.dev.codepal.com.)",
        f"{ZONE}:{glue}: dns: delegation: glue ns3.dev.codepal.com. A 198.51.100.74 differs from the child zone: "
        f"{child} has no A record for it",
    ]


def test_a_record_below_a_delegated_label_is_a_config_error(project: Path, run: Run) -> None:
    _edit(
        project / "environments/prod.yaml",
        '    "@": kP2m',
        '    staging: Vb9xN2cM7qK4pL1wR8tY3sD6fG0hJ5zA2eU9iO4uE7r\n    "@": kP2m',
    )
    result = run("-C", project, "render", "prod")
    lines = (project / "environments/prod.yaml").read_text(encoding="utf-8").splitlines()
    at = next(n for n, text in enumerate(lines, 1) if text == "    staging:")  # the delegation's key
    assert result.code == 2
    assert result.err == (
        f"environments/prod.yaml:{at}:5: dns.delegations.staging: 'staging' is delegated to its own zone "
        "staging.codepal.com. "
        "but this zone already has _acme-challenge.staging (TXT) there; remove those records or the delegation\n"
    )
