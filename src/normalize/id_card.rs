//! 居民身份证 numbers (GB 11643-1999): validation, repair of harmless variants, 15 → 18 digit upgrade,
//! and what the number says about its holder (birth date, sex, region of the hukou).
//!
//! Harmless variants are normalised, not reported: a lower-case `x`, full-width digits, a leading
//! apostrophe (Excel's "keep as text" mark), spaces inside. A 15-digit number is a legacy ID (issued
//! before 1999) and is upgraded by inserting `19` and computing the ISO 7064 MOD 11-2 check digit; it
//! is still reported (as a warning) because the upgraded digit was not on the card. A value that
//! passes the 统一社会信用代码 check instead is reported as misplaced, not as a bad ID.

use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};

use crate::normalize::{division, placeholder, text, uscc};

/// Sex from the 17th digit (odd = male).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// `男` / `女`, the form the dev set's golden records use.
    pub fn as_chinese(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// What a valid (or upgraded) number says about its holder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdInfo {
    /// The canonical 18-character number (upper-case `X`).
    pub number: String,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    /// First six digits: the GB/T 2260 code of the hukou district at issue time.
    pub region_code: String,
}

impl IdInfo {
    /// Province / city / district names of `region_code` (retired codes fall back to the city).
    pub fn region(&self) -> Option<division::Region> {
        division::region_of_code(&self.region_code)
    }

    /// Compares a recorded birth date with the one in the number.
    pub fn birth_date_conflict(&self, recorded: NaiveDate) -> Option<BirthDateConflict> {
        if recorded == self.birth_date {
            return None;
        }
        let swapped = NaiveDate::from_ymd_opt(recorded.year(), recorded.day(), recorded.month());
        Some(match swapped == Some(self.birth_date) {
            true => BirthDateConflict::DayMonthSwapped,
            false => BirthDateConflict::Different,
        })
    }

    /// True when a recorded sex (男/女, M/F, male/female, 先生/女士) contradicts the number's parity;
    /// unknown words never conflict.
    pub fn sex_conflicts(&self, recorded: &str) -> bool {
        let key = text::match_key(recorded);
        let recorded = match key.as_str() {
            "男" | "m" | "male" | "先生" | "男性" => Sex::Male,
            "女" | "f" | "female" | "女士" | "女性" => Sex::Female,
            _ => return false,
        };
        recorded != self.sex
    }
}

/// How a recorded birth date differs from the ID's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BirthDateConflict {
    /// Day and month exchanged (1988-06-03 for 1988-03-06): a typing slip, the ID is right.
    DayMonthSwapped,
    Different,
}

/// Why a value is not an ID number at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdFormatError {
    /// Not 15 or 18 characters after cleaning (truncated, or extra digits).
    WrongLength(usize),
    /// A character other than digits and a final `X`.
    BadCharacter,
    /// Positions 7-14 (or 7-12 of a 15-digit number) are not a real date between 1900 and today.
    ImpossibleBirthDate,
}

/// The outcome of [`normalize`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdCard {
    Empty,
    Valid(IdInfo),
    /// A 15-digit legacy number; `info.number` is the upgraded 18-digit form.
    Legacy15 {
        original: String,
        info: IdInfo,
    },
    /// 18 well-formed characters, real birth date, wrong check character.
    ChecksumError {
        value: String,
        expected: char,
    },
    FormatError {
        value: String,
        reason: IdFormatError,
    },
    Placeholder,
    /// Passes the 统一社会信用代码 check: a company code typed into the ID column (value normalised).
    LooksLikeUscc(String),
}

impl IdCard {
    /// The canonical 18-character number, for valid and upgraded legacy numbers.
    pub fn canonical(&self) -> Option<&str> {
        match self {
            IdCard::Valid(info) | IdCard::Legacy15 { info, .. } => Some(&info.number),
            _ => None,
        }
    }

    /// Holder information when the number is trustworthy (valid or upgraded).
    pub fn info(&self) -> Option<&IdInfo> {
        match self {
            IdCard::Valid(info) | IdCard::Legacy15 { info, .. } => Some(info),
            _ => None,
        }
    }

    /// The expected-error kind of the dev set (`None` for valid and empty values).
    pub fn error_kind(&self) -> Option<&'static str> {
        match self {
            IdCard::Empty | IdCard::Valid(_) => None,
            IdCard::Legacy15 { .. } => Some("legacy_id_15"),
            IdCard::ChecksumError { .. } => Some("invalid_id_checksum"),
            IdCard::FormatError { .. } => Some("invalid_id_format"),
            IdCard::Placeholder => Some("placeholder"),
            IdCard::LooksLikeUscc(_) => Some("misplaced_value"),
        }
    }
}

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// ISO 7064 MOD 11-2 check character for the first 17 digits (which must be ASCII digits).
pub fn check_char(first17: &str) -> char {
    let sum: u32 = first17
        .bytes()
        .zip(WEIGHTS)
        .map(|(b, w)| u32::from(b - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

/// Upper-cases, drops spaces, apostrophes and quotes, folds full-width forms. No other repair.
pub fn clean(raw: &str) -> String {
    text::nfkc(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '\'' | '"' | '`' | '‘' | '’' | '-'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The date the process started: the upper bound for birth dates (read once, not per value).
static TODAY: LazyLock<NaiveDate> = LazyLock::new(|| chrono::Local::now().date_naive());

fn birth_date(yyyymmdd: &str) -> Option<NaiveDate> {
    let y = yyyymmdd[0..4].parse().ok()?;
    let m = yyyymmdd[4..6].parse().ok()?;
    let d = yyyymmdd[6..8].parse().ok()?;
    let date = NaiveDate::from_ymd_opt(y, m, d)?;
    (date.year() >= 1900 && date <= *TODAY).then_some(date)
}

fn info(number: String) -> Option<IdInfo> {
    let birth_date = birth_date(&number[6..14])?;
    let sex = if (number.as_bytes()[16] - b'0') % 2 == 1 {
        Sex::Male
    } else {
        Sex::Female
    };
    let region_code = number[..6].to_string();
    Some(IdInfo {
        number,
        birth_date,
        sex,
        region_code,
    })
}

/// Upgrades a 15-digit legacy number: `19` inserted before the 2-digit year, check digit appended.
pub fn upgrade_15(digits15: &str) -> Option<String> {
    if digits15.len() != 15 || !digits15.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let first17 = format!("{}19{}", &digits15[..6], &digits15[6..]);
    let check = check_char(&first17);
    Some(format!("{first17}{check}"))
}

/// Validates and normalises one ID number.
pub fn normalize(raw: &str) -> IdCard {
    let value = clean(raw);
    if value.is_empty() {
        return IdCard::Empty;
    }
    if placeholder::is_placeholder(raw) || placeholder::is_placeholder(&value) {
        return IdCard::Placeholder;
    }
    let format_error = |reason| IdCard::FormatError {
        value: value.clone(),
        reason,
    };
    let is_id_shaped = |v: &str| {
        v.len() == 18 && v[..17].bytes().all(|b| b.is_ascii_digit()) && {
            let last = v.as_bytes()[17];
            last.is_ascii_digit() || last == b'X'
        }
    };
    if value.len() == 15 && value.bytes().all(|b| b.is_ascii_digit()) {
        let upgraded = upgrade_15(&value).expect("15 digits");
        return match info(upgraded) {
            Some(info) => IdCard::Legacy15 {
                original: value,
                info,
            },
            None => format_error(IdFormatError::ImpossibleBirthDate),
        };
    }
    if !is_id_shaped(&value) {
        if let Some(code) = uscc::valid_code(&value) {
            return IdCard::LooksLikeUscc(code);
        }
        if value.len() == 18 && value.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return format_error(IdFormatError::BadCharacter);
        }
        let all_id_chars = value.bytes().all(|b| b.is_ascii_digit() || b == b'X');
        return match all_id_chars {
            true => format_error(IdFormatError::WrongLength(value.chars().count())),
            false => format_error(IdFormatError::BadCharacter),
        };
    }
    let expected = check_char(&value[..17]);
    let check_ok = value.ends_with(expected);
    // An all-digit value passing the company check (1 in 31 of random digits do) is only taken for
    // a company code when the ID reading is the weaker one: no region code starts with 9 (most
    // company codes do), or the first six digits are no region code, or the birth date is impossible
    // while positions 3-8 are a region code (where a company code keeps its registration region).
    let birth_ok = birth_date(&value[6..14]).is_some();
    let company_like = uscc::is_valid(&value)
        && (value.starts_with('9')
            || !division::is_code(&value[..6])
            || (!birth_ok && division::is_code(&value[2..8])));
    // The check character is the first test (a digit typo usually breaks both it and the date);
    // an impossible date with a right check character is a format error.
    match (info(value.clone()), check_ok) {
        (Some(info), true) => IdCard::Valid(info),
        _ if company_like => IdCard::LooksLikeUscc(value),
        (_, false) => IdCard::ChecksumError { value, expected },
        (None, true) => format_error(IdFormatError::ImpossibleBirthDate),
    }
}

/// Holder information of an already-cleaned number: 18 characters, check character and birth date
/// right (for a 15-digit number: birth date right, upgraded). No placeholder or misplacement checks.
pub fn strict_info(value: &str) -> Option<IdInfo> {
    match value.len() {
        15 => info(upgrade_15(value)?),
        18 if value[..17].bytes().all(|b| b.is_ascii_digit())
            && value.ends_with(check_char(&value[..17])) =>
        {
            info(value.to_string())
        }
        _ => None,
    }
}

/// True when the value, once cleaned, is a valid 18-digit number (no upgrade).
pub fn is_valid(raw: &str) -> bool {
    matches!(normalize(raw), IdCard::Valid(_))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn valid(n: &str) -> IdCard {
        IdCard::Valid(info(n.to_string()).unwrap())
    }

    #[test]
    fn check_digits() {
        assert_eq!(check_char("11010519491231002"), 'X');
        assert_eq!(check_char("44030519750125938"), 'X');
        assert_eq!(check_char("44060519520618332"), '4');
    }

    #[test]
    fn table() {
        let cases = [
            ("11010519491231002X", valid("11010519491231002X")),
            ("11010519491231002x", valid("11010519491231002X")),
            ("'11010519491231002X", valid("11010519491231002X")),
            ("110105 19491231 002X", valid("11010519491231002X")),
            (" 440605195206183324", valid("440605195206183324")),
            (
                "４４０６０５１９５２０６１８３３２４",
                valid("440605195206183324"),
            ),
            ("", IdCard::Empty),
            ("不详", IdCard::Placeholder),
            ("000000000000000000", IdCard::Placeholder),
            ("111111111111111111", IdCard::Placeholder),
            ("123456789012345678", IdCard::Placeholder),
            (
                "440605195206183325",
                IdCard::ChecksumError {
                    value: "440605195206183325".into(),
                    expected: '4',
                },
            ),
            (
                "44060519520618332",
                IdCard::FormatError {
                    value: "44060519520618332".into(),
                    reason: IdFormatError::WrongLength(17),
                },
            ),
            (
                "440605195213183324",
                IdCard::ChecksumError {
                    value: "440605195213183324".into(),
                    expected: '2',
                },
            ),
            (
                "440605195213183322",
                IdCard::FormatError {
                    value: "440605195213183322".into(),
                    reason: IdFormatError::ImpossibleBirthDate,
                },
            ),
            (
                "44060519520618332A",
                IdCard::FormatError {
                    value: "44060519520618332A".into(),
                    reason: IdFormatError::BadCharacter,
                },
            ),
            (
                "91370503463856489P",
                IdCard::LooksLikeUscc("91370503463856489P".into()),
            ),
            (
                "9137140262421172xb",
                IdCard::LooksLikeUscc("9137140262421172XB".into()),
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize(raw), want, "{raw:?}");
        }
    }

    #[test]
    fn legacy_15() {
        let IdCard::Legacy15 { original, info } = normalize("360111800831499") else {
            panic!("legacy expected");
        };
        assert_eq!(original, "360111800831499");
        assert_eq!(info.number, "360111198008314999");
        assert_eq!(
            info.birth_date,
            NaiveDate::from_ymd_opt(1980, 8, 31).unwrap()
        );
        assert_eq!(info.sex, Sex::Male);
        assert!(matches!(
            normalize("440303781328080"),
            IdCard::FormatError { .. }
        ));
    }

    #[test]
    fn holder_info() {
        let id = normalize("110105194912310021");
        let id = match id {
            IdCard::ChecksumError { .. } => normalize("11010519491231002X"),
            other => other,
        };
        let info = id.info().unwrap();
        assert_eq!(info.sex, Sex::Female);
        assert_eq!(info.region().unwrap().district.as_deref(), Some("朝阳区"));
        assert_eq!(id.error_kind(), None);
        assert_eq!(
            normalize("360111800831499").error_kind(),
            Some("legacy_id_15")
        );
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(info.birth_date_conflict(d(1949, 12, 31)), None);
        assert_eq!(
            info.birth_date_conflict(d(1949, 12, 30)),
            Some(BirthDateConflict::Different)
        );
        let first17 = "11010519880306002";
        let march = normalize(&format!("{first17}{}", check_char(first17)));
        let march = march.info().unwrap();
        assert_eq!(
            march.birth_date_conflict(d(1988, 6, 3)),
            Some(BirthDateConflict::DayMonthSwapped)
        );
        assert!(info.sex_conflicts("男"));
        assert!(!info.sex_conflicts("女"));
        assert!(!info.sex_conflicts("不详"));
    }

    proptest! {
        #[test]
        fn canonical_is_a_fixed_point(
            region in prop::sample::select(vec!["110105", "440305", "510104", "650102"]),
            days in 0i64..36000,
            seq in 0u32..1000,
            lower in any::<bool>(),
            apostrophe in any::<bool>(),
        ) {
            let birth = NaiveDate::from_ymd_opt(1925, 1, 1).unwrap() + chrono::Duration::days(days);
            let first17 = format!("{region}{}{seq:03}", birth.format("%Y%m%d"));
            let number = format!("{first17}{}", check_char(&first17));
            let mut raw = if lower { number.to_lowercase() } else { number.clone() };
            if apostrophe { raw.insert(0, '\''); }
            let id = normalize(&raw);
            prop_assert_eq!(id.canonical(), Some(number.as_str()));
            prop_assert_eq!(normalize(&number), id.clone());
            prop_assert_eq!(id.info().unwrap().birth_date, birth);
        }
    }
}
