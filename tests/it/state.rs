//! The state store (`--state`), against both back ends: SQLite always, PostgreSQL when
//! `STEWARD_TEST_PG_URL` names a server (scripts/test.sh starts one). Stable golden ids across
//! runs, incremental runs that report new, changed and deleted rows, decisions that last, and a
//! run killed with SIGKILL that leaves the store as it was.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::support::*;

/// A fresh, empty store of one back end.
struct Store {
    arg: String,
    _dir: tempfile::TempDir,
}

#[derive(Clone, Copy, Debug)]
enum Backend {
    Sqlite,
    Postgres,
}

fn backends() -> Vec<Backend> {
    match std::env::var("STEWARD_TEST_PG_URL") {
        Ok(_) => vec![Backend::Sqlite, Backend::Postgres],
        Err(_) => {
            eprintln!("STEWARD_TEST_PG_URL is not set: the PostgreSQL half of the state tests does not run (scripts/test.sh sets it)");
            vec![Backend::Sqlite]
        }
    }
}

static STORES: AtomicUsize = AtomicUsize::new(0);

fn store(backend: Backend) -> Store {
    let dir = tempfile::tempdir().unwrap();
    let arg = match backend {
        Backend::Sqlite => dir.path().join("state.db").display().to_string(),
        Backend::Postgres => {
            let url = std::env::var("STEWARD_TEST_PG_URL").unwrap();
            let name = format!(
                "steward_{}_{}",
                std::process::id(),
                STORES.fetch_add(1, Ordering::SeqCst)
            );
            let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
            client
                .batch_execute(&format!("CREATE DATABASE {name}"))
                .unwrap();
            let (base, _) = url.rsplit_once('/').unwrap();
            format!("{base}/{name}")
        }
    };
    Store { arg, _dir: dir }
}

/// A copy of some sample sources, to change between runs.
fn sample_folder() -> tempfile::TempDir {
    let s = fixtures().join("sample");
    folder_of(&[
        s.join("erp_customers.csv"),
        s.join("oa_followups.jsonl"),
        s.join("english_customers.csv"),
    ])
}

fn run_with(input: &Path, out: &Path, store: &Store) -> std::process::Output {
    run_ok(input, out, &["--state", &store.arg])
}

/// A run with the store into a new output folder.
fn run_into(input: &Path, store: &Store) -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    run_with(input, out.path(), store);
    out
}

fn crosswalk(out: &Path) -> Vec<(String, String, String)> {
    read_csv(&out.join("crosswalk.csv"))
        .into_iter()
        .map(|r| {
            (
                r["source"].clone(),
                r["source_record_key"].clone(),
                r["golden_id"].clone(),
            )
        })
        .collect()
}

/// The ERP export with row `change` edited, row `drop` deleted and a copy of row `copy` added
/// under a new key (a re-keyed duplicate).
fn perturb_erp(dir: &Path, change: &str, drop: &str, copy: &str) {
    let path = dir.join("erp_customers.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let mut out = String::new();
    let mut extra = None;
    // Line endings (and the newlines inside quoted fields) stay as they are.
    for line in text.split_inclusive('\n') {
        if line.starts_with(&format!("{drop},")) {
            continue;
        }
        if line.starts_with(&format!("{copy},")) {
            extra = Some(line.replacen(copy, "KH900001", 1));
        }
        if line.starts_with(&format!("{change},")) {
            out.push_str(&line.replacen("正常", "停用", 1));
        } else {
            out.push_str(line);
        }
    }
    out.push_str(&extra.expect("the row to copy"));
    std::fs::write(&path, out).unwrap();
}

#[test]
fn ids_are_stable_and_changes_are_incremental() {
    for backend in backends() {
        let input = sample_folder();
        let store = store(backend);
        let plain = tempfile::tempdir().unwrap();
        run_ok(input.path(), plain.path(), &[]);
        let first = run_into(input.path(), &store);
        // A first run gives the ids a run without a store gives.
        assert_eq!(
            crosswalk(first.path()),
            crosswalk(plain.path()),
            "{backend:?}"
        );
        let summary = read_json(&first.path().join("summary.json"));
        assert_eq!(summary["state"]["run"], 1, "{backend:?}");
        assert_eq!(summary["state"]["incremental"], false);

        // The same sources again: every id kept, nothing compared, nothing in the id map.
        let second = run_into(input.path(), &store);
        assert_eq!(
            crosswalk(second.path()),
            crosswalk(first.path()),
            "{backend:?}"
        );
        for file in ["golden.csv", "issues.csv", "conflicts.csv", "lineage.csv"] {
            assert_eq!(
                std::fs::read(second.path().join(file)).unwrap(),
                std::fs::read(first.path().join(file)).unwrap(),
                "{backend:?}: {file}"
            );
        }
        let summary = read_json(&second.path().join("summary.json"));
        let state = &summary["state"];
        assert_eq!(state["incremental"], true, "{backend:?}");
        assert_eq!(state["records"]["new"], 0);
        assert_eq!(state["records"]["changed"], 0);
        assert_eq!(state["golden"]["kept"], summary["totals"]["golden_records"]);
        assert_eq!(summary["matching"]["candidate_pairs"], 0);
        assert!(read_csv(&second.path().join("id_map.csv")).is_empty());
        assert!(read_csv(&second.path().join("diff.csv")).is_empty());

        // One row changed, one deleted, one re-keyed duplicate added.
        let before: std::collections::HashMap<(String, String), String> = crosswalk(first.path())
            .into_iter()
            .map(|(s, k, g)| ((s, k), g))
            .collect();
        perturb_erp(input.path(), "KH000003", "KH000005", "KH000001");
        let third = run_into(input.path(), &store);
        let summary = read_json(&third.path().join("summary.json"));
        let state = &summary["state"];
        assert_eq!(state["records"]["new"], 1, "{backend:?}: {state}");
        assert_eq!(state["records"]["changed"], 1, "{state}");
        assert_eq!(state["records"]["deleted"], 1, "{state}");
        let diff = read_csv(&third.path().join("diff.csv"));
        let has = |change: &str, key: &str| {
            diff.iter()
                .any(|r| r["change"] == change && r["source_record_key"] == key)
        };
        assert!(has("new_record", "KH900001"), "{diff:?}");
        assert!(has("changed_record", "KH000003"));
        assert!(has("deleted_record", "KH000005"));
        let after = crosswalk(third.path());
        // The duplicate joins the customer of the row it copies.
        let id_of = |key: &str| {
            after
                .iter()
                .find(|(s, k, _)| s == "erp_customers.csv" && k == key)
                .map(|(_, _, g)| g.clone())
                .unwrap()
        };
        assert_eq!(id_of("KH900001"), id_of("KH000001"));
        // Every record the change did not touch keeps its id.
        let deleted_id = &before[&("erp_customers.csv".to_string(), "KH000005".to_string())];
        for (s, k, g) in &after {
            if let Some(old) = before.get(&(s.clone(), k.clone())) {
                if k != "KH000003" && old != deleted_id {
                    assert_eq!(g, old, "{backend:?}: {s} {k}");
                }
            }
        }
        // Compared: only pairs touching the two fresh rows.
        let pairs = summary["matching"]["candidate_pairs"].as_u64().unwrap();
        let full = read_json(&first.path().join("summary.json"))["matching"]["candidate_pairs"]
            .as_u64()
            .unwrap();
        assert!(pairs < full, "{pairs} pairs compared, {full} in a full run");
    }
}

#[test]
fn unchanged_workbooks_and_databases_are_taken_from_the_store() {
    for backend in backends() {
        let s = fixtures().join("sample");
        let input = folder_of(&[
            s.join("excel_survey.xlsx"),
            s.join("legacy_contacts.mdb"),
            s.join("erp_customers.csv"),
        ]);
        let store = store(backend);
        let first = run_into(input.path(), &store);
        let state = &read_json(&first.path().join("summary.json"))["state"];
        assert_eq!(
            state["sources_unchanged"],
            serde_json::json!([]),
            "{backend:?}"
        );

        // The workbook and the database are not read again; the text export always is.
        let second = run_into(input.path(), &store);
        let summary = read_json(&second.path().join("summary.json"));
        assert_eq!(
            summary["state"]["sources_unchanged"],
            serde_json::json!(["excel_survey.xlsx", "legacy_contacts.mdb"]),
            "{backend:?}"
        );
        // Taken over as they were read: the same rows, positions, quarantine and reader details.
        assert_eq!(
            summary["sources"],
            read_json(&first.path().join("summary.json"))["sources"],
            "{backend:?}"
        );
        for file in [
            "crosswalk.csv",
            "golden.csv",
            "issues.csv",
            "lineage.csv",
            "quarantine.csv",
        ] {
            assert_eq!(
                std::fs::read(second.path().join(file)).unwrap(),
                std::fs::read(first.path().join(file)).unwrap(),
                "{backend:?}: {file}"
            );
        }

        // A workbook saved again with other content is read again.
        std::fs::copy(
            shared().join("dev/d2k/sources/excel_survey.xlsx"),
            input.path().join("excel_survey.xlsx"),
        )
        .unwrap();
        let third = run_into(input.path(), &store);
        let summary = read_json(&third.path().join("summary.json"));
        assert_eq!(
            summary["state"]["sources_unchanged"],
            serde_json::json!(["legacy_contacts.mdb"]),
            "{backend:?}"
        );
        let plain = tempfile::tempdir().unwrap();
        run_ok(input.path(), plain.path(), &[]);
        assert_eq!(
            read_json(&plain.path().join("summary.json"))["sources"],
            summary["sources"],
            "{backend:?}"
        );
    }
}

#[test]
fn decisions_last_and_are_reported() {
    for backend in backends() {
        let input = sample_folder();
        let store = store(backend);
        let first = run_into(input.path(), &store);
        let cw = crosswalk(first.path());
        // Two records of one customer, and two records of different customers.
        let (a, b) = same_customer(&cw);
        let (c, d) = different_customers(&cw);
        let rec = |r: &(String, String, String)| format!("{}:{}", r.0, r.1);
        let decide = |args: &[&str]| {
            let mut all = vec!["decide", "--state", &store.arg];
            all.extend_from_slice(args);
            let o = steward(&all);
            assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        };
        decide(&["cannot-link", &rec(&a), &rec(&b)]);
        decide(&["must-link", &rec(&c), &rec(&d)]);
        decide(&["pin", &c.2, "credit_limit", "123456"]);
        let bad = steward(&["decide", "--state", &store.arg, "pin", "G1", "credit", "1"]);
        assert_eq!(bad.status.code(), Some(2));
        assert!(String::from_utf8_lossy(&bad.stderr).contains("credit"));

        for round in 0..2 {
            let out = run_into(input.path(), &store);
            let cw = crosswalk(out.path());
            let id = |r: &(String, String, String)| {
                cw.iter()
                    .find(|x| x.0 == r.0 && x.1 == r.1)
                    .unwrap()
                    .2
                    .clone()
            };
            assert_ne!(id(&a), id(&b), "{backend:?} round {round}: cannot-link");
            assert_eq!(id(&c), id(&d), "{backend:?} round {round}: must-link");
            let golden = read_csv(&out.path().join("golden.csv"));
            let g = golden.iter().find(|g| g["golden_id"] == id(&c)).unwrap();
            assert_eq!(g["credit_limit"], "123456", "{backend:?}: pin");
            let decided = read_csv(&out.path().join("decisions.csv"));
            assert_eq!(decided.len(), 3);
            assert!(
                decided.iter().all(|d| d["applied"] == "true"),
                "{decided:?}"
            );
            let summary = read_json(&out.path().join("summary.json"));
            assert_eq!(summary["decisions"].as_array().unwrap().len(), 3);
        }
        let list = steward(&["decide", "--state", &store.arg, "list"]);
        assert_eq!(String::from_utf8_lossy(&list.stdout).lines().count(), 4);
    }
}

fn same_customer(
    cw: &[(String, String, String)],
) -> ((String, String, String), (String, String, String)) {
    for (i, x) in cw.iter().enumerate() {
        for y in &cw[i + 1..] {
            if !x.2.is_empty() && x.2 == y.2 {
                return (x.clone(), y.clone());
            }
        }
    }
    panic!("no customer with two records");
}

fn different_customers(
    cw: &[(String, String, String)],
) -> ((String, String, String), (String, String, String)) {
    let persons: Vec<_> = cw
        .iter()
        .filter(|r| r.0 == "oa_followups.jsonl" && !r.2.is_empty())
        .collect();
    for (i, x) in persons.iter().enumerate() {
        for y in &persons[i + 1..] {
            if x.2 != y.2 {
                return ((*x).clone(), (*y).clone());
            }
        }
    }
    panic!("no two customers");
}

/// The output files of a run, summary.json without its timings and store location.
fn outputs(out: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for file in [
        "crosswalk.csv",
        "golden.csv",
        "issues.csv",
        "conflicts.csv",
        "lineage.csv",
        "pairs.csv",
        "quarantine.csv",
        "id_map.csv",
        "diff.csv",
        "decisions.csv",
        "model.json",
    ] {
        files.push((file.into(), std::fs::read(out.join(file)).unwrap()));
    }
    let mut summary = read_json(&out.join("summary.json"));
    summary.as_object_mut().unwrap().remove("timings_ms");
    summary.as_object_mut().unwrap().remove("peak_rss_mib");
    summary.as_object_mut().unwrap().remove("input");
    summary["state"].as_object_mut().unwrap().remove("store");
    files.push(("summary.json".into(), summary.to_string().into_bytes()));
    files
}

fn assert_same(a: &Path, b: &Path, what: &str) {
    for ((file, x), (_, y)) in outputs(a).into_iter().zip(outputs(b)) {
        assert!(x == y, "{what}: {file} differs");
    }
}

/// Start `steward run` with the store's commit held back; SIGKILL it once its writes are made.
fn kill_before_commit(input: &Path, out: &Path, store: &Store) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_steward"))
        .args(["run", input.to_str().unwrap(), "--out"])
        .arg(out)
        .args(["--state", &store.arg])
        .env("STEWARD_HOLD_BEFORE_COMMIT_MS", "120000")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = BufReader::new(child.stderr.take().unwrap());
    let mut seen = Vec::new();
    for line in stderr.lines() {
        let line = line.unwrap();
        let held = line.contains("not committed");
        seen.push(line);
        if held {
            break;
        }
    }
    assert!(
        seen.iter().any(|l| l.contains("not committed")),
        "the run ended before its commit: {seen:?}"
    );
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
}

#[test]
fn a_killed_run_leaves_the_store_as_it_was() {
    for backend in backends() {
        let input = sample_folder();
        let changed = sample_folder();
        perturb_erp(changed.path(), "KH000003", "KH000005", "KH000001");
        // Uninterrupted: two runs on a fresh store.
        let reference = store(backend);
        let ref1 = run_into(input.path(), &reference);
        let ref2 = run_into(changed.path(), &reference);

        // The same, with each run killed once in the middle of writing the store.
        let store = store(backend);
        let scratch = tempfile::tempdir().unwrap();
        kill_before_commit(input.path(), scratch.path(), &store);
        let run1 = run_into(input.path(), &store);
        assert_same(run1.path(), ref1.path(), &format!("{backend:?} run 1"));
        kill_before_commit(changed.path(), scratch.path(), &store);
        let run2 = run_into(changed.path(), &store);
        assert_same(run2.path(), ref2.path(), &format!("{backend:?} run 2"));
        assert_eq!(
            read_json(&run2.path().join("summary.json"))["state"]["run"],
            2
        );
    }
}

#[test]
fn sqlite_and_postgres_give_the_same_outputs() {
    if !backends().iter().any(|b| matches!(b, Backend::Postgres)) {
        return;
    }
    let input = sample_folder();
    let changed = sample_folder();
    perturb_erp(changed.path(), "KH000003", "KH000005", "KH000001");
    let mut outs: Vec<Vec<PathBuf>> = Vec::new();
    let mut keep = Vec::new();
    for backend in [Backend::Sqlite, Backend::Postgres] {
        let store = store(backend);
        let mut runs = Vec::new();
        for dir in [input.path(), changed.path(), changed.path()] {
            let out = run_into(dir, &store);
            runs.push(out.path().to_path_buf());
            keep.push(out);
        }
        outs.push(runs);
    }
    for (k, (a, b)) in outs[0].iter().zip(&outs[1]).enumerate() {
        assert_same(a, b, &format!("run {}", k + 1));
    }
}

#[test]
fn d2k_second_run_keeps_every_id() {
    let input = d2k_folder("access_customers.csv");
    let mut seconds = Vec::new();
    for backend in backends() {
        let store = store(backend);
        let first = run_into(input.path(), &store);
        let second = run_into(input.path(), &store);
        assert_eq!(
            crosswalk(second.path()),
            crosswalk(first.path()),
            "{backend:?}"
        );
        let summary = read_json(&second.path().join("summary.json"));
        assert_eq!(
            summary["state"]["golden"]["kept"],
            summary["totals"]["golden_records"]
        );
        seconds.push(second);
    }
    // Thousands of rows per statement: both back ends take them, and agree.
    if let [sqlite, postgres] = &seconds[..] {
        assert_same(sqlite.path(), postgres.path(), "d2k");
    }
}

/// `golden_id → row` of golden.csv.
fn golden_rows(out: &Path) -> std::collections::BTreeMap<String, Vec<(String, String)>> {
    read_csv(&out.join("golden.csv"))
        .into_iter()
        .map(|r| {
            let id = r["golden_id"].clone();
            (id, r.into_iter().collect())
        })
        .collect()
}

#[test]
fn incremental_runs_keep_the_learned_trust_and_full_learns_it_again() {
    for backend in backends() {
        let input = sample_folder();
        let changed = sample_folder();
        perturb_erp(changed.path(), "KH000003", "KH000005", "KH000001");
        let trust = |out: &Path| {
            read_json(&out.join("summary.json"))["survivorship"]["source_trust"].clone()
        };
        let store = store(backend);
        let first = run_into(input.path(), &store);
        let second = run_into(changed.path(), &store);
        let state = &read_json(&second.path().join("summary.json"))["state"];
        assert_eq!(state["incremental"], true, "{backend:?}");
        assert_eq!(
            trust(second.path()),
            trust(first.path()),
            "{backend:?}: frozen"
        );
        // Golden records the change did not touch come out as they were.
        // (diff.csv names the golden record of every new, changed and deleted row.)
        let touched: std::collections::BTreeSet<String> = read_csv(&second.path().join("diff.csv"))
            .into_iter()
            .map(|r| r["golden_id"].clone())
            .collect();
        let (before, after) = (golden_rows(first.path()), golden_rows(second.path()));
        let untouched: Vec<&String> = after.keys().filter(|id| !touched.contains(*id)).collect();
        assert!(
            untouched.len() > 10,
            "{backend:?}: {} untouched",
            untouched.len()
        );
        for id in untouched {
            assert_eq!(after[id], before[id], "{backend:?}: {id}");
        }

        // `--full`: the trust learned from today's records, as a run without a store learns it;
        // the ids stay.
        let full = tempfile::tempdir().unwrap();
        run_ok(
            changed.path(),
            full.path(),
            &["--state", &store.arg, "--full"],
        );
        let storeless = tempfile::tempdir().unwrap();
        run_ok(changed.path(), storeless.path(), &[]);
        assert_eq!(
            read_json(&full.path().join("summary.json"))["state"]["incremental"],
            false
        );
        assert_eq!(
            trust(full.path()),
            trust(storeless.path()),
            "{backend:?}: learned again"
        );
        assert_ne!(
            trust(full.path()),
            trust(first.path()),
            "{backend:?}: the change moves the trust"
        );
        assert_eq!(
            crosswalk(full.path()),
            crosswalk(second.path()),
            "{backend:?}: ids"
        );
    }
}

/// Turns a store back into the layout of an earlier format: records without numbers, pairs
/// named by source and key, and (format 1) normalized records and pair weights as JSON text and
/// no format number.
fn to_format(store: &Store, backend: Backend, format: u8) {
    let (weights, data_type) = match format {
        1 => ("'[null]'", "TEXT"),
        _ => ("p.field_weights", "BYTEA"),
    };
    let mut statements = vec![
        format!("CREATE TABLE pairs (left_source TEXT NOT NULL, left_key TEXT NOT NULL, right_source TEXT NOT NULL, right_key TEXT NOT NULL, weight DOUBLE PRECISION NOT NULL, probability DOUBLE PRECISION NOT NULL, field_weights {data_type} NOT NULL, PRIMARY KEY (left_source, left_key, right_source, right_key))"),
        format!("INSERT INTO pairs SELECT l.source, l.key, r.source, r.key, p.weight, p.probability, {weights} FROM scored_pairs p JOIN records l ON l.id = p.left_id JOIN records r ON r.id = p.right_id"),
        "DROP TABLE scored_pairs".to_string(),
        "ALTER TABLE records DROP COLUMN id".to_string(),
        "DELETE FROM meta WHERE name IN ('format', 'next_record')".to_string(),
    ];
    if format == 1 {
        statements.push(match backend {
            Backend::Sqlite => "UPDATE records SET data = '{\"name\":\"张伟\"}'".to_string(),
            Backend::Postgres => {
                "ALTER TABLE records ALTER COLUMN data TYPE TEXT USING '{\"name\":\"张伟\"}'"
                    .to_string()
            }
        });
    } else {
        statements.push(format!(
            "INSERT INTO meta (name, value) VALUES ('format', '{format}')"
        ));
    }
    match backend {
        Backend::Sqlite => {
            let db = rusqlite::Connection::open(&store.arg).unwrap();
            for s in &statements {
                db.execute(s, []).unwrap();
            }
        }
        Backend::Postgres => {
            let mut db = postgres::Client::connect(&store.arg, postgres::NoTls).unwrap();
            for s in &statements {
                db.batch_execute(s).unwrap();
            }
        }
    }
}

#[test]
fn a_store_of_the_earlier_format_is_brought_up_to_date() {
    for backend in backends() {
        let input = sample_folder();
        let store = store(backend);
        let first = run_into(input.path(), &store);
        to_format(&store, backend, 1);
        // The run after the migration evaluates everything afresh and keeps every id …
        let second = run_into(input.path(), &store);
        assert_eq!(
            crosswalk(second.path()),
            crosswalk(first.path()),
            "{backend:?}"
        );
        let state = &read_json(&second.path().join("summary.json"))["state"];
        assert_eq!(state["incremental"], false, "{backend:?}");
        assert_eq!(state["records"]["changed"], 0, "{backend:?}");
        // … and the next one takes its work over again, with the same outputs.
        let third = run_into(input.path(), &store);
        let state = &read_json(&third.path().join("summary.json"))["state"];
        assert_eq!(state["incremental"], true, "{backend:?}");
        for file in ["crosswalk.csv", "golden.csv", "lineage.csv", "pairs.csv"] {
            assert_eq!(
                std::fs::read(third.path().join(file)).unwrap(),
                std::fs::read(first.path().join(file)).unwrap(),
                "{backend:?}: {file}"
            );
        }
    }
}

/// A store of format 2 (pairs named by source and key) keeps its work: its records are numbered,
/// its pairs kept, and the next run goes on incrementally with every output of an unmigrated
/// store.
#[test]
fn a_store_of_format_2_keeps_its_pairs() {
    for backend in backends() {
        let input = sample_folder();
        let (store, kept) = (store(backend), store(backend));
        run_into(input.path(), &store);
        run_into(input.path(), &kept);
        to_format(&store, backend, 2);
        let migrated = run_into(input.path(), &store);
        let unmigrated = run_into(input.path(), &kept);
        let state = &read_json(&migrated.path().join("summary.json"))["state"];
        assert_eq!(state["incremental"], true, "{backend:?}");
        assert_eq!(state["records"]["changed"], 0, "{backend:?}");
        assert_eq!(
            outputs(migrated.path()),
            outputs(unmigrated.path()),
            "{backend:?}"
        );
    }
}
