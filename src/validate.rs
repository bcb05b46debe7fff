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

pub fn cross_record_issues(
    tables: &[SourceTable],
    records: &[Record],
    cluster_of: &[u32],
) -> Vec<Issue> {
    // The one valid ID of each cluster (None when it has several), and a record holding it.
    let mut ids: HashMap<u32, Option<(String, usize)>> = HashMap::new();
    for (i, r) in records.iter().enumerate() {
        if let Some(id) = &r.id_number {
            let slot = ids
                .entry(cluster_of[i])
                .or_insert_with(|| Some((id.clone(), i)));
            if slot.as_ref().is_some_and(|(known, _)| known != id) {
                *slot = None;
            }
        }
    }
    let mut issues = Vec::new();
    for (i, r) in records.iter().enumerate() {
        if r.id_number.is_some() {
            continue; // checked against its own ID already
        }
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
        let column = |field: Field| {
            let c = table.columns.iter().position(|c| c.field == Some(field))?;
            let v = raw.values[c].trim();
            (!v.is_empty()).then(|| (table.columns[c].name.clone(), v.to_string()))
        };
        let issue = |field: String, kind: &str, value: String, message: String| Issue {
            source: table.name.clone(),
            key: raw.key.clone(),
            field,
            kind: kind.to_string(),
            severity: "warning",
            value,
            message,
        };
        if let Some((name, v)) = column(Field::Gender) {
            if info.sex_conflicts(&v) {
                let msg = format!(
                    "性别与同一客户的身份证不符 (the 身份证 in {hs} {hk} says {})",
                    info.sex.as_chinese()
                );
                issues.push(issue(name, "gender_id_mismatch", v, msg));
            }
        }
        if let Some((name, v)) = column(Field::BirthDate) {
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
