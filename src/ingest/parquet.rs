//! Parquet files (data-lake or warehouse extracts) through Polars.
//!
//! Columns of any type are read and turned to text the way the other readers give values, so one
//! normalizer serves every source. Nested types are written as Polars displays them.

use std::fs::File;
use std::path::Path;

use polars::prelude::*;

use super::{format_number, IngestError, SourceOptions, TableBuilder};
use crate::record::{Position, SourceTable};

pub fn read(path: &Path, name: &str, options: &SourceOptions) -> Result<SourceTable, IngestError> {
    let fail = |e: &dyn std::fmt::Display| {
        IngestError::new(name, format!("cannot read the Parquet file: {e}"))
    };
    let file = File::open(path).map_err(|e| fail(&e))?;
    let df = ParquetReader::new(file).finish().map_err(|e| fail(&e))?;
    let mut builder = TableBuilder::new(name);
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|n| n.to_string())
        .collect();
    let columns = builder.header(&names);
    let series: Vec<&Column> = df.columns().iter().collect();
    for row in 0..df.height() {
        let mut cells = Vec::with_capacity(columns.len());
        for (c, s) in columns.iter().zip(&series) {
            let value = s.get(row).map_err(|e| fail(&e))?;
            cells.push((*c, any_text(&value)));
        }
        builder.push(
            Position::TableRow {
                table: "rows".into(),
                row: row as u64 + 1,
            },
            cells,
        );
    }
    builder.finish(options)
}

fn any_text(v: &AnyValue) -> String {
    match v {
        AnyValue::Null => String::new(),
        AnyValue::String(s) => s.to_string(),
        AnyValue::StringOwned(s) => s.to_string(),
        AnyValue::Float64(f) => format_number(*f),
        AnyValue::Float32(f) => format_number(f64::from(*f)),
        other => other.to_string(),
    }
}
