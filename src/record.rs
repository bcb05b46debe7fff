//! The records that flow out of ingest: one `SourceTable` per input file, holding its columns, the
//! records it yielded and the rows it had to quarantine.
//!
//! Values are kept as the source's own text (numbers and dates formatted without loss): the raw value
//! is what a steward recognises, and every later stage keeps it beside its normalized form.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::ingest::mapping::Field;

/// Where a row sits in its source, in the terms a steward would use to find it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(into = "String")]
pub enum Position {
    /// 1-based physical line of a text file (the line where the record starts).
    Line(u64),
    /// A worksheet row, 1-based as Excel shows it.
    Cell { sheet: Text, row: u32 },
    /// The n-th row (1-based) of a database table, in storage order.
    TableRow { table: Text, row: u64 },
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
    pub values: Vec<Text>,
}

/// A row that could not be taken as a record, kept with its reason and raw text so nothing is lost.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quarantined {
    pub key: String,
    pub position: Position,
    pub reason: String,
    pub raw: String,
}

/// Every `kind` an issue can have, errors and warnings, as `issues.csv` spells them.
pub const ISSUE_KINDS: &[&str] = &[
    "malformed_row",
    "encoding_mixed",
    "missing_required",
    "placeholder",
    "test_record",
    "title_only_contact",
    "misplaced_value",
    "invalid_id_format",
    "invalid_id_checksum",
    "invalid_uscc",
    "invalid_phone",
    "invalid_email",
    "invalid_date",
    "invalid_amount",
    "legacy_id_15",
    "legacy_org_code",
    "legacy_reg_no",
    "gender_id_mismatch",
    "birthdate_id_mismatch",
];

/// One row of `issues.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Issue {
    pub source: Text,
    pub key: Text,
    pub field: Text,
    pub kind: Text,
    pub severity: &'static str,
    pub value: Text,
    pub message: Text,
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Person,
    Company,
}

/// Text of a record: up to 15 bytes kept inline (most names, cities, numbers), longer text on the
/// heap and shared, not copied, when a golden record or an output takes it over.
pub type Text = ecow::EcoString;

/// The fields of a record as the normalizers fill them in, one by one; [`Record`] is the compact form
/// a run holds (millions of them) once a record is complete. `source` and `row` point back at the
/// raw record (and its raw values).
///
/// This is the form saved in the state store (without `source` and `row`, which belong to one run),
/// so that an unchanged row is not normalized again on the next run.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Fields {
    #[serde(skip)]
    pub source: usize,
    #[serde(skip)]
    pub row: usize,
    pub party: Option<Party>,
    pub is_test: bool,
    /// The customer's name, cleaned and in simplified characters.
    pub name: Text,
    /// `name` reduced for matching: no spaces or punctuation, lower-case Latin.
    pub name_key: Text,
    /// Pinyin of a Chinese person's name without tones (`zhang wei`), for homophones.
    pub name_pinyin: Text,
    /// A company's name without region and legal form (华信科技), and its branch part if any.
    pub company_core: Text,
    pub branch: Text,
    pub gender: Option<char>,
    #[serde(with = "iso_date")]
    pub birth_date: Option<chrono::NaiveDate>,
    /// A checksum-valid 18-character 身份证 (15-digit numbers upgraded).
    pub id_number: Option<Text>,
    /// An 18-character 身份证 that fails its check: a typo of the real one, kept for fuzzy matching.
    pub id_number_invalid: Option<Text>,
    pub uscc: Option<Text>,
    pub uscc_invalid: Option<Text>,
    /// Another identifier without a check digit we know (SSN, passport, member number): letters
    /// and digits only, upper case.
    pub other_id: Option<Text>,
    /// Valid 11-digit mobiles of the customer (for a company: none; see `contact_mobile`).
    pub mobiles: Vec<Text>,
    /// Mobiles that failed validation but are 10–12 digits: typos, kept for fuzzy matching.
    pub mobiles_invalid: Vec<Text>,
    /// Landlines as `0AREA-NUMBER[-EXT]`, or bare local numbers when the area code is missing.
    pub phones: Vec<Text>,
    pub emails: Vec<Text>,
    /// Province, city and district as match keys: a division the address parser knows by its
    /// name (`浙江省`), other text (a Latin town or state) as [`text::match_key`] makes it.
    ///
    /// [`text::match_key`]: crate::normalize::text::match_key
    pub province: Text,
    pub city: Text,
    pub district: Text,
    /// The same three as written (`San Francisco` for the key `san francisco`), what a golden
    /// record shows; empty where the key is written so.
    pub province_display: Text,
    pub city_display: Text,
    pub district_display: Text,
    /// The rest of the address after province, city and district, in a canonical detail form.
    pub address_detail: Text,
    /// The same detail in display form (`3号楼2单元501室`), what a golden record shows.
    pub address_display: Text,
    /// Exports that keep the house number, a second address line (a building, an estate) and
    /// the postcode in columns of their own (Latin data mostly): each as a match key.
    pub street_number: Text,
    pub address_line2: Text,
    pub postcode: Text,
    pub employer: Text,
    pub industry: Text,
    pub contact_name: Text,
    pub contact_mobile: Option<Text>,
    pub credit_limit: Option<i64>,
    pub name_en: Text,
    /// The newest date the record carries (follow-up, survey, creation): its recency.
    #[serde(with = "iso_date")]
    pub as_of: Option<chrono::NaiveDate>,
}

/// Dates as `YYYY-MM-DD` text in the stored form of a record.
mod iso_date {
    use chrono::NaiveDate;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_some(&d.format("%Y-%m-%d").to_string()),
            None => s.serialize_none(),
        }
    }

    /// The text `serialize` wrote, read back without a copy; the plain `YYYY-MM-DD` of a stored
    /// date read digit by digit (chrono's parser interprets its format string for every date,
    /// and an incremental run reads back every stored record's dates).
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        Option::<std::borrow::Cow<'de, str>>::deserialize(d)?
            .map(|t| {
                plain(&t)
                    .map_or_else(|| NaiveDate::parse_from_str(&t, "%Y-%m-%d"), Ok)
                    .map_err(serde::de::Error::custom)
            })
            .transpose()
    }

    /// A valid date written as exactly `YYYY-MM-DD`.
    fn plain(t: &str) -> Option<NaiveDate> {
        let b = t.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let number = |r: std::ops::Range<usize>| {
            b[r].iter().try_fold(0u32, |n, &c| {
                c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
            })
        };
        NaiveDate::from_ymd_opt(number(0..4)? as i32, number(5..7)?, number(8..10)?)
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        /// Every date of four centuries as chrono writes and reads it; texts that are no valid
        /// plain date are left to chrono.
        #[test]
        fn plain_dates_read_as_chrono_reads_them() {
            use chrono::Datelike;
            let mut day = NaiveDate::from_ymd_opt(1850, 1, 1).unwrap();
            while day.year() < 2250 {
                let t = day.format("%Y-%m-%d").to_string();
                assert_eq!(plain(&t), Some(day), "{t}");
                assert_eq!(NaiveDate::parse_from_str(&t, "%Y-%m-%d").ok(), Some(day));
                day = day.succ_opt().unwrap();
            }
            for t in [
                "2023-02-29",
                "2023-13-01",
                "2023-00-10",
                "2023-1-05",
                "2023/01/05",
                "２０２３-01-05",
                "+2023-01-0",
                "",
            ] {
                assert_eq!(plain(t), None, "{t}");
            }
        }
    }
}

/// The text fields of a record, in the order its text holds them: plain texts, then the optional
/// ones, then the lists.
macro_rules! slots {
    ($($text:ident),* ; $($opt:ident),* ; $($list:ident),*) => {
        #[allow(non_camel_case_types, clippy::upper_case_acronyms)]
        #[derive(Clone, Copy)]
        #[repr(u8)]
        enum Slot { $($text,)* $($opt,)* $($list,)* }
        const SLOTS: usize = [$(Slot::$text,)* $(Slot::$opt,)* $(Slot::$list,)*].len();
        const OPTIONAL: [Slot; [$(Slot::$opt,)*].len()] = [$(Slot::$opt,)*];

        impl Record {
            $(
                pub fn $text(&self) -> &str {
                    self.slot(Slot::$text)
                }
            )*
            $(
                pub fn $opt(&self) -> Option<&str> {
                    self.optional(Slot::$opt)
                }
            )*
            $(
                pub fn $list(&self) -> List<'_> {
                    List(self.slot(Slot::$list))
                }
            )*

            /// The record's fields, as the normalizers made them (for the state store, and tests).
            pub fn fields(&self) -> Fields {
                Fields {
                    source: self.source,
                    row: self.row,
                    party: self.party,
                    is_test: self.is_test,
                    gender: self.gender,
                    birth_date: self.birth_date,
                    credit_limit: self.credit_limit,
                    as_of: self.as_of,
                    $($text: self.$text().into(),)*
                    $($opt: self.$opt().map(Text::from),)*
                    $($list: self.$list().iter().map(Text::from).collect(),)*
                }
            }
        }

        impl From<Fields> for Record {
            fn from(f: Fields) -> Record {
                let mut text = String::new();
                let mut ends = [0usize; SLOTS];
                let mut some = 0u8;
                let mut slot = 0;
                $(
                    text.push_str(&f.$text);
                    ends[slot] = text.len();
                    slot += 1;
                )*
                $(
                    if let Some(v) = &f.$opt {
                        text.push_str(v);
                        some |= 1 << (slot - OPTIONAL[0] as usize);
                    }
                    ends[slot] = text.len();
                    slot += 1;
                )*
                $(
                    let mut first = true;
                    for item in f.$list.iter().filter(|v| !v.is_empty()) {
                        if !first {
                            text.push(LIST_SEPARATOR);
                        }
                        first = false;
                        // Normalized values hold no control characters; the separator is kept
                        // out all the same.
                        text.extend(item.chars().map(|c| if c == LIST_SEPARATOR { ' ' } else { c }));
                    }
                    ends[slot] = text.len();
                    slot += 1;
                )*
                debug_assert_eq!(slot, SLOTS);
                let ends = match u16::try_from(text.len()) {
                    Ok(_) => Ends::Short(ends.map(|e| e as u16)),
                    Err(_) => Ends::Long(Box::new(ends.map(|e| e as u32))),
                };
                Record {
                    source: f.source,
                    row: f.row,
                    party: f.party,
                    is_test: f.is_test,
                    gender: f.gender,
                    birth_date: f.birth_date,
                    credit_limit: f.credit_limit,
                    as_of: f.as_of,
                    some,
                    text: text.into_boxed_str(),
                    ends,
                }
            }
        }
    };
}

slots!(
    name, name_key, name_pinyin, company_core, branch, province, city, district, province_display,
    city_display, district_display, address_detail, address_display, street_number, address_line2,
    postcode, employer, industry, contact_name, name_en;
    id_number, id_number_invalid, uscc, uscc_invalid, other_id, contact_mobile;
    mobiles, mobiles_invalid, phones, emails
);

impl Record {
    /// Province, city and district as a golden record shows them: as written where that differs
    /// from the key only in letter case, else the key.
    pub fn shown_province(&self) -> &str {
        shown(self.province_display(), self.province())
    }
    pub fn shown_city(&self) -> &str {
        shown(self.city_display(), self.city())
    }
    pub fn shown_district(&self) -> &str {
        shown(self.district_display(), self.district())
    }
}

fn shown<'a>(display: &'a str, key: &'a str) -> &'a str {
    if display.is_empty() {
        key
    } else {
        display
    }
}

/// Between the items of a list in a record's text.
const LIST_SEPARATOR: char = '\u{1f}';

/// Where each slot of a record's text ends: in two bytes each for all but the rare record with
/// more than 64 KiB of text.
#[derive(Clone, PartialEq, Eq)]
enum Ends {
    Short([u16; SLOTS]),
    Long(Box<[u32; SLOTS]>),
}

impl Ends {
    fn get(&self, i: usize) -> usize {
        match self {
            Ends::Short(e) => e[i] as usize,
            Ends::Long(e) => e[i] as usize,
        }
    }
}

/// A record after normalization: every field in its canonical form, ready to be blocked, compared
/// and survived. `source` and `row` point back at the raw record (and its raw values).
///
/// A run holds millions of records at once, so a record keeps all its text in one allocation, each
/// field a slice of it (about a fifth of the memory of a struct of strings); it is made from its
/// [`Fields`] once they are complete, and read through one method per field.
#[derive(Clone, PartialEq)]
pub struct Record {
    pub source: usize,
    pub row: usize,
    pub party: Option<Party>,
    pub is_test: bool,
    pub gender: Option<char>,
    pub birth_date: Option<chrono::NaiveDate>,
    pub credit_limit: Option<i64>,
    /// The newest date the record carries (follow-up, survey, creation): its recency.
    pub as_of: Option<chrono::NaiveDate>,
    /// Which optional fields are present (bit i: the i-th of `OPTIONAL`).
    some: u8,
    text: Box<str>,
    ends: Ends,
}

impl Record {
    fn slot(&self, slot: Slot) -> &str {
        let i = slot as usize;
        let start = if i == 0 { 0 } else { self.ends.get(i - 1) };
        &self.text[start..self.ends.get(i)]
    }

    fn optional(&self, slot: Slot) -> Option<&str> {
        let bit = slot as usize - OPTIONAL[0] as usize;
        (self.some & (1 << bit) != 0).then(|| self.slot(slot))
    }
}

/// A record as the state store keeps it: the compact form itself (its text and where each field
/// ends), so that taking over an unchanged record costs one copy of its text.
#[derive(Serialize, Deserialize)]
pub struct Packed<'a> {
    party: Option<Party>,
    is_test: bool,
    gender: Option<char>,
    #[serde(with = "iso_date")]
    birth_date: Option<chrono::NaiveDate>,
    credit_limit: Option<i64>,
    #[serde(with = "iso_date")]
    as_of: Option<chrono::NaiveDate>,
    some: u8,
    #[serde(borrow, deserialize_with = "crate::utf8::cow")]
    text: std::borrow::Cow<'a, str>,
    ends: Vec<u32>,
}

impl Record {
    /// The stored form of the record (`source` and `row` belong to one run and are not in it).
    pub fn pack(&self) -> Packed<'_> {
        Packed {
            party: self.party,
            is_test: self.is_test,
            gender: self.gender,
            birth_date: self.birth_date,
            credit_limit: self.credit_limit,
            as_of: self.as_of,
            some: self.some,
            text: std::borrow::Cow::Borrowed(&self.text),
            ends: (0..SLOTS).map(|i| self.ends.get(i) as u32).collect(),
        }
    }

    /// The record a stored form holds, or `None` when the form does not hold together (every
    /// field must lie within the text, in order, on character boundaries).
    pub fn unpack(p: Packed, source: usize, row: usize) -> Option<Record> {
        let text = p.text;
        let sound = p.ends.len() == SLOTS
            && p.ends.windows(2).all(|w| w[0] <= w[1])
            && p.ends.iter().all(|&e| text.is_char_boundary(e as usize))
            && p.ends.last().is_some_and(|&e| e as usize == text.len());
        if !sound {
            return None;
        }
        let ends = match u16::try_from(text.len()) {
            Ok(_) => Ends::Short(std::array::from_fn(|i| p.ends[i] as u16)),
            Err(_) => Ends::Long(Box::new(std::array::from_fn(|i| p.ends[i]))),
        };
        Some(Record {
            source,
            row,
            party: p.party,
            is_test: p.is_test,
            gender: p.gender,
            birth_date: p.birth_date,
            credit_limit: p.credit_limit,
            as_of: p.as_of,
            some: p.some,
            text: text.into_owned().into_boxed_str(),
            ends,
        })
    }
}

impl Default for Record {
    fn default() -> Record {
        Fields::default().into()
    }
}

impl fmt::Debug for Record {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.fields().fmt(f)
    }
}

/// The items of a list field of a record (mobiles, phones, e-mails).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct List<'a>(&'a str);

/// The items of a [`List`], in order.
pub type Items<'a> = std::iter::Flatten<std::option::IntoIter<std::str::Split<'a, char>>>;

impl<'a> List<'a> {
    pub fn iter(self) -> Items<'a> {
        // An empty list has no items, not one empty item.
        (!self.0.is_empty())
            .then(|| self.0.split(LIST_SEPARATOR))
            .into_iter()
            .flatten()
    }

    pub fn is_empty(self) -> bool {
        self.0.is_empty()
    }

    pub fn len(self) -> usize {
        self.iter().count()
    }

    pub fn first(self) -> Option<&'a str> {
        self.iter().next()
    }

    pub fn contains(self, item: &str) -> bool {
        self.iter().any(|i| i == item)
    }
}

impl<'a> IntoIterator for List<'a> {
    type Item = &'a str;
    type IntoIter = Items<'a>;

    fn into_iter(self) -> Items<'a> {
        self.iter()
    }
}

impl fmt::Debug for List<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_gives_back_the_fields_it_was_made_from() {
        let fields = Fields {
            source: 2,
            row: 7,
            party: Some(Party::Person),
            name: "张伟".into(),
            name_key: "张伟".into(),
            id_number: Some("11010519491231002X".into()),
            uscc_invalid: Some(String::new().into()),
            mobiles: vec!["13912345678".into(), "13812345678".into()],
            emails: vec!["a@example.com".into()],
            city: "北京市".into(),
            address_detail: "x".repeat(70_000).into(),
            credit_limit: Some(5),
            ..Fields::default()
        };
        let record = Record::from(fields.clone());
        assert_eq!(record.fields(), fields);
        assert_eq!(record.name(), "张伟");
        assert_eq!(record.id_number(), Some("11010519491231002X"));
        assert_eq!(record.uscc_invalid(), Some(""));
        assert_eq!(record.uscc(), None);
        assert_eq!(record.mobiles().len(), 2);
        assert_eq!(record.mobiles().first(), Some("13912345678"));
        assert!(record.phones().is_empty());
        assert_eq!(record.phones().iter().count(), 0);
        assert!(record.emails().contains("a@example.com"));
        assert_eq!(record.address_detail().len(), 70_000);
        assert_eq!(record.city(), "北京市");
        let short = Record::from(Fields {
            name: "Ann".into(),
            ..Fields::default()
        });
        assert_eq!(short.name(), "Ann");
        assert_eq!(short.postcode(), "");
        assert!(size_of::<Record>() <= 128, "{}", size_of::<Record>());
    }

    #[test]
    fn the_stored_form_gives_back_the_record() {
        for detail in ["科技园南区", &"x".repeat(70_000)] {
            let record = Record::from(Fields {
                party: Some(Party::Company),
                name: "深圳市华为技术有限公司".into(),
                uscc: Some("914403001922038216".into()),
                phones: vec!["075528780808".into()],
                address_detail: detail.into(),
                birth_date: chrono::NaiveDate::from_ymd_opt(1987, 9, 15),
                credit_limit: Some(-3),
                ..Fields::default()
            });
            let bytes = postcard::to_stdvec(&record.pack()).unwrap();
            let back = Record::unpack(postcard::from_bytes(&bytes).unwrap(), 3, 9).unwrap();
            assert_eq!((back.source, back.row), (3, 9));
            assert_eq!(
                back.fields(),
                Fields {
                    source: 3,
                    row: 9,
                    ..record.fields()
                }
            );
        }
        // A form whose fields do not lie within its text, in order, is refused.
        let record = Record::from(Fields {
            name: "张伟".into(),
            ..Fields::default()
        });
        let mut packed = record.pack();
        packed.ends[0] = 1; // inside 张
        assert!(Record::unpack(packed, 0, 0).is_none());
        let mut packed = record.pack();
        packed.ends[3] = 99;
        assert!(Record::unpack(packed, 0, 0).is_none());
        let mut packed = record.pack();
        packed.ends.pop();
        assert!(Record::unpack(packed, 0, 0).is_none());
    }
}
