//! Compare: for a candidate pair, one comparison level per field — from "different" (level 0) up
//! to "exact" — or `None` when either side has no value (a missing value is no evidence).
//!
//! Levels are chosen for the errors real exports carry: IME homophones (张伟/张玮) and fuzzy
//! initials (z/zh, n/l) compare by pinyin; one mistyped or transposed digit in a phone or ID is its
//! own level; addresses compare by city/district first and detail second; companies by their 字号
//! core, so region and legal-form variants meet.

use chrono::Datelike;
use serde::Serialize;

use crate::normalize::nickname;
use crate::record::{List, Party, Record};

/// A compared field and the names of its levels, lowest (different) first.
#[derive(Debug, Serialize)]
pub struct Comparison {
    pub name: &'static str,
    pub levels: &'static [&'static str],
}

pub const COMPARISONS: &[Comparison] = &[
    Comparison {
        name: "name",
        levels: &[
            "different",
            "same_given_name",
            "similar",
            "one_edit",
            "homophone_or_core",
            "exact",
        ],
    },
    Comparison {
        name: "id_number",
        levels: &["different", "one_edit", "exact"],
    },
    Comparison {
        name: "uscc",
        levels: &["different", "one_edit", "exact"],
    },
    Comparison {
        name: "mobile",
        levels: &["different", "one_edit", "exact"],
    },
    Comparison {
        name: "landline",
        levels: &["different", "same_local_number", "exact"],
    },
    Comparison {
        name: "email",
        levels: &["different", "same_user_or_one_edit", "exact"],
    },
    Comparison {
        name: "address",
        levels: &[
            "different_city",
            "same_city",
            "same_district_similar_detail",
            "exact",
        ],
    },
    Comparison {
        name: "birth_date",
        levels: &["different", "swapped_or_one_edit", "exact"],
    },
    Comparison {
        name: "gender",
        levels: &["different", "same"],
    },
    Comparison {
        name: "employer",
        levels: &["different", "similar", "exact"],
    },
    Comparison {
        name: "contact",
        levels: &["different", "similar", "exact"],
    },
    Comparison {
        name: "other_id",
        levels: &["different", "one_edit", "exact"],
    },
];

pub const FIELDS: usize = 12;

/// The comparison vector of a pair.
pub type Vector = [Option<u8>; FIELDS];

pub fn compare(a: &Record, b: &Record) -> Vector {
    let mut v = [
        name(a, b),
        identifier(
            a.id_number(),
            a.id_number_invalid(),
            b.id_number(),
            b.id_number_invalid(),
        ),
        identifier(a.uscc(), a.uscc_invalid(), b.uscc(), b.uscc_invalid()),
        mobile(a, b),
        landline(a.phones(), b.phones()),
        email(a, b),
        address(a, b),
        birth_date(a.birth_date, b.birth_date),
        both(a.gender, b.gender).map(|(x, y)| u8::from(x == y)),
        text_level(a.employer(), b.employer(), 0.85),
        text_level(contact_of(a, b), contact_of(b, a), 0.8),
        both(a.other_id(), b.other_id()).map(
            |(x, y)| {
                if x == y {
                    2
                } else {
                    u8::from(one_edit(x, y))
                }
            },
        ),
    ];
    // Fellegi–Sunter adds field weights as if fields were independent. Two pairs of fields are
    // not: a company's contact name and the mobile are one contact person, and a shared landline
    // of two records at one address is the household's line. Counting both would let a shared
    // contact, or a shared flat, outweigh two different names; so the second says nothing more.
    // When the company names agree as well, the shared contact is the second fact the pair holds
    // in common, as a person's name and mobile are for two person records: it counts.
    if v[3] == Some(2) && v[0].is_none_or(|l| l < 4) {
        v[10] = v[10].filter(|&l| l == 0);
    }
    if v[6] == Some(3) {
        v[4] = v[4].filter(|&l| l == 0);
    }
    v
}

/// The contact person `r` names when compared with `other`: its contact, or, for an undecided
/// record (a name and an organisation, no type) met by a company, the name it gives — on a survey
/// row without a type, that is the company's contact person or the person of that name.
fn contact_of<'a>(r: &'a Record, other: &Record) -> &'a str {
    if r.contact_name().is_empty()
        && r.party.is_none()
        && !r.company_core().is_empty()
        && other.party == Some(Party::Company)
    {
        r.name()
    } else {
        r.contact_name()
    }
}

fn both<T>(a: Option<T>, b: Option<T>) -> Option<(T, T)> {
    Some((a?, b?))
}

fn name(a: &Record, b: &Record) -> Option<u8> {
    if a.name_key().is_empty() || b.name_key().is_empty() {
        return None;
    }
    if a.name_key() == b.name_key() {
        return Some(5);
    }
    // An undecided record (a person and an organisation, no type) meets a company by its 字号.
    let company_like = |r: &Record| {
        r.party == Some(Party::Company) || (r.party.is_none() && !r.company_core().is_empty())
    };
    let companies = company_like(a) && company_like(b);
    if companies && !a.company_core().is_empty() && a.company_core() == b.company_core() {
        return Some(4);
    }
    if !a.name_pinyin().is_empty() && same_fuzzy_pinyin(a.name_pinyin(), b.name_pinyin()) {
        return Some(4);
    }
    // `Smith John` for `John Smith`: the same words in another order.
    let (ka, kb) = (compared(a.name_key()), compared(b.name_key()));
    if ka.contains(' ') && sorted_words(ka) == sorted_words(kb) {
        return Some(4);
    }
    if let Some(level) = latin_person_name(a, b) {
        return Some(level);
    }
    let (x, y) = if companies && !a.company_core().is_empty() && !b.company_core().is_empty() {
        (a.company_core(), b.company_core())
    } else {
        (a.name_key(), b.name_key())
    };
    if one_edit(x, y) {
        return Some(3);
    }
    let jw = jaro_winkler(x, y);
    Some(if jw >= 0.9 {
        3
    } else if jw >= 0.8 {
        2
    } else {
        0
    })
}

/// Latin person names compare given name and family name apart: in a household the family name is
/// shared and only the given name tells the people apart, so a shared family name alone is no
/// similarity; a typo in either part or both, the parts swapped, a bare initial or a familiar
/// form (`Bill`, `William`) still is. The same given name under another family name is a level of its own: a name changed by
/// marriage, or a namesake.
fn latin_person_name(a: &Record, b: &Record) -> Option<u8> {
    let latin = |r: &Record| {
        r.party != Some(Party::Company)
            && r.name_pinyin().is_empty()
            && compared(r.name_key()).contains(' ')
    };
    if !latin(a) || !latin(b) {
        return None;
    }
    let ((ga, fa), (gb, fb)) = (
        compared(a.name_key()).rsplit_once(' ')?,
        compared(b.name_key()).rsplit_once(' ')?,
    );
    let close = |x: &str, y: &str| one_edit(x, y) || jaro_winkler(x, y) >= 0.9;
    let initial =
        |x: &str, y: &str| (x.len() == 1 || y.len() == 1) && x.chars().next() == y.chars().next();
    let familiar = nickname::same_name(ga, gb);
    Some(if fa == fb {
        if close(ga, gb) || initial(ga, gb) || familiar {
            3
        } else {
            0
        }
    } else if (ga == gb || familiar || close(ga, gb)) && close(fa, fb) {
        3
    } else if close(ga, fb) && close(fa, gb) {
        // The two parts swapped, with a typo besides.
        3
    } else if ga.chars().count() > 1 && (ga == gb || familiar) {
        1
    } else {
        0
    })
}

/// How many characters of a text the similarity measures look at. Names, company names and
/// address details are shorter; a cell that holds a pasted memo or a whole export row (tens of
/// thousands of characters) is compared by its beginning, since Jaro-Winkler's cost grows with the
/// product of the two lengths and every pair is compared, besides the 300,000 pairs that estimate
/// the u probabilities: two such cells would otherwise hold a run for minutes a pair.
const COMPARED_CHARS: usize = 64;

/// The first [`COMPARED_CHARS`] characters of `s`.
fn compared(s: &str) -> &str {
    match s.char_indices().nth(COMPARED_CHARS) {
        Some((end, _)) => &s[..end],
        None => s,
    }
}

/// Jaro-Winkler similarity (strsim's) of the texts' first [`COMPARED_CHARS`] characters. ASCII
/// text is compared byte by byte: the same algorithm on the same sequence, without decoding
/// characters at every step of its inner loop.
fn jaro_winkler(x: &str, y: &str) -> f64 {
    let (x, y) = (compared(x), compared(y));
    let (a, b) = (x.as_bytes(), y.as_bytes());
    if x.is_ascii() && y.is_ascii() && a.len() <= 64 && b.len() <= 64 {
        let sim = jaro_ascii(a, b);
        if sim > 0.7 {
            let prefix = a.iter().zip(b).take(4).take_while(|(p, q)| p == q).count();
            sim + 0.1 * prefix as f64 * (1.0 - sim)
        } else {
            sim
        }
    } else {
        strsim::jaro_winkler(x, y)
    }
}

/// strsim's Jaro similarity for ASCII text of at most 64 bytes, step for step (so to the last
/// bit), with the matched positions kept in two machine words instead of a list made per call:
/// names and streets are compared millions of times.
fn jaro_ascii(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    } else if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &c) in a.iter().enumerate() {
        let end = b.len().min(i + range + 1);
        let start = i.saturating_sub(range);
        for (j, &d) in b.iter().enumerate().take(end).skip(start) {
            if d == c && b_flags & (1 << j) == 0 {
                a_flags |= 1 << i;
                b_flags |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut j = 0;
    for (i, &c) in a.iter().enumerate() {
        if a_flags & (1 << i) != 0 {
            while b_flags & (1 << j) == 0 {
                j += 1;
            }
            if c != b[j] {
                transpositions += 1;
            }
            j += 1;
        }
    }
    transpositions /= 2;
    ((matches as f64 / a.len() as f64)
        + (matches as f64 / b.len() as f64)
        + ((matches - transpositions) as f64 / matches as f64))
        / 3.0
}

fn sorted_words(s: &str) -> Vec<&str> {
    let mut w: Vec<&str> = s.split_whitespace().collect();
    w.sort_unstable();
    w
}

/// Pinyin with the initials and finals that southern speakers and IMEs confuse folded together:
/// zh/z, ch/c, sh/s, n/l, and -ng/-n.
pub fn fuzzy_pinyin(p: &str) -> String {
    p.split(' ')
        .map(|s| {
            let s = s
                .strip_prefix("zh")
                .map(|r| format!("z{r}"))
                .or_else(|| s.strip_prefix("ch").map(|r| format!("c{r}")))
                .or_else(|| s.strip_prefix("sh").map(|r| format!("s{r}")))
                .or_else(|| s.strip_prefix('l').map(|r| format!("n{r}")))
                .unwrap_or_else(|| s.to_string());
            s.strip_suffix("ng").map(|r| format!("{r}n")).unwrap_or(s)
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A syllable of pinyin as [`fuzzy_pinyin`] folds it, character by character: the initial
/// folded, then a final `ng` of the folded syllable made `n`.
fn fuzzy_syllable(s: &str) -> impl Iterator<Item = char> + '_ {
    let (head, rest) = if let Some(r) = s.strip_prefix("zh") {
        (Some('z'), r)
    } else if let Some(r) = s.strip_prefix("ch") {
        (Some('c'), r)
    } else if let Some(r) = s.strip_prefix("sh") {
        (Some('s'), r)
    } else if let Some(r) = s.strip_prefix('l') {
        (Some('n'), r)
    } else {
        (None, s)
    };
    let (head, body, n) = if let Some(body) = rest.strip_suffix("ng") {
        (head, body, true)
    } else if head == Some('n') && rest == "g" {
        // `lg` folds to `ng`, which ends in `ng` itself.
        (None, "", true)
    } else {
        (head, rest, false)
    };
    head.into_iter().chain(body.chars()).chain(n.then_some('n'))
}

/// `fuzzy_pinyin(a) == fuzzy_pinyin(b)` without making either, over the first [`COMPARED_CHARS`]
/// syllables (a name has far fewer; see [`compared`]).
fn same_fuzzy_pinyin(a: &str, b: &str) -> bool {
    let (mut xs, mut ys) = (
        a.split(' ').take(COMPARED_CHARS),
        b.split(' ').take(COMPARED_CHARS),
    );
    loop {
        match (xs.next(), ys.next()) {
            (None, None) => return true,
            (Some(x), Some(y)) if fuzzy_syllable(x).eq(fuzzy_syllable(y)) => {}
            _ => return false,
        }
    }
}

/// Two strings one keystroke apart: one substitution, one insertion or deletion, or two adjacent
/// characters swapped. Linear in the length and without copies: a cell may hold a whole memo.
pub fn one_edit(a: &str, b: &str) -> bool {
    // A character is at most four bytes: one edit changes the length by at most that.
    if a.len().abs_diff(b.len()) > 4 {
        return false;
    }
    if a.is_ascii() && b.is_ascii() {
        return one_edit_of(a.as_bytes(), b.as_bytes());
    }
    // What the two share at either end, in whole characters; the rest must be a character or two.
    let prefix: usize = a
        .chars()
        .zip(b.chars())
        .take_while(|(p, q)| p == q)
        .map(|(p, _)| p.len_utf8())
        .sum();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix: usize = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(p, q)| p == q)
        .map(|(p, _)| p.len_utf8())
        .sum();
    let (x, y) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    if x.chars().nth(2).is_some() || y.chars().nth(2).is_some() {
        return false;
    }
    let x: Vec<char> = x.chars().collect();
    let y: Vec<char> = y.chars().collect();
    one_edit_of(&x, &y)
}

fn one_edit_of<T: PartialEq>(x: &[T], y: &[T]) -> bool {
    if x.len().abs_diff(y.len()) > 1 {
        return false;
    }
    if x == y {
        return true;
    }
    let prefix = x.iter().zip(y).take_while(|(p, q)| p == q).count();
    let suffix = x[prefix..]
        .iter()
        .rev()
        .zip(y[prefix..].iter().rev())
        .take_while(|(p, q)| p == q)
        .count();
    let (dx, dy) = (x.len() - prefix - suffix, y.len() - prefix - suffix);
    match (dx, dy) {
        (1, 1) | (0, 1) | (1, 0) => true,
        (2, 2) => x[prefix] == y[prefix + 1] && x[prefix + 1] == y[prefix],
        _ => false,
    }
}

fn identifier(
    a: Option<&str>,
    a_bad: Option<&str>,
    b: Option<&str>,
    b_bad: Option<&str>,
) -> Option<u8> {
    if let (Some(x), Some(y)) = (a, b) {
        return Some(if x == y { 2 } else { 0 });
    }
    let xs = || a.into_iter().chain(a_bad);
    let ys = || b.into_iter().chain(b_bad);
    xs().flat_map(|x| ys().map(move |y| if x == y { 2 } else { u8::from(one_edit(x, y)) }))
        .max()
}

fn mobile(a: &Record, b: &Record) -> Option<u8> {
    let xs = || a.mobiles().iter().chain(a.contact_mobile());
    let ys = || b.mobiles().iter().chain(b.contact_mobile());
    if xs().next().is_none() || ys().next().is_none() {
        return None;
    }
    if xs().any(|x| ys().any(|y| x == y)) {
        return Some(2);
    }
    let xs_all = || xs().chain(a.mobiles_invalid());
    let ys_all = || ys().chain(b.mobiles_invalid());
    let near = xs_all().any(|x| ys_all().any(|y| one_edit(x, y)));
    Some(u8::from(near))
}

fn local_part(p: &str) -> &str {
    let number = if p.starts_with('0') {
        p.split('-').nth(1).unwrap_or(p)
    } else {
        p.split('-').next().unwrap_or(p)
    };
    number
}

fn landline(xs: List, ys: List) -> Option<u8> {
    if xs.is_empty() || ys.is_empty() {
        return None;
    }
    if xs.iter().any(|x| ys.contains(x)) {
        return Some(2);
    }
    let same_local = xs
        .iter()
        .any(|x| ys.iter().any(|y| local_part(x) == local_part(y)));
    Some(u8::from(same_local))
}

/// The words of a name as a mailbox would spell them: pinyin syllables for a Chinese name
/// (`zhang wei`), the Latin words otherwise (`brittany nash`).
fn name_words(r: &Record) -> Vec<&str> {
    let source = if r.name_pinyin().is_empty() {
        r.name_key()
    } else {
        r.name_pinyin()
    };
    source
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty())
        .collect()
}

/// Whether a mailbox name only spells the person's name, in one of the ways mailboxes are
/// usually made: the whole name either way round, an initial with the other part
/// (`bnash`, `brittanyn`, `nashb`), or one part alone; separators (`.`, `_`, `-`) ignored.
/// Two namesakes get such mailboxes as easily as one person does, so they prove nothing the name
/// comparison has not already counted.
fn spells_name(user: &str, words: &[&str]) -> bool {
    let Some((&given, others)) = words.split_first() else {
        return false;
    };
    // The mailbox name's letters; a mailbox of letters only is taken as it is.
    let collected: String;
    let letters = if user.bytes().all(|b| b.is_ascii_alphabetic()) {
        user
    } else {
        collected = user.chars().filter(char::is_ascii_alphabetic).collect();
        &collected
    };
    if letters.is_empty() || letters.len() + 3 < user.len() {
        return false;
    }
    // The given name in any of its forms: Kim Williams keeps kimberly.williams@….
    std::iter::once(given)
        .chain(nickname::forms(given).iter().copied())
        .any(|first| spelt(letters, first, others))
}

/// Whether `letters` is the name `first` + `others` written as mailboxes write it.
fn spelt(letters: &str, first: &str, others: &[&str]) -> bool {
    let last = others.last().copied().unwrap_or(first);
    let all = || std::iter::once(first).chain(others.iter().copied());
    let reversed = || others.iter().rev().copied().chain([first]);
    let initial_and_rest = || std::iter::once(initial(first)).chain(others.iter().copied());
    concatenates(letters, all())
        || concatenates(letters, reversed())
        || concatenates(letters, initial_and_rest())
        || concatenates(letters, [first, initial(last)])
        || concatenates(letters, [last, initial(first)])
        || concatenates(letters, [initial(last), first])
        || letters == first
        || letters == last
}

/// A word's first letter.
fn initial(w: &str) -> &str {
    &w[..w.chars().next().map_or(0, char::len_utf8)]
}

/// Whether `letters` is exactly `parts` written one after another.
fn concatenates<'a>(letters: &str, parts: impl IntoIterator<Item = &'a str>) -> bool {
    let mut rest = letters;
    for part in parts {
        match rest.strip_prefix(part) {
            Some(r) => rest = r,
            None => return false,
        }
    }
    rest.is_empty()
}

/// A mailbox's name: what stands before the `@`.
fn user(e: &str) -> &str {
    e.split('@').next().unwrap_or_default()
}

fn email(a: &Record, b: &Record) -> Option<u8> {
    let (xs, ys) = (a.emails(), b.emails());
    if xs.is_empty() || ys.is_empty() {
        return None;
    }
    if xs.iter().any(|x| ys.contains(x)) {
        return Some(2);
    }
    let (wa, wb) = (name_words(a), name_words(b));
    let by_name = |u: &str| spells_name(u, &wa) || spells_name(u, &wb);
    // The same mailbox name at two providers is evidence, unless it merely spells the person's
    // name (brittanynash@yahoo.com, brittanynash@gmail.com), a number or two added or not
    // (brittanynash84): namesakes pick those as readily as one person does.
    // Each mailbox is asked once (most records hold one).
    let (xn, yn): (Vec<bool>, Vec<bool>) = (
        xs.iter().map(|x| by_name(user(x))).collect(),
        ys.iter().map(|y| by_name(user(y))).collect(),
    );
    let same_user = |x: &str, y: &str| user(x).len() >= 4 && user(x) == user(y);
    if xs
        .iter()
        .zip(&xn)
        .any(|(x, &named)| !named && ys.iter().any(|y| same_user(x, y)))
    {
        return Some(1);
    }
    // Mailboxes that spell the name (brittany.nash@gmail.com, brittanynash4@yahoo.com) and differ
    // say nothing either way: the name comparison has counted the name, one person keeps several
    // such mailboxes, and two namesakes may hold two of them one keystroke apart.
    if xn.iter().all(|&n| n) && yn.iter().all(|&n| n) {
        return None;
    }
    let near = xs.iter().any(|x| ys.iter().any(|y| one_edit(x, y)));
    Some(u8::from(near))
}

fn address(a: &Record, b: &Record) -> Option<u8> {
    if latin_address(a) && latin_address(b) {
        return street_address(a, b);
    }
    let has = |r: &Record| !r.city().is_empty() || !r.address_detail().is_empty();
    if !has(a) || !has(b) {
        return None;
    }
    if !a.city().is_empty() && !b.city().is_empty() && a.city() != b.city() {
        return Some(0);
    }
    if !a.district().is_empty() && !b.district().is_empty() && a.district() != b.district() {
        return Some(0);
    }
    if a.address_detail().is_empty() || b.address_detail().is_empty() {
        return Some(u8::from(!a.city().is_empty() && !b.city().is_empty()));
    }
    let sim = jaro_winkler(a.address_detail(), b.address_detail());
    Some(if a.address_detail() == b.address_detail() {
        3
    } else if sim >= 0.85 {
        2
    } else {
        1
    })
}

/// An address of Latin script without a Chinese district: a street, a house number, perhaps a
/// second line, a town and a postcode.
fn latin_address(r: &Record) -> bool {
    r.district().is_empty()
        && [r.address_detail(), r.city(), r.address_line2()]
            .iter()
            .all(|s| s.is_ascii())
}

/// The house number and the street of a Latin address: the number from its own column, or the
/// number the street line starts with (`281 tara lock`).
fn house_and_street(r: &Record) -> (&str, &str) {
    let detail = r.address_detail();
    if !r.street_number().is_empty() {
        return (r.street_number(), detail);
    }
    match detail.split_once(' ') {
        Some((n, rest)) if n.bytes().all(|b| b.is_ascii_digit()) => (n, rest),
        _ => ("", detail),
    }
}

/// Two spellings of one word, a keystroke or a near-miss apart (`sylvania`, `sylvnaia`).
fn near(x: &str, y: &str) -> bool {
    x == y || (x.len().min(y.len()) >= 4 && (one_edit(x, y) || jaro_winkler(x, y) >= 0.9))
}

/// Latin addresses by their parts. The area agrees when the towns are one spelling apart or the
/// postcodes are equal, and disagrees only when what both records have of it differs; the street
/// may stand in either address line (exports swap them), and the house number must agree where
/// both have one. Level 3: the same street and number in an agreeing area; 2: a street spelt
/// nearly alike in an agreeing area, or the same street and number whatever the area says; 1: the
/// same area only; 0: nothing shared.
fn street_address(a: &Record, b: &Record) -> Option<u8> {
    let has = |r: &Record| {
        !r.city().is_empty() || !r.address_detail().is_empty() || !r.postcode().is_empty()
    };
    if !has(a) || !has(b) {
        return None;
    }
    let known = |x: &str, y: &str| !x.is_empty() && !y.is_empty();
    let town = known(a.city(), b.city()).then(|| near(a.city(), b.city()));
    let postcode = known(a.postcode(), b.postcode()).then(|| a.postcode() == b.postcode());
    let area = match (town, postcode) {
        (Some(t), Some(p)) => Some(t || p),
        (t, p) => t.or(p),
    };
    let ((na, sa), (nb, sb)) = (house_and_street(a), house_and_street(b));
    let number = known(na, nb).then(|| na == nb);
    let (xs, ys) = ([sa, a.address_line2()], [sb, b.address_line2()]);
    let street_exact = known(sa, sb) && sa == sb;
    let street_near = xs
        .iter()
        .any(|x| ys.iter().any(|y| known(x, y) && near(x, y)));
    if street_exact && number != Some(false) && area != Some(false) {
        return Some(3);
    }
    if street_near
        && ((number != Some(false) && area != Some(false))
            || (street_exact && number == Some(true)))
    {
        return Some(2);
    }
    Some(u8::from(area == Some(true)))
}

fn birth_date(a: Option<chrono::NaiveDate>, b: Option<chrono::NaiveDate>) -> Option<u8> {
    let (x, y) = both(a, b)?;
    if x == y {
        return Some(2);
    }
    let swapped = x.year() == y.year() && x.month() == y.day() && x.day() == y.month();
    // One part wrong by a keystroke (1979-09-16 / 1978-09-16, 1979-09-18), or the year off by one;
    // a wholly other year with the same day and month is a coincidence of 1 in 365, not a typo.
    let keystroke = one_edit_of(&date_digits(x), &date_digits(y))
        || (x.month() == y.month() && x.day() == y.day() && (x.year() - y.year()).abs() == 1);
    let one_part = [
        x.year() == y.year(),
        x.month() == y.month(),
        x.day() == y.day(),
    ]
    .iter()
    .filter(|s| **s)
    .count()
        == 2;
    Some(u8::from(swapped || (one_part && keystroke)))
}

/// A date's digits as `YYYYMMDD` writes them (years outside 0–9999 do not occur in the records).
fn date_digits(d: chrono::NaiveDate) -> [u8; 8] {
    let n = d.year().clamp(0, 9999) as u32 * 10_000 + d.month() * 100 + d.day();
    let mut digits = [0; 8];
    for (i, slot) in digits.iter_mut().enumerate() {
        *slot = (n / 10u32.pow(7 - i as u32) % 10) as u8;
    }
    digits
}

fn text_level(a: &str, b: &str, similar: f64) -> Option<u8> {
    if a.is_empty() || b.is_empty() {
        return None;
    }
    if a == b {
        return Some(2);
    }
    Some(u8::from(jaro_winkler(a, b) >= similar))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::Fields;

    // The comparators on records made from their fields.
    fn compare(a: &Fields, b: &Fields) -> Vector {
        super::compare(&a.clone().into(), &b.clone().into())
    }

    fn address(a: &Fields, b: &Fields) -> Option<u8> {
        super::address(&a.clone().into(), &b.clone().into())
    }

    fn email(a: &Fields, b: &Fields) -> Option<u8> {
        super::email(&a.clone().into(), &b.clone().into())
    }

    fn name(a: &Fields, b: &Fields) -> Option<u8> {
        super::name(&a.clone().into(), &b.clone().into())
    }

    proptest::proptest! {
        /// The ASCII Jaro-Winkler is strsim's to the last bit: few letters (many matches and
        /// transpositions), any ASCII, up to the 64-byte limit.
        #[test]
        fn ascii_jaro_winkler_is_strsim(
            x in "[abcde ]{0,12}|[ -~]{0,64}",
            y in "[abcde ]{0,12}|[ -~]{0,64}",
        ) {
            proptest::prop_assert_eq!(
                jaro_winkler(&x, &y).to_bits(),
                strsim::jaro_winkler(&x, &y).to_bits()
            );
        }
    }

    #[test]
    fn one_edit_cases() {
        for (a, b, want) in [
            ("13800138000", "13800138001", true),
            ("13800138000", "13800183000", true),
            ("13800138000", "1380013800", true),
            ("13800138000", "138001380001", true),
            ("13800138000", "13811138000", false),
            ("张伟", "张玮", true),
            ("张伟", "张伟伟", true),
            ("张小伟", "张伟小", true),
        ] {
            assert_eq!(one_edit(a, b), want, "{a} {b}");
        }
    }

    #[test]
    fn one_edit_without_copies_is_the_character_by_character_test() {
        fn reference(a: &str, b: &str) -> bool {
            let x: Vec<char> = a.chars().collect();
            let y: Vec<char> = b.chars().collect();
            one_edit_of(&x, &y)
        }
        let alphabet: Vec<char> = "ab张伟é𠀀".chars().collect();
        let mut next = crate::normalize::test_numbers(11);
        let letter = |next: &mut dyn FnMut(u64) -> u64| alphabet[next(6) as usize];
        for _ in 0..20_000 {
            let a: String = (0..next(6)).map(|_| letter(&mut next)).collect();
            let b: String = if next(2) == 0 {
                (0..next(6)).map(|_| letter(&mut next)).collect()
            } else {
                // A near copy: one character changed, dropped, added or two swapped.
                let mut c: Vec<char> = a.chars().collect();
                let at = next(c.len() as u64 + 1) as usize;
                match next(4) {
                    0 if at < c.len() => c[at] = letter(&mut next),
                    1 if at < c.len() => {
                        c.remove(at);
                    }
                    2 => c.insert(at, letter(&mut next)),
                    _ if at + 1 < c.len() => c.swap(at, at + 1),
                    _ => {}
                }
                c.into_iter().collect()
            };
            assert_eq!(one_edit(&a, &b), reference(&a, &b), "{a:?} {b:?}");
        }
        // Long texts: the same answer, from their ends.
        let long = "张伟".repeat(20_000);
        let mut typo = long.clone();
        typo.replace_range(30_000..30_003, "李");
        assert!(one_edit(&long, &typo));
        assert!(!one_edit(&long, &"张伟".repeat(19_999)));
    }

    #[test]
    fn fuzzy_pinyin_is_compared_as_it_is_folded() {
        let syllables = [
            "zhang", "zang", "chen", "cen", "shi", "si", "li", "ni", "lng", "lg", "ng", "g", "l",
            "", "wang", "wan", "liang", "nian", "zh", "shng", "xiong",
        ];
        for a in syllables {
            assert_eq!(
                fuzzy_syllable(a).collect::<String>(),
                fuzzy_pinyin(a),
                "{a}"
            );
            for b in syllables {
                let (x, y) = (format!("{a} {b}"), format!("{b} {a}"));
                assert_eq!(
                    same_fuzzy_pinyin(&x, &y),
                    fuzzy_pinyin(&x) == fuzzy_pinyin(&y),
                    "{x} / {y}"
                );
                assert_eq!(
                    same_fuzzy_pinyin(a, &x),
                    fuzzy_pinyin(a) == fuzzy_pinyin(&x),
                    "{a} / {x}"
                );
            }
        }
    }

    #[test]
    fn overlong_texts_are_compared_by_their_beginning() {
        // Two cells of 40,000 characters that differ only past the compared part.
        let a = "张伟".repeat(20_000);
        let mut b = "张伟".repeat(200);
        b.push_str(&"李娜".repeat(19_800));
        let (ca, cb) = (compared(&a), compared(&b));
        assert_eq!(ca.chars().count(), COMPARED_CHARS);
        assert_eq!(ca, cb);
        assert_eq!(jaro_winkler(&a, &b), 1.0);
        assert_eq!(
            jaro_winkler(&a, &"王芳".repeat(20_000)).to_bits(),
            strsim::jaro_winkler(ca, compared(&"王芳".repeat(20_000))).to_bits()
        );
        // Texts of the usual lengths are compared whole, as before.
        let (x, y) = (
            "北京华为技术有限公司朝阳分公司",
            "北京华为技术有限公司海淀分公司",
        );
        assert_eq!(compared(x), x);
        assert_eq!(
            jaro_winkler(x, y).to_bits(),
            strsim::jaro_winkler(x, y).to_bits()
        );
    }

    #[test]
    fn fuzzy_pinyin_folds_southern_confusions() {
        assert_eq!(fuzzy_pinyin("zhang wei"), fuzzy_pinyin("zang wei"));
        assert_eq!(fuzzy_pinyin("liu ying"), fuzzy_pinyin("niu yin"));
        assert_ne!(fuzzy_pinyin("zhang wei"), fuzzy_pinyin("wang wei"));
    }

    #[test]
    fn levels_for_typical_pairs() {
        let a = Fields {
            party: Some(Party::Person),
            name_key: "张伟".into(),
            name_pinyin: "zhang wei".into(),
            mobiles: vec!["13800138000".into()],
            birth_date: chrono::NaiveDate::from_ymd_opt(1985, 3, 2),
            ..Default::default()
        };
        let b = Fields {
            name_key: "张玮".into(),
            name_pinyin: "zhang wei".into(),
            mobiles: vec!["13800183000".into()],
            birth_date: chrono::NaiveDate::from_ymd_opt(1985, 2, 3),
            ..a.clone()
        };
        let v = compare(&a, &b);
        assert_eq!(v[0], Some(4));
        assert_eq!(v[3], Some(1));
        assert_eq!(v[7], Some(1));
        assert_eq!(v[1], None);
    }

    #[test]
    fn survey_row_without_type_meets_a_company_by_its_contact() {
        // 姓名 杨秀兰, 单位 天津鼎润…, 手机: the company's contact person and mobile.
        let row = Fields {
            name: "杨秀兰".into(),
            name_key: "杨秀兰".into(),
            name_pinyin: "yang xiu lan".into(),
            company_core: "鼎润".into(),
            employer: "天津鼎润供应链管理有限公司".into(),
            mobiles: vec!["18574687994".into()],
            ..Default::default()
        };
        let company = Fields {
            party: Some(Party::Company),
            name: "天津鼎润供应链管理有限公司".into(),
            name_key: "天津鼎润供应链管理有限公司".into(),
            company_core: "鼎润".into(),
            contact_name: "杨秀兰".into(),
            contact_mobile: Some("18574687994".into()),
            ..Default::default()
        };
        let person = Fields {
            party: Some(Party::Person),
            name: "杨秀兰".into(),
            name_key: "杨秀兰".into(),
            name_pinyin: "yang xiu lan".into(),
            mobiles: vec!["18574687994".into()],
            ..Default::default()
        };
        let v = compare(&row, &company);
        assert_eq!((v[0], v[3], v[10]), (Some(4), Some(2), Some(2)));
        assert_eq!(compare(&company, &row)[10], Some(2));
        // Read as the person, the row has no contact to compare.
        assert_eq!(compare(&row, &person)[10], None);
        // Two companies with different names and one contact: the contact counts once.
        let other = Fields {
            name_key: "天津华宇物流有限公司".into(),
            company_core: "华宇".into(),
            ..company.clone()
        };
        assert_eq!(compare(&company, &other)[10], None);
    }

    #[test]
    fn different_districts_of_one_city_disagree() {
        let a = Fields {
            city: "齐齐哈尔市".into(),
            district: "龙江县".into(),
            address_detail: "经济北路7号".into(),
            ..Default::default()
        };
        let b = Fields {
            district: "甘南县".into(),
            address_detail: "宝安路312号".into(),
            ..a.clone()
        };
        assert_eq!(address(&a, &b), Some(0));
        let c = Fields {
            district: crate::record::Text::new(),
            ..b.clone()
        };
        assert_eq!(address(&a, &c), Some(1));
        let d = Fields {
            address_detail: "经济北路7号".into(),
            ..c
        };
        assert_eq!(address(&a, &d), Some(3));
    }

    fn latin(name: &str) -> Fields {
        Fields {
            party: Some(Party::Person),
            name: name.into(),
            name_key: name.to_lowercase().into(),
            ..Default::default()
        }
    }

    #[test]
    fn latin_names_by_given_and_family_name() {
        let level = |x: &str, y: &str| name(&latin(x), &latin(y));
        assert_eq!(level("Mary Casey", "Mary Casey"), Some(5));
        assert_eq!(level("Bill Smith", "William Smith"), Some(3));
        assert_eq!(level("Mray Csaey", "Mary Casey"), Some(3));
        assert_eq!(level("Casey Mray", "Mary Casey"), Some(3));
        assert_eq!(level("Mary Jones", "Mary Casey"), Some(1));
        assert_eq!(level("John Casey", "Mary Casey"), Some(0));
        assert_eq!(level("John Smith", "Mary Casey"), Some(0));
    }

    #[test]
    fn mailboxes_that_only_spell_the_name_are_no_evidence() {
        let with = |e: &str| Fields {
            emails: vec![e.into()],
            ..latin("Mary Casey")
        };
        let level = |x: &str, y: &str| email(&with(x), &with(y));
        assert_eq!(level("marycasey@yahoo.com", "mary.casey@yahoo.com"), None);
        assert_eq!(level("mcasey@yahoo.com", "marycasey@gmail.com"), None);
        assert_eq!(level("marycasey@yahoo.com", "marycasey7@yahoo.com"), None);
        assert_eq!(level("marycasey7@yahoo.com", "marycasey7@gmail.com"), None);
        assert_eq!(level("mary1984@yahoo.com", "mary1984@gmail.com"), Some(1));
        assert_eq!(level("marycasy@yahoo.com", "mcaseyx@yahoo.com"), Some(0));
        assert_eq!(level("marycasy@yahoo.com", "marycasey@yahoo.com"), Some(1));
        assert_eq!(level("marycasey@yahoo.com", "marycasey@yahoo.com"), Some(2));
    }

    #[test]
    fn latin_addresses_by_their_parts() {
        let at = |number: &str, street: &str, line2: &str, town: &str, postcode: &str| Fields {
            street_number: number.into(),
            address_detail: street.into(),
            address_line2: line2.into(),
            city: town.into(),
            postcode: postcode.into(),
            ..Default::default()
        };
        let home = at("3", "ashkanasy crescent", "miowera", "sylvania", "5042");
        let typo_town = at("3", "ashkanasy crescent", "miowera", "sylvnaia", "5042");
        let swapped_lines = at("3", "miowera", "ashkanasy crescent", "sylvania", "5042");
        let other_number = at("17", "ashkanasy crescent", "", "sylvania", "5042");
        let same_town = at("8", "wallaby place", "", "sylvania", "");
        let elsewhere = at("8", "wallaby place", "", "como", "4214");
        assert_eq!(address(&home, &typo_town), Some(3));
        assert_eq!(address(&home, &swapped_lines), Some(2));
        assert_eq!(address(&home, &other_number), Some(1));
        assert_eq!(address(&home, &same_town), Some(1));
        assert_eq!(address(&home, &elsewhere), Some(0));
        // The house number written in the street line.
        let written = |s: &str| Fields {
            address_detail: s.into(),
            city: "lisatown".into(),
            ..Default::default()
        };
        assert_eq!(
            address(&written("281 tara lock"), &written("281 tara lck")),
            Some(2)
        );
        assert_eq!(
            address(&written("281 tara lock"), &written("28 tara lock")),
            Some(1)
        );
    }

    #[test]
    fn birth_dates_a_keystroke_apart() {
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(birth_date(d(1979, 9, 16), d(1979, 9, 16)), Some(2));
        assert_eq!(birth_date(d(1979, 9, 6), d(1979, 6, 9)), Some(1));
        assert_eq!(birth_date(d(1979, 9, 16), d(1978, 9, 16)), Some(1));
        assert_eq!(birth_date(d(1979, 9, 16), d(1980, 9, 16)), Some(1));
        assert_eq!(birth_date(d(1979, 9, 16), d(1979, 9, 18)), Some(1));
        assert_eq!(birth_date(d(1979, 9, 16), d(1945, 9, 16)), Some(0));
        assert_eq!(birth_date(d(1979, 9, 16), d(1979, 3, 2)), Some(0));
    }
}
