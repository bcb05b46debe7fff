//! Phone numbers: mobiles, landlines with area code and extension, 400/800 numbers, local numbers
//! without an area code, and fields that hold several numbers.
//!
//! libphonenumber (the `phonenumber` crate, CN region) validates mobiles and service numbers and
//! knows which area codes exist, but it needs help first: NFKC (full-width digits), extensions
//! rewritten to `;ext=` (转801 / 分机801 / -801 / ext.801 / x801 / #801), prefixes such as `0086` or
//! `86-`. Landlines whose area code is known but whose local number libphonenumber's plan rejects
//! (a 7-digit local in a city that moved to 8 digits) are kept as landlines with `plan_valid = false`:
//! exports are full of them and they are real numbers. A 7-8 digit number without an area code is
//! `Local`, not an error: a later stage can add the area code from the record's city
//! ([`area_code_for_city`], [`with_area_code`]).

use std::collections::HashMap;
use std::sync::LazyLock;

use phonenumber::{country, metadata::Database, metadata::DATABASE, Type};

use crate::normalize::{division, numbering, placeholder, text};

const AREA_CODES_TSV: &str = include_str!("data/area_codes.tsv");

/// China's numbering plan alone, as libphonenumber has it (`data/phone_cn.xml`, the crate's own
/// metadata cut to one territory). Built in about a millisecond, where the crate's database of every
/// country compiles some 250 plans (≈ 100 ms of CPU): a run that normalizes a few changed rows
/// should not pay for the world's plans unless one of its numbers is foreign.
static CHINA: LazyLock<Database> = LazyLock::new(|| {
    Database::parse(include_str!("data/phone_cn.xml")).expect("China's numbering plan parses")
});

/// What kind of number a value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneKind {
    /// 11-digit mobile, canonical `13800138000`.
    Mobile,
    /// Fixed line with area code, canonical `010-62345678` or `0755-82345678-801`.
    Landline,
    /// 7-8 digits with no area code; canonical is the digits.
    Local,
    /// 400 / 800 service numbers, canonical digits (`4008108888`).
    TollFree,
    /// A number of another country, canonical E.164 (`+14155550134`): written with its `+`
    /// country code, or a North American number that is no Chinese number.
    Foreign,
    Invalid(InvalidReason),
    Placeholder,
    Empty,
}

/// Why a value cannot be a phone number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InvalidReason {
    /// Fewer digits than the number type needs (a dropped digit, a 5-digit local number).
    TooShort,
    /// More digits than the number type allows (a doubled digit).
    TooLong,
    /// The digits start the way no Chinese number does (a mobile range that does not exist).
    BadPrefix,
    /// Starts with 0 but the area code is not one we know.
    UnknownAreaCode,
    /// Letters or other characters that are not separators.
    NotANumber,
}

/// One parsed number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phone {
    pub kind: PhoneKind,
    /// Canonical text (see [`PhoneKind`]); for invalid values the digits as written.
    pub canonical: String,
    /// Area code with its leading 0 (`0755`), for landlines.
    pub area_code: Option<String>,
    /// Extension digits, landlines only.
    pub extension: Option<String>,
    /// For landlines: libphonenumber accepts the number. False for plausible numbers its plan
    /// rejects (kept as landlines, worth a warning at most).
    pub plan_valid: bool,
}

impl Phone {
    fn new(kind: PhoneKind, canonical: impl Into<String>) -> Phone {
        Phone {
            kind,
            canonical: canonical.into(),
            area_code: None,
            extension: None,
            plan_valid: true,
        }
    }

    /// Mobile, landline, local or toll-free.
    pub fn is_usable(&self) -> bool {
        matches!(
            self.kind,
            PhoneKind::Mobile | PhoneKind::Landline | PhoneKind::Local | PhoneKind::TollFree
        )
    }

    /// The key two writings of one number share: E.164-like digits (`8613800138000`,
    /// `8675582345678`), extension dropped; local numbers and invalid values give their digits.
    pub fn match_key(&self) -> String {
        match self.kind {
            PhoneKind::Mobile | PhoneKind::TollFree => format!("86{}", self.canonical),
            PhoneKind::Landline => {
                let area = self.area_code.as_deref().unwrap_or("0");
                let local = self.canonical.split('-').nth(1).unwrap_or("");
                format!("86{}{}", &area[1..], local)
            }
            _ => self.canonical.clone(),
        }
    }

    /// The expected-error kind of the dev set (`None` for usable and empty values).
    pub fn error_kind(&self) -> Option<&'static str> {
        match self.kind {
            PhoneKind::Invalid(_) => Some("invalid_phone"),
            PhoneKind::Placeholder => Some("placeholder"),
            _ => None,
        }
    }
}

/// Area code → (province, city) and city → area code, from `data/area_codes.tsv`.
struct AreaCodes {
    by_code: HashMap<&'static str, Vec<(&'static str, &'static str)>>,
    by_city: HashMap<&'static str, &'static str>,
    /// Cities by their short names (深圳 for 深圳市).
    by_short: HashMap<&'static str, &'static str>,
}

static AREA_CODES: LazyLock<AreaCodes> = LazyLock::new(|| {
    let mut by_code: HashMap<&str, Vec<(&str, &str)>> = HashMap::new();
    let mut by_city = HashMap::new();
    let mut by_short = HashMap::new();
    for line in AREA_CODES_TSV
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let mut f = line.split('\t');
        let (Some(code), Some(province), Some(city)) = (f.next(), f.next(), f.next()) else {
            continue;
        };
        by_code.entry(code).or_default().push((province, city));
        by_city.entry(city).or_insert(code);
        by_short.entry(division::short_name(city)).or_insert(code);
    }
    AreaCodes {
        by_code,
        by_city,
        by_short,
    }
});

/// Area code (with its 0) of a city, given its full name (深圳市), short name (深圳) or, for the
/// municipalities, the province. `None` when unknown. A short name two cities share gets the
/// code of the first in the table.
pub fn area_code_for_city(city: &str) -> Option<&'static str> {
    if !text::has_cjk(city) {
        return None;
    }
    let codes = &*AREA_CODES;
    let city = text::to_simplified(&text::clean(city));
    codes
        .by_city
        .get(city.as_str())
        .or_else(|| codes.by_short.get(city.as_str()))
        .copied()
}

/// Cities that use an area code (`0755` → `[("广东省", "深圳市")]`).
pub fn cities_for_area_code(area_code: &str) -> &'static [(&'static str, &'static str)] {
    AREA_CODES.by_code.get(area_code).map_or(&[], Vec::as_slice)
}

fn is_known_area_code(code: &str) -> bool {
    AREA_CODES.by_code.contains_key(code)
}

/// Gives a `Local` number the area code of its city; other numbers are returned unchanged.
pub fn with_area_code(phone: &Phone, area_code: &str) -> Phone {
    if phone.kind != PhoneKind::Local {
        return phone.clone();
    }
    let digits = format!("{}{}", area_code, phone.canonical);
    classify_digits(&digits, phone.extension.clone())
}

/// Splits a field on the separators people put between numbers (`/ 、 ; ， , | 或 or`, line
/// breaks) and parses each part; a space-separated pair of complete numbers is split too, and a
/// short all-digit part after a landline (`0755-12345678/801`) is taken as its extension.
pub fn parse_field(raw: &str) -> Vec<Phone> {
    let folded = text::nfkc(raw)
        .replace(" 或 ", "/")
        .replace('或', "/")
        .replace(" or ", "/");
    let mut out: Vec<Phone> = Vec::new();
    for part in folded.split(['/', '、', ';', '；', ',', '，', '|', '\n', '\r']) {
        if part.trim().is_empty() {
            continue;
        }
        let phone = parse(part);
        let short_digits =
            part.trim().chars().all(|c| c.is_ascii_digit()) && part.trim().len() <= 5;
        if let (true, Some(prev)) = (short_digits, out.last_mut()) {
            if prev.kind == PhoneKind::Landline && prev.extension.is_none() {
                prev.extension = Some(part.trim().to_string());
                prev.canonical = format!("{}-{}", prev.canonical, part.trim());
                continue;
            }
        }
        if matches!(phone.kind, PhoneKind::Invalid(_)) {
            if let Some(pair) = split_on_space(part) {
                out.extend(pair);
                continue;
            }
        }
        out.push(phone);
    }
    if out.is_empty() {
        out.push(Phone::new(PhoneKind::Empty, ""));
    }
    out
}

/// `13812345678 0755-1234567`: two complete numbers separated by a space.
fn split_on_space(part: &str) -> Option<[Phone; 2]> {
    let tokens: Vec<&str> = part.split_whitespace().collect();
    (1..tokens.len()).find_map(|k| {
        let (a, b) = (parse(&tokens[..k].join(" ")), parse(&tokens[k..].join(" ")));
        let complete = |p: &Phone| {
            matches!(
                p.kind,
                PhoneKind::Mobile
                    | PhoneKind::Landline
                    | PhoneKind::TollFree
                    | PhoneKind::Foreign
                    | PhoneKind::Placeholder
            )
        };
        (complete(&a) && (complete(&b) || b.kind == PhoneKind::Local)).then_some([a, b])
    })
}

/// Parses one number (use [`parse_field`] for fields that may hold several).
pub fn parse(raw: &str) -> Phone {
    let folded = text::clean(raw).to_lowercase();
    if folded.is_empty() {
        return Phone::new(PhoneKind::Empty, "");
    }
    if placeholder::is_placeholder(&folded) {
        return Phone::new(PhoneKind::Placeholder, text::digits(&folded));
    }
    let (main, extension) = split_extension(&folded);
    let Some(digits) = national_digits(&main) else {
        return Phone::new(PhoneKind::Invalid(InvalidReason::NotANumber), folded);
    };
    if placeholder::is_placeholder(&digits) {
        return Phone::new(PhoneKind::Placeholder, digits);
    }
    // `+1 754 622 8431` and `1-754-622-8431` read as 11 digits that look like a Chinese mobile
    // (175…); the country code, or the North American 1-3-3-4 grouping, says they are not.
    if written_foreign(&main) {
        if let Some(foreign) = foreign(&main) {
            return foreign;
        }
    }
    let phone = classify_digits(&digits, extension.clone());
    if let PhoneKind::Invalid(_) = phone.kind {
        if let Some(foreign) = foreign(&main) {
            return foreign;
        }
    }
    // `0755-1234567-801` without a marker: the last dash group is an extension when the rest is a
    // landline and the whole is not.
    if extension.is_none() && phone.kind != PhoneKind::Landline {
        if let Some((head, tail)) = main.rsplit_once('-') {
            let tail = tail.trim();
            if (1..=6).contains(&tail.len()) && tail.bytes().all(|b| b.is_ascii_digit()) {
                if let Some(head_digits) = national_digits(head) {
                    let with_ext = classify_digits(&head_digits, Some(tail.to_string()));
                    if with_ext.kind == PhoneKind::Landline {
                        return with_ext;
                    }
                }
            }
        }
    }
    phone
}

/// A number written with a country code other than China's, or in the North American
/// `1-415-555-0134` grouping, which no Chinese number uses.
fn written_foreign(main: &str) -> bool {
    let trimmed = main.trim();
    if let Some(rest) = trimmed.strip_prefix('+') {
        let rest = rest.trim_start();
        return !rest.starts_with("86") && !rest.starts_with("0086");
    }
    let groups = digit_groups(trimmed);
    groups.len() == 4 && groups[0] == "1" && groups[1..].iter().map(|g| g.len()).eq([3, 3, 4])
}

/// The runs of digits a number is written in (`(415) 555-0134` → `415`, `555`, `0134`).
fn digit_groups(s: &str) -> Vec<&str> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|g| !g.is_empty())
        .collect()
}

/// A valid number of another country: `+44 20 7946 0958`, or a North American number written the
/// North American way, in groups of 3-3-4 (`(415) 555-0134`, `415.555.0134`), which no Chinese
/// number uses (landlines are 3-8 / 4-7, mobiles 3-4-4).
fn foreign(main: &str) -> Option<Phone> {
    let trimmed = main.trim();
    if let Some(national) = north_american(trimmed) {
        if let Some(valid) = numbering::is_valid(1, &national) {
            return valid.then(|| Phone::new(PhoneKind::Foreign, format!("+1{national}")));
        }
    }
    foreign_by_crate(trimmed)
}

/// The ten national digits of a North American number written in full (`+1 415 555 0134`,
/// `1-415-555-0134`, `(415) 555-0134`), when its area code does not begin with 0 or 1 (so there is
/// no national prefix to read); what libphonenumber reads from the same text.
fn north_american(trimmed: &str) -> Option<String> {
    let separator = |c: char| matches!(c, ' ' | '-' | '(' | ')' | '.');
    let digits: String;
    if let Some(rest) = trimmed.strip_prefix('+') {
        if !rest.chars().all(|c| c.is_ascii_digit() || separator(c)) {
            return None;
        }
        digits = text::digits(rest);
        if digits.len() != 11 || !digits.starts_with('1') {
            return None;
        }
    } else {
        let groups = digit_groups(trimmed);
        let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
        if lengths != [3, 3, 4] && !(lengths == [1, 3, 3, 4] && groups[0] == "1") {
            return None;
        }
        digits = groups.concat();
    }
    let national = &digits[digits.len() - 10..];
    matches!(national.as_bytes()[0], b'2'..=b'9').then(|| national.to_string())
}

/// A foreign number as libphonenumber parses and validates it.
fn foreign_by_crate(trimmed: &str) -> Option<Phone> {
    let number = if trimmed.starts_with('+') {
        phonenumber::parse(None, trimmed).ok()?
    } else {
        let lengths: Vec<usize> = digit_groups(trimmed).iter().map(|g| g.len()).collect();
        if lengths != [3, 3, 4] && lengths != [1, 3, 3, 4] {
            return None;
        }
        phonenumber::parse(Some(country::Id::US), text::digits(trimmed)).ok()?
    };
    if number.code().value() == 86 || !phonenumber::is_valid(&number) {
        return None;
    }
    let e164 = number.format().mode(phonenumber::Mode::E164).to_string();
    Some(Phone::new(PhoneKind::Foreign, e164))
}

/// Splits `…转801`, `…分机801`, `…ext.801`, `…x801`, `…#801`, `…(分机801)` into number and extension.
fn split_extension(s: &str) -> (String, Option<String>) {
    const MARKERS: [&str; 9] = [
        "转",
        "分机号",
        "分机",
        "ext.",
        "ext",
        "extn",
        "x",
        "#",
        ";ext=",
    ];
    let found = MARKERS
        .iter()
        .filter_map(|m| s.find(m).map(|i| (i, m.len())))
        .min_by_key(|(i, _)| *i);
    let Some((at, len)) = found else {
        return (s.to_string(), None);
    };
    let ext: String = s[at + len..].chars().filter(char::is_ascii_digit).collect();
    let rest_ok = s[at + len..]
        .chars()
        .all(|c| c.is_ascii_digit() || " .:=:()-".contains(c));
    if ext.is_empty() || !rest_ok {
        return (s.to_string(), None);
    }
    let main = s[..at].trim_end_matches(['(', ' ', '-', ',']).to_string();
    (main, Some(ext))
}

/// Separators and international prefixes removed; `None` if anything else is left. The result is in
/// national form: mobiles `1…`, landlines `0…`.
fn national_digits(s: &str) -> Option<String> {
    let s = s.trim();
    let (international, rest) =
        if let Some(r) = s.strip_prefix("(+86)").or_else(|| s.strip_prefix("+86")) {
            (true, r)
        } else if let Some(r) = s.strip_prefix("0086").or_else(|| s.strip_prefix("+0086")) {
            (true, r)
        } else if let Some(r) = s.strip_prefix("86-").or_else(|| s.strip_prefix("86 ")) {
            (true, r)
        } else {
            (false, s)
        };
    let rest = rest.trim_start().strip_prefix("(0)").unwrap_or(rest);
    let mut digits = String::with_capacity(rest.len());
    for c in rest.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '-' | '(' | ')' | '.' | '[' | ']' | '+' => {}
            _ => return None,
        }
    }
    if digits.is_empty() {
        return None;
    }
    // `8613800138000`: the 86 written without + or separator.
    if !international && digits.len() == 13 && digits.starts_with("861") {
        return Some(digits[2..].to_string());
    }
    if international && !digits.starts_with('1') && !digits.starts_with('0') {
        digits.insert(0, '0');
    }
    if international && digits.starts_with("10") && digits.len() == 10 {
        digits.insert(0, '0'); // +86 10 62345678 is Beijing, not a mobile
    }
    Some(digits)
}

fn is_mobile_shape(digits: &str) -> bool {
    digits.len() == 11 && digits.starts_with('1')
}

/// libphonenumber's verdict on a national number: its type when valid.
/// Compile China's plan's patterns ahead of need, and with `world` load every country's metadata
/// (a tenth of a second, once per process); see `normalize::warm_up`. Nothing is memoized here.
pub fn warm_up(world: bool) {
    // A mobile, a landline, and a number of neither kind (every pattern of the plan is tried).
    for digits in ["13800138000", "01065529988", "19999999999"] {
        lib_type_uncached(digits);
    }
    if world {
        let _ = DATABASE.by_code(&86);
    }
}

/// libphonenumber's verdict on national digits, read as dialled in China. China's plan alone
/// decides unless it reads the digits as dialled abroad (an international prefix: `00…`, or a
/// carrier's `1xx xx 00…`) or cannot read them at all: then every country's plan reads them, as
/// the crate would.
fn lib_type_uncached(digits: &str) -> Option<Type> {
    use country::Source;
    let (number, plans) = match phonenumber::parse_with(&CHINA, Some(country::Id::CN), digits) {
        Ok(n) if matches!(n.code().source(), Source::Default | Source::Number) => (n, &*CHINA),
        _ => (
            phonenumber::parse(Some(country::Id::CN), digits).ok()?,
            &*DATABASE,
        ),
    };
    // A number is valid when its plan gives it a type: without a leading zero in its national
    // number (which validity reads and the type does not) that is one match of the plan's
    // patterns, not one for validity and the same again for the type.
    if number.national().zeros() == 0 {
        let kind = number.number_type(plans);
        return (kind != Type::Unknown).then_some(kind);
    }
    number
        .is_valid_with(plans)
        .then(|| number.number_type(plans))
}

/// The digits that decide the verdict of [`lib_type_uncached`], packed with the length, or `None`
/// when the number is not memoized. The CN plan decides a mobile by its first five digits (`1740[0-5]`,
/// `1(?:[38]\d|4[57]|…)`) and a landline by its area code and at most the first six digits of the
/// local number; every later digit is `\d`. Numbers that libphonenumber might read as a carrier
/// prefix (`11…`, `12…`, `179…`) are always asked afresh.
fn verdict_key(digits: &str) -> Option<u64> {
    let b = digits.as_bytes();
    let decisive = match b.first()? {
        b'1' if b.len() == 11 && !matches!(b[1], b'1' | b'2') && !digits.starts_with("179") => 5,
        b'0' if (4..=16).contains(&b.len()) => b.len().min(9),
        _ => return None,
    };
    let mut key = b.len() as u64;
    for &d in &b[..decisive] {
        if !d.is_ascii_digit() {
            return None;
        }
        key = key * 10 + u64::from(d - b'0');
    }
    Some(key * 100 + decisive as u64)
}

/// Verdicts by their decisive digits: one regex search per number prefix instead of one per value
/// (libphonenumber's matching dominates normalization otherwise). The memo only ever holds what
/// [`lib_type_uncached`] answers, so results do not depend on the order values arrive in.
static VERDICTS: LazyLock<std::sync::RwLock<HashMap<u64, Option<Type>>>> =
    LazyLock::new(Default::default);

/// The verdicts memoized so far, as JSON: the state store keeps them, so that a later run of the
/// same steward takes them over ([`remember_verdicts`]) instead of asking libphonenumber again
/// for every prefix it meets (an incremental run normalizes few rows, of many prefixes).
pub fn verdicts() -> String {
    let mut all: Vec<(u64, Option<Type>)> = VERDICTS
        .read()
        .expect("verdict memo")
        .iter()
        .map(|(k, v)| (*k, *v))
        .collect();
    all.sort_unstable_by_key(|(k, _)| *k);
    serde_json::to_string(&all).expect("verdicts serialize")
}

/// Take over verdicts [`verdicts`] wrote (by this steward version: the caller checks). Anything
/// unreadable is ignored: the verdicts are then found again.
pub fn remember_verdicts(json: &str) {
    if let Ok(all) = serde_json::from_str::<Vec<(u64, Option<Type>)>>(json) {
        VERDICTS.write().expect("verdict memo").extend(all);
    }
}

fn lib_type(digits: &str) -> Option<Type> {
    let Some(key) = verdict_key(digits) else {
        return lib_type_uncached(digits);
    };
    if let Some(v) = VERDICTS.read().expect("verdict memo").get(&key) {
        return *v;
    }
    let v = lib_type_uncached(digits);
    VERDICTS.write().expect("verdict memo").insert(key, v);
    v
}

fn classify_digits(digits: &str, extension: Option<String>) -> Phone {
    let invalid = |reason| Phone::new(PhoneKind::Invalid(reason), digits);
    let first = digits.as_bytes()[0];
    match first {
        b'1' => {
            let kind = match digits.len() {
                0..=10 => return invalid(InvalidReason::TooShort),
                11 => lib_type(digits),
                _ => return invalid(InvalidReason::TooLong),
            };
            match kind {
                Some(Type::Mobile | Type::FixedLineOrMobile) if is_mobile_shape(digits) => {
                    Phone::new(PhoneKind::Mobile, digits)
                }
                _ => invalid(InvalidReason::BadPrefix),
            }
        }
        b'4' | b'8'
            if digits.len() == 10 && (digits.starts_with("400") || digits.starts_with("800")) =>
        {
            Phone::new(PhoneKind::TollFree, digits)
        }
        b'0' => landline(digits, extension),
        _ => match digits.len() {
            7 | 8 => Phone {
                extension,
                ..Phone::new(PhoneKind::Local, digits)
            },
            0..=6 => invalid(InvalidReason::TooShort),
            _ => invalid(InvalidReason::BadPrefix),
        },
    }
}

fn landline(digits: &str, extension: Option<String>) -> Phone {
    let invalid = |reason| Phone::new(PhoneKind::Invalid(reason), digits);
    let area_len = if digits.starts_with("010") || digits.starts_with("02") {
        3
    } else {
        4
    };
    if digits.len() <= area_len {
        return invalid(InvalidReason::TooShort);
    }
    let (area, local) = digits.split_at(area_len);
    if !is_known_area_code(area) {
        return invalid(InvalidReason::UnknownAreaCode);
    }
    if local.starts_with(['0', '1']) {
        return invalid(InvalidReason::BadPrefix);
    }
    let min = if area_len == 3 { 8 } else { 7 };
    match local.len() {
        n if n < min => return invalid(InvalidReason::TooShort),
        n if n > 8 => return invalid(InvalidReason::TooLong),
        _ => {}
    }
    let plan_valid = matches!(
        lib_type(digits),
        Some(Type::FixedLine | Type::FixedLineOrMobile)
    );
    let canonical = match &extension {
        Some(ext) => format!("{area}-{local}-{ext}"),
        None => format!("{area}-{local}"),
    };
    Phone {
        kind: PhoneKind::Landline,
        canonical,
        area_code: Some(area.to_string()),
        extension,
        plan_valid,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn foreign_numbers_in_e164() {
        for (raw, want) in [
            ("(415) 555-0134", Some("+14155550134")),
            ("+1 415 555 0134", Some("+14155550134")),
            ("415.555.0134", Some("+14155550134")),
            ("+44 20 7946 0958", Some("+442079460958")),
            ("+1 (754) 622-8431", Some("+17546228431")),
            ("1-754-622-8431", Some("+17546228431")),
            ("+86 175 4622 8431", None),
            ("13800138001", None),
            ("010-62345678", None),
        ] {
            let p = parse(raw);
            let got = (p.kind == PhoneKind::Foreign).then_some(p.canonical.as_str());
            assert_eq!(got, want, "{raw}");
        }
    }
    use proptest::prelude::*;

    fn canon(raw: &str) -> (PhoneKind, String) {
        let p = parse(raw);
        (p.kind, p.canonical)
    }

    #[test]
    fn mobiles() {
        let forms = [
            "13982345678",
            "139 8234 5678",
            "139-8234-5678",
            "+86 139 8234 5678",
            "+86-13982345678",
            "+8613982345678",
            "(+86)13982345678",
            "0086 13982345678",
            "86-13982345678",
            "8613982345678",
            "１３９８２３４５６７８",
            "＋８６ １３９８２３４５６７８",
            " 13982345678\t",
        ];
        for raw in forms {
            assert_eq!(
                canon(raw),
                (PhoneKind::Mobile, "13982345678".into()),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn landlines() {
        let cases = [
            ("010-62345678", "010-62345678"),
            ("(010)62345678", "010-62345678"),
            ("（010）62345678", "010-62345678"),
            ("010 6234 5678", "010-62345678"),
            ("01062345678", "010-62345678"),
            ("+86 10 62345678", "010-62345678"),
            ("+86 755 82345678", "0755-82345678"),
            ("0755-82345678-801", "0755-82345678-801"),
            ("0755-82345678转801", "0755-82345678-801"),
            ("0755-82345678 分机801", "0755-82345678-801"),
            ("0755-82345678 ext.801", "0755-82345678-801"),
            ("0755-82345678 x801", "0755-82345678-801"),
            ("02522159278转3594", "025-22159278-3594"),
            ("0311 6490 028转3746", "0311-6490028-3746"),
            ("(0879)2214493", "0879-2214493"),
        ];
        for (raw, want) in cases {
            assert_eq!(canon(raw), (PhoneKind::Landline, want.into()), "{raw:?}");
        }
        let p = parse("0755-82345678-801");
        assert_eq!(
            (p.area_code.as_deref(), p.extension.as_deref()),
            (Some("0755"), Some("801"))
        );
        assert_eq!(p.match_key(), parse("+86 755 8234 5678").match_key());
    }

    #[test]
    fn other_kinds() {
        let cases = [
            ("62345678", PhoneKind::Local),
            ("6234567", PhoneKind::Local),
            ("400-810-8888", PhoneKind::TollFree),
            ("800 810 8888", PhoneKind::TollFree),
            ("13800138000", PhoneKind::Placeholder),
            ("11111111111", PhoneKind::Placeholder),
            ("不详", PhoneKind::Placeholder),
            ("", PhoneKind::Empty),
            ("1391234567", PhoneKind::Invalid(InvalidReason::TooShort)),
            ("139823456789", PhoneKind::Invalid(InvalidReason::TooLong)),
            ("3612448641", PhoneKind::Invalid(InvalidReason::BadPrefix)),
            ("10082345678", PhoneKind::Invalid(InvalidReason::BadPrefix)),
            ("0873-44106", PhoneKind::Invalid(InvalidReason::TooShort)),
            ("0574-895253400", PhoneKind::Invalid(InvalidReason::TooLong)),
            (
                "0999-82345678x",
                PhoneKind::Invalid(InvalidReason::NotANumber),
            ),
            ("tel 139", PhoneKind::Invalid(InvalidReason::NotANumber)),
        ];
        for (raw, want) in cases {
            assert_eq!(parse(raw).kind, want, "{raw:?}");
        }
    }

    #[test]
    fn fields_with_several_numbers() {
        let kinds = |raw: &str| {
            parse_field(raw)
                .into_iter()
                .map(|p| p.canonical)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            kinds("13982345678/0755-82345678"),
            ["13982345678", "0755-82345678"]
        );
        assert_eq!(
            kinds("13982345678、(025)52292070"),
            ["13982345678", "025-52292070"]
        );
        assert_eq!(kinds("139 8234 5678、6395110"), ["13982345678", "6395110"]);
        assert_eq!(
            kinds("13982345678，0837-41536786"),
            ["13982345678", "0837-41536786"]
        );
        assert_eq!(
            kinds("13982345678 或 13812345679"),
            ["13982345678", "13812345679"]
        );
        assert_eq!(
            kinds("13982345678 0755-2234567"),
            ["13982345678", "0755-2234567"]
        );
        assert_eq!(kinds("0755-82345678/801"), ["0755-82345678-801"]);
        assert_eq!(
            kinds("00000000000 010-58870644"),
            ["00000000000", "010-58870644"]
        );
        assert_eq!(parse_field("")[0].kind, PhoneKind::Empty);
    }

    #[test]
    fn area_codes() {
        assert_eq!(area_code_for_city("深圳市"), Some("0755"));
        assert_eq!(area_code_for_city("深圳"), Some("0755"));
        assert_eq!(area_code_for_city("北京市"), Some("010"));
        assert_eq!(area_code_for_city("開封市"), Some("0371"));
        assert_eq!(area_code_for_city("火星"), None);
        let local = parse("46646264");
        assert_eq!(with_area_code(&local, "0591").canonical, "0591-46646264");
        assert!(cities_for_area_code("0755").contains(&("广东省", "深圳市")));
    }

    /// Numbers that share their decisive digits but not their tails get libphonenumber's own verdict.
    #[test]
    fn memoized_verdict_is_libphonenumber_s() {
        let mut next = crate::normalize::test_numbers(0x2545_F491_4F6C_DD1D_u64);
        let mut numbers = Vec::new();
        for prefix in 10_000..20_000u64 {
            for _ in 0..2 {
                numbers.push(format!("{prefix}{:06}", next(1_000_000)));
            }
        }
        for _ in 0..20_000 {
            let area =
                ["010", "021", "0755", "0591", "0311", "0433", "0851", "0978"][next(8) as usize];
            let local = 5 + next(5) as usize;
            let head = format!("{area}{:03}", next(40) * 25);
            let tail: String = (0..local.saturating_sub(3))
                .map(|_| char::from(b'0' + next(10) as u8))
                .collect();
            numbers.push(format!("{head}{tail}"));
        }
        for n in &numbers {
            assert_eq!(lib_type(n), lib_type_uncached(n), "{n}");
        }
    }

    /// China's plan alone gives every verdict the crate's database of every country gives: mobiles
    /// of every prefix, landlines of every area code, carrier prefixes, numbers dialled abroad
    /// (`00…`) and digits of every length. Fails when the crate's metadata moves on without
    /// `data/phone_cn.xml`.
    #[test]
    fn china_s_plan_alone_reads_as_the_whole_database() {
        let world = |digits: &str| {
            let n = phonenumber::parse(Some(country::Id::CN), digits).ok()?;
            n.is_valid_with(&DATABASE).then(|| n.number_type(&DATABASE))
        };
        let mut next = crate::normalize::test_numbers(0x9E37_79B9_7F4A_7C15_u64);
        let digits = |next: &mut dyn FnMut(u64) -> u64, n: usize| -> String {
            (0..n).map(|_| char::from(b'0' + next(10) as u8)).collect()
        };
        let mut numbers = Vec::new();
        for prefix in 10_000..20_000u64 {
            numbers.push(format!("{prefix}{}", digits(&mut next, 6)));
        }
        let mut codes: Vec<&str> = AREA_CODES.by_code.keys().copied().collect();
        codes.sort_unstable();
        for code in codes {
            for len in 5..=9 {
                numbers.push(format!("{code}{}", digits(&mut next, len)));
            }
        }
        for head in [
            "00", "0086", "001", "0044", "11", "12", "179", "17951", "1790000", "86", "400", "800",
            "95",
        ] {
            for len in 3..=12 {
                numbers.push(format!("{head}{}", digits(&mut next, len)));
            }
        }
        for len in 1..=17 {
            for _ in 0..200 {
                numbers.push(digits(&mut next, len));
            }
        }
        let mut checked = 0;
        for n in &numbers {
            assert_eq!(lib_type_uncached(n), world(n), "{n}");
            checked += usize::from(world(n).is_some());
        }
        assert!(checked > 6_000, "{checked}");
    }

    /// North American numbers in every written form get the verdict and the E.164 form
    /// libphonenumber gives them.
    #[test]
    fn north_american_numbers_as_libphonenumber_reads_them() {
        let mut next = crate::normalize::test_numbers(0xD1B5_4A32_D192_ED03_u64);
        let mut fast = 0;
        for _ in 0..6_000 {
            let (a, b, c) = (next(1000), next(1000), next(10_000));
            let written = match next(6) {
                0 => format!("+1 {a:03} {b:03} {c:04}"),
                1 => format!("1-{a:03}-{b:03}-{c:04}"),
                2 => format!("({a:03}) {b:03}-{c:04}"),
                3 => format!("{a:03}.{b:03}.{c:04}"),
                4 => format!("+1-{a:03}-{b:03}-{c:04}"),
                _ => format!("{a:03}-{b:03}-{c:04}"),
            };
            fast += usize::from(north_american(&written).is_some());
            let ours = foreign(&written).map(|p| p.canonical);
            assert_eq!(
                ours,
                foreign_by_crate(&written).map(|p| p.canonical),
                "{written}"
            );
        }
        assert!(fast > 4_000, "{fast}");
    }

    proptest! {
        #[test]
        fn canonical_is_a_fixed_point(raw in "(\\+86 ?)?1[3-9][0-9]{9}|0(10|2[0-9]|[3-9][0-9]{2})-?[2-9][0-9]{6,7}(转[0-9]{3})?|[2-9][0-9]{6,7}") {
            let once = parse(&raw);
            let twice = parse(&once.canonical);
            prop_assert_eq!(twice.canonical, once.canonical);
        }
    }

    #[test]
    fn verdicts_round_trip_through_their_stored_form() {
        assert_eq!(parse("13957281046").kind, PhoneKind::Mobile);
        assert_eq!(parse("0571 8802 3391").kind, PhoneKind::Landline);
        let stored = verdicts();
        let all: Vec<(u64, Option<Type>)> = serde_json::from_str(&stored).unwrap();
        assert!(all.len() >= 2, "{stored}");
        remember_verdicts(&stored);
        remember_verdicts("not json");
        // Other tests add verdicts meanwhile: these are all still there, unchanged.
        let now: HashMap<u64, Option<Type>> = serde_json::from_str::<Vec<_>>(&verdicts())
            .unwrap()
            .into_iter()
            .collect();
        assert!(all.iter().all(|(k, v)| now.get(k) == Some(v)));
        assert_eq!(parse("13957281046").kind, PhoneKind::Mobile);
    }
}
