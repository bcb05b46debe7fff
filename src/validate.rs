//! Validate across records: checks that need the other records of the same customer.
//!
//! A row's own fields are validated as they are normalized (`normalize::record`). Some faults only
//! show against the customer's other records: a 性别 or 出生日期 that contradicts the 身份证 held by
//! the same customer in another source, when the row itself has no trustworthy ID. These checks
//! run after clustering, and only where the customer's ID is unambiguous (exactly one valid 身份证).

use std::collections::HashMap;

use crate::ingest::mapping::Field;
use crate::normalize::{date, id_card};
use crate::record::{Issue, Record, SourceTable};

/// What the checks across records read of a row, taken while the raw rows are still held: the
/// written 性别 and 出生日期 (column and trimmed text) of every record without a 身份证 of its own —
/// only those are checked this way.
pub struct Written(HashMap<usize, [Option<(usize, String)>; 2]>);

impl Written {
    pub fn take(tables: &[SourceTable], records: &[Record]) -> Written {
        // Each table's 性别 and 出生日期 columns, looked up once.
        let columns: Vec<[Option<usize>; 2]> = tables
            .iter()
            .map(|t| {
                [Field::Gender, Field::BirthDate]
                    .map(|field| t.columns.iter().position(|c| c.field == Some(field)))
            })
            .collect();
        let mut kept = HashMap::new();
        for (i, r) in records.iter().enumerate() {
            if r.id_number().is_some() {
                continue;
            }
            let raw = &tables[r.source].records[r.row];
            let written = columns[r.source].map(|c| {
                let c = c?;
                let v = raw.values.get(c)?.trim();
                (!v.is_empty()).then(|| (c, v.to_string()))
            });
            if written.iter().any(Option::is_some) {
                kept.insert(i, written);
            }
        }
        Written(kept)
    }
}

pub fn cross_record_issues(
    tables: &[SourceTable],
    records: &[Record],
    written: &Written,
    cluster_of: &[u32],
) -> Vec<Issue> {
    // The one valid ID of each cluster (None when it has several), and a record holding it.
    let mut ids: HashMap<u32, Option<(&str, usize)>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        if let Some(id) = r.id_number() {
            let slot = ids.entry(cluster_of[i]).or_insert(Some((id, i)));
            if slot.as_ref().is_some_and(|(known, _)| *known != id) {
                *slot = None;
            }
        }
    }
    let mut issues = Vec::new();
    for (i, r) in records.iter().enumerate() {
        // A record with its own ID was checked against it already (it has nothing in `written`).
        let Some([gender, birth]) = written.0.get(&i) else {
            continue;
        };
        let Some(Some((id, holder))) = ids.get(&cluster_of[i]) else {
            continue;
        };
        let Some(info) = id_card::strict_info(id) else {
            continue;
        };
        let table = &tables[r.source];
        let raw = &table.records[r.row];
        let (hs, hk) = (
            &tables[records[*holder].source].name,
            &tables[records[*holder].source].records[records[*holder].row].key,
        );
        let column = |written: &Option<(usize, String)>| {
            written
                .as_ref()
                .map(|(c, v)| (table.columns[*c].name.clone(), v.clone()))
        };
        let issue = |field: String, kind: &str, value: String, message: String| Issue {
            source: table.name.as_str().into(),
            key: raw.key.as_str().into(),
            field: field.into(),
            kind: kind.into(),
            severity: "warning",
            value: value.into(),
            message: message.into(),
        };
        if let Some((name, v)) = column(gender) {
            if info.sex_conflicts(&v) {
                let msg = format!(
                    "性别与同一客户的身份证不符 (the 身份证 in {hs} {hk} says {})",
                    info.sex.as_chinese()
                );
                issues.push(issue(name, "gender_id_mismatch", v, msg));
            }
        }
        if let Some((name, v)) = column(birth) {
            if let date::DateValue::Valid(w) = date::parse(&v) {
                if w.date != info.birth_date {
                    let msg = format!(
                        "出生日期与同一客户的身份证不符 (the 身份证 in {hs} {hk} says {})",
                        info.birth_date
                    );
                    issues.push(issue(name, "birthdate_id_mismatch", v, msg));
                }
            }
        }
    }
    issues
}
