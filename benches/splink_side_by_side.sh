#!/usr/bin/env bash
# Splink and steward side by side on the same synthetic people file: wall time, peak RSS and pairwise /
# B-cubed F1 for both, scored by the bench's own metrics.py.
#
#   benches/splink_side_by_side.sh [N]            (default N = 1000000: people_1m)
#
# The file is gen_people.py N --seed 42 (written when missing). Splink runs the bench's splink_scale.py
# (its demo-derived configuration, clusters at 0.99, the bench's reported threshold); steward reads a copy
# of the file without the entity_id column, so only the scorer sees the truth. Both run under
# /usr/bin/time -v, one after the other, never together.
#
# Environment:
#   BENCH_DIR      the bench scripts (gen_people.py, splink_scale.py, metrics.py, requirements.txt);
#                  default /work/shared/bench
#   BENCH_VENV     Python venv with the bench requirements (splink, duckdb, pandas, pyarrow, Faker);
#                  created from BENCH_DIR/requirements.txt when missing; default /work/scratch/bench/venv-splink
#   BENCH_DATA     where data and outputs go; default /work/scratch/bench/data
#   STEWARD_BIN    steward binary; default ${CARGO_TARGET_DIR:-<repo>/target}/release/steward (built when missing)
#   STEWARD_THREADS  passed as --threads (default: all cores)
#   SKIP_SPLINK=1  reuse the last Splink run's output and timings (its .time.txt) instead of running it again
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
n="${1:-1000000}"
bench="${BENCH_DIR:-/work/shared/bench}"
venv="${BENCH_VENV:-/work/scratch/bench/venv-splink}"
data="${BENCH_DATA:-/work/scratch/bench/data}"
case "$n" in
    1000000) name=people_1m ;;
    100000) name=people_100k ;;
    *) name="people_$n" ;;
esac

[ -x /usr/bin/time ] || { echo "side-by-side: /usr/bin/time is missing (apt-get install time)" >&2; exit 2; }
mkdir -p "$data/out" "$data/logs"

if [ ! -x "$venv/bin/python" ]; then
    echo "side-by-side: creating $venv from $bench/requirements.txt"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -r "$bench/requirements.txt"
fi
py="$venv/bin/python"

bin="${STEWARD_BIN:-${CARGO_TARGET_DIR:-$repo/target}/release/steward}"
if [ ! -x "$bin" ]; then
    echo "side-by-side: building steward (release)"
    (cd "$repo" && cargo build --release --locked 2>&1 | tail -2)
fi

parquet="$data/$name.parquet"
if [ ! -s "$parquet" ]; then
    echo "side-by-side: generating $parquet"
    "$py" "$bench/gen_people.py" "$n" "$parquet" --seed 42
fi
# steward's input: the same rows without the truth column
steward_in="$data/steward-in-$name"
if [ ! -s "$steward_in/$name.parquet" ] || [ "$steward_in/$name.parquet" -ot "$parquet" ]; then
    mkdir -p "$steward_in"
    "$py" - "$parquet" "$steward_in/$name.parquet" <<'PY'
import sys
import pyarrow.parquet as pq
t = pq.read_table(sys.argv[1])
pq.write_table(t.drop(["entity_id"]), sys.argv[2])
PY
fi

# ---- Splink ----------------------------------------------------------------------------------------
splink_time="$data/logs/splink_$name.time.txt"
splink_pred="$data/out/splink_${name}_t0.99.csv"
if [ "${SKIP_SPLINK:-0}" != "1" ] || [ ! -s "$splink_pred" ]; then
    echo "side-by-side: Splink on $name (about 200 s at 1 M)"
    BENCH_DATA="$data" /usr/bin/time -v -o "$splink_time" \
        "$py" "$bench/splink_scale.py" "$parquet" --thresholds 0.99 >"$data/logs/splink_$name.out" 2>&1
fi

# ---- steward ---------------------------------------------------------------------------------------
out="$data/out/steward-$name"
rm -rf "$out"
threads=()
[ -n "${STEWARD_THREADS:-}" ] && threads=(--threads "$STEWARD_THREADS")
echo "side-by-side: steward on $name"
/usr/bin/time -v -o "$data/logs/steward_$name.time.txt" \
    "$bin" run "$steward_in" --out "$out" "${threads[@]}" >"$data/logs/steward_$name.out" 2>&1
# crosswalk (source, key, golden id) -> record_id,cluster_id
"$py" - "$out/crosswalk.csv" "$out/pred.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="", encoding="utf-8-sig") as f, open(sys.argv[2], "w", newline="") as g:
    w = csv.writer(g)
    w.writerow(["record_id", "cluster_id"])
    for row in csv.DictReader(f):
        w.writerow([row["source_record_key"], row["golden_id"]])
PY

# ---- scores and table ------------------------------------------------------------------------------
for engine in splink steward; do
    pred="$splink_pred"
    [ "$engine" = steward ] && pred="$out/pred.csv"
    "$py" "$bench/metrics.py" "$pred" "$parquet" --truth-id-col unique_id --truth-col entity_id \
        --json "$data/out/score_${engine}_$name.json" >/dev/null
done
"$py" - "$data" "$name" <<'PY'
import json, re, sys
data, name = sys.argv[1], sys.argv[2]

def usage(path):
    t = open(path, encoding="utf-8", errors="replace").read()
    m = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", t)
    wall = int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    return wall, rss

rows = []
for engine, label in (("splink", "Splink 5.0.0 (t 0.99)"), ("steward", "steward")):
    wall, rss = usage(f"{data}/logs/{engine}_{name}.time.txt")
    s = json.load(open(f"{data}/out/score_{engine}_{name}.json"))
    rows.append((label, wall, rss, s["precision"], s["recall"], s["f1"], s["bcubed_f1"]))
print(f"\n{name}")
print(f"| engine | wall s | peak RSS MB | pairwise P | R | F1 | B-cubed F1 |")
print(f"|---|---|---|---|---|---|---|")
for r in rows:
    print(f"| {r[0]} | {r[1]:.1f} | {r[2]:.0f} | {r[3]:.4f} | {r[4]:.4f} | {r[5]:.4f} | {r[6]:.4f} |")
(_, w0, m0, *_), (_, w1, m1, *_) = rows
print(f"\nsteward: {w0 / w1:.1f}x faster, {m1 / m0:.2f} of Splink's peak memory")
PY
