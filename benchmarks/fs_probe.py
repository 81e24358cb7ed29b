"""How much creating a file costs on this disk, and how that changes with time.

Creates N files (in N/14 folders, about our layout) the way codepal-gen writes
them (O_EXCL temp file, write, rename) three times in a scratch folder: fresh,
right after deleting them, and again some seconds after deleting them. Prints
the system CPU time per file of each pass as JSON. On the 2-vCPU VMs this was
written on, the third pass costs ten to twenty times the first: the kernel
reclaims cold page cache proactively (kdamond), so creating files needs the
inode and directory blocks read back from the virtual disk.

    python benchmarks/fs_probe.py FOLDER [FILES] [WAIT_SECONDS]
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import time
from pathlib import Path


def _create(folder: Path, files: int) -> float:
    """System CPU seconds per file to create ``files`` files under ``folder``."""
    folders = max(1, files // 14)
    data = b"x" * 2300
    before = os.times().system
    for index in range(folders):
        (folder / f"d{index}").mkdir(parents=True)
    for index in range(files):
        target = folder / f"d{index * folders // files}" / f"f{index}.yaml"
        tmp = target.with_name(f".{target.name}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        os.write(fd, data)
        os.close(fd)
        os.replace(tmp, target)
    return (os.times().system - before) / files


def probe(folder: Path, files: int, wait: float) -> dict[str, float]:
    scratch = folder / "fs-probe"
    shutil.rmtree(scratch, ignore_errors=True)
    result = {"files": float(files), "wait_seconds": wait}
    result["fresh_us"] = _create(scratch, files) * 1e6
    shutil.rmtree(scratch)
    result["after_delete_us"] = _create(scratch, files) * 1e6
    shutil.rmtree(scratch)
    time.sleep(wait)
    result["after_delete_and_wait_us"] = _create(scratch, files) * 1e6
    shutil.rmtree(scratch)
    return {key: round(value, 1) for key, value in result.items()}


def main(argv: list[str]) -> int:
    if not 1 <= len(argv) <= 3:
        print(__doc__, file=sys.stderr)
        return 2
    files = int(argv[1]) if len(argv) > 1 else 18300
    wait = float(argv[2]) if len(argv) > 2 else 6.0
    print(json.dumps(probe(Path(argv[0]), files, wait)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
