//! Block: candidate pairs from blocking keys, never all pairs.
//!
//! Each blocking rule gives every record zero or more keys; records sharing a key form a block,
//! and every pair inside a block is a candidate. Deterministic keys (checksum-valid 身份证 and USCC,
//! mobiles, e-mails, landlines) find most duplicates; fuzzy keys (name, pinyin, company 字号,
//! address, the 身份证's region + birth date) find the ones whose identifiers were mistyped or are
//! stale. A block too large to be informative (a very common name) is skipped and reported, so
//! the cost stays near-linear. The per-rule counts are reported like Splink's blocking analysis.

use std::collections::HashMap;

use serde::Serialize;

use crate::record::{Party, Record};

/// One blocking rule: its name, how it keys a record, and the largest block it will expand.
pub struct BlockingRule {
    pub name: &'static str,
    pub keys: fn(&Record, &mut Vec<String>),
    pub max_block: usize,
}

/// What a rule produced, for summary.json.
#[derive(Debug, Clone, Serialize)]
pub struct RuleReport {
    pub rule: &'static str,
    pub blocks: usize,
    pub pairs: u64,
    pub new_pairs: u64,
    pub skipped_blocks: usize,
    pub skipped_records: usize,
}

fn party_tag(r: &Record) -> &'static str {
    match r.party {
        Some(Party::Person) => "p",
        Some(Party::Company) => "c",
        None => "u",
    }
}

/// The rules, strongest first.
pub fn default_rules() -> Vec<BlockingRule> {
    vec![
        BlockingRule {
            name: "id_number",
            keys: |r, k| k.extend(r.id_number.iter().cloned()),
            max_block: 50,
        },
        BlockingRule {
            name: "uscc",
            keys: |r, k| k.extend(r.uscc.iter().cloned()),
            max_block: 50,
        },
        BlockingRule {
            name: "mobile",
            keys: |r, k| {
                k.extend(r.mobiles.iter().cloned());
                k.extend(r.contact_mobile.iter().cloned());
            },
            max_block: 50,
        },
        BlockingRule {
            name: "email",
            keys: |r, k| k.extend(r.emails.iter().cloned()),
            max_block: 50,
        },
        BlockingRule {
            name: "landline",
            keys: |r, k| k.extend(r.phones.iter().filter(|p| p.starts_with('0')).cloned()),
            max_block: 50,
        },
        BlockingRule {
            name: "name",
            keys: |r, k| {
                if !r.name_key.is_empty() {
                    k.push(format!("{}|{}", party_tag(r), r.name_key));
                }
            },
            max_block: 200,
        },
        BlockingRule {
            name: "name_pinyin",
            keys: |r, k| {
                if !r.name_pinyin.is_empty() {
                    k.push(r.name_pinyin.clone());
                }
            },
            max_block: 200,
        },
        BlockingRule {
            name: "company_core",
            keys: |r, k| {
                if !r.company_core.is_empty() && r.party != Some(Party::Person) {
                    k.push(r.company_core.clone());
                }
            },
            max_block: 100,
        },
        BlockingRule {
            name: "address",
            keys: |r, k| {
                if !r.address_detail.is_empty() && (!r.district.is_empty() || !r.city.is_empty()) {
                    k.push(format!("{}|{}|{}", r.city, r.district, r.address_detail));
                }
            },
            max_block: 30,
        },
        BlockingRule {
            name: "id_region_birth",
            keys: |r, k| {
                for id in r.id_number.iter().chain(&r.id_number_invalid) {
                    if id.len() >= 14 {
                        k.push(id[..14].to_string());
                    }
                }
            },
            max_block: 30,
        },
        BlockingRule {
            name: "other_id",
            keys: |r, k| k.extend(r.other_id.iter().cloned()),
            max_block: 50,
        },
        BlockingRule {
            name: "birth_date",
            keys: |r, k| k.extend(r.birth_date.map(|d| d.to_string())),
            max_block: 50,
        },
        BlockingRule {
            name: "identifier_typo",
            keys: |r, k| {
                k.extend(r.id_number_invalid.iter().cloned());
                k.extend(r.uscc_invalid.iter().cloned());
                k.extend(r.mobiles_invalid.iter().cloned());
            },
            max_block: 30,
        },
    ]
}

/// Candidate pairs `(i, j)` with `i < j`, sorted, and a report per rule.
pub fn candidate_pairs(
    records: &[Record],
    rules: &[BlockingRule],
) -> (Vec<(u32, u32)>, Vec<RuleReport>) {
    let mut all: std::collections::HashSet<(u32, u32)> = std::collections::HashSet::new();
    let mut reports = Vec::new();
    let mut keys = Vec::new();
    for rule in rules {
        let mut blocks: HashMap<String, Vec<u32>> = HashMap::new();
        for (i, r) in records.iter().enumerate().filter(|(_, r)| !r.is_test) {
            keys.clear();
            (rule.keys)(r, &mut keys);
            keys.sort();
            keys.dedup();
            for k in keys.drain(..) {
                blocks.entry(k).or_default().push(i as u32);
            }
        }
        let mut report = RuleReport {
            rule: rule.name,
            blocks: 0,
            pairs: 0,
            new_pairs: 0,
            skipped_blocks: 0,
            skipped_records: 0,
        };
        for members in blocks.values() {
            if members.len() < 2 {
                continue;
            }
            if members.len() > rule.max_block {
                report.skipped_blocks += 1;
                report.skipped_records += members.len();
                continue;
            }
            report.blocks += 1;
            for (x, &i) in members.iter().enumerate() {
                for &j in &members[x + 1..] {
                    let (p, q) = (records[i as usize].party, records[j as usize].party);
                    if p.is_some() && q.is_some() && p != q {
                        continue; // a person and a company are never one customer
                    }
                    report.pairs += 1;
                    if all.insert((i.min(j), i.max(j))) {
                        report.new_pairs += 1;
                    }
                }
            }
        }
        reports.push(report);
    }
    let mut pairs: Vec<(u32, u32)> = all.into_iter().collect();
    pairs.sort_unstable();
    (pairs, reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(name: &str, mobile: &str) -> Record {
        Record {
            party: Some(Party::Person),
            name: name.into(),
            name_key: name.into(),
            mobiles: if mobile.is_empty() {
                vec![]
            } else {
                vec![mobile.into()]
            },
            ..Default::default()
        }
    }

    #[test]
    fn pairs_from_shared_keys_once_each() {
        let records = [
            rec("张伟", "13800000001"),
            rec("张伟", "13800000001"),
            rec("李娜", "13800000001"),
            rec("王芳", ""),
        ];
        let (pairs, reports) = candidate_pairs(&records, &default_rules());
        assert_eq!(pairs, vec![(0, 1), (0, 2), (1, 2)]);
        let mobile = reports.iter().find(|r| r.rule == "mobile").unwrap();
        assert_eq!((mobile.pairs, mobile.new_pairs), (3, 3));
        let name = reports.iter().find(|r| r.rule == "name").unwrap();
        assert_eq!((name.pairs, name.new_pairs), (1, 0));
    }

    #[test]
    fn oversized_blocks_are_skipped_and_reported() {
        let records: Vec<Record> = (0..300).map(|_| rec("张伟", "")).collect();
        let (pairs, reports) = candidate_pairs(&records, &default_rules());
        assert!(pairs.is_empty());
        let name = reports.iter().find(|r| r.rule == "name").unwrap();
        assert_eq!((name.skipped_blocks, name.skipped_records), (1, 300));
    }
}
