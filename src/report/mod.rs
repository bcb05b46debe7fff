//! Report: the files a steward and downstream scripts read, per the output contract in the
//! architecture (`crosswalk.csv`, `quarantine.csv`, `issues.csv`, `summary.json`).
//!
//! CSVs are UTF-8 with a header row; with `excel_bom` they start with a BOM so that Chinese Excel
//! opens them as UTF-8 rather than as GBK garbage.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use anyhow::{Context, Result};

use crate::cluster::{Edge, Guard};
use crate::compare::COMPARISONS;
use crate::link::{ScoredPair, MATCH_PROBABILITY};
use crate::record::{Issue, Record, SourceTable};

fn writer(dir: &Path, file: &str, excel_bom: bool) -> Result<csv::Writer<BufWriter<File>>> {
    let path = dir.join(file);
    let f = File::create(&path).with_context(|| format!("cannot create {}", path.display()))?;
    let mut w = BufWriter::new(f);
    if excel_bom {
        w.write_all("\u{FEFF}".as_bytes())?;
    }
    Ok(csv::Writer::from_writer(w))
}

/// `crosswalk.csv`: every ingested row, quarantined ones with an empty golden id. Returns the
/// number of rows written, which the run checks against the rows read.
pub fn write_crosswalk(
    dir: &Path,
    tables: &[SourceTable],
    golden: &[Vec<String>],
    excel_bom: bool,
) -> Result<u64> {
    let mut w = writer(dir, "crosswalk.csv", excel_bom)?;
    w.write_record(["source", "source_record_key", "golden_id"])?;
    let mut rows = 0;
    for (table, ids) in tables.iter().zip(golden) {
        for (record, id) in table.records.iter().zip(ids) {
            w.write_record([table.name.as_str(), record.key.as_str(), id.as_str()])?;
            rows += 1;
        }
        for q in &table.quarantined {
            w.write_record([table.name.as_str(), q.key.as_str(), ""])?;
            rows += 1;
        }
    }
    w.flush()?;
    Ok(rows)
}

/// `quarantine.csv`: the rows that could not be taken, where they are, why, and their raw text.
pub fn write_quarantine(dir: &Path, tables: &[SourceTable], excel_bom: bool) -> Result<()> {
    let mut w = writer(dir, "quarantine.csv", excel_bom)?;
    w.write_record(["source", "source_record_key", "line", "reason", "raw"])?;
    for table in tables {
        for q in &table.quarantined {
            let line = q.position.to_string();
            w.write_record([table.name.as_str(), &q.key, &line, &q.reason, &q.raw])?;
        }
    }
    w.flush()?;
    Ok(())
}

/// `issues.csv`, sorted by source, key, field and kind so that runs compare line by line.
pub fn write_issues(dir: &Path, issues: &mut [Issue], excel_bom: bool) -> Result<()> {
    issues.sort();
    let mut w = writer(dir, "issues.csv", excel_bom)?;
    w.write_record([
        "source",
        "source_record_key",
        "field",
        "kind",
        "severity",
        "value",
        "message",
    ])?;
    for i in issues.iter() {
        w.write_record([
            &i.source, &i.key, &i.field, &i.kind, i.severity, &i.value, &i.message,
        ])?;
    }
    w.flush()?;
    Ok(())
}

pub fn write_json(dir: &Path, file: &str, value: &serde_json::Value) -> Result<()> {
    let path = dir.join(file);
    let text = serde_json::to_string_pretty(value)?;
    std::fs::write(&path, text + "\n").with_context(|| format!("cannot write {}", path.display()))
}

/// `pairs.csv`: every accepted pair and every pair kept for review, with its match weight, its
/// probability and the weight each compared field contributed — the explanation of each merge.
pub fn write_pairs(
    dir: &Path,
    tables: &[SourceTable],
    records: &[Record],
    pairs: &[ScoredPair],
    refused: &[(Edge, Guard)],
    excel_bom: bool,
) -> Result<()> {
    let refused: std::collections::HashMap<(u32, u32), Guard> =
        refused.iter().map(|(e, g)| ((e.a, e.b), *g)).collect();
    let mut w = writer(dir, "pairs.csv", excel_bom)?;
    let mut header: Vec<String> = [
        "left_source",
        "left_key",
        "right_source",
        "right_key",
        "match_weight",
        "probability",
        "decision",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    header.extend(COMPARISONS.iter().map(|c| format!("w_{}", c.name)));
    w.write_record(&header)?;
    let side = |i: u32| {
        let r = &records[i as usize];
        let t = &tables[r.source];
        (t.name.as_str(), t.records[r.row].key.as_str())
    };
    for p in pairs {
        let (ls, lk) = side(p.a);
        let (rs, rk) = side(p.b);
        let decision = match refused.get(&(p.a, p.b)) {
            Some(guard) => format!(
                "refused: {}",
                serde_json::to_value(guard)?.as_str().unwrap_or_default()
            ),
            None if p.probability >= MATCH_PROBABILITY => "match".to_string(),
            None => "review".to_string(),
        };
        let mut row = vec![
            ls.to_string(),
            lk.to_string(),
            rs.to_string(),
            rk.to_string(),
            format!("{:.3}", p.weight),
            format!("{:.6}", p.probability),
            decision,
        ];
        row.extend(
            p.field_weights
                .iter()
                .map(|fw| fw.map(|x| format!("{x:.3}")).unwrap_or_default()),
        );
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}
