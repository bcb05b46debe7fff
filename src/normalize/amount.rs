//! Money amounts in yuan, from the free text of credit-limit style columns: `1,000,000`,
//! `500,000.00`, `¥5000`, `￥500,000.00`, `RMB 50000`, `5000元`, `100万`, `1.5万`, `50万元`, `1亿`,
//! and the financial capitals of cheques and contracts (`伍拾万元整`, `壹佰万元`).
//!
//! Amounts are held as an integer number of fen (0.01 yuan) so that no float rounding reaches a
//! comparison; the canonical text is whole yuan when there are no fen (`500000`), else two
//! decimals. `0` is a real value (no credit), not a placeholder.

use crate::normalize::{placeholder, text};

/// An amount in fen (1 yuan = 100 fen).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Yuan {
    pub fen: i64,
}

impl Yuan {
    /// Whole yuan when there are no fen, else two decimals: `500000`, `1234.50`, `-5000`.
    pub fn canonical(&self) -> String {
        let sign = if self.fen < 0 { "-" } else { "" };
        let abs = self.fen.unsigned_abs();
        match abs % 100 {
            0 => format!("{sign}{}", abs / 100),
            f => format!("{sign}{}.{f:02}", abs / 100),
        }
    }

    /// The amount in whole yuan, rounded half away from zero.
    pub fn whole_yuan(&self) -> i64 {
        (self.fen + self.fen.signum() * 50) / 100
    }
}

/// Why a value is not an amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountError {
    /// No number in it, or text beside the number that is not a currency word.
    NotANumber,
    /// More than two decimals, or digit groups that are not thousands (`1,00,000`).
    BadFormat,
    /// Beyond ±10¹⁵ yuan.
    OutOfRange,
}

/// The outcome of [`parse`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Amount {
    Empty,
    Valid(Yuan),
    Invalid(AmountError),
    Placeholder,
}

impl Amount {
    pub fn canonical(&self) -> Option<String> {
        match self {
            Amount::Valid(y) => Some(y.canonical()),
            _ => None,
        }
    }

    pub fn error_kind(&self) -> Option<&'static str> {
        match self {
            Amount::Invalid(_) => Some("invalid_amount"),
            Amount::Placeholder => Some("placeholder"),
            _ => None,
        }
    }
}

const MAX_FEN: i128 = 100_000_000_000_000_000;

/// Parses one amount.
pub fn parse(raw: &str) -> Amount {
    let cleaned = text::to_simplified(&text::clean(raw));
    if cleaned.is_empty() {
        return Amount::Empty;
    }
    if cleaned != "0" && placeholder::is_placeholder(&cleaned) {
        return Amount::Placeholder;
    }
    let (negative, body) = strip_sign(&strip_currency(&cleaned));
    let fen = if body.chars().any(is_chinese_numeral) && !body.bytes().any(|b| b.is_ascii_digit()) {
        chinese_fen(&body)
    } else {
        arabic_fen(&body)
    };
    match fen {
        Ok(f) if f.abs() > MAX_FEN => Amount::Invalid(AmountError::OutOfRange),
        Ok(f) => Amount::Valid(Yuan {
            fen: if negative { -(f as i64) } else { f as i64 },
        }),
        Err(e) => Amount::Invalid(e),
    }
}

/// Drops currency symbols and words: ¥ ￥ RMB CNY 人民币, and a final 元 / 圆 / 整 / 正 (an inner 元
/// separates yuan from 角 and 分 and stays).
fn strip_currency(s: &str) -> String {
    let mut out = s.to_uppercase();
    for word in ["人民币", "RMB", "CNY", "¥", "￥", " "] {
        out = out.replace(word, "");
    }
    let out = out.trim_end_matches(['整', '正']);
    out.trim_end_matches(['元', '圆']).to_string()
}

/// `-5000`, `负5000`, `(5000)` (accounting style) → negative.
fn strip_sign(s: &str) -> (bool, String) {
    if let Some(rest) = s.strip_prefix('-').or_else(|| s.strip_prefix('负')) {
        return (true, rest.to_string());
    }
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        return (true, inner.to_string());
    }
    (false, s.to_string())
}

/// `1,000,000.00`, `100万`, `1.5万`, `2亿`: digits with optional thousands commas, up to two
/// decimals, and an optional 万 / 亿 / 千 multiplier.
fn arabic_fen(s: &str) -> Result<i128, AmountError> {
    let (number, multiplier) = match s.char_indices().last() {
        Some((i, '万')) => (&s[..i], 10_000),
        Some((i, '亿')) => (&s[..i], 100_000_000),
        Some((i, '千')) => (&s[..i], 1_000),
        _ => (s, 1),
    };
    let (int, frac) = number.split_once('.').unwrap_or((number, ""));
    if int.is_empty() || !int.bytes().all(|b| b.is_ascii_digit() || b == b',') {
        return Err(AmountError::NotANumber);
    }
    if !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(AmountError::NotANumber);
    }
    if int.contains(',') {
        let groups: Vec<&str> = int.split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        if !first_ok || groups[1..].iter().any(|g| g.len() != 3) {
            return Err(AmountError::BadFormat);
        }
    }
    let int_digits: String = int.chars().filter(char::is_ascii_digit).collect();
    if int_digits.len() > 16 {
        return Err(AmountError::OutOfRange);
    }
    let whole: i128 = int_digits.parse().map_err(|_| AmountError::NotANumber)?;
    // Decimals beyond fen only make sense with a multiplier (1.2345万 = 12345 yuan).
    let scale = 10i128.pow(frac.len() as u32);
    let frac_value: i128 = if frac.is_empty() {
        0
    } else {
        frac.parse().map_err(|_| AmountError::NotANumber)?
    };
    let total_fen = (whole * scale + frac_value) * multiplier * 100;
    if total_fen % scale != 0 {
        return Err(AmountError::BadFormat);
    }
    Ok(total_fen / scale)
}

fn is_chinese_numeral(c: char) -> bool {
    digit_value(c).is_some()
        || unit_value(c).is_some()
        || matches!(c, '万' | '亿' | '角' | '分' | '元' | '圆')
}

fn digit_value(c: char) -> Option<i128> {
    Some(match c {
        '零' | '〇' => 0,
        '壹' | '一' => 1,
        '贰' | '二' | '两' => 2,
        '叁' | '三' => 3,
        '肆' | '四' => 4,
        '伍' | '五' => 5,
        '陆' | '六' => 6,
        '柒' | '七' => 7,
        '捌' | '八' => 8,
        '玖' | '九' => 9,
        _ => return None,
    })
}

fn unit_value(c: char) -> Option<i128> {
    Some(match c {
        '拾' | '十' => 10,
        '佰' | '百' => 100,
        '仟' | '千' => 1000,
        _ => None?,
    })
}

/// Chinese numerals, capital or common: 伍拾万 → 500000, 壹佰万 → 1000000, 壹仟贰佰叁拾肆元伍角 →
/// 1234.5, 十万 → 100000.
fn chinese_fen(s: &str) -> Result<i128, AmountError> {
    let (mut total, mut section, mut digit) = (0i128, 0i128, None::<i128>);
    let mut fen = 0i128;
    for c in s.chars() {
        if let Some(d) = digit_value(c) {
            digit = Some(d);
        } else if let Some(u) = unit_value(c) {
            section += digit.unwrap_or(1) * u;
            digit = None;
        } else if c == '万' {
            total += (section + digit.unwrap_or(0)) * 10_000;
            (section, digit) = (0, None);
        } else if c == '亿' {
            total = (total + section + digit.unwrap_or(0)) * 100_000_000;
            (section, digit) = (0, None);
        } else if c == '元' || c == '圆' {
            total += section + digit.unwrap_or(0);
            (section, digit) = (0, None);
        } else if c == '角' {
            fen += digit.take().ok_or(AmountError::NotANumber)? * 10;
        } else if c == '分' {
            fen += digit.take().ok_or(AmountError::NotANumber)?;
        } else {
            return Err(AmountError::NotANumber);
        }
    }
    Ok((total + section + digit.unwrap_or(0)) * 100 + fen)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn canon(raw: &str) -> Option<String> {
        parse(raw).canonical()
    }

    #[test]
    fn forms() {
        let cases = [
            ("1,000,000", "1000000"),
            ("1,000,000.00", "1000000"),
            ("200000.00", "200000"),
            ("100万", "1000000"),
            ("1.5万", "15000"),
            ("50万元", "500000"),
            ("¥5000", "5000"),
            ("￥500,000.00", "500000"),
            ("￥0.00", "0"),
            ("RMB 50000", "50000"),
            ("5000元", "5000"),
            ("伍拾万元整", "500000"),
            ("壹佰万元", "1000000"),
            ("壹拾万元整", "100000"),
            ("伍仟元整", "5000"),
            ("壹仟贰佰叁拾肆元伍角", "1234.50"),
            ("十万", "100000"),
            ("2亿", "200000000"),
            ("0", "0"),
            ("-5000", "-5000"),
            ("(5,000.00)", "-5000"),
            ("1234.5", "1234.50"),
            ("１００万", "1000000"),
            ("壹億元", "100000000"),
        ];
        for (raw, want) in cases {
            assert_eq!(canon(raw).as_deref(), Some(want), "{raw:?}");
        }
    }

    #[test]
    fn invalid() {
        let cases = [
            ("abc", Amount::Invalid(AmountError::NotANumber)),
            ("1,00,000", Amount::Invalid(AmountError::BadFormat)),
            ("12.345", Amount::Invalid(AmountError::BadFormat)),
            ("5000美元", Amount::Invalid(AmountError::NotANumber)),
            ("不详", Amount::Placeholder),
            ("", Amount::Empty),
        ];
        for (raw, want) in cases {
            assert_eq!(parse(raw), want, "{raw:?}");
        }
    }

    proptest! {
        #[test]
        fn canonical_is_a_fixed_point(yuan in -10_000_000i64..100_000_000, fen in 0i64..100, style in 0usize..4) {
            let raw = match style {
                0 => format!("{yuan}.{fen:02}"),
                1 => format!("¥{yuan}"),
                2 => format!("{yuan}元"),
                _ => format!("RMB {yuan}"),
            };
            let once = canon(&raw).unwrap();
            prop_assert_eq!(canon(&once), Some(once.clone()));
        }
    }
}
