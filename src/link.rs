//! Link: the matching stages in order — block, compare, model, cluster — over all records of a run.
//!
//! Test records take no part: each stays a customer of its own. The model is trained on the run's
//! own candidate pairs (no labels), and a pair is accepted when its match probability reaches the
//! threshold; pairs just below it are kept for the steward's review queue.

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::block::{candidate_pairs_among, default_rules, Among, RuleReport};
use crate::cluster::{cluster_with, Clustering, Decisions, Edge};
use crate::compare::{compare, Vector};
use crate::model::{estimate_u, probability, FieldU, Model, ValueFrequency};
use crate::record::Record;

/// Pairs at or above this probability are the same customer.
pub const MATCH_PROBABILITY: f64 = 0.5;
/// Pairs at or above this probability but below the match threshold go to the review queue.
pub const REVIEW_PROBABILITY: f64 = 0.05;

/// A scored candidate pair, with the weight each field contributed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ScoredPair {
    pub a: u32,
    pub b: u32,
    pub weight: f64,
    pub probability: f64,
    pub field_weights: FieldWeights,
}

/// The match weight of each field of a pair, none where a record lacks the field. Kept in single
/// precision (outputs show them to three decimals; the pair's weight is summed in double): a run
/// holds hundreds of thousands of scored pairs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(
    from = "[Option<f64>; crate::compare::FIELDS]",
    into = "[Option<f64>; crate::compare::FIELDS]"
)]
pub struct FieldWeights([f32; crate::compare::FIELDS]);

impl From<[Option<f64>; crate::compare::FIELDS]> for FieldWeights {
    fn from(weights: [Option<f64>; crate::compare::FIELDS]) -> FieldWeights {
        FieldWeights::new(weights)
    }
}

impl From<FieldWeights> for [Option<f64>; crate::compare::FIELDS] {
    fn from(weights: FieldWeights) -> Self {
        weights.get()
    }
}

impl FieldWeights {
    pub fn new(weights: [Option<f64>; crate::compare::FIELDS]) -> FieldWeights {
        FieldWeights(weights.map(|w| w.map_or(f32::NAN, |w| w as f32)))
    }

    pub fn get(&self) -> [Option<f64>; crate::compare::FIELDS] {
        self.0.map(|w| (!w.is_nan()).then_some(f64::from(w)))
    }
}

pub struct Linkage {
    pub model: Model,
    pub blocking: Vec<RuleReport>,
    pub candidates: usize,
    /// Accepted pairs and pairs kept for review, by descending weight.
    pub scored: Vec<ScoredPair>,
    pub clustering: Clustering,
}

/// What an incremental run takes over from the last one: its model, and the pairs it scored
/// between records that have not changed since (indexes into this run's records).
pub struct Prior<'a> {
    pub model: Model,
    pub pairs: Vec<ScoredPair>,
    /// Records new or changed since the last run: only pairs touching one are compared.
    pub fresh: &'a [bool],
}

/// What is known of every record before linking, when a run has made it already (a run with a
/// state store keeps it with each record).
#[derive(Clone, Copy)]
pub struct Known<'a> {
    /// Blocking keys under the default rules (`block::keys_of`).
    pub keys: &'a [crate::block::Keys],
    /// Value-frequency keys (`model::keys`).
    pub counted: &'a [Vec<u64>],
}

struct Scoring<'a> {
    records: &'a [Record],
    pairs: &'a [(u32, u32)],
    vectors: &'a [Vector],
    model: &'a Model,
    kept: &'a [ScoredPair],
    decisions: &'a Decisions,
}

fn score_and_cluster(s: &Scoring, freq: &ValueFrequency) -> (Vec<ScoredPair>, Clustering) {
    let Scoring {
        records,
        pairs,
        vectors,
        model,
        kept,
        decisions,
    } = *s;
    let mut scored: Vec<ScoredPair> = pairs
        .par_iter()
        .zip(vectors)
        .filter_map(|(&(a, b), v)| {
            let (tf, weight) = weigh(records, model, freq, (a, b), v);
            let p = probability(weight);
            (p >= REVIEW_PROBABILITY).then(|| ScoredPair {
                a,
                b,
                weight,
                probability: p,
                field_weights: FieldWeights::new(model.field_weights(v, Some(&tf))),
            })
        })
        .collect();
    scored.sort_by(|x, y| join_order((x.weight, x.a, x.b), (y.weight, y.a, y.b)));
    let scored = merge_in_order(scored, kept.iter().cloned(), |p| (p.weight, p.a, p.b));
    let edges: Vec<Edge> = scored.iter().filter_map(accepted).collect();
    let clustering = cluster_with(records, &edges, decisions);
    (scored, clustering)
}

/// The clustering of the first pass: only the accepted pairs' weights are needed, in the order
/// `score_and_cluster` would join them (its accepted pairs, by descending weight).
fn first_clustering(s: &Scoring, freq: &ValueFrequency) -> Clustering {
    let Scoring {
        records,
        pairs,
        vectors,
        model,
        kept,
        decisions,
    } = *s;
    let mut edges: Vec<Edge> = pairs
        .par_iter()
        .zip(vectors)
        .filter_map(|(&(a, b), v)| {
            let (_, weight) = weigh(records, model, freq, (a, b), v);
            (probability(weight) >= MATCH_PROBABILITY).then_some(Edge { a, b, weight })
        })
        .collect();
    edges.sort_by(|x, y| join_order((x.weight, x.a, x.b), (y.weight, y.a, y.b)));
    let edges = merge_in_order(edges, kept.iter().filter_map(accepted), |e| {
        (e.weight, e.a, e.b)
    });
    cluster_with(records, &edges, decisions)
}

/// A compared pair's term frequencies (the u of the values it agrees on) and its match weight.
fn weigh(
    records: &[Record],
    model: &Model,
    freq: &ValueFrequency,
    (a, b): (u32, u32),
    v: &Vector,
) -> (FieldU, f64) {
    crate::progress::tick(1);
    let tf = freq.u(records, a as usize, b as usize, v);
    let weight = model.log2_odds(v, Some(&tf));
    (tf, weight)
}

/// `fresh` and `kept`, each in join order already, as one list in join order: the pairs taken
/// over from the last run are many, those compared now few, and no pair is in both.
fn merge_in_order<T>(
    fresh: Vec<T>,
    kept: impl Iterator<Item = T>,
    key: impl Fn(&T) -> (f64, u32, u32),
) -> Vec<T> {
    let mut kept = kept.peekable();
    if kept.peek().is_none() {
        return fresh;
    }
    // Sized once, for all the kept ones at most (the accepted ones among them are most).
    let (least, most) = kept.size_hint();
    let mut all = Vec::with_capacity(fresh.len() + most.unwrap_or(least));
    for f in fresh {
        while let Some(k) = kept.next_if(|k| join_order(key(k), key(&f)).is_lt()) {
            all.push(k);
        }
        all.push(f);
    }
    all.extend(kept);
    all
}

/// The order pairs are joined in: heavier first, then by their records.
fn join_order(x: (f64, u32, u32), y: (f64, u32, u32)) -> std::cmp::Ordering {
    y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2)))
}

/// A scored pair as an edge to cluster on, when it is accepted as a match.
fn accepted(p: &ScoredPair) -> Option<Edge> {
    (p.probability >= MATCH_PROBABILITY).then_some(Edge {
        a: p.a,
        b: p.b,
        weight: p.weight,
    })
}

pub fn link(records: &[Record]) -> Linkage {
    link_with(records, None, None, &Decisions::default())
}

/// Link `records`, all of them afresh (`prior` None) or only the pairs that touch a new or changed
/// record, scored with the last run's model; the steward's decisions are honoured in clustering.
pub fn link_with(
    records: &[Record],
    prior: Option<Prior>,
    known: Option<Known>,
    decisions: &Decisions,
) -> Linkage {
    // Blocking gives test records no keys, so they take part in no pair.
    let (pairs, blocking) = candidate_pairs_among(
        Among {
            records,
            fresh: prior.as_ref().map(|p| p.fresh),
            keys: known.map(|k| k.keys),
        },
        &default_rules(),
    );
    crate::progress::stage("compare", pairs.len() as u64);
    let vectors: Vec<Vector> = pairs
        .par_iter()
        .map(|&(a, b)| {
            crate::progress::tick(1);
            compare(&records[a as usize], &records[b as usize])
        })
        .collect();
    let prior_given = prior.is_some();
    let (model, kept) = match prior {
        Some(mut p) => {
            // In join order once, for both clusterings.
            p.pairs.par_sort_unstable_by(|x, y| {
                join_order((x.weight, x.a, x.b), (y.weight, y.a, y.b))
            });
            (p.model, p.pairs)
        }
        None => {
            let u = estimate_u(records, 0x0005_EED0_F57E_3A4D);
            let n = records.iter().filter(|r| !r.is_test).count() as f64;
            (Model::train(&vectors, u, n * (n - 1.0) / 2.0), Vec::new())
        }
    };
    let scoring = Scoring {
        records,
        pairs: &pairs,
        vectors: &vectors,
        model: &model,
        kept: &kept,
        decisions,
    };
    crate::progress::stage("score", 2 * pairs.len() as u64);
    // Two passes: the first clustering tells whose records a name's count should leave out.
    // An incremental run weighs only the pairs it compared: only their values are counted.
    let first = ValueFrequency::new(
        records,
        None,
        prior_given.then_some(pairs.as_slice()),
        known.map(|k| k.counted),
    );
    let (scored, clustering) = if pairs.is_empty() {
        // Nothing compared (a run on the same sources as the last): no weight for the counts to
        // change, and both passes would cluster the same pairs alike.
        score_and_cluster(&scoring, &first)
    } else {
        let clustering = first_clustering(&scoring, &first);
        let second = first.regroup(clustering.cluster_of.clone());
        score_and_cluster(&scoring, &second)
    };
    Linkage {
        model,
        blocking,
        candidates: pairs.len(),
        scored,
        clustering,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn merged_pairs_are_in_the_order_one_sort_gives() {
        let mut next = crate::normalize::test_numbers(7);
        for round in 0..200 {
            // Weights from a few values, so that ties are broken by the records.
            let mut edges: Vec<Edge> = (0..round % 40)
                .map(|i| Edge {
                    a: next(50) as u32,
                    b: 100 + i,
                    weight: next(6) as f64 - 2.0,
                })
                .collect();
            let order = |x: &Edge, y: &Edge| join_order((x.weight, x.a, x.b), (y.weight, y.a, y.b));
            let mut all = edges.clone();
            all.sort_by(order);
            let kept = edges.split_off(edges.len() * next(4) as usize / 4);
            let (mut fresh, mut kept) = (edges, kept);
            fresh.sort_by(order);
            kept.sort_by(order);
            let merged = merge_in_order(fresh, kept.into_iter(), |e| (e.weight, e.a, e.b));
            assert_eq!(merged, all, "round {round}");
        }
    }
}
