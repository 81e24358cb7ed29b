#!/usr/bin/env bash
# make bench: time codepal-gen's commands, and Kapitan on a comparable template set,
# with hyperfine (median of >= 5 runs after a warm-up) and GNU time (peak RSS).
# See benchmarks/README.md for what each row measures.
# Prints a Markdown table and writes it to benchmarks/results.md. All scratch work
# (project copies, synthetic environments, Kapitan's venv and project) lives in
# benchmarks/.work/ (gitignored); the repository's own out/ is never touched.
# Any failing command stops the run with a non-zero exit; a missed target does not.
#
# Environment: BENCH_RUNS (default 5), BENCH_VALIDATE_RUNS (default 5; 3 saves ~20 s),
# BENCH_KAPITAN_SCALE=1 (also time Kapitan on the 100 synthetic environments).
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT=$PWD
WORK=$ROOT/benchmarks/.work
RES=$WORK/results
RUNS=${BENCH_RUNS:-5}
VALIDATE_RUNS=${BENCH_VALIDATE_RUNS:-5}
SCALES=(1 10 100)
KAPITAN_VERSION=0.36.3
KVENV=$WORK/kapitan-venv
PY=$ROOT/.venv/bin/python
CG=$ROOT/.venv/bin/codepal-gen

die() {
    echo "bench: $*" >&2
    exit 1
}
step() { echo; echo "== $*"; }

[[ -x $CG ]] || die "$CG missing: run 'make bench' (it creates .venv) or 'make render' first"
command -v hyperfine >/dev/null || die "hyperfine not found: run 'bash scripts/setup-tools.sh'"
[[ -x /usr/bin/time ]] || die "GNU time (/usr/bin/time) not found: run 'bash scripts/setup-tools.sh'"

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)
rm -rf "$RES"
mkdir -p "$RES"

# bench NAME RUNS PREPARE COMMAND: a warm-up run under GNU time (peak RSS; shows
# why a command fails), then RUNS timed runs with hyperfine. PREPARE runs before
# every run, the warm-up included.
bench() {
    local name=$1 runs=$2 prepare=$3 cmd=$4
    step "$name: $cmd"
    if [[ -n $prepare ]]; then bash -c "$prepare"; fi
    if ! /usr/bin/time -f %M -o "$RES/$name.rss" bash -c "$cmd" >"$RES/$name.log" 2>&1; then
        cat "$RES/$name.log" >&2
        die "$name failed: $cmd"
    fi
    local args=(--style basic --warmup 0 --runs "$runs" --export-json "$RES/$name.json" --command-name "$name")
    if [[ -n $prepare ]]; then args+=(--prepare "$prepare"); fi
    hyperfine "${args[@]}" "$cmd" || die "$name failed under hyperfine: $cmd"
}

# scratch DIR: a copy of the project's sources (not out/, not the venvs) that
# uses the project's external tools.
scratch() {
    local dir=$1 entry
    rm -rf "$dir"
    mkdir -p "$dir"
    shopt -s nullglob
    for entry in "$ROOT"/* "$ROOT"/.[!.]*; do
        case ${entry##*/} in
            .git | .venv | .venv-tools | .tools | out | benchmarks | tests | build | .*_cache | .hypothesis | *.egg-info) ;;
            *) cp -R "$entry" "$dir/" ;;
        esac
    done
    shopt -u nullglob
    if [[ -e $ROOT/.venv-tools ]]; then ln -s "$ROOT/.venv-tools" "$dir/.venv-tools"; fi
    if [[ -e $ROOT/.tools ]]; then ln -s "$ROOT/.tools" "$dir/.tools"; fi
}

step "Kapitan $KAPITAN_VERSION in $KVENV"
if [[ $("$KVENV/bin/kapitan" --version 2>/dev/null || true) != "$KAPITAN_VERSION" ]]; then
    rm -rf "$KVENV"
    python3 -m venv "$KVENV"
    "$KVENV/bin/pip" install --quiet --disable-pip-version-check "kapitan==$KAPITAN_VERSION" ||
        die "could not install kapitan==$KAPITAN_VERSION into $KVENV"
fi
KAPITAN=$KVENV/bin/kapitan
[[ $("$KAPITAN" --version) == "$KAPITAN_VERSION" ]] || die "$KAPITAN is not version $KAPITAN_VERSION"

# pip compiles an installed package's bytecode (Kapitan's venv has it). Our editable
# install never gets any where PYTHONDONTWRITEBYTECODE is set (it is, on these
# machines), so every run would compile our modules again: compile them as pip would.
step "bytecode of src/ (as a pip install would have it)"
"$PY" -m compileall -q "$ROOT/src"

step "scratch project, first render, Kapitan project"
P=$WORK/project
scratch "$P"
"$CG" -C "$P" render --all
ENV_COUNT=$("$CG" -C "$P" list --format json | "$PY" -c 'import json, sys; print(len(json.load(sys.stdin)["environments"]))')
K=$WORK/kapitan
rm -rf "$K"
"$PY" benchmarks/kapitan_inventory.py generate "$P" "$P/out" "$K" | tee "$RES/kapitan-set.txt"

# Paths go into the command strings hyperfine hands to a shell: quote them.
qPY=$(printf %q "$PY")
qCG=$(printf %q "$CG")
qP=$(printf %q "$P")
qK=$(printf %q "$K")
qKAPITAN=$(printf %q "$KAPITAN")

bench import "$RUNS" "" "$qPY -c 'import jinja2, ruamel.yaml, jsonschema, click'"
bench check "$RUNS" "" "$qCG -C $qP check"
bench check-no-cache "$RUNS" "" "$qCG -C $qP check --no-cache"
bench render-current "$RUNS" "" "$qCG -C $qP render --all"
bench render-empty "$RUNS" "rm -rf $qP/out" "$qCG -C $qP render --all"
# The same with every cache off (Jinja bytecode, normalised output, manifests): the first render on a new machine.
bench render-empty-nocache "$RUNS" "rm -rf $qP/out" "CODEPAL_GEN_NO_CACHE=1 $qCG -C $qP render --all"
bench kapitan "$RUNS" "rm -rf $qK/compiled" "cd $qK && $qKAPITAN compile"
KAPITAN_IDENTICAL=$("$PY" benchmarks/kapitan_inventory.py verify "$K" "$P/out")

# The same pair on tmpfs, where there is one. On this machine's virtual disk,
# creating a file costs from about 10 us to 300 us depending on the folder it is
# in (measured with plain os.open/write/rename on 549 files), which is up to a
# third of our render and almost nothing of Kapitan's; on tmpfs both numbers are
# the compilers' own. Both rows are reported; neither replaces the other.
if [[ -d /dev/shm && -w /dev/shm && $(stat -f -c %T /dev/shm) == tmpfs ]]; then
    SHM=$(mktemp -d /dev/shm/codepal-gen-bench.XXXXXX)
    trap 'rm -rf "$SHM"' EXIT
    cp -R "$P" "$SHM/project"
    cp -R "$K" "$SHM/kapitan"
    qSP=$(printf %q "$SHM/project")
    qSK=$(printf %q "$SHM/kapitan")
    bench render-empty-tmpfs "$RUNS" "rm -rf $qSP/out" "$qCG -C $qSP render --all"
    bench kapitan-tmpfs "$RUNS" "rm -rf $qSK/compiled" "cd $qSK && $qKAPITAN compile"
fi
bench validate "$VALIDATE_RUNS" "" "$qCG -C $qP validate"

for n in "${SCALES[@]}"; do
    S=$WORK/scale-$n
    qS=$(printf %q "$S")
    scratch "$S"
    names=$("$PY" benchmarks/synth.py "$S" "$n" | paste -sd' ')
    bench "scale-$n" "$RUNS" "rm -rf $qS/out" "$qCG -C $qS render $names"
done

if [[ ${BENCH_KAPITAN_SCALE:-0} == 1 ]]; then
    # Optional (about a minute more): Kapitan on the 100 synthetic environments.
    step "Kapitan project for the ${SCALES[-1]} synthetic environments"
    K100=$WORK/kapitan-${SCALES[-1]}
    rm -rf "$K100"
    "$PY" benchmarks/kapitan_inventory.py generate "$S" "$S/out" "$K100" | tail -1
    qK100=$(printf %q "$K100")
    bench "kapitan-scale" "$RUNS" "rm -rf $qK100/compiled" "cd $qK100 && $qKAPITAN compile"
    "$PY" benchmarks/kapitan_inventory.py verify "$K100" "$S/out" >/dev/null
fi

step "file creation on this disk (benchmarks/fs_probe.py)"
"$PY" benchmarks/fs_probe.py "$WORK" 18300 6 | tee "$RES/fs-probe.json"

export RUNS VALIDATE_RUNS LOAD_START ENV_COUNT KAPITAN_IDENTICAL KAPITAN_VERSION
NPROC=$(nproc)
HYPERFINE=$(hyperfine --version)
SCALES_LIST="${SCALES[*]}"
COMMIT=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "unknown commit")
export NPROC HYPERFINE SCALES_LIST COMMIT
"$PY" - "$RES/meta.json" <<'EOF'
import json, os, sys
e = os.environ
meta = {
    "runs": e["RUNS"], "validate_runs": e["VALIDATE_RUNS"], "load_start": e["LOAD_START"],
    "env_count": e["ENV_COUNT"], "kapitan_identical": e["KAPITAN_IDENTICAL"],
    "kapitan": e["KAPITAN_VERSION"], "nproc": e["NPROC"], "hyperfine": e["HYPERFINE"],
    "scales": e["SCALES_LIST"].split(), "commit": e["COMMIT"],
}
with open(sys.argv[1], "w", encoding="utf-8") as handle:
    json.dump(meta, handle, indent=2)
EOF
echo
"$PY" benchmarks/report.py "$RES" "$ROOT/benchmarks/results.md"
