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
