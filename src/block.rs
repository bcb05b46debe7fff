//! Block: candidate pairs from blocking keys, never all pairs.
//!
//! Each blocking rule gives every record zero or more keys; records sharing a key form a block,
//! and every pair inside a block is a candidate. Deterministic keys (checksum-valid 身份证 and USCC,
//! mobiles, e-mails, landlines) find most duplicates; fuzzy keys (name, pinyin, company 字号,
//! address, the 身份证's region + birth date) find the ones whose identifiers were mistyped or are
//! stale. A block too large to be informative (a very common name) is skipped and reported, so
//! the cost stays near-linear. The per-rule counts are reported like Splink's blocking analysis.

use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::Serialize;

use crate::model::key_hash;
use crate::record::{Party, Record, Text};
use ecow::eco_format;

/// One blocking rule: its name, how it keys a record, the largest block it will expand, and the
/// size above which a block is narrowed (see [`NARROW_ABOVE`]).
pub struct BlockingRule {
    pub name: &'static str,
    pub keys: fn(&Record, &mut Vec<Text>),
    pub max_block: usize,
    pub narrow_above: usize,
}

/// What a rule produced, for summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct RuleReport {
    pub rule: &'static str,
    pub blocks: usize,
    pub pairs: u64,
    pub new_pairs: u64,
    /// Blocks larger than [`NARROW_ABOVE`], expanded only where their members share a narrowing key.
    pub narrowed_blocks: usize,
    /// Narrowed groups still too large to expand, and the records in them.
    pub skipped_blocks: usize,
    pub skipped_records: usize,
}

impl RuleReport {
    fn new(rule: &'static str) -> Self {
        RuleReport {
            rule,
            blocks: 0,
            pairs: 0,
            new_pairs: 0,
            narrowed_blocks: 0,
            skipped_blocks: 0,
            skipped_records: 0,
        }
    }

    /// Adds the block counts of another part of the same rule's blocks.
    fn add(&mut self, other: &RuleReport) {
        self.blocks += other.blocks;
        self.narrowed_blocks += other.narrowed_blocks;
        self.skipped_blocks += other.skipped_blocks;
        self.skipped_records += other.skipped_records;
    }
}

fn party_tag(r: &Record) -> &'static str {
    match r.party {
        Some(Party::Person) => "p",
        Some(Party::Company) => "c",
        None => "u",
    }
}

/// The rules, strongest first.
pub fn default_rules() -> Vec<BlockingRule> {
    vec![
        BlockingRule {
            name: "id_number",
            keys: |r, k| k.extend(r.id_number().map(Text::from)),
            max_block: 50,
            narrow_above: NARROW_ABOVE,
        },
        BlockingRule {
            name: "uscc",
            keys: |r, k| k.extend(r.uscc().map(Text::from)),
            max_block: 50,
            narrow_above: NARROW_ABOVE,
        },
        BlockingRule {
            name: "mobile",
            keys: |r, k| {
                k.extend(r.mobiles().iter().map(Text::from));
                k.extend(r.contact_mobile().map(Text::from));
            },
            max_block: 50,
            narrow_above: NARROW_ABOVE,
        },
        BlockingRule {
            name: "email",
            keys: |r, k| k.extend(r.emails().iter().map(Text::from)),
            max_block: 50,
            narrow_above: NARROW_ABOVE,
        },
        BlockingRule {
            name: "landline",
            keys: |r, k| {
                k.extend(
                    r.phones()
                        .iter()
                        .filter(|p| p.starts_with('0'))
                        .map(Text::from),
                )
            },
            max_block: 50,
            narrow_above: NARROW_ABOVE,
        },
        BlockingRule {
            name: "name",
            keys: |r, k| {
                if !r.name_key().is_empty() {
                    k.push(eco_format!("{}|{}", party_tag(r), r.name_key()));
                }
            },
            max_block: 200,
            narrow_above: NARROW_ABOVE,
        },
        BlockingRule {
            name: "name_pinyin",
            keys: |r, k| {
                if !r.name_pinyin().is_empty() {
                    k.push(r.name_pinyin().into());
                }
            },
            max_block: 200,
            narrow_above: NARROW_ABOVE,
        },
        BlockingRule {
            name: "company_core",
            keys: |r, k| {
                if !r.company_core().is_empty() && r.party != Some(Party::Person) {
                    k.push(r.company_core().into());
                }
            },
            max_block: 100,
            narrow_above: NARROW_ABOVE,
        },
        BlockingRule {
            name: "address",
            keys: |r, k| {
                if !r.address_detail().is_empty()
                    && (!r.district().is_empty() || !r.city().is_empty())
                {
                    k.push(eco_format!(
                        "{}|{}|{}",
                        r.city(),
                        r.district(),
                        r.address_detail()
                    ));
                }
            },
            max_block: 30,
            narrow_above: NARROW_ABOVE,
        },
        BlockingRule {
            name: "id_region_birth",
            keys: |r, k| {
                for id in r.id_number().into_iter().chain(r.id_number_invalid()) {
                    if id.len() >= 14 {
                        k.push(id[..14].into());
                    }
                }
            },
            max_block: 30,
            narrow_above: NARROW_ABOVE,
        },
        BlockingRule {
            name: "other_id",
            keys: |r, k| k.extend(r.other_id().map(Text::from)),
            max_block: 50,
            narrow_above: NARROW_ABOVE,
        },
        BlockingRule {
            name: "birth_date",
            keys: |r, k| k.extend(r.birth_date.map(|d| eco_format!("{d}"))),
            max_block: 50,
            // A shared birth date alone is weak: a day holds a few dozen people per million. More
            // than a handful of records born on one day are paired only where they share one more
            // thing (a town, initials, a mobile prefix …).
            narrow_above: 8,
        },
        BlockingRule {
            name: "identifier_typo",
            keys: |r, k| {
                k.extend(r.id_number_invalid().map(Text::from));
                k.extend(r.uscc_invalid().map(Text::from));
                k.extend(r.mobiles_invalid().iter().map(Text::from));
            },
            max_block: 30,
            narrow_above: NARROW_ABOVE,
        },
    ]
}

/// A block larger than this is not expanded into all its pairs: its members are paired only with
/// those that also share a narrowing key (city, birth date, mobile prefix …). Same-name records of
/// a big city, or same-day births, are mostly different people; the ones that are one customer
/// almost always share one more thing. So the pairs a record takes part in stay bounded whatever the
/// volume, and the cost of blocking grows linearly with it.
pub const NARROW_ABOVE: usize = 32;

/// Keys that narrow a big block, each tagged by its kind so that kinds never meet; hashed, since
/// a collision only adds a candidate pair.
fn narrowing_keys(r: &Record, keys: &mut Vec<u64>) {
    use std::hash::{Hash, Hasher};
    let mut put = |kind: char, value: &str| {
        let mut h = std::hash::DefaultHasher::new();
        kind.hash(&mut h);
        value.hash(&mut h);
        keys.push(h.finish());
    };
    if !r.city().is_empty() {
        put('c', r.city());
    } else if !r.province().is_empty() {
        put('v', r.province());
    }
    if let Some(d) = r.birth_date {
        put('b', &d.to_string());
    }
    for m in r
        .mobiles()
        .iter()
        .chain(r.contact_mobile())
        .chain(r.mobiles_invalid())
    {
        if m.len() >= 7 && m.is_char_boundary(7) {
            put('m', &m[..7]);
        }
    }
    for id in r.id_number().into_iter().chain(r.id_number_invalid()) {
        if id.len() >= 6 && id.is_char_boundary(6) {
            put('i', &id[..6]);
        }
    }
    // The name's first character: a Chinese name's surname. A Latin name gives the initials of
    // its first and last word together (`jm` for Jessica Middleton): a single letter is shared by
    // a tenth of all people.
    let mut initials = String::new();
    initials.extend(r.name_key().chars().next());
    if r.name_pinyin().is_empty() {
        if let Some((_, last)) = r.name_key().rsplit_once(' ') {
            initials.extend(last.chars().next());
        }
    }
    if !initials.is_empty() {
        put('n', &initials);
    }
    if !r.contact_name().is_empty() {
        put('k', r.contact_name());
    }
}

/// Records' narrowing keys, deduplicated, in one flat list: the `n`-th record's are
/// `keys[starts[n]..starts[n + 1]]`, `n` being the record's index when every record's keys are
/// made, its place among those made otherwise.
struct Narrowing {
    starts: Vec<u32>,
    keys: Vec<u64>,
    /// Record index → its place in `starts`, when not every record's keys are made.
    place: Option<HashMap<u32, u32>>,
}

impl Narrowing {
    /// The narrowing keys of every record.
    fn new(records: &[Record]) -> Narrowing {
        let (starts, keys) = flat(records.par_iter().map(narrowed).collect());
        Narrowing {
            starts,
            keys,
            place: None,
        }
    }

    /// The narrowing keys of `which` (distinct records) only: an incremental run narrows the
    /// few large blocks that hold a new or changed record, not every record.
    fn of_records(records: &[Record], which: &[u32]) -> Narrowing {
        let per = which
            .par_iter()
            .map(|&i| narrowed(&records[i as usize]))
            .collect();
        let (starts, keys) = flat(per);
        let place = which.iter().enumerate().map(|(at, &i)| (i, at as u32));
        Narrowing {
            starts,
            keys,
            place: Some(place.collect()),
        }
    }

    fn of(&self, i: u32) -> &[u64] {
        let at = match &self.place {
            None => i as usize,
            Some(place) => place[&i] as usize,
        };
        &self.keys[self.starts[at] as usize..self.starts[at + 1] as usize]
    }
}

/// A record's narrowing keys, sorted, without repeats; none for a test record.
fn narrowed(r: &Record) -> Vec<u64> {
    let mut k = Vec::new();
    if !r.is_test {
        narrowing_keys(r, &mut k);
        k.sort_unstable();
        k.dedup();
    }
    k
}

/// Lists of keys as one list and where each starts (and the last ends).
fn flat(per: Vec<Vec<u64>>) -> (Vec<u32>, Vec<u64>) {
    let mut starts = Vec::with_capacity(per.len() + 1);
    let mut keys = Vec::new();
    starts.push(0);
    for k in per {
        keys.extend(k);
        starts.push(keys.len() as u32);
    }
    (starts, keys)
}

/// Per rule, the `(key, record)` of every record whose key under the rule is also a fresh
/// record's: the members of the blocks an incremental run compares, gathered in one pass over
/// the known keys of all records.
fn keyed_with_fresh(known: &[Keys], fresh: &[bool], rules: usize) -> Vec<Vec<(u64, u32)>> {
    let mut wanted: Vec<HashSet<u64>> = vec![HashSet::new(); rules];
    for (keys, _) in known.iter().zip(fresh).filter(|(_, &f)| f) {
        for &(rule, k) in keys {
            wanted[usize::from(rule)].insert(k);
        }
    }
    known
        .par_iter()
        .enumerate()
        .fold(
            || vec![Vec::new(); rules],
            |mut by_rule: Vec<Vec<(u64, u32)>>, (i, keys)| {
                for &(rule, k) in keys {
                    if wanted[usize::from(rule)].contains(&k) {
                        by_rule[usize::from(rule)].push((k, i as u32));
                    }
                }
                by_rule
            },
        )
        .reduce(
            || vec![Vec::new(); rules],
            |mut a, b| {
                for (x, y) in a.iter_mut().zip(b) {
                    x.extend(y);
                }
                a
            },
        )
}

/// `(i, j)` with `i < j` packed into one `u64`, so pairs sort and deduplicate as integers.
fn pack(i: u32, j: u32) -> u64 {
    (u64::from(i.min(j)) << 32) | u64::from(i.max(j))
}

/// A record's blocking keys: `(rule, key hash)` for each rule (by its place in the list of rules),
/// sorted and without repeats.
pub type Keys = Vec<(u8, u64)>;

/// A record's keys under one rule, hashed, sorted and without repeats; none for a test record.
fn rule_keys(rule: &BlockingRule, r: &Record) -> Vec<u64> {
    if r.is_test {
        return Vec::new();
    }
    let mut keys = Vec::new();
    (rule.keys)(r, &mut keys);
    let mut hashed: Vec<u64> = keys.iter().map(|k| key_hash(k)).collect();
    hashed.sort_unstable();
    hashed.dedup();
    hashed
}

/// A record's [`Keys`] under `rules`; none for a test record. The state store keeps them with the
/// record, so that an unchanged record's keys need not be made again.
pub fn keys_of(r: &Record, rules: &[BlockingRule]) -> Keys {
    rules
        .iter()
        .enumerate()
        .flat_map(|(at, rule)| rule_keys(rule, r).into_iter().map(move |k| (at as u8, k)))
        .collect()
}

/// What candidate pairs are sought among.
pub struct Among<'a> {
    pub records: &'a [Record],
    /// Records new or changed since the last run: only the pairs with at least one of them are
    /// sought, and the reports count those (an incremental run compares nothing else).
    pub fresh: Option<&'a [bool]>,
    /// Every record's [`keys_of`] under the same rules, when they are known already.
    pub keys: Option<&'a [Keys]>,
}

/// Candidate pairs `(i, j)` with `i < j`, sorted, and a report per rule.
pub fn candidate_pairs(
    records: &[Record],
    rules: &[BlockingRule],
    fresh: Option<&[bool]>,
) -> (Vec<(u32, u32)>, Vec<RuleReport>) {
    candidate_pairs_among(
        Among {
            records,
            fresh,
            keys: None,
        },
        rules,
    )
}

/// [`candidate_pairs`], the records' keys taken from `among` when it has them.
pub fn candidate_pairs_among(
    among: Among,
    rules: &[BlockingRule],
) -> (Vec<(u32, u32)>, Vec<RuleReport>) {
    let Among {
        records,
        fresh,
        keys: known,
    } = among;
    let is_fresh = |i: u32| fresh.is_none_or(|f| f[i as usize]);
    let mut all: Vec<u64> = Vec::new();
    let mut reports = Vec::new();
    let mut narrowing: Option<Narrowing> = None;
    let mut with_fresh = match (known, fresh) {
        (Some(known), Some(fresh)) => keyed_with_fresh(known, fresh, rules.len()),
        _ => Vec::new(),
    };
    for (at, rule) in rules.iter().enumerate() {
        // Every record's keys under the rule, by key (a 64-bit hash of it) and then record: each
        // block is one run, its members in record order.
        let mut keyed: Vec<(u64, u32)> = match known {
            // Only those of blocks with a fresh record (see `keyed_with_fresh`).
            Some(_) if fresh.is_some() => std::mem::take(&mut with_fresh[at]),
            Some(known) => known
                .par_iter()
                .enumerate()
                .flat_map_iter(|(i, keys)| {
                    keys.iter()
                        .filter(|(r, _)| usize::from(*r) == at)
                        .map(move |&(_, k)| (k, i as u32))
                })
                .collect(),
            None => records
                .par_iter()
                .enumerate()
                .flat_map_iter(|(i, r)| rule_keys(rule, r).into_iter().map(move |k| (k, i as u32)))
                .collect(),
        };
        keyed.par_sort_unstable();
        let mut blocks: Vec<&[(u64, u32)]> = keyed
            .chunk_by(|x, y| x.0 == y.0)
            .filter(|b| b.len() >= 2 && b.iter().any(|&(_, i)| is_fresh(i)))
            .collect();
        // Large blocks first, so that the parallel work is spread evenly.
        blocks.sort_by_key(|b| std::cmp::Reverse(b.len()));
        let limit = rule.narrow_above.min(rule.max_block);
        if fresh.is_some() {
            // The members of this rule's large blocks, when there are any.
            let mut large: Vec<u32> = blocks
                .iter()
                .take_while(|b| b.len() > limit)
                .flat_map(|b| b.iter().map(|&(_, i)| i))
                .collect();
            large.sort_unstable();
            large.dedup();
            narrowing = (!large.is_empty()).then(|| Narrowing::of_records(records, &large));
        } else if narrowing.is_none() && blocks.first().is_some_and(|b| b.len() > limit) {
            // Narrowing keys are computed once per record, on first need.
            narrowing = Some(Narrowing::new(records));
        }
        let emit = |members: &[u32], found: &mut Vec<u64>| {
            for (x, &i) in members.iter().enumerate() {
                for &j in &members[x + 1..] {
                    if !is_fresh(i) && !is_fresh(j) {
                        continue;
                    }
                    let (p, q) = (records[i as usize].party, records[j as usize].party);
                    if p.is_some() && q.is_some() && p != q {
                        continue; // a person and a company are never one customer
                    }
                    found.push(pack(i, j));
                }
            }
        };
        let narrowing = narrowing.as_ref();
        let (mut found, mut report) = blocks
            .par_iter()
            .fold(
                || (Vec::new(), RuleReport::new(rule.name)),
                |(mut found, mut report), block| {
                    let members: Vec<u32> = block.iter().map(|&(_, i)| i).collect();
                    if members.len() <= limit {
                        report.blocks += 1;
                        emit(&members, &mut found);
                        return (found, report);
                    }
                    let narrowing = narrowing.expect("computed for the rule's largest block");
                    report.narrowed_blocks += 1;
                    let mut sub: HashMap<u64, Vec<u32>> = HashMap::new();
                    for &i in &members {
                        for &k in narrowing.of(i) {
                            sub.entry(k).or_default().push(i);
                        }
                    }
                    for part in sub.values() {
                        if part.len() < 2 {
                            continue;
                        }
                        // A key every member shares (the birth date of a birth-date block)
                        // narrows nothing.
                        if part.len() > NARROW_ABOVE || part.len() == members.len() {
                            report.skipped_blocks += 1;
                            report.skipped_records += part.len();
                            continue;
                        }
                        emit(part, &mut found);
                    }
                    (found, report)
                },
            )
            .reduce(
                || (Vec::new(), RuleReport::new(rule.name)),
                |(mut found, mut report), (more, counts)| {
                    found.extend(more);
                    report.add(&counts);
                    (found, report)
                },
            );
        drop(blocks);
        drop(keyed);
        found.par_sort_unstable();
        found.dedup();
        report.pairs = found.len() as u64;
        // Pairs no earlier rule produced; then merge them into the running set.
        let mut merged = Vec::with_capacity(all.len() + found.len());
        let (mut x, mut y) = (0, 0);
        while x < all.len() || y < found.len() {
            if y == found.len() || (x < all.len() && all[x] < found[y]) {
                merged.push(all[x]);
                x += 1;
            } else if x == all.len() || found[y] < all[x] {
                merged.push(found[y]);
                report.new_pairs += 1;
                y += 1;
            } else {
                merged.push(all[x]);
                x += 1;
                y += 1;
            }
        }
        all = merged;
        reports.push(report);
    }
    let pairs = all
        .into_iter()
        .map(|p| ((p >> 32) as u32, p as u32))
        .collect();
    (pairs, reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(name: &str, mobile: &str) -> Record {
        Record::from(crate::record::Fields {
            party: Some(Party::Person),
            name: name.into(),
            name_key: name.into(),
            mobiles: if mobile.is_empty() {
                vec![]
            } else {
                vec![mobile.into()]
            },
            ..Default::default()
        })
    }

    #[test]
    fn pairs_from_shared_keys_once_each() {
        let records = [
            rec("张伟", "13800000001"),
            rec("张伟", "13800000001"),
            rec("李娜", "13800000001"),
            rec("王芳", ""),
        ];
        let (pairs, reports) = candidate_pairs(&records, &default_rules(), None);
        assert_eq!(pairs, vec![(0, 1), (0, 2), (1, 2)]);
        let mobile = reports.iter().find(|r| r.rule == "mobile").unwrap();
        assert_eq!((mobile.pairs, mobile.new_pairs), (3, 3));
        let name = reports.iter().find(|r| r.rule == "name").unwrap();
        assert_eq!((name.pairs, name.new_pairs), (1, 0));
    }

    #[test]
    fn known_keys_give_the_pairs_made_keys_give() {
        let mut records = vec![
            rec("张伟", "13800000001"),
            rec("张伟", "13900000002"),
            rec("李娜", "13800000001"),
            rec("王芳", "13900000002"),
            rec("王芳", ""),
        ];
        records[4].is_test = true;
        let rules = default_rules();
        let keys: Vec<Keys> = records.iter().map(|r| keys_of(r, &rules)).collect();
        assert!(keys[4].is_empty());
        for fresh in [None, Some(&[false, false, false, true, false][..])] {
            let made = candidate_pairs(&records, &rules, fresh);
            let known = candidate_pairs_among(
                Among {
                    records: &records,
                    fresh,
                    keys: Some(&keys),
                },
                &rules,
            );
            assert_eq!(made.0, known.0);
            assert!(!made.0.is_empty());
        }
        // Only pairs with the fresh record (3: 王芳, sharing a mobile with 1).
        let (pairs, _) =
            candidate_pairs(&records, &rules, Some(&[false, false, false, true, false]));
        assert_eq!(pairs, vec![(1, 3)]);
    }

    /// A block too large to compare whole, narrowed: with known keys and a few fresh records, the
    /// pairs are those of the whole run that hold a fresh record, and the reports count the same.
    #[test]
    fn narrowed_blocks_give_the_fresh_records_pairs_of_the_whole() {
        // 90 people of one name; mobiles in 9 prefixes of 7 digits, 10 people each, some shared.
        let records: Vec<Record> = (0..90)
            .map(|i| rec("张伟", &format!("13{}{:02}000{:02}", i % 9, i % 9, i % 4)))
            .collect();
        let rules = default_rules();
        let keys: Vec<Keys> = records.iter().map(|r| keys_of(r, &rules)).collect();
        let (whole, _) = candidate_pairs(&records, &rules, None);
        let mut fresh = vec![false; records.len()];
        for i in [3, 40, 41, 88] {
            fresh[i] = true;
        }
        let wanted: Vec<(u32, u32)> = whole
            .iter()
            .copied()
            .filter(|&(a, b)| fresh[a as usize] || fresh[b as usize])
            .collect();
        let made = candidate_pairs(&records, &rules, Some(&fresh));
        let known = candidate_pairs_among(
            Among {
                records: &records,
                fresh: Some(&fresh),
                keys: Some(&keys),
            },
            &rules,
        );
        assert!(wanted.len() > 20, "{}", wanted.len());
        assert_eq!(made.0, wanted);
        assert_eq!(known.0, wanted);
        let name = |r: &[RuleReport]| {
            let n = r.iter().find(|r| r.rule == "name").unwrap();
            (n.narrowed_blocks, n.pairs)
        };
        assert_eq!(name(&made.1), name(&known.1));
        assert_eq!(name(&known.1).0, 1);
    }

    #[test]
    fn oversized_blocks_are_skipped_and_reported() {
        let records: Vec<Record> = (0..300).map(|_| rec("张伟", "")).collect();
        let (pairs, reports) = candidate_pairs(&records, &default_rules(), None);
        assert!(pairs.is_empty());
        let name = reports.iter().find(|r| r.rule == "name").unwrap();
        assert_eq!((name.skipped_blocks, name.skipped_records), (1, 300));
    }
}
