"""A Kapitan project that renders the same set of files as our ``render``, for a fair comparison.

``generate PROJECT OUT DEST`` writes, under DEST:

* ``inventory/classes/env/<name>.yml`` for every ``environments/<name>.yaml``
  (abstract ones too): its values as reclass ``parameters``, its ``extends`` as
  reclass ``classes``, so Kapitan's inventory does the inheritance our loader does;
* ``inventory/targets/<env>.yml`` for every environment rendered in OUT, with a
  ``jinja2`` compile step over ``templates/<env>/``;
* ``templates/<env>/<path>`` for every file of ``OUT/<env>/`` (so the same kinds
  and the same number of files per environment as ours, counted at benchmark
  time): the file's text, with every occurrence of one of the environment's
  config values (strings of 5+ characters) replaced by a Jinja expression that
  reads it from the inventory. Kapitan's output is then our output.

``verify DEST OUT`` compares ``DEST/compiled/<env>/<path>`` with ``OUT/<env>/<path>``
and prints how many files are byte-identical (Kapitan's Jinja drops the final
newline unless the template has two, so the templates end with two).

Runs with the project's venv (ruamel.yaml); writes JSON, which is YAML.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

MIN_VALUE = 5


def _load(path: Path) -> dict[str, Any]:
    data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _parents(data: dict[str, Any]) -> list[str]:
    extends = data.get("extends")
    if extends is None:
        return []
    return [extends] if isinstance(extends, str) else list(extends)


def _merge(base: Any, top: Any) -> Any:
    """Our merge rules (README): mappings deeply, lists and scalars whole, null removes."""
    if not (isinstance(base, dict) and isinstance(top, dict)):
        return top
    merged = dict(base)
    for key, value in top.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = _merge(merged.get(key), value)
    return merged


def _resolved(name: str, files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    data = files[name]
    merged: dict[str, Any] = {}
    for parent in _parents(data):
        merged = _merge(merged, _resolved(parent, files))
    resolved: dict[str, Any] = _merge(merged, {k: v for k, v in data.items() if k != "extends"})
    return resolved


def _reclass_value(value: Any) -> Any:
    """Plain data for reclass: nulls dropped, ``${``/``$[`` escaped (reclass references)."""
    if isinstance(value, dict):
        return {k: _reclass_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_reclass_value(v) for v in value]
    if isinstance(value, str):
        return value.replace("${", "\\${").replace("$[", "\\$[")
    return value


def _leaves(value: Any, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...], str]]:
    """String leaves reached through mappings only (reclass merges lists differently)."""
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, (*path, str(k)))]
    return [(path, value)] if isinstance(value, str) else []


def _template(text: str, config: dict[str, Any]) -> str:
    lookups: dict[str, str] = {}
    for path, value in sorted(_leaves(config), key=lambda leaf: len(leaf[0])):
        if len(value) >= MIN_VALUE and "$" not in value and "{" not in value and value not in lookups:
            lookups[value] = "{{ inventory.parameters" + "".join(f"[{json.dumps(p)}]" for p in path) + " }}"
    literal = re.compile(r"\{[{%#]")

    def escape(chunk: str) -> str:
        return literal.sub(lambda m: "{{ " + json.dumps(m.group(0)) + " }}", chunk)

    if not lookups:
        return escape(text) + "\n"
    values = re.compile("|".join(re.escape(v) for v in sorted(lookups, key=len, reverse=True)))
    out, last = [], 0
    for match in values.finditer(text):
        out.append(escape(text[last : match.start()]))
        out.append(lookups[match.group(0)])
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out) + "\n"


def _outputs(out: Path) -> dict[str, list[Path]]:
    envs = sorted(p.name for p in out.iterdir() if (p / ".codepal-gen.json").is_file())
    return {
        env: sorted(p for p in (out / env).rglob("*") if p.is_file() and not p.name.startswith(".")) for env in envs
    }


def _write(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2, default=str) + "\n", encoding="utf-8")


def generate(project: Path, out: Path, dest: Path) -> None:
    files = {p.stem: _load(p) for p in sorted((project / "environments").glob("*.yaml"))}
    for name, data in files.items():
        body = {k: v for k, v in data.items() if k != "extends"}
        _write(
            dest / "inventory" / "classes" / "env" / f"{name}.yml",
            {"classes": [f"env.{p}" for p in _parents(data)], "parameters": _reclass_value(body)},
        )
    outputs = _outputs(out)
    for env, paths in outputs.items():
        compile_step = {"input_type": "jinja2", "input_paths": [f"templates/{env}"], "output_path": "."}
        _write(
            dest / "inventory" / "targets" / f"{env}.yml",
            {
                "classes": [f"env.{env}"],
                "parameters": {"kapitan": {"vars": {"target": env}, "compile": [compile_step]}},
            },
        )
        config = _resolved(env, files)
        for path in paths:
            target = dest / "templates" / env / path.relative_to(out / env)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(_template(path.read_text(encoding="utf-8"), config), encoding="utf-8")
        kinds = Counter(p.relative_to(out / env).parts[0] for p in paths)
        print(f"{env}: {len(paths)} files ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})")


def verify(dest: Path, out: Path) -> None:
    total = same = 0
    for env, paths in _outputs(out).items():
        for path in paths:
            total += 1
            theirs = dest / "compiled" / env / path.relative_to(out / env)
            if not theirs.is_file():
                raise SystemExit(f"kapitan_inventory.py: Kapitan did not write {theirs}")
            same += theirs.read_bytes() == path.read_bytes()
    print(f"{same}/{total}")


def main(argv: list[str]) -> int:
    if len(argv) == 4 and argv[0] == "generate":
        generate(Path(argv[1]), Path(argv[2]), Path(argv[3]))
    elif len(argv) == 3 and argv[0] == "verify":
        verify(Path(argv[1]), Path(argv[2]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
