//! The corpus of broken files in `fixtures/broken/`: one test per file, each checked against what
//! `fixtures/broken/expected.json` says a correct reader must do. A broken file never stops the
//! other sources, and never loses a row.

use std::path::Path;

use crate::support::*;

fn check(file: &str) {
    let expected = read_json(&fixtures().join("broken/expected.json"));
    let want = &expected[file];
    assert!(want.is_object(), "{file} is not described in expected.json");
    let path = fixtures().join("broken").join(file);
    let good = fixtures().join("encodings/utf8.csv");
    let dir = folder_of(&[path.clone(), good]);
    let out = tempfile::tempdir().unwrap();
    // Next to a good source the run succeeds whatever the broken file holds.
    let o = run_ok(dir.path(), out.path(), &[]);
    let summary = read_json(&out.path().join("summary.json"));
    let failed = summary["failed_sources"].as_array().unwrap();
    if want["readable"] == false {
        let entry = failed.iter().find(|f| f["source"] == file);
        assert!(
            entry.is_some(),
            "{file} should be reported as unreadable: {summary:#}"
        );
        assert!(!entry.unwrap()["error"].as_str().unwrap().is_empty());
        assert!(
            String::from_utf8_lossy(&o.stderr).contains(file),
            "stderr must name {file}"
        );
        alone_exits_2(&path);
        return;
    }
    assert!(failed.is_empty(), "{file} should be readable: {failed:?}");
    let source = summary["sources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["source"] == file)
        .unwrap()
        .clone();
    assert_eq!(
        source["read"], want["records"],
        "{file}: rows accounted for"
    );
    assert_eq!(
        source["quarantined"], want["quarantined"],
        "{file}: rows quarantined"
    );
    let lines: Vec<String> = read_csv(&out.path().join("quarantine.csv"))
        .into_iter()
        .filter(|q| q["source"] == file)
        .map(|q| q["line"].clone())
        .collect();
    let want_lines: Vec<String> = want["quarantined_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| format!("line{l}"))
        .collect();
    assert_eq!(lines, want_lines, "{file}: quarantined lines");
    let crosswalk = read_csv(&out.path().join("crosswalk.csv"));
    let rows = crosswalk.iter().filter(|r| r["source"] == file).count();
    assert_eq!(
        rows as u64,
        want["records"].as_u64().unwrap(),
        "{file}: crosswalk rows"
    );
}

fn alone_exits_2(path: &Path) {
    let dir = folder_of(&[path.to_path_buf()]);
    let out = tempfile::tempdir().unwrap();
    let o = steward(&[
        "run",
        dir.path().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "nothing usable: exit 2");
    assert!(String::from_utf8_lossy(&o.stderr).contains("no source could be read"));
}

macro_rules! broken_file_tests {
    ($($test:ident => $file:literal),* $(,)?) => {
        $(#[test] fn $test() { check($file); })*

        #[test]
        fn every_broken_file_has_a_test() {
            let tested = [$($file),*];
            for entry in std::fs::read_dir(fixtures().join("broken")).unwrap() {
                let name = entry.unwrap().file_name().to_string_lossy().into_owned();
                assert!(name == "expected.json" || tested.contains(&name.as_str()), "no test for {name}");
            }
        }
    };
}

broken_file_tests! {
    garbage_csv => "garbage.csv",
    empty_csv => "empty.csv",
    header_only_csv => "header_only.csv",
    truncated_xlsx => "truncated.xlsx",
    not_a_zip_xlsx => "not_a_zip.xlsx",
    corrupt_mdb => "corrupt.mdb",
    truncated_accdb => "truncated.accdb",
    bad_lines_jsonl => "bad_lines.jsonl",
    all_bad_jsonl => "all_bad.jsonl",
    ragged_csv => "ragged.csv",
    unclosed_quote_eof_csv => "unclosed_quote_eof.csv",
    unclosed_quote_middle_csv => "unclosed_quote_middle.csv",
    mixed_encoding_csv => "mixed_encoding.csv",
}

#[test]
fn mixed_encoding_rows_are_kept_and_flagged() {
    let dir = folder_of(&[fixtures().join("broken/mixed_encoding.csv")]);
    let out = tempfile::tempdir().unwrap();
    run_ok(dir.path(), out.path(), &[]);
    let issues = read_csv(&out.path().join("issues.csv"));
    let flagged: Vec<_> = issues
        .iter()
        .filter(|i| i["kind"] == "encoding_mixed")
        .collect();
    assert_eq!(flagged.len(), 1, "{issues:?}");
    let crosswalk = std::fs::read_to_string(out.path().join("crosswalk.csv")).unwrap();
    assert!(!crosswalk.contains('\u{FFFD}'));
}

#[test]
fn a_value_longer_than_an_excel_cell_does_not_stop_the_run() {
    let dir = tempfile::tempdir().unwrap();
    // A phone column holding a pasted document: an issue whose value no Excel cell holds.
    let pasted = format!("1{}", "x".repeat(40_000));
    std::fs::write(
        dir.path().join("oa.jsonl"),
        format!(
            "{}\n{}\n",
            serde_json::json!({"id": "A1", "客户": {"名称": "华为技术有限公司"}, "负责人": {"手机": pasted}}),
            serde_json::json!({"id": "A2", "客户": {"名称": "腾讯科技有限公司"}})
        ),
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    run_ok(dir.path(), out.path(), &[]);
    // The CSVs hold the whole value; the workbook (for reading) holds what a cell can.
    let issues = read_csv(&out.path().join("issues.csv"));
    assert!(issues.iter().any(|i| i["value"] == pasted), "{issues:?}");
    use calamine::{Reader, Xlsx};
    let mut book: Xlsx<_> = calamine::open_workbook(out.path().join("report.xlsx")).unwrap();
    let sheet = book.worksheet_range("issues").unwrap();
    let clipped: Vec<String> = sheet
        .rows()
        .flatten()
        .map(|c| c.to_string())
        .filter(|v| v.ends_with(" … [40001 characters in all; the CSV output has the whole value]"))
        .collect();
    assert_eq!(clipped.len(), 1, "{clipped:?}");
    assert!(clipped[0].starts_with("1xxxxxxxxx"));
    assert!(clipped[0].encode_utf16().count() <= 32_767);
}
