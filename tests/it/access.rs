//! The Access reader on real files of every engine version (Jet3 … ACE17), cross-checked against
//! Debian's `mdb-export` (mdbtools), an independent implementation.

use std::path::{Path, PathBuf};
use std::process::Command;

use steward::ingest::{read_source, SourceOptions, SourceSpec};
use steward::record::{Position, SourceTable};

use crate::support::*;

fn access_files() -> Vec<PathBuf> {
    let root = shared().join("fixtures-external/access");
    let mut files = Vec::new();
    for dir in ["generated", "jackcess", "mdbtestdata"] {
        for e in std::fs::read_dir(root.join(dir)).unwrap() {
            let p = e.unwrap().path();
            if matches!(
                p.extension().and_then(|e| e.to_str()),
                Some("mdb" | "accdb")
            ) {
                files.push(p);
            }
        }
    }
    files.sort();
    assert!(
        files.len() >= 13,
        "expected the 13 external Access files, found {}",
        files.len()
    );
    files
}

fn read(path: &Path) -> SourceTable {
    let spec = SourceSpec {
        path: path.to_path_buf(),
        options: SourceOptions::default(),
    };
    read_source(&spec).unwrap_or_else(|e| panic!("{e}"))
}

fn mdbtools(program: &str, args: &[&str]) -> String {
    let o = Command::new(program).args(args).output().unwrap_or_else(|e| {
        panic!("{program} is needed for the Access cross-check (Debian package mdbtools; scripts/test.sh installs it): {e}")
    });
    assert!(
        o.status.success(),
        "{program} {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Values that mdb-export is known to render differently (or wrongly): non-BMP characters as `??`,
/// dates before 1900, binary data, numbers in another format, and no value at all for the ACE17
/// Date/Time Extended type ("unsupported data type 20"). Those are compared loosely.
fn same_value(ours: &str, theirs: &str, column_type_unsupported: bool) -> bool {
    if ours == theirs || theirs.contains("??") || (column_type_unsupported && theirs.is_empty()) {
        return true;
    }
    if let (Ok(a), Ok(b)) = (ours.parse::<f64>(), theirs.parse::<f64>()) {
        return (a - b).abs() <= 1e-6 * a.abs().max(1.0);
    }
    let date_like =
        theirs.len() >= 10 && theirs.as_bytes()[4] == b'-' && theirs.as_bytes()[7] == b'-';
    if date_like {
        return theirs.starts_with("1900-01-00")
            || theirs.starts_with(ours)
            || ours.starts_with(&theirs[..10]);
    }
    ours.starts_with("<binary")
        || (ours == "true" && theirs == "1")
        || (ours == "false" && theirs == "0")
}

/// Names of the Access 2010+ calculated columns of `table`, read with jetdb itself.
fn calculated_columns(file: &Path, table: &str) -> Vec<String> {
    let mut reader = jetdb::PageReader::open(file).unwrap();
    let catalog = jetdb::read_catalog(&mut reader).unwrap();
    let entry = jetdb::find_table(&catalog, table).unwrap();
    let def = jetdb::read_table_def(&mut reader, table, entry.table_page).unwrap();
    def.columns
        .into_iter()
        .filter(|c| c.is_calculated)
        .map(|c| c.name)
        .collect()
}

#[test]
fn every_engine_version_opens() {
    for file in access_files() {
        let t = read(&file);
        assert!(!t.records.is_empty(), "{}: no rows", file.display());
        assert!(
            t.quarantined.is_empty(),
            "{}: {:?}",
            file.display(),
            t.quarantined
        );
    }
}

#[test]
fn rows_and_values_agree_with_mdb_export() {
    let mut compared = 0usize;
    for file in access_files() {
        let path = file.to_str().unwrap();
        let t = read(&file);
        let tables: Vec<String> = mdbtools("mdb-tables", &["-1", path])
            .lines()
            .map(str::to_string)
            .filter(|l| !l.is_empty())
            .collect();
        for table in tables {
            let export = Command::new("mdb-export")
                .args(["-D", "%Y-%m-%d", "-T", "%Y-%m-%d %H:%M:%S", path, &table])
                .output()
                .expect("mdb-export (Debian package mdbtools; scripts/test.sh installs it)");
            let calculated = calculated_columns(&file, &table);
            let unsupported =
                String::from_utf8_lossy(&export.stderr).contains("unsupported data type");
            let csv_text = String::from_utf8_lossy(&export.stdout).into_owned();
            let mut r = csv::ReaderBuilder::new()
                .flexible(true)
                .from_reader(csv_text.as_bytes());
            let headers = r.headers().unwrap().clone();
            let theirs: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
            let ours: Vec<_> = t
                .records
                .iter()
                .filter(|rec| matches!(&rec.position, Position::TableRow { table: tt, .. } if *tt == table))
                .collect();
            assert_eq!(ours.len(), theirs.len(), "{path} table {table}: row count");
            for (o, th) in ours.iter().zip(&theirs) {
                for (h, v) in headers.iter().zip(th.iter()) {
                    let Some(col) = t.columns.iter().position(|c| c.name == h) else {
                        panic!("{path} {table}: column {h} missing");
                    };
                    if calculated.iter().any(|c| c == h) {
                        continue; // mdb-export does not read the cached values of calculated columns
                    }
                    let mine = &o.values[col];
                    assert!(
                        same_value(mine, v, unsupported),
                        "{path} {table} column {h}: ours {mine:?}, mdb-export {v:?}"
                    );
                    compared += 1;
                }
            }
        }
    }
    assert!(compared > 1000, "only {compared} values compared");
}

#[test]
fn chinese_access_table_keeps_emoji_dates_and_money() {
    let t = read(&shared().join("fixtures-external/access/generated/customers_zh_jet4.mdb"));
    assert_eq!(t.records.len(), 12);
    let col = |name: &str| t.columns.iter().position(|c| c.name == name).unwrap();
    let all = |name: &str| {
        t.records
            .iter()
            .map(|r| r.values[col(name)].clone())
            .collect::<Vec<_>>()
    };
    assert!(
        all("客户名称").iter().any(|v| v.contains('😀')),
        "emoji lost"
    );
    assert!(
        all("建档时间").iter().any(|v| v.starts_with("1899-12-30")),
        "{:?}",
        all("建档时间")
    );
    assert!(
        all("信用额度").iter().any(|v| v.starts_with('-')),
        "negative money lost"
    );
    assert!(all("客户名称").iter().any(|v| v.contains("華為")));
}
