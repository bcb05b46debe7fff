//! Cluster: records into customers, by connected components over the accepted pairs, guarded
//! against chaining.
//!
//! Pairs are joined strongest first, and a join is refused when the two groups cannot be one
//! customer: two different checksum-valid 身份证 or 统一社会信用代码, a person and a company, or a
//! branch (分公司) and another legal entity. So a weak edge can never pull two clearly different
//! customers together through a chain, and every refusal is kept to explain the result.
//!
//! A steward's decisions come first: must-link pairs are joined before any scored pair (over the
//! guards, which a steward may overrule), and a cannot-link pair is a guard of its own that no
//! chain of joins can cross.

use rayon::prelude::*;
use serde::Serialize;

use crate::record::{Party, Record};

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Edge {
    pub a: u32,
    pub b: u32,
    pub weight: f64,
}

/// Why a join was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Guard {
    DifferentIdNumber,
    DifferentUscc,
    PersonAndCompany,
    DifferentBranch,
    /// A steward decided the two records are different customers.
    CannotLink,
}

/// The steward's decisions about record pairs (indexes into the run's records).
#[derive(Debug, Clone, Default)]
pub struct Decisions {
    pub must_link: Vec<(u32, u32)>,
    pub cannot_link: Vec<(u32, u32)>,
}

/// What a group of records must not contradict, its texts borrowed from the records. Each list is
/// sorted and without repeats (mostly empty or of one item: a list, not a tree, per record).
#[derive(Default, Clone)]
struct Facts<'r> {
    ids: Vec<&'r str>,
    usccs: Vec<&'r str>,
    party: Option<Party>,
    branches: Vec<&'r str>,
    /// Records of the group named in a cannot-link decision, and the records they must not join.
    marked: Vec<u32>,
    cannot: Vec<u32>,
}

/// `into` and `from` as one sorted list without repeats. Joined groups mostly hold the same list,
/// or one of them none: those are taken as they are.
fn merge<T: Ord>(into: &mut Vec<T>, from: Vec<T>) {
    if from.is_empty() || *into == from {
        return;
    }
    if into.is_empty() {
        *into = from;
        return;
    }
    into.extend(from);
    into.sort_unstable();
    into.dedup();
}

/// Whether two sorted lists share an item.
fn meet<T: Ord>(a: &[T], b: &[T]) -> bool {
    let (mut x, mut y) = (0, 0);
    while x < a.len() && y < b.len() {
        match a[x].cmp(&b[y]) {
            std::cmp::Ordering::Less => x += 1,
            std::cmp::Ordering::Greater => y += 1,
            std::cmp::Ordering::Equal => return true,
        }
    }
    false
}

impl<'r> Facts<'r> {
    fn of(r: &'r Record) -> Facts<'r> {
        Facts {
            party: r.party,
            ids: r.id_number().into_iter().collect(),
            usccs: r.uscc().into_iter().collect(),
            branches: match r.party {
                Some(Party::Company) => vec![r.branch()],
                _ => Vec::new(),
            },
            ..Default::default()
        }
    }

    fn conflict(&self, other: &Facts) -> Option<Guard> {
        if meet(&self.cannot, &other.marked) || meet(&other.cannot, &self.marked) {
            return Some(Guard::CannotLink);
        }
        let clash = |a: &Vec<&str>, b: &Vec<&str>| !a.is_empty() && !b.is_empty() && a != b;
        if clash(&self.ids, &other.ids) {
            return Some(Guard::DifferentIdNumber);
        }
        if clash(&self.usccs, &other.usccs) {
            return Some(Guard::DifferentUscc);
        }
        if matches!((self.party, other.party), (Some(x), Some(y)) if x != y) {
            return Some(Guard::PersonAndCompany);
        }
        if clash(&self.branches, &other.branches) {
            return Some(Guard::DifferentBranch);
        }
        None
    }

    fn absorb(&mut self, other: Facts<'r>) {
        merge(&mut self.ids, other.ids);
        merge(&mut self.usccs, other.usccs);
        self.party = self.party.or(other.party);
        merge(&mut self.branches, other.branches);
        merge(&mut self.marked, other.marked);
        merge(&mut self.cannot, other.cannot);
    }
}

pub struct Clustering {
    /// Cluster number of each record; clusters are numbered by their first record.
    pub cluster_of: Vec<u32>,
    pub clusters: usize,
    pub joined: Vec<Edge>,
    pub refused: Vec<(Edge, Guard)>,
}

fn find(parent: &mut [u32], mut x: u32) -> u32 {
    while parent[x as usize] != x {
        let p = parent[x as usize];
        parent[x as usize] = parent[p as usize];
        x = p;
    }
    x
}

/// Cluster `records` over `edges` (the accepted pairs).
pub fn cluster(records: &[Record], edges: &[Edge]) -> Clustering {
    cluster_with(records, edges, &Decisions::default())
}

/// Cluster `records` over `edges`, honouring the steward's decisions.
pub fn cluster_with(records: &[Record], edges: &[Edge], decisions: &Decisions) -> Clustering {
    let n = records.len();
    let mut parent: Vec<u32> = (0..n as u32).collect();
    let mut facts: Vec<Option<Facts>> = records.par_iter().map(|r| Some(Facts::of(r))).collect();
    for &(a, b) in &decisions.cannot_link {
        for (x, y) in [(a, b), (b, a)] {
            let f = facts[x as usize].as_mut().unwrap();
            merge(&mut f.marked, vec![x]);
            merge(&mut f.cannot, vec![y]);
        }
    }
    let forced: Vec<Edge> = decisions
        .must_link
        .iter()
        .map(|&(a, b)| Edge {
            a: a.min(b),
            b: a.max(b),
            weight: f64::INFINITY,
        })
        .collect();
    let mut order: Vec<&Edge> = edges.iter().chain(&forced).collect();
    order.sort_by(|x, y| {
        y.weight
            .total_cmp(&x.weight)
            .then((x.a, x.b).cmp(&(y.a, y.b)))
    });
    let mut joined = Vec::new();
    let mut refused = Vec::new();
    for e in order {
        let (ra, rb) = (find(&mut parent, e.a), find(&mut parent, e.b));
        if ra == rb {
            joined.push(*e);
            continue;
        }
        let (fa, fb) = (
            facts[ra as usize].as_ref().unwrap(),
            facts[rb as usize].as_ref().unwrap(),
        );
        // A must-link overrules the guards, but not a cannot-link.
        let guard = fa
            .conflict(fb)
            .filter(|g| e.weight != f64::INFINITY || *g == Guard::CannotLink);
        if let Some(guard) = guard {
            refused.push((*e, guard));
            continue;
        }
        // The smaller root survives, so the result does not depend on edge order among equals.
        let (keep, gone) = (ra.min(rb), ra.max(rb));
        let moved = facts[gone as usize].take().unwrap_or_default();
        facts[keep as usize].as_mut().unwrap().absorb(moved);
        parent[gone as usize] = keep;
        joined.push(*e);
    }
    let mut number = vec![u32::MAX; n];
    let mut cluster_of = vec![0u32; n];
    let mut clusters = 0u32;
    for i in 0..n as u32 {
        let root = find(&mut parent, i) as usize;
        if number[root] == u32::MAX {
            number[root] = clusters;
            clusters += 1;
        }
        cluster_of[i as usize] = number[root];
    }
    Clustering {
        cluster_of,
        clusters: clusters as usize,
        joined,
        refused,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn person(id: Option<&str>) -> Record {
        Record::from(crate::record::Fields {
            party: Some(Party::Person),
            id_number: id.map(Into::into),
            ..Default::default()
        })
    }

    #[test]
    fn chains_through_a_weak_edge_are_refused_on_conflicting_ids() {
        let records = [person(Some("A")), person(None), person(Some("B"))];
        let edges = [
            Edge {
                a: 0,
                b: 1,
                weight: 10.0,
            },
            Edge {
                a: 1,
                b: 2,
                weight: 5.0,
            },
        ];
        let c = cluster(&records, &edges);
        assert_eq!(c.cluster_of, vec![0, 0, 1]);
        assert_eq!(c.refused.len(), 1);
        assert_eq!(c.refused[0].1, Guard::DifferentIdNumber);
    }

    #[test]
    fn persons_and_companies_never_merge() {
        let mut company = person(None);
        company.party = Some(Party::Company);
        let c = cluster(
            &[person(None), company],
            &[Edge {
                a: 0,
                b: 1,
                weight: 30.0,
            }],
        );
        assert_eq!(c.clusters, 2);
        assert_eq!(c.refused[0].1, Guard::PersonAndCompany);
    }

    #[test]
    fn decisions_force_and_forbid_joins() {
        let records = [
            person(Some("A")),
            person(None),
            person(Some("B")),
            person(None),
        ];
        let edges = [Edge {
            a: 0,
            b: 1,
            weight: 10.0,
        }];
        let decisions = Decisions {
            // Joins two different ids (a steward overrules the guard) and 3 to them…
            must_link: vec![(2, 0), (3, 2)],
            // …but 1 must stay apart from 3, so the edge 0–1 is refused after the forced joins.
            cannot_link: vec![(1, 3)],
        };
        let c = cluster_with(&records, &edges, &decisions);
        assert_eq!(c.cluster_of, vec![0, 1, 0, 0]);
        assert_eq!(c.refused.len(), 1);
        assert_eq!(c.refused[0].1, Guard::CannotLink);
    }
}
