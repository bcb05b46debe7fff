#!/usr/bin/env python3
"""Perturb a dev set for the incremental-run benchmark: copy SET's sources and truth to OUT with a
share of rows changed and a share of rows added, so that a run with --state sees what a nightly
run sees.

    python3 benches/perturb.py ../shared/dev/d20k /tmp/d20k-next [--changed 0.01] [--added 0.01]

Changed rows keep their customer (a follow-up stage, a status, a remark is edited), so the truth
stays as it is. Added rows are half re-keyed copies of existing rows (a duplicate of a customer
already known: the truth gives it that customer's entity) and half rows of the smaller set d2k,
re-keyed (customers never seen before: entities `d2k:E…`). The three text sources are perturbed
(Access CSV, ERP CSV, OA JSON lines); the Excel workbook is copied as it is. Seeded: the same
arguments give the same files. Python 3.11 standard library only.
"""

import argparse
import csv
import json
import os
import random
import re
import shutil

ACCESS, ERP, OA = "access_customers.csv", "erp_customers.csv", "oa_followups.jsonl"


def read_lines(path, encoding):
    with open(path, encoding=encoding, newline="") as f:
        return f.read().split("\r\n" if encoding == "gbk" else "\n")


def simple_erp(line):
    # Only well-formed ERP lines are touched (no quotes, the 12 columns).
    return line.startswith("KH") and '"' not in line and line.count(",") == 11


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("set_dir")
    ap.add_argument("out_dir")
    ap.add_argument("--changed", type=float, default=0.01)
    ap.add_argument("--added", type=float, default=0.01)
    ap.add_argument("--seed", type=int, default=7)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    src = os.path.join(a.set_dir, "sources")
    small = os.path.join(os.path.dirname(os.path.abspath(a.set_dir)), "d2k", "sources")
    out_src = os.path.join(a.out_dir, "sources")
    out_truth = os.path.join(a.out_dir, "truth")
    os.makedirs(out_src, exist_ok=True)
    os.makedirs(out_truth, exist_ok=True)
    shutil.copy(os.path.join(src, "excel_survey.xlsx"), out_src)

    with open(os.path.join(a.set_dir, "truth", "truth.csv"), encoding="utf-8", newline="") as f:
        truth = list(csv.DictReader(f))
    entity = {(r["source"], r["source_record_key"]): r["entity_id"] for r in truth}
    small_entity = {}
    with open(os.path.join(small, "..", "truth", "truth.csv"), encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            small_entity[(r["source"], r["source_record_key"])] = "d2k:" + r["entity_id"]

    files = {
        ACCESS: ("access", "gbk", lambda l: re.match(r"^\d+,", l)),
        ERP: ("erp", "utf-8", simple_erp),
        OA: ("oa", "utf-8", lambda l: l.startswith("{")),
    }
    total = len(truth)
    n_changed = round(total * a.changed)
    n_added = round(total * a.added)
    new_truth = []
    counts = {}
    read = {name: read_lines(os.path.join(src, name), enc) for name, (_, enc, _) in files.items()}
    bodies = {name: [i for i, l in enumerate(read[name]) if files[name][2](l)] for name in files}
    all_body = sum(len(b) for b in bodies.values())
    for name, (family, enc, ok) in files.items():
        lines = read[name]
        body = bodies[name]
        share = len(body) / all_body
        k_changed = round(n_changed * share)
        k_added = round(n_added * share)
        for i in rnd.sample(body, k_changed):
            lines[i] = change(family, lines[i], rnd)
        added = []
        copies = rnd.sample(body, k_added // 2)
        small_lines = [l for l in read_lines(os.path.join(small, name), enc) if ok(l)]
        fresh = rnd.sample(small_lines, k_added - len(copies))
        for n, (line, origin) in enumerate(
            [(lines[i], "copy") for i in copies] + [(l, "d2k") for l in fresh]
        ):
            old_key = key_of(family, line)
            new_key, new_line = rekey(family, line, n)
            who = entity.get((family, old_key)) if origin == "copy" else small_entity.get((family, old_key))
            if who is None:
                continue
            added.append(new_line)
            new_truth.append({"source": family, "source_record_key": new_key, "entity_id": who,
                              "alt_key": "", "in_source_duplicate": "0", "note": ""})
        # Keep the file's own ending: a trailing newline leaves an empty last element.
        tail = lines[-1] == ""
        lines = lines[:-1] if tail else lines
        lines += added
        text = ("\r\n" if enc == "gbk" else "\n").join(lines) + ("\r\n" if enc == "gbk" else "\n")
        with open(os.path.join(out_src, name), "w", encoding=enc, newline="") as f:
            f.write(text)
        counts[name] = {"changed": k_changed, "added": len(added)}

    with open(os.path.join(out_truth, "truth.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(truth[0].keys()))
        w.writeheader()
        w.writerows(truth + new_truth)
    for extra in ("hard_negatives.csv", "entities.csv", "expected_errors.csv", "corruptions.csv"):
        p = os.path.join(a.set_dir, "truth", extra)
        if os.path.exists(p):
            shutil.copy(p, out_truth)
    print(json.dumps({"rows": total, "changed": sum(c["changed"] for c in counts.values()),
                      "added": sum(c["added"] for c in counts.values()), "by_source": counts},
                     ensure_ascii=False))


def change(family, line, rnd):
    if family == "oa":
        rec = json.loads(line)
        rec["跟进阶段"] = rnd.choice(["初步接触", "需求确认", "方案报价", "商务谈判", "已成交", "已流失"]) + "（复核）"
        return json.dumps(rec, ensure_ascii=False)
    if family == "erp":
        head, _ = line.rsplit(",", 1)
        return head + "," + rnd.choice(["正常", "停用", "冻结"]) + "（复核）"
    head, _ = line.rsplit(",", 1)
    return head + ',"电话回访已核实"'


def key_of(family, line):
    if family == "oa":
        return json.loads(line)["id"]
    return line.split(",", 1)[0]


def rekey(family, line, n):
    if family == "oa":
        rec = json.loads(line)
        rec["id"] = "OA-2099-%07d" % (n + 1)
        return rec["id"], json.dumps(rec, ensure_ascii=False)
    key = ("%d" % (900000 + n)) if family == "access" else ("KH9%05d" % n)
    return key, key + "," + line.split(",", 1)[1]


if __name__ == "__main__":
    main()
