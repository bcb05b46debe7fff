//! Delimited text (CSV, TSV, "Unicode 文本", pipe- and semicolon-separated exports).
//!
//! Parsing is row-exact with the `csv` crate, but a strict RFC-4180 reading is not what a steward
//! needs: one opening quote that is never closed would swallow every following row into one field.
//! So a record that spans several physical lines is accepted only when it has the header's width
//! and none of its continuation lines would stand as a record on its own; otherwise its first line
//! is quarantined and reading resumes on the next line. Ragged rows are quarantined with their
//! line number and raw text.

use std::path::Path;

use csv::{ByteRecord, ReaderBuilder};

use super::encoding::{decode, Decoded};
use super::{detect_header, read_bytes, IngestError, SourceOptions, TableBuilder};
use crate::record::{Position, SourceTable, Text};

const CANDIDATE_DELIMITERS: [char; 4] = [',', '\t', ';', '|'];

pub fn read(path: &Path, name: &str, options: &SourceOptions) -> Result<SourceTable, IngestError> {
    let bytes = read_bytes(path, name)?;
    let mut builder = TableBuilder::new(name);
    if bytes.is_empty() {
        return Err(IngestError::new(name, "the file is empty (0 bytes)"));
    }
    let decoded =
        decode(bytes, options.encoding.as_deref()).map_err(|m| IngestError::new(name, m))?;
    note_encoding(&mut builder, &decoded);
    let text = decoded.text.as_str();
    let is_tsv = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("tsv"));
    let delimiter = options
        .delimiter
        .unwrap_or_else(|| sniff_delimiter(text, is_tsv));
    if !delimiter.is_ascii() {
        return Err(IngestError::new(
            name,
            format!("delimiter `{delimiter}` must be an ASCII character"),
        ));
    }
    builder.note("delimiter", delimiter.to_string());
    parse(
        text,
        delimiter as u8,
        options,
        &decoded.legacy_lines,
        &mut builder,
    )?;
    builder.finish(options)
}

fn note_encoding(builder: &mut TableBuilder, d: &Decoded) {
    builder.note(
        "encoding",
        serde_json::json!({
            "name": d.encoding,
            "bom": d.bom,
            "decided_by": d.decided_by,
            "replacement_chars": d.replacements,
            "legacy_lines": d.legacy_lines,
        }),
    );
}

/// The delimiter that splits the first lines most consistently into more than one field.
pub fn sniff_delimiter(text: &str, prefer_tab: bool) -> char {
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(30)
        .collect();
    let mut best = (if prefer_tab { '\t' } else { ',' }, 0.0f64, 0usize);
    for d in CANDIDATE_DELIMITERS {
        let counts: Vec<usize> = lines
            .iter()
            .map(|l| split_fields(l, d as u8).0.len() - 1)
            .collect();
        let mut freq = std::collections::BTreeMap::new();
        for &c in counts.iter().filter(|&&c| c > 0) {
            *freq.entry(c).or_insert(0usize) += 1;
        }
        let Some((&mode, &hits)) = freq.iter().max_by_key(|(c, n)| (**n, **c)) else {
            continue;
        };
        let consistency = hits as f64 / lines.len().max(1) as f64;
        let better = consistency > best.1 + 1e-9 || (consistency > best.1 - 1e-9 && mode > best.2);
        if better || (prefer_tab && d == '\t' && consistency >= best.1 - 1e-9) {
            best = (d, consistency, mode);
        }
    }
    best.0
}

/// Split one physical line into fields the RFC-4180 way, and say whether a quote is left open at
/// its end. Used to diagnose lines, not to read records.
fn split_fields(line: &str, delimiter: u8) -> (Vec<String>, bool) {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut in_quotes = false;
    let mut at_start = true;
    let mut chars = line.trim_end_matches(['\r', '\n']).chars().peekable();
    while let Some(c) = chars.next() {
        if in_quotes {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    field.push('"');
                    chars.next();
                } else {
                    in_quotes = false;
                }
            } else {
                field.push(c);
            }
        } else if c == delimiter as char {
            fields.push(std::mem::take(&mut field));
            at_start = true;
            continue;
        } else if c == '"' && at_start {
            in_quotes = true;
        } else {
            field.push(c);
        }
        at_start = false;
    }
    fields.push(field);
    (fields, in_quotes)
}

/// A record as the csv crate returned it, with where it lies in the text.
struct Span {
    fields: ByteRecord,
    line: u64,
    start: usize,
    end: usize,
}

impl Span {
    /// The record's fields as text. The csv crate cuts them out of valid UTF-8 at ASCII bytes
    /// (delimiters, quotes, line ends) and only ever drops ASCII quotes from them, so the record's
    /// bytes are UTF-8 and its fields lie on character boundaries: checked once for the whole
    /// record, with SIMD, rather than field by field a byte at a time (`StringRecord`).
    fn fields(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        let all = crate::utf8::str(self.fields.as_slice())
            .expect("fields cut out of UTF-8 text at ASCII bytes are UTF-8");
        (0..self.fields.len()).map(move |i| &all[self.fields.range(i).unwrap_or_default()])
    }
}

/// The records of `text` from byte `offset` (which is at the start of physical line `line`).
/// Line numbers are counted here from `\n` alone: the csv crate counts `\r\n` as two lines.
struct Records<'t> {
    text: &'t str,
    offset: usize,
    cursor: (usize, u64),
    reader: csv::Reader<&'t [u8]>,
}

impl<'t> Records<'t> {
    fn new(text: &'t str, offset: usize, line: u64, delimiter: u8) -> Self {
        let reader = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(&text.as_bytes()[offset..]);
        Records {
            text,
            offset,
            cursor: (offset, line),
            reader,
        }
    }

    fn next(&mut self) -> Result<Option<Span>, csv::Error> {
        let mut fields = ByteRecord::new();
        if !self.reader.read_byte_record(&mut fields)? {
            return Ok(None);
        }
        let pos = fields
            .position()
            .cloned()
            .unwrap_or_else(csv::Position::new);
        // After a CRLF record the csv crate places the next record at its leading `\n`.
        let mut start = self.offset + pos.byte() as usize;
        start +=
            self.text[start..].len() - self.text[start..].trim_start_matches(['\r', '\n']).len();
        let end = self.offset + self.reader.position().byte() as usize;
        let line = self.cursor.1 + self.text[self.cursor.0..start].matches('\n').count() as u64;
        self.cursor = (start, line);
        Ok(Some(Span {
            fields,
            line,
            start,
            end: end.min(self.text.len()),
        }))
    }
}

fn parse(
    text: &str,
    delimiter: u8,
    options: &SourceOptions,
    legacy_lines: &[u64],
    builder: &mut TableBuilder,
) -> Result<(), IngestError> {
    let csv_error = |e: csv::Error| IngestError::new("", format!("CSV reader failed: {e}"));
    // The header: the job's line, or the first row that looks like one among the first rows.
    let mut head = Records::new(text, 0, 1, delimiter);
    let mut first: Vec<Span> = Vec::new();
    while first.len() < 12 {
        match head.next().map_err(csv_error)? {
            Some(span) => first.push(span),
            None => break,
        }
    }
    let rows: Vec<Vec<String>> = first
        .iter()
        .map(|s| s.fields().map(str::to_string).collect())
        .collect();
    let header_at = match options.header_row {
        Some(n) => first.iter().position(|s| s.line == n as u64),
        None => detect_header(&rows),
    };
    let (columns, body_offset, body_line) = match header_at {
        Some(i) => {
            let header: Vec<String> = rows[i].iter().map(|h| h.trim().to_string()).collect();
            builder.note("header_line", first[i].line);
            builder.note("title_lines", first[i].line - 1);
            let next_line =
                first[i].line + text[first[i].start..first[i].end].matches('\n').count() as u64;
            (builder.header(&header), first[i].end, next_line)
        }
        None => {
            let width = rows.iter().map(Vec::len).max().unwrap_or(0);
            builder.note("header_line", serde_json::Value::Null);
            let names: Vec<String> = (1..=width).map(|i| format!("column{i}")).collect();
            (builder.header(&names), 0, 1)
        }
    };
    let body = Body {
        text,
        delimiter,
        in_order: builder.in_order(&columns),
        columns: &columns,
        legacy_lines,
    };
    body.read(body_offset, body_line, builder)
        .map_err(csv_error)
}

/// The data rows below the header.
struct Body<'a> {
    text: &'a str,
    delimiter: u8,
    columns: &'a [usize],
    /// `columns` are the table's columns in order: a row's values are pushed as they come.
    in_order: bool,
    /// Lines a mixed-encoding file had to decode with a fallback encoding.
    legacy_lines: &'a [u64],
}

impl Body<'_> {
    fn read(&self, offset: usize, line: u64, builder: &mut TableBuilder) -> Result<(), csv::Error> {
        let (text, delimiter, width) = (self.text, self.delimiter, self.columns.len());
        let mut blank_rows = 0u64;
        let mut records = Records::new(text, offset, line, delimiter);
        while let Some(span) = records.next()? {
            if span.fields().all(|f| f.trim().is_empty()) {
                blank_rows += 1;
                continue;
            }
            let raw = text[span.start..span.end].trim_end_matches(['\r', '\n']);
            let position = Position::Line(span.line);
            if raw.contains('\n') {
                let swallowed = raw
                    .split('\n')
                    .skip(1)
                    .any(|l| matches!(split_fields(l, delimiter), (f, false) if f.len() == width));
                if span.fields.len() == width && !swallowed {
                    self.keep(builder, position, &span, raw);
                    continue;
                }
                // An opening quote that never closes: quarantine its line, resume on the next one.
                let first_line = raw.split('\n').next().unwrap_or_default();
                let (fields, _) = split_fields(first_line, delimiter);
                let reason = format!(
                    "malformed_row: an opening quote in field {} is never closed; the line is quarantined and the lines after it are read on their own",
                    fields.len()
                );
                let resume = span.start + first_line.len() + 1;
                builder.quarantine(
                    position,
                    reason,
                    first_line.trim_end_matches('\r'),
                    self.cells(fields),
                );
                records = Records::new(text, resume, span.line + 1, delimiter);
                continue;
            }
            // A quote left open swallows the line break after it, so a one-line record can only
            // end inside quotes at the end of the text.
            let (diag, open_quote) = if span.end >= text.len() && raw.contains('"') {
                split_fields(raw, delimiter)
            } else {
                (Vec::new(), false)
            };
            if open_quote {
                let reason = format!(
                    "malformed_row: an opening quote in field {} is never closed",
                    diag.len()
                );
                builder.quarantine(position, reason, raw, self.cells(diag));
            } else if span.fields.len() != width {
                let reason = format!(
                    "malformed_row: {} fields where the header has {} (an unquoted `{}` inside a value?)",
                    span.fields.len(),
                    width,
                    delimiter as char
                );
                let fields = span.fields().map(str::to_string).collect();
                builder.quarantine(position, reason, raw, self.cells(fields));
            } else {
                self.keep(builder, position, &span, raw);
            }
        }
        builder.note("blank_rows", blank_rows);
        Ok(())
    }

    fn cells(&self, fields: Vec<String>) -> Vec<(usize, String)> {
        self.columns.iter().copied().zip(fields).collect()
    }

    fn keep(&self, builder: &mut TableBuilder, position: Position, span: &Span, raw: &str) {
        // Each value straight into its cell's text (short ones are held inline, not allocated).
        if self.in_order {
            let mut values = Vec::with_capacity(self.columns.len());
            values.extend(span.fields().take(self.columns.len()).map(Text::from));
            builder.push_values(position, values);
        } else {
            let cells = self
                .columns
                .iter()
                .copied()
                .zip(span.fields().map(Text::from))
                .collect();
            builder.push_text(position, cells);
        }
        let last = span.line + raw.matches('\n').count() as u64;
        if self
            .legacy_lines
            .iter()
            .any(|l| (span.line..=last).contains(l))
        {
            builder.flag_last(
                "*",
                "encoding_mixed",
                "this row is in another encoding than the rest of the file (decoded on its own); re-save the file as UTF-8",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::SourceTable;

    fn read_text(text: &str) -> SourceTable {
        let mut b = TableBuilder::new("t.csv");
        let d = sniff_delimiter(text, false);
        parse(text, d as u8, &SourceOptions::default(), &[], &mut b).unwrap();
        b.finish(&SourceOptions::default()).unwrap()
    }

    #[test]
    fn sniffs_delimiters() {
        assert_eq!(sniff_delimiter("a,b,c\n1,2,3\n", false), ',');
        assert_eq!(sniff_delimiter("a\tb\tc\n1\t2,5\t3\n", false), '\t');
        assert_eq!(
            sniff_delimiter("名称;地址;电话\n华为;深圳,南山;0755\n", false),
            ';'
        );
        assert_eq!(sniff_delimiter("a|b\n1|2\n", false), '|');
        assert_eq!(sniff_delimiter("only\n", true), '\t');
    }

    #[test]
    fn ragged_row_is_quarantined_and_the_rest_read() {
        let t = read_text(
            "客户编码,单位名称,地址\r\nKH1,华为,深圳\r\nKH2,中兴,深圳,南山\r\nKH3,腾讯,深圳\r\n",
        );
        assert_eq!(t.records.len(), 2);
        assert_eq!(t.quarantined.len(), 1);
        let q = &t.quarantined[0];
        assert_eq!(
            (q.key.as_str(), &q.position, q.raw.as_str()),
            ("KH2", &Position::Line(3), "KH2,中兴,深圳,南山")
        );
        assert!(q.reason.contains("4 fields"));
    }

    #[test]
    fn unclosed_quote_does_not_swallow_following_rows() {
        let text = "客户编码,单位名称,状态\nKH1,华为,正常\nKH2,中兴,\"正常\nKH3,腾讯,正常\nKH4,百度,停用\n";
        let t = read_text(text);
        let keys: Vec<_> = t.records.iter().map(|r| r.key.as_str()).collect();
        assert_eq!(keys, ["KH1", "KH3", "KH4"]);
        assert_eq!(t.quarantined[0].key, "KH2");
        assert_eq!(t.quarantined[0].position, Position::Line(3));
        assert_eq!(t.rows_read, 4);
        assert_eq!(t.records[1].position, Position::Line(4));
    }

    #[test]
    fn unclosed_quote_on_last_line() {
        let t = read_text("id,name,status\n1,a,ok\n2,b,\"ok\n");
        assert_eq!(t.records.len(), 1);
        assert_eq!(t.quarantined[0].position, Position::Line(3));
    }

    #[test]
    fn legit_quoted_commas_and_newlines_are_one_record() {
        let text =
            "id,name,address,phone\n1,\"华为, 深圳\",\"深圳市南山区\n科技园\",0755\n2,b,c,d\n";
        let t = read_text(text);
        assert_eq!(t.quarantined.len(), 0);
        assert_eq!(t.records.len(), 2);
        assert_eq!(t.records[0].values[2], "深圳市南山区\n科技园");
        assert_eq!(t.records[1].position, Position::Line(4));
    }

    #[test]
    fn title_lines_and_blank_rows() {
        let t = read_text("客户资料导出\n导出时间：2024-01-01\n客户编号,客户名称,手机\n1,张伟,138\n,,\n2,李娜,139\n");
        assert_eq!(t.records.len(), 2);
        assert_eq!(t.records[0].position, Position::Line(4));
        assert_eq!(t.details["header_line"], 3);
        assert_eq!(t.details["blank_rows"], 1);
    }
}
