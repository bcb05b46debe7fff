//! The command-line contract: arguments, exit statuses, job files.

use crate::support::*;

#[test]
fn missing_path_and_bad_arguments_exit_2() {
    let o = steward(&["run", "/nonexistent/exports"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("/nonexistent/exports"));
    let o = steward(&["run"]);
    assert_eq!(o.status.code(), Some(2));
    let o = steward(&[
        "run",
        fixtures().join("sample").to_str().unwrap(),
        "--threads",
        "zero",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn folder_without_exports_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("notes.docx"), "x").unwrap();
    let o = steward(&["run", dir.path().to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("no supported export"));
}

#[test]
fn job_file_names_sources_keys_and_mappings() {
    let dir = tempfile::tempdir().unwrap();
    let sample = fixtures().join("sample");
    let job = format!(
        r#"
out = "result"
[[source]]
path = "{erp}"
key = "客户编码"
[source.columns]
"税号/证件号" = "id_or_uscc"
"账期(天)" = "note"

[[source]]
path = "{mdb}"
tables = ["客户资料"]
"#,
        erp = sample.join("erp_customers.csv").display(),
        mdb = sample.join("legacy_contacts.mdb").display(),
    );
    std::fs::write(dir.path().join("job.toml"), job).unwrap();
    let o = steward(&["run", dir.path().join("job.toml").to_str().unwrap()]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = read_json(&dir.path().join("result/summary.json"));
    let sources = summary["sources"].as_array().unwrap();
    assert_eq!(sources.len(), 2);
    let erp = &sources[0];
    let field = |name: &str| {
        erp["columns"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .unwrap()["field"]
            .clone()
    };
    assert_eq!(field("税号/证件号"), "id_or_uscc");
    assert_eq!(field("账期(天)"), "note");
}

#[test]
fn job_file_errors_name_the_problem() {
    let dir = tempfile::tempdir().unwrap();
    let job = dir.path().join("job.toml");
    std::fs::write(&job, "[[source]]\npath = \"a.csv\"\nkey_column = \"id\"\n").unwrap();
    let o = steward(&["run", job.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("key_column"));

    let erp = fixtures().join("sample/erp_customers.csv");
    std::fs::write(
        &job,
        format!(
            "[[source]]\npath = \"{}\"\nkey = \"客户号\"\n",
            erp.display()
        ),
    )
    .unwrap();
    let o = steward(&[
        "run",
        job.to_str().unwrap(),
        "--out",
        dir.path().join("o").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "the only source failed");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("客户号") && err.contains("客户编码"), "{err}");
}

/// A job over the sample with the given `[gates]` table; returns the run's output and out folder.
fn run_with_gates(gates: &str) -> (std::process::Output, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let sample = fixtures().join("sample");
    let sources: String = [
        "erp_customers.csv",
        "access_customers.csv",
        "excel_survey.xlsx",
    ]
    .iter()
    .map(|f| format!("[[source]]\npath = \"{}\"\n", sample.join(f).display()))
    .collect();
    let job = dir.path().join("job.toml");
    std::fs::write(&job, format!("{sources}\n[gates]\n{gates}")).unwrap();
    let out = dir.path().join("out");
    let o = steward(&["run", job.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    (o, dir)
}

#[test]
fn failed_gate_exits_1_and_is_named() {
    let (o, dir) = run_with_gates(
        "max_quarantine_rate = 0.5\n[gates.max_error_rate_by_kind]\nplaceholder = 0.0\n\
         [gates.min_golden_coverage]\nname = 0.5\n",
    );
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("gate failed: max_error_rate_by_kind.placeholder"),
        "{stderr}"
    );
    assert!(!stderr.contains("max_quarantine_rate"), "{stderr}");
    let out = dir.path().join("out");
    let summary = read_json(&out.join("summary.json"));
    assert_eq!(summary["gates"]["passed"], false);
    assert_eq!(
        summary["gates"]["failed"],
        serde_json::json!(["max_error_rate_by_kind.placeholder"])
    );
    let results = summary["gates"]["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    let phone = results
        .iter()
        .find(|g| g["gate"] == "max_error_rate_by_kind.placeholder")
        .unwrap();
    assert!(phone["value"].as_f64().unwrap() > 0.0);
    // A failed gate still leaves every output, and the report shows it.
    assert!(out.join("crosswalk.csv").is_file() && out.join("golden.csv").is_file());
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    assert!(html.contains("Quality gates") && html.contains("FAILED"));
}

#[test]
fn passing_gates_exit_0_and_bad_gates_exit_2() {
    let (o, dir) = run_with_gates(
        "max_error_rate = 1.0\nmax_unresolved_duplicates = 1.0\n\
         [gates.max_error_rate_by_source]\n\"erp_customers.csv\" = 1.0\n",
    );
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = read_json(&dir.path().join("out/summary.json"));
    assert_eq!(summary["gates"]["passed"], true);
    assert_eq!(summary["gates"]["results"].as_array().unwrap().len(), 3);

    // A source the gate names but the job does not read fails: a missing export is no pass.
    let (o, _dir) = run_with_gates("[gates.max_error_rate_by_source]\n\"crm.csv\" = 1.0\n");
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stderr).contains("crm.csv: the source was not read"));

    for bad in [
        "max_error_rate = 2.0\n",
        "[gates.max_error_rate_by_kind]\ninvalid_phon = 0.1\n",
    ] {
        let (o, _dir) = run_with_gates(bad);
        assert_eq!(o.status.code(), Some(2), "{bad}");
    }
}
