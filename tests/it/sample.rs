//! The README's main job: the bundled sample of four silos plus an English file and an Access file.

use std::collections::{BTreeSet, HashSet};

use crate::support::*;

#[test]
fn sample_job_accounts_for_every_row() {
    let out = tempfile::tempdir().unwrap();
    let o = run_ok(&fixtures().join("sample"), out.path(), &[]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("every row accounted for"), "{stdout}");

    let crosswalk = read_csv(&out.path().join("crosswalk.csv"));
    let truth = read_csv(&fixtures().join("sample_truth.csv"));
    let got: BTreeSet<(String, String)> = crosswalk
        .iter()
        .map(|r| (r["source"].clone(), r["source_record_key"].clone()))
        .collect();
    let want: BTreeSet<(String, String)> = truth
        .iter()
        .map(|r| (r["source"].clone(), r["source_record_key"].clone()))
        .collect();
    assert_eq!(
        crosswalk.len(),
        got.len(),
        "a source row appears twice in the crosswalk"
    );
    // The truth covers the generated files; legacy_contacts.mdb is a frozen Access file of its own.
    let got: BTreeSet<_> = got
        .into_iter()
        .filter(|(s, _)| s != "legacy_contacts.mdb")
        .collect();
    let missing: Vec<_> = want.difference(&got).collect();
    let unknown: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "missing {missing:?}, unknown {unknown:?}"
    );
    let mdb_rows = crosswalk
        .iter()
        .filter(|r| r["source"] == "legacy_contacts.mdb")
        .count();
    assert_eq!(mdb_rows, 12);

    // Every row is in the crosswalk; those without a golden id are exactly the quarantined ones.
    let quarantine = read_csv(&out.path().join("quarantine.csv"));
    let unmatched: HashSet<(String, String)> = crosswalk
        .iter()
        .filter(|r| r["golden_id"].is_empty())
        .map(|r| (r["source"].clone(), r["source_record_key"].clone()))
        .collect();
    let quarantined: HashSet<(String, String)> = quarantine
        .iter()
        .map(|r| (r["source"].clone(), r["source_record_key"].clone()))
        .collect();
    assert_eq!(unmatched, quarantined);
    assert!(!quarantine.is_empty());
    for q in &quarantine {
        assert!(q["line"].starts_with("line"), "{q:?}");
        assert!(q["reason"].starts_with("malformed_row"), "{q:?}");
        assert!(!q["raw"].is_empty(), "{q:?}");
    }

    let summary = read_json(&out.path().join("summary.json"));
    assert_eq!(summary["conservation"]["ok"], true);
    let read: u64 = summary["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["read"].as_u64().unwrap())
        .sum();
    assert_eq!(read as usize, crosswalk.len());
    let issues = read_csv(&out.path().join("issues.csv"));
    assert_eq!(
        issues
            .iter()
            .filter(|i| i["kind"] == "malformed_row")
            .count(),
        quarantine.len()
    );
}

#[test]
fn sample_sources_are_understood() {
    let out = tempfile::tempdir().unwrap();
    run_ok(&fixtures().join("sample"), out.path(), &[]);
    let summary = read_json(&out.path().join("summary.json"));
    let source = |name: &str| {
        summary["sources"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["source"] == name)
            .unwrap_or_else(|| panic!("{name} missing from summary"))
            .clone()
    };
    let access = source("access_customers.csv");
    assert_eq!(access["details"]["encoding"]["name"], "gb18030");
    assert_eq!(access["details"]["key_column"], "客户编号");
    let erp = source("erp_customers.csv");
    assert_eq!(erp["details"]["encoding"]["bom"], true);
    assert_eq!(erp["details"]["key_column"], "客户编码");
    let excel = source("excel_survey.xlsx");
    assert_eq!(excel["details"]["key_column"], "序号");
    let sheets = excel["details"]["sheets"].as_array().unwrap();
    assert!(sheets.iter().all(|s| s["header_row"] == 2), "{sheets:?}");
    assert!(
        sheets
            .iter()
            .map(|s| s["merged_cells_filled"].as_u64().unwrap())
            .sum::<u64>()
            > 0
    );
    let oa = source("oa_followups.jsonl");
    assert_eq!(oa["details"]["key_column"], "id");
    let fields: Vec<&str> = oa["columns"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["field"].as_str())
        .collect();
    for f in ["name", "contact_mobile", "province", "updated_at"] {
        assert!(
            fields.contains(&f),
            "OA column for {f} not mapped: {fields:?}"
        );
    }
    let english = source("english_customers.csv");
    let fields: Vec<&str> = english["columns"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["field"].as_str())
        .collect();
    for f in ["first_name", "last_name", "birth_date", "email", "phone"] {
        assert!(
            fields.contains(&f),
            "English column for {f} not mapped: {fields:?}"
        );
    }
    assert_eq!(source("legacy_contacts.mdb")["kept"], 12);
}

#[test]
fn same_output_whatever_the_thread_count() {
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    run_ok(&fixtures().join("sample"), a.path(), &["--threads", "1"]);
    run_ok(&fixtures().join("sample"), b.path(), &["--threads", "2"]);
    for f in ["crosswalk.csv", "quarantine.csv", "issues.csv"] {
        let x = std::fs::read(a.path().join(f)).unwrap();
        let y = std::fs::read(b.path().join(f)).unwrap();
        assert!(x == y, "{f} differs between --threads 1 and 2");
    }
}

#[test]
fn excel_csv_flag_writes_a_bom() {
    let out = tempfile::tempdir().unwrap();
    run_ok(&fixtures().join("sample"), out.path(), &["--excel-csv"]);
    let bytes = std::fs::read(out.path().join("crosswalk.csv")).unwrap();
    assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]));
}
