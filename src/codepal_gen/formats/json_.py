"""JSON output: values become JSON literals; output is parsed and re-emitted canonically
(keys sorted, 2-space indent, UTF-8, final newline). JSON has no comments, so no header."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from . import Format, OutputError, Raw


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _plain(value: Any) -> Any:
    """Frozen config (MappingProxyType) serialises like the dict it wraps."""
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"cannot write a {type(value).__name__} into JSON")


def escape(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, allow_nan=False, default=_plain)


def parse(text: str) -> Any:
    """Strict parse (no duplicate keys, no NaN) with the error's line and column."""
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise OutputError(f"rendered JSON does not parse: {exc.msg}", exc.lineno, exc.colno) from None
    except ValueError as exc:
        raise OutputError(f"rendered JSON does not parse: {exc}") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def dump(data: Any) -> str:
    return json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def normalize(text: str, header: str) -> str:
    del header  # JSON has no comments
    return dump(parse(text))


JSON_FORMAT = Format("json", escape, normalize, {"tojson": lambda v: Raw(escape(v))})
