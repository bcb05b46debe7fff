//! Excel workbooks (.xlsx .xlsm .xlsb .xls .ods) through calamine.
//!
//! Every sheet is read. Survey workbooks put a merged title row above the header and merge cells
//! vertically where one value covers several rows (调查方式): the header is found below the titles,
//! and a vertically merged value is copied into every row it covers. Date cells become
//! `YYYY-MM-DD` (with the time when there is one); numbers come back as typed, without an exponent
//! or `.0`, since in customer data they are phone numbers, IDs and amounts.

use std::path::Path;

use calamine::{open_workbook_auto, Data, Dimensions, Reader, Sheets};

use super::{detect_header, format_number, IngestError, SourceOptions, TableBuilder};
use crate::record::{Position, SourceTable};

pub fn read(path: &Path, name: &str, options: &SourceOptions) -> Result<SourceTable, IngestError> {
    let fail = |e: &dyn std::fmt::Display| {
        IngestError::new(name, format!("cannot open the workbook: {e}"))
    };
    let mut workbook = open_workbook_auto(path).map_err(|e| fail(&e))?;
    let all: Vec<String> = workbook.sheet_names().to_vec();
    let sheets: Vec<String> = if options.sheets.is_empty() {
        all.clone()
    } else {
        for s in &options.sheets {
            if !all.contains(s) {
                return Err(IngestError::new(
                    name,
                    format!(
                        "the job names sheet `{s}`, but the workbook has: {}",
                        all.join(", ")
                    ),
                ));
            }
        }
        options.sheets.clone()
    };
    let mut builder = TableBuilder::new(name);
    let mut notes = Vec::new();
    for sheet in &sheets {
        let range = workbook
            .worksheet_range(sheet)
            .map_err(|e| IngestError::new(name, format!("sheet `{sheet}` cannot be read: {e}")))?;
        let merged = merged_regions(&mut workbook, sheet);
        notes.push(read_sheet(&mut builder, sheet, &range, &merged, options));
    }
    builder.note("sheets", notes);
    builder.finish(options)
}

fn merged_regions(
    workbook: &mut Sheets<std::io::BufReader<std::fs::File>>,
    sheet: &str,
) -> Vec<Dimensions> {
    match workbook {
        Sheets::Xlsx(x) => x.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        Sheets::Xls(x) => x.merge_cells_by_sheet_name(sheet).unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn read_sheet(
    builder: &mut TableBuilder,
    sheet: &str,
    range: &calamine::Range<Data>,
    merged: &[Dimensions],
    options: &SourceOptions,
) -> serde_json::Value {
    let Some((row0, col0)) = range.start() else {
        return serde_json::json!({"sheet": sheet, "empty": true});
    };
    let mut rows: Vec<Vec<String>> = range
        .rows()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    let filled = fill_vertical_merges(&mut rows, merged, row0, col0);
    let header_at = match options.header_row {
        Some(n) => (n as u32).checked_sub(row0 + 1).map(|i| i as usize),
        None => detect_header(&rows),
    };
    let (columns, body) = match header_at {
        Some(i) if i < rows.len() => {
            let header: Vec<String> = rows[i].iter().map(|h| h.trim().to_string()).collect();
            (builder.header(&header), i + 1)
        }
        _ => {
            let width = rows.iter().map(Vec::len).max().unwrap_or(0);
            let names: Vec<String> = (0..width)
                .map(|i| column_letter(col0 as usize + i))
                .collect();
            (builder.header(&names), 0)
        }
    };
    let before = builder.rows_read();
    let mut blank_rows = 0;
    for (i, row) in rows.into_iter().enumerate().skip(body) {
        if row.iter().all(|c| c.trim().is_empty()) {
            blank_rows += 1;
            continue;
        }
        let position = Position::Cell {
            sheet: sheet.into(),
            row: row0 + i as u32 + 1,
        };
        builder.push(position, columns.iter().copied().zip(row).collect());
    }
    serde_json::json!({
        "sheet": sheet,
        "header_row": header_at.map(|i| row0 as usize + i + 1),
        "rows": builder.rows_read() - before,
        "blank_rows": blank_rows,
        "merged_cells_filled": filled,
    })
}

/// Copy the value of each vertically merged region into the rows it covers; returns how many
/// cells were filled. Horizontal-only merges (titles) are left alone.
fn fill_vertical_merges(
    rows: &mut [Vec<String>],
    merged: &[Dimensions],
    row0: u32,
    col0: u32,
) -> usize {
    let mut filled = 0;
    for m in merged.iter().filter(|m| m.end.0 > m.start.0) {
        let (Some(top), Some(left)) = (m.start.0.checked_sub(row0), m.start.1.checked_sub(col0))
        else {
            continue;
        };
        let value = rows
            .get(top as usize)
            .and_then(|r| r.get(left as usize))
            .cloned()
            .unwrap_or_default();
        for r in m.start.0..=m.end.0 {
            for c in m.start.1..=m.end.1 {
                let cell = rows
                    .get_mut((r - row0) as usize)
                    .and_then(|row| row.get_mut((c - col0) as usize));
                if let Some(cell) = cell.filter(|cell| cell.is_empty()) {
                    cell.clone_from(&value);
                    filled += 1;
                }
            }
        }
    }
    filled
}

fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A cell as text: numbers as typed, dates as ISO dates, errors as Excel shows them.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => format_number(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) if dt.is_datetime() => {
                if t.time() == chrono::NaiveTime::MIN {
                    t.format("%Y-%m-%d").to_string()
                } else {
                    t.format("%Y-%m-%d %H:%M:%S").to_string()
                }
            }
            _ => format_number(dt.as_f64()),
        },
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
    }

    #[test]
    fn vertical_merge_fills_down_only() {
        let mut rows = vec![
            vec!["title".to_string(), String::new()],
            vec!["a".to_string(), "电话".to_string()],
            vec!["b".to_string(), String::new()],
        ];
        let merged = [
            Dimensions {
                start: (0, 0),
                end: (0, 1),
            },
            Dimensions {
                start: (1, 1),
                end: (2, 1),
            },
        ];
        assert_eq!(fill_vertical_merges(&mut rows, &merged, 0, 0), 1);
        assert_eq!(rows[2][1], "电话");
        assert_eq!(rows[0][1], "");
    }

    #[test]
    fn cells_as_typed() {
        assert_eq!(cell_text(&Data::Float(13800138000.0)), "13800138000");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(cell_text(&Data::Empty), "");
    }
}
