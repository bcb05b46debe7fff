//! Microsoft Access databases (.mdb Jet3/Jet4, .accdb ACE12–ACE17) through jetdb, a pure-Rust reader.
//!
//! Every user table is read (or the ones the job names), row by row rather than whole, with typed
//! values turned to text: OLE-automation timestamps to ISO dates, currency to plain decimals.
//! Rows jetdb cannot decode are counted and quarantined, so the count of a damaged table still
//! adds up. When several tables are read, each record key is qualified by its table name.

use std::path::Path;

use jetdb::{read_catalog, read_table_def, ObjectType, PageReader, TableRows, Value};

use super::{format_number, IngestError, SourceOptions, TableBuilder};
use crate::record::{Position, SourceTable, Text};

pub fn read(path: &Path, name: &str, options: &SourceOptions) -> Result<SourceTable, IngestError> {
    let fail =
        |what: &str, e: &dyn std::fmt::Display| IngestError::new(name, format!("{what}: {e}"));
    let mut reader = PageReader::open_with_password(path, options.password.as_deref())
        .map_err(|e| fail("cannot open the Access database", &e))?;
    let catalog =
        read_catalog(&mut reader).map_err(|e| fail("cannot read the table catalog", &e))?;
    let user_tables: Vec<_> = catalog
        .iter()
        .filter(|e| e.object_type == ObjectType::Table && !e.is_system_or_hidden())
        .collect();
    let wanted: Vec<_> = if options.tables.is_empty() {
        user_tables
    } else {
        let mut picked = Vec::new();
        for t in &options.tables {
            match user_tables.iter().find(|e| &e.name == t) {
                Some(e) => picked.push(*e),
                None => {
                    let names: Vec<_> = user_tables.iter().map(|e| e.name.as_str()).collect();
                    return Err(IngestError::new(
                        name,
                        format!(
                            "the job names table `{t}`, but the database has: {}",
                            names.join(", ")
                        ),
                    ));
                }
            }
        }
        picked
    };
    let mut builder = TableBuilder::new(name);
    let mut notes = Vec::new();
    for entry in &wanted {
        let def = read_table_def(&mut reader, &entry.name, entry.table_page).map_err(|e| {
            fail(
                &format!("cannot read the definition of table `{}`", entry.name),
                &e,
            )
        })?;
        let names: Vec<String> = def.columns.iter().map(|c| c.name.clone()).collect();
        let columns = builder.header(&names);
        let table_name: Text = def.name.as_str().into();
        let calculated = jetdb::calculated_column_types_in(&catalog, &def);
        let mut rows = TableRows::new(&def, &calculated);
        let mut n = 0u64;
        loop {
            match rows.next_row(&mut reader) {
                Ok(Some(row)) => {
                    n += 1;
                    let position = Position::TableRow {
                        table: table_name.clone(),
                        row: n,
                    };
                    let cells = columns
                        .iter()
                        .copied()
                        .zip(row.values.iter().map(value_text))
                        .collect();
                    builder.push(position, cells);
                }
                Ok(None) => break,
                Err(e) => {
                    return Err(fail(
                        &format!("table `{}` stopped reading after {n} rows", def.name),
                        &e,
                    ));
                }
            }
        }
        let skipped = rows.skipped_rows();
        for i in 0..skipped {
            let position = Position::TableRow {
                table: table_name.clone(),
                row: n + i as u64 + 1,
            };
            let reason = "malformed_row: the row's bytes in the database could not be decoded (damaged page)";
            builder.quarantine(position, reason, "", Vec::new());
        }
        notes.push(serde_json::json!({"table": def.name, "rows": n, "undecodable_rows": skipped}));
    }
    builder.note("tables", notes);
    let mut table = builder.finish(options)?;
    if wanted.len() > 1 {
        qualify_keys(&mut table);
    }
    Ok(table)
}

/// Keys of different tables may collide (客户资料 row 1, 联系人 row 1): prefix them with the table.
fn qualify_keys(table: &mut SourceTable) {
    let prefix = |key: &mut String, position: &Position| {
        if let Position::TableRow { table, .. } = position {
            if !key.starts_with(&format!("{table}!")) {
                *key = format!("{table}!{key}");
            }
        }
    };
    for r in &mut table.records {
        prefix(&mut r.key, &r.position);
    }
    for q in &mut table.quarantined {
        prefix(&mut q.key, &q.position);
    }
}

/// A typed Access value as text.
pub fn value_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Byte(x) => x.to_string(),
        Value::Int(x) => x.to_string(),
        Value::Long(x) => x.to_string(),
        Value::BigInt(x) => x.to_string(),
        Value::Float(x) => format_number(f64::from(*x)),
        Value::Double(x) => format_number(*x),
        Value::Text(s) => s.clone(),
        Value::Binary(b) => format!("<binary {} bytes>", b.len()),
        Value::Money(s) | Value::Numeric(s) => trim_decimal(s),
        Value::Timestamp(days) => ole_date(*days),
        Value::Guid(s) | Value::DateTimeExtended(s) => s.clone(),
        other => format!("{other:?}"),
    }
}

/// `12345.6700` → `12345.67`, `500000.0000` → `500000`.
fn trim_decimal(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

/// An OLE-automation date (days since 1899-12-30; before it the fraction still counts forward).
fn ole_date(days: f64) -> String {
    let whole = days.trunc();
    let seconds = ((days - whole).abs() * 86_400.0).round() as i64;
    let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).unwrap_or_default();
    let Some(date) = epoch.checked_add_signed(chrono::Duration::days(whole as i64)) else {
        return format_number(days);
    };
    let time = chrono::NaiveTime::MIN + chrono::Duration::seconds(seconds.min(86_399));
    if time == chrono::NaiveTime::MIN {
        date.format("%Y-%m-%d").to_string()
    } else {
        date.and_time(time).format("%Y-%m-%d %H:%M:%S").to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ole_dates() {
        assert_eq!(ole_date(0.0), "1899-12-30");
        assert_eq!(ole_date(44532.0), "2021-12-02");
        assert_eq!(ole_date(45047.5), "2023-05-01 12:00:00");
        assert_eq!(ole_date(-1.25), "1899-12-29 06:00:00");
    }

    #[test]
    fn money_and_numbers() {
        assert_eq!(value_text(&Value::Money("500000.0000".into())), "500000");
        assert_eq!(value_text(&Value::Money("-12.5000".into())), "-12.5");
        assert_eq!(value_text(&Value::Double(13800138000.0)), "13800138000");
        assert_eq!(value_text(&Value::Null), "");
    }
}
