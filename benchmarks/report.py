"""Turn the measurements of benchmarks/run.sh into a Markdown table (printed and written).

Usage: report.py RESULTS_DIR OUTPUT_MD

RESULTS_DIR holds, per measured row NAME, ``NAME.json`` (hyperfine --export-json)
and ``NAME.rss`` (GNU time ``%M``: peak resident set in KiB, the largest process
of the run), plus ``meta.json`` written by run.sh. Targets are checked against
medians measured in the same run; a missed target is reported, never an error
(the benchmark is not a test: a slow machine fails nothing).
"""

from __future__ import annotations

import json
import os
import platform
import sys
from pathlib import Path
from typing import Any

CHECK_FACTOR = 2.0  # cold check <= 2x the cold import of jinja2 + ruamel.yaml + jsonschema + click
KAPITAN_FACTOR = 10.0  # render --all >= 10x faster than kapitan compile on the comparable set
FLAT_FACTOR = 1.2  # per-environment cost from 10 to 100 environments
VALIDATE_LIMIT = 20.0  # seconds, validate over all environments with every tool


class Results:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def stats(self, name: str) -> dict[str, Any]:
        data = json.loads((self.folder / f"{name}.json").read_text(encoding="utf-8"))
        return dict(data["results"][0])

    def median(self, name: str) -> float:
        return float(self.stats(name)["median"])

    def rss_mib(self, name: str) -> str:
        path = self.folder / f"{name}.rss"
        if not path.is_file():
            return "—"
        kib = int(path.read_text(encoding="utf-8").split()[-1])
        return f"{kib / 1024:.0f}"


def _kapitan_set(folder: Path) -> tuple[str, str]:
    """A short label (targets x files) and the full composition, from kapitan_inventory.py's output."""
    lines = (folder / "kapitan-set.txt").read_text(encoding="utf-8").splitlines()
    per_target = {line.split(": ", 1)[1] for line in lines}
    if len(per_target) == 1:
        files = next(iter(per_target))
        return f"{len(lines)} targets × {files.split(' (')[0]}", f"{len(lines)} targets, each {files}"
    return f"{len(lines)} targets", "; ".join(lines)


def _verdict(ok: bool) -> str:
    return "pass" if ok else "**FAIL**"


def _machine(meta: dict[str, Any]) -> list[str]:
    model = "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = "?"
    meminfo = Path("/proc/meminfo")
    if meminfo.is_file():
        for line in meminfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                memory = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    load_end = (
        " ".join(Path("/proc/loadavg").read_text(encoding="utf-8").split()[:3])
        if Path("/proc/loadavg").is_file()
        else "?"
    )
    return [
        f"- machine: {meta['nproc']} CPUs usable ({os.cpu_count()} online), {model}, {memory} RAM;"
        f" {platform.system()} {platform.release()}",
        f"- Python {platform.python_version()}; {meta['hyperfine']}; Kapitan {meta['kapitan']};"
        f" codepal-gen at {meta['commit']}",
        f"- load average (1, 5, 15 min) at start: {meta['load_start']}; at end: {load_end}",
        f"- per row: 1 warm-up run under GNU time (peak RSS: largest process of that run), then"
        f" {meta['runs']} timed runs with hyperfine (validate: {meta['validate_runs']}); every run is a new process"
        " (cold start, warm disk cache); CPU = mean user + system time of the timed runs (less sensitive"
        " than wall time to other load on the machine)",
    ]


def report(folder: Path, meta: dict[str, Any]) -> str:
    res = Results(folder)
    rows: list[list[str]] = []

    def measured(name: str, label: str, target: str = "", ok: bool | None = None) -> None:
        s = res.stats(name)
        rows.append(
            [
                label,
                f"{s['median']:.3f}",
                f"{s['min']:.3f}",
                f"{s['max']:.3f}",
                f"{s['user'] + s['system']:.3f}",
                res.rss_mib(name),
                target,
                "" if ok is None else _verdict(ok),
            ]
        )

    def derived(label: str, value: str, target: str, ok: bool | None) -> None:
        rows.append([label, value, "", "", "", "", target, "" if ok is None else _verdict(ok)])

    imports = res.median("import")
    check = res.median("check")
    measured("import", "cold import of jinja2, ruamel.yaml, jsonschema, click (reference)")
    measured(
        "check",
        f"cold `check`, all {meta['env_count']} environments, current out/",
        f"≤ {CHECK_FACTOR:g}× import = {CHECK_FACTOR * imports:.3f} s (is {check / imports:.2f}×)",
        check <= CHECK_FACTOR * imports,
    )
    measured("check-no-cache", "cold `check --no-cache` (always renders)")
    measured("render-empty", "cold `render --all` into an empty out/")
    measured("render-empty-nocache", "the same with every cache off (CODEPAL_GEN_NO_CACHE=1)")
    measured("render-current", "cold `render --all` into a current out/")

    def kapitan_ratio(label: str, theirs: str, ours: str) -> None:
        """Kapitan's median over ours (and the same for CPU), with the >= 10x target."""
        wall = res.median(theirs) / res.median(ours)
        cpu = [res.stats(name)["user"] + res.stats(name)["system"] for name in (theirs, ours)]
        derived(label, f"{wall:.1f}× (CPU {cpu[0] / cpu[1]:.1f}×)", f"≥ {KAPITAN_FACTOR:g}×", wall >= KAPITAN_FACTOR)

    short, composition = _kapitan_set(folder)
    measured("kapitan", f"`kapitan compile`, comparable set ({short}), empty compiled/")
    kapitan_ratio("Kapitan ÷ ours (`render --all`, empty out/), same run", "kapitan", "render-empty")
    if (folder / "render-empty-tmpfs.json").is_file():
        measured("render-empty-tmpfs", "the same `render --all` with the project on tmpfs")
        measured("kapitan-tmpfs", "the same `kapitan compile` with its project on tmpfs")
        kapitan_ratio(
            "Kapitan ÷ ours on tmpfs (file creation taken out), same run", "kapitan-tmpfs", "render-empty-tmpfs"
        )
    validate = res.median("validate")
    measured(
        "validate",
        f"`validate`, all {meta['env_count']} environments, every tool",
        f"≤ {VALIDATE_LIMIT:g} s",
        validate <= VALIDATE_LIMIT,
    )
    scales = [int(n) for n in meta["scales"]]
    times = {n: res.median(f"scale-{n}") for n in scales}
    for n in scales:
        measured(
            f"scale-{n}", f"cold `render` of {n} synthetic environment(s), empty out/ ({times[n] / n:.3f} s per env)"
        )
    if {1, 10, 100} <= set(scales):
        per_env = (times[100] / 100) / (times[10] / 10)
        derived(
            "per-env cost, 100 vs 10 environments (T/N)",
            f"{per_env:.2f}×",
            f"≤ {FLAT_FACTOR:g}×",
            per_env <= FLAT_FACTOR,
        )
        user = {n: res.stats(f"scale-{n}")["user"] for n in scales}
        system = {n: res.stats(f"scale-{n}")["system"] for n in scales}
        per_env_user = (user[100] / 100) / (user[10] / 10)
        derived(
            "the same in user CPU (Python's work; the rest is the kernel creating files)",
            f"{per_env_user:.2f}× (system {system[10] / 10 * 1000:.0f} → {system[100] / 100 * 1000:.0f} ms per env)",
            f"≤ {FLAT_FACTOR:g}× (for information)",
            None,
        )
        low, high = (times[10] - times[1]) / 9, (times[100] - times[10]) / 90
        if low > 0:
            marginal = high / low
            derived(
                "marginal per-env cost, 10→100 vs 1→10 (start-up excluded)",
                f"{marginal:.2f}× ({high:.3f} vs {low:.3f} s)",
                f"≤ {FLAT_FACTOR:g}× (stricter reading)",
                marginal <= FLAT_FACTOR,
            )
    if (folder / "kapitan-scale.json").is_file():
        n = scales[-1]
        theirs_n = res.median("kapitan-scale")
        measured("kapitan-scale", f"`kapitan compile`, the {n} synthetic environments as targets, empty compiled/")
        derived(
            f"Kapitan ÷ ours at {n} environments, same run",
            f"{theirs_n / times[n]:.1f}×",
            "(for information)",
            None,
        )
    header = ["row", "median (s)", "min (s)", "max (s)", "CPU (s)", "peak RSS (MiB)", "target", "result"]
    lines = [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join(["---"] + ["---:"] * 5 + ["---", "---"]) + " |",
        *("| " + " | ".join(r) + " |" for r in rows),
    ]
    notes = [
        f"- Kapitan project (benchmarks/kapitan_inventory.py): {composition}, the kinds and counts of our out/;"
        f" {meta['kapitan_identical']} of its files byte-identical to ours.",
    ]
    probe_file = folder / "fs-probe.json"
    if probe_file.is_file():
        probe = json.loads(probe_file.read_text(encoding="utf-8"))
        notes.append(
            f"- file creation on this disk (benchmarks/fs_probe.py, {probe['files']:.0f} files, system CPU per file):"
            f" {probe['fresh_us']:.0f} µs in a fresh folder, {probe['after_delete_us']:.0f} µs right after deleting"
            f" them, {probe['after_delete_and_wait_us']:.0f} µs {probe['wait_seconds']:g} s after deleting them"
        )
    if min(int(meta["runs"]), int(meta["validate_runs"])) < 5:
        notes.append(
            f"- **fewer than 5 timed runs (BENCH_RUNS={meta['runs']}, BENCH_VALIDATE_RUNS={meta['validate_runs']}):"
            " below the issue's minimum**"
        )
    return "\n".join(["# codepal-gen benchmark", "", *_machine(meta), "", *lines, "", *notes, ""])


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    folder, target = Path(argv[0]), Path(argv[1])
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    text = report(folder, meta)
    target.write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
