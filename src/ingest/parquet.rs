//! Parquet files (data-lake or warehouse extracts) through Polars.
//!
//! Columns of any type are read and turned to text the way the other readers give values, so one
//! normalizer serves every source. Nested types are written as Polars displays them.

use std::fs::File;
use std::path::Path;

use polars::prelude::*;

use super::{format_number, IngestError, SourceOptions, TableBuilder};
use rayon::prelude::*;

use crate::record::{Position, SourceTable, Text};

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
    // Each column turned to text on its own (in parallel), then the rows put together from them:
    // a value is looked up once, not through a dynamic lookup per cell.
    let texts: Vec<Vec<Text>> = df
        .columns()
        .par_iter()
        .map(|c| column_text(c).map_err(|e| fail(&e)))
        .collect::<Result<_, _>>()?;
    drop(df);
    let table: Text = "rows".into();
    for row in 0..texts.first().map_or(0, Vec::len) {
        let cells = columns
            .iter()
            .zip(&texts)
            .map(|(c, t)| (*c, t[row].clone()))
            .collect();
        builder.push_text(
            Position::TableRow {
                table: table.clone(),
                row: row as u64 + 1,
            },
            cells,
        );
    }
    drop(texts);
    builder.finish(options)
}

/// The text of every value of a column, in row order (null: empty).
fn column_text(c: &Column) -> PolarsResult<Vec<Text>> {
    if let Ok(strings) = c.str() {
        return Ok(strings
            .iter()
            .map(|v| v.map(Text::from).unwrap_or_default())
            .collect());
    }
    (0..c.len())
        .map(|row| Ok(any_text(&c.get(row)?).into()))
        .collect()
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
