//! `report.xlsx`: the run for Excel users — sheets summary, golden records, issues, conflicts and
//! review queue, each a real Excel table (filters, a frozen header) so a steward can sort and
//! filter without preparing anything.
//!
//! Every identifier and phone is written as a string cell: Excel would turn a 身份证 into
//! 1.10105E+17 and drop a landline's leading 0. Personal data is masked unless the run says
//! `--unmask`.
//!
//! rust_xlsxwriter writes the workbook's frame — the summary sheet, styles, the tables over each
//! list, the package's parts — with every list sheet holding only its header. The list sheets,
//! up to a million rows each, are then written here straight as sheet XML, in blocks of rows
//! formatted and deflated on every core ([`super::package`]), in the cell XML rust_xlsxwriter
//! writes for a sheet in constant-memory mode (inline strings; the same escapes). Going through
//! the library cell by cell cost a cell object per value, a temporary file, one core's deflate,
//! and a hash-map entry per cell of each table's range (its overlap check).

use std::borrow::Cow;
use std::io::{Cursor, Read};
use std::ops::Range;
use std::path::Path;

use anyhow::Result;
use rayon::prelude::*;
use rust_xlsxwriter::{Format, Table, TableColumn, Workbook, Worksheet};

use super::mask;
use super::package::{Package, Piece};
use super::{conflict_cells, push_fixed, Built, RunView, CONFLICT_COLUMNS, ISSUE_COLUMNS};
use crate::compare::COMPARISONS;
use crate::link::MATCH_PROBABILITY;
use crate::survive::Field;

/// The sheet names, in order.
pub const SHEETS: [&str; 5] = [
    "summary",
    "golden records",
    "issues",
    "conflicts",
    "review queue",
];

pub fn write(dir: &Path, view: &RunView, ahead: Ahead) -> Result<()> {
    let (issues, wb) = rayon::join(
        || render(&issues(view), LAST_ROW),
        || -> Result<Workbook> {
            let mut wb = Workbook::new();
            summary(wb.add_worksheet().set_name(SHEETS[0])?, view)?;
            Ok(wb)
        },
    );
    let Ahead {
        golden,
        conflicts,
        review,
    } = ahead;
    write_workbook(
        &dir.join("report.xlsx"),
        wb?,
        &[golden, issues?, conflicts, review],
    )
}

/// The sheets that read neither the issues nor the summary — golden records, conflicts, review
/// queue, most of the workbook — formatted and deflated ahead, beside the run's CSV outputs.
pub struct Ahead {
    golden: Rendered,
    conflicts: Rendered,
    review: Rendered,
}

pub fn ahead(run: &Built) -> Result<Ahead> {
    let review: Vec<usize> = (0..run.linkage.scored.len())
        .filter(|&i| run.linkage.scored[i].probability < MATCH_PROBABILITY)
        .collect();
    let (golden, (conflicts, review)) = rayon::join(
        || render(&golden(run), LAST_ROW),
        || {
            rayon::join(
                || render(&conflicts(run), LAST_ROW),
                || render(&review_queue(run, &review), LAST_ROW),
            )
        },
    );
    Ok(Ahead {
        golden: golden?,
        conflicts: conflicts?,
        review: review?,
    })
}

/// The last row Excel can hold (0-based): 1,048,576 rows in all.
const LAST_ROW: u32 = 1_048_575;

/// Rows formatted and deflated together: enough that a block's deflate window fills, few enough
/// that the blocks keep both cores busy.
const BLOCK_ROWS: usize = 4_096;

/// A list sheet: its name, its header, how many rows, and how to write row `i`'s cells.
struct List<'a> {
    name: &'static str,
    header: Vec<Cow<'static, str>>,
    count: usize,
    #[allow(clippy::type_complexity)]
    row: Box<dyn Fn(usize, &mut Row) + Sync + 'a>,
}

/// A list sheet formatted and deflated: its XML's pieces, and what the workbook's frame needs.
struct Rendered {
    name: &'static str,
    header: Vec<Cow<'static, str>>,
    /// Rows the sheet's table spans below its header (at least one).
    shown: u32,
    pieces: Vec<Piece>,
}

/// `list` as a sheet, an Excel table with a frozen header row. A list longer than a sheet can hold
/// (`last_row`, 0-based, is the last row a sheet has) ends with a row that says how many rows the
/// CSV has beyond it.
fn render(list: &List, last_row: u32) -> Result<Rendered> {
    Ok(Rendered {
        name: list.name,
        header: list.header.clone(),
        shown: list.count.min(last_row as usize).max(1) as u32,
        pieces: sheet(list, last_row)?,
    })
}

/// The workbook `wb` (its first sheets already written) with `lists` as further sheets, written
/// to `path`.
fn write_workbook(path: &Path, mut wb: Workbook, lists: &[Rendered]) -> Result<()> {
    // The parts are numbered from 1 in sheet order; the sheets before the lists hold no table.
    let first_list = wb.worksheets().len() + 1;
    for list in lists {
        let columns: Vec<TableColumn> = list
            .header
            .iter()
            .map(|h| TableColumn::new().set_header(h.as_ref()))
            .collect();
        let ws = wb
            .add_worksheet_with_constant_memory()?
            .set_name(list.name)?;
        // The frame's table spans the header and one row; its range is set to the list's below.
        ws.add_table(
            0,
            0,
            1,
            list.header.len() as u16 - 1,
            &Table::new().set_columns(&columns),
        )?;
        ws.set_freeze_panes(1, 0)?;
    }
    let frame = wb.save_to_buffer()?;
    drop(wb);
    let mut frame = zip::ZipArchive::new(Cursor::new(frame))?;
    let mut out = Package::create(path)?;
    for i in 0..frame.len() {
        let mut part = frame.by_index(i)?;
        let name = part.name()?.to_string();
        let mut data = Vec::with_capacity(part.size() as usize);
        part.read_to_end(&mut data)?;
        drop(part);
        let list = |prefix: &str, first: usize| {
            let n: usize = name
                .strip_prefix(prefix)?
                .strip_suffix(".xml")?
                .parse()
                .ok()?;
            lists.get(n.checked_sub(first)?)
        };
        if let Some(list) = list("xl/worksheets/sheet", first_list) {
            out.add_pieces(&name, &list.pieces)?;
        } else if let Some(list) = list("xl/tables/table", 1) {
            let columns = list.header.len();
            let text = String::from_utf8(data)?.replace(
                &format!("ref=\"{}\"", table_range(columns, 1)),
                &format!("ref=\"{}\"", table_range(columns, list.shown)),
            );
            out.add(&name, text.as_bytes())?;
        } else {
            out.add(&name, &data)?;
        }
    }
    out.finish()
}

/// `A1:U57`: the header of `columns` columns and `rows` rows below it.
fn table_range(columns: usize, rows: u32) -> String {
    format!("A1:{}{}", column_name(columns - 1), rows + 1)
}

/// `A`, …, `Z`, `AA`, … for a 0-based column.
fn column_name(col: usize) -> String {
    let mut name = Vec::new();
    let mut n = col + 1;
    while n > 0 {
        name.push(b'A' + ((n - 1) % 26) as u8);
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).expect("ASCII letters")
}

/// One block of rows of a list sheet, deflated, and what the sheet's head needs from it.
struct Block {
    piece: Piece,
    /// Display width of each column's widest value (capped).
    widths: Vec<usize>,
    /// The last row (1-based) that holds a cell.
    last: u32,
}

/// The list's sheet XML as deflated pieces: head, blocks of rows, tail.
fn sheet(list: &List, last_row: u32) -> Result<Vec<Piece>> {
    let columns: Vec<String> = (0..list.header.len()).map(column_name).collect();
    // A longer list shows as many rows as fit below the header and the note in the last row.
    let rows = if list.count > last_row as usize {
        last_row as usize - 1
    } else {
        list.count
    };
    let ranges: Vec<Range<usize>> = (0..rows)
        .step_by(BLOCK_ROWS)
        .map(|start| start..(start + BLOCK_ROWS).min(rows))
        .collect();
    let blocks = ranges
        .into_par_iter()
        .map_init(Vec::new, |xml, range| block(list, &columns, range, xml))
        .collect::<Result<Vec<Block>>>()?;
    let mut widths: Vec<usize> = list.header.iter().map(|h| h.chars().count() + 4).collect();
    let mut last = 1;
    for b in &blocks {
        for (w, bw) in widths.iter_mut().zip(&b.widths) {
            *w = (*w).max(*bw);
        }
        last = last.max(b.last);
    }
    let mut tail = Row::new(&columns);
    if list.count > last_row as usize {
        let more = list.count - (last_row as usize - 1);
        let note = format!(
            "… {more} more rows: a sheet holds 1,048,576 rows; the CSV output has them all"
        );
        tail.start(last_row + 1);
        tail.cell(0, &note);
        tail.end();
        last = last_row + 1;
    }
    tail.xml.extend_from_slice(TAIL.as_bytes());

    let mut head = Row::new(&columns);
    head.xml.extend_from_slice(HEAD.as_bytes());
    head.xml.extend_from_slice(b"<dimension ref=\"A1:");
    head.xml
        .extend_from_slice(columns[columns.len() - 1].as_bytes());
    head.xml
        .extend_from_slice(itoa::Buffer::new().format(last).as_bytes());
    head.xml.extend_from_slice(VIEWS.as_bytes());
    cols(&mut head.xml, &widths);
    head.xml.extend_from_slice(b"<sheetData>");
    head.start(1);
    for (c, h) in list.header.iter().enumerate() {
        head.cell(c, h);
    }
    head.end();

    let mut pieces = Vec::with_capacity(blocks.len() + 2);
    pieces.push(Piece::new(&head.xml, false)?);
    pieces.extend(blocks.into_iter().map(|b| b.piece));
    pieces.push(Piece::new(&tail.xml, true)?);
    Ok(pieces)
}

const HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">";
const VIEWS: &str = "\"/><sheetViews><sheetView workbookViewId=\"0\"><pane ySplit=\"1\" topLeftCell=\"A2\" activePane=\"bottomLeft\" state=\"frozen\"/><selection pane=\"bottomLeft\"/></sheetView></sheetViews><sheetFormatPr defaultRowHeight=\"15\"/>";
const TAIL: &str = "</sheetData><pageMargins left=\"0.7\" right=\"0.7\" top=\"0.75\" bottom=\"0.75\" header=\"0.3\" footer=\"0.3\"/><tableParts count=\"1\"><tablePart r:id=\"rId1\"/></tableParts></worksheet>";

/// `<cols>`: each column as wide as its widest value (in characters, plus one), neighbours of the
/// same width as one range, in the units and rounding of rust_xlsxwriter's `set_column_width`.
fn cols(xml: &mut Vec<u8>, widths: &[usize]) {
    use std::io::Write as _;
    xml.extend_from_slice(b"<cols>");
    let mut c = 0;
    while c < widths.len() {
        let mut last = c;
        while last + 1 < widths.len() && widths[last + 1] == widths[c] {
            last += 1;
        }
        let pixels = ((widths[c] as f64 + 1.0) * 7.0).round() as u32 + 5;
        let chars = f64::from(pixels * 256 / 7) / 256.0;
        let _ = write!(
            xml,
            "<col min=\"{}\" max=\"{}\" width=\"{chars}\" customWidth=\"1\"/>",
            c + 1,
            last + 1
        );
        c = last + 1;
    }
    xml.extend_from_slice(b"</cols>");
}

/// The rows `range` of the list, formatted in `xml` (a buffer kept from block to block).
fn block(list: &List, columns: &[String], range: Range<usize>, xml: &mut Vec<u8>) -> Result<Block> {
    let mut row = Row::new(columns);
    row.xml = std::mem::take(xml);
    row.xml.clear();
    for i in range {
        row.start(i as u32 + 2);
        (list.row)(i, &mut row);
        row.end();
    }
    let piece = Piece::new(&row.xml, false)?;
    *xml = row.xml;
    Ok(Block {
        piece,
        widths: row.widths,
        last: row.last,
    })
}

/// Sheet XML being written, row by row.
pub struct Row<'c> {
    xml: Vec<u8>,
    columns: &'c [String],
    widths: Vec<usize>,
    /// The row being written (1-based) and whether its `<row>` is open: a row without a value
    /// is not written at all.
    number: u32,
    /// `number` in decimal.
    digits: Vec<u8>,
    open: bool,
    last: u32,
}

impl<'c> Row<'c> {
    fn new(columns: &'c [String]) -> Self {
        Row {
            xml: Vec::new(),
            columns,
            widths: vec![0; columns.len()],
            number: 0,
            digits: Vec::new(),
            open: false,
            last: 0,
        }
    }

    fn start(&mut self, number: u32) {
        self.number = number;
        self.digits.clear();
        self.digits
            .extend_from_slice(itoa::Buffer::new().format(number).as_bytes());
        self.open = false;
    }

    fn end(&mut self) {
        if self.open {
            self.xml.extend_from_slice(b"</row>");
        }
    }

    /// The string `v` in column `col` of the row; nothing for an empty string.
    pub fn cell(&mut self, col: usize, v: &str) {
        let class = v.bytes().fold(0, |class, b| class | CLASS[b as usize]);
        let w = if class & WIDE == 0 {
            v.len()
        } else {
            display_width(v)
        }
        .min(60);
        if w > self.widths[col] {
            self.widths[col] = w;
        }
        if v.is_empty() {
            return;
        }
        let clipped;
        let v = if v.len() > MAX_STRING_LEN && v.encode_utf16().count() > MAX_STRING_LEN {
            clipped = clip(v);
            clipped.as_str()
        } else {
            v
        };
        let number = &self.digits;
        if !self.open {
            self.open = true;
            self.last = self.number;
            self.xml.extend_from_slice(b"<row r=\"");
            self.xml.extend_from_slice(number);
            self.xml.extend_from_slice(b"\">");
        }
        self.xml.extend_from_slice(b"<c r=\"");
        self.xml.extend_from_slice(self.columns[col].as_bytes());
        self.xml.extend_from_slice(number);
        self.xml.extend_from_slice(b"\" t=\"inlineStr\"><is><t");
        if v.starts_with(['\t', '\n', ' ']) || v.ends_with(['\t', '\n', ' ']) {
            self.xml.extend_from_slice(b" xml:space=\"preserve\"");
        }
        self.xml.push(b'>');
        if class & ESCAPED == 0 {
            self.xml.extend_from_slice(v.as_bytes());
        } else {
            escape(&mut self.xml, v);
        }
        self.xml.extend_from_slice(b"</t></is></c>");
    }
}

/// A value longer than an Excel cell holds, cut to fit, with a note of its length in place of the
/// rest: the sheet is for reading, and the CSV output holds the whole value.
fn clip(v: &str) -> String {
    let note = format!(
        " … [{} characters in all; the CSV output has the whole value]",
        v.chars().count()
    );
    let mut room = MAX_STRING_LEN - note.encode_utf16().count();
    let mut out = String::with_capacity(MAX_STRING_LEN + note.len());
    for c in v.chars() {
        let Some(left) = room.checked_sub(c.len_utf16()) else {
            break;
        };
        room = left;
        out.push(c);
    }
    out.push_str(&note);
    out
}

/// What a byte of cell text may call for: [`ESCAPED`], a look at [`escape`]; [`WIDE`], counting
/// the text's width character by character (a byte of a non-ASCII character).
static CLASS: [u8; 256] = {
    let mut class = [0; 256];
    let mut b = 0;
    while b < 256 {
        if b >= 0x80 {
            class[b] |= WIDE;
        }
        if (b < 0x20 && b != 0x09 && b != 0x0A)
            || matches!(b as u8, b'&' | b'<' | b'>' | b'_' | 0xEF)
        {
            class[b] |= ESCAPED;
        }
        b += 1;
    }
    class
};
const ESCAPED: u8 = 1;
const WIDE: u8 = 2;

/// Excel's limit on a cell's length, in UTF-16 units.
const MAX_STRING_LEN: usize = 32_767;

/// Cell text as Excel writes it: `& < >` as entities; control characters (but tab and newline)
/// and the non-characters U+FFFE, U+FFFF as `_xHHHH_`; and a literal `_xHHHH_` in the text with
/// its underscore escaped (`_x005F_xHHHH_`) so that it does not read as an escape.
fn escape(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    let is_escape = |i: usize| {
        b.len() >= i + 7
            && b[i + 1] == b'x'
            && b[i + 2..i + 6].iter().all(u8::is_ascii_hexdigit)
            && b[i + 6] == b'_'
    };
    for (i, ch) in s.char_indices() {
        match ch {
            '&' => out.extend_from_slice(b"&amp;"),
            '<' => out.extend_from_slice(b"&lt;"),
            '>' => out.extend_from_slice(b"&gt;"),
            '_' if is_escape(i) => out.extend_from_slice(b"_x005F_"),
            '\t' | '\n' => out.push(ch as u8),
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => {
                use std::io::Write as _;
                let _ = write!(out, "_x{:04X}_", ch as u32);
            }
            _ => {
                let mut utf8 = [0; 4];
                out.extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes());
            }
        }
    }
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
        ("golden records", view.run.survivorship.golden.len() as u64),
        ("issues", view.issues.len() as u64),
        (
            "conflicts (competing values)",
            view.run.survivorship.conflicts.len() as u64,
        ),
        ("pairs to review", view.run.review_queue().count() as u64),
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
    if !view.run.unmask {
        let r = top + 3 + view.run.tables.len() as u32;
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

fn golden<'a>(run: &'a Built) -> List<'a> {
    let mut header: Vec<Cow<'static, str>> = vec!["golden_id".into()];
    header.extend(Field::ALL.iter().map(|f| f.column().into()));
    header.push("record_count".into());
    let golden = &run.survivorship.golden;
    List {
        name: SHEETS[1],
        header,
        count: golden.len(),
        row: Box::new(move |i, row| {
            let g = &golden[i];
            row.cell(0, &g.id);
            for (c, (f, s)) in g.fields().enumerate() {
                row.cell(c + 1, &mask::show(f, &s.value, run.unmask));
            }
            let count = itoa::Buffer::new().format(g.members.len()).to_string();
            row.cell(Field::ALL.len() + 1, &count);
        }),
    }
}

fn issues<'a>(view: &'a RunView) -> List<'a> {
    List {
        name: SHEETS[2],
        header: ISSUE_COLUMNS.iter().map(|c| Cow::Borrowed(*c)).collect(),
        count: view.issues.len(),
        row: Box::new(move |n, row| {
            let i = &view.issues[n];
            row.cell(0, &i.source);
            row.cell(1, &i.key);
            row.cell(2, &i.field);
            row.cell(3, &i.kind);
            row.cell(4, i.severity);
            row.cell(5, &mask::free_text_cow(&i.value, view.run.unmask));
            row.cell(6, &mask::free_text_cow(&i.message, view.run.unmask));
        }),
    }
}

fn conflicts<'a>(run: &'a Built) -> List<'a> {
    let conflicts = &run.survivorship.conflicts;
    List {
        name: SHEETS[3],
        header: CONFLICT_COLUMNS.iter().map(|c| Cow::Borrowed(*c)).collect(),
        count: conflicts.len(),
        row: Box::new(move |i, row| {
            let c = &conflicts[i];
            let cells = conflict_cells(run.origins, run.survivorship, c);
            for (col, v) in cells.iter().enumerate() {
                if col == 2 {
                    row.cell(col, &mask::show(c.field, v, run.unmask));
                } else {
                    row.cell(col, v);
                }
            }
            let count = itoa::Buffer::new().format(c.records.len()).to_string();
            row.cell(cells.len(), &count);
        }),
    }
}

/// The review queue: `review` holds the positions of its pairs among the scored pairs.
fn review_queue<'a>(run: &'a Built, review: &'a [usize]) -> List<'a> {
    let mut header: Vec<Cow<'static, str>> = [
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
    ]
    .into_iter()
    .map(Cow::Borrowed)
    .collect();
    header.extend(COMPARISONS.iter().map(|c| format!("w_{}", c.name).into()));
    List {
        name: SHEETS[4],
        header,
        count: review.len(),
        row: Box::new(move |n, row| {
            let p = &run.linkage.scored[review[n]];
            for (side, i) in [p.a, p.b].into_iter().enumerate() {
                let (s, k) = run.origin(i as usize);
                row.cell(side * 4, run.golden_of(i));
                row.cell(side * 4 + 1, s);
                row.cell(side * 4 + 2, k);
                row.cell(side * 4 + 3, run.records[i as usize].name());
            }
            let mut n = String::new();
            push_fixed(&mut n, p.weight, 2);
            row.cell(8, &n);
            n.clear();
            push_fixed(&mut n, p.probability, 4);
            row.cell(9, &n);
            for (c, w) in p.field_weights.get().iter().enumerate() {
                n.clear();
                if let Some(x) = w {
                    push_fixed(&mut n, *x, 2);
                }
                row.cell(10 + c, &n);
            }
        }),
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Reader, Xlsx};
    use std::collections::BTreeMap;

    /// The summary sheet of the test workbooks: a bold title, shared strings, a number format.
    fn first_sheet(wb: &mut Workbook) {
        let ws = wb.add_worksheet().set_name("summary").unwrap();
        let bold = Format::new().set_bold();
        ws.write_string_with_format(0, 0, "title", &bold).unwrap();
        ws.write_string(2, 0, "rows").unwrap();
        ws.write_number(2, 1, 152.0).unwrap();
        ws.write_number_with_format(3, 1, 0.85, &Format::new().set_num_format("0.0%"))
            .unwrap();
    }

    /// How the lists were written through rust_xlsxwriter cell by cell: the reference.
    fn reference(rows: &[Vec<Vec<String>>], headers: &[Vec<&str>], last_row: u32) -> Vec<u8> {
        let mut wb = Workbook::new();
        wb.set_zip_compression_level(1);
        first_sheet(&mut wb);
        for (n, (rows, header)) in rows.iter().zip(headers).enumerate() {
            let ws = wb
                .add_worksheet_with_constant_memory()
                .unwrap()
                .set_name(format!("list {n}"))
                .unwrap();
            let count = rows.len();
            let shown = count.min(last_row as usize) as u32;
            let columns: Vec<TableColumn> = header
                .iter()
                .map(|h| TableColumn::new().set_header(*h))
                .collect();
            let last_col = header.len() as u16 - 1;
            ws.add_table(
                0,
                0,
                shown.max(1),
                last_col,
                &Table::new().set_columns(&columns),
            )
            .unwrap();
            ws.set_freeze_panes(1, 0).unwrap();
            let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count() + 4).collect();
            let mut n = 0u32;
            for row in rows {
                if n + 1 == last_row && count > last_row as usize {
                    n += 1;
                    let more = count - (n as usize - 1);
                    let note = format!(
                        "… {more} more rows: a sheet holds 1,048,576 rows; the CSV output has them all"
                    );
                    ws.write_string(n, 0, note).unwrap();
                    break;
                }
                n += 1;
                for (c, v) in row.iter().enumerate() {
                    ws.write_string(n, c as u16, v).unwrap();
                    widths[c] = widths[c].max(display_width(v).min(60));
                }
            }
            for (c, w) in widths.iter().enumerate() {
                ws.set_column_width(c as u16, *w as f64 + 1.0).unwrap();
            }
        }
        wb.save_to_buffer().unwrap()
    }

    fn parts(bytes: Vec<u8>) -> BTreeMap<String, String> {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
        let mut parts = BTreeMap::new();
        for i in 0..zip.len() {
            let mut f = zip.by_index(i).unwrap();
            let mut s = String::new();
            f.read_to_string(&mut s).unwrap();
            // The creation time is the only part that differs from one save to the next.
            if f.name().unwrap() != "docProps/core.xml" {
                parts.insert(f.name().unwrap().to_string(), s);
            }
        }
        parts
    }

    fn written(rows: &[Vec<Vec<String>>], headers: &[Vec<&str>], last_row: u32) -> Vec<u8> {
        let names = ["list 0", "list 1", "list 2", "list 3"];
        let lists: Vec<List> = rows
            .iter()
            .zip(headers)
            .enumerate()
            .map(|(n, (rows, header))| List {
                name: names[n],
                header: header.iter().map(|h| Cow::Owned(h.to_string())).collect(),
                count: rows.len(),
                row: Box::new(move |i, row| {
                    for (c, v) in rows[i].iter().enumerate() {
                        row.cell(c, v);
                    }
                }),
            })
            .collect();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        let mut wb = Workbook::new();
        first_sheet(&mut wb);
        let sheets: Vec<Rendered> = lists.iter().map(|l| render(l, last_row).unwrap()).collect();
        write_workbook(&path, wb, &sheets).unwrap();
        std::fs::read(path).unwrap()
    }

    #[test]
    fn the_lists_are_the_parts_rust_xlsxwriter_writes() {
        let values = [
            "G00000001",
            "",
            "张伟",
            "a & b <c> \"d\" 'e'",
            " leading space",
            "tab\tand\nnewline\n",
            "bell\u{7} and \u{1F} and \u{FFFE}",
            "_x0041_ and _x12G4_ and __x00AF_",
            "成都小店😀 very long text that is wider than sixty display columns by quite a margin",
            "13812345678",
            "全角，逗号 and ＡＢ",
        ];
        let row = |i: usize, cols: usize| -> Vec<String> {
            (0..cols)
                .map(|c| values[(i * 7 + c * 3) % values.len()].to_string())
                .collect()
        };
        let headers = vec![
            vec!["golden_id", "name", "value", "a", "b", "c", "d"],
            vec!["x", "y", "z", "w", "v", "u", "t", "s"],
            vec!["only", "empty", "rows", "here", "e", "f", "g"],
            vec![
                "h1", "h2", "h3", "h4", "h5", "h6", "h7", "h8", "h9", "h10", "h11", "h12", "h13",
                "h14", "h15", "h16", "h17", "h18", "h19", "h20", "h21", "h22", "h23", "h24", "h25",
                "h26", "h27", "h28",
            ],
        ];
        let rows: Vec<Vec<Vec<String>>> = vec![
            (0..40_000).map(|i| row(i, 7)).collect(),
            (0..30).map(|i| row(i, 8)).collect(),
            Vec::new(),
            (0..5).map(|i| row(i, 28)).collect(),
        ];
        assert_eq!(
            parts(written(&rows, &headers, LAST_ROW)),
            parts(reference(&rows, &headers, LAST_ROW))
        );
        // A list longer than a sheet, and one exactly as long.
        let rows: Vec<Vec<Vec<String>>> = vec![
            (0..10).map(|i| row(i, 7)).collect(),
            (0..5).map(|i| row(i, 8)).collect(),
            (0..4).map(|i| row(i, 7)).collect(),
            (0..1).map(|i| row(i, 28)).collect(),
        ];
        assert_eq!(
            parts(written(&rows, &headers, 5)),
            parts(reference(&rows, &headers, 5))
        );
    }

    #[test]
    fn a_value_longer_than_a_cell_holds_is_cut_with_a_note() {
        let columns = vec![column_name(0)];
        for unit in ["a", "张", "😀"] {
            let v = unit.repeat(40_000);
            let mut row = Row::new(&columns);
            row.start(2);
            row.cell(0, &v);
            row.end();
            let xml = String::from_utf8(row.xml).unwrap();
            let text = xml
                .split_once("<t>")
                .and_then(|(_, rest)| rest.split_once("</t>"))
                .unwrap()
                .0;
            assert!(text.encode_utf16().count() <= MAX_STRING_LEN, "{unit}");
            assert!(text.encode_utf16().count() > MAX_STRING_LEN - 100, "{unit}");
            assert!(text.starts_with(&unit.repeat(100)), "{unit}");
            assert!(
                text.ends_with(" … [40000 characters in all; the CSV output has the whole value]"),
                "{unit}"
            );
        }
        // A value that fits is written whole.
        let v = "张".repeat(MAX_STRING_LEN);
        let mut row = Row::new(&columns);
        row.start(2);
        row.cell(0, &v);
        assert!(String::from_utf8(row.xml)
            .unwrap()
            .contains(&format!(">{v}<")));
    }

    #[test]
    fn a_list_longer_than_a_sheet_ends_with_a_note() {
        let ids: Vec<String> = (0..10).map(|i| format!("G{i}")).collect();
        let list = List {
            name: "t",
            header: vec!["id".into(), "v".into()],
            count: 10,
            row: Box::new(|i, row| {
                row.cell(0, &ids[i]);
                row.cell(1, "x");
            }),
        };
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.xlsx");
        write_workbook(&path, Workbook::new(), &[render(&list, 5).unwrap()]).unwrap();
        let mut book: Xlsx<_> = calamine::open_workbook(&path).unwrap();
        let range = book.worksheet_range("t").unwrap();
        assert_eq!(range.height(), 6, "header, four rows, the note");
        let note = range.get((5, 0)).unwrap().to_string();
        assert!(note.contains("6 more rows"), "{note}");
    }
}
