//! `report.xlsx`: the run for Excel users — sheets summary, golden records, issues, conflicts and
//! review queue, each a real Excel table (filters, a frozen header) so a steward can sort and
//! filter without preparing anything.
//!
//! Every identifier and phone is written as a string cell: Excel would turn a 身份证 into
//! 1.10105E+17 and drop a landline's leading 0. Personal data is masked unless the run says
//! `--unmask`.

use std::path::Path;

use anyhow::{Context, Result};
use rust_xlsxwriter::{Format, Table, TableColumn, Workbook, Worksheet};

use super::mask;
use super::{conflict_row, RunView, CONFLICT_COLUMNS, ISSUE_COLUMNS};
use crate::compare::COMPARISONS;
use crate::survive::Field;

/// The sheet names, in order.
pub const SHEETS: [&str; 5] = [
    "summary",
    "golden records",
    "issues",
    "conflicts",
    "review queue",
];

pub fn write(dir: &Path, view: &RunView) -> Result<()> {
    let mut wb = Workbook::new();
    // The fastest deflate level: the sheets are large and written on every run, so saving time
    // counts for more than the file's size (about 1.6 times the default level's; same cells).
    wb.set_zip_compression_level(1);
    summary(wb.add_worksheet().set_name(SHEETS[0])?, view)?;
    // The lists go to disk row by row as they are written, so a million golden records do not
    // sit in memory as cells.
    golden(list_sheet(&mut wb, SHEETS[1])?, view)?;
    issues(list_sheet(&mut wb, SHEETS[2])?, view)?;
    conflicts(list_sheet(&mut wb, SHEETS[3])?, view)?;
    review(list_sheet(&mut wb, SHEETS[4])?, view)?;
    let path = dir.join("report.xlsx");
    wb.save(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

fn list_sheet<'a>(wb: &'a mut Workbook, name: &str) -> Result<&'a mut Worksheet> {
    Ok(wb.add_worksheet_with_constant_memory()?.set_name(name)?)
}

/// The last row Excel can hold (0-based): 1,048,576 rows in all.
const LAST_ROW: u32 = 1_048_575;

/// Writes `rows` (`count` of them) of strings under `header` as an Excel table with a frozen
/// header row. A list longer than a sheet can hold ends with a row that says how many rows the CSV
/// has beyond it. Rows are written top to bottom, the table (and its header row) first, as a sheet
/// that streams its rows to disk requires.
fn table(
    ws: &mut Worksheet,
    header: &[&str],
    count: usize,
    rows: impl Iterator<Item = Vec<String>>,
) -> Result<()> {
    table_up_to(ws, header, count, rows, LAST_ROW)
}

fn table_up_to(
    ws: &mut Worksheet,
    header: &[&str],
    count: usize,
    rows: impl Iterator<Item = Vec<String>>,
    last_row: u32,
) -> Result<()> {
    // Rows below the header: every list row, or as many as fit and the note.
    let shown = count.min(last_row as usize) as u32;
    let columns: Vec<TableColumn> = header
        .iter()
        .map(|h| TableColumn::new().set_header(*h))
        .collect();
    let last_col = header.len() as u16 - 1;
    // A table needs one data row; an empty list gets a blank one.
    ws.add_table(
        0,
        0,
        shown.max(1),
        last_col,
        &Table::new().set_columns(&columns),
    )?;
    ws.set_freeze_panes(1, 0)?;
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count() + 4).collect();
    let mut n = 0u32;
    for row in rows {
        if n + 1 == last_row && count > last_row as usize {
            n += 1;
            let more = count - (n as usize - 1);
            let note = format!(
                "… {more} more rows: a sheet holds 1,048,576 rows; the CSV output has them all"
            );
            ws.write_string(n, 0, note)?;
            break;
        }
        n += 1;
        for (c, v) in row.iter().enumerate() {
            ws.write_string(n, c as u16, v)?;
            widths[c] = widths[c].max(display_width(v).min(60));
        }
    }
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w as f64 + 1.0)?;
    }
    Ok(())
}

/// CJK characters take two columns.
fn display_width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn summary(ws: &mut Worksheet, view: &RunView) -> Result<()> {
    let bold = Format::new().set_bold();
    ws.write_string_with_format(0, 0, "steward run summary", &bold)?;
    let totals = &view.summary["totals"];
    let facts = [
        ("rows read", totals["read"].as_u64().unwrap_or(0)),
        ("records kept", totals["kept"].as_u64().unwrap_or(0)),
        (
            "rows quarantined",
            totals["quarantined"].as_u64().unwrap_or(0),
        ),
        ("golden records", view.survivorship.golden.len() as u64),
        ("issues", view.issues.len() as u64),
        (
            "conflicts (competing values)",
            view.survivorship.conflicts.len() as u64,
        ),
        ("pairs to review", view.review_queue().count() as u64),
    ];
    for (r, (label, v)) in facts.iter().enumerate() {
        ws.write_string(r as u32 + 2, 0, *label)?;
        ws.write_number(r as u32 + 2, 1, *v as f64)?;
    }
    let top = facts.len() as u32 + 4;
    ws.write_string_with_format(
        top,
        0,
        "per-source quality (share of rows without an error)",
        &bold,
    )?;
    let header = [
        "source",
        "rows",
        "rows with errors",
        "issues",
        "quality score",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(top + 1, c as u16, *h, &bold)?;
    }
    for (r, q) in view.quality().iter().enumerate() {
        let r = top + 2 + r as u32;
        ws.write_string(r, 0, &q.source)?;
        ws.write_number(r, 1, q.rows as f64)?;
        ws.write_number(r, 2, q.rows_with_errors as f64)?;
        ws.write_number(r, 3, q.issues as f64)?;
        ws.write_number_with_format(r, 4, q.score, &Format::new().set_num_format("0.0%"))?;
    }
    if !view.unmask {
        let r = top + 3 + view.tables.len() as u32;
        ws.write_string(
            r,
            0,
            "身份证, phone numbers and e-mails are masked; run with --unmask to show them.",
        )?;
    }
    ws.set_column_width(0, 36)?;
    ws.set_column_width(1, 14)?;
    ws.set_column_width(2, 16)?;
    ws.set_column_width(4, 14)?;
    Ok(())
}

fn golden(ws: &mut Worksheet, view: &RunView) -> Result<()> {
    let mut header = vec!["golden_id"];
    header.extend(Field::ALL.iter().map(|f| f.column()));
    header.push("record_count");
    let rows = view.survivorship.golden.iter().map(|g| {
        let mut row = vec![g.id.clone()];
        row.extend(
            Field::ALL
                .iter()
                .map(|f| mask::shown(*f, g.value(*f), view.unmask)),
        );
        row.push(g.members.len().to_string());
        row
    });
    table(ws, &header, view.survivorship.golden.len(), rows)
}

fn issues(ws: &mut Worksheet, view: &RunView) -> Result<()> {
    let rows = view.issues.iter().map(|i| {
        vec![
            i.source.clone(),
            i.key.clone(),
            i.field.clone(),
            i.kind.clone(),
            i.severity.to_string(),
            mask::free_text(&i.value, view.unmask),
            mask::free_text(&i.message, view.unmask),
        ]
    });
    table(ws, &ISSUE_COLUMNS, view.issues.len(), rows)
}

fn conflicts(ws: &mut Worksheet, view: &RunView) -> Result<()> {
    let show = |f: Field, v: &str| mask::shown(f, v, view.unmask);
    let rows = view
        .survivorship
        .conflicts
        .iter()
        .map(|c| conflict_row(view, c, show).to_vec());
    table(
        ws,
        &CONFLICT_COLUMNS,
        view.survivorship.conflicts.len(),
        rows,
    )
}

fn review(ws: &mut Worksheet, view: &RunView) -> Result<()> {
    let mut header = vec![
        "left_golden_id",
        "left_source",
        "left_key",
        "left_name",
        "right_golden_id",
        "right_source",
        "right_key",
        "right_name",
        "match_weight",
        "probability",
    ];
    let weights: Vec<String> = COMPARISONS
        .iter()
        .map(|c| format!("w_{}", c.name))
        .collect();
    header.extend(weights.iter().map(String::as_str));
    let rows = view.review_queue().map(|p| {
        let side = |i: u32| {
            let (s, k) = view.origin(i as usize);
            [
                view.golden_of(i).to_string(),
                s.to_string(),
                k.to_string(),
                view.records[i as usize].name.clone(),
            ]
        };
        let mut row: Vec<String> = side(p.a).into_iter().chain(side(p.b)).collect();
        row.push(format!("{:.2}", p.weight));
        row.push(format!("{:.4}", p.probability));
        row.extend(
            p.field_weights
                .iter()
                .map(|w| w.map(|x| format!("{x:.2}")).unwrap_or_default()),
        );
        row
    });
    table(ws, &header, view.review_queue().count(), rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader, Xlsx};

    #[test]
    fn a_list_longer_than_a_sheet_ends_with_a_note() {
        let mut wb = Workbook::new();
        let rows = (0..10).map(|i| vec![format!("G{i}"), "x".to_string()]);
        table_up_to(list_sheet(&mut wb, "t").unwrap(), &["id", "v"], 10, rows, 5).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let mut book: Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("t").unwrap();
        assert_eq!(range.height(), 6, "header, four rows, the note");
        let note = range.get((5, 0)).unwrap().to_string();
        assert!(note.contains("6 more rows"), "{note}");
    }
}
