"""Secret values are refused in environment files and found in rendered output.

Every credential rule fires on a sample in its provider's format and stays quiet
on a near miss; the environment-variable name rule matches what a name ends in.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from codepal_gen.leaks import VALUE_RULES, in_data, in_lines, in_value
from codepal_gen.validators import Bundle
from codepal_gen.validators.secrets import VALIDATOR

# Samples are assembled at run time so that no scanner flags this file itself.
SAMPLES = {
    "aws-access-key-id": ("AKIA" + "IOSFODNN7EXAMPLE", "AKIA" + "IOSFODNN7EXAMPL"),
    "private-key": ("-----BEGIN RSA " + "PRIVATE KEY-----", "-----BEGIN PUBLIC KEY-----"),
    "github-token": ("ghp_" + "0123456789abcdefghijABCDEFGHIJ012345", "ghp_short"),
    "slack-token": ("xoxb-" + "1234567890-abcdefghij", "xoxb-1"),
    "openai-api-key": ("sk-proj-" + "a" * 40, "sk-" + "a" * 10),
    "stripe-secret-key": ("sk_live_" + "a1" * 12, "sk_test_" + "a1" * 12),
    "google-api-key": ("AIza" + "SyA-1234567890abcdefghijklmnopqrstu", "AIza" + "short"),
    "jwt": ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXZhbHVlLWhlcmU", "eyJhbGci.eyJzdWIi.x"),
    "url-credentials": (
        "postgresql://codepal:" + "hunter2@db.internal:5432/codepal",
        "postgresql://codepal@localhost:5432/codepal_test",
    ),
}


def test_every_rule_has_samples() -> None:
    assert set(SAMPLES) == {rule for rule, _, _ in VALUE_RULES}


@pytest.mark.parametrize("rule", sorted(SAMPLES))
def test_a_rule_fires_on_its_format_and_not_on_a_near_miss(rule: str) -> None:
    hit, miss = SAMPLES[rule]
    assert rule in [found for found, _ in in_value(f"value: {hit} ")]
    assert in_value(f"value: {miss} ") == []


@pytest.mark.parametrize(
    "text",
    [
        "https://user@example.com/path",  # a user, no password
        "postgresql://codepal:${DB_PASSWORD}@db:5432/codepal",  # a placeholder, filled at run time
        "mailto:security@codepal.com",
        "google-site-verification=Xq3vR8cPz1LmN0aB5sT7uW9yE2dF4gH6jK8",
        "sha256:57c72fd2a128e416c7fcc499958864df5301e940bca0a56f58fddf30ffc07777",
    ],
)
def test_ordinary_values_are_not_secrets(text: str) -> None:
    assert in_value(text) == []


@pytest.mark.parametrize(
    ("name", "flagged"),
    [
        ("NEXTAUTH_SECRET", True),
        ("DB_PASSWORD", True),
        ("OPENAI_API_KEY", True),
        ("GITHUB_TOKEN", True),
        ("JWT_SIGNING_KEY", True),
        ("aws_secret_access_key", True),
        ("TOKEN_TTL_SECONDS", False),
        ("PASSWORD_MIN_LENGTH", False),
        ("LOG_LEVEL", False),
    ],
)
def test_plain_env_vars_named_like_secrets_are_refused(name: str, flagged: bool) -> None:
    data = {"services": {"api": {"env": {name: "value"}, "secrets": ["DB_PASSWORD"]}}}
    found = in_data(data)
    assert bool(found) is flagged
    if flagged:
        assert found[0][0] == ("services", "api", "env", name)
        assert "list it under the service's `secrets`" in found[0][1]


def test_secret_key_names_outside_env_maps_are_references() -> None:
    # `secrets` lists key names; `auth_token_secret` is a Secrets Manager path.
    data = {"services": {"api": {"secrets": ["NEXTAUTH_SECRET"]}}, "redis": {"auth_token_secret": "codepal/prod/x"}}
    assert in_data(data) == []


def test_values_are_found_at_their_key_path_in_lists_and_maps() -> None:
    token = SAMPLES["github-token"][0]
    data = {"a": [{"b": "x"}, {"c": f"Bearer {token}"}]}
    assert in_data(data) == [
        (("a", 1, "c"), "holds a GitHub token (github-token); store it in AWS Secrets Manager and reference it")
    ]


def test_the_validator_reports_the_line_of_a_secret_in_rendered_output(tmp_path: Path) -> None:
    key = SAMPLES["aws-access-key-id"][0]
    files = {"kubernetes/a.yaml": "kind: ConfigMap\n", "scripts/deploy.sh": f"#!/bin/sh\nexport KEY={key}\n"}
    bundle = Bundle("prod", files, tmp_path, {}, "out/prod", tmp_path)
    findings = list(VALIDATOR.run([bundle]))
    assert [(f.path, f.line, f.validator, f.check) for f in findings] == [
        ("out/prod/scripts/deploy.sh", 2, "secrets", "aws-access-key-id")
    ]
    assert list(in_lines("nothing here\n")) == []


JSON_LIKE = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20,
)


@given(JSON_LIKE, st.sampled_from(sorted(SAMPLES)), st.text(max_size=10))
def test_a_credential_anywhere_is_found_at_its_path(data: object, rule: str, key: str) -> None:
    document = {"wrapper": [data, {key: f"x {SAMPLES[rule][0]} y"}]}
    found = in_data(document)
    assert any(path == ("wrapper", 1, key) and f"({rule})" in message for path, message in found)
    for path, _ in found:  # every finding points at a scalar
        node: object = document
        for part in path:
            node = node[part]  # type: ignore[index]
        assert isinstance(node, str | int | float)
