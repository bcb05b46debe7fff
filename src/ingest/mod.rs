//! Ingest: one reader per kind of export, each turning a file into a `SourceTable`.
//!
//! Every reader counts the rows it meets, keeps the ones it can read as records (with their
//! position in the file) and quarantines the rest with a reason and the raw text, so that the run
//! can prove that nothing was lost. A file that cannot be read at all is an `IngestError`; it never
//! stops the other sources. Header detection, column mapping and record-key choice are shared by
//! all readers and live in `table`.

pub mod access;
pub mod cache;
pub mod delimited;
pub mod encoding;
pub mod excel;
pub mod json;
pub mod mapping;
pub mod parquet;
mod table;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use thiserror::Error;

use crate::record::SourceTable;
use mapping::Field;
pub use table::{detect_header, TableBuilder};

/// The kinds of export steward reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Delimited,
    Excel,
    Access,
    Json,
    Parquet,
}

impl SourceKind {
    /// The kind a file name implies, or `None` for files steward does not read.
    pub fn from_path(path: &Path) -> Option<SourceKind> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        Some(match ext.as_str() {
            "csv" | "tsv" | "txt" => SourceKind::Delimited,
            "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => SourceKind::Excel,
            "mdb" | "accdb" => SourceKind::Access,
            "jsonl" | "ndjson" | "json" => SourceKind::Json,
            "parquet" => SourceKind::Parquet,
            _ => return None,
        })
    }
}

/// What a job may say about one source; everything is optional and detected when absent.
#[derive(Debug, Clone, Default)]
pub struct SourceOptions {
    pub kind: Option<SourceKind>,
    pub encoding: Option<String>,
    pub delimiter: Option<char>,
    /// 1-based line (text) or row (sheet) of the header.
    pub header_row: Option<usize>,
    /// The column holding the source's own record key.
    pub key: Option<String>,
    pub tables: Vec<String>,
    pub sheets: Vec<String>,
    /// Password of a protected Access database.
    pub password: Option<String>,
    /// Header → field overrides; `None` keeps the column as an unmapped extra attribute.
    pub columns: BTreeMap<String, Option<Field>>,
    /// Golden field column → survivorship vote weight of this source (read by `survive`).
    pub trust: BTreeMap<String, f64>,
}

/// One source to read: a file and what the job says about it.
#[derive(Debug, Clone)]
pub struct SourceSpec {
    pub path: PathBuf,
    pub options: SourceOptions,
}

impl SourceSpec {
    /// The source's name in every output: the input file's name.
    pub fn name(&self) -> String {
        self.path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| self.path.display().to_string())
    }
}

/// A file that could not be read at all.
#[derive(Debug, Error)]
#[error("{source_name}: {message}")]
pub struct IngestError {
    pub source_name: String,
    pub message: String,
}

impl IngestError {
    pub fn new(source_name: impl Into<String>, message: impl Into<String>) -> Self {
        IngestError {
            source_name: source_name.into(),
            message: message.into(),
        }
    }
}

/// The supported files directly inside `folder`, sorted by name, and the files passed over.
pub fn discover(folder: &Path) -> std::io::Result<(Vec<SourceSpec>, Vec<String>)> {
    let mut specs = Vec::new();
    let mut ignored = Vec::new();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for path in entries {
        let name = path
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned();
        // Hidden files and Office lock files (~$book.xlsx) are never exports.
        if name.starts_with('.') || name.starts_with("~$") || !path.is_file() {
            continue;
        }
        match SourceKind::from_path(&path) {
            Some(_) => specs.push(SourceSpec {
                path,
                options: SourceOptions::default(),
            }),
            None => ignored.push(name),
        }
    }
    Ok((specs, ignored))
}

/// Read one source with the reader its kind calls for.
pub fn read_source(spec: &SourceSpec) -> Result<SourceTable, IngestError> {
    let name = spec.name();
    let kind = spec
        .options
        .kind
        .or_else(|| SourceKind::from_path(&spec.path))
        .ok_or_else(|| {
            IngestError::new(&name, "unknown file type; name its `kind` in the job file")
        })?;
    let mut table = match kind {
        SourceKind::Delimited => delimited::read(&spec.path, &name, &spec.options),
        SourceKind::Excel => excel::read(&spec.path, &name, &spec.options),
        SourceKind::Access => access::read(&spec.path, &name, &spec.options),
        SourceKind::Json => json::read(&spec.path, &name, &spec.options),
        SourceKind::Parquet => parquet::read(&spec.path, &name, &spec.options),
    }?;
    table.note("kind", serde_json::to_value(kind).unwrap_or_default());
    Ok(table)
}

/// Text of a file, or an `IngestError` naming it.
pub(crate) fn read_bytes(path: &Path, name: &str) -> Result<Vec<u8>, IngestError> {
    std::fs::read(path).map_err(|e| IngestError::new(name, format!("cannot read the file: {e}")))
}

/// A float as a person typed it: no exponent, no `.0` (13800138000.0 is a phone number).
pub(crate) fn format_number(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e17 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_come_back_as_typed() {
        assert_eq!(format_number(13800138000.0), "13800138000");
        assert_eq!(format_number(500000.0), "500000");
        assert_eq!(format_number(-12.5), "-12.5");
        assert_eq!(format_number(0.1 + 0.2), "0.30000000000000004");
        assert_eq!(format_number(1e20), "100000000000000000000");
    }

    #[test]
    fn kinds_by_extension() {
        assert_eq!(
            SourceKind::from_path(Path::new("a/客户.CSV")),
            Some(SourceKind::Delimited)
        );
        assert_eq!(
            SourceKind::from_path(Path::new("x.accdb")),
            Some(SourceKind::Access)
        );
        assert_eq!(
            SourceKind::from_path(Path::new("x.jsonl")),
            Some(SourceKind::Json)
        );
        assert_eq!(SourceKind::from_path(Path::new("x.docx")), None);
        assert_eq!(SourceKind::from_path(Path::new("README")), None);
    }
}
