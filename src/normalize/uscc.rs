//! 统一社会信用代码 (GB 32100-2015) and the codes it replaced: the 9-character 组织机构代码
//! (GB 11714, `12345678-9`) and the 15-digit 工商注册号 (ISO 7064 MOD 11,10). Also the decision for a
//! mixed 税号/证件号 column that holds company codes and personal ID numbers side by side.
//!
//! Case and spaces are normalisation, not errors. Letters O / I typed for 0 / 1 (neither is in the
//! code's alphabet) are repaired when the check character confirms the repair, and still reported:
//! the stored value is wrong and should be fixed at the source. `000000000000000000`
//! passes the check but is a placeholder and is reported as one: it must never become a match key.

use crate::normalize::{id_card, placeholder, text};

/// The 31 characters of the code alphabet (no I O S V Z), in check-value order.
const ALPHABET: &str = "0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

fn value_of(c: char) -> Option<u32> {
    ALPHABET.find(c).map(|i| i as u32)
}

/// GB 32100 check character for the first 17 characters; `None` if one is outside the alphabet.
pub fn check_char(first17: &str) -> Option<char> {
    let mut sum = 0;
    for (c, w) in first17.chars().zip(WEIGHTS) {
        sum += value_of(c)? * w;
    }
    let check = (31 - sum % 31) % 31;
    ALPHABET.chars().nth(check as usize)
}

/// True when an already-cleaned 18-character code is well formed and its check character matches.
pub fn is_valid(code: &str) -> bool {
    code.len() == 18
        && code[2..8].bytes().all(|b| b.is_ascii_digit())
        && check_char(&code[..17]).is_some_and(|c| code.ends_with(c))
}

/// The canonical code when the cleaned value is a valid 18-character code, possibly after the O/I
/// repair; no legacy or placeholder handling.
pub fn valid_code(value: &str) -> Option<String> {
    if is_valid(value) {
        return Some(value.to_string());
    }
    repair_letters(value)
}

/// GB 11714 check character of an 8-character organisation code body (digits and A-Z).
pub fn org_code_check(body8: &str) -> Option<char> {
    const W: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];
    let mut sum = 0;
    for (c, w) in body8.chars().zip(W) {
        sum += c.to_digit(36)? * w;
    }
    Some(match 11 - sum % 11 {
        10 => 'X',
        11 => '0',
        n => char::from_digit(n, 10)?,
    })
}

/// ISO 7064 MOD 11,10 check of a 15-digit 工商注册号.
pub fn reg_no_check_ok(digits15: &str) -> bool {
    if digits15.len() != 15 || !digits15.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let mut p = 10;
    let digits: Vec<u32> = digits15.bytes().map(|b| u32::from(b - b'0')).collect();
    for &d in &digits[..14] {
        let s = match (p + d) % 10 {
            0 => 10,
            s => s,
        };
        p = (s * 2) % 11;
    }
    (p + digits[14]) % 10 == 1
}

/// Why a value is not a code at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccFormatError {
    /// Not 18 characters (nor 9 / 15 for the legacy codes).
    WrongLength(usize),
    /// A character outside the code alphabet that no O/I repair explains.
    BadCharacter,
}

/// The outcome of [`normalize`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Uscc {
    Empty,
    Valid(String),
    /// A 组织机构代码, canonical `12345678-9`; it is positions 9-17 of the company's USCC.
    LegacyOrgCode {
        code: String,
        check_ok: bool,
    },
    /// A 15-digit 工商注册号.
    LegacyRegNo {
        number: String,
        check_ok: bool,
    },
    /// Letters O / I typed for 0 / 1: invalid as written, `code` is the repair the check confirms.
    LetterTypo {
        value: String,
        code: String,
    },
    ChecksumError {
        value: String,
        expected: char,
    },
    FormatError {
        value: String,
        reason: UsccFormatError,
    },
    Placeholder,
    /// A valid 身份证 number typed into the company-code column (canonical 18-character ID).
    LooksLikeIdCard(String),
}

impl Uscc {
    /// The canonical 18-character code: valid codes, and O/I typos whose repair passes the check.
    pub fn canonical(&self) -> Option<&str> {
        match self {
            Uscc::Valid(code) | Uscc::LetterTypo { code, .. } => Some(code),
            _ => None,
        }
    }

    /// The expected-error kind of the dev set (`None` for valid and empty values).
    pub fn error_kind(&self) -> Option<&'static str> {
        match self {
            Uscc::Empty | Uscc::Valid(_) => None,
            Uscc::LegacyOrgCode { check_ok: true, .. } => Some("legacy_org_code"),
            Uscc::LegacyRegNo { check_ok: true, .. } => Some("legacy_reg_no"),
            Uscc::LegacyOrgCode { .. } | Uscc::LegacyRegNo { .. } => Some("invalid_uscc"),
            Uscc::ChecksumError { .. } | Uscc::FormatError { .. } | Uscc::LetterTypo { .. } => {
                Some("invalid_uscc")
            }
            Uscc::Placeholder => Some("placeholder"),
            Uscc::LooksLikeIdCard(_) => Some("misplaced_value"),
        }
    }
}

/// NFKC, upper case, no white space or dashes.
pub fn clean(raw: &str) -> String {
    text::nfkc(raw)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\'' | '"'))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// O → 0 and I → 1, kept only when the repaired code passes the check.
fn repair_letters(code: &str) -> Option<String> {
    if !code.contains(['O', 'I']) {
        return None;
    }
    let repaired = code.replace('O', "0").replace('I', "1");
    is_valid(&repaired).then_some(repaired)
}

fn legacy_org_code(raw_clean: &str, had_dash: bool) -> Option<Uscc> {
    let ok_chars = raw_clean.len() == 9
        && raw_clean
            .bytes()
            .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase());
    if !ok_chars {
        return None;
    }
    let check_ok = org_code_check(&raw_clean[..8]).is_some_and(|c| raw_clean.ends_with(c));
    // Without the dash, nine digits are only taken as an org code when the check agrees.
    (had_dash || check_ok).then(|| Uscc::LegacyOrgCode {
        code: format!("{}-{}", &raw_clean[..8], &raw_clean[8..]),
        check_ok,
    })
}

/// Validates and normalises one 统一社会信用代码 (or a legacy code in its place).
pub fn normalize(raw: &str) -> Uscc {
    let value = clean(raw);
    if value.is_empty() {
        return Uscc::Empty;
    }
    if placeholder::is_placeholder(raw) || placeholder::is_repeated_digit(&value) || value == "个人"
    {
        return Uscc::Placeholder;
    }
    if let Some(org) = legacy_org_code(&value, text::nfkc(raw).contains('-')) {
        return org;
    }
    if value.len() == 15 && value.bytes().all(|b| b.is_ascii_digit()) {
        let check_ok = reg_no_check_ok(&value);
        if !check_ok {
            if let Some(info) = id_card::strict_info(&value) {
                return Uscc::LooksLikeIdCard(info.number);
            }
        }
        return Uscc::LegacyRegNo {
            number: value,
            check_ok,
        };
    }
    if value.len() != 18 {
        return Uscc::FormatError {
            value: value.clone(),
            reason: UsccFormatError::WrongLength(value.len()),
        };
    }
    if is_valid(&value) {
        return Uscc::Valid(value);
    }
    if let Some(code) = repair_letters(&value) {
        return Uscc::LetterTypo { value, code };
    }
    if let Some(info) = id_card::strict_info(&value) {
        return Uscc::LooksLikeIdCard(info.number);
    }
    match check_char(&value[..17]) {
        Some(expected) if value[2..8].bytes().all(|b| b.is_ascii_digit()) => {
            Uscc::ChecksumError { value, expected }
        }
        _ => Uscc::FormatError {
            value,
            reason: UsccFormatError::BadCharacter,
        },
    }
}

/// Who a record is about, when the caller knows (客户类别, 客户类型, or a 单位名称 that is a company).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Person,
    Company,
    Unknown,
}

/// A value of a mixed 税号/证件号 column, read as the identifier it most likely is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaxOrId {
    Empty,
    IdCard(id_card::IdCard),
    Uscc(Uscc),
}

impl TaxOrId {
    pub fn error_kind(&self) -> Option<&'static str> {
        match self {
            TaxOrId::Empty => None,
            TaxOrId::IdCard(id) => id.error_kind(),
            TaxOrId::Uscc(u) => u.error_kind(),
        }
    }
}

/// Reads one value of a column that holds company codes for companies and ID numbers for persons.
/// A value that is valid under exactly one reading takes that reading whatever the party; when both
/// readings pass or both fail (an all-digit code whose positions 7-14 look like a date, an ID whose
/// typo makes it pass the company check), the party decides, and without one the shape does.
pub fn tax_or_id(raw: &str, party: Party) -> TaxOrId {
    let id = id_card::normalize(raw);
    let code = normalize(raw);
    let id_ok = matches!(
        id,
        id_card::IdCard::Valid(_) | id_card::IdCard::Legacy15 { .. }
    );
    let code_ok = matches!(
        code,
        Uscc::Valid(_)
            | Uscc::LegacyOrgCode { check_ok: true, .. }
            | Uscc::LegacyRegNo { check_ok: true, .. }
    );
    match (&id, &code) {
        (id_card::IdCard::Empty, _) => return TaxOrId::Empty,
        (id_card::IdCard::Placeholder, _) | (_, Uscc::Placeholder) => {
            return match party {
                Party::Person => TaxOrId::IdCard(id_card::IdCard::Placeholder),
                _ => TaxOrId::Uscc(Uscc::Placeholder),
            }
        }
        _ => {}
    }
    let as_id = || TaxOrId::IdCard(id.clone());
    let as_code = || TaxOrId::Uscc(code.clone());
    // An ID with a real birth date whose typo happens to pass the company check (1 in 31) stays an
    // ID for a person: no region code starts with 9, so only 9… codes overrule the party.
    let id_shaped = matches!(id, id_card::IdCard::ChecksumError { .. });
    let person_id = party == Party::Person && id_shaped && !clean(raw).starts_with('9');
    match (id_ok, code_ok, party) {
        (true, false, _) => as_id(),
        (false, true, _) if person_id => as_id(),
        (false, true, _) => as_code(),
        (_, _, Party::Person) => as_id(),
        (_, _, Party::Company) => as_code(),
        (_, _, Party::Unknown) => {
            let v = clean(raw);
            let letters = v
                .trim_end_matches('X')
                .bytes()
                .any(|b| b.is_ascii_alphabetic());
            if letters || v.starts_with('9') || v.len() == 9 {
                as_code()
            } else {
                as_id()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn check_chars() {
        assert_eq!(check_char("91350100M000100Y4"), Some('3'));
        assert_eq!(check_char("92340103863325206"), Some('Q'));
        assert_eq!(check_char("00000000000000000"), Some('0'));
        assert_eq!(org_code_check("86332520"), Some('6'));
        assert_eq!(org_code_check("MADFBWXK"), Some('5'));
        assert!(reg_no_check_ok("110115216060828"));
        assert!(reg_no_check_ok("210105003589934"));
        assert!(!reg_no_check_ok("210105003589935"));
    }

    #[test]
    fn table() {
        let v = |s: &str| Uscc::Valid(s.to_string());
        let cases = [
            ("91350100M000100Y43", v("91350100M000100Y43")),
            ("91340181maj6fx818n", v("91340181MAJ6FX818N")),
            ("91 370104 394439912 X", v("91370104394439912X")),
            ("91110111MAB9QAYU6T ", v("91110111MAB9QAYU6T")),
            (
                "9137O28306252992XB",
                Uscc::LetterTypo {
                    value: "9137O28306252992XB".into(),
                    code: "9137028306252992XB".into(),
                },
            ),
            (
                "92110I16541080349W",
                Uscc::LetterTypo {
                    value: "92110I16541080349W".into(),
                    code: "92110116541080349W".into(),
                },
            ),
            (
                "９１３５０１００Ｍ０００１００Ｙ４３",
                v("91350100M000100Y43"),
            ),
            ("", Uscc::Empty),
            ("000000000000000000", Uscc::Placeholder),
            ("N/A", Uscc::Placeholder),
            ("个人", Uscc::Placeholder),
            (
                "86332520-6",
                Uscc::LegacyOrgCode {
                    code: "86332520-6".into(),
                    check_ok: true,
                },
            ),
            (
                "MADFBWXK-5",
                Uscc::LegacyOrgCode {
                    code: "MADFBWXK-5".into(),
                    check_ok: true,
                },
            ),
            (
                "863325206",
                Uscc::LegacyOrgCode {
                    code: "86332520-6".into(),
                    check_ok: true,
                },
            ),
            (
                "110115216060828",
                Uscc::LegacyRegNo {
                    number: "110115216060828".into(),
                    check_ok: true,
                },
            ),
            (
                "91330103MAXGKX9325",
                Uscc::ChecksumError {
                    value: "91330103MAXGKX9325".into(),
                    expected: 'M',
                },
            ),
            (
                "91410102MA9P6MHL9",
                Uscc::FormatError {
                    value: "91410102MA9P6MHL9".into(),
                    reason: UsccFormatError::WrongLength(17),
                },
            ),
            (
                "11010519491231002X",
                Uscc::LooksLikeIdCard("11010519491231002X".into()),
            ),
        ];
        for (raw, want) in cases {
            assert_eq!(normalize(raw), want, "{raw:?}");
        }
        assert_eq!(
            normalize("000000000000000000").error_kind(),
            Some("placeholder")
        );
    }

    #[test]
    fn mixed_column() {
        let person_id = "11010519491231002X";
        let company = "91350100M000100Y43";
        assert!(matches!(
            tax_or_id(person_id, Party::Company),
            TaxOrId::IdCard(_)
        ));
        assert!(matches!(
            tax_or_id(company, Party::Person),
            TaxOrId::Uscc(Uscc::Valid(_))
        ));
        // All-digit value failing both checks: the party decides.
        let bad = "440605195206183325";
        assert!(matches!(tax_or_id(bad, Party::Person), TaxOrId::IdCard(_)));
        assert!(matches!(tax_or_id(bad, Party::Company), TaxOrId::Uscc(_)));
        assert!(matches!(tax_or_id(bad, Party::Unknown), TaxOrId::IdCard(_)));
        assert!(matches!(
            tax_or_id("913101201618406849", Party::Unknown),
            TaxOrId::Uscc(_)
        ));
        assert_eq!(tax_or_id("", Party::Unknown), TaxOrId::Empty);
        assert_eq!(
            tax_or_id("无", Party::Person),
            TaxOrId::IdCard(id_card::IdCard::Placeholder)
        );
    }

    proptest! {
        #[test]
        fn valid_codes_survive_case_and_spaces(body in "[0-9A-HJ-NPQRTUWXY]{9}", region in "[1-6][0-9]{5}", lower in any::<bool>()) {
            let first17 = format!("91{region}{body}");
            let code = format!("{first17}{}", check_char(&first17).unwrap());
            let raw = if lower { code.to_lowercase() } else { format!(" {} {} ", &code[..2], &code[2..]) };
            prop_assert_eq!(normalize(&raw), Uscc::Valid(code.clone()));
            prop_assert_eq!(normalize(&code), Uscc::Valid(code));
        }
    }
}
