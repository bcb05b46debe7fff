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
/// the sources are read: the address parser's (cpca's division trie), OpenCC's, the divisions',
/// libphonenumber's China plan (and, with `world`, every country's). The first rows normalized
/// would otherwise each stall on one, with the other cores waiting.
pub fn warm_up(world: bool) {
    let _ = address::parse("廣東省深圳市南山区科技园1号");
    phone::warm_up(world);
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
