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
