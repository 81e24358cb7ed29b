"""BIND's own checkers: named-checkzone on every zone file, named-checkconf -z on named.conf.

named-checkzone runs with ``-i local`` (integrity checks of in-zone names only:
it never queries the network) and every optional check set to ``fail``, so
what BIND would only warn about fails validation. named-checkconf ``-z`` loads
the zones named.conf refers to, from the folder the file is in (the zone file
names in named.conf are relative to named's working directory).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterable, Iterator, Sequence

from . import Bundle, Finding, with_tool
from .dns_zone import entries

CHECKZONE_FLAGS = ("-i", "local", "-k", "fail", "-n", "fail", "-m", "fail", "-M", "fail", "-S", "fail", "-r", "fail")
_FILE_LINE = re.compile(r"^(?:dns_master_load: )?(?P<file>[^:\s]+):(?P<line>\d+): (?P<message>.*)$")
_ZONE_MESSAGE = re.compile(r"^zone [^:]+: (?P<message>.*)$")
_OWNER_TYPE = re.compile(r"^(?P<owner>\S+?)/(?P<type>[A-Z0-9]+)\b")
_NOISE = ("loaded serial", "not loaded due to errors", "loading from master file", "_default/")


def _findings(
    output: str, bundle: Bundle, path: str, validator: str, check: str, default_line: int = 0
) -> Iterator[Finding]:
    """Findings from checker output: ``file:line: message`` lines, and ``zone X/IN: owner/TYPE ...`` lines."""
    text = bundle.files.get(path, "")
    for raw in output.splitlines():
        line = raw.strip()
        if not line or line == "OK" or any(noise in line for noise in _NOISE):
            continue
        match = _FILE_LINE.match(line)
        if match:
            target = path.rsplit("/", 1)[0] + "/" + match.group("file").rsplit("/", 1)[-1]
            shown = target if target in bundle.files else path
            yield Finding(bundle.shown(shown), int(match.group("line")), validator, check, match.group("message"))
            continue
        zone = _ZONE_MESSAGE.match(line)
        message = zone.group("message") if zone else line
        number = default_line
        owner = _OWNER_TYPE.match(message)
        if owner and path.endswith(".zone"):
            name, rtype = owner.group("owner").lower().rstrip(".") + ".", owner.group("type")
            number = next((e.line for e in entries(text) if e.owner == name and e.type == rtype), default_line)
        yield Finding(bundle.shown(path), number, validator, check, message)


class NamedCheckzone:
    name = "named-checkzone"

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        return with_tool(self.name, "named-checkzone", bundles, lambda tool: self.run_with(tool, bundles))

    def run_with(self, tool: str, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        found: list[Finding] = []
        for bundle in bundles:
            for path in bundle.matching("dns/*.zone"):
                zone = path.rsplit("/", 1)[-1][: -len(".zone")]
                proc = subprocess.run(
                    [tool, *CHECKZONE_FLAGS, zone, path.rsplit("/", 1)[-1]],
                    cwd=bundle.directory / "dns",
                    capture_output=True,
                    text=True,
                    check=False,
                )
                if proc.returncode != 0:
                    found.extend(_findings(proc.stdout + proc.stderr, bundle, path, self.name, "zone"))
        return found


class NamedCheckconf:
    name = "named-checkconf"

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        return with_tool(self.name, "named-checkconf", bundles, lambda tool: self.run_with(tool, bundles))

    def run_with(self, tool: str, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        found: list[Finding] = []
        for bundle in bundles:
            if "dns/named.conf" not in bundle.files:
                continue
            proc = subprocess.run(
                [tool, "-z", "named.conf"],
                cwd=bundle.directory / "dns",
                capture_output=True,
                text=True,
                check=False,
            )
            if proc.returncode != 0:
                found.extend(_findings(proc.stdout + proc.stderr, bundle, "dns/named.conf", self.name, "config"))
        return found


VALIDATORS = (NamedCheckzone(), NamedCheckconf())
