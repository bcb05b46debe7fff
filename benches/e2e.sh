#!/usr/bin/env bash
# End-to-end benchmark: build steward (release), run it on one or more evaluation sets, report wall time,
# peak RSS, per-stage timings and the dev scorer's figures, and append one line per run to a results table.
#
#   benches/e2e.sh DIR [DIR ...]
#
# DIR is a set directory holding sources/ and truth/ (a /work/shared/dev set or one written by
# benches/gen/generate_silos.py).  steward writes DIR/out/ (or $E2E_OUT_ROOT/<set name>/out when DIR is not
# writable, e.g. the read-only dev sets).
#
# Environment:
#   STEWARD_BIN    use this binary and skip the build (default: cargo build --release, then
#                  ${CARGO_TARGET_DIR:-<repo>/target}/release/steward)
#   E2E_NO_BUILD=1 skip the build and use the existing release binary
#   SCORE_PY       the dev scorer (default /work/shared/dev/score.py)
#   E2E_RESULTS    results table to append to (default: DIR/../e2e-results.md of the first DIR)
#   E2E_OUT_ROOT   where outputs go for read-only sets (default ${TMPDIR:-/tmp}/steward-e2e)
#   E2E_THREADS    passed to steward as --threads N (default: steward's own default)
#   E2E_GOLDEN=0   do not score golden.csv (default: scored when steward wrote it)
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
score_py="${SCORE_PY:-/work/shared/dev/score.py}"

if [ "$#" -lt 1 ]; then
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"
    exit 2
fi

if [ ! -x /usr/bin/time ]; then
    echo "e2e: /usr/bin/time is missing (apt-get install time)" >&2
    exit 2
fi

# ---- build ---------------------------------------------------------------------------------------
if [ -n "${STEWARD_BIN:-}" ]; then
    bin="$STEWARD_BIN"
    echo "e2e: using STEWARD_BIN=$bin (no build)"
else
    target="${CARGO_TARGET_DIR:-$repo/target}"
    bin="$target/release/steward"
    if [ "${E2E_NO_BUILD:-0}" != "1" ]; then
        echo "e2e: cargo build --release (target dir $target)"
        if ! (cd "$repo" && cargo build --release 2>&1 | tail -3); then
            echo "e2e: build failed" >&2
            exit 1
        fi
    fi
fi
if [ ! -x "$bin" ]; then
    echo "e2e: no steward binary at $bin" >&2
    exit 1
fi
commit="$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')"
if [ -n "$(git -C "$repo" status --porcelain --untracked-files=no 2>/dev/null)" ]; then
    commit="$commit+dirty"
fi

first_dir="$(cd "$1" 2>/dev/null && pwd || echo "$1")"
results="${E2E_RESULTS:-$(dirname "$first_dir")/e2e-results.md}"
if ! touch "$results" 2>/dev/null; then
    results="$PWD/e2e-results.md"
    echo "e2e: $(dirname "$first_dir") is not writable; results go to $results"
fi
if [ ! -s "$results" ]; then
    cat >"$results" <<'EOF'
| date | commit | set | customers | records | exit | wall s | peak RSS MB | stages ms | pairwise P / R / F1 | B-cubed F1 | hard neg. merged | errors recall field / kind | errors precision inj. / expl. | golden acc. |
|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|
EOF
fi

status=0
for set in "$@"; do
    if [ ! -d "$set/sources" ]; then
        echo "e2e: $set has no sources/ folder; skipped" >&2
        status=1
        continue
    fi
    set="$(cd "$set" && pwd)"
    name="$(basename "$set")"
    # DIR/out, unless DIR is read-only by its mode bits (root ignores them, so test the bits, not -w)
    mode="$(stat -c '%a' "$set")"
    if [ -w "$set" ] && [ $(( (8#$mode >> 6) & 2 )) -ne 0 ]; then
        out="$set/out"
    else
        out="${E2E_OUT_ROOT:-${TMPDIR:-/tmp}/steward-e2e}/$name/out"
    fi
    mkdir -p "$out"
    rm -rf "${out:?}"/*
    log="$out.steward.log"
    tv="$out.time.txt"
    echo
    echo "=== $name: steward run $set/sources --out $out"
    threads=()
    if [ -n "${E2E_THREADS:-}" ]; then threads=(--threads "$E2E_THREADS"); fi
    /usr/bin/time -v -o "$tv" "$bin" run "$set/sources" --out "$out" "${threads[@]}" >"$log" 2>&1
    rc=$?
    tail -2 "$log"
    [ "$rc" -gt 1 ] && { echo "e2e: steward exited $rc (see $log)"; status=1; }

    SET="$set" OUT="$out" TV="$tv" RC="$rc" SCORE_PY="$score_py" RESULTS="$results" COMMIT="$commit" \
    NAME="$name" GOLDEN="${E2E_GOLDEN:-1}" python3 - <<'PY' || status=1
import json, os, re, subprocess, sys, time

env = os.environ
set_dir, out, score_py = env["SET"], env["OUT"], env["SCORE_PY"]
row = {"date": time.strftime("%Y-%m-%d %H:%M"), "commit": env["COMMIT"], "set": env["NAME"], "exit": env["RC"]}

# wall time and peak RSS from /usr/bin/time -v
tv = open(env["TV"], encoding="utf-8", errors="replace").read()
m = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", tv)
wall = (int(m.group(1) or 0) * 3600 + int(m.group(2)) * 60 + float(m.group(3))) if m else None
m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", tv)
rss = int(m.group(1)) / 1024 if m else None
row["wall"] = f"{wall:.1f}" if wall is not None else "?"
row["rss"] = f"{rss:.0f}" if rss is not None else "?"
print(f"wall time {row['wall']} s, peak RSS {row['rss']} MB, exit status {env['RC']}")

# customers / records
try:
    st = json.load(open(os.path.join(set_dir, "truth", "stats.json"), encoding="utf-8"))
    row["customers"] = str(st.get("entities", "?"))
except (OSError, ValueError):
    row["customers"] = "?"
summ = {}
try:
    summ = json.load(open(os.path.join(out, "summary.json"), encoding="utf-8"))
    row["records"] = str(summ.get("totals", {}).get("read", "?"))
    tm = summ.get("timings_ms", {})
    print("stage timings (ms): " + ", ".join(f"{k} {v}" for k, v in tm.items()))
    row["stages"] = " / ".join(f"{k} {v}" for k, v in tm.items())
    mem = summ.get("peak_rss_mib", {})
    print("peak RSS at the end of each stage (MiB): " + ", ".join(f"{k} {v}" for k, v in mem.items()))
except (OSError, ValueError) as e:
    print(f"no summary.json ({e}); no stage timings")
    row["records"] = "?"
    row["stages"] = "n/a (no summary.json)"


def score(kind, *args):
    if not os.path.exists(score_py):
        print(f"{kind}: not scored: {score_py} not found")
        return None
    if not os.path.isdir(os.path.join(set_dir, "truth")):
        print(f"{kind}: not scored: {set_dir} has no truth/")
        return None
    missing = [a for a in args if not os.path.exists(a)]
    if missing:
        print(f"{kind}: not scored: steward wrote no {', '.join(os.path.basename(m) for m in missing)}")
        return None
    js = os.path.join(out, f"score-{kind}.json")
    p = subprocess.run([sys.executable, score_py, kind, set_dir, *args, "--json", js],
                       capture_output=True, text=True)
    if p.returncode != 0 or not os.path.exists(js):
        print(f"{kind}: scorer failed: {(p.stderr or p.stdout).strip().splitlines()[-1:]}")
        return None
    return json.load(open(js, encoding="utf-8"))


cw = score("crosswalk", os.path.join(out, "crosswalk.csv"))
if cw:
    pw, bc, hn = cw["pairwise"], cw["bcubed"], cw["hard_negative_pairs_merged"]
    print(f"crosswalk: pairwise P {pw['precision']:.4f} R {pw['recall']:.4f} F1 {pw['f1']:.4f}; "
          f"B-cubed F1 {bc['f1']:.4f}; exact clusters {cw['exact_entity_clusters']:.4f}; "
          f"hard negatives merged {hn['merged']} of {hn['of']}; records missing from crosswalk "
          f"{cw['records_missing_from_crosswalk']}")
    row["pw"] = f"{pw['precision']:.4f} / {pw['recall']:.4f} / {pw['f1']:.4f}"
    row["bc"] = f"{bc['f1']:.4f}"
    row["hn"] = f"{hn['merged']} / {hn['of']}"
er = score("errors", os.path.join(out, "issues.csv"))
if er:
    print(f"errors: expected {er['expected_errors']}, engine rows {er['engine_rows']}; recall field "
          f"{er['recall_field_level']:.4f}, kind {er['recall_kind_loose']:.4f}; precision injected "
          f"{er['precision_injected']:.4f}, explained {er['precision_explained']:.4f}")
    weak = sorted((v["recall_kind"], k) for k, v in er["by_kind"].items() if v["recall_kind"] < 0.9)
    if weak:
        print("  kinds below 0.9 recall: " + ", ".join(f"{k} {r:.2f}" for r, k in weak))
    row["er"] = f"{er['recall_field_level']:.4f} / {er['recall_kind_loose']:.4f}"
    row["ep"] = f"{er['precision_injected']:.4f} / {er['precision_explained']:.4f}"
if env.get("GOLDEN", "1") != "0":
    go = score("golden", os.path.join(out, "crosswalk.csv"), os.path.join(out, "golden.csv"))
    if go:
        print(f"golden: field accuracy {go['golden_field_accuracy_macro']:.4f} (micro {go['golden_field_accuracy_micro']:.4f}), "
              f"all fields correct {go['entities_all_fields_correct_share']:.4f}")
        row["go"] = f"{go['golden_field_accuracy_macro']:.4f}"

cols = ["date", "commit", "set", "customers", "records", "exit", "wall", "rss", "stages", "pw", "bc", "hn", "er", "ep", "go"]
with open(env["RESULTS"], "a", encoding="utf-8") as f:
    f.write("| " + " | ".join(row.get(c, "n/a") for c in cols) + " |\n")
print(f"appended to {env['RESULTS']}")
PY
done
exit "$status"
