//! The stored form of one cluster's survivorship (its golden record before the steward's pins,
//! and its conflicts), kept in the state store so that a later run whose cluster holds the very
//! same records takes it over instead of deciding it again.
//!
//! Records are named by their position among the cluster's members (which are in file order), so
//! the form does not depend on where the records sit among a run's records.

use std::collections::HashMap;

use foldhash::fast::FixedState;
use serde::{Deserialize, Serialize};

use super::{Conflict, Decided, Field, GoldenRecord, Survivor};
use crate::record::{Party, Text};

/// Texts are borrowed: from the golden record when encoding, from the stored bytes when decoding.
#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    party: Party,
    /// One per field, in the order of [`Field::ALL`].
    #[serde(borrow)]
    values: Vec<StoredValue<'a>>,
    #[serde(borrow)]
    conflicts: Vec<StoredConflict<'a>>,
}

#[derive(Serialize, Deserialize)]
struct StoredValue<'a> {
    value: &'a str,
    record: Option<u32>,
    rule: &'a str,
}

#[derive(Serialize, Deserialize)]
struct StoredConflict<'a> {
    /// Index into [`Field::ALL`].
    field: u8,
    value: &'a str,
    chosen: bool,
    records: Vec<u32>,
    reason: &'a str,
}

/// The stored form of `golden` and its `conflicts`; None when a value names a record outside the
/// cluster (such a golden record is decided again by the next run).
pub fn encode(golden: &GoldenRecord, conflicts: &[Conflict]) -> Option<Vec<u8>> {
    let position = |i: usize| golden.members.binary_search(&i).ok().map(|p| p as u32);
    let values = Field::ALL
        .iter()
        .map(|f| {
            let s = golden.get(*f);
            Some(StoredValue {
                value: &s.value,
                record: match s.record {
                    Some(i) => Some(position(i as usize)?),
                    None => None,
                },
                rule: &s.rule,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let conflicts = conflicts
        .iter()
        .map(|c| {
            Some(StoredConflict {
                field: Field::ALL.iter().position(|f| *f == c.field)? as u8,
                value: &c.value,
                chosen: c.chosen,
                records: c
                    .records
                    .iter()
                    .map(|&i| position(i))
                    .collect::<Option<_>>()?,
                reason: &c.reason,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    let stored = Stored {
        party: golden.party,
        values,
        conflicts,
    };
    postcard::to_stdvec(&stored).ok()
}

/// The rules and reasons of decoded forms, each text made once and shared by every value it
/// explains (a few dozen texts, "all 2 records agree" and the like, explain most values; each made
/// afresh would cost a copy in memory of its own per value).
pub struct Shared<'a> {
    texts: HashMap<&'a str, Text, FixedState>,
}

impl<'a> Shared<'a> {
    /// Texts past this many are made afresh: the votes' texts, with their figures, are mostly
    /// one of a kind.
    const MOST: usize = 1024;

    pub fn new() -> Self {
        Shared {
            texts: HashMap::with_capacity_and_hasher(64, FixedState::default()),
        }
    }

    fn text(&mut self, s: &'a str) -> Text {
        // Short texts are held inline: a copy costs no memory of its own.
        if s.len() <= Text::INLINE_LIMIT {
            return s.into();
        }
        if let Some(t) = self.texts.get(s) {
            return t.clone();
        }
        let t = Text::from(s);
        if self.texts.len() < Self::MOST {
            self.texts.insert(s, t.clone());
        }
        t
    }
}

impl Default for Shared<'_> {
    fn default() -> Self {
        Self::new()
    }
}

/// The survivorship of cluster `c` with `members` from its stored form, named `id`; None when the
/// form cannot be read or does not fit the members.
pub fn decode<'a>(
    data: &'a [u8],
    id: &str,
    c: usize,
    members: &[usize],
    shared: &mut Shared<'a>,
) -> Option<Decided> {
    let stored: Stored<'a> = postcard::from_bytes(data).ok()?;
    if stored.values.len() != Field::ALL.len() {
        return None;
    }
    let record = |p: u32| members.get(p as usize).copied();
    // Only the filled fields are kept (see `GoldenRecord::filled`), in a list sized for them; every
    // value's record must be a member, filled or not.
    let mut values =
        Vec::with_capacity(stored.values.iter().filter(|v| !v.value.is_empty()).count());
    for (field, v) in Field::ALL.into_iter().zip(stored.values) {
        let record = match v.record {
            Some(p) => Some(record(p)? as u32),
            None => None,
        };
        if !v.value.is_empty() {
            values.push((
                field,
                Survivor {
                    value: v.value.into(),
                    record,
                    rule: shared.text(v.rule),
                },
            ));
        }
    }
    let conflicts = stored
        .conflicts
        .into_iter()
        .map(|k| {
            Some(Conflict {
                golden: c,
                field: *Field::ALL.get(k.field as usize)?,
                value: k.value.into(),
                chosen: k.chosen,
                records: k.records.into_iter().map(record).collect::<Option<_>>()?,
                reason: shared.text(k.reason),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Decided {
        golden: GoldenRecord::filled(id.into(), stored.party, members.to_vec(), values),
        conflicts,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Fields, Record};

    #[test]
    fn a_cluster_comes_back_as_it_was_decided_wherever_its_records_sit() {
        let mut a = Fields {
            party: Some(Party::Person),
            name: "张伟".into(),
            mobiles: vec!["13800138000".into()],
            ..Fields::default()
        };
        let mut b = a.clone();
        b.source = 1;
        b.mobiles = vec!["13900139000".into()];
        let mut c = a.clone();
        c.source = 2;
        a.source = 0;
        let records = [a, b, c].map(Record::from);
        let names: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let s = super::super::survive(&records, &[0, 0, 0], 1, &names, &[]);
        let data = encode(&s.golden[0], &s.conflicts).unwrap();
        // The same records at other places of a later run, in a cluster numbered 4.
        let mut shared = Shared::new();
        let back = decode(&data, "G00000005", 4, &[7, 9, 12], &mut shared).unwrap();
        assert_eq!(back.golden.id, "G00000005");
        assert_eq!(back.golden.members, [7, 9, 12]);
        assert_eq!(back.golden.party, s.golden[0].party);
        for f in Field::ALL {
            let (was, now) = (s.golden[0].get(f), back.golden.get(f));
            assert_eq!((&was.value, &was.rule), (&now.value, &now.rule));
            assert_eq!(now.record, was.record.map(|i| [7, 9, 12][i as usize]));
        }
        assert_eq!(back.conflicts.len(), s.conflicts.len());
        assert!(back.conflicts.iter().all(|k| k.golden == 4));
        let mobiles: Vec<_> = back
            .conflicts
            .iter()
            .filter(|k| k.field == Field::Mobile)
            .map(|k| (k.value.as_str(), k.chosen, k.records.clone()))
            .collect();
        assert_eq!(
            mobiles,
            [
                ("13800138000", true, vec![7, 12]),
                ("13900139000", false, vec![9])
            ]
        );
        // A rule decoded again is the same text in memory, not a copy.
        let again = decode(&data, "G00000006", 5, &[1, 2, 3], &mut shared).unwrap();
        let rule = |d: &Decided| d.golden.get(Field::Name).rule.clone();
        assert_eq!(rule(&back), "all 3 records agree");
        assert_eq!(rule(&back).as_ptr(), rule(&again).as_ptr());
        assert!(decode(
            &data[..data.len() / 2],
            "G00000005",
            4,
            &[7, 9, 12],
            &mut shared
        )
        .is_none());
        assert!(decode(&data, "G00000005", 4, &[7], &mut shared).is_none());
    }
}
