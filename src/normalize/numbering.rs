//! libphonenumber's validity verdict on a national number, answered from patterns compiled once.
//!
//! The `phonenumber` crate keeps its patterns in one shared cache of 100 compiled regexes behind a
//! mutex, keyed by the full pattern text: every match hashes and compares a pattern of up to a few
//! kilobytes under the lock, and the North American plan alone (25 regions, ≈200 patterns) evicts
//! and recompiles the cache without end. On English data that was a quarter of the whole run.
//! This module compiles the same patterns with the same options once per calling code and applies
//! the crate's own rules (`validator::is_valid_with`): the region that claims the number by its
//! leading digits or by a known number type, then "valid" when the region's general pattern and
//! one of its type patterns match. Tests check the verdicts against the crate's.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, RwLock};

use phonenumber::metadata::{Descriptor, Metadata, DATABASE};
use regex::{Regex, RegexBuilder};

/// A pattern anchored at the start of the number, with the crate's options (whitespace in patterns
/// ignored) and room for the lazy DFA of a plan's long alternations to stay built. The crate asks
/// whether the leftmost match starts the number; a match anchored there exists exactly then, and an
/// anchored search stops at the first digit that fits no alternative.
fn anchored(pattern: &str) -> Option<Regex> {
    // The line break ends a comment the pattern might close with (whitespace mode).
    RegexBuilder::new(&format!("^(?:{pattern}\n)"))
        .ignore_whitespace(true)
        .dfa_size_limit(32 << 20)
        .build()
        .ok()
}

/// One descriptor: its pattern and the lengths a number of its kind may have.
struct Pattern {
    regex: Regex,
    lengths: Vec<u16>,
}

impl Pattern {
    fn of(d: &Descriptor) -> Option<Pattern> {
        let regex = anchored(d.national_number().as_str())?;
        Some(Pattern {
            regex,
            lengths: d.possible_length().to_vec(),
        })
    }

    /// The crate's `Descriptor::is_match`: a possible length, and a match that starts the number.
    fn matches(&self, national: &str) -> bool {
        (self.lengths.is_empty() || self.lengths.contains(&(national.len() as u16)))
            && self.regex.is_match(national)
    }
}

/// One region of a calling code.
struct Region {
    leading: Option<Regex>,
    general: Pattern,
    /// Every type descriptor the region has (premium rate … mobile); the type itself does not
    /// matter for validity, only that one of them matches.
    kinds: Vec<Pattern>,
}

impl Region {
    fn of(meta: &Metadata) -> Option<Region> {
        let d = meta.descriptors();
        let kinds = [
            d.premium_rate(),
            d.toll_free(),
            d.shared_cost(),
            d.voip(),
            d.personal_number(),
            d.pager(),
            d.uan(),
            d.voicemail(),
            d.fixed_line(),
            d.mobile(),
        ];
        Some(Region {
            leading: match meta.leading_digits() {
                Some(l) => Some(anchored(l.as_str())?),
                None => None,
            },
            general: Pattern::of(d.general())?,
            kinds: kinds
                .into_iter()
                .flatten()
                .map(Pattern::of)
                .collect::<Option<_>>()?,
        })
    }

    /// The crate's `number_type(…) != Type::Unknown`.
    fn known(&self, national: &str) -> bool {
        self.general.matches(national) && self.kinds.iter().any(|k| k.matches(national))
    }

    fn claims(&self, national: &str) -> bool {
        match &self.leading {
            Some(l) => l.is_match(national),
            None => self.known(national),
        }
    }
}

/// The regions of one calling code, in the database's order; `None` when a pattern does not
/// compile here (the caller then asks the crate).
type Plan = Option<Vec<Region>>;

static PLANS: LazyLock<RwLock<HashMap<u16, Arc<Plan>>>> = LazyLock::new(Default::default);

fn plan(code: u16) -> Arc<Plan> {
    if let Some(p) = PLANS.read().expect("numbering plans").get(&code) {
        return p.clone();
    }
    let compiled = Arc::new(compile(code));
    PLANS
        .write()
        .expect("numbering plans")
        .entry(code)
        .or_insert(compiled)
        .clone()
}

fn compile(code: u16) -> Plan {
    let ids = DATABASE.region(&code)?;
    if ids.len() == 1 {
        let meta = if ids[0] == "001" {
            DATABASE.by_code(&code)?.into_iter().next()?
        } else {
            DATABASE.by_id(ids[0])?
        };
        return Some(vec![Region::of(meta)?]);
    }
    ids.iter()
        .map(|id| Region::of(DATABASE.by_id(*id)?))
        .collect()
}

/// Whether libphonenumber holds `national` (digits, no national prefix) a valid number of the
/// calling code; `None` when this module cannot answer for the code.
pub fn is_valid(code: u16, national: &str) -> Option<bool> {
    let plan = plan(code);
    let regions = plan.as_ref().as_ref()?;
    let valid = match regions.as_slice() {
        [] => false,
        [only] => only.known(national),
        several => several
            .iter()
            .find(|r| r.claims(national))
            .is_some_and(|r| r.known(national)),
    };
    Some(valid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use phonenumber::country;

    fn crate_verdict(code: u16, national: &str) -> bool {
        let written = format!("+{code}{national}");
        phonenumber::parse(None, &written)
            .ok()
            .filter(|n| n.code().value() == code && n.national().to_string() == national)
            .is_some_and(|n| phonenumber::is_valid(&n))
    }

    /// North American numbers of every area code, and numbers of other plans, get the crate's
    /// verdict.
    #[test]
    fn verdicts_are_the_crate_s() {
        let mut next = crate::normalize::test_numbers(0x9E37_79B9_7F4A_7C15_u64);
        let mut checked = 0;
        let mut valid = 0;
        for npa in 200..1000u64 {
            for _ in 0..6 {
                let national = format!("{npa}{:07}", next(10_000_000));
                let v = is_valid(1, &national).expect("North American plan");
                assert_eq!(v, crate_verdict(1, &national), "+1 {national}");
                checked += 1;
                valid += usize::from(v);
            }
        }
        for (code, len) in [
            (44, 10),
            (33, 9),
            (49, 11),
            (81, 10),
            (852, 8),
            (61, 9),
            (7, 10),
        ] {
            for _ in 0..2_000 {
                let national: String = (0..len)
                    .map(|i| char::from(b'0' + (next(9) + u64::from(i == 0)) as u8))
                    .collect();
                if crate_verdict(code, &national) != is_valid(code, &national).unwrap() {
                    // The crate may have read the written number differently (a national prefix):
                    // only numbers it reads back as written are comparable.
                    let parsed = phonenumber::parse(None, format!("+{code}{national}")).ok();
                    assert!(
                        parsed.is_none_or(|p| p.national().to_string() != national),
                        "+{code} {national}"
                    );
                }
                checked += 1;
            }
        }
        assert!(checked > 10_000);
        // Both verdicts occur: the comparison is not between two constant answers.
        assert!(valid > 500 && valid < 4_000, "{valid} valid of 4,800");
        let gb = phonenumber::parse(Some(country::GB), "020 7946 0958").unwrap();
        assert_eq!(
            is_valid(44, &gb.national().to_string()),
            Some(phonenumber::is_valid(&gb))
        );
    }
}
