"""Secret values must never be written down: environment files and output hold references only.

Secrets live in AWS Secrets Manager and reach workloads through External Secrets
(``services.<name>.secrets`` lists key names); workflows authenticate with GitHub
OIDC. This module finds what breaks that rule, in the spirit of gitleaks and
detect-secrets, with rules precise enough to have no false positives here:

* values in a well-known credential format (cloud access keys, provider tokens,
  private keys, credentials inside a URL);
* environment variables whose name says they hold a secret, written as plain
  ``env`` values (they belong in ``secrets``).

Used twice: on every environment file while loading (an error at file:line:col),
and as the ``secrets`` validator over rendered output (a template must not
hard-code one either). Pure functions; nothing here reads files.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator
from typing import Any

from .config import nodes

KeyPath = tuple[str | int, ...]

#: (rule, what it is, pattern). Formats are the providers' published ones.
VALUE_RULES: tuple[tuple[str, str, re.Pattern[str]], ...] = (
    ("aws-access-key-id", "an AWS access key ID", re.compile(r"\b(?:AKIA|ASIA|ABIA|ACCA)[0-9A-Z]{16}\b")),
    ("private-key", "a private key", re.compile(r"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----")),
    ("github-token", "a GitHub token", re.compile(r"\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{60,})")),
    ("slack-token", "a Slack token", re.compile(r"\bxox[abposr]-[A-Za-z0-9-]{10,}")),
    ("openai-api-key", "an OpenAI API key", re.compile(r"\bsk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}")),
    ("stripe-secret-key", "a Stripe secret key", re.compile(r"\b[rs]k_live_[A-Za-z0-9]{20,}")),
    ("google-api-key", "a Google API key", re.compile(r"\bAIza[0-9A-Za-z_-]{35}\b")),
    (
        "jwt",
        "a JSON Web Token",
        re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,}"),
    ),
    (
        "url-credentials",
        "a password inside a URL",
        re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s/:@'\"]+:(?!\$\{)[^\s/@'\"]+@[^\s/@'\"]"),
    ),
)

#: Free-form maps whose keys are environment variable names shown in plain text.
PLAIN_ENV_MAPS: tuple[str, ...] = ("services.*.env",)

#: Names that end in what they hold (``NEXTAUTH_SECRET``, ``DB_PASSWORD``); ``TOKEN_TTL`` does not.
_SECRET_NAME = re.compile(
    r"(?:^|_)(?:PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|SECRET_?KEY"
    r"|SIGNING_?KEY|AUTH_?KEY|CREDENTIALS?)$"
)


def _dotted(path: KeyPath) -> str:
    return ".".join(str(part) for part in path if not isinstance(part, int))


def in_value(text: str) -> list[tuple[str, str]]:
    """``(rule, what)`` for every credential format found in ``text``."""
    return [(rule, what) for rule, what, pattern in VALUE_RULES if pattern.search(text)]


def in_data(data: Any) -> list[tuple[KeyPath, str]]:
    """Every secret written into ``data``: ``(key path, message)``, in document order."""
    found: list[tuple[KeyPath, str]] = []
    for path, value in nodes(data):
        if isinstance(value, str):
            found.extend(
                (path, f"holds {what} ({rule}); store it in AWS Secrets Manager and reference it")
                for rule, what in in_value(value)
            )
        if (
            len(path) >= 1
            and isinstance(path[-1], str)
            and isinstance(value, str | int | float)
            and any(fnmatch.fnmatchcase(_dotted(path[:-1]), pattern) for pattern in PLAIN_ENV_MAPS)
            and _SECRET_NAME.search(path[-1].upper())
        ):
            found.append(
                (
                    path,
                    "is named like a secret but is a plain environment variable; "
                    "list it under the service's `secrets` (read from AWS Secrets Manager) instead",
                )
            )
    return found


def in_lines(text: str) -> Iterator[tuple[int, str, str]]:
    """``(line number, rule, what)`` for every credential format in a rendered file."""
    for number, line in enumerate(text.splitlines(), start=1):
        for rule, what in in_value(line):
            yield number, rule, what
