//! Sources taken over from the state store: a file whose bytes and job options are those of the
//! last run is not parsed again; its table, as that run read it, comes back from the store. A
//! nightly run over a folder of exports of which only some changed reads only those.
//!
//! Only workbooks, Access databases and Parquet files are kept: reading them costs several times
//! what keeping their table costs, while a text export is read about as fast as its table would
//! be written back (and a text export is what changes every night).
//!
//! A source is known by a digest of the steward version, its kind and options and the file's
//! bytes; its table is kept in binary (postcard), the reader's details as JSON.

use serde::{Deserialize, Serialize};

use super::{read_bytes, IngestError, SourceKind, SourceSpec};
use crate::ingest::mapping::Field;
use crate::record::{Column, Position, Quarantined, RawRecord, ReadNote, SourceTable, Text};

/// Whether a source's table is kept in the store (see the module's notes).
pub fn kept(spec: &SourceSpec) -> bool {
    matches!(
        kind(spec),
        Some(SourceKind::Excel | SourceKind::Access | SourceKind::Parquet)
    )
}

fn kind(spec: &SourceSpec) -> Option<SourceKind> {
    spec.options
        .kind
        .or_else(|| SourceKind::from_path(&spec.path))
}

/// The digest a source's table is stored under: what reading the file depends on.
pub fn digest(spec: &SourceSpec) -> Result<String, IngestError> {
    let bytes = read_bytes(&spec.path, &spec.name())?;
    let kind = kind(spec);
    let mut h = blake3::Hasher::new();
    h.update(crate::state::VERSION.as_bytes());
    h.update(&[0x1e]);
    h.update(format!("{kind:?} {:?}", spec.options).as_bytes());
    h.update(&[0x1e]);
    h.update(&bytes);
    Ok(h.finalize().to_hex()[..32].to_string())
}

#[derive(Serialize, Deserialize)]
enum Place {
    Line(u64),
    Cell(Text, u32),
    TableRow(Text, u64),
    Item(u64),
}

impl From<&Position> for Place {
    fn from(p: &Position) -> Place {
        match p {
            Position::Line(n) => Place::Line(*n),
            Position::Cell { sheet, row } => Place::Cell(sheet.clone(), *row),
            Position::TableRow { table, row } => Place::TableRow(table.clone(), *row),
            Position::Item(n) => Place::Item(*n),
        }
    }
}

impl From<Place> for Position {
    fn from(p: Place) -> Position {
        match p {
            Place::Line(n) => Position::Line(n),
            Place::Cell(sheet, row) => Position::Cell { sheet, row },
            Place::TableRow(table, row) => Position::TableRow { table, row },
            Place::Item(n) => Position::Item(n),
        }
    }
}

/// A table as stored, borrowing from it when encoded.
#[derive(Serialize, Deserialize)]
struct Stored {
    name: String,
    columns: Vec<(String, Option<Field>)>,
    key_column: Option<usize>,
    records: Vec<(String, Place, Vec<Text>)>,
    quarantined: Vec<(String, Place, String, String)>,
    rows_read: u64,
    notes: Vec<(String, String, String, String)>,
    details: String,
}

/// The stored form of a table, as read (before any stage lets go of its raw values).
pub fn encode(t: &SourceTable) -> Vec<u8> {
    let stored = Stored {
        name: t.name.clone(),
        columns: t
            .columns
            .iter()
            .map(|c| (c.name.clone(), c.field))
            .collect(),
        key_column: t.key_column,
        records: t
            .records
            .iter()
            .map(|r| (r.key.clone(), (&r.position).into(), r.values.clone()))
            .collect(),
        quarantined: t
            .quarantined
            .iter()
            .map(|q| {
                (
                    q.key.clone(),
                    (&q.position).into(),
                    q.reason.clone(),
                    q.raw.clone(),
                )
            })
            .collect(),
        rows_read: t.rows_read,
        notes: t
            .notes
            .iter()
            .map(|n| {
                (
                    n.key.clone(),
                    n.field.clone(),
                    n.kind.clone(),
                    n.message.clone(),
                )
            })
            .collect(),
        details: serde_json::Value::Object(t.details.clone()).to_string(),
    };
    postcard::to_stdvec(&stored).expect("a table serializes")
}

/// The table a stored form holds, or `None` when it cannot be read back (the file is then read).
pub fn decode(data: &[u8]) -> Option<SourceTable> {
    let s: Stored = postcard::from_bytes(data).ok()?;
    let serde_json::Value::Object(details) = serde_json::from_str(&s.details).ok()? else {
        return None;
    };
    Some(SourceTable {
        name: s.name,
        columns: s
            .columns
            .into_iter()
            .map(|(name, field)| Column { name, field })
            .collect(),
        key_column: s.key_column,
        records: s
            .records
            .into_iter()
            .map(|(key, position, values)| RawRecord {
                key,
                position: position.into(),
                values,
            })
            .collect(),
        quarantined: s
            .quarantined
            .into_iter()
            .map(|(key, position, reason, raw)| Quarantined {
                key,
                position: position.into(),
                reason,
                raw,
            })
            .collect(),
        rows_read: s.rows_read,
        notes: s
            .notes
            .into_iter()
            .map(|(key, field, kind, message)| ReadNote {
                key,
                field,
                kind,
                message,
            })
            .collect(),
        details,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{read_source, SourceOptions};

    #[test]
    fn a_table_comes_back_as_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("客户.csv");
        std::fs::write(
            &path,
            "客户编号,客户名称,手机\n1,张伟,13800138000\n2,\"李娜\n3,王芳,13900139000,多余\n4,赵磊,\n",
        )
        .unwrap();
        let spec = SourceSpec {
            path: path.clone(),
            options: SourceOptions::default(),
        };
        let table = read_source(&spec).unwrap();
        assert!(!table.records.is_empty() && !table.quarantined.is_empty());
        let back = decode(&encode(&table)).expect("decodes");
        assert_eq!(back.name, table.name);
        assert_eq!(back.columns, table.columns);
        assert_eq!(back.key_column, table.key_column);
        assert_eq!(back.records, table.records);
        assert_eq!(back.quarantined, table.quarantined);
        assert_eq!(back.rows_read, table.rows_read);
        assert_eq!(back.notes, table.notes);
        assert_eq!(back.details, table.details);
        assert!(decode(&[1, 2, 3]).is_none());
        assert!(!kept(&spec));
        assert!(kept(&SourceSpec {
            path: "问卷.XLSX".into(),
            options: SourceOptions::default(),
        }));

        // The digest follows the bytes and the options, not the file's time.
        let before = digest(&spec).unwrap();
        std::fs::write(&path, std::fs::read(&path).unwrap()).unwrap();
        assert_eq!(digest(&spec).unwrap(), before);
        let mut tab = spec.clone();
        tab.options.delimiter = Some('\t');
        assert_ne!(digest(&tab).unwrap(), before);
        std::fs::write(&path, "客户编号,客户名称\n1,张伟\n").unwrap();
        assert_ne!(digest(&spec).unwrap(), before);
    }
}
