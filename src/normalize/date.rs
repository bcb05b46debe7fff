//! Dates and date-times in the forms real exports carry, to canonical `YYYY-MM-DD` (+ time apart).
//!
//! Accepted: `2023-05-01`, `2023-5-1`, `2023/5/1`, `2023.5.1`, `2023年5月1日`, `20230501`, each with an
//! optional time (`2023/5/1 8:34`, `2023-05-01 08:34:00`, `2023-05-01T08:34:00+08:00`, `…Z`); epoch
//! milliseconds (13 digits) and seconds (10 digits); Excel serial numbers 20000-59999 (1900 date
//! system, so serial 60 is Excel's fictitious 1900-02-29 and later serials count from 1899-12-30).
//! Instants with an offset (ISO `Z`, epoch values) are given in China time (UTC+8): that is what a
//! clerk saw. Dates that do not exist (2023-02-30, month 13) are invalid; 1900-01-01 and 0000-00-00
//! are placeholders.

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone};

use crate::normalize::{placeholder, text};

/// A parsed value: a date and, when the source had one, a time of day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct When {
    pub date: NaiveDate,
    pub time: Option<NaiveTime>,
}

impl When {
    /// `YYYY-MM-DD`.
    pub fn canonical(&self) -> String {
        self.date.format("%Y-%m-%d").to_string()
    }

    /// `YYYY-MM-DD HH:MM:SS` when a time is present, else the date.
    pub fn canonical_datetime(&self) -> String {
        match self.time {
            Some(t) => format!("{} {}", self.canonical(), t.format("%H:%M:%S")),
            None => self.canonical(),
        }
    }
}

/// Why a value is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateError {
    /// Looks like a date but the day does not exist (2023-02-30, month 13, month 0).
    Impossible,
    /// No known date form.
    Unrecognised,
}

/// The outcome of [`parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateValue {
    Empty,
    Valid(When),
    Invalid(DateError),
    Placeholder,
}

impl DateValue {
    pub fn canonical(&self) -> Option<String> {
        match self {
            DateValue::Valid(w) => Some(w.canonical()),
            _ => None,
        }
    }

    pub fn error_kind(&self) -> Option<&'static str> {
        match self {
            DateValue::Invalid(_) => Some("invalid_date"),
            DateValue::Placeholder => Some("placeholder"),
            _ => None,
        }
    }
}

fn china() -> FixedOffset {
    FixedOffset::east_opt(8 * 3600).expect("valid offset")
}

fn from_instant(instant: DateTime<FixedOffset>) -> When {
    let local = instant.with_timezone(&china()).naive_local();
    When {
        date: local.date(),
        time: Some(local.time()),
    }
}

/// Excel 1900-system serial → date (time from the fraction).
pub fn from_excel_serial(serial: f64) -> Option<When> {
    if !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    let days = serial.trunc() as i64;
    // Serials before Excel's fictitious 1900-02-29 (serial 60) count from 1899-12-31.
    let base = if days < 60 {
        NaiveDate::from_ymd_opt(1899, 12, 31)?
    } else {
        NaiveDate::from_ymd_opt(1899, 12, 30)?
    };
    let date = base + Duration::days(days);
    let seconds = ((serial - serial.trunc()) * 86_400.0).round() as u32;
    let time = (seconds > 0)
        .then(|| NaiveTime::from_num_seconds_from_midnight_opt(seconds.min(86_399), 0))
        .flatten();
    Some(When { date, time })
}

/// Parses one value.
pub fn parse(raw: &str) -> DateValue {
    let s = text::clean(raw);
    if s.is_empty() {
        return DateValue::Empty;
    }
    if placeholder::is_placeholder(&s) {
        return DateValue::Placeholder;
    }
    let result = parse_numeric(&s)
        .or_else(|| parse_iso_offset(&s))
        .or_else(|| parse_fields(&s));
    match result {
        Some(Ok(when)) if placeholder::JUNK_DATES.contains(&when.canonical().as_str()) => {
            DateValue::Placeholder
        }
        Some(Ok(when)) => DateValue::Valid(when),
        Some(Err(e)) => DateValue::Invalid(e),
        None => DateValue::Invalid(DateError::Unrecognised),
    }
}

/// All-digit forms: `20230501`, epoch seconds / milliseconds, Excel serials (with fraction).
fn parse_numeric(s: &str) -> Option<Result<When, DateError>> {
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    if !frac.is_empty() && int.len() != 5 {
        return None; // 2023.5.1 has two dots and is handled by parse_fields
    }
    match int.len() {
        8 => Some(ymd(&int[..4], &int[4..6], &int[6..8]).map(|date| When { date, time: None })),
        10 | 13 => {
            let value: i64 = int.parse().ok()?;
            let millis = if int.len() == 13 { value } else { value * 1000 };
            let instant = china().timestamp_millis_opt(millis).single()?;
            Some(Ok(from_instant(instant)))
        }
        5 => {
            let serial: f64 = s.parse().ok()?;
            (20_000.0..60_000.0)
                .contains(&serial)
                .then(|| from_excel_serial(serial).ok_or(DateError::Unrecognised))
        }
        _ => None,
    }
}

/// ISO 8601 with an offset or `Z` (`2018-09-05T09:08:00+08:00`).
fn parse_iso_offset(s: &str) -> Option<Result<When, DateError>> {
    if !s.contains('T') || !(s.ends_with('Z') || s[10.min(s.len())..].contains(['+', '-'])) {
        return None;
    }
    let instant = DateTime::parse_from_rfc3339(s).ok()?;
    Some(Ok(from_instant(instant)))
}

fn ymd(y: &str, m: &str, d: &str) -> Result<NaiveDate, DateError> {
    let (y, m, d): (i32, u32, u32) = match (y.parse(), m.parse(), d.parse()) {
        (Ok(y), Ok(m), Ok(d)) => (y, m, d),
        _ => return Err(DateError::Unrecognised),
    };
    if !(1000..=9999).contains(&y) {
        return Err(DateError::Unrecognised);
    }
    NaiveDate::from_ymd_opt(y, m, d).ok_or(DateError::Impossible)
}

/// `Y-M-D`, `Y/M/D`, `Y.M.D`, `Y年M月D日`, optionally followed by ` H:MM[:SS]` or `TH:MM[:SS]`.
fn parse_fields(s: &str) -> Option<Result<When, DateError>> {
    let (date_part, time_part) = match s.find([' ', 'T']) {
        Some(i) => (&s[..i], Some(s[i + 1..].trim())),
        None => (s, None),
    };
    let date_part = date_part.trim_end_matches('日');
    let fields: Vec<&str> = date_part.split(['-', '/', '.', '年', '月']).collect();
    if fields.len() != 3
        || fields
            .iter()
            .any(|f| f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()))
    {
        return None;
    }
    if fields[0].len() != 4 || fields[1].len() > 2 || fields[2].len() > 2 {
        return None;
    }
    let date = match ymd(fields[0], fields[1], fields[2]) {
        Ok(d) => d,
        Err(e) => return Some(Err(e)),
    };
    let time = match time_part {
        None | Some("") => None,
        Some(t) => match parse_time(t) {
            Some(t) => Some(t),
            None => return Some(Err(DateError::Unrecognised)),
        },
    };
    Some(Ok(When { date, time }))
}

fn parse_time(t: &str) -> Option<NaiveTime> {
    let t = t.trim_end_matches('Z');
    for fmt in [
        "%H:%M:%S",
        "%H:%M",
        "%H:%M:%S%.f",
        "%H时%M分%S秒",
        "%H时%M分",
        "%H点%M分",
    ] {
        if let Ok(time) = NaiveTime::parse_from_str(t, fmt) {
            return Some(time);
        }
    }
    None
}

/// Convenience for callers holding a `NaiveDateTime`.
pub fn from_datetime(dt: NaiveDateTime) -> When {
    When {
        date: dt.date(),
        time: Some(dt.time()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn canon(raw: &str) -> Option<String> {
        match parse(raw) {
            DateValue::Valid(w) => Some(w.canonical_datetime()),
            _ => None,
        }
    }

    #[test]
    fn forms() {
        let cases = [
            ("2023年5月1日", "2023-05-01"),
            ("2023年05月01日", "2023-05-01"),
            ("2023.5.1", "2023-05-01"),
            ("2023/5/1", "2023-05-01"),
            ("2023/05/27", "2023-05-27"),
            ("2020-8-4", "2020-08-04"),
            ("2023-05-01", "2023-05-01"),
            ("20230501", "2023-05-01"),
            ("２０２３－０５－０１", "2023-05-01"),
            ("2023/5/1 8:34", "2023-05-01 08:34:00"),
            ("2015/3/29 10:09", "2015-03-29 10:09:00"),
            ("2012/2/25 10:00:00", "2012-02-25 10:00:00"),
            ("2023-05-01 08:34:00", "2023-05-01 08:34:00"),
            ("2018-09-05T09:08:00+08:00", "2018-09-05 09:08:00"),
            ("2018-09-05T01:08:00Z", "2018-09-05 09:08:00"),
            ("2018-09-05T09:08:00", "2018-09-05 09:08:00"),
            ("1513505700000", "2017-12-17 18:15:00"),
            ("1513505700", "2017-12-17 18:15:00"),
            ("44733", "2022-06-21"),
            ("45047", "2023-05-01"),
            ("45047.5", "2023-05-01 12:00:00"),
        ];
        for (raw, want) in cases {
            assert_eq!(canon(raw).as_deref(), Some(want), "{raw:?}");
        }
    }

    #[test]
    fn excel_1900_bug() {
        assert_eq!(from_excel_serial(59.0).unwrap().canonical(), "1900-02-28");
        assert_eq!(from_excel_serial(61.0).unwrap().canonical(), "1900-03-01");
        assert_eq!(from_excel_serial(1.0).unwrap().canonical(), "1900-01-01");
    }

    #[test]
    fn invalid_and_placeholder() {
        let cases = [
            ("2023-02-30", DateValue::Invalid(DateError::Impossible)),
            ("2023-13-01", DateValue::Invalid(DateError::Impossible)),
            ("1989-0-18", DateValue::Invalid(DateError::Impossible)),
            ("2002-02-30", DateValue::Invalid(DateError::Impossible)),
            ("20230230", DateValue::Invalid(DateError::Impossible)),
            ("昨天", DateValue::Invalid(DateError::Unrecognised)),
            (
                "2023-05-01 25:00",
                DateValue::Invalid(DateError::Unrecognised),
            ),
            ("1900-01-01", DateValue::Placeholder),
            ("1900/1/1", DateValue::Placeholder),
            ("0000-00-00", DateValue::Placeholder),
            ("不详", DateValue::Placeholder),
            ("", DateValue::Empty),
        ];
        for (raw, want) in cases {
            assert_eq!(parse(raw), want, "{raw:?}");
        }
    }

    proptest! {
        #[test]
        fn canonical_is_a_fixed_point(days in 0i64..60000, style in 0usize..5) {
            let date = NaiveDate::from_ymd_opt(1901, 1, 1).unwrap() + Duration::days(days);
            let raw = match style {
                0 => date.format("%Y年%-m月%-d日").to_string(),
                1 => date.format("%Y.%-m.%-d").to_string(),
                2 => date.format("%Y/%-m/%-d").to_string(),
                3 => date.format("%Y%m%d").to_string(),
                _ => date.format("%Y-%m-%d").to_string(),
            };
            let once = canon(&raw).unwrap();
            prop_assert_eq!(canon(&once), Some(once.clone()));
            prop_assert_eq!(once, date.format("%Y-%m-%d").to_string());
        }
    }
}
