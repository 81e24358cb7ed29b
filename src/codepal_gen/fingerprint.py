"""A fingerprint of everything that decides the rendered bytes.

If the fingerprint recorded in a manifest matches and every recorded file is
intact, rendering again cannot change anything, so ``check`` can answer without
loading Jinja or the schemas. Covered: environments, templates, the environment
and waiver schemas, this package's own source, and ``pyproject.toml`` (which pins
the libraries). Validators and the schemas only they read do not shape output.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from .project import Project


def _files(folder: Path, pattern: str) -> list[Path]:
    return sorted(p for p in folder.rglob(pattern) if p.is_file() and "__pycache__" not in p.parts)


def inputs_fingerprint(project: Project) -> str:
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    groups = [
        ("environments", _files(project.environments, "*")),
        ("templates", _files(project.templates, "*")),
        ("schemas", project.schema_files()),
        # Validators read output, they do not shape it.
        ("package", [p for p in _files(package, "*.py") if "validators" not in p.relative_to(package).parts]),
    ]
    pyproject = project.root / "pyproject.toml"
    if pyproject.is_file():
        groups.append(("pyproject", [pyproject]))
    for label, files in groups:
        base = package if label == "package" else project.root
        for path in files:
            digest.update(f"{label}:{path.relative_to(base).as_posix()}\0".encode())
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()
