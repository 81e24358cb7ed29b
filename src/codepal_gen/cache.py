"""A content-addressed cache of normalised output, beside Jinja's bytecode cache.

Normalising (parse + canonical re-emit) is a pure function of the format, the
header and the rendered text, and it is most of the cost of a render. The cache
maps ``sha256(format, header, text)`` to the normalised text, one file per
result under a folder per version of the ``formats`` code (any change to it starts a new folder), in a
per-user folder under the system temp dir (or ``CODEPAL_GEN_CACHE_DIR``).
``CODEPAL_GEN_NO_CACHE=1`` turns every cache off. Nothing is written inside the
project. A cache that cannot be read or written is simply not used.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

#: Validated environments of the last input fingerprint (environments, schemas, code).
CONFIGS = "configs.json"
#: Results kept per shard (``<key[:2]>/``), oldest written first out: the cache stays
#: under 256 x this many files (about 25 000 results, the output of ~50 distinct renders).
MAX_PER_SHARD = 100
#: Folders of earlier ``formats`` code kept besides the current one (other checkouts may use them).
KEEP_VERSIONS = 2


def enabled() -> bool:
    return not os.environ.get("CODEPAL_GEN_NO_CACHE")


def _folder() -> Path:
    configured = os.environ.get("CODEPAL_GEN_CACHE_DIR")
    uid = os.getuid() if hasattr(os, "getuid") else 0
    return Path(configured) if configured else Path(tempfile.gettempdir()) / f"codepal-gen-cache-{uid}"


def _code_version() -> str:
    digest = hashlib.sha256()
    formats = Path(__file__).resolve().parent / "formats"
    for path in sorted(formats.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def key(fmt: str, header: str, text: str) -> str:
    return hashlib.sha256(f"{fmt}\0{header}\0{text}".encode()).hexdigest()


@dataclass(frozen=True)
class NormalizeCache:
    """One file per result, ``<folder>/<key[:2]>/<key>`` (as ccache does): a lookup reads
    only what this render needs, and a render adds only what it computed."""

    folder: Path | None

    def get(self, digest: str) -> str | None:
        if self.folder is None:
            return None
        # Plain os calls: a render reads hundreds of these, and open() adds an fstat,
        # an isatty ioctl and a seek to each.
        try:
            fd = os.open(self.folder / digest[:2] / digest, os.O_RDONLY)
            try:
                chunks = []
                while chunk := os.read(fd, 1 << 18):
                    chunks.append(chunk)
            finally:
                os.close(fd)
            return b"".join(chunks).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    def put_all(self, entries: Mapping[str, str]) -> None:
        if self.folder is None:
            return
        shards = set()
        for digest, text in entries.items():
            target = self.folder / digest[:2] / digest
            try:
                target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".", suffix=".tmp")
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
                os.replace(tmp, target)
            except OSError:
                return
            shards.add(target.parent)
        for shard in sorted(shards):
            _trim(shard, MAX_PER_SHARD)


def _trim(shard: Path, keep: int) -> None:
    """Delete all but the ``keep`` most recently written results of one shard."""
    try:
        entries = [(e.stat().st_mtime_ns, e.name, e.path) for e in os.scandir(shard) if not e.name.startswith(".")]
        for _, _, path in sorted(entries)[: max(0, len(entries) - keep)]:
            os.unlink(path)
    except OSError:
        return


def _prune_versions(root: Path, current: Path, keep: int) -> None:
    """A new ``formats`` version starts a new folder: drop all but the ``keep`` newest others."""
    import shutil

    try:
        others = [(p.stat().st_mtime_ns, p) for p in root.glob("normalized-*") if p != current and not p.is_symlink()]
        for _, old in sorted(others, reverse=True)[keep:]:
            shutil.rmtree(old, ignore_errors=True)
    except OSError:
        return


def _trusted(folder: Path) -> bool:
    """Our own private folder: created 0700 if missing; refused if a symlink, another
    user's, or writable by others (whoever could write there could choose our output)."""
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        info = folder.lstat()
    except OSError:
        return False
    own = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISDIR(info.st_mode) and own and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def load_cache() -> NormalizeCache:
    if not enabled() or not _trusted(_folder()):
        return NormalizeCache(None)
    folder = _folder() / f"normalized-{_code_version()}"
    if not folder.is_dir():
        _prune_versions(_folder(), folder, KEEP_VERSIONS)
    return NormalizeCache(folder)


def load_configs(fingerprint: str, names: Sequence[str]) -> dict[str, tuple[str, Any]] | None:
    """Validated environments saved by a run with the same input fingerprint, or None."""
    if not enabled() or not _trusted(_folder()):
        return None
    try:
        body = json.loads((_folder() / CONFIGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(body, dict) or body.get("inputs") != fingerprint:
        return None
    envs = body.get("environments", {})
    if not all(name in envs for name in names):
        return None
    return {name: (envs[name]["source"], envs[name]["config"]) for name in names}


def save_configs(fingerprint: str, environments: Mapping[str, tuple[str, Any]]) -> None:
    """Keep the validated environments of this input fingerprint (one file, replaced)."""
    if not enabled() or not _trusted(_folder()):
        return
    known: dict[str, Any] = {}
    try:
        previous = json.loads((_folder() / CONFIGS).read_text(encoding="utf-8"))
        if isinstance(previous, dict) and previous.get("inputs") == fingerprint:
            known = dict(previous.get("environments", {}))
    except (OSError, ValueError):
        pass
    known.update({name: {"source": source, "config": config} for name, (source, config) in environments.items()})
    body = {"inputs": fingerprint, "environments": known}
    try:
        fd, tmp = tempfile.mkstemp(dir=_folder(), prefix=".configs-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(body, handle)  # key order is config order: it must survive
        os.replace(tmp, _folder() / CONFIGS)
    except OSError:
        return
