"""Write rendered trees to ``out/<env>/`` and compare them with what is there.

codepal-gen records what it wrote in ``out/<env>/.codepal-gen.json`` (the
manifest: every generated path with its SHA-256, and a fingerprint of the
inputs). That record is the whole of its authority over the folder:

* it writes only files whose bytes changed, each atomically (temp file + rename);
* it deletes only files its previous manifest lists (stale outputs);
* it refuses - before touching anything - a non-empty folder without a
  manifest, a path it did not generate, and any symlink on the way to a file;
* files it did not generate are left alone and reported.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from .errors import Position, Problem, UserError

if TYPE_CHECKING:  # rendering needs Jinja; checking a current tree must not import it
    from .render import Rendered

MANIFEST = ".codepal-gen.json"
GENERATOR = "codepal-gen"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest_text(rendered: Rendered, fingerprint: str) -> str:
    files = {path: sha256(text.encode("utf-8")) for path, text in rendered.files.items()}
    body = {"environment": rendered.env, "files": files, "generator": GENERATOR, "inputs": fingerprint}
    return json.dumps(body, indent=2, sort_keys=True) + "\n"


@dataclass(frozen=True)
class Manifest:
    """What codepal-gen generated in one ``out/<env>/`` folder."""

    files: Mapping[str, str]
    inputs: str


def read_manifest(folder: Path) -> Manifest | None:
    """The manifest in ``folder``, None if absent; a foreign or corrupt one is an error."""
    path = folder / MANIFEST
    if not path.exists() and not path.is_symlink():
        return None
    if path.is_symlink() or not path.is_file():
        raise UserError([Problem(Position(str(path)), "manifest is not a regular file; refusing to use this folder")])
    try:
        body = json.loads(path.read_text(encoding="utf-8"))
        if body.get("generator") != GENERATOR or not isinstance(body.get("files"), dict):
            raise ValueError("not a codepal-gen manifest")
        return Manifest(dict(body["files"]), str(body.get("inputs", "")))
    except (ValueError, UnicodeDecodeError) as exc:
        raise UserError(
            [Problem(Position(str(path)), f"unreadable manifest ({exc}); refusing to use this folder")]
        ) from None


def _walk(folder: Path) -> tuple[dict[str, Path], set[str]]:
    """Files and symlinks (not followed) under ``folder``, and its real sub-folders, by relative path."""
    found: dict[str, Path] = {}
    folders: set[str] = set()
    if not folder.is_dir() or folder.is_symlink():
        return found, folders
    for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
        base = Path(dirpath)
        for name in dirnames:
            full = base / name
            rel = full.relative_to(folder).as_posix()
            if full.is_symlink():
                found[rel] = full
            else:
                folders.add(rel)
        for name in filenames:
            full = base / name
            found[full.relative_to(folder).as_posix()] = full
    return found, folders


def scan(folder: Path) -> dict[str, Path]:
    """Every file or symlink under ``folder`` (symlinks are not followed), by relative path."""
    return _walk(folder)[0]


@dataclass(frozen=True)
class Drift:
    """How one ``out/<env>/`` differs from what the sources render."""

    env: str
    missing: tuple[str, ...] = ()
    modified: tuple[str, ...] = ()
    stale: tuple[str, ...] = ()
    extra: tuple[str, ...] = ()
    diffs: Mapping[str, str] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not (self.missing or self.modified or self.stale or self.extra)


def compare(rendered: Rendered, fingerprint: str, folder: Path, want_diff: bool) -> Drift:
    """Compare the rendered tree (manifest included) with ``folder``; reads only."""
    import difflib

    expected = dict(rendered.files)
    expected[MANIFEST] = manifest_text(rendered, fingerprint)
    on_disk = scan(folder)
    try:
        old = read_manifest(folder)
    except UserError:
        old = None
    missing, modified, diffs = [], [], {}
    for path, text in expected.items():
        disk = on_disk.get(path)
        if disk is None:
            missing.append(path)
            continue
        if disk.is_symlink():
            modified.append(path)
            diffs[path] = f"{path} is a symlink, expected a generated file\n"
            continue
        current = disk.read_bytes()
        if path == MANIFEST and _same_files(current, text):
            continue  # only the input fingerprint differs: a cache hint, not output
        if current != text.encode("utf-8"):
            modified.append(path)
            if want_diff and path != MANIFEST:
                before = current.decode("utf-8", errors="replace").splitlines(keepends=True)
                label = f"{folder.name}/{path}"
                lines = difflib.unified_diff(before, text.splitlines(keepends=True), f"a/{label}", f"b/{label}")
                diffs[path] = "".join(lines)
    leftovers = sorted(set(on_disk) - set(expected))
    known = set(old.files) if old else set()
    return Drift(
        rendered.env,
        tuple(sorted(missing)),
        tuple(sorted(modified)),
        tuple(p for p in leftovers if p in known),
        tuple(p for p in leftovers if p not in known),
        diffs,
    )


def _same_files(current: bytes, text: str) -> bool:
    try:
        body = json.loads(current)
    except ValueError:
        return False
    expected = json.loads(text)
    return isinstance(body, dict) and {**body, "inputs": ""} == {**expected, "inputs": ""}


def current(folder: Path, fingerprint: str) -> bool:
    """True when ``folder`` holds exactly what its manifest records, for these inputs.

    A cheap proof that rendering would change nothing: same input fingerprint,
    every recorded file present with its recorded hash, nothing else there."""
    try:
        manifest = read_manifest(folder)
    except UserError:
        return False
    if manifest is None or manifest.inputs != fingerprint:
        return False
    on_disk = scan(folder)
    if set(on_disk) != set(manifest.files) | {MANIFEST}:
        return False
    for path, digest in manifest.files.items():
        disk = on_disk[path]
        if disk.is_symlink() or sha256(disk.read_bytes()) != digest:
            return False
    return True


@dataclass(frozen=True)
class Plan:
    """What a render will do in one folder, decided before anything is written."""

    folder: Path
    writes: Mapping[str, bytes]
    deletes: tuple[str, ...]
    untouched: int
    foreign: tuple[str, ...]


def _is_ours(folder: Path) -> bool:
    return (folder / MANIFEST).is_file() and not (folder / MANIFEST).is_symlink()


def check_output_root(out_dir: Path) -> None:
    """Refuse an output folder that holds things but nothing codepal-gen generated."""
    if out_dir.is_symlink() and not out_dir.is_dir():
        raise UserError(f"{out_dir}: is a symlink to something that is not a folder; refusing to write")
    if not out_dir.exists():
        return
    if not out_dir.is_dir():
        raise UserError(f"{out_dir}: exists and is not a folder; refusing to write")
    entries = list(out_dir.iterdir())
    if not entries:
        return
    if any(e.is_dir() and not e.is_symlink() and _is_ours(e) for e in entries):
        return
    names = ", ".join(sorted(e.name for e in entries)[:5])
    raise UserError(
        f"{out_dir}: is a non-empty folder that codepal-gen did not create ({names}); "
        "refusing to write into it - choose an empty or new folder with -o"
    )


def plan(rendered: Rendered, fingerprint: str, folder: Path, shown: str) -> Plan:
    """Decide the writes and deletes for one environment, or refuse with every reason.

    One walk of the folder answers what exists where; only files that exist are
    opened (to skip identical ones), so planning a fresh folder touches nothing."""
    problems: list[Problem] = []
    if folder.is_symlink():
        raise UserError([Problem(Position(shown), "is a symlink; refusing to write through it")])
    if folder.exists() and not folder.is_dir():
        raise UserError([Problem(Position(shown), "exists and is not a folder; refusing to write")])
    old = read_manifest(folder)
    on_disk, folders = _walk(folder)
    if old is None and (on_disk or folders):
        raise UserError(
            [
                Problem(
                    Position(shown),
                    "is a non-empty folder that codepal-gen did not create (no manifest); refusing to write",
                )
            ]
        )
    known = set(old.files) if old else set()
    expected = dict(rendered.files)
    expected[MANIFEST] = manifest_text(rendered, fingerprint)
    writes: dict[str, bytes] = {}
    untouched = 0
    blocked: set[str] = set()
    for path, text in expected.items():
        data = text.encode("utf-8")
        parents = [p.as_posix() for p in reversed(PurePosixPath(path).parents[:-1])]
        for parent in parents:
            if parent in on_disk and parent not in blocked:
                blocked.add(parent)
                problems.append(
                    Problem(Position(f"{shown}/{parent}"), "is not a plain folder; refusing to write through it")
                )
        if path in folders:
            problems.append(Problem(Position(f"{shown}/{path}"), "is not a regular file; refusing to overwrite"))
            continue
        disk = on_disk.get(path)
        if disk is not None:
            if disk.is_symlink():
                problems.append(Problem(Position(f"{shown}/{path}"), "is a symlink; refusing to write through it"))
                continue
            if path not in known and path != MANIFEST:
                problems.append(
                    Problem(
                        Position(f"{shown}/{path}"),
                        "exists but was not generated by codepal-gen; refusing to overwrite",
                    )
                )
                continue
            if not disk.is_file():
                problems.append(Problem(Position(f"{shown}/{path}"), "is not a regular file; refusing to overwrite"))
                continue
            if disk.read_bytes() == data:
                untouched += 1
                continue
        writes[path] = data
    deletes = []
    for path in sorted(known - set(expected)):
        disk = on_disk.get(path)
        if disk is None:
            continue
        if disk.is_symlink() or not disk.is_file():
            problems.append(
                Problem(Position(f"{shown}/{path}"), "stale output replaced by something else; refusing to delete it")
            )
            continue
        deletes.append(path)
    if problems:
        raise UserError(problems)
    foreign = tuple(sorted(set(on_disk) - known - set(expected)))
    return Plan(folder, writes, tuple(deletes), untouched, foreign)


def _write_atomic(target: Path, data: bytes) -> None:
    """Write ``data`` next to ``target`` and rename it into place (readers never see half a file).

    The temporary name is fixed (``.<name>.codepal-gen-tmp``) and created with
    O_EXCL, so a leftover or a planted file there makes the write fail instead of
    being followed; scripts are written executable."""
    tmp = target.with_name(f".{target.name}.codepal-gen-tmp")
    mode = 0o755 if target.suffix == ".sh" else 0o644
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), mode)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


#: Below this many files one process writes them all; above, every core takes a share.
PARALLEL_WRITES = 64


def execute(plans: Sequence[Plan]) -> None:
    """Carry out plans: every folder's files, then per folder its stale deletions and its manifest last.

    Creating files is system time, not Python: on these virtual disks it costs up
    to 0.3 ms a file, so a fresh tree is written by every core at once (forked
    workers, each a contiguous share of the sorted paths, see parallel.fork_map)."""
    from .parallel import fork_map

    batch = [
        (plan_.folder / path, data)
        for plan_ in plans
        for path, data in sorted(plan_.writes.items())
        if path != MANIFEST
    ]
    for parent in sorted({target.parent for target, _ in batch} | {p.folder for p in plans}):
        parent.mkdir(parents=True, exist_ok=True)
    fork_map(lambda item: _write_atomic(*item), batch, workers=None if len(batch) >= PARALLEL_WRITES else 1)
    for plan_ in plans:
        for path in plan_.deletes:
            target = plan_.folder / path
            target.unlink()
            for emptied in PurePosixPath(path).parents[:-1]:
                directory = plan_.folder / emptied
                if directory.is_dir() and not any(directory.iterdir()):
                    directory.rmdir()
        manifest = plan_.writes.get(MANIFEST)
        if manifest is not None:
            _write_atomic(plan_.folder / MANIFEST, manifest)
