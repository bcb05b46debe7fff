//! Source trust, learned from the data: per source and field, how often the source's value agrees
//! with what the *other* sources of the same customer say.
//!
//! Sources differ in how often they hold outdated or mistyped values, and which source is good at
//! what differs per field (the ERP keeps credit limits current, a survey keeps mobiles current). A
//! hard-coded ranking would be wrong for the next company's silos, so the ranking is measured on the
//! run's own multi-source clusters: leave the record out, take the other sources' majority, count
//! agreement. The agreement rate `p` becomes a vote weight `ln(p / (1 - p))` (the log-odds a naive
//! Bayes truth finder would use), floored so that a weak source still breaks ties. A job may pin a
//! weight per source and field (`[source.trust]` in job.toml); pinned weights are not learned.

use std::collections::HashMap;

use serde::Serialize;

use super::Field;

/// The lowest weight a source gets: it never votes against itself, it only counts for little.
const MIN_WEIGHT: f64 = 0.05;
const MAX_WEIGHT: f64 = 5.0;

/// What was measured for one source and field.
#[derive(Debug, Clone, Serialize)]
pub struct TrustStat {
    pub source: String,
    pub field: &'static str,
    /// Records whose value could be compared with other sources' values.
    pub compared: u32,
    pub agreed: u32,
    pub weight: f64,
    /// True when the job set the weight.
    pub configured: bool,
}

/// Vote weights per (source index, field).
#[derive(Debug, Clone, Default)]
pub struct Trust {
    weights: HashMap<(usize, Field), f64>,
    pub stats: Vec<TrustStat>,
}

impl Trust {
    pub fn weight(&self, source: usize, field: Field) -> f64 {
        self.weights.get(&(source, field)).copied().unwrap_or(1.0)
    }

    /// The trust as JSON for the state store: the sources it was learned over and its stats.
    pub fn freeze(&self, source_names: &[String]) -> String {
        serde_json::json!({"sources": source_names, "stats": self.stats}).to_string()
    }

    /// The trust [`Trust::freeze`] stored, for a run over the same sources with the same pinned
    /// weights; None when the sources or the pins differ (the trust is then learned again).
    pub fn thaw(
        text: &str,
        source_names: &[String],
        pinned: &[(usize, Field, f64)],
    ) -> Option<Trust> {
        let frozen: serde_json::Value = serde_json::from_str(text).ok()?;
        let sources: Vec<String> = serde_json::from_value(frozen["sources"].clone()).ok()?;
        if sources != source_names {
            return None;
        }
        let mut trust = Trust::default();
        let mut configured = Vec::new();
        for s in frozen["stats"].as_array()? {
            let name = s["source"].as_str()?;
            let source = source_names.iter().position(|n| n == name)?;
            let field = Field::from_column(s["field"].as_str()?)?;
            let weight = s["weight"].as_f64()?;
            let stat = TrustStat {
                source: source_names[source].clone(),
                field: field.column(),
                compared: u32::try_from(s["compared"].as_u64()?).ok()?,
                agreed: u32::try_from(s["agreed"].as_u64()?).ok()?,
                weight,
                configured: s["configured"].as_bool()?,
            };
            if stat.configured {
                configured.push((source, field, weight.to_bits()));
            }
            trust.weights.insert((source, field), weight);
            trust.stats.push(stat);
        }
        // The pins in force now, as `into_trust` applies them: the first one per source and field.
        let mut pins: Vec<(usize, Field, u64)> = Vec::new();
        for &(s, f, w) in pinned {
            if !pins.iter().any(|p| (p.0, p.1) == (s, f)) {
                pins.push((s, f, w.to_bits()));
            }
        }
        pins.sort();
        configured.sort();
        (pins == configured).then_some(trust)
    }
}

/// One record's comparable value of a field in a cluster: (record's source, value key).
pub struct Observation<'a> {
    pub source: usize,
    pub key: &'a str,
}

/// Agreement counts, filled cluster by cluster, then turned into weights.
#[derive(Default)]
pub struct Tally {
    counts: HashMap<(usize, Field), (u32, u32)>,
}

impl Tally {
    /// Counts, for every observation, whether its key is (one of) the most frequent among the
    /// observations of the other sources.
    pub fn add(&mut self, field: Field, observations: &[Observation]) {
        for (i, o) in observations.iter().enumerate() {
            let mut counts: HashMap<&str, u32> = HashMap::new();
            for (j, other) in observations.iter().enumerate() {
                if j != i && other.source != o.source {
                    *counts.entry(other.key).or_default() += 1;
                }
            }
            let Some(&top) = counts.values().max() else {
                continue;
            };
            let entry = self.counts.entry((o.source, field)).or_default();
            entry.0 += 1;
            if counts.get(o.key) == Some(&top) {
                entry.1 += 1;
            }
        }
    }

    pub fn merge(mut self, other: Tally) -> Tally {
        for (k, (c, a)) in other.counts {
            let e = self.counts.entry(k).or_default();
            e.0 += c;
            e.1 += a;
        }
        self
    }

    /// Weights from the counts; `pinned` (source, field, weight) override what was measured.
    pub fn into_trust(self, source_names: &[String], pinned: &[(usize, Field, f64)]) -> Trust {
        let mut trust = Trust::default();
        let mut keys: Vec<(usize, Field)> = self.counts.keys().copied().collect();
        keys.extend(pinned.iter().map(|(s, f, _)| (*s, *f)));
        keys.sort();
        keys.dedup();
        for (source, field) in keys {
            let (compared, agreed) = self.counts.get(&(source, field)).copied().unwrap_or((0, 0));
            let pin = pinned.iter().find(|(s, f, _)| *s == source && *f == field);
            let weight = match pin {
                Some((_, _, w)) => *w,
                None => log_odds(agreed, compared),
            };
            trust.weights.insert((source, field), weight);
            trust.stats.push(TrustStat {
                source: source_names.get(source).cloned().unwrap_or_default(),
                field: field.column(),
                compared,
                agreed,
                weight,
                configured: pin.is_some(),
            });
        }
        trust
    }
}

/// `ln(p / (1 - p))` of the agreement rate with add-one smoothing, kept within the bounds.
fn log_odds(agreed: u32, compared: u32) -> f64 {
    let p = (agreed as f64 + 1.0) / (compared as f64 + 2.0);
    (p / (1.0 - p)).ln().clamp(MIN_WEIGHT, MAX_WEIGHT)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_source_that_agrees_more_weighs_more() {
        let mut tally = Tally::default();
        // Source 0 and 1 agree; source 2 holds an outdated value half of the time.
        for i in 0..20 {
            let stale = if i % 2 == 0 { "old" } else { "new" };
            tally.add(
                Field::Mobile,
                &[
                    Observation {
                        source: 0,
                        key: "new",
                    },
                    Observation {
                        source: 1,
                        key: "new",
                    },
                    Observation {
                        source: 2,
                        key: stale,
                    },
                ],
            );
        }
        let names = ["a", "b", "c"].map(String::from);
        let trust = tally.into_trust(&names, &[(1, Field::CreditLimit, 3.0)]);
        assert!(trust.weight(0, Field::Mobile) > trust.weight(2, Field::Mobile));
        assert!(trust.weight(2, Field::Mobile) >= MIN_WEIGHT);
        assert_eq!(trust.weight(1, Field::CreditLimit), 3.0);
        assert_eq!(trust.weight(5, Field::Email), 1.0);
    }

    #[test]
    fn frozen_trust_thaws_for_the_same_sources_and_pins_only() {
        let mut tally = Tally::default();
        for stale in ["old", "new", "new"] {
            let obs = [("new", 0), ("new", 1), (stale, 2)]
                .map(|(key, source)| Observation { source, key });
            tally.add(Field::Mobile, &obs);
        }
        let names = ["a", "b", "c"].map(String::from);
        let pinned = [(1, Field::CreditLimit, 3.0)];
        let trust = tally.into_trust(&names, &pinned);
        let text = trust.freeze(&names);
        let back = Trust::thaw(&text, &names, &pinned).unwrap();
        assert_eq!(back.weights, trust.weights);
        assert_eq!(
            serde_json::to_value(&back.stats).unwrap(),
            serde_json::to_value(&trust.stats).unwrap()
        );
        assert!(Trust::thaw(&text, &names, &[]).is_none(), "a pin removed");
        assert!(Trust::thaw(&text, &names, &[(1, Field::CreditLimit, 2.0)]).is_none());
        assert!(
            Trust::thaw(&text, &names[..2], &pinned).is_none(),
            "a source less"
        );
    }
}
