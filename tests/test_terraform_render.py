"""What the Terraform templates render for each environment, driven by config."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import hcl2
import pytest

from codepal_gen.model.terraform import node_groups, subnet_plan

from .conftest import Run


def tf(root: Path, env: str, name: str) -> str:
    return (root / "out" / env / "terraform" / name).read_text(encoding="utf-8")


def test_standard_layout(rendered_root: Path) -> None:
    files = sorted(p.name for p in (rendered_root / "out" / "prod" / "terraform").iterdir())
    assert files == [
        "backend.tf", "backups.tf", "budgets.tf", "dns.tf", "edge.tf", "eks.tf", "elasticache.tf", "kms.tf",
        "locals.tf", "network.tf", "outputs.tf", "providers.tf", "rds.tf", "state.tf", "variables.tf", "versions.tf",
    ]  # fmt: skip


@pytest.mark.parametrize("kind", ["variable", "output"])
def test_variables_and_outputs_are_alphabetical_and_described(rendered_root: Path, kind: str) -> None:
    doc = hcl2.loads(tf(rendered_root, "prod", f"{kind}s.tf"))
    names = [next(iter(item)).strip('"') for item in doc[kind]]
    assert names == sorted(names)
    for item in doc[kind]:
        body = next(iter(item.values()))
        assert "description" in body
        assert kind == "output" or "type" in body


def test_no_secret_values(rendered_root: Path) -> None:
    for env in ("dev", "prod", "staging"):
        text = "".join(p.read_text() for p in (rendered_root / "out" / env / "terraform").glob("*.tf"))
        assert "manage_master_user_password         = true" in text
        assert not re.search(r'^\s*(password|password_wo|auth_token|secret_string)\s*=\s*"', text, re.M)
        assert (
            "auth_token                 = data.aws_secretsmanager_secret_version.redis_auth_token.secret_string" in text
        )


def test_backend_per_environment_with_lockfile(rendered_root: Path) -> None:
    for env in ("dev", "prod", "staging"):
        backend = tf(rendered_root, env, "backend.tf")
        assert f'bucket       = "codepal-terraform-state-{env}"' in backend
        assert f'key          = "{env}/terraform.tfstate"' in backend
        assert "use_lockfile = true" in backend
        assert not re.search(r"^\s*dynamodb_table\s*=", backend, re.M)


def test_staging_runs_at_half_of_prod(rendered_root: Path) -> None:
    def local(env: str, name: str) -> Any:
        return hcl2.loads(tf(rendered_root, env, "locals.tf"))["locals"][0][name]

    sizes = ('"min_size"', '"desired_size"', '"max_size"')
    assert [local("prod", "node_groups")['"general"'][k] for k in sizes] == [3, 3, 10]
    assert [local("staging", "node_groups")['"general"'][k] for k in sizes] == [2, 2, 5]
    assert local("prod", "nat_zones") == ['"us-east-1a"', '"us-east-1b"', '"us-east-1c"']
    assert local("staging", "nat_zones") == ['"us-east-1a"']
    assert "multi_az               = true" in tf(rendered_root, "prod", "rds.tf")
    assert "multi_az               = false" in tf(rendered_root, "staging", "rds.tf")


def test_subnet_plan_is_disjoint() -> None:
    public, private = subnet_plan("10.0.0.0/16", ("a", "b", "c"))
    assert [s["cidr"] for s in public.values()] == ["10.0.0.0/21", "10.0.8.0/21", "10.0.16.0/21"]
    assert [s["cidr"] for s in private.values()] == ["10.0.32.0/19", "10.0.64.0/19", "10.0.96.0/19"]
    with pytest.raises(ValueError, match="too small for 3 availability zones"):
        subnet_plan("10.0.0.0/30", ("a", "b", "c"))


def test_node_group_scaling_keeps_max_at_least_one() -> None:
    groups = node_groups(
        {"spot": {"instance_types": ["m5.large"], "size": {"min": 0, "desired": 1, "max": 1}, "taint": True}}, 0.5
    )
    assert groups["spot"]["max_size"] == 1
    assert groups["spot"]["min_size"] == 0
    assert groups["spot"]["taints"] == [{"key": "workload", "value": "spot", "effect": "NO_SCHEDULE"}]


def test_bad_terraform_config_is_reported_with_position(project: Path, run: Run) -> None:
    base = project / "environments" / "_base.yaml"
    base.write_text(base.read_text().replace("capacity_type: SPOT", "capacity_type: CHEAP"))
    result = run("-C", project, "render", "dev")
    assert result.code == 2
    assert "environments/_base.yaml:" in result.err
    assert "terraform.eks.node_groups.spot.capacity_type" in result.err
