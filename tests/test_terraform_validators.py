"""The Terraform validators on the real rendered output, and on deliberately broken copies of it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pytest

from codepal_gen.validators import Bundle, Finding
from codepal_gen.validators.checkov import Checkov
from codepal_gen.validators.terraform_cli import TerraformFmt, TerraformValidate
from codepal_gen.validators.terraform_schema import TerraformSchema
from codepal_gen.validators.terraform_support import cli_config, outline

from .conftest import ROOT

ENVS = ("dev", "prod", "staging")


def bundle(root: Path, env: str, edits: Mapping[str, tuple[str, str]] | None = None) -> Bundle:
    """The rendered ``out/<env>`` of ``root`` as a Bundle, with ``edits`` (path -> (old, new)) applied."""
    out = root / "out" / env
    files = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file()}
    for path, (old, new) in (edits or {}).items():
        assert old in files[path], f"{old!r} not in {path}"
        files[path] = files[path].replace(old, new, 1)
    return Bundle(env, files, out, {}, f"out/{env}", ROOT)


def line_of(b: Bundle, path: str, text: str) -> int:
    return next(i for i, row in enumerate(b.files[path].splitlines(), start=1) if text in row)


BROKEN = {
    "terraform/edge.tf": ("  drop_invalid_header_fields = true", "  drop_invalid_header_fieldz = true"),
    "terraform/eks.tf": ("  url            = aws_eks_cluster.main.identity[0].oidc[0].issuer\n", ""),
    "terraform/rds.tf": (
        "  subnet_ids = [for subnet in aws_subnet.private : subnet.id]",
        "  subnet_ids = [for subnet in aws_subnet.privat : subnet.id]",
    ),
}


def test_schema_catches_misspelled_missing_and_unresolved(rendered_root: Path) -> None:
    broken = bundle(rendered_root, "prod", BROKEN)
    findings = sorted(str(f) for f in TerraformSchema().run([broken]))
    misspelled = line_of(broken, "terraform/edge.tf", "drop_invalid_header_fieldz")
    oidc = line_of(broken, "terraform/eks.tf", 'resource "aws_iam_openid_connect_provider" "eks"')
    subnets = line_of(broken, "terraform/rds.tf", "aws_subnet.privat ")
    assert findings == [
        f"out/prod/terraform/edge.tf:{misspelled}: tf-schema: unknown-argument: aws_lb.main: unknown argument 'drop_invalid_header_fieldz'",  # noqa: E501
        f"out/prod/terraform/eks.tf:{oidc}: tf-schema: missing-argument: aws_iam_openid_connect_provider.eks: missing required argument 'url'",  # noqa: E501
        f"out/prod/terraform/rds.tf:{subnets}: tf-schema: unresolved-reference: aws_subnet.privat refers to nothing declared in this module",  # noqa: E501
    ]


def test_terraform_validate_catches_the_same_breakage(rendered_root: Path) -> None:
    broken = bundle(rendered_root, "prod", BROKEN)
    findings = {(f.path, f.line, f.check, f.message.split(":")[0]) for f in TerraformValidate().run([broken])}
    assert findings == {
        ("out/prod/terraform/edge.tf", line_of(broken, "terraform/edge.tf", "fieldz"), "error", "Unsupported argument"),
        (
            "out/prod/terraform/eks.tf",
            line_of(broken, "terraform/eks.tf", '"aws_iam_openid_connect_provider" "eks"'),
            "error",
            "Missing required argument",
        ),
        (
            "out/prod/terraform/rds.tf",
            line_of(broken, "terraform/rds.tf", "aws_subnet.privat "),
            "error",
            "Reference to undeclared resource",
        ),
    }


def test_schema_checks_unknown_types_blocks_dynamic_blocks_and_providers(rendered_root: Path) -> None:
    broken = bundle(
        rendered_root,
        "staging",
        {
            "terraform/network.tf": (
                'resource "aws_internet_gateway" "main" {',
                'resource "aws_internet_gateways" "main" {',
            ),
            "terraform/eks.tf": ('  dynamic "taint" {', '  dynamic "taints" {'),
            "terraform/backups.tf": ("  provider = aws.dr\n\n  bucket = ", "  provider = aws.west\n\n  bucket = "),
            "terraform/variables.tf": (
                'variable "deletion_protection" {',
                'variable "unused" {\n  type = string\n}\n\nvariable "deletion_protection" {',
            ),
        },
    )
    found = sorted((f.path, f.check, f.message) for f in TerraformSchema().run([broken]))
    assert found == [
        ("out/staging/terraform/backups.tf", "unresolved-reference", "provider aws.west is not configured"),
        ("out/staging/terraform/eks.tf", "unknown-block", "aws_eks_node_group.main: unknown block 'taints'"),
        (
            "out/staging/terraform/network.tf",
            "unknown-resource-type",
            "aws_internet_gateways.main: unknown resource type aws_internet_gateways",
        ),
        (
            "out/staging/terraform/network.tf",
            "unresolved-reference",
            "aws_internet_gateway.main refers to nothing declared in this module",
        ),
        ("out/staging/terraform/variables.tf", "unused-variable", "variable 'unused' is declared but never used"),
    ]


def test_fmt_names_the_first_misformatted_line(rendered_root: Path) -> None:
    broken = bundle(rendered_root, "dev", {"terraform/network.tf": ("  cidr_block           = ", "  cidr_block = ")})
    line = line_of(broken, "terraform/network.tf", "  cidr_block = ")
    assert [str(f) for f in TerraformFmt().run([broken, bundle(rendered_root, "prod")])] == [
        f'out/dev/terraform/network.tf:{line}: terraform-fmt: fmt: not formatted as terraform fmt would: cidr_block = "10.0.0.0/16"'  # noqa: E501
    ]


def test_checkov_reports_a_removed_control(rendered_root: Path) -> None:
    broken = bundle(rendered_root, "prod", {"terraform/edge.tf": ("  drop_invalid_header_fields = true\n", "")})
    findings = [f for f in Checkov(["terraform"]).run([broken]) if f.check == "CKV_AWS_131"]
    header = line_of(broken, "terraform/edge.tf", 'resource "aws_lb" "main"')
    where = f"out/prod/terraform/edge.tf:{header}"
    assert [str(f) for f in findings] == [
        f"{where}: checkov-terraform: CKV_AWS_131: Ensure that ALB drops HTTP headers (aws_lb.main)"
    ]


def test_missing_terraform_is_a_failure(rendered_root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CODEPAL_TOOLS_BIN", str(tmp_path))
    b = bundle(rendered_root, "dev")
    b = Bundle(b.env, b.files, b.directory, b.config, b.shown_root, tmp_path)
    assert TerraformValidate().run([b]) == [
        Finding("out", 0, "terraform-validate", "missing-tool", "terraform not found; run scripts/setup-tools.sh")
    ]


def test_cli_config_from_mirror_or_nothing(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CODEPAL_TF_CLI_CONFIG", raising=False)
    mirror = tmp_path / "mirror"
    (mirror / "registry.terraform.io" / "hashicorp" / "aws").mkdir(parents=True)
    monkeypatch.setenv("CODEPAL_TF_PLUGIN_MIRROR", str(mirror))
    written = cli_config(tmp_path, tmp_path)
    assert written is not None
    assert f'path    = "{mirror}"' in written.read_text()
    monkeypatch.setenv("CODEPAL_TF_CLI_CONFIG", str(tmp_path / "absent"))
    assert cli_config(tmp_path, tmp_path) is None


def test_outline_locates_nested_blocks_and_arguments() -> None:
    text = 'resource "a" "b" {\n  x = {\n    y = 1\n  }\n\n  inner {\n    z = 2\n  }\n}\n'
    node = outline(text).child("resource", labels=("a", "b"))
    assert node is not None
    assert (node.line, node.line_of("x"), node.line_of("inner")) == (1, 2, 6)
    inner = node.child("inner")
    assert inner is not None
    assert inner.line_of("z") == 7
    assert "y" not in node.attributes
