"""Where a project's sources live, found from ``-C`` or the current directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from .errors import UserError


@dataclass(frozen=True)
class Project:
    """The folders of one codepal-gen project."""

    root: Path

    @property
    def environments(self) -> Path:
        return self.root / "environments"

    @property
    def templates(self) -> Path:
        return self.root / "templates"

    @property
    def schemas(self) -> Path:
        return self.root / "schemas"

    def schema_files(self) -> list[Path]:
        """The JSON Schemas that check (and default) environments and waivers, in name order.

        Only these shape what renders; the rest of ``schemas/`` (Kubernetes, Terraform,
        Grafana, vendored tool schemas) is read by validators alone."""
        return schema_files(self.schemas)

    @property
    def waivers(self) -> Path:
        return self.root / "waivers.yaml"

    def relative(self, path: Path) -> str:
        """``path`` as shown in messages: relative to the root when inside it."""
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except ValueError:
            return str(path)

    def environment_names(self) -> list[str]:
        """Concrete environments: ``environments/*.yaml`` not starting with ``_``."""
        return sorted(p.stem for p in self.environments.glob("*.yaml") if not p.name.startswith("_"))


def schema_files(folder: Path) -> list[Path]:
    """Every ``*.schema.json`` under ``folder``, in name order."""
    return sorted(p for p in folder.rglob("*.schema.json") if p.is_file())


def find_project(start: Path) -> Project:
    """The repository containing ``start`` (its ``.git``), else the nearest folder with ``environments/``."""
    start = start.resolve()
    if not start.is_dir():
        raise UserError(f"{start}: not a directory")
    for candidate in (start, *start.parents):
        if (candidate / ".git").exists() or (candidate / "environments").is_dir():
            if (candidate / "environments").is_dir():
                return Project(candidate)
            raise UserError(f"{candidate}: no environments/ folder in this repository (use -C DIR)")
    raise UserError(f"{start}: not inside a codepal-gen project (no environments/ folder; use -C DIR)")
