//! Helpers shared by the integration tests.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixtures() -> PathBuf {
    repo().join("fixtures")
}

/// `../shared` beside the repository (evaluation sets, external Access files).
pub fn shared() -> PathBuf {
    let p = repo().join("../shared");
    assert!(
        p.is_dir(),
        "these tests need ../shared beside the repository ({})",
        p.display()
    );
    p
}

pub fn steward(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_steward"))
        .args(args)
        .output()
        .expect("run steward")
}

/// Run `steward run DIR --out OUT` and insist on success.
pub fn run_ok(input: &Path, out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "run",
        input.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = steward(&args);
    assert!(
        o.status.success(),
        "steward failed: {}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    o
}

/// A CSV file as header → column rows.
pub fn read_csv(path: &Path) -> Vec<BTreeMap<String, String>> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

pub fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A folder holding links to (copies of) the given files only.
pub fn folder_of(files: &[PathBuf]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for f in files {
        std::fs::copy(f, dir.path().join(f.file_name().unwrap())).unwrap();
    }
    dir
}

/// A folder holding the dev set d2k's four sources, the Access table as `access_file` (its CSV
/// export or its .mdb: never both).
pub fn d2k_folder(access_file: &str) -> tempfile::TempDir {
    let sources = shared().join("dev/d2k/sources");
    let files: Vec<_> = [
        access_file,
        "erp_customers.csv",
        "excel_survey.xlsx",
        "oa_followups.jsonl",
    ]
    .iter()
    .map(|f| sources.join(f))
    .collect();
    folder_of(&files)
}
