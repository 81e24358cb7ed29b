"""The deploy and rollback scripts act on exactly what the Kubernetes output renders:
blue-green slots in prod, one Deployment per service in staging and dev."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from codepal_gen.formats import yaml

from .conftest import Run

SERVICES = ("ai-service", "api-gateway", "auth-service", "codepal-app")
_ARRAY = re.compile(r"^declare -rA (\w+)=\((.*)\)$", re.MULTILINE)
_ENTRY = re.compile(r"\[([^\]]+)\]=(\S+)")
_SCALAR = re.compile(r"^readonly (\w+)=(\S+)$", re.MULTILINE)


def script(root: Path, env: str, name: str) -> tuple[dict[str, dict[str, str]], dict[str, str], str]:
    """(associative arrays, readonly scalars, text) of a rendered script."""
    text = (root / "out" / env / "scripts" / name).read_text(encoding="utf-8")
    arrays = {m[1]: dict(_ENTRY.findall(m[2])) for m in _ARRAY.finditer(text)}
    return arrays, dict(_SCALAR.findall(text)), text


def k8s(root: Path, env: str, rel: str) -> Any:
    path = root / "out" / env / "kubernetes" / f"codepal-{env}" / rel
    assert path.is_file(), f"{path} is not rendered"
    return yaml.load_data(path.read_text(encoding="utf-8"))


def check_deployment(root: Path, env: str, service: str, name: str, slot: dict[str, str]) -> None:
    """Deployment ``name`` runs container ``service`` (what `kubectl set image` names) with the slot labels,
    and has its own HPA and PDB."""
    deployment = k8s(root, env, f"deployment-{name}.yaml")
    assert (deployment["kind"], deployment["metadata"]["name"]) == ("Deployment", name)
    template = deployment["spec"]["template"]
    assert [c["name"] for c in template["spec"]["containers"]] == [service]
    labels, selector = template["metadata"]["labels"], deployment["spec"]["selector"]["matchLabels"]
    assert slot.items() <= labels.items()
    assert slot.items() <= selector.items()
    assert k8s(root, env, f"horizontalpodautoscaler-{name}.yaml")["spec"]["scaleTargetRef"]["name"] == name
    assert k8s(root, env, f"poddisruptionbudget-{name}.yaml")["spec"]["selector"]["matchLabels"] == selector


def only_named_deployments(text: str) -> None:
    """Every `deployment/...` the script touches comes from DEPLOYMENTS (or image_of's argument)."""
    refs = re.findall(r"deployment/(\S+?)[\"\s]", text)
    assert refs
    assert all(r.startswith("${DEPLOYMENTS[") or r == "$1" for r in refs), refs


def test_prod_blue_green_scripts_use_the_rendered_slots(rendered_root: Path) -> None:
    for name in ("production-deployment.sh", "rollback.sh"):
        arrays, scalars, text = script(rendered_root, "prod", name)
        only_named_deployments(text)
        label = scalars["SLOT_LABEL"]
        assert label == "codepal.com/slot"
        assert "jsonpath='{.spec.selector.codepal\\.com/slot}'" in text
        assert arrays["OTHER_SLOT"] == {"blue": "green", "green": "blue"}
        deployments = arrays["DEPLOYMENTS"]
        assert sorted(deployments) == sorted(f"{s}/{slot}" for s in SERVICES for slot in ("blue", "green"))
        for key, deployment in deployments.items():
            service, slot = key.split("/")
            check_deployment(rendered_root, "prod", service, deployment, {label: slot})
        for service in arrays["IMAGES"]:
            selector = k8s(rendered_root, "prod", f"service-{service}.yaml")["spec"]["selector"]
            assert selector[label] == "blue"  # environments/prod.yaml: kubernetes.blue_green.live_slot
        assert not (rendered_root / "out/prod/kubernetes/codepal-prod/deployment-codepal-app.yaml").exists()
    workflow = (rendered_root / "out/prod/github/workflows/production.yml").read_text(encoding="utf-8")
    assert 'run: bash "$SCRIPTS/production-deployment.sh" "$IMAGE_TAG"\n' in workflow


def test_staging_and_dev_rolling_scripts_use_the_rendered_deployments(rendered_root: Path) -> None:
    for env, workflow in (("staging", "staging"), ("dev", "development")):
        for name in ("rolling-deployment.sh", "rollback.sh"):
            arrays, scalars, text = script(rendered_root, env, name)
            only_named_deployments(text)
            assert "SLOT_LABEL" not in scalars
            assert "slot" not in text
            assert arrays["DEPLOYMENTS"] == {s: s for s in SERVICES}
            for service, deployment in arrays["DEPLOYMENTS"].items():
                check_deployment(rendered_root, env, service, deployment, {})
                selector = k8s(rendered_root, env, f"service-{service}.yaml")["spec"]["selector"]
                assert "codepal.com/slot" not in selector
        text = (rendered_root / "out" / env / "github/workflows" / f"{workflow}.yml").read_text(encoding="utf-8")
        assert 'run: bash "$SCRIPTS/rolling-deployment.sh" "$IMAGE_TAG"\n' in text
        assert "production-deployment" not in text


def test_the_live_slot_and_the_strategy_come_from_one_setting(project: Path, run: Run) -> None:
    prod = project / "environments/prod.yaml"
    text = prod.read_text(encoding="utf-8")
    prod.write_text(text.replace("    live_slot: blue\n", "    live_slot: green\n"), encoding="utf-8")
    assert run("-C", project, "render", "prod").code == 0
    assert k8s(project, "prod", "service-api-gateway.yaml")["spec"]["selector"]["codepal.com/slot"] == "green"
    prod.write_text(text.replace("    enabled: true\n    live_slot: blue\n", "    enabled: false\n"), encoding="utf-8")
    result = run("-C", project, "render", "prod")
    assert result.code == 0, result.err
    assert sorted(p.name for p in (project / "out/prod/scripts").glob("*-deployment.sh")) == ["rolling-deployment.sh"]
    check_deployment(project, "prod", "codepal-app", "codepal-app", {})
    assert not (project / "out/prod/kubernetes/codepal-prod/deployment-codepal-app-blue.yaml").exists()
    workflow = (project / "out/prod/github/workflows/production.yml").read_text(encoding="utf-8")
    assert 'run: bash "$SCRIPTS/rolling-deployment.sh" "$IMAGE_TAG"\n' in workflow


def test_a_slot_outside_blue_green_is_a_config_error(project: Path, run: Run) -> None:
    prod = project / "environments/prod.yaml"
    prod.write_text(
        prod.read_text(encoding="utf-8").replace("    live_slot: blue\n", "    live_slot: purple\n"), encoding="utf-8"
    )
    result = run("-C", project, "render", "prod")
    assert result.code == 2
    assert (
        "environments/prod.yaml:22:5: kubernetes.blue_green.live_slot: expected one of 'blue', 'green', got 'purple'"
        in result.err
    )
