"""The Kubernetes objects of a bundle, with the line of every field (shared by the
kubernetes_* validators; not a validator itself)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from ..formats import OutputError, yaml
from . import Bundle

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class K8sObject:
    """One manifest: its file, its data (plain dicts and lists), and line numbers on demand."""

    bundle: Bundle
    path: str
    data: Mapping[str, Any]

    @cached_property
    def tree(self) -> Any:
        """The round-trip parse that knows lines: slow, so only done for files with findings."""
        return YAML(typ="rt").load(self.bundle.files[self.path])

    @property
    def kind(self) -> str:
        return str(self.data.get("kind", ""))

    @property
    def name(self) -> str:
        return str(self.data.get("metadata", {}).get("name", ""))

    @property
    def namespace(self) -> str:
        return str(self.data.get("metadata", {}).get("namespace", ""))

    @property
    def shown(self) -> str:
        return self.bundle.shown(self.path)

    def line(self, path: Path) -> int:
        """1-based line of ``path`` (or of its deepest existing ancestor)."""
        node, line = self.tree, 1
        for key in path:
            if isinstance(node, CommentedMap) and key in node:
                line = node.lc.key(key)[0] + 1
            elif isinstance(node, CommentedSeq) and isinstance(key, int) and 0 <= key < len(node):
                line = node.lc.item(key)[0] + 1
            else:
                break
            node = node[key]
        return line


def dotted(path: Sequence[str | int]) -> str:
    """``spec.template.spec.containers[0].securityContext`` from a key path."""
    out = ""
    for key in path:
        out += f"[{key}]" if isinstance(key, int) else (f".{key}" if out else str(key))
    return out


def objects(bundle: Bundle) -> Iterator[K8sObject | tuple[str, str]]:
    """Every ``kubernetes/`` file as an object, or (path, error) when it does not parse."""
    for path in bundle.matching("kubernetes/*.yaml"):
        try:
            data = yaml.load_data(bundle.files[path])
        except OutputError as exc:
            yield path, exc.message
            continue
        if not isinstance(data, Mapping):
            yield path, "not a mapping"
            continue
        yield K8sObject(bundle, path, data)


def all_objects(bundles: Sequence[Bundle]) -> list[K8sObject]:
    return [o for b in bundles for o in objects(b) if isinstance(o, K8sObject)]


POD_SPEC_PATHS: dict[str, Path] = {
    "Pod": ("spec",),
    "Deployment": ("spec", "template", "spec"),
    "StatefulSet": ("spec", "template", "spec"),
    "DaemonSet": ("spec", "template", "spec"),
    "ReplicaSet": ("spec", "template", "spec"),
    "ReplicationController": ("spec", "template", "spec"),
    "Job": ("spec", "template", "spec"),
    "CronJob": ("spec", "jobTemplate", "spec", "template", "spec"),
}


def get(data: Any, path: Path) -> Any:
    for key in path:
        if isinstance(data, Mapping):
            if key not in data:
                return None
            data = data[key]
        elif isinstance(data, list) and isinstance(key, int) and 0 <= key < len(data):
            data = data[key]
        else:
            return None
    return data


def pod_spec(obj: K8sObject) -> tuple[Path, Mapping[str, Any]] | None:
    """(path, pod spec) of a workload's pod template, or None for other kinds."""
    path = POD_SPEC_PATHS.get(obj.kind)
    if path is None:
        return None
    spec = get(obj.data, path)
    return (path, spec) if isinstance(spec, Mapping) else (path, {})


def containers(spec: Mapping[str, Any]) -> Iterator[tuple[Path, Mapping[str, Any]]]:
    """(relative path, container) for containers, initContainers and ephemeralContainers."""
    for field in ("initContainers", "containers", "ephemeralContainers"):
        for index, container in enumerate(spec.get(field) or []):
            if isinstance(container, Mapping):
                yield (field, index), container
