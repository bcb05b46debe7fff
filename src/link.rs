//! Link: the matching stages in order — block, compare, model, cluster — over all records of a run.
//!
//! Test records take no part: each stays a customer of its own. The model is trained on the run's
//! own candidate pairs (no labels), and a pair is accepted when its match probability reaches the
//! threshold; pairs just below it are kept for the steward's review queue.

use rayon::prelude::*;
use serde::Serialize;

use crate::block::{candidate_pairs, default_rules, RuleReport};
use crate::cluster::{cluster, Clustering, Edge};
use crate::compare::{compare, Vector, FIELDS};
use crate::model::{estimate_u, probability, Model, ValueFrequency};
use crate::record::Record;

/// Pairs at or above this probability are the same customer.
pub const MATCH_PROBABILITY: f64 = 0.5;
/// Pairs at or above this probability but below the match threshold go to the review queue.
pub const REVIEW_PROBABILITY: f64 = 0.05;

/// A scored candidate pair, with the weight each field contributed.
#[derive(Debug, Clone, Serialize)]
pub struct ScoredPair {
    pub a: u32,
    pub b: u32,
    pub weight: f64,
    pub probability: f64,
    pub field_weights: [Option<f64>; FIELDS],
}

pub struct Linkage {
    pub model: Model,
    pub blocking: Vec<RuleReport>,
    pub candidates: usize,
    /// Accepted pairs and pairs kept for review, by descending weight.
    pub scored: Vec<ScoredPair>,
    pub clustering: Clustering,
}

fn score_and_cluster(
    records: &[Record],
    pairs: &[(u32, u32)],
    vectors: &[Vector],
    model: &Model,
    freq: &ValueFrequency,
) -> (Vec<ScoredPair>, Clustering) {
    let mut scored: Vec<ScoredPair> = pairs
        .par_iter()
        .zip(vectors)
        .filter_map(|(&(a, b), v)| {
            crate::progress::tick(1);
            let tf = freq.u(records, a as usize, b as usize, v);
            let weight = model.log2_odds(v, Some(&tf));
            let p = probability(weight);
            (p >= REVIEW_PROBABILITY).then(|| ScoredPair {
                a,
                b,
                weight,
                probability: p,
                field_weights: model.field_weights(v, Some(&tf)),
            })
        })
        .collect();
    scored.sort_by(|x, y| {
        y.weight
            .total_cmp(&x.weight)
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    let edges: Vec<Edge> = scored
        .iter()
        .filter(|p| p.probability >= MATCH_PROBABILITY)
        .map(|p| Edge {
            a: p.a,
            b: p.b,
            weight: p.weight,
        })
        .collect();
    let clustering = cluster(records, &edges);
    (scored, clustering)
}

pub fn link(records: &[Record]) -> Linkage {
    // Blocking gives test records no keys, so they take part in no pair.
    let (pairs, blocking) = candidate_pairs(records, &default_rules());
    crate::progress::stage("compare", pairs.len() as u64);
    let vectors: Vec<Vector> = pairs
        .par_iter()
        .map(|&(a, b)| {
            crate::progress::tick(1);
            compare(&records[a as usize], &records[b as usize])
        })
        .collect();
    let u = estimate_u(records, 0x0005_EED0_F57E_3A4D);
    let n = records.iter().filter(|r| !r.is_test).count() as f64;
    let model = Model::train(&vectors, u, n * (n - 1.0) / 2.0);
    crate::progress::stage("score", 2 * pairs.len() as u64);
    // Two passes: the first clustering tells whose records a name's count should leave out.
    let first = ValueFrequency::new(records, None);
    let (_, clustering) = score_and_cluster(records, &pairs, &vectors, &model, &first);
    drop(first);
    let second = ValueFrequency::new(records, Some(clustering.cluster_of.clone()));
    let (scored, clustering) = score_and_cluster(records, &pairs, &vectors, &model, &second);
    Linkage {
        model,
        blocking,
        candidates: pairs.len(),
        scored,
        clustering,
    }
}
