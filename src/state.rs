//! State: what a run takes from the state store (records unchanged since the last run, the model,
//! the pairs scored between unchanged records, golden ids, decisions) and what it gives back (the
//! changes, in one transaction), with the diff against the last run.
//!
//! A row is known by its source and key; its content hash tells whether it changed. An unchanged
//! row is not normalized again (its normalized record is stored) and its pairs with other
//! unchanged rows keep their scores, so only pairs touching a new or changed row are compared:
//! an incremental run costs what changed, not what is there.
//!
//! Survivorship likewise: the source trust is learned by a full run and then frozen (like the
//! model), and a cluster that holds the very same unchanged records as a stored golden record
//! takes that golden record, its lineage and its conflicts over instead of deciding them again.

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use anyhow::{bail, Context, Result};
use foldhash::fast::FixedState;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::block::Keys;
use crate::cluster::Decisions;
use crate::link::{FieldWeights, ScoredPair};
use crate::normalize::record::Known;
use crate::record::{Fields, Issue, Packed, Record, SourceTable, Text};
use crate::store::{
    check_decision, columns_hash, hex128, hex128_digits, row_hash, split_record, store_keys,
    Change, GoldenState, IdChange, IdChangeKind, Ids, IssueKey, Snapshot, StoredPair, StoredRecord,
    StoredSurvival,
};
use crate::survive::{self, trust::Trust, Decided, Field, Survivorship};

/// The steward version: a store written by another version is not trusted for normalized forms.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The layout of a stored record: its compact form ([`Packed`]), text and field ends, its issues and
/// what linking makes of it ([`Derived`]).
const RECORD_LAYOUT: &str = "packed-3";

/// What the stored forms depend on: the steward version, the fields of a record (its stored text
/// holds them one after the other, unnamed: a record of other fields is not read back) and the
/// layout of that text.
pub fn forms_version() -> String {
    let fields = serde_json::to_string(&Fields::default()).expect("a record serializes");
    format!(
        "{VERSION} {} {RECORD_LAYOUT}",
        &blake3::hash(fields.as_bytes()).to_hex()[..16]
    )
}

/// The store's view of this run's rows, per source and row.
#[derive(Default)]
pub struct Rows {
    pub keys: Vec<Vec<String>>,
    pub hashes: Vec<Vec<u128>>,
    /// Where the row's stored record is in the snapshot's records, when it has one.
    pub stored: Vec<Vec<Option<u32>>>,
}

impl Rows {
    pub fn of(tables: &[SourceTable], snap: &Snapshot) -> Rows {
        let keys: Vec<Vec<String>> = tables
            .par_iter()
            .map(|t| store_keys(t.records.iter().map(|r| r.key.as_str())))
            .collect();
        let stored = tables
            .iter()
            .zip(&keys)
            .map(|(t, keys)| {
                keys.par_iter()
                    .map(|k| snap.find(&t.name, k).map(|i| i as u32))
                    .collect()
            })
            .collect();
        let hashes = tables
            .iter()
            .map(|t| {
                let columns: Vec<String> = t
                    .columns
                    .iter()
                    .map(|c| format!("{}:{:?}", c.name, c.field))
                    .collect();
                let columns = columns_hash(&columns);
                t.records
                    .par_iter()
                    .map(|r| row_hash(&columns, &r.key, &r.values))
                    .collect()
            })
            .collect();
        Rows {
            keys,
            hashes,
            stored,
        }
    }

    /// The stored record of a row.
    fn stored<'s>(&self, snap: &'s Snapshot, r: &Record) -> Option<&'s StoredRecord> {
        self.stored[r.source][r.row].map(|i| &snap.records[i as usize])
    }

    fn id(&self, tables: &[SourceTable], r: &Record) -> (String, String) {
        (
            tables[r.source].name.clone(),
            self.keys[r.source][r.row].clone(),
        )
    }
}

#[derive(Serialize, Deserialize)]
struct StoredIssue {
    field: Text,
    kind: Text,
    severity: String,
    value: Text,
    message: Text,
}

/// A record as the store keeps it (see [`encode`]), borrowing what it is made from.
#[derive(Serialize, Deserialize)]
struct StoredData<'a> {
    #[serde(borrow)]
    record: Packed<'a>,
    issues: Vec<StoredIssue>,
    derived: Cow<'a, Derived>,
}

/// What linking makes of a record before comparing it, kept with it: an unchanged record's are
/// taken over.
#[derive(Clone, Serialize, Deserialize, Default)]
pub struct Derived {
    /// `block::keys_of` the record.
    pub blocking: Keys,
    /// `model::keys` of the record.
    pub counted: Vec<u64>,
}

impl Derived {
    pub fn of(r: &Record, rules: &[crate::block::BlockingRule]) -> Derived {
        Derived {
            blocking: crate::block::keys_of(r, rules),
            counted: crate::model::keys(r),
        }
    }
}

fn severity(s: &str) -> &'static str {
    if s == "error" {
        "error"
    } else {
        "warning"
    }
}

/// Whether the last run's work can be taken over: same steward version and record fields, a
/// model, some runs.
pub fn incremental(snap: &Snapshot) -> bool {
    snap.runs > 0 && snap.model.is_some() && snap.version == forms_version()
}

/// Per source and row, what linking made of a row's stored record (see [`reuse`]).
pub type StoredDerived = Vec<Vec<Option<Derived>>>;

/// For each source and row, the stored record and issues when the row is unchanged, and what
/// linking made of it.
pub fn reuse(
    snap: &Snapshot,
    tables: &[SourceTable],
    rows: &Rows,
) -> (Vec<Vec<Known>>, StoredDerived) {
    let usable = incremental(snap);
    tables
        .iter()
        .enumerate()
        .map(|(s, t)| {
            let source: Text = t.name.as_str().into();
            (0..t.records.len())
                .into_par_iter()
                .map(|row| {
                    let taken = || -> Option<(Known, Option<Derived>)> {
                        if !usable {
                            return None;
                        }
                        let stored = &snap.records[rows.stored[s][row]? as usize];
                        if stored.hash != Some(rows.hashes[s][row]) {
                            return None;
                        }
                        let data: StoredData = postcard::from_bytes(&stored.data).ok()?;
                        let key = &t.records[row].key;
                        let issues = data
                            .issues
                            .into_iter()
                            .map(|i| Issue {
                                source: source.clone(),
                                key: key.as_str().into(),
                                field: i.field,
                                kind: i.kind,
                                severity: severity(&i.severity),
                                value: i.value,
                                message: i.message,
                            })
                            .collect();
                        let record = Record::unpack(data.record, s, row)?;
                        let derived = data.derived.into_owned();
                        Some((Some(Box::new((record, issues))), Some(derived)))
                    };
                    taken().unwrap_or((None, None))
                })
                .unzip::<_, _, Vec<Known>, Vec<_>>()
        })
        .unzip()
}

/// Each record's golden id in the last run, when it was stored.
pub fn previous_ids<'s>(
    snap: &'s Snapshot,
    records: &[Record],
    rows: &Rows,
) -> Vec<Option<&'s str>> {
    records
        .iter()
        .map(|r| rows.stored(snap, r).map(|s| s.golden_id.as_str()))
        .collect()
}

/// The pairs the last run scored between records unchanged since, as this run's indexes.
pub fn prior_pairs(
    snap: &Snapshot,
    records: &[Record],
    rows: &Rows,
    fresh: &[bool],
) -> Vec<ScoredPair> {
    // This run's record of each stored record, when unchanged.
    let mut index = vec![u32::MAX; snap.records.len()];
    for (i, r) in records.iter().enumerate().filter(|(i, _)| !fresh[*i]) {
        if let Some(at) = rows.stored[r.source][r.row] {
            index[at as usize] = i as u32;
        }
    }
    let of = |at: Option<u32>| {
        let i = index[at? as usize];
        (i != u32::MAX).then_some(i)
    };
    snap.pairs
        .par_iter()
        .filter_map(|p| {
            let a = of(p.left)?;
            let b = of(p.right)?;
            let field_weights: FieldWeights = postcard::from_bytes(&p.field_weights).ok()?;
            Some(ScoredPair {
                a: a.min(b),
                b: a.max(b),
                weight: p.weight,
                probability: p.probability,
                field_weights,
            })
        })
        .collect()
}

/// The source trust the last full run learned, when this run may take it over: an incremental run
/// over the same sources with the same pinned weights.
pub fn frozen_trust(
    snap: &Snapshot,
    source_names: &[String],
    pinned: &[(usize, Field, f64)],
) -> Option<Trust> {
    let text = snap.trust.as_deref().filter(|_| incremental(snap))?;
    Trust::thaw(text, source_names, pinned)
}

/// Per cluster, a digest of its records (source, key and content hash of each, in file order;
/// XXH3, 128 bits, as the row hashes): equal digests, equal records.
pub fn member_digests(
    tables: &[SourceTable],
    records: &[Record],
    rows: &Rows,
    members: &[Vec<usize>],
) -> Vec<String> {
    members
        .par_iter()
        .map(|m| {
            let mut text = Vec::new();
            for &i in m {
                let r = &records[i];
                for part in [&tables[r.source].name, &rows.keys[r.source][r.row]] {
                    text.extend_from_slice(part.as_bytes());
                    text.push(0x1f);
                }
                text.extend_from_slice(&hex128_digits(rows.hashes[r.source][r.row]));
                text.push(0x1f);
                text.push(0x1e);
            }
            hex128(xxhash_rust::xxh3::xxh3_128(&text))
        })
        .collect()
}

/// Per cluster, the stored golden record it takes over: the one of its golden id, when the cluster
/// holds the very same records as then and none of them is new or changed.
pub fn kept_survivorship(
    snap: &Snapshot,
    ids: &Ids,
    members: &[Vec<usize>],
    digests: &[String],
    fresh: &[bool],
) -> Vec<Option<Decided>> {
    members
        .par_iter()
        .enumerate()
        .map_init(survive::stored::Shared::new, |shared, (c, m)| {
            let id = &ids.of_cluster[c];
            let stored = snap.survived.get(id)?;
            if stored.members != digests[c] || m.iter().any(|&i| fresh[i]) {
                return None;
            }
            survive::stored::decode(&stored.data, id, c, m, shared)
        })
        .collect()
}

/// The stored form of the golden records survivorship decided in this run (before the steward's
/// pins), for the clusters that did not take theirs over.
pub fn survived(
    survivorship: &Survivorship,
    kept: &[bool],
    digests: &[String],
) -> Vec<StoredSurvival> {
    let conflicts = &survivorship.conflicts;
    survivorship
        .golden
        .par_iter()
        .enumerate()
        .filter(|(c, _)| !kept[*c])
        .filter_map(|(c, g)| {
            // Conflicts come cluster by cluster, in the order of the golden records.
            let from = conflicts.partition_point(|k| k.golden < c);
            let to = conflicts.partition_point(|k| k.golden <= c);
            Some(StoredSurvival {
                golden_id: g.id.to_string(),
                members: digests[c].clone(),
                data: survive::stored::encode(g, &conflicts[from..to])?,
            })
        })
        .collect()
}

/// A steward's decision, from the store (`steward decide`) or the job's decisions file.
#[derive(Debug, Clone, Serialize)]
pub struct Decision {
    /// `store #3`, `decisions.csv line 2`.
    pub origin: String,
    pub kind: String,
    pub a: String,
    pub b: String,
    pub value: String,
}

/// A decision and what became of it in this run.
#[derive(Debug, Clone, Serialize)]
pub struct DecisionOutcome {
    #[serde(flatten)]
    pub decision: Decision,
    pub applied: bool,
    pub note: String,
}

/// The decisions in a file: CSV with a header `decision,a,b,value` (`must-link`, `cannot-link`
/// with two `SOURCE:KEY` records; `pin` with a golden id, a field and the value).
pub fn read_decisions(path: &std::path::Path) -> Result<Vec<Decision>> {
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("cannot read the decisions file {}", path.display()))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let mut out = Vec::new();
    for (i, row) in reader.records().enumerate() {
        let line = i + 2;
        let row = row.with_context(|| format!("{}, line {line}", path.display()))?;
        let get = |k: usize| row.get(k).unwrap_or_default().trim().to_string();
        let d = Decision {
            origin: format!("{name} line {line}"),
            kind: get(0),
            a: get(1),
            b: get(2),
            value: get(3),
        };
        check_decision(&d.kind, &d.a, &d.b)
            .with_context(|| format!("{}, line {line}", path.display()))?;
        out.push(d);
    }
    Ok(out)
}

/// Record pairs of the must-link and cannot-link decisions, as this run's indexes; a decision
/// naming a record this run does not hold is kept but not applied, and says so.
pub fn resolve_pairs(
    decisions: &[Decision],
    tables: &[SourceTable],
    records: &[Record],
) -> (Decisions, Vec<DecisionOutcome>) {
    if decisions.is_empty() {
        // No index of every record's key for nothing to look up.
        return (Decisions::default(), Vec::new());
    }
    let mut index: HashMap<(&str, &str), u32> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        let key = (
            tables[r.source].name.as_str(),
            tables[r.source].records[r.row].key.as_str(),
        );
        index.entry(key).or_insert(i as u32);
    }
    let find = |text: &str| split_record(text).and_then(|k| index.get(&k).copied());
    let mut pairs = Decisions::default();
    let mut outcomes = Vec::new();
    for d in decisions {
        let mut outcome = DecisionOutcome {
            decision: d.clone(),
            applied: false,
            note: String::new(),
        };
        if d.kind == "pin" {
            outcomes.push(outcome);
            continue;
        }
        match (find(&d.a), find(&d.b)) {
            (Some(a), Some(b)) => {
                let list = if d.kind == "must-link" {
                    &mut pairs.must_link
                } else {
                    &mut pairs.cannot_link
                };
                list.push((a, b));
                outcome.applied = true;
            }
            (a, _) => {
                let missing = if a.is_none() { &d.a } else { &d.b };
                outcome.note = format!("{missing} is not among this run's records");
            }
        }
        outcomes.push(outcome);
    }
    (pairs, outcomes)
}

/// The active id a golden id stands for now: itself, or the id it merged into (followed through
/// every later merge).
pub fn current_id(
    id: &str,
    active: &BTreeSet<&str>,
    snap: &Snapshot,
    changes: &[IdChange],
) -> Option<String> {
    let merged: HashMap<&str, &str> = changes
        .iter()
        .filter(|c| c.change == IdChangeKind::Merged)
        .map(|c| (c.old_id.as_str(), c.new_id.as_str()))
        .collect();
    let mut id = id.to_string();
    for _ in 0..64 {
        if active.contains(id.as_str()) {
            return Some(id);
        }
        let next = merged
            .get(id.as_str())
            .map(|s| s.to_string())
            .or_else(|| snap.golden.get(&id).map(|g| g.successor.clone()))?;
        if next.is_empty() {
            return None;
        }
        id = next;
    }
    None
}

/// Check a decision given on the command line, and name an unknown record or id before storing.
pub fn check(kind: &str, a: &str, b: &str) -> Result<()> {
    check_decision(kind, a, b)?;
    if kind == "pin" && !a.starts_with('G') {
        bail!("pin: `{a}` is not a golden id (they look like G00000017)");
    }
    Ok(())
}

/// One row of `diff.csv`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct DiffRow {
    pub change: &'static str,
    pub golden_id: String,
    pub other_id: String,
    pub source: String,
    pub key: String,
    pub field: String,
    pub kind: String,
    pub severity: String,
}

/// What this run changed, for diff.csv, summary.json and the store.
pub struct Settled {
    pub diff: Vec<DiffRow>,
    pub counts: serde_json::Value,
    pub change: Change,
}

/// Everything `settle` looks at.
pub struct RunFacts<'a> {
    pub snap: &'a Snapshot,
    pub tables: &'a [SourceTable],
    pub records: &'a [Record],
    pub rows: &'a Rows,
    pub fresh: &'a [bool],
    pub cluster_of: &'a [u32],
    pub ids: &'a Ids,
    pub issues: &'a [Issue],
    /// The stored form of each fresh record (see [`encode`]).
    pub encoded: &'a [Option<Vec<u8>>],
    pub scored: &'a [ScoredPair],
    /// The pairs were all scored afresh (the stored ones are replaced).
    pub rescored: bool,
    pub model: String,
    /// The trust survivorship used, frozen (see [`Trust::freeze`]).
    pub trust: String,
    /// The golden records survivorship decided in this run (see [`survived`]).
    pub survived: Vec<StoredSurvival>,
}

/// Let go of the stored forms `settle` will not need, once the golden ids are known and the stored
/// golden records taken over or decided again (a million-customer store holds a third of a
/// gigabyte of those). Of golden records it needs only the ids; of records, the forms of the
/// unchanged ones whose golden id moved, which it writes again form and all (a changed or new
/// record has a form made this run).
pub fn let_go_of_forms(
    snap: &mut Snapshot,
    records: &[Record],
    rows: &Rows,
    fresh: &[bool],
    cluster_of: &[u32],
    ids: &Ids,
) {
    snap.survived
        .par_iter_mut()
        .for_each(|(_, s)| s.data = Vec::new());
    let mut keep = vec![false; snap.records.len()];
    for (i, r) in records.iter().enumerate().filter(|&(i, _)| !fresh[i]) {
        if let Some(at) = rows.stored[r.source][r.row] {
            let golden = &ids.of_cluster[cluster_of[i] as usize];
            keep[at as usize] = snap.records[at as usize].golden_id != *golden;
        }
    }
    snap.records
        .par_iter_mut()
        .zip(keep)
        .filter(|(_, keep)| !keep)
        .for_each(|(s, _)| s.data = Vec::new());
}

/// Compare this run with the store: the diff, its counts, and the change to write.
pub fn settle(f: RunFacts) -> Result<Settled> {
    let snap = f.snap;
    let first = snap.runs == 0;
    let mut diff = Vec::new();
    let mut change = Change {
        run: snap.runs + 1,
        pairs_replace: f.rescored,
        ..Default::default()
    };
    // Records: new, changed, unchanged, deleted (or quarantined now). Each has its number in the
    // store (the next ones for records new to it, in the order of the run's records).
    let mut present = vec![false; snap.records.len()];
    let mut next_record = snap.next_record;
    let mut numbers = Vec::with_capacity(f.records.len());
    let (mut new, mut changed, mut unchanged) = (0usize, 0usize, 0usize);
    for (i, r) in f.records.iter().enumerate() {
        let id = || f.rows.id(f.tables, r);
        let golden = &f.ids.of_cluster[f.cluster_of[i] as usize];
        let hash = Some(f.rows.hashes[r.source][r.row]);
        if let Some(at) = f.rows.stored[r.source][r.row] {
            present[at as usize] = true;
        }
        let stored = f.rows.stored(snap, r);
        let number = match stored {
            Some(s) => s.id,
            None => {
                next_record += 1;
                next_record - 1
            }
        };
        numbers.push(number);
        let what = match stored {
            None => Some("new_record"),
            Some(s) if s.hash != hash => Some("changed_record"),
            Some(_) => None,
        };
        match what {
            Some("new_record") => new += 1,
            Some(_) => changed += 1,
            None => unchanged += 1,
        }
        if let (Some(w), false) = (what, first) {
            diff.push(diff_row(w, golden, "", &id()));
        }
        let moved = stored.is_none_or(|s| s.hash != hash || s.golden_id != golden.as_str());
        if moved || f.fresh[i] {
            let (source, key) = id();
            let data = match (stored.filter(|_| !f.fresh[i]), &f.encoded[i]) {
                // Kept by `let_go_of_forms` for exactly these records.
                (Some(s), _) if !s.data.is_empty() => s.data.clone(),
                (Some(_), _) => {
                    bail!("record {source} {key} lost its stored form before it was written again")
                }
                (None, Some(data)) => data.clone(),
                (None, None) => bail!("record {source} {key} has no stored form"),
            };
            change.records_upsert.push(StoredRecord {
                id: number,
                source: source.into(),
                key: key.into(),
                hash,
                golden_id: golden.as_str().into(),
                data,
            });
        }
        if f.fresh[i] {
            change.pairs_drop.push(number);
        }
    }
    let quarantined: BTreeSet<(String, String)> = f
        .tables
        .iter()
        .flat_map(|t| {
            t.quarantined
                .iter()
                .map(|q| (t.name.clone(), q.key.clone()))
        })
        .collect();
    // In the order of source and key (by their bytes), whatever order the store gave them in.
    let mut gone: Vec<&StoredRecord> = snap
        .records
        .iter()
        .zip(&present)
        .filter(|(_, present)| !**present)
        .map(|(s, _)| s)
        .collect();
    gone.sort_unstable_by(|a, b| (&a.source, &a.key).cmp(&(&b.source, &b.key)));
    for s in &gone {
        let id = (s.source.to_string(), s.key.to_string());
        let what = if quarantined.contains(&id) {
            "quarantined_record"
        } else {
            "deleted_record"
        };
        diff.push(diff_row(what, &s.golden_id, "", &id));
        change.records_delete.push(id);
        change.pairs_drop.push(s.id);
    }
    // Golden ids.
    let mut golden_counts: BTreeMap<&str, usize> = BTreeMap::new();
    for c in &f.ids.changes {
        let state = match c.change {
            IdChangeKind::New => GoldenState {
                id: c.new_id.clone(),
                active: true,
                successor: String::new(),
            },
            IdChangeKind::Merged | IdChangeKind::Retired => GoldenState {
                id: c.old_id.clone(),
                active: false,
                successor: c.new_id.clone(),
            },
            IdChangeKind::Split => {
                *golden_counts.entry("split").or_default() += 1;
                if !first {
                    diff.push(DiffRow {
                        change: "split_golden",
                        golden_id: c.old_id.clone(),
                        other_id: c.new_id.clone(),
                        ..blank()
                    });
                }
                continue;
            }
        };
        *golden_counts.entry(c.change.as_str()).or_default() += 1;
        change.golden_upsert.push(state);
        if !first {
            diff.push(DiffRow {
                change: match c.change {
                    IdChangeKind::New => "new_golden",
                    IdChangeKind::Merged => "merged_golden",
                    _ => "retired_golden",
                },
                golden_id: if c.change == IdChangeKind::New {
                    c.new_id.clone()
                } else {
                    c.old_id.clone()
                },
                other_id: if c.change == IdChangeKind::Merged {
                    c.new_id.clone()
                } else {
                    String::new()
                },
                ..blank()
            });
        }
    }
    // New ids that came from a split are new goldens too: make them active in the store.
    let known: HashSet<&str, FixedState> =
        change.golden_upsert.iter().map(|g| g.id.as_str()).collect();
    let mut more = Vec::new();
    for id in &f.ids.of_cluster {
        if !snap.golden.contains_key(id) && !known.contains(id.as_str()) {
            more.push(GoldenState {
                id: id.clone(),
                active: true,
                successor: String::new(),
            });
        }
    }
    change.golden_upsert.extend(more);
    let kept = f
        .ids
        .of_cluster
        .iter()
        .filter(|id| snap.golden.get(*id).is_some_and(|g| g.active))
        .count();
    // Issues.
    let deleted: HashSet<(&str, &str), FixedState> = gone
        .iter()
        .map(|s| (s.source.as_str(), s.key.as_str()))
        .collect();
    let mut now: BTreeMap<IssueKey, String> = BTreeMap::new();
    for i in f.issues {
        now.insert(
            (
                i.source.to_string(),
                i.key.to_string(),
                i.field.to_string(),
                i.kind.to_string(),
            ),
            i.severity.to_string(),
        );
    }
    let (mut new_issues, mut fixed_issues) = (0usize, 0usize);
    for (k, sev) in &now {
        if !snap.issues.contains_key(k) {
            new_issues += 1;
            change.issues_insert.push((k.clone(), sev.clone()));
            if !first {
                diff.push(issue_row("new_issue", k, sev));
            }
        }
    }
    let mut old: Vec<(&IssueKey, &String)> = snap.issues.iter().collect();
    old.sort();
    for (k, sev) in old {
        if !now.contains_key(k) {
            change.issues_delete.push(k.clone());
            if !deleted.contains(&(k.0.as_str(), k.1.as_str())) {
                fixed_issues += 1;
                diff.push(issue_row("fixed_issue", k, sev));
            }
        }
    }
    // Pairs.
    let fresh_pair = |p: &&ScoredPair| f.rescored || f.fresh[p.a as usize] || f.fresh[p.b as usize];
    for p in f.scored.iter().filter(fresh_pair) {
        change.pairs_insert.push(StoredPair {
            left: numbers[p.a as usize],
            right: numbers[p.b as usize],
            weight: p.weight,
            probability: p.probability,
            field_weights: postcard::to_stdvec(&p.field_weights)?,
        });
    }
    // Golden records: those decided now replace the stored ones; retired ids lose theirs.
    let active: HashSet<&str, FixedState> = f.ids.of_cluster.iter().map(String::as_str).collect();
    let mut retired: Vec<String> = snap
        .survived
        .keys()
        .filter(|id| !active.contains(id.as_str()))
        .cloned()
        .collect();
    retired.sort();
    change.survived_delete = retired;
    change.survived_upsert = f.survived;
    // Only what changed is written: the verdicts alone are some hundreds of kilobytes.
    let verdicts = crate::normalize::phone::verdicts();
    change.meta = [
        ("version", forms_version(), Some(&snap.version)),
        ("next_id", f.ids.next.to_string(), None),
        ("next_record", next_record.to_string(), None),
        ("model", f.model.clone(), snap.model.as_ref()),
        ("trust", f.trust.clone(), snap.trust.as_ref()),
        ("phone_verdicts", verdicts, snap.phone_verdicts.as_ref()),
    ]
    .into_iter()
    .filter(|(_, value, stored)| stored != &Some(value))
    .map(|(name, value, _)| (name, value))
    .collect();
    diff.sort();
    let counts = serde_json::json!({
        "run": change.run,
        "incremental": !f.rescored,
        "records": {"new": new, "changed": changed, "unchanged": unchanged, "deleted": gone.len()},
        "golden": {
            "kept": kept,
            "new": golden_counts.get("new").copied().unwrap_or(0),
            "merged": golden_counts.get("merged").copied().unwrap_or(0),
            "split": golden_counts.get("split").copied().unwrap_or(0),
            "retired": golden_counts.get("retired").copied().unwrap_or(0),
        },
        "issues": {"new": new_issues, "fixed": fixed_issues},
    });
    Ok(Settled {
        diff,
        counts,
        change,
    })
}

/// The stored form of a record: the normalized record, the issues normalization found in it and
/// what linking makes of it.
pub fn encode(r: &Record, issues: &[Issue], derived: &Derived) -> Vec<u8> {
    let data = StoredData {
        record: r.pack(),
        issues: issues
            .iter()
            .map(|i| StoredIssue {
                field: i.field.clone(),
                kind: i.kind.clone(),
                severity: i.severity.to_string(),
                value: i.value.clone(),
                message: i.message.clone(),
            })
            .collect(),
        derived: Cow::Borrowed(derived),
    };
    postcard::to_stdvec(&data).expect("a record serializes")
}

fn blank() -> DiffRow {
    DiffRow {
        change: "",
        golden_id: String::new(),
        other_id: String::new(),
        source: String::new(),
        key: String::new(),
        field: String::new(),
        kind: String::new(),
        severity: String::new(),
    }
}

fn diff_row(change: &'static str, golden: &str, other: &str, id: &(String, String)) -> DiffRow {
    DiffRow {
        change,
        golden_id: golden.to_string(),
        other_id: other.to_string(),
        source: id.0.clone(),
        key: id.1.clone(),
        ..blank()
    }
}

fn issue_row(change: &'static str, k: &IssueKey, severity: &str) -> DiffRow {
    DiffRow {
        change,
        source: k.0.clone(),
        key: k.1.clone(),
        field: k.2.clone(),
        kind: k.3.clone(),
        severity: severity.to_string(),
        ..blank()
    }
}
