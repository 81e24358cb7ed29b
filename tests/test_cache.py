"""The normalisation cache: used only from a private folder, and never changes output."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from codepal_gen import cache
from codepal_gen.cache import load_cache

from .conftest import Run
from .helpers import tree_state


def test_a_folder_others_can_write_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o777)
    monkeypatch.setenv("CODEPAL_GEN_CACHE_DIR", str(shared))
    assert load_cache().folder is None


def test_a_symlinked_folder_is_not_trusted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = tmp_path / "real"
    real.mkdir(mode=0o700)
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    monkeypatch.setenv("CODEPAL_GEN_CACHE_DIR", str(tmp_path / "link"))
    assert load_cache().folder is None


def test_output_is_the_same_with_a_cold_a_warm_and_no_cache(
    project: Path, run: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CODEPAL_GEN_CACHE_DIR", str(tmp_path / "cache"))
    assert run("-C", project, "render", "--all", "-o", tmp_path / "cold").code == 0
    assert list((tmp_path / "cache").glob("normalized-*/*/*"))
    assert run("-C", project, "render", "--all", "-o", tmp_path / "warm").code == 0
    monkeypatch.setenv("CODEPAL_GEN_NO_CACHE", "1")
    assert run("-C", project, "render", "--all", "-o", tmp_path / "none").code == 0
    cold, warm, none = (tree_state(tmp_path / name) for name in ("cold", "warm", "none"))
    assert cold == warm == none


def test_each_shard_keeps_only_its_newest_results(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CODEPAL_GEN_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(cache, "MAX_PER_SHARD", 3)
    store = load_cache()
    assert store.folder is not None
    digests = [f"ab{n:062x}" for n in range(5)]
    for n, digest in enumerate(digests):
        store.put_all({digest: f"text {n}"})
        os.utime(store.folder / "ab" / digest, ns=(n * 10**9, n * 10**9))
    store.put_all({f"cd{0:062x}": "other shard"})
    assert sorted(p.name for p in (store.folder / "ab").iterdir()) == digests[2:]
    assert store.get(digests[4]) == "text 4"
    assert store.get(digests[0]) is None
    assert store.get(f"cd{0:062x}") == "other shard"


def test_a_new_formats_version_drops_all_but_the_newest_old_ones(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "cache"
    root.mkdir(mode=0o700)
    for n in range(4):
        old = root / f"normalized-old{n}"
        (old / "ab").mkdir(parents=True)
        os.utime(old, ns=(n * 10**9, n * 10**9))
    monkeypatch.setenv("CODEPAL_GEN_CACHE_DIR", str(root))
    store = load_cache()
    assert store.folder is not None
    kept = sorted(p.name for p in root.glob("normalized-*"))
    assert kept == [f"normalized-old{n}" for n in range(4 - cache.KEEP_VERSIONS, 4)]
