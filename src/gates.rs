//! Quality gates: thresholds a job sets on a run's results. A run whose results cross one still
//! writes every output, then exits with status 1 and names the gate, so a nightly job fails loudly.
//!
//! ```toml
//! [gates]
//! max_error_rate = 0.05              # share of rows with at least one error (any source, any kind)
//! max_quarantine_rate = 0.001        # share of rows that could not be read as records
//! max_unresolved_duplicates = 0.02   # share of golden records still in a pair left for review
//! [gates.max_error_rate_by_kind]     # share of rows with an issue of this kind
//! invalid_id_checksum = 0.01
//! [gates.max_error_rate_by_source]   # share of the source's rows with at least one error
//! "erp_customers.csv" = 0.10
//! [gates.min_golden_coverage]        # share of golden records the field applies to that have it
//! name = 1.0
//! mobile = 0.8
//! ```
//!
//! Rates are shares between 0 and 1 of the rows read (quarantined rows included), so a gate means
//! the same on a small and a large run.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};

use crate::link::{ScoredPair, MATCH_PROBABILITY};
use crate::record::{Issue, SourceTable, ISSUE_KINDS};
use crate::survive::{Field, GoldenRecord};

/// The `[gates]` table of a job file. Every gate is optional; a job without gates always passes.
#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Gates {
    pub max_error_rate: Option<f64>,
    pub max_quarantine_rate: Option<f64>,
    pub max_unresolved_duplicates: Option<f64>,
    #[serde(default)]
    pub max_error_rate_by_kind: BTreeMap<String, f64>,
    #[serde(default)]
    pub max_error_rate_by_source: BTreeMap<String, f64>,
    #[serde(default)]
    pub min_golden_coverage: BTreeMap<String, f64>,
}

/// One gate checked against one run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GateResult {
    /// `max_error_rate_by_kind.invalid_phone`: the key as the job file spells it.
    pub gate: String,
    pub threshold: f64,
    pub value: f64,
    pub passed: bool,
}

impl GateResult {
    fn max(gate: String, threshold: f64, value: f64) -> Self {
        Self {
            gate,
            threshold,
            value,
            passed: value <= threshold,
        }
    }

    fn min(gate: String, threshold: f64, value: f64) -> Self {
        Self {
            gate,
            threshold,
            value,
            passed: value >= threshold,
        }
    }

    /// `min_golden_coverage.mobile: 0.7712 < 0.8000`
    pub fn describe(&self) -> String {
        if self.value.is_nan() {
            return format!("{}: the source was not read", self.gate);
        }
        let op = match (self.gate.starts_with("min_"), self.passed) {
            (true, true) => "≥",
            (true, false) => "<",
            (false, true) => "≤",
            (false, false) => ">",
        };
        format!(
            "{}: {:.4} {op} {:.4}",
            self.gate, self.value, self.threshold
        )
    }
}

impl Gates {
    pub fn is_empty(&self) -> bool {
        self.max_error_rate.is_none()
            && self.max_quarantine_rate.is_none()
            && self.max_unresolved_duplicates.is_none()
            && self.max_error_rate_by_kind.is_empty()
            && self.max_error_rate_by_source.is_empty()
            && self.min_golden_coverage.is_empty()
    }

    /// Reject thresholds that could never mean anything: a share outside 0..=1, an issue kind or
    /// golden field steward does not know (a typo would make a gate that can never fail).
    pub fn validate(&self) -> Result<()> {
        let singles = [
            ("max_error_rate", self.max_error_rate),
            ("max_quarantine_rate", self.max_quarantine_rate),
            ("max_unresolved_duplicates", self.max_unresolved_duplicates),
        ];
        let tables = [
            ("max_error_rate_by_kind", &self.max_error_rate_by_kind),
            ("max_error_rate_by_source", &self.max_error_rate_by_source),
            ("min_golden_coverage", &self.min_golden_coverage),
        ];
        let all =
            singles
                .iter()
                .filter_map(|(name, v)| v.map(|v| (name.to_string(), v)))
                .chain(tables.iter().flat_map(|(name, map)| {
                    map.iter().map(move |(k, v)| (format!("{name}.{k}"), *v))
                }));
        for (name, value) in all {
            if !(0.0..=1.0).contains(&value) {
                bail!("[gates] {name}: a share between 0 and 1 is expected, got {value}");
            }
        }
        for kind in self.max_error_rate_by_kind.keys() {
            if !ISSUE_KINDS.contains(&kind.as_str()) {
                bail!(
                    "[gates] max_error_rate_by_kind: `{kind}` is not an issue kind (one of {})",
                    ISSUE_KINDS.join(", ")
                );
            }
        }
        for field in self.min_golden_coverage.keys() {
            if Field::from_column(field).is_none() {
                bail!("[gates] min_golden_coverage: `{field}` is not a golden field (name, mobile, address, …)");
            }
        }
        Ok(())
    }
}

/// What a run produced, as the gates see it.
pub struct RunFacts<'a> {
    pub tables: &'a [SourceTable],
    pub issues: &'a [Issue],
    pub golden: &'a [GoldenRecord],
    pub scored: &'a [ScoredPair],
    pub cluster_of: &'a [u32],
}

/// Check every gate of the job; the results come in the job's order (singles, then tables by key).
/// A source named in `max_error_rate_by_source` that the run did not read fails its gate: a
/// nightly check must not pass because a source went missing.
pub fn check(gates: &Gates, facts: &RunFacts) -> Vec<GateResult> {
    let mut results = Vec::new();
    if gates.is_empty() {
        return results;
    }
    let rows: u64 = facts.tables.iter().map(|t| t.rows_read).sum();
    let share = |n: usize, of: u64| if of == 0 { 0.0 } else { n as f64 / of as f64 };

    // Rows (source, key) with at least one error, overall and per source.
    let mut error_rows: HashSet<(&str, &str)> = HashSet::new();
    let mut rows_by_kind: BTreeMap<&str, HashSet<(&str, &str)>> = BTreeMap::new();
    for i in facts.issues {
        let row = (i.source.as_str(), i.key.as_str());
        if i.severity == "error" {
            error_rows.insert(row);
        }
        if gates.max_error_rate_by_kind.contains_key(i.kind.as_str()) {
            rows_by_kind.entry(i.kind.as_str()).or_default().insert(row);
        }
    }
    if let Some(t) = gates.max_error_rate {
        results.push(GateResult::max(
            "max_error_rate".into(),
            t,
            share(error_rows.len(), rows),
        ));
    }
    if let Some(t) = gates.max_quarantine_rate {
        let quarantined = facts.tables.iter().map(|t| t.quarantined.len()).sum();
        results.push(GateResult::max(
            "max_quarantine_rate".into(),
            t,
            share(quarantined, rows),
        ));
    }
    if let Some(t) = gates.max_unresolved_duplicates {
        // A pair left for review whose records ended in different golden records: a possible
        // duplicate nobody has decided yet.
        let open: BTreeSet<u32> = facts
            .scored
            .iter()
            .filter(|p| p.probability < MATCH_PROBABILITY)
            .filter_map(|p| {
                let (a, b) = (
                    facts.cluster_of[p.a as usize],
                    facts.cluster_of[p.b as usize],
                );
                (a != b).then_some([a, b])
            })
            .flatten()
            .collect();
        let golden = facts.golden.len() as u64;
        results.push(GateResult::max(
            "max_unresolved_duplicates".into(),
            t,
            share(open.len(), golden),
        ));
    }
    for (kind, t) in &gates.max_error_rate_by_kind {
        let n = rows_by_kind.get(kind.as_str()).map_or(0, HashSet::len);
        results.push(GateResult::max(
            format!("max_error_rate_by_kind.{kind}"),
            *t,
            share(n, rows),
        ));
    }
    for (source, t) in &gates.max_error_rate_by_source {
        let name = format!("max_error_rate_by_source.{source}");
        let Some(table) = facts.tables.iter().find(|tb| tb.name == *source) else {
            results.push(GateResult {
                gate: name,
                threshold: *t,
                value: f64::NAN,
                passed: false,
            });
            continue;
        };
        let n = error_rows.iter().filter(|(s, _)| *s == source).count();
        results.push(GateResult::max(name, *t, share(n, table.rows_read)));
    }
    for (column, t) in &gates.min_golden_coverage {
        let field = Field::from_column(column).expect("validated with the job");
        let applicable: Vec<&GoldenRecord> = facts
            .golden
            .iter()
            .filter(|g| field.applies_to(g.party))
            .collect();
        let filled = applicable
            .iter()
            .filter(|g| !g.value(field).is_empty())
            .count();
        let value = if applicable.is_empty() {
            1.0
        } else {
            filled as f64 / applicable.len() as f64
        };
        results.push(GateResult::min(
            format!("min_golden_coverage.{column}"),
            *t,
            value,
        ));
    }
    results
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Position, Quarantined};

    fn table(name: &str, rows: u64, quarantined: usize) -> SourceTable {
        let mut t = SourceTable {
            name: name.into(),
            rows_read: rows,
            ..Default::default()
        };
        t.quarantined = (0..quarantined)
            .map(|i| Quarantined {
                key: format!("q{i}"),
                position: Position::Line(i as u64 + 2),
                reason: "ragged".into(),
                raw: String::new(),
            })
            .collect();
        t
    }

    fn issue(source: &str, key: &str, kind: &str, severity: &'static str) -> Issue {
        Issue {
            source: source.into(),
            key: key.into(),
            field: "f".into(),
            kind: kind.into(),
            severity,
            value: Default::default(),
            message: Default::default(),
        }
    }

    fn gates(toml_text: &str) -> Gates {
        let g: Gates = toml::from_str(toml_text).unwrap();
        g.validate().unwrap();
        g
    }

    #[test]
    fn error_rates_count_rows_not_issues() {
        let tables = [table("a.csv", 10, 1), table("b.csv", 10, 0)];
        let issues = [
            issue("a.csv", "1", "invalid_phone", "error"),
            issue("a.csv", "1", "invalid_email", "error"),
            issue("a.csv", "2", "invalid_phone", "error"),
            issue("b.csv", "1", "legacy_id_15", "warning"),
        ];
        let g = gates(
            "max_error_rate = 0.1\nmax_quarantine_rate = 0.1\n\
             [max_error_rate_by_kind]\ninvalid_phone = 0.05\nlegacy_id_15 = 0.05\n\
             [max_error_rate_by_source]\n\"a.csv\" = 0.2\n\"c.csv\" = 1.0\n",
        );
        let facts = RunFacts {
            tables: &tables,
            issues: &issues,
            golden: &[],
            scored: &[],
            cluster_of: &[],
        };
        let r = check(&g, &facts);
        let by: BTreeMap<&str, &GateResult> = r.iter().map(|r| (r.gate.as_str(), r)).collect();
        assert_eq!(by["max_error_rate"].value, 0.1);
        assert!(by["max_error_rate"].passed);
        assert_eq!(by["max_quarantine_rate"].value, 0.05);
        assert_eq!(by["max_error_rate_by_kind.invalid_phone"].value, 0.1);
        assert!(!by["max_error_rate_by_kind.invalid_phone"].passed);
        assert_eq!(by["max_error_rate_by_kind.legacy_id_15"].value, 0.05);
        assert!(by["max_error_rate_by_kind.legacy_id_15"].passed);
        assert_eq!(by["max_error_rate_by_source.a.csv"].value, 0.2);
        assert!(by["max_error_rate_by_source.a.csv"].passed);
        // A source the gate names but the run did not read fails.
        assert!(!by["max_error_rate_by_source.c.csv"].passed);
        assert_eq!(
            by["max_error_rate_by_kind.invalid_phone"].describe(),
            "max_error_rate_by_kind.invalid_phone: 0.1000 > 0.0500"
        );
    }

    #[test]
    fn typos_and_impossible_shares_are_refused() {
        let bad = [
            "max_error_rate = 5\n",
            "[max_error_rate_by_kind]\ninvalid_phon = 0.1\n",
            "[min_golden_coverage]\nmobil = 0.5\n",
            "max_eror_rate = 0.1\n",
        ];
        for text in bad {
            let parsed = toml::from_str::<Gates>(text)
                .map_err(anyhow::Error::from)
                .and_then(|g| g.validate());
            assert!(parsed.is_err(), "{text}");
        }
        assert!(gates("").is_empty());
        assert!(check(
            &Gates::default(),
            &RunFacts {
                tables: &[],
                issues: &[],
                golden: &[],
                scored: &[],
                cluster_of: &[],
            }
        )
        .is_empty());
    }
}
