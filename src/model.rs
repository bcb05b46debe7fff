//! Model: Fellegi–Sunter match weights, trained without labels.
//!
//! u (how often a level occurs between two different customers) comes from random record pairs;
//! m (how often it occurs between two records of the same customer) is fitted by EM over the
//! candidate pairs, with u held fixed, as Splink does. An exact name match is weighted by how
//! common the name is (term-frequency adjustment): two 张伟 prove less than two 欧阳靖雯.
//! Every sum runs over fixed chunks in a fixed order, so a model trained with 1 or 16 threads is
//! bit-for-bit the same. The trained model is plain data, saved as JSON and loadable.

use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::compare::{compare, fuzzy_pinyin, Vector, COMPARISONS, FIELDS};
use crate::record::Record;

const CHUNK: usize = 4096;
const U_SAMPLE_PAIRS: usize = 300_000;
const EM_ITERATIONS: usize = 30;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Model {
    /// Share of candidate pairs that are matches.
    pub lambda: f64,
    /// `m[field][level]`, `u[field][level]`.
    pub m: Vec<Vec<f64>>,
    pub u: Vec<Vec<f64>>,
    pub iterations: usize,
}

/// Value frequencies for the term-frequency adjustment of the exact levels of name, mobile,
/// e-mail and address, and of the homophone / shared-字号 level of names.
///
/// u is the share of *other customers'* records that carry the shared value. Counting a
/// customer's own duplicates would make a rare name look common exactly when it has many records,
/// so when a first clustering is known, each count leaves out the records of the pair's own
/// groups; a value no one else has counts as half a record, so it keeps a (small) chance.
pub struct ValueFrequency {
    /// Key (hashed) → records with it, and where its per-group counts are in `per_group`.
    counts: HashMap<u64, KeyCount>,
    /// `(group, records of the group with the key)`, sorted by group within each key's range;
    /// empty when no clustering is known.
    per_group: Vec<(u32, u32)>,
    groups: Option<Vec<u32>>,
    total: f64,
    /// Every record's every key (hashed; only the keys asked about, when that is known), with the
    /// record: what [`ValueFrequency::regroup`] counts again.
    keyed: Vec<(u64, u32)>,
}

#[derive(Clone, Copy)]
struct KeyCount {
    records: u32,
    start: u32,
    len: u32,
}

/// Keys are counted by a 64-bit hash: millions of keys without their text. The hasher is
/// SipHash with fixed keys, so counts are the same in every run.
pub(crate) fn key_hash(key: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::hash::DefaultHasher::new();
    key.hash(&mut h);
    h.finish()
}

/// Per-field u overrides for one pair (`None`: the model's own u).
pub type FieldU = [Option<f64>; FIELDS];

/// The hash of a key written as its `parts` joined by `|` (`n|zhang wei`), without writing it:
/// keys are made for every record and again for every scored pair.
fn parts_hash(parts: &[&str]) -> u64 {
    use std::hash::Hasher;
    let mut h = std::hash::DefaultHasher::new();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            h.write_u8(b'|');
        }
        h.write(p.as_bytes());
    }
    h.write_u8(0xff);
    h.finish()
}

fn sound_key(r: &Record) -> Option<u64> {
    if !r.company_core().is_empty() {
        Some(parts_hash(&["c", r.company_core()]))
    } else if !r.name_pinyin().is_empty() {
        Some(parts_hash(&["p", &fuzzy_pinyin(r.name_pinyin())]))
    } else {
        None
    }
}

fn address_key(r: &Record) -> Option<u64> {
    (!r.address_detail().is_empty())
        .then(|| parts_hash(&["a", r.city(), r.district(), r.address_detail()]))
}

fn mobiles(r: &Record) -> impl Iterator<Item = &str> {
    r.mobiles().iter().chain(r.contact_mobile())
}

/// Every key a record is counted under (the state store keeps them with the record).
pub fn keys(r: &Record) -> Vec<u64> {
    let mut k = Vec::new();
    if !r.name_key().is_empty() {
        k.push(parts_hash(&["n", r.name_key()]));
        k.extend(sound_key(r));
    }
    k.extend(mobiles(r).map(|m| parts_hash(&["m", m])));
    k.extend(r.emails().iter().map(|e| parts_hash(&["e", e])));
    k.extend(address_key(r));
    k.sort_unstable();
    k.dedup();
    k
}

impl ValueFrequency {
    /// `groups`: a first clustering of `records` (group number per record), when there is one.
    /// `pairs`: when given, only the pairs whose u will be asked for; keys neither record of any
    /// of them has are not counted (an incremental run weighs a few pairs among many records).
    /// `known`: every record's [`keys`], when they are known already.
    pub fn new(
        records: &[Record],
        groups: Option<Vec<u32>>,
        pairs: Option<&[(u32, u32)]>,
        known: Option<&[Vec<u64>]>,
    ) -> Self {
        let keys_of = |i: usize| -> Cow<[u64]> {
            match known {
                Some(known) => Cow::Borrowed(&known[i]),
                None => Cow::Owned(keys(&records[i])),
            }
        };
        let wanted: Option<HashSet<u64>> = pairs.map(|pairs| {
            let mut involved: Vec<u32> = pairs.iter().flat_map(|&(a, b)| [a, b]).collect();
            involved.par_sort_unstable();
            involved.dedup();
            involved
                .par_iter()
                .flat_map_iter(|&i| keys_of(i as usize).into_owned())
                .collect()
        });
        let wanted = wanted.as_ref();
        let keyed = (0..records.len())
            .into_par_iter()
            .flat_map_iter(|i| {
                let keys = keys_of(i);
                (0..keys.len())
                    .map(move |j| (keys[j], i as u32))
                    .filter(|(k, _)| wanted.is_none_or(|w| w.contains(k)))
            })
            .collect();
        Self::count(records.len(), keyed, groups)
    }

    /// The same records' keys, counted by the groups of a (first) clustering.
    pub fn regroup(self, groups: Vec<u32>) -> Self {
        Self::count(self.total as usize, self.keyed, Some(groups))
    }

    fn count(records: usize, keyed: Vec<(u64, u32)>, groups: Option<Vec<u32>>) -> Self {
        // (key, group) of every record's every key, sorted: each key's records are one run, and
        // within it each group's.
        let mut entries: Vec<(u64, u32)> = keyed
            .par_iter()
            .map(|&(key, i)| (key, groups.as_ref().map_or(0, |g| g[i as usize])))
            .collect();
        entries.par_sort_unstable();
        let mut counts = HashMap::new();
        let mut per_group = Vec::new();
        let mut x = 0;
        while x < entries.len() {
            let key = entries[x].0;
            let end = x + entries[x..].partition_point(|e| e.0 == key);
            let start = per_group.len() as u32;
            if groups.is_some() {
                let mut y = x;
                while y < end {
                    let group = entries[y].1;
                    let run = entries[y..end].partition_point(|e| e.1 == group);
                    per_group.push((group, run as u32));
                    y += run;
                }
            }
            let count = KeyCount {
                records: (end - x) as u32,
                start,
                len: per_group.len() as u32 - start,
            };
            counts.insert(key, count);
            x = end;
        }
        ValueFrequency {
            total: records.max(1) as f64,
            counts,
            per_group,
            groups,
            keyed,
        }
    }

    fn u_of(&self, key: u64, a: usize, b: usize) -> Option<f64> {
        let count = *self.counts.get(&key)?;
        let own = match &self.groups {
            Some(g) => {
                let range = count.start as usize..(count.start + count.len) as usize;
                let per_group = &self.per_group[range];
                let in_group = |x: usize| {
                    per_group
                        .binary_search_by_key(&g[x], |&(group, _)| group)
                        .map_or(0, |at| per_group[at].1)
                };
                if g[a] == g[b] {
                    in_group(a)
                } else {
                    in_group(a).max(in_group(b))
                }
            }
            None => 1,
        };
        let others = (count.records.saturating_sub(own) as f64).max(0.5);
        Some((others / self.total).max(1e-7))
    }

    /// The u overrides of the pair (`a`, `b`: indexes into `records`) with comparison vector `v`.
    pub fn u(&self, records: &[Record], a: usize, b: usize, v: &Vector) -> FieldU {
        let (x, y) = (&records[a], &records[b]);
        let mut out = [None; FIELDS];
        out[NAME] = match v[NAME] {
            Some(5) => self.u_of(parts_hash(&["n", x.name_key()]), a, b),
            Some(4) => sound_key(x).and_then(|k| self.u_of(k, a, b)),
            _ => None,
        };
        if v[MOBILE] == Some(2) {
            let shared = mobiles(x).find(|m| mobiles(y).any(|n| n == *m));
            out[MOBILE] = shared.and_then(|m| self.u_of(parts_hash(&["m", m]), a, b));
        }
        if v[ADDRESS] == Some(3) {
            out[ADDRESS] = address_key(x).and_then(|k| self.u_of(k, a, b));
        }
        if v[EMAIL] == Some(2) {
            let shared = x.emails().iter().find(|e| y.emails().contains(e));
            out[EMAIL] = shared.and_then(|e| self.u_of(parts_hash(&["e", e]), a, b));
        }
        out
    }
}

/// A deterministic pseudo-random sequence (SplitMix64).
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn levels(f: usize) -> usize {
    COMPARISONS[f].levels.len()
}

fn empty_counts() -> Vec<Vec<f64>> {
    (0..FIELDS).map(|f| vec![0.0; levels(f)]).collect()
}

fn add(into: &mut [Vec<f64>], from: &[Vec<f64>]) {
    for (a, b) in into.iter_mut().zip(from) {
        for (x, y) in a.iter_mut().zip(b) {
            *x += y;
        }
    }
}

fn normalise(counts: &[Vec<f64>], prior: f64) -> Vec<Vec<f64>> {
    counts
        .iter()
        .map(|c| {
            let total: f64 = c.iter().sum::<f64>() + prior * c.len() as f64;
            c.iter().map(|x| (x + prior) / total).collect()
        })
        .collect()
}

/// u probabilities from random pairs of records of the same party: all of them when there are no
/// more than a sample would draw (a small input is measured exactly, and is not compared over and
/// over: 300,000 draws from the 11,000 pairs of 150 records), else a sample of them.
pub fn estimate_u(records: &[Record], seed: u64) -> Vec<Vec<f64>> {
    let n = records.len() as u64;
    let mut counts = empty_counts();
    if n < 2 {
        return normalise(&counts, 1.0);
    }
    let mut parties: std::collections::BTreeMap<Option<crate::record::Party>, Vec<usize>> =
        Default::default();
    for (i, r) in records.iter().enumerate().filter(|(_, r)| !r.is_test) {
        parties.entry(r.party).or_default().push(i);
    }
    let all_pairs: u64 = parties
        .values()
        .map(|m| m.len() as u64 * (m.len() as u64).saturating_sub(1) / 2)
        .sum();
    let mut pairs = Vec::with_capacity(U_SAMPLE_PAIRS.min(all_pairs as usize));
    if all_pairs <= U_SAMPLE_PAIRS as u64 {
        for members in parties.values() {
            for (at, &i) in members.iter().enumerate() {
                pairs.extend(members[at + 1..].iter().map(|&j| (i, j)));
            }
        }
    } else {
        let mut rng = SplitMix(seed);
        let mut attempts = 0;
        while pairs.len() < U_SAMPLE_PAIRS && attempts < U_SAMPLE_PAIRS * 4 {
            attempts += 1;
            let (i, j) = ((rng.next() % n) as usize, (rng.next() % n) as usize);
            if i != j
                && records[i].party == records[j].party
                && !records[i].is_test
                && !records[j].is_test
            {
                pairs.push((i, j));
            }
        }
    }
    let partial: Vec<Vec<Vec<f64>>> = pairs
        .par_chunks(CHUNK)
        .map(|chunk| {
            let mut c = empty_counts();
            for &(i, j) in chunk {
                for (f, level) in compare(&records[i], &records[j]).iter().enumerate() {
                    if let Some(l) = level {
                        c[f][*l as usize] += 1.0;
                    }
                }
            }
            c
        })
        .collect();
    for p in &partial {
        add(&mut counts, p);
    }
    // A level never seen between random records (two equal 身份证) still gets a small chance.
    normalise(&counts, 0.1)
}

/// A training session: EM over the candidate pairs that agree exactly on `on`, as Splink trains
/// with blocking rules. Inside such a subset most pairs are matches, so EM is well posed; the
/// fields of the rule itself (and those derived from them) say nothing there and are held out.
struct Session {
    on: &'static [usize],
    held_out: &'static [usize],
}

/// Field indexes of `COMPARISONS`.
const NAME: usize = 0;
const ID: usize = 1;
const USCC: usize = 2;
const MOBILE: usize = 3;
const EMAIL: usize = 5;
const ADDRESS: usize = 6;
const BIRTH: usize = 7;
const GENDER: usize = 8;

const SESSIONS: &[Session] = &[
    // Birth date and gender are read from the 身份证 when a record lacks them.
    Session {
        on: &[ID],
        held_out: &[ID, BIRTH, GENDER],
    },
    Session {
        on: &[USCC],
        held_out: &[USCC],
    },
    Session {
        on: &[NAME, MOBILE],
        held_out: &[NAME, MOBILE],
    },
    Session {
        on: &[NAME, EMAIL],
        held_out: &[NAME, EMAIL],
    },
    Session {
        on: &[MOBILE, EMAIL],
        held_out: &[MOBILE, EMAIL],
    },
    // Exports without national identifiers (Latin data mostly) have the birth date; the 身份证
    // and gender are held out because a Chinese record's birth date may be read from them.
    Session {
        on: &[BIRTH],
        held_out: &[BIRTH, ID, GENDER],
    },
];

fn exact(v: &Vector, f: usize) -> bool {
    v[f] == Some(levels(f) as u8 - 1)
}

impl Model {
    /// Train m by EM sessions (u fixed), then the prior: the chance that two random records are
    /// one customer, `random_pairs` being the number of record pairs of the run.
    pub fn train(vectors: &[Vector], u: Vec<Vec<f64>>, random_pairs: f64) -> Model {
        // Each session's m counts by the matches it saw with the field present, so a session of a
        // few dozen pairs cannot outvote one of thousands.
        let mut sums = empty_counts();
        let mut weight_per_field = [0f64; FIELDS];
        let mut iterations = 0;
        for session in SESSIONS {
            let subset: Vec<Vector> = vectors
                .iter()
                .filter(|v| session.on.iter().all(|&f| exact(v, f)))
                .copied()
                .collect();
            if subset.len() < 20 {
                continue;
            }
            let (m, matches, n) = em(&subset, &u, session.held_out);
            iterations += n;
            for f in (0..FIELDS).filter(|f| !session.held_out.contains(f)) {
                for (s, x) in sums[f].iter_mut().zip(&m[f]) {
                    *s += x * matches[f];
                }
                weight_per_field[f] += matches[f];
            }
        }
        let m: Vec<Vec<f64>> = (0..FIELDS)
            .map(|f| match weight_per_field[f] {
                w if w > 0.0 => sums[f].iter().map(|x| x / w).collect(),
                _ => default_m(f),
            })
            .collect();
        let mut model = Model {
            lambda: 0.5,
            m,
            u,
            iterations,
        };
        model.lambda = model.prior(vectors, random_pairs);
        model
    }

    /// The prior as a fixed point: expected matches among the candidates over all record pairs.
    fn prior(&self, vectors: &[Vector], random_pairs: f64) -> f64 {
        let bayes: Vec<f64> = vectors
            .par_iter()
            .map(|v| self.field_weights(v, None).iter().flatten().sum::<f64>())
            .collect();
        let mut lambda: f64 = 1e-4;
        for _ in 0..50 {
            let odds = (lambda / (1.0 - lambda)).log2();
            // Chunk sums on every core, added in chunk order: the same sum on any thread count.
            let expected: f64 = bayes
                .par_chunks(CHUNK)
                .map(|c| c.iter().map(|w| probability(odds + w)).sum::<f64>())
                .collect::<Vec<f64>>()
                .iter()
                .sum();
            let next = (expected / random_pairs.max(1.0)).clamp(1e-12, 0.5);
            if (next - lambda).abs() <= lambda * 1e-6 {
                return next;
            }
            lambda = next;
        }
        lambda
    }
    /// Match weight (log2 Bayes factor) of each field for a vector; `None` where the field is missing.
    /// `tf` replaces the u of a field's level where given (term-frequency adjustment).
    pub fn field_weights(&self, v: &Vector, tf: Option<&FieldU>) -> [Option<f64>; FIELDS] {
        let mut w = [None; FIELDS];
        for (f, level) in v.iter().enumerate() {
            if let Some(l) = level {
                let l = *l as usize;
                let u = tf.and_then(|t| t[f]).unwrap_or(self.u[f][l]);
                w[f] = Some((self.m[f][l] / u).log2());
            }
        }
        w
    }

    /// Prior log2-odds plus the field weights.
    pub fn log2_odds(&self, v: &Vector, tf: Option<&FieldU>) -> f64 {
        let prior = (self.lambda / (1.0 - self.lambda)).log2();
        prior + self.field_weights(v, tf).iter().flatten().sum::<f64>()
    }
}

/// Matches mostly agree exactly: the starting point of EM, and m where no session could train.
fn default_m(f: usize) -> Vec<f64> {
    let l = levels(f);
    let raw: Vec<f64> = (0..l)
        .map(|x| {
            if x + 1 == l {
                0.9
            } else {
                0.1 / (l - 1) as f64
            }
        })
        .collect();
    raw
}

/// EM for m (and the session's own λ) with u fixed, over `vectors`, ignoring `held_out` fields.
/// Returns m, the expected number of matches with each field present, and the iterations run.
fn em(vectors: &[Vector], u: &[Vec<f64>], held_out: &[usize]) -> (Vec<Vec<f64>>, Vec<f64>, usize) {
    let mut matches = vec![0.0; FIELDS];
    let mut m: Vec<Vec<f64>> = (0..FIELDS).map(default_m).collect();
    let mut lambda: f64 = 0.5;
    let mut iterations = 0;
    for _ in 0..EM_ITERATIONS {
        iterations += 1;
        // Each level's weight, worked out once per iteration rather than once per pair.
        let weights: Vec<Vec<f64>> = (0..FIELDS)
            .map(|f| {
                m[f].iter()
                    .zip(&u[f])
                    .map(|(m, u)| (m / u).log2())
                    .collect()
            })
            .collect();
        let prior = (lambda / (1.0 - lambda)).log2();
        let odds = |v: &Vector| {
            let mut w = prior;
            for (f, level) in v.iter().enumerate() {
                if let (Some(l), false) = (level, held_out.contains(&f)) {
                    w += weights[f][*l as usize];
                }
            }
            w
        };
        let partial: Vec<(Vec<Vec<f64>>, f64)> = vectors
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut c = empty_counts();
                let mut p_sum = 0.0;
                for v in chunk {
                    let p = probability(odds(v));
                    p_sum += p;
                    for (f, level) in v.iter().enumerate() {
                        if let Some(l) = level {
                            c[f][*l as usize] += p;
                        }
                    }
                }
                (c, p_sum)
            })
            .collect();
        let mut counts = empty_counts();
        let mut p_total = 0.0;
        for (c, p) in &partial {
            add(&mut counts, c);
            p_total += p;
        }
        let next_lambda = (p_total / vectors.len() as f64).clamp(1e-6, 1.0 - 1e-6);
        let next_m = normalise(&counts, 0.01);
        matches = counts.iter().map(|c| c.iter().sum()).collect();
        let change = m
            .iter()
            .flatten()
            .zip(next_m.iter().flatten())
            .map(|(a, b)| (a - b).abs())
            .fold((next_lambda - lambda).abs(), f64::max);
        m = next_m;
        lambda = next_lambda;
        if change < 1e-7 {
            break;
        }
    }
    (m, matches, iterations)
}

pub fn probability(log2_odds: f64) -> f64 {
    1.0 / (1.0 + (-log2_odds).exp2())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small input's u probabilities are those of all its pairs of one party (test records
    /// left out), whatever the seed: they are counted, not sampled.
    #[test]
    fn a_small_input_is_measured_on_all_its_pairs() {
        use crate::record::{Fields, Party};
        let record = |party, name: &str, birth: Option<u32>, is_test| {
            Record::from(Fields {
                party: Some(party),
                is_test,
                name: name.into(),
                name_key: name.into(),
                birth_date: birth.and_then(|d| chrono::NaiveDate::from_ymd_opt(1980, 1, d)),
                ..Default::default()
            })
        };
        let mut records = Vec::new();
        for i in 0..40u32 {
            let name = ["张伟", "李娜", "王芳", "张伟"][i as usize % 4];
            let birth = (i % 3 > 0).then_some(1 + i % 5);
            records.push(record(Party::Person, name, birth, i == 7));
            records.push(record(
                Party::Company,
                ["华信科技", "华信"][i as usize % 2],
                None,
                false,
            ));
        }
        let mut counts = empty_counts();
        for i in 0..records.len() {
            for j in i + 1..records.len() {
                let (a, b) = (&records[i], &records[j]);
                if a.party == b.party && !a.is_test && !b.is_test {
                    for (f, level) in compare(a, b).iter().enumerate() {
                        if let Some(l) = level {
                            counts[f][*l as usize] += 1.0;
                        }
                    }
                }
            }
        }
        let exact = normalise(&counts, 0.1);
        assert_eq!(estimate_u(&records, 1), exact);
        assert_eq!(estimate_u(&records, 0x5EED), exact);
    }

    #[test]
    fn em_separates_agreeing_from_disagreeing_pairs() {
        // 300 pairs agreeing on everything present, 700 disagreeing: EM should put λ near 0.3.
        let agree: Vector = [
            Some(5),
            Some(2),
            None,
            Some(2),
            None,
            Some(2),
            Some(3),
            Some(2),
            Some(1),
            None,
            None,
            None,
        ];
        let differ: Vector = [
            Some(0),
            Some(0),
            None,
            Some(0),
            None,
            Some(0),
            Some(0),
            Some(0),
            Some(1),
            None,
            None,
            None,
        ];
        let mut vectors = vec![agree; 300];
        vectors.extend(vec![differ; 700]);
        let u = normalise(
            &(0..FIELDS)
                .map(|f| {
                    let mut c = vec![0.0; levels(f)];
                    c[0] = 99.0;
                    *c.last_mut().unwrap() += 1.0;
                    c
                })
                .collect::<Vec<_>>(),
            0.1,
        );
        // 300 matches among 10,000 record pairs.
        let model = Model::train(&vectors, u, 10_000.0);
        assert!((model.lambda - 0.03).abs() < 0.005, "{}", model.lambda);
        assert!(probability(model.log2_odds(&agree, None)) > 0.99);
        assert!(probability(model.log2_odds(&differ, None)) < 0.01);
        let json = serde_json::to_string(&model).unwrap();
        assert_eq!(serde_json::from_str::<Model>(&json).unwrap(), model);
    }
}
