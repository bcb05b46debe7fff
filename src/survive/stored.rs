//! The stored form of one cluster's survivorship (its golden record before the steward's pins,
//! and its conflicts), kept in the state store so that a later run whose cluster holds the very
//! same records takes it over instead of deciding it again.
//!
//! Records are named by their position among the cluster's members (which are in file order), so
//! the form does not depend on where the records sit among a run's records.

use serde::{Deserialize, Serialize};

use super::{golden_id, Conflict, Decided, Field, GoldenRecord, Survivor};
use crate::record::Party;

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

/// The survivorship of cluster `c` with `members` from its stored form; None when the form cannot
/// be read or does not fit the members.
pub fn decode(data: &[u8], c: usize, members: &[usize]) -> Option<Decided> {
    let stored: Stored = postcard::from_bytes(data).ok()?;
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
                    rule: v.rule.into(),
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
                reason: k.reason.into(),
            })
        })
        .collect::<Option<Vec<_>>>()?;
    Some(Decided {
        golden: GoldenRecord::filled(golden_id(c as u32), stored.party, members.to_vec(), values),
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
        let back = decode(&data, 4, &[7, 9, 12]).unwrap();
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
        assert!(decode(&data[..data.len() / 2], 4, &[7, 9, 12]).is_none());
        assert!(decode(&data, 4, &[7]).is_none());
    }
}
