//! Report: the files a steward and downstream scripts read, per the output contract in the
//! architecture (`crosswalk.csv`, `quarantine.csv`, `issues.csv`, `golden.csv`, `conflicts.csv`,
//! `lineage.csv`, `summary.json`) and the two human-facing reports, [`xlsx`] and [`html`], which
//! mask personal data ([`mask`]) unless the run is asked not to.
//!
//! CSVs are UTF-8 with a header row; with `excel_bom` they start with a BOM so that Chinese Excel
//! opens them as UTF-8 rather than as GBK garbage.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::ops::Range;
use std::path::Path;

use anyhow::{Context, Result};
use rayon::prelude::*;

use crate::cluster::{Edge, Guard};
use crate::compare::COMPARISONS;
use crate::link::{Linkage, ScoredPair, MATCH_PROBABILITY};
use crate::record::{Issue, Record, SourceTable};
use crate::state::{DecisionOutcome, DiffRow};
use crate::store::IdChange;
use crate::survive::{Conflict, Field, Survivorship};

/// What a run built that the human-facing reports show, but for its issues and summary: enough
/// for the sheets that can be written before those are final.
pub struct Built<'a> {
    pub tables: &'a [SourceTable],
    pub records: &'a [Record],
    /// Each record's source and key.
    pub origins: &'a Origins<'a>,
    pub linkage: &'a Linkage,
    pub survivorship: &'a Survivorship,
    /// Personal data unmasked (`--unmask`).
    pub unmask: bool,
}

impl Built<'_> {
    pub fn origin(&self, i: usize) -> (&str, &str) {
        self.origins.get(i)
    }

    /// Pairs kept for review (below the match threshold), most likely first.
    pub fn review_queue(&self) -> impl Iterator<Item = &ScoredPair> {
        self.linkage
            .scored
            .iter()
            .filter(|p| p.probability < MATCH_PROBABILITY)
    }

    /// Golden id of a record.
    pub fn golden_of(&self, i: u32) -> &str {
        &self.survivorship.golden[self.linkage.clustering.cluster_of[i as usize] as usize].id
    }
}

/// Everything a run produced that the human-facing reports show.
pub struct RunView<'a> {
    pub run: &'a Built<'a>,
    pub issues: &'a [Issue],
    pub summary: &'a serde_json::Value,
}

impl RunView<'_> {
    /// Records per source with at least one error, for the per-source quality score.
    pub fn quality(&self) -> Vec<SourceQuality> {
        self.run
            .tables
            .iter()
            .map(|t| {
                let mut keys: Vec<&str> = self
                    .issues
                    .iter()
                    .filter(|i| i.source == t.name && i.severity == "error")
                    .map(|i| i.key.as_str())
                    .collect();
                keys.sort_unstable();
                keys.dedup();
                let rows = t.records.len() + t.quarantined.len();
                let issues = self.issues.iter().filter(|i| i.source == t.name).count();
                SourceQuality {
                    source: t.name.clone(),
                    rows,
                    rows_with_errors: keys.len(),
                    issues,
                    score: if rows == 0 {
                        1.0
                    } else {
                        1.0 - keys.len() as f64 / rows as f64
                    },
                }
            })
            .collect()
    }
}

/// A source's share of rows without an error: its quality score.
pub struct SourceQuality {
    pub source: String,
    pub rows: usize,
    pub rows_with_errors: usize,
    pub issues: usize,
    pub score: f64,
}

pub mod html;
pub mod mask;
mod package;
pub mod xlsx;

/// A new, empty output file at `path`. The last run's file there is removed first rather than
/// truncated: a file rewritten in place is flushed to disk when closed (ext4's guard for programs
/// that rewrite a file without `fsync`), so truncating the last run's outputs made every run
/// wait on writing its own. The run's outputs are complete when it ends either way.
pub fn create(path: &Path) -> Result<File> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            return Err(e).with_context(|| format!("cannot replace {}", path.display()))
        }
        _ => {}
    }
    File::create(path).with_context(|| format!("cannot create {}", path.display()))
}

fn writer(dir: &Path, file: &str, excel_bom: bool) -> Result<csv::Writer<BufWriter<File>>> {
    let f = create(&dir.join(file))?;
    let mut w = BufWriter::new(f);
    if excel_bom {
        w.write_all("\u{FEFF}".as_bytes())?;
    }
    Ok(csv::Writer::from_writer(w))
}

/// Appends `x` with `digits` decimals (at most 6) to `out`, as `format!("{x:.digits$}")` writes
/// it, without its cost: the scaled value is rounded in integers unless it lies too close to a
/// rounding tie to tell, and then the formatter decides.
pub fn push_fixed(out: &mut String, x: f64, digits: usize) {
    const SCALE: [f64; 7] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];
    const UNIT: [u64; 7] = [1, 10, 100, 1000, 10_000, 100_000, 1_000_000];
    let y = x.abs() * SCALE[digits.min(6)];
    let floor = y.floor();
    let frac = y - floor;
    if digits > 6 || !y.is_finite() || y >= 1e12 || (frac - 0.5).abs() < 1e-6 {
        let _ = write!(out, "{x:.digits$}");
        return;
    }
    let n = floor as u64 + u64::from(frac > 0.5);
    if x.is_sign_negative() {
        out.push('-');
    }
    let mut int = itoa::Buffer::new();
    out.push_str(int.format(n / UNIT[digits]));
    if digits > 0 {
        out.push('.');
        let decimals = int.format(n % UNIT[digits]);
        for _ in decimals.len()..digits {
            out.push('0');
        }
        out.push_str(decimals);
    }
}

/// Rows of a CSV formatted together, on one core: blocks small enough that a run's files keep
/// both cores busy to their end.
const BLOCK_ROWS: usize = 8_192;

/// A CSV file of `header` and the rows items `0..count` make: blocks of `per_block` items are
/// formatted by `block` on every core and written in order, twice as many blocks at a time as
/// there are cores (so that no core waits long for the others at the end of each window), so that
/// little of the file is held in memory. Each block gets a CSV writer of its own; a record's
/// quoting depends on the record alone, so the file is the same as one writer's.
fn write_blocks<H: AsRef<[u8]>>(
    dir: &Path,
    file: &str,
    header: impl IntoIterator<Item = H>,
    (count, per_block): (usize, usize),
    block: impl Fn(Range<usize>, &mut csv::Writer<Vec<u8>>) -> Result<()> + Sync,
    excel_bom: bool,
) -> Result<()> {
    let mut w = writer(dir, file, excel_bom)?;
    w.write_record(header)?;
    let mut out = w.into_inner().map_err(|e| e.into_error())?;
    let blocks: Vec<Range<usize>> = (0..count)
        .step_by(per_block)
        .map(|start| start..(start + per_block).min(count))
        .collect();
    // One buffer per block of a window, kept from window to window.
    let mut buffers: Vec<Vec<u8>> = vec![Vec::new(); 2 * rayon::current_num_threads()];
    for window in blocks.chunks(buffers.len()) {
        buffers
            .par_iter_mut()
            .zip(window)
            .map(|(buffer, range)| {
                buffer.clear();
                let mut w = csv::Writer::from_writer(std::mem::take(buffer));
                block(range.clone(), &mut w)?;
                *buffer = w.into_inner().map_err(|e| e.into_error())?;
                Ok(())
            })
            .collect::<Result<()>>()?;
        for buffer in &buffers[..window.len()] {
            out.write_all(buffer)?;
        }
    }
    out.flush()?;
    Ok(())
}

/// `crosswalk.csv`: every ingested row, quarantined ones with an empty golden id. Returns the
/// number of rows written, which the run checks against the rows read.
pub fn write_crosswalk(
    dir: &Path,
    tables: &[SourceTable],
    golden: &[Vec<&str>],
    excel_bom: bool,
) -> Result<u64> {
    // Every table's kept rows, then its quarantined ones: (table, row) of each line in order.
    let mut lines: Vec<(usize, usize, usize)> = Vec::with_capacity(tables.len());
    let mut rows = 0;
    for (t, (table, ids)) in tables.iter().zip(golden).enumerate() {
        let kept = table.records.len().min(ids.len());
        lines.push((t, rows, kept + table.quarantined.len()));
        rows += kept + table.quarantined.len();
    }
    write_blocks(
        dir,
        "crosswalk.csv",
        ["source", "source_record_key", "golden_id"],
        (rows, BLOCK_ROWS),
        |range, w| {
            for n in range {
                let at = lines.partition_point(|&(_, first, _)| first <= n) - 1;
                let (t, first, _) = lines[at];
                let (table, ids) = (&tables[t], &golden[t]);
                let row = n - first;
                let kept = table.records.len().min(ids.len());
                if row < kept {
                    w.write_record([&table.name, &table.records[row].key, ids[row]])?;
                } else {
                    w.write_record([&table.name, &table.quarantined[row - kept].key, ""])?;
                }
            }
            Ok(())
        },
        excel_bom,
    )?;
    Ok(rows as u64)
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
/// The columns of `issues.csv` (and of the issues sheet of report.xlsx).
pub const ISSUE_COLUMNS: [&str; 7] = [
    "source",
    "source_record_key",
    "field",
    "kind",
    "severity",
    "value",
    "message",
];

/// Sorts the issues as `issues.csv` lists them: by source, key, field and kind.
pub fn sort_issues(issues: &mut [Issue]) {
    // Issues that compare equal are equal in every field: an unstable sort orders them as a
    // stable one does.
    issues.par_sort_unstable();
}

/// `issues.csv`, of issues sorted by [`sort_issues`].
pub fn write_issues(dir: &Path, issues: &[Issue], excel_bom: bool) -> Result<()> {
    write_blocks(
        dir,
        "issues.csv",
        ISSUE_COLUMNS,
        (issues.len(), BLOCK_ROWS),
        |range, w| {
            for i in &issues[range] {
                w.write_record([
                    &i.source, &i.key, &i.field, &i.kind, i.severity, &i.value, &i.message,
                ])?;
            }
            Ok(())
        },
        excel_bom,
    )
}

pub fn write_json(dir: &Path, file: &str, value: &serde_json::Value) -> Result<()> {
    let path = dir.join(file);
    let text = serde_json::to_string_pretty(value)?;
    create(&path)?
        .write_all((text + "\n").as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// `pairs.csv`: every accepted pair and every pair kept for review, with its match weight, its
/// probability and the weight each compared field contributed — the explanation of each merge.
pub fn write_pairs(
    dir: &Path,
    origins: &Origins,
    pairs: &[ScoredPair],
    refused: &[(Edge, Guard)],
    excel_bom: bool,
) -> Result<()> {
    let refused: std::collections::HashMap<(u32, u32), Guard> =
        refused.iter().map(|(e, g)| ((e.a, e.b), *g)).collect();
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
    let side = |i: u32| origins.get(i as usize);
    write_blocks(
        dir,
        "pairs.csv",
        &header,
        (pairs.len(), BLOCK_ROWS),
        |range, w| {
            let mut n = String::new();
            for p in &pairs[range] {
                let (ls, lk) = side(p.a);
                let (rs, rk) = side(p.b);
                let decision: Cow<str> = match refused.get(&(p.a, p.b)) {
                    Some(guard) => format!(
                        "refused: {}",
                        serde_json::to_value(guard)?.as_str().unwrap_or_default()
                    )
                    .into(),
                    None if p.probability >= MATCH_PROBABILITY => "match".into(),
                    None => "review".into(),
                };
                for f in [ls, lk, rs, rk] {
                    w.write_field(f)?;
                }
                n.clear();
                push_fixed(&mut n, p.weight, 3);
                w.write_field(&n)?;
                n.clear();
                push_fixed(&mut n, p.probability, 6);
                w.write_field(&n)?;
                w.write_field(decision.as_bytes())?;
                for fw in &p.field_weights.get() {
                    n.clear();
                    if let Some(x) = fw {
                        push_fixed(&mut n, *x, 3);
                    }
                    w.write_field(&n)?;
                }
                w.write_record(None::<&[u8]>)?;
            }
            Ok(())
        },
        excel_bom,
    )
}

/// Each record's `source` and `source_record_key`, by its position among the run's records, in
/// lists of their own: the outputs name the records of hundreds of thousands of rows (lineage,
/// conflicts, pairs) in the order of golden records, not of records. Reached through the records
/// and their sources' rows, each name costs a few reads far apart in memory; here the keys lie
/// side by side, in record order, in one text of a few bytes a record.
pub struct Origins<'a> {
    names: Vec<&'a str>,
    /// Per record: its source, as a position in `names`.
    source: Vec<u32>,
    /// Every record's key, in record order; record `i`'s ends at `ends[i]`.
    keys: String,
    ends: Vec<u32>,
}

impl<'a> Origins<'a> {
    pub fn of(tables: &'a [SourceTable], records: &[Record]) -> Origins<'a> {
        let names = tables.iter().map(|t| t.name.as_str()).collect();
        let key = |r: &Record| tables[r.source].records[r.row].key.as_str();
        let mut keys = String::with_capacity(records.iter().map(|r| key(r).len()).sum());
        let mut ends = Vec::with_capacity(records.len());
        let mut source = Vec::with_capacity(records.len());
        for r in records {
            keys.push_str(key(r));
            ends.push(u32::try_from(keys.len()).expect("keys of fewer than 4 GiB"));
            source.push(r.source as u32);
        }
        Origins {
            names,
            source,
            keys,
            ends,
        }
    }

    /// `source` and `source_record_key` of record `i`.
    pub fn get(&self, i: usize) -> (&'a str, &str) {
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        (self.source(i), &self.keys[start..self.ends[i] as usize])
    }

    /// `source` of record `i`.
    pub fn source(&self, i: usize) -> &'a str {
        self.names[self.source[i] as usize]
    }
}

/// The CSV outputs that need neither the issues nor the summary (`crosswalk.csv`,
/// `quarantine.csv`, `model.json`, `pairs.csv`, `golden.csv`, `lineage.csv`, `conflicts.csv`),
/// written beside each other on every core; `golden` holds each row's golden id. Returns the
/// number of crosswalk rows.
pub fn write_tables(dir: &Path, run: &Built, golden: &[Vec<&str>], excel_bom: bool) -> Result<u64> {
    let (tables, bom) = (run.tables, excel_bom);
    let ((crosswalk, pairs), (golden_csv, (lineage, conflicts))) = rayon::join(
        || {
            rayon::join(
                || -> Result<u64> {
                    let written = write_crosswalk(dir, tables, golden, bom)?;
                    write_quarantine(dir, tables, bom)?;
                    write_json(
                        dir,
                        "model.json",
                        &serde_json::to_value(&run.linkage.model)?,
                    )?;
                    Ok(written)
                },
                || {
                    let linkage = run.linkage;
                    write_pairs(
                        dir,
                        run.origins,
                        &linkage.scored,
                        &linkage.clustering.refused,
                        bom,
                    )
                },
            )
        },
        || {
            rayon::join(
                || write_golden(dir, run, bom),
                || {
                    rayon::join(
                        || write_lineage(dir, run, bom),
                        || write_conflicts(dir, run, bom),
                    )
                },
            )
        },
    );
    pairs?;
    golden_csv?;
    lineage?;
    conflicts?;
    crosswalk
}

/// `golden.csv`: the contract's columns, then how many records and which sources a customer has.
fn write_golden(dir: &Path, run: &Built, excel_bom: bool) -> Result<()> {
    let Built {
        origins,
        survivorship,
        ..
    } = *run;
    let mut header: Vec<&str> = vec!["golden_id"];
    header.extend(Field::ALL.iter().map(|f| f.column()));
    header.extend(["record_count", "sources"]);
    let golden = &survivorship.golden;
    write_blocks(
        dir,
        "golden.csv",
        header,
        (golden.len(), BLOCK_ROWS),
        |range, w| {
            let mut count = itoa::Buffer::new();
            let mut sources = String::new();
            for g in &golden[range] {
                w.write_field(&g.id)?;
                for (_, s) in g.fields() {
                    w.write_field(&s.value)?;
                }
                w.write_field(count.format(g.members.len()))?;
                // The members' sources in order, a source repeated by neighbours named once.
                sources.clear();
                let mut last: Option<&str> = None;
                for &i in &g.members {
                    let name = origins.source(i);
                    if last != Some(name) {
                        if last.is_some() {
                            sources.push(';');
                        }
                        sources.push_str(name);
                        last = Some(name);
                    }
                }
                w.write_field(&sources)?;
                w.write_record(None::<&[u8]>)?;
            }
            Ok(())
        },
        excel_bom,
    )
}

/// The columns of `conflicts.csv` and of the conflicts sheet.
pub const CONFLICT_COLUMNS: [&str; 8] = [
    "golden_id",
    "field",
    "value",
    "chosen",
    "source",
    "source_record_key",
    "reason",
    "record_count",
];

/// One conflict as the first seven cells of a row of [`CONFLICT_COLUMNS`] (the value in full);
/// `record_count` is `c.records.len()`.
pub fn conflict_cells<'a>(
    origins: &'a Origins,
    survivorship: &'a Survivorship,
    c: &'a Conflict,
) -> [&'a str; 7] {
    let (source, key) = origins.get(c.records[0]);
    [
        &survivorship.golden[c.golden].id,
        c.field.column(),
        &c.value,
        if c.chosen { "yes" } else { "no" },
        source,
        key,
        &c.reason,
    ]
}

/// `conflicts.csv`: every distinct value a golden field's records held when they disagreed, the
/// first record holding it, whether it won and why. Full values: this file is for machines.
fn write_conflicts(dir: &Path, run: &Built, excel_bom: bool) -> Result<()> {
    let Built {
        origins,
        survivorship,
        ..
    } = *run;
    let conflicts = &survivorship.conflicts;
    write_blocks(
        dir,
        "conflicts.csv",
        CONFLICT_COLUMNS,
        (conflicts.len(), BLOCK_ROWS),
        |range, w| {
            let mut count = itoa::Buffer::new();
            for c in &conflicts[range] {
                let cells = conflict_cells(origins, survivorship, c);
                w.write_record(cells.iter().copied().chain([count.format(c.records.len())]))?;
            }
            Ok(())
        },
        excel_bom,
    )
}

/// `lineage.csv`: for every non-empty golden value, the record it was taken or derived from and
/// the rule that chose it.
fn write_lineage(dir: &Path, run: &Built, excel_bom: bool) -> Result<()> {
    let Built {
        origins,
        survivorship,
        ..
    } = *run;
    let golden = &survivorship.golden;
    write_blocks(
        dir,
        "lineage.csv",
        [
            "golden_id",
            "field",
            "value",
            "source",
            "source_record_key",
            "rule",
        ],
        // A golden record has a lineage row per field it holds.
        (golden.len(), BLOCK_ROWS / 16),
        |range, w| {
            for g in &golden[range] {
                for (f, s) in g.fields() {
                    if s.value.is_empty() {
                        continue;
                    }
                    let (source, key) = s.record.map_or(("", ""), |i| origins.get(i as usize));
                    w.write_record([
                        g.id.as_str(),
                        f.column(),
                        s.value.as_str(),
                        source,
                        key,
                        s.rule.as_ref(),
                    ])?;
                }
            }
            Ok(())
        },
        excel_bom,
    )
}

/// Writes `rows` under `header` to `file`.
fn write_rows<const N: usize>(
    dir: &Path,
    file: &str,
    header: [&str; N],
    rows: impl Iterator<Item = [String; N]>,
    excel_bom: bool,
) -> Result<()> {
    let mut w = writer(dir, file, excel_bom)?;
    w.write_record(header)?;
    for row in rows {
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// `id_map.csv` (runs with a state store): every golden id issued, merged away, split or retired
/// in this run — `old_id, new_id, change`. Ids not listed kept their records.
pub fn write_id_map(dir: &Path, changes: &[IdChange], excel_bom: bool) -> Result<()> {
    write_rows(
        dir,
        "id_map.csv",
        ["old_id", "new_id", "change"],
        changes.iter().map(|c| {
            [
                c.old_id.clone(),
                c.new_id.clone(),
                c.change.as_str().to_string(),
            ]
        }),
        excel_bom,
    )
}

/// `diff.csv` (runs with a state store): what changed since the last run — new, changed, deleted
/// and quarantined records; new, merged, split and retired golden records; new and fixed issues.
pub fn write_diff(dir: &Path, diff: &[DiffRow], excel_bom: bool) -> Result<()> {
    write_rows(
        dir,
        "diff.csv",
        [
            "change",
            "golden_id",
            "other_id",
            "source",
            "source_record_key",
            "field",
            "kind",
            "severity",
        ],
        diff.iter().map(|d| {
            [
                d.change.to_string(),
                d.golden_id.clone(),
                d.other_id.clone(),
                d.source.clone(),
                d.key.clone(),
                d.field.clone(),
                d.kind.clone(),
                d.severity.clone(),
            ]
        }),
        excel_bom,
    )
}

/// `decisions.csv`: the steward's decisions and whether this run could apply each.
pub fn write_decisions(dir: &Path, decided: &[DecisionOutcome], excel_bom: bool) -> Result<()> {
    write_rows(
        dir,
        "decisions.csv",
        ["origin", "decision", "a", "b", "value", "applied", "note"],
        decided.iter().map(|d| {
            [
                d.decision.origin.clone(),
                d.decision.kind.clone(),
                d.decision.a.clone(),
                d.decision.b.clone(),
                d.decision.value.clone(),
                d.applied.to_string(),
                d.note.clone(),
            ]
        }),
        excel_bom,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Fields, Position, RawRecord};

    #[test]
    fn origins_name_each_record_by_its_source_and_key() {
        let table = |name: &str, keys: &[&str]| SourceTable {
            name: name.into(),
            records: keys
                .iter()
                .enumerate()
                .map(|(i, k)| RawRecord {
                    key: k.to_string(),
                    position: Position::Line(i as u64 + 2),
                    values: Vec::new(),
                })
                .collect(),
            ..Default::default()
        };
        let tables = [
            table("erp.csv", &["KH001", "", "客户-二"]),
            table("oa.jsonl", &["line7", "x"]),
        ];
        // Records in an order of their own, one row left out.
        let records: Vec<Record> = [(1, 1), (0, 2), (0, 0), (1, 0), (0, 1)]
            .into_iter()
            .map(|(source, row)| {
                Record::from(Fields {
                    source,
                    row,
                    ..Fields::default()
                })
            })
            .collect();
        let origins = Origins::of(&tables, &records);
        for (i, r) in records.iter().enumerate() {
            let t = &tables[r.source];
            assert_eq!(
                origins.get(i),
                (t.name.as_str(), t.records[r.row].key.as_str())
            );
            assert_eq!(origins.source(i), t.name);
        }
        assert_eq!(origins.get(1), ("erp.csv", "客户-二"));
        assert_eq!(origins.get(4), ("erp.csv", ""));
    }

    #[test]
    fn fixed_decimals_are_the_formatters() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            1.0005,
            0.0625,
            2.5,
            -2.5,
            0.125,
            1e-7,
            -1e-7,
            0.9999995,
            0.0000005,
            123456.7890125,
            -3.25159,
            1e11,
            1e13,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
            0.1,
            0.2,
            0.3,
            7.0005,
            7.00049999,
        ];
        // A spread of magnitudes and fractions, and values on and about the ties.
        let mut x = 0.000_123_4_f64;
        while x < 1e9 {
            values.extend([x, -x, x * 1.37, (x * 1000.0).round() / 1000.0 + 0.0005]);
            x *= 1.618;
        }
        for k in 0..20_000 {
            let v = (k as f64 - 10_000.0) / 8192.0;
            values.extend([v, v / 10.0, v * 33.3]);
        }
        for v in values {
            for digits in 0..=7 {
                let mut fast = String::new();
                push_fixed(&mut fast, v, digits);
                assert_eq!(
                    fast,
                    format!("{v:.digits$}"),
                    "{v:e} with {digits} decimals"
                );
            }
        }
    }
}
