//! Stable golden ids: a golden id, once issued, stays with its customer across runs.
//!
//! Each cluster of this run looks at the ids its records held in the last run. Ids are handed out
//! by the largest share first: the (cluster, old id) pair with the most records in common wins,
//! ties going to the lower id and then the earlier cluster, and neither takes part again. An old id
//! that found no cluster of its own is retired, with the cluster that took most of its records as
//! its successor (a merge); a cluster that holds records of an id another cluster kept is a split,
//! and gets a new id. Brand-new clusters get the next numbers in cluster order, so a first run
//! gives the same ids as a run without a store. Ids are never reused.

use std::collections::{HashMap, HashSet};

use foldhash::fast::FixedState;
use rayon::prelude::*;

/// `G00000001`: a prefix and a zero-padded number.
pub fn format_id(number: u64) -> String {
    format!("G{number:08}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum IdChangeKind {
    /// A cluster with no record seen before.
    New,
    /// The old id's records went (mostly) to another id's cluster: the old id retires.
    Merged,
    /// Some of the old id's records left it for a cluster of their own, which got a new id.
    Split,
    /// No record holds the old id any more (its rows were deleted).
    Retired,
}

impl IdChangeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            IdChangeKind::New => "new",
            IdChangeKind::Merged => "merged",
            IdChangeKind::Split => "split",
            IdChangeKind::Retired => "retired",
        }
    }
}

/// One row of `id_map.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct IdChange {
    pub old_id: String,
    pub new_id: String,
    pub change: IdChangeKind,
}

pub struct Ids {
    /// The golden id of each cluster.
    pub of_cluster: Vec<String>,
    pub changes: Vec<IdChange>,
    /// The number the next new id gets.
    pub next: u64,
}

/// Ids for `clusters` clusters, given each record's cluster and the id it held last run (None for
/// a record new to the store), the ids active before the run and the next free number.
pub fn assign_ids(
    cluster_of: &[u32],
    clusters: usize,
    previous: &[Option<&str>],
    active: &HashSet<&str>,
    next: u64,
) -> Ids {
    // The old ids, numbered in their text's order: the work below is on numbers, and a number's
    // order is its id's. Each distinct id is met once (in record order, a provisional number),
    // and only those are sorted: a run has a few records per id.
    let mut met: HashMap<&str, u32, FixedState> =
        HashMap::with_capacity_and_hasher(active.len(), FixedState::default());
    let mut distinct: Vec<&str> = Vec::with_capacity(active.len());
    let provisional: Vec<Option<u32>> = previous
        .iter()
        .map(|old| {
            old.map(|o| {
                *met.entry(o).or_insert_with(|| {
                    distinct.push(o);
                    distinct.len() as u32 - 1
                })
            })
        })
        .collect();
    let mut order: Vec<u32> = (0..distinct.len() as u32).collect();
    order.par_sort_unstable_by_key(|&p| distinct[p as usize]);
    let mut rank = vec![0u32; distinct.len()];
    for (n, &p) in order.iter().enumerate() {
        rank[p as usize] = n as u32;
    }
    let olds: Vec<&str> = order.iter().map(|&p| distinct[p as usize]).collect();
    let number = |id: &str| met.get(id).map(|&p| rank[p as usize] as usize);
    let live: Vec<bool> = olds.iter().map(|o| active.contains(o)).collect();
    // (cluster, old id) → records in common, in that order: each run of a sorted list is one.
    let mut held: Vec<(u32, u32)> = cluster_of
        .par_iter()
        .zip(&provisional)
        .filter_map(|(&c, p)| p.map(|p| (c, rank[p as usize])))
        .collect();
    held.par_sort_unstable();
    let shared: Vec<((u32, u32), usize)> = held
        .chunk_by(|a, b| a == b)
        .filter(|run| live[run[0].1 as usize])
        .map(|run| (run[0], run.len()))
        .collect();
    let mut claims: Vec<(usize, u32, u32)> = shared.iter().map(|&((c, o), n)| (n, o, c)).collect();
    claims.sort_unstable_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut of_cluster: Vec<Option<String>> = vec![None; clusters];
    let mut taken = vec![false; olds.len()];
    for &(_, old, c) in &claims {
        if of_cluster[c as usize].is_none() && !taken[old as usize] {
            of_cluster[c as usize] = Some(olds[old as usize].to_string());
            taken[old as usize] = true;
        }
    }
    let mut next = next;
    let mut changes = Vec::new();
    let of_cluster: Vec<String> = of_cluster
        .into_iter()
        .map(|id| {
            id.unwrap_or_else(|| {
                let id = format_id(next);
                next += 1;
                id
            })
        })
        .collect();
    // Where did the records of each old id go? (claims order: most records first): the claims of
    // each old id, one run of `went`, starting at `went_from[old]`.
    let mut went: Vec<(u32, usize, u32)> = claims.iter().map(|&(n, o, c)| (o, n, c)).collect();
    went.sort_by_key(|&(o, _, _)| o);
    let mut went_from = vec![0; olds.len() + 1];
    for &(o, _, _) in &went {
        went_from[o as usize + 1] += 1;
    }
    for o in 0..olds.len() {
        went_from[o + 1] += went_from[o];
    }
    let went_of = |o: usize| &went[went_from[o]..went_from[o + 1]];
    let mut claimed = vec![false; clusters];
    for &(_, _, c) in &claims {
        claimed[c as usize] = true;
    }
    for c in (0..clusters).filter(|&c| !claimed[c]) {
        changes.push(IdChange {
            old_id: String::new(),
            new_id: of_cluster[c].clone(),
            change: IdChangeKind::New,
        });
    }
    // In any order: the changes are sorted below.
    for &old in active {
        let targets = number(old).map_or(&[][..], went_of);
        if targets.is_empty() {
            changes.push(IdChange {
                old_id: old.to_string(),
                new_id: String::new(),
                change: IdChangeKind::Retired,
            });
            continue;
        }
        let kept = number(old).is_some_and(|o| taken[o]);
        // The claims are sorted by share, so the first target took most of its records: when the
        // old id found no cluster of its own, it merged into that one.
        for (k, &(_, _, c)) in targets.iter().enumerate() {
            let id = &of_cluster[c as usize];
            if id == old {
                continue;
            }
            changes.push(IdChange {
                old_id: old.to_string(),
                new_id: id.clone(),
                change: if !kept && k == 0 {
                    IdChangeKind::Merged
                } else {
                    IdChangeKind::Split
                },
            });
        }
    }
    changes.sort();
    changes.dedup();
    Ids {
        of_cluster,
        changes,
        next,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn active<'a>(ids: &[&'a str]) -> HashSet<&'a str> {
        ids.iter().copied().collect()
    }

    #[test]
    fn a_first_run_numbers_clusters_in_order() {
        let ids = assign_ids(&[0, 1, 0, 2], 3, &[None; 4], &HashSet::new(), 1);
        assert_eq!(ids.of_cluster, ["G00000001", "G00000002", "G00000003"]);
        assert_eq!(ids.next, 4);
        assert_eq!(ids.changes.len(), 3);
        assert!(ids.changes.iter().all(|c| c.change == IdChangeKind::New));
    }

    #[test]
    fn the_same_clusters_keep_their_ids_whatever_their_order() {
        let prev = [Some("G00000002"), Some("G00000001"), Some("G00000002")];
        let ids = assign_ids(
            &[0, 1, 0],
            2,
            &prev,
            &active(&["G00000001", "G00000002"]),
            3,
        );
        assert_eq!(ids.of_cluster, ["G00000002", "G00000001"]);
        assert!(ids.changes.is_empty());
        assert_eq!(ids.next, 3);
    }

    #[test]
    fn a_merge_keeps_the_larger_share_and_retires_the_other() {
        let prev = [
            Some("G00000001"),
            Some("G00000002"),
            Some("G00000002"),
            None,
        ];
        let ids = assign_ids(
            &[0, 0, 0, 0],
            1,
            &prev,
            &active(&["G00000001", "G00000002"]),
            3,
        );
        assert_eq!(ids.of_cluster, ["G00000002"]);
        assert_eq!(
            ids.changes,
            [IdChange {
                old_id: "G00000001".into(),
                new_id: "G00000002".into(),
                change: IdChangeKind::Merged
            }]
        );
    }

    #[test]
    fn a_split_keeps_the_id_on_the_larger_part() {
        let prev = [Some("G00000001"); 3];
        let ids = assign_ids(&[0, 1, 1], 2, &prev, &active(&["G00000001"]), 2);
        assert_eq!(ids.of_cluster, ["G00000002", "G00000001"]);
        assert_eq!(
            ids.changes,
            [IdChange {
                old_id: "G00000001".into(),
                new_id: "G00000002".into(),
                change: IdChangeKind::Split
            }]
        );
    }

    #[test]
    fn an_id_without_records_retires_and_numbers_are_not_reused() {
        let ids = assign_ids(&[0], 1, &[None], &active(&["G00000001"]), 2);
        assert_eq!(ids.of_cluster, ["G00000002"]);
        assert!(ids.changes.contains(&IdChange {
            old_id: "G00000001".into(),
            new_id: String::new(),
            change: IdChangeKind::Retired
        }));
    }
}
