//! Shared by every reader: finding the header below title rows, building the union of columns
//! over sheets / tables / JSON objects, mapping headers to fields, and choosing the record key.
//!
//! The record key is the source's own id column when one exists and is unique (globally, or within
//! each sheet/table, in which case it is qualified with the sheet or table name); otherwise the
//! physical position (`line17`, `Sheet!R5`). A steward must be able to find every row again.

use std::collections::{HashMap, HashSet};

use foldhash::fast::FixedState;

use super::mapping::{header_key, map_header, Field};
use super::{IngestError, SourceOptions};
use crate::record::{Column, Position, Quarantined, RawRecord, SourceTable, Text};

/// How many leading rows may hold titles, notes or blank lines above the header.
const HEADER_SCAN_ROWS: usize = 12;

/// Index of the header among the first rows of a sheet or file, or `None` when the data has no
/// header (its first substantial row already looks like data).
pub fn detect_header(rows: &[Vec<String>]) -> Option<usize> {
    let scan = &rows[..rows.len().min(HEADER_SCAN_ROWS)];
    let filled = |r: &Vec<String>| r.iter().filter(|c| !c.trim().is_empty()).count();
    let widest = scan.iter().map(filled).max().unwrap_or(0);
    for (i, row) in scan.iter().enumerate() {
        let n = filled(row);
        if n == 0 || (widest >= 2 && (n < 2 || n * 10 < widest * 6)) {
            continue; // blank, or a title / note line such as 客户资料导出 or 导出时间：2024-01-01
        }
        let cells: Vec<&str> = row
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        let data_like = cells.iter().filter(|c| looks_like_data(c)).count();
        let mapped = cells.iter().filter(|c| map_header(c).is_some()).count();
        let distinct = cells.iter().collect::<HashSet<_>>().len() == cells.len();
        return (data_like == 0 && distinct || mapped >= 2 && mapped > data_like).then_some(i);
    }
    None
}

/// A cell no header would hold: a number, a date, a phone, an e-mail address.
fn looks_like_data(cell: &str) -> bool {
    let digits = cell.chars().filter(|c| c.is_ascii_digit()).count();
    cell.contains('@') || digits >= 4 || (digits > 0 && digits * 2 >= cell.chars().count())
}

struct PendingQuarantine {
    entry: Quarantined,
    cells: Vec<(usize, String)>,
}

/// Collects the rows of one source, possibly from several sheets or tables with different headers.
pub struct TableBuilder {
    name: String,
    columns: Vec<String>,
    /// Column names to their index: looked up for every cell of a JSON export (foldhash: the
    /// names are the file's own).
    index: HashMap<String, usize, FixedState>,
    /// Each record's values by column, as wide as the columns known when it was pushed (padded to
    /// the table's width at the end).
    records: Vec<(Position, Vec<Text>)>,
    quarantined: Vec<PendingQuarantine>,
    rows_read: u64,
    details: serde_json::Map<String, serde_json::Value>,
    /// Findings per record, by index into `records`.
    flags: Vec<(usize, String, String, String)>,
}

impl TableBuilder {
    pub fn new(name: &str) -> Self {
        TableBuilder {
            name: name.to_string(),
            columns: Vec::new(),
            index: HashMap::default(),
            records: Vec::new(),
            quarantined: Vec::new(),
            rows_read: 0,
            details: serde_json::Map::new(),
            flags: Vec::new(),
        }
    }

    /// Column indexes for one header row; repeated or blank header names get a distinct name
    /// (`电话_2`, `column7`) rather than overwrite each other.
    pub fn header(&mut self, header: &[String]) -> Vec<usize> {
        let mut seen_here: HashMap<String, usize> = HashMap::new();
        header
            .iter()
            .enumerate()
            .map(|(i, h)| {
                let base = match h.trim() {
                    "" => format!("column{}", i + 1),
                    t => t.to_string(),
                };
                let n = seen_here.entry(base.clone()).or_insert(0);
                *n += 1;
                let name = if *n == 1 { base } else { format!("{base}_{n}") };
                self.column(&name)
            })
            .collect()
    }

    /// Index of the column called `name`, added when new.
    pub fn column(&mut self, name: &str) -> usize {
        if let Some(&i) = self.index.get(name) {
            return i;
        }
        self.columns.push(name.to_string());
        self.index.insert(name.to_string(), self.columns.len() - 1);
        self.columns.len() - 1
    }

    /// A row the reader met that is a record.
    pub fn push(&mut self, position: Position, cells: Vec<(usize, String)>) {
        let cells = cells.into_iter().map(|(c, v)| (c, v.into())).collect();
        self.push_text(position, cells);
    }

    /// [`push`](Self::push) for cells already held as record text.
    pub fn push_text(&mut self, position: Position, cells: Vec<(usize, Text)>) {
        let width = cells
            .iter()
            .map(|(i, _)| i + 1)
            .max()
            .unwrap_or(0)
            .max(self.columns.len());
        let mut values = vec![Text::new(); width];
        for (i, v) in cells {
            values[i] = v;
        }
        self.push_values(position, values);
    }

    /// A record's values in column order (column `i` is the `i`-th value), as a reader whose
    /// header numbered every column in order gives them: no list of cells in between.
    pub fn push_values(&mut self, position: Position, values: Vec<Text>) {
        self.rows_read += 1;
        self.records.push((position, values));
    }

    /// Whether `columns` (what a header's cells became) are this table's columns in order, so
    /// that a row's values can be pushed as they come ([`push_values`](Self::push_values)).
    pub fn in_order(&self, columns: &[usize]) -> bool {
        columns.len() == self.columns.len() && columns.iter().enumerate().all(|(i, &c)| i == c)
    }

    /// A row the reader met that cannot be a record; `cells` may help to find its key.
    pub fn quarantine(
        &mut self,
        position: Position,
        reason: impl Into<String>,
        raw: impl Into<String>,
        cells: Vec<(usize, String)>,
    ) {
        self.rows_read += 1;
        self.quarantined.push(PendingQuarantine {
            entry: Quarantined {
                key: String::new(),
                position,
                reason: reason.into(),
                raw: raw.into(),
            },
            cells,
        });
    }

    /// Attach a finding (`kind`, `message`) about `field` to the record pushed last.
    pub fn flag_last(&mut self, field: &str, kind: &str, message: impl Into<String>) {
        if let Some(i) = self.records.len().checked_sub(1) {
            self.flags
                .push((i, field.to_string(), kind.to_string(), message.into()));
        }
    }

    pub fn note(&mut self, key: &str, value: impl Into<serde_json::Value>) {
        self.details.insert(key.to_string(), value.into());
    }

    pub fn rows_read(&self) -> u64 {
        self.rows_read
    }

    /// Map the columns, choose the key, and hand over the finished table.
    pub fn finish(self, options: &SourceOptions) -> Result<SourceTable, IngestError> {
        let width = self.columns.len();
        let columns: Vec<Column> = self
            .columns
            .iter()
            .map(|name| Column {
                field: options
                    .columns
                    .iter()
                    .find(|(h, _)| h == &name || header_key(h) == header_key(name))
                    .map(|(_, f)| *f)
                    .unwrap_or_else(|| map_header(name)),
                name: name.clone(),
            })
            .collect();
        let dense = |cells: Vec<(usize, Text)>| {
            let mut values = vec![Text::new(); width];
            for (i, v) in cells {
                values[i] = v;
            }
            values
        };
        let mut records: Vec<RawRecord> = self
            .records
            .into_iter()
            .map(|(position, mut values)| {
                // Columns met after the record was pushed (another sheet's or object's) are
                // empty in it.
                values.resize(width, Text::new());
                RawRecord {
                    key: String::new(),
                    position,
                    values,
                }
            })
            .collect();
        let key = choose_key(&self.name, &columns, &records, options)?;
        let mut duplicate_keys = 0u64;
        let mut seen = HashSet::with_capacity_and_hasher(records.len(), FixedState::default());
        for r in &mut records {
            r.key = record_key(key, &r.values, &r.position);
            if !seen.insert(r.key.clone()) {
                // Only a job-named key can repeat; keep both rows, told apart by position.
                duplicate_keys += 1;
                r.key = format!("{}@{}", r.key, r.position);
            }
        }
        let quarantined = self
            .quarantined
            .into_iter()
            .map(|p| {
                let values = dense(
                    p.cells
                        .into_iter()
                        .filter(|(i, _)| *i < width)
                        .map(|(i, v)| (i, v.into()))
                        .collect(),
                );
                let mut entry = p.entry;
                entry.key = record_key(key, &values, &entry.position);
                if seen.contains(&entry.key) {
                    entry.key = format!("{}@{}", entry.key, entry.position);
                }
                entry
            })
            .collect();
        let notes = self
            .flags
            .into_iter()
            .map(|(i, field, kind, message)| crate::record::ReadNote {
                key: records[i].key.clone(),
                field,
                kind,
                message,
            })
            .collect();
        let mut table = SourceTable {
            notes,
            name: self.name,
            key_column: key.map(|k| k.column),
            columns,
            records,
            quarantined,
            rows_read: self.rows_read,
            details: self.details,
        };
        match key {
            Some(k) => {
                table.note("key_column", table.columns[k.column].name.clone());
                if k.qualified {
                    table.note("key_qualified_by", "sheet or table name");
                }
            }
            None => table.note("key_column", serde_json::Value::Null),
        }
        if duplicate_keys > 0 {
            table.note("duplicate_keys", duplicate_keys);
        }
        Ok(table)
    }
}

#[derive(Clone, Copy)]
struct KeyChoice {
    column: usize,
    /// Unique only within each sheet or table: prefix the key with it.
    qualified: bool,
}

fn segment(position: &Position) -> Option<&str> {
    match position {
        Position::Cell { sheet, .. } => Some(sheet),
        Position::TableRow { table, .. } => Some(table),
        _ => None,
    }
}

fn record_key(key: Option<KeyChoice>, values: &[Text], position: &Position) -> String {
    let Some(k) = key else {
        return position.to_string();
    };
    match values
        .get(k.column)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
    {
        Some(v) if k.qualified => format!("{}!{v}", segment(position).unwrap_or_default()),
        Some(v) => v.to_string(),
        None => position.to_string(),
    }
}

fn choose_key(
    source: &str,
    columns: &[Column],
    records: &[RawRecord],
    options: &SourceOptions,
) -> Result<Option<KeyChoice>, IngestError> {
    if let Some(named) = &options.key {
        let column = columns
            .iter()
            .position(|c| &c.name == named || header_key(&c.name) == header_key(named))
            .ok_or_else(|| {
                let names: Vec<_> = columns.iter().map(|c| c.name.as_str()).collect();
                IngestError::new(
                    source,
                    format!(
                        "the job names key column `{named}`, but the columns are: {}",
                        names.join(", ")
                    ),
                )
            })?;
        let qualified = !unique(records, column, false) && unique(records, column, true);
        return Ok(Some(KeyChoice { column, qualified }));
    }
    let candidates = columns
        .iter()
        .enumerate()
        .filter(|(_, c)| c.field == Some(Field::RecordId))
        .map(|(i, _)| i);
    for column in candidates {
        let filled = records.iter().all(|r| !r.values[column].trim().is_empty());
        if !filled || records.is_empty() {
            continue;
        }
        if unique(records, column, false) {
            return Ok(Some(KeyChoice {
                column,
                qualified: false,
            }));
        }
        if unique(records, column, true) {
            return Ok(Some(KeyChoice {
                column,
                qualified: true,
            }));
        }
    }
    Ok(None)
}

fn unique(records: &[RawRecord], column: usize, per_segment: bool) -> bool {
    let mut seen = HashSet::with_capacity_and_hasher(records.len(), FixedState::default());
    records.iter().all(|r| {
        let seg = if per_segment {
            segment(&r.position)
        } else {
            None
        };
        seen.insert((seg, r.values[column].trim()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|l| l.split(',').map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn header_below_title_rows() {
        let r = rows(&[
            "2023年客户满意度调查,,,",
            "导出时间：2024-01-01,,,",
            ",,,",
            "序号,姓名,手机号,满意度",
            "1,张伟,13800138001,满意",
        ]);
        assert_eq!(detect_header(&r), Some(3));
    }

    #[test]
    fn first_row_header_and_headerless_data() {
        assert_eq!(
            detect_header(&rows(&[
                "客户编码,单位名称,联系电话",
                "KH1,华为,0755-1234567"
            ])),
            Some(0)
        );
        assert_eq!(
            detect_header(&rows(&["customer_id,first_name,email", "17,Jon,jon@x.com"])),
            Some(0)
        );
        assert_eq!(
            detect_header(&rows(&["1,张伟,13800138001", "2,李娜,13900139002"])),
            None
        );
    }

    #[test]
    fn unique_id_column_becomes_the_key_else_position() {
        let opts = SourceOptions::default();
        let mut b = TableBuilder::new("erp.csv");
        let cols = b.header(&["客户编码".into(), "单位名称".into()]);
        b.push(
            Position::Line(2),
            vec![(cols[0], "KH1".into()), (cols[1], "华为".into())],
        );
        b.push(
            Position::Line(3),
            vec![(cols[0], "KH2".into()), (cols[1], "中兴".into())],
        );
        b.quarantine(
            Position::Line(4),
            "ragged",
            "KH3,x,y",
            vec![(cols[0], "KH3".into())],
        );
        let t = b.finish(&opts).unwrap();
        let keys: Vec<_> = t.records.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["KH1", "KH2"]);
        assert_eq!(t.quarantined[0].key, "KH3");
        assert_eq!(t.rows_read, 3);

        let mut b = TableBuilder::new("a.csv");
        let cols = b.header(&["编号".into(), "姓名".into()]);
        b.push(Position::Line(2), vec![(cols[0], "1".into())]);
        b.push(Position::Line(3), vec![(cols[0], "1".into())]);
        let t = b.finish(&opts).unwrap();
        assert_eq!(t.records[1].key, "line3");
    }

    #[test]
    fn key_unique_per_sheet_is_qualified() {
        let mut b = TableBuilder::new("survey.xlsx");
        let c = b.header(&["序号".into(), "姓名".into()]);
        for (sheet, row) in [("2023年", 3), ("2024年", 3)] {
            let pos = Position::Cell {
                sheet: sheet.into(),
                row,
            };
            b.push(pos, vec![(c[0], "1".into()), (c[1], "张伟".into())]);
        }
        let t = b.finish(&SourceOptions::default()).unwrap();
        assert_eq!(t.records[1].key, "2024年!1");
    }

    #[test]
    fn named_key_must_exist_and_duplicate_headers_stay_apart() {
        let mut b = TableBuilder::new("x.csv");
        let c = b.header(&["电话".into(), "电话".into(), "".into()]);
        assert_eq!(c, vec![0, 1, 2]);
        let opts = SourceOptions {
            key: Some("客户号".into()),
            ..Default::default()
        };
        let err = b.finish(&opts).unwrap_err();
        assert!(
            err.message.contains("客户号") && err.message.contains("电话_2"),
            "{err}"
        );
    }
}
