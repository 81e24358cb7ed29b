"""Pod Security Standards, ``restricted`` profile, on every pod template.

Every control of the baseline and restricted profiles as the Kubernetes docs
list them (https://kubernetes.io/docs/concepts/security/pod-security-standards/),
checked on Pods and on the pod templates of Deployments, StatefulSets,
DaemonSets, ReplicaSets, Jobs and CronJobs. Each finding names the field path.
Namespaces must also carry the ``restricted`` labels, with a pinned version.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

from . import Bundle, Finding
from .kubernetes_objects import K8sObject, Path, all_objects, containers, dotted, get, pod_spec

NAME = "pss"
BASELINE_CAPABILITIES = frozenset(
    {
        "AUDIT_WRITE",
        "CHOWN",
        "DAC_OVERRIDE",
        "FOWNER",
        "FSETID",
        "KILL",
        "MKNOD",
        "NET_BIND_SERVICE",
        "SETFCAP",
        "SETGID",
        "SETPCAP",
        "SETUID",
        "SYS_CHROOT",
    }
)
SAFE_SYSCTLS = frozenset(
    {
        "kernel.shm_rmid_forced",
        "net.ipv4.ip_local_port_range",
        "net.ipv4.ip_unprivileged_port_start",
        "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range",
        "net.ipv4.ip_local_reserved_ports",
        "net.ipv4.tcp_keepalive_time",
        "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl",
        "net.ipv4.tcp_keepalive_probes",
    }
)
SELINUX_TYPES = frozenset({"", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"})
VOLUME_TYPES = frozenset(
    {"configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret"}
)
APPARMOR_ANNOTATION = "container.apparmor.security.beta.kubernetes.io/"


class Pod:
    """The checks of one pod template; ``found`` collects (check, path, message)."""

    def __init__(self, base: Path, spec: Mapping[str, Any], metadata: Mapping[str, Any]) -> None:
        self.base, self.spec, self.metadata = base, spec, metadata
        self.found: list[tuple[str, Path, str]] = []
        self.pod_sc: Mapping[str, Any] = spec.get("securityContext") or {}

    def fail(self, check: str, rel: Path, message: str) -> None:
        self.found.append((check, self.base + rel, message))

    def run(self) -> list[tuple[str, Path, str]]:
        self.pod_level()
        for rel, container in containers(self.spec):
            self.container(rel, container)
        return self.found

    def pod_level(self) -> None:
        sc, psc = self.pod_sc, ("securityContext",)
        if get(sc, ("windowsOptions", "hostProcess")):
            self.fail("host-process", (*psc, "windowsOptions", "hostProcess"), "must be unset or false")
        for field in ("hostNetwork", "hostPID", "hostIPC"):
            if self.spec.get(field):
                self.fail("host-namespaces", (field,), "must be unset or false")
        for index, volume in enumerate(self.spec.get("volumes") or []):
            kinds = [k for k in volume if k != "name"]
            if "hostPath" in kinds:
                self.fail("host-path-volumes", ("volumes", index, "hostPath"), "hostPath volumes are forbidden")
            for other in kinds:
                if other not in VOLUME_TYPES and other != "hostPath":
                    self.fail("volume-types", ("volumes", index, other), f"volume type {other!r} is not allowed")
        self.apparmor(sc, psc)
        self.selinux(sc, psc)
        for index, sysctl in enumerate(sc.get("sysctls") or []):
            if sysctl.get("name") not in SAFE_SYSCTLS:
                self.fail("sysctls", (*psc, "sysctls", index, "name"), f"sysctl {sysctl.get('name')!r} is not safe")
        for key in self.metadata.get("annotations") or {}:
            value = self.metadata["annotations"][key]
            if key.startswith(APPARMOR_ANNOTATION) and not (
                value == "runtime/default" or value.startswith("localhost/")
            ):
                self.fail("apparmor", ("metadata", "annotations", key), f"AppArmor profile {value!r} is not allowed")
        seccomp = get(sc, ("seccompProfile", "type"))
        if seccomp is not None and seccomp not in ("RuntimeDefault", "Localhost"):
            self.fail(
                "seccomp", (*psc, "seccompProfile", "type"), f"must be RuntimeDefault or Localhost, not {seccomp!r}"
            )
        if sc.get("runAsNonRoot") is False:
            self.fail("run-as-non-root", (*psc, "runAsNonRoot"), "must not be false")
        if sc.get("runAsUser") == 0:
            self.fail("run-as-non-root-user", (*psc, "runAsUser"), "must not be 0")

    def apparmor(self, sc: Mapping[str, Any], at: Path) -> None:
        kind = get(sc, ("appArmorProfile", "type"))
        if kind is not None and kind not in ("RuntimeDefault", "Localhost"):
            self.fail(
                "apparmor", (*at, "appArmorProfile", "type"), f"must be RuntimeDefault or Localhost, not {kind!r}"
            )

    def selinux(self, sc: Mapping[str, Any], at: Path) -> None:
        options = sc.get("seLinuxOptions") or {}
        if options.get("type", "") not in SELINUX_TYPES:
            self.fail("selinux", (*at, "seLinuxOptions", "type"), f"SELinux type {options['type']!r} is not allowed")
        for field in ("user", "role"):
            if options.get(field):
                self.fail("selinux", (*at, "seLinuxOptions", field), "must be unset")

    def container(self, rel: Path, container: Mapping[str, Any]) -> None:
        sc: Mapping[str, Any] = container.get("securityContext") or {}
        at = (*rel, "securityContext")
        if get(sc, ("windowsOptions", "hostProcess")):
            self.fail("host-process", (*at, "windowsOptions", "hostProcess"), "must be unset or false")
        if sc.get("privileged"):
            self.fail("privileged", (*at, "privileged"), "must be unset or false")
        for index, port in enumerate(container.get("ports") or []):
            if port.get("hostPort"):
                self.fail("host-ports", (*rel, "ports", index, "hostPort"), "must be unset or 0")
        self.apparmor(sc, at)
        self.selinux(sc, at)
        if sc.get("procMount", "Default") != "Default":
            self.fail("proc-mount", (*at, "procMount"), "must be unset or Default")
        if sc.get("allowPrivilegeEscalation") is not False:
            self.fail("privilege-escalation", (*at, "allowPrivilegeEscalation"), "must be false")
        if sc.get("runAsNonRoot") is False or (
            sc.get("runAsNonRoot") is None and self.pod_sc.get("runAsNonRoot") is not True
        ):
            self.fail("run-as-non-root", (*at, "runAsNonRoot"), "must be true (here or in the pod securityContext)")
        if sc.get("runAsUser") == 0:
            self.fail("run-as-non-root-user", (*at, "runAsUser"), "must not be 0")
        seccomp = get(sc, ("seccompProfile", "type"))
        if seccomp is None and get(self.pod_sc, ("seccompProfile", "type")) is None:
            self.fail(
                "seccomp", (*at, "seccompProfile", "type"), "must be RuntimeDefault or Localhost (here or in the pod)"
            )
        elif seccomp is not None and seccomp not in ("RuntimeDefault", "Localhost"):
            self.fail(
                "seccomp", (*at, "seccompProfile", "type"), f"must be RuntimeDefault or Localhost, not {seccomp!r}"
            )
        caps = sc.get("capabilities") or {}
        if "ALL" not in (caps.get("drop") or []):
            self.fail("capabilities", (*at, "capabilities", "drop"), "must drop ALL")
        for index, cap in enumerate(caps.get("add") or []):
            if cap != "NET_BIND_SERVICE":
                check = "capabilities" if cap in BASELINE_CAPABILITIES else "capabilities-baseline"
                self.fail(
                    check, (*at, "capabilities", "add", index), f"adding {cap!r} is not allowed (only NET_BIND_SERVICE)"
                )


def check_object(obj: K8sObject) -> Iterator[tuple[str, Path, str]]:
    found = pod_spec(obj)
    if found is not None:
        path, spec = found
        meta_path = (*path[:-1], "metadata")
        metadata = get(obj.data, meta_path) if obj.kind != "Pod" else obj.data.get("metadata")
        pod = Pod(path, spec, metadata or {})
        for check, where, message in pod.run():
            if where[: len(path)] == path and where[len(path) : len(path) + 1] == ("metadata",):
                where = meta_path + where[len(path) + 1 :]
            yield check, where, message
    elif obj.kind == "Namespace":
        labels = get(obj.data, ("metadata", "labels")) or {}
        for mode in ("enforce", "audit", "warn"):
            key = f"pod-security.kubernetes.io/{mode}"
            if labels.get(key) != "restricted":
                yield "namespace-labels", ("metadata", "labels"), f"label {key} must be 'restricted'"
            if not str(labels.get(key + "-version", "")).startswith("v1."):
                yield "namespace-labels", ("metadata", "labels"), f"label {key}-version must pin a version (v1.NN)"


class PodSecurityValidator:
    name = NAME

    def run(self, bundles: Sequence[Bundle]) -> Iterable[Finding]:
        for obj in all_objects(bundles):
            for check, path, message in check_object(obj):
                yield Finding(obj.shown, obj.line(path), self.name, check, f"{dotted(path)}: {message}")


VALIDATOR = PodSecurityValidator()
