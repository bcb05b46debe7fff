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

/// One row of `issues.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Issue {
    pub source: String,
    pub key: String,
    pub field: String,
    pub kind: String,
    pub severity: &'static str,
    pub value: String,
    pub message: String,
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
    pub fn note(&mut self, key: &str, value: impl Into<serde_json::Value>) {
        self.details.insert(key.to_string(), value.into());
    }
}

/// Whether a customer is a natural person or an organisation (company, 个体工商户, institution).
/// Persons and companies are never one customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Person,
    Company,
}

/// A record after normalization: every field in its canonical form, ready to be blocked,
/// compared and survived. `source` and `row` point back at the raw record (and its raw values).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Record {
    pub source: usize,
    pub row: usize,
    pub party: Option<Party>,
    pub is_test: bool,
    /// The customer's name, cleaned and in simplified characters.
    pub name: String,
    /// `name` reduced for matching: no spaces or punctuation, lower-case Latin.
    pub name_key: String,
    /// Pinyin of a Chinese person's name without tones (`zhang wei`), for homophones.
    pub name_pinyin: String,
    /// A company's name without region and legal form (华信科技), and its branch part if any.
    pub company_core: String,
    pub branch: String,
    pub gender: Option<char>,
    pub birth_date: Option<chrono::NaiveDate>,
    /// A checksum-valid 18-character 身份证 (15-digit numbers upgraded).
    pub id_number: Option<String>,
    /// An 18-character 身份证 that fails its check: a typo of the real one, kept for fuzzy matching.
    pub id_number_invalid: Option<String>,
    pub uscc: Option<String>,
    pub uscc_invalid: Option<String>,
    /// Another identifier without a check digit we know (SSN, passport, member number): letters
    /// and digits only, upper case.
    pub other_id: Option<String>,
    /// Valid 11-digit mobiles of the customer (for a company: none; see `contact_mobile`).
    pub mobiles: Vec<String>,
    /// Mobiles that failed validation but are 10–12 digits: typos, kept for fuzzy matching.
    pub mobiles_invalid: Vec<String>,
    /// Landlines as `0AREA-NUMBER[-EXT]`, or bare local numbers when the area code is missing.
    pub phones: Vec<String>,
    pub emails: Vec<String>,
    pub province: String,
    pub city: String,
    pub district: String,
    /// The rest of the address after province, city and district, in a canonical detail form.
    pub address_detail: String,
    /// The same detail in display form (`3号楼2单元501室`), what a golden record shows.
    pub address_display: String,
    /// Exports that keep the house number, a second address line (a building, an estate) and
    /// the postcode in columns of their own (Latin data mostly): each as a match key.
    pub street_number: String,
    pub address_line2: String,
    pub postcode: String,
    pub employer: String,
    pub industry: String,
    pub contact_name: String,
    pub contact_mobile: Option<String>,
    pub credit_limit: Option<i64>,
    pub name_en: String,
    /// The newest date the record carries (follow-up, survey, creation): its recency.
    pub as_of: Option<chrono::NaiveDate>,
}
