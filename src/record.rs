//! The records that flow out of ingest: one `SourceTable` per input file, holding its columns, the
//! records it yielded and the rows it had to quarantine.
//!
//! Values are kept as the source's own text (numbers and dates formatted without loss): the raw value
//! is what a steward recognises, and every later stage keeps it beside its normalized form.

use std::fmt;

use serde::Serialize;

use crate::ingest::mapping::Field;

/// Where a row sits in its source, in the terms a steward would use to find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub enum Position {
    /// 1-based physical line of a text file (the line where the record starts).
    Line(u64),
    /// A worksheet row, 1-based as Excel shows it.
    Cell { sheet: String, row: u32 },
    /// The n-th row (1-based) of a database table, in storage order.
    TableRow { table: String, row: u64 },
    /// The n-th element (1-based) of a JSON array document.
    Item(u64),
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Line(n) => write!(f, "line{n}"),
            Position::Cell { sheet, row } => write!(f, "{sheet}!R{row}"),
            Position::TableRow { table, row } => write!(f, "{table}!R{row}"),
            Position::Item(n) => write!(f, "item{n}"),
        }
    }
}

impl From<Position> for String {
    fn from(p: Position) -> String {
        p.to_string()
    }
}

/// One column of a source: its own header text and the canonical field it maps to, if any.
/// A column that maps to nothing is still carried as an extra attribute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Column {
    pub name: String,
    pub field: Option<Field>,
}

/// One ingested row, its values aligned with `SourceTable::columns` (empty string = no value).
#[derive(Debug, Clone, PartialEq)]
pub struct RawRecord {
    pub key: String,
    pub position: Position,
    pub values: Vec<String>,
}

/// A row that could not be taken as a record, kept with its reason and raw text so nothing is lost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quarantined {
    pub key: String,
    pub position: Position,
    pub reason: String,
    pub raw: String,
}

/// Something the reader noticed about a record it kept (e.g. a line decoded with a fallback
/// encoding): reported in issues.csv, the record itself is kept.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReadNote {
    pub key: String,
    pub field: String,
    pub kind: String,
    pub message: String,
}

/// Everything one input file yielded.
#[derive(Debug, Clone, Default)]
pub struct SourceTable {
    /// The input file's name, as it appears in every output (`source` column).
    pub name: String,
    pub columns: Vec<Column>,
    /// Index into `columns` of the record-key column, when one was found or named.
    pub key_column: Option<usize>,
    pub records: Vec<RawRecord>,
    pub quarantined: Vec<Quarantined>,
    /// Rows the reader met, counted independently of where they went: the conservation check
    /// compares it with `records.len() + quarantined.len()`.
    pub rows_read: u64,
    /// Findings of the reader about kept records.
    pub notes: Vec<ReadNote>,
    /// How the reader understood the file (encoding, delimiter, header, sheets …), for summary.json.
    pub details: serde_json::Map<String, serde_json::Value>,
}

impl SourceTable {
    pub fn value<'a>(&self, record: &'a RawRecord, field: Field) -> Option<&'a str> {
        let i = self.columns.iter().position(|c| c.field == Some(field))?;
        record
            .values
            .get(i)
            .map(String::as_str)
            .filter(|v| !v.is_empty())
    }

    pub fn note(&mut self, key: &str, value: impl Into<serde_json::Value>) {
        self.details.insert(key.to_string(), value.into());
    }
}
