#!/usr/bin/env bash
# Incremental runs with a state store, against full runs, on a dev set: a first run fills a fresh
# store; a second run with the same sources must keep every golden id; then 1 % of the rows are
# changed and 1 % added (benches/perturb.py), and the incremental run on them is timed against the
# two full runs of the same sources: `--full` on the same store (the nightly job evaluated afresh,
# keeping its ids and writing its diff) and a run without a store. Each of the three is run REPEAT
# times, interleaved, each time on a copy of the store as the second run left it; the medians are
# printed. All are scored against the truth with score.py.
#
#   REPEAT=5 benches/state.sh [SET_DIR] [STEWARD]
#   (defaults: REPEAT=3, ../shared/dev/d20k, target/release/steward)
set -euo pipefail
cd "$(dirname "$0")/.."
set_dir=${1:-../shared/dev/d20k}
steward=${2:-${CARGO_TARGET_DIR:-target}/release/steward}
score=$(dirname "$set_dir")/score.py
work=$(mktemp -d /tmp/steward-state-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/base"
for f in access_customers.csv erp_customers.csv excel_survey.xlsx oa_followups.jsonl; do
  ln -s "$(realpath "$set_dir/sources/$f")" "$work/base/$f"
done
python3 benches/perturb.py "$set_dir" "$work/next" >"$work/perturb.json"
echo "perturbation: $(cat "$work/perturb.json")"

# Wall and CPU (user + system) seconds of one run: on a shared machine the CPU time is the steadier
# figure.
seconds() {
  python3 - "$@" <<'PY'
import resource, subprocess, sys, time
t = time.monotonic()
subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(f"{time.monotonic() - t:.2f} {r.ru_utime + r.ru_stime:.2f}")
PY
}

read -r t_first c_first < <(seconds "$steward" run "$work/base" --out "$work/o1" --state "$work/state.db")
read -r t_same c_same < <(seconds "$steward" run "$work/base" --out "$work/o2" --state "$work/state.db")
cp "$work/state.db" "$work/before.db"
# Median of the figures on standard input, one per line.
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
: >"$work/times"
for _ in $(seq "${REPEAT:-3}"); do
  cp "$work/before.db" "$work/state.db"
  echo "incr $(seconds "$steward" run "$work/next/sources" --out "$work/o3" --state "$work/state.db")" >>"$work/times"
  cp "$work/before.db" "$work/full.db"
  echo "fullstore $(seconds "$steward" run "$work/next/sources" --out "$work/o5" --state "$work/full.db" --full)" >>"$work/times"
  echo "full $(seconds "$steward" run "$work/next/sources" --out "$work/o4")" >>"$work/times"
done
for m in incr fullstore full; do
  read -r "t_$m" < <(awk -v m=$m '$1 == m { print $2 }' "$work/times" | median)
  read -r "c_$m" < <(awk -v m=$m '$1 == m { print $3 }' "$work/times" | median)
done

python3 - "$work" <<'PY'
import csv, json, sys
w = sys.argv[1]
def cw(d):
    with open(f"{w}/{d}/crosswalk.csv", encoding="utf-8") as f:
        return {(r["source"], r["source_record_key"]): r["golden_id"] for r in csv.DictReader(f)}
o1, o2, o3 = cw("o1"), cw("o2"), cw("o3")
same = sum(1 for k in o1 if o2.get(k) == o1[k])
print(f"same sources again: {same} of {len(o1)} records keep their golden id")
ids1 = {v for v in o1.values() if v}
ids2 = {v for v in o2.values() if v}
print(f"  golden ids: {len(ids1)} first run, {len(ids2)} second run, {len(ids1 & ids2)} kept")
# Unaffected: records whose customer (first-run golden id) got no changed, added or deleted row.
diff = list(csv.DictReader(open(f"{w}/o3/diff.csv", encoding="utf-8")))
touched = {r["golden_id"] for r in diff if r["change"] in ("changed_record", "deleted_record", "quarantined_record")}
new_keys = {(r["source"], r["source_record_key"]) for r in diff if r["change"] == "new_record"}
touched |= {o3[k] for k in new_keys}
unaffected = [k for k in o1 if o1[k] and o1[k] not in touched and k in o3]
kept = sum(1 for k in unaffected if o3[k] == o1[k])
print(f"after the change: {kept} of {len(unaffected)} unaffected records keep their golden id")
s = json.load(open(f"{w}/o3/summary.json"))
print("  state:", json.dumps(s["state"], ensure_ascii=False))
print("  pairs compared incrementally:", s["matching"]["candidate_pairs"],
      "; full run:", json.load(open(f"{w}/o4/summary.json"))["matching"]["candidate_pairs"])
PY
for o in o3 o5 o4; do
  python3 "$score" crosswalk "$work/next" "$work/$o/crosswalk.csv" >"$work/$o.score.json"
done
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
for o, what in (("o3", "incremental"), ("o5", "--full"), ("o4", "no store")):
    s = json.load(open(f"{w}/{o}.score.json"))
    pw = s.get("pairwise", s)
    print(f"{what:12} pairwise P {pw['precision']:.5f} R {pw['recall']:.5f} F1 {pw['f1']:.5f}; "
          f"exact clusters {s['exact_entity_clusters']:.5f}")
PY
echo "wall: first run ${t_first}s, same sources ${t_same}s; medians of ${REPEAT:-3}: 1%+1% incremental ${t_incr}s, full run --full ${t_fullstore}s, full run without a store ${t_full}s"
echo "cpu:  first run ${c_first}s, same sources ${c_same}s; medians of ${REPEAT:-3}: 1%+1% incremental ${c_incr}s, full run --full ${c_fullstore}s, full run without a store ${c_full}s"
python3 - "$t_incr" "$c_incr" "$t_fullstore" "$c_fullstore" "$t_full" "$c_full" <<'PY'
import sys
ti, ci, tf, cf, tn, cn = (float(x) for x in sys.argv[1:])
print(f"incremental speed-up against --full on the same store: {tf / ti:.1f}x wall, {cf / ci:.1f}x cpu")
print(f"incremental speed-up against a run without a store:    {tn / ti:.1f}x wall, {cn / ci:.1f}x cpu")
PY
