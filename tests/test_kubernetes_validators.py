"""The Kubernetes validators through ``codepal-gen validate``: the real output passes,
and deliberately broken output is caught with the file, line, check and field path."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest

from codepal_gen.cli import main

from .conftest import ROOT, Run, copy_project

TOOLS = str(ROOT / ".venv-tools" / "bin")
APP = "out/prod/kubernetes/codepal-prod"
MON = "out/prod/kubernetes/codepal-prod-monitoring"
# The Kubernetes family's validators (test_validate_all runs every one).
K8S_VALIDATORS = ("--only", "kubernetes-schema,pss,checkov,kubernetes-refs")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(root: Path, rel: str, needle: str) -> int:
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


@pytest.fixture(scope="module")
def broken(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int, str]:
    """One scratch project with one of each breakage, rendered and validated once."""
    root = copy_project(tmp_path_factory.mktemp("broken") / "project")
    templates = root / "templates/kubernetes"
    apps = templates / "{k8s_app_ns}"
    # an unknown field in a built-in kind and in a custom resource
    edit(
        apps / "deployment-{k8s_deployment}.yaml.j2",
        "          imagePullPolicy: Always\n",
        "          imagePullPolicy: Always\n          bogusField: true\n",
    )
    edit(templates / "{k8s_certificate}.yaml.j2", "  secretName:", "  secretNme: x\n  secretName:")
    # a wrong type
    edit(
        apps / "horizontalpodautoscaler-{k8s_deployment}.yaml.j2",
        "{{ k8s_deployment.max_replicas }}",
        '{{ k8s_deployment.max_replicas ~ "" }}',
    )
    # a securityContext control missing (the redis exporter's)
    edit(
        apps / "statefulset-redis.yaml.j2",
        "          resources: {{ k8s.redis.exporter_resources }}\n"
        "          securityContext: {{ k8s.container_security }}",
        "          resources: {{ k8s.redis.exporter_resources }}\n"
        "          securityContext: {readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}",
    )
    # a probe on a port the container does not have; a Service selecting nothing
    edit(
        root / "templates/kubernetes/{k8s_mon_ns}/deployment-grafana.yaml.j2",
        "path: /api/health\n              port: http",
        "path: /api/health\n              port: web",
    )
    edit(
        templates / "{k8s_service}.yaml.j2",
        "  selector: {{ k8s_service.selector }}",
        '  selector: {{ k8s_service.selector if k8s_service.name != "redis" else {"app": "nope"} }}',
    )
    # liveness identical to readiness
    edit(
        apps / "deployment-{k8s_deployment}.yaml.j2",
        "livenessProbe: {{ k8s_deployment.liveness }}",
        "livenessProbe: {{ k8s_deployment.readiness }}",
    )
    # a mount nested in a read-only configMap volume; a secret key nobody produces
    grafana = root / "templates/kubernetes/{k8s_mon_ns}/deployment-grafana.yaml.j2"
    edit(
        grafana,
        "              mountPath: /etc/grafana/admin\n",
        "              mountPath: /etc/grafana/provisioning/datasources/admin\n",
    )
    alertmanager = root / "templates/kubernetes/{k8s_mon_ns}/statefulset-alertmanager.yaml.j2"
    edit(alertmanager, "- key: slack-webhook-url", "- key: slack-webhook")
    # a Secret written into the output
    (apps / "secret-leak.yaml.j2").write_text(
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: leak\n  namespace: {{ k8s_app_ns.name }}\n"
        "stringData:\n  password: hunter2\n",
        encoding="utf-8",
    )
    # a RoleBinding of a Role and to a ServiceAccount that are not rendered
    (apps / "rolebinding-orphan.yaml.j2").write_text(
        "apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  name: orphan\n"
        "  namespace: {{ k8s_app_ns.name }}\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n"
        "  name: nobody\nsubjects:\n  - kind: ServiceAccount\n    name: nobody\n"
        "    namespace: {{ k8s_app_ns.name }}\n",
        encoding="utf-8",
    )
    # an object of unknown kind, in a file named after something else
    (apps / "widget-demo.yaml.j2").write_text(
        "apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: other\n  namespace: {{ k8s_app_ns.name }}\n",
        encoding="utf-8",
    )
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CODEPAL_TOOLS_BIN", TOOLS)
        out, err = io.StringIO(), io.StringIO()
        assert main(["-C", str(root), "render", "--all"]) == 0
        with redirect_stdout(out), redirect_stderr(err):
            code = main(["-C", str(root), "validate", "prod", *K8S_VALIDATORS])
    return root, code, out.getvalue() + err.getvalue()


def test_the_real_output_passes_every_kubernetes_validator(
    rendered_root: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODEPAL_TOOLS_BIN", TOOLS)
    result = run("-C", rendered_root, "validate", *K8S_VALIDATORS)
    assert result.code == 0, result.out + result.err
    assert "the selected validators passed for dev, prod, staging" in result.err


def test_validate_fails_on_broken_output(broken: tuple[Path, int, str]) -> None:
    assert broken[1] == 1


def test_an_unknown_field_is_named_by_file_line_and_path(broken: tuple[Path, int, str]) -> None:
    root, _, out = broken
    rel = f"{APP}/deployment-codepal-app-blue.yaml"
    line = line_of(root, rel, "bogusField")
    assert (
        f"{rel}:{line}: kubernetes-schema: schema: "
        "spec.template.spec.containers[0].bogusField: unknown field 'bogusField'" in out
    )
    cert = f"{APP}/certificate-app.yaml"
    line = line_of(root, cert, "secretNme")
    assert f"{cert}:{line}: kubernetes-schema: schema: spec.secretNme: unknown field 'secretNme'" in out


def test_a_wrong_type_is_named_by_file_line_and_path(broken: tuple[Path, int, str]) -> None:
    root, _, out = broken
    rel = f"{APP}/horizontalpodautoscaler-codepal-app-green.yaml"
    line = line_of(root, rel, "maxReplicas")
    assert f"{rel}:{line}: kubernetes-schema: schema: spec.maxReplicas: '10' is not of type 'integer'" in out


def test_a_missing_security_control_is_caught_by_pss_and_checkov(broken: tuple[Path, int, str]) -> None:
    root, _, out = broken
    rel = f"{APP}/statefulset-redis.yaml"
    lines = (root / rel).read_text(encoding="utf-8").splitlines()
    exporter = next(i for i, line in enumerate(lines, 1) if line.strip() == "name: exporter")
    line = next(i for i, text in enumerate(lines, 1) if i > exporter and text.strip() == "securityContext:")
    field = "spec.template.spec.containers[1].securityContext"
    assert f"{rel}:{line}: pss: privilege-escalation: {field}.allowPrivilegeEscalation: must be false" in out
    assert f"{rel}:{line}: pss: seccomp" not in out  # the pod-level RuntimeDefault covers it
    assert f"{rel}:2: checkov: CKV_K8S_20: Containers should not run with allowPrivilegeEscalation" in out


def test_broken_references_are_caught(broken: tuple[Path, int, str]) -> None:
    root, _, out = broken
    grafana = f"{MON}/deployment-grafana.yaml"
    line = line_of(root, grafana, "port: web")
    path = "spec.template.spec.containers[0].readinessProbe.httpGet.port"
    assert f"{grafana}:{line}: kubernetes-refs: probe-port: {path}: 'web' is not a port of this container" in out
    service = f"{APP}/service-redis.yaml"
    line = line_of(root, service, "selector:")
    assert f"{service}:{line}: kubernetes-refs: selector: spec.selector: selects no pod template" in out


def test_nested_mounts_and_missing_secret_keys_are_caught(broken: tuple[Path, int, str]) -> None:
    root, _, out = broken
    grafana = f"{MON}/deployment-grafana.yaml"
    line = line_of(root, grafana, "mountPath: /etc/grafana/provisioning/datasources/admin")
    path = "spec.template.spec.containers[0].volumeMounts[4].mountPath"
    message = "/etc/grafana/provisioning/datasources/admin is inside the read-only datasources volume"
    assert f"{grafana}:{line}: kubernetes-refs: mount-nesting: {path}: {message}" in out
    alertmanager = f"{MON}/statefulset-alertmanager.yaml"
    line = line_of(root, alertmanager, "key: slack-webhook")
    path = "spec.template.spec.volumes[0].projected.sources[1].secret.items[1].key"
    message = "Secret alertmanager-receivers has no key 'slack-webhook'"
    assert f"{alertmanager}:{line}: kubernetes-refs: secret: {path}: {message}" in out


def test_liveness_must_differ_from_readiness(broken: tuple[Path, int, str]) -> None:
    root, _, out = broken
    rel = f"{APP}/deployment-api-gateway-green.yaml"
    path = "spec.template.spec.containers[0].livenessProbe"
    message = "identical to the readinessProbe: a failing dependency would restart the pod, not just drain it"
    assert f"{rel}:{line_of(root, rel, 'livenessProbe:')}: kubernetes-refs: probes-differ: {path}: {message}" in out


def test_a_plain_secret_is_an_error(broken: tuple[Path, int, str]) -> None:
    root, _, out = broken
    rel = f"{APP}/secret-leak.yaml"
    message = "kind: Secrets come from ExternalSecrets; none is written in the output"
    assert f"{rel}:{line_of(root, rel, 'kind: Secret')}: kubernetes-refs: plain-secret: {message}" in out


def test_an_unknown_kind_is_an_error_and_the_file_name_must_match(broken: tuple[Path, int, str]) -> None:
    root, _, out = broken
    rel = f"{APP}/widget-demo.yaml"
    assert (
        f"{rel}:{line_of(root, rel, 'kind:')}: kubernetes-schema: unknown-kind: no schema for example.com/v1 Widget"
        in out
    )
    expected = "object Widget 'other' belongs in kubernetes/codepal-prod/widget-other.yaml"
    assert f"{rel}:{line_of(root, rel, 'name: other')}: kubernetes-refs: file-name: metadata.name: {expected}" in out


def test_a_missing_checkov_is_a_failure(project: Path, run: Run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CODEPAL_TOOLS_BIN", raising=False)
    monkeypatch.setenv("PATH", "/nonexistent")
    assert run("-C", project, "render", "dev").code == 0
    result = run("-C", project, "validate", "dev", "--only", "checkov")
    assert result.code == 1
    assert "out: checkov: missing-tool: checkov not found; run scripts/setup-tools.sh" in result.out


def test_objects_are_validated_against_the_environments_kubernetes_version(
    project: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODEPAL_TOOLS_BIN", TOOLS)
    edit(
        project / "environments/dev.yaml", "  namespace: codepal-dev\n", '  version: "1.25"\n  namespace: codepal-dev\n'
    )
    assert run("-C", project, "render", "dev").code == 0
    result = run("-C", project, "validate", "dev", "--only", "kubernetes-schema")
    assert result.code == 1
    rel = "out/dev/kubernetes/codepal-dev/poddisruptionbudget-codepal-app.yaml"
    line = line_of(project, rel, "unhealthyPodEvictionPolicy")
    field = "spec.unhealthyPodEvictionPolicy"
    assert f"{rel}:{line}: kubernetes-schema: schema: {field}: unknown field 'unhealthyPodEvictionPolicy'" in result.out


def test_a_role_binding_must_bind_a_rendered_role_to_a_rendered_service_account(
    broken: tuple[Path, int, str],
) -> None:
    root, _, out = broken
    rel = f"{APP}/rolebinding-orphan.yaml"
    assert f"{rel}:{line_of(root, rel, 'roleRef:')}: kubernetes-refs: role: roleRef: no Role 'nobody'" in out
    line = line_of(root, rel, "- kind: ServiceAccount")
    assert f"{rel}:{line}: kubernetes-refs: subject: subjects[0]: no ServiceAccount 'nobody'" in out
