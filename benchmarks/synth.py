"""Write N synthetic environments into a scratch project: syn001 ... synNNN.

Each one is ``extends: staging`` and overrides exactly the values of
``environments/staging.yaml`` that carry the environment's name (domain, hosts,
namespaces, ...), with ``staging`` replaced by its own name, so every synthetic
environment is valid and distinct. Only staging's own file is read, so the
generator keeps working as families add keys to it.

Usage: synth.py PROJECT_DIR COUNT   (prints the environment names, one a line)
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML

BASE = "staging"


def _renamed(value: Any, name: str) -> Any:
    """The parts of ``value`` that mention the base environment, renamed; None when nothing does."""
    if isinstance(value, str):
        return value.replace(BASE, name) if BASE in value else None
    if isinstance(value, dict):
        kept = {k: r for k, v in value.items() if (r := _renamed(v, name)) is not None}
        return kept or None
    if isinstance(value, list):
        # Lists replace whole (README, merge rules): keep the whole list, renamed.
        renamed = [_renamed(v, name) for v in value]
        if all(r is None for r in renamed):
            return None
        return [v if r is None else r for v, r in zip(value, renamed, strict=True)]
    return None


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    project, count = Path(argv[0]), int(argv[1])
    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    own = yaml.load((project / "environments" / f"{BASE}.yaml").read_text(encoding="utf-8"))
    own = {k: v for k, v in own.items() if k not in ("extends", "scale")}
    for index in range(1, count + 1):
        name = f"syn{index:03d}"
        overrides = _renamed(own, name) or {}
        if "domain" not in overrides:
            raise SystemExit(f"synth.py: {BASE}.yaml has no domain mentioning {BASE!r}; update the generator")
        target = project / "environments" / f"{name}.yaml"
        with target.open("w", encoding="utf-8") as handle:
            handle.write(f"# Synthetic benchmark environment (benchmarks/synth.py): {BASE}, renamed.\n")
            handle.write(f"extends: {BASE}\n")
            yaml.dump(overrides, handle)
        print(name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
