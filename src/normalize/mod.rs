//! Field normalizers and validators: one canonical value per field, plus what was wrong with it.
//!
//! Every function here is pure (no I/O, no global mutable state) and takes the raw value as
//! written; the raw value stays with the caller, these functions only return the canonical value
//! and findings. Each file owns one field family:
//!
//! | module | field |
//! |---|---|
//! | [`text`] | NFKC, whitespace, traditional → simplified, matching keys (used by all others) |
//! | [`placeholder`] | junk values (不详, N/A, 13800138000 …) and test records |
//! | [`id_card`] | 身份证 (GB 11643), 15 → 18 digit upgrade, birth date / sex / region |
//! | [`uscc`] | 统一社会信用代码 (GB 32100), legacy 组织机构代码 and 工商注册号, the mixed 税号/证件号 column |
//! | [`phone`] | mobiles, landlines (area code, extension), 400/800 numbers, multi-number fields |
//! | [`email`] | e-mail syntax and case |
//! | [`date`] | dates and date-times in every export format, Excel serials, epoch values |
//! | [`amount`] | money amounts (1,000,000 / 100万 / ¥5000 / 伍拾万元整) |
//! | [`name`] | person names, title-only contacts (王总), pinyin, English (pinyin) names |
//! | [`company`] | company names: region, 字号, industry, legal form, branch |
//! | [`industry`] | industry words → GB/T 4754 section names |
//! | [`address`] | province / city / district with GB/T 2260 codes, detail keys, full-address composer |
//! | [`division`] | the GB/T 2260 tables behind `address` and `id_card` |
//!
//! Outcome enums say whether a value is valid, repairable (normalisable variants such as full-width
//! digits or a lower-case `x` are *not* errors) or wrong; `error_kind()` methods name wrong values in
//! the vocabulary of the evaluation data (`invalid_phone`, `legacy_id_15`, …).

pub mod address;
pub mod amount;
pub mod company;
pub mod date;
pub mod division;
pub mod email;
pub mod id_card;
pub mod industry;
pub mod name;
pub mod nickname;
mod numbering;
pub mod phone;
pub mod placeholder;
pub mod record;
pub mod text;
pub mod uscc;

/// Build the tables normalization looks things up in ahead of need, on a thread of its own while
/// the sources are read, so that the first rows normalized do not each stall on one with the
/// other cores waiting. A run that normalizes every row (`every_row`) loads every country's
/// numbering plan (its exports may hold foreign numbers), and meets the other tables on first
/// use: an English export never loads the Chinese ones. A run with a store normalizes only new
/// and changed rows, a few of them foreign if any: it loads China's plan, the address parser's
/// division trie and OpenCC's dictionaries, each a stall its few rows would otherwise feel.
pub fn warm_up(every_row: bool) {
    if !every_row {
        let _ = address::parse("廣東省深圳市南山区科技园1号");
    }
    phone::warm_up(every_row);
}

/// A seeded xorshift generator for tests that compare a fast path with its reference on many
/// values: `next(n)` is a number below `n`, the same sequence for the same seed.
#[cfg(test)]
pub(crate) fn test_numbers(seed: u64) -> impl FnMut(u64) -> u64 {
    let mut state = seed;
    move |n| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state % n
    }
}
