"""Every control of the Pod Security Standards ``restricted`` profile, one case each."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from codepal_gen.validators import Bundle
from codepal_gen.validators.kubernetes_objects import K8sObject, dotted
from codepal_gen.validators.kubernetes_pss import check_object

GOOD_CONTAINER = {
    "name": "app",
    "image": "example@sha256:0",
    "securityContext": {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    },
}
GOOD_POD = {
    "securityContext": {"runAsNonRoot": True, "runAsUser": 10001, "seccompProfile": {"type": "RuntimeDefault"}},
    "containers": [GOOD_CONTAINER],
    "volumes": [{"name": "tmp", "emptyDir": {}}],
}
C0 = "spec.template.spec.containers[0]"
POD = "spec.template.spec"


def deployment(pod: dict[str, Any], annotations: dict[str, str] | None = None) -> K8sObject:
    data = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x", "namespace": "ns"},
        "spec": {"template": {"metadata": {"annotations": annotations or {}}, "spec": pod}},
    }
    bundle = Bundle("prod", {}, Path("."), {}, "out/prod", Path("."))
    return K8sObject(bundle, "kubernetes/ns/deployment-x.yaml", data)


def findings(obj: K8sObject) -> list[tuple[str, str]]:
    return [(check, dotted(path)) for check, path, _ in check_object(obj)]


def test_the_good_pod_passes() -> None:
    assert findings(deployment(GOOD_POD)) == []


CASES: list[tuple[str, str, Any, str, str]] = [
    # (control, where, value, expected check, expected field path)
    (
        "host-process",
        "pod.securityContext.windowsOptions",
        {"hostProcess": True},
        "host-process",
        f"{POD}.securityContext.windowsOptions.hostProcess",
    ),
    (
        "host-process",
        "c.securityContext.windowsOptions",
        {"hostProcess": True},
        "host-process",
        f"{C0}.securityContext.windowsOptions.hostProcess",
    ),
    ("host network", "pod.hostNetwork", True, "host-namespaces", f"{POD}.hostNetwork"),
    ("host PID", "pod.hostPID", True, "host-namespaces", f"{POD}.hostPID"),
    ("host IPC", "pod.hostIPC", True, "host-namespaces", f"{POD}.hostIPC"),
    ("privileged", "c.securityContext.privileged", True, "privileged", f"{C0}.securityContext.privileged"),
    (
        "capabilities beyond baseline",
        "c.securityContext.capabilities",
        {"drop": ["ALL"], "add": ["SYS_ADMIN"]},
        "capabilities-baseline",
        f"{C0}.securityContext.capabilities.add[0]",
    ),
    (
        "hostPath volume",
        "pod.volumes",
        [{"name": "h", "hostPath": {"path": "/"}}],
        "host-path-volumes",
        f"{POD}.volumes[0].hostPath",
    ),
    ("host port", "c.ports", [{"containerPort": 80, "hostPort": 80}], "host-ports", f"{C0}.ports[0].hostPort"),
    (
        "AppArmor",
        "c.securityContext.appArmorProfile",
        {"type": "Unconfined"},
        "apparmor",
        f"{C0}.securityContext.appArmorProfile.type",
    ),
    (
        "SELinux type",
        "pod.securityContext.seLinuxOptions",
        {"type": "spc_t"},
        "selinux",
        f"{POD}.securityContext.seLinuxOptions.type",
    ),
    (
        "SELinux user",
        "c.securityContext.seLinuxOptions",
        {"user": "root"},
        "selinux",
        f"{C0}.securityContext.seLinuxOptions.user",
    ),
    ("/proc mount", "c.securityContext.procMount", "Unmasked", "proc-mount", f"{C0}.securityContext.procMount"),
    (
        "seccomp unconfined",
        "c.securityContext.seccompProfile",
        {"type": "Unconfined"},
        "seccomp",
        f"{C0}.securityContext.seccompProfile.type",
    ),
    (
        "unsafe sysctl",
        "pod.securityContext.sysctls",
        [{"name": "kernel.msgmax", "value": "1"}],
        "sysctls",
        f"{POD}.securityContext.sysctls[0].name",
    ),
    (
        "volume type",
        "pod.volumes",
        [{"name": "n", "nfs": {"server": "s", "path": "/"}}],
        "volume-types",
        f"{POD}.volumes[0].nfs",
    ),
    (
        "privilege escalation",
        "c.securityContext.allowPrivilegeEscalation",
        True,
        "privilege-escalation",
        f"{C0}.securityContext.allowPrivilegeEscalation",
    ),
    ("non-root", "c.securityContext.runAsNonRoot", False, "run-as-non-root", f"{C0}.securityContext.runAsNonRoot"),
    ("non-root user", "c.securityContext.runAsUser", 0, "run-as-non-root-user", f"{C0}.securityContext.runAsUser"),
    (
        "restricted capabilities",
        "c.securityContext.capabilities",
        {"drop": ["ALL"], "add": ["CHOWN"]},
        "capabilities",
        f"{C0}.securityContext.capabilities.add[0]",
    ),
    (
        "drop ALL",
        "c.securityContext.capabilities",
        {"drop": ["NET_RAW"]},
        "capabilities",
        f"{C0}.securityContext.capabilities.drop",
    ),
]


def _set(pod: dict[str, Any], where: str, value: Any) -> None:
    target, *keys = where.split(".")
    node = pod if target == "pod" else pod["containers"][0]
    for key in keys[:-1]:
        node = node.setdefault(key, {})
    node[keys[-1]] = value


@pytest.mark.parametrize(("control", "where", "value", "check", "path"), CASES, ids=[c[0] for c in CASES])
def test_each_control_is_caught_with_its_field_path(
    control: str, where: str, value: Any, check: str, path: str
) -> None:
    pod = copy.deepcopy(GOOD_POD)
    _set(pod, where, value)
    assert findings(deployment(pod)) == [(check, path)]


def test_missing_pod_level_defaults_are_required_per_container() -> None:
    pod = copy.deepcopy(GOOD_POD)
    pod["securityContext"] = {}
    pod["initContainers"] = [{"name": "init", "image": "i@sha256:0"}]
    assert findings(deployment(pod)) == [
        ("privilege-escalation", "spec.template.spec.initContainers[0].securityContext.allowPrivilegeEscalation"),
        ("run-as-non-root", "spec.template.spec.initContainers[0].securityContext.runAsNonRoot"),
        ("seccomp", "spec.template.spec.initContainers[0].securityContext.seccompProfile.type"),
        ("capabilities", "spec.template.spec.initContainers[0].securityContext.capabilities.drop"),
        ("run-as-non-root", f"{C0}.securityContext.runAsNonRoot"),
        ("seccomp", f"{C0}.securityContext.seccompProfile.type"),
    ]


def test_apparmor_annotations_are_checked_on_the_pod_template() -> None:
    obj = deployment(GOOD_POD, {"container.apparmor.security.beta.kubernetes.io/app": "unconfined"})
    assert findings(obj) == [
        ("apparmor", "spec.template.metadata.annotations.container.apparmor.security.beta.kubernetes.io/app")
    ]
