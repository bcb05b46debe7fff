//! Measures the normalizers against the dev set's corruption log.
//!
//! For every entry of `truth/corruptions.csv` the field's normalizer runs on `written_value` (and
//! on `clean_value`, which is the value *before* that corruption, itself possibly a format variant).
//! When `expected_errors.csv` lists an error for the same record and field with the same written
//! value, the row counts as an error row: a hit is our error kind equal to the expected one. Other
//! rows are normalisable: a hit is `norm(written) == norm(clean)`; flagging an error there counts as
//! a false error. Kinds that only cross-source evidence can reveal (typos, stale values) are listed
//! with what a key can still do (pinyin / fuzzy-pinyin equality for homophones).
//!
//! usage: cargo run --release --example eval_corruptions [-- SET_DIR] [--by-subtype]

use std::collections::{BTreeMap, HashMap};
use std::error::Error;
use std::path::PathBuf;

use steward::normalize::{address, amount, company, date, email, id_card, name, phone, uscc};

/// What a normalizer made of one value.
#[derive(Debug, Default, Clone)]
struct Outcome {
    canonical: Option<String>,
    error: Option<&'static str>,
    /// A finding that is not an error (title-only contact, local number without area code).
    flag: Option<&'static str>,
    /// A secondary key for kinds a canonical form cannot undo (pinyin, 字号).
    alt_key: Option<String>,
}

impl Outcome {
    fn same(&self, other: &Outcome) -> bool {
        self.canonical == other.canonical && self.error == other.error
    }
}

struct Entity {
    kind: String,
    name: String,
    /// The entity's true 身份证, standing in for the record's own (for the record-level checks).
    id_number: String,
}

/// Kinds whose success is a raised flag rather than an undone variant.
fn expected_flag(kind: &str) -> Option<&'static str> {
    match kind.split(':').next()? {
        "contact_title_only" => Some("title_only"),
        "landline_no_area_code" => Some("local_number"),
        _ => None,
    }
}

fn read_csv(path: &PathBuf) -> Result<Vec<HashMap<String, String>>, Box<dyn Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    let headers = reader.headers()?.clone();
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record?;
        rows.push(
            headers
                .iter()
                .zip(record.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect(),
        );
    }
    Ok(rows)
}

fn phone_outcome(field: &str, v: &str) -> Outcome {
    let phones = phone::parse_field(v);
    let first = &phones[0];
    let landline_column =
        field.contains("电话") && !field.contains("联系") || field.contains("座机");
    let misplaced = landline_column && first.kind == phone::PhoneKind::Mobile;
    Outcome {
        canonical: (first.kind != phone::PhoneKind::Empty).then(|| first.canonical.clone()),
        error: if misplaced {
            Some("misplaced_value")
        } else {
            phones.iter().find_map(|p| p.error_kind())
        },
        flag: (first.kind == phone::PhoneKind::Local).then_some("local_number"),
        alt_key: Some(format!("{:?}", first.kind)),
    }
}

fn id_outcome(field: &str, v: &str, party: uscc::Party) -> Outcome {
    if field.contains("税号") {
        let r = uscc::tax_or_id(v, party);
        let canonical = match &r {
            uscc::TaxOrId::IdCard(id) => id.canonical().map(str::to_string),
            uscc::TaxOrId::Uscc(u) => u.canonical().map(str::to_string),
            uscc::TaxOrId::Empty => None,
        };
        return Outcome {
            canonical,
            error: r.error_kind(),
            ..Outcome::default()
        };
    }
    if field.contains("身份证") || field.contains("证件号码") {
        let r = id_card::normalize(v);
        return Outcome {
            canonical: r.canonical().map(str::to_string),
            error: r.error_kind(),
            ..Outcome::default()
        };
    }
    let r = uscc::normalize(v);
    let canonical = match &r {
        uscc::Uscc::LegacyOrgCode { code, .. } => Some(code.clone()),
        other => other.canonical().map(str::to_string),
    };
    Outcome {
        canonical,
        error: r.error_kind(),
        ..Outcome::default()
    }
}

fn person_outcome(v: &str) -> Outcome {
    match name::person(v) {
        name::PersonName::Name(n) => Outcome {
            alt_key: Some(name::fuzzy_pinyin_key(&n)),
            canonical: Some(n),
            ..Outcome::default()
        },
        name::PersonName::TitleOnly { canonical, .. } => Outcome {
            canonical: Some(canonical),
            flag: Some("title_only"),
            ..Outcome::default()
        },
        name::PersonName::Placeholder => Outcome {
            error: Some("placeholder"),
            ..Outcome::default()
        },
        name::PersonName::Empty => Outcome {
            error: Some("missing_required"),
            ..Outcome::default()
        },
    }
}

fn company_outcome(v: &str) -> Outcome {
    match company::parse(v) {
        Some(c) => Outcome {
            canonical: Some(c.key()),
            alt_key: Some(c.zihao.clone()),
            ..Outcome::default()
        },
        None if v.trim().is_empty() => Outcome {
            error: Some("missing_required"),
            ..Outcome::default()
        },
        None => Outcome {
            error: Some("placeholder"),
            ..Outcome::default()
        },
    }
}

fn evaluate(
    field: &str,
    canonical_field: &str,
    v: &str,
    entity: Option<&Entity>,
) -> Option<Outcome> {
    let party = match entity.map(|e| e.kind.as_str()) {
        Some("person") => uscc::Party::Person,
        Some("company") => uscc::Party::Company,
        _ => uscc::Party::Unknown,
    };
    if v.trim().is_empty() {
        return Some(Outcome {
            error: Some("missing_required"),
            ..Outcome::default()
        });
    }
    let id_info = entity.and_then(|e| id_card::normalize(&e.id_number).info().cloned());
    Some(match canonical_field {
        "mobile" | "phone" | "contact_mobile" => phone_outcome(field, v),
        "gender" => {
            let conflict = id_info.is_some_and(|i| i.sex_conflicts(v));
            Outcome {
                canonical: Some(v.to_string()),
                error: conflict.then_some("gender_id_mismatch"),
                ..Outcome::default()
            }
        }
        "birth_date" if id_info.is_some() => {
            let r = date::parse(v);
            let conflict = match (&r, &id_info) {
                (date::DateValue::Valid(w), Some(i)) => i.birth_date_conflict(w.date).is_some(),
                _ => false,
            };
            let error = r
                .error_kind()
                .or(conflict.then_some("birthdate_id_mismatch"));
            Outcome {
                canonical: r.canonical(),
                error,
                ..Outcome::default()
            }
        }
        "id_number" | "uscc" => id_outcome(field, v, party),
        "email" => {
            let r = email::normalize(v);
            Outcome {
                canonical: r.canonical().map(str::to_string),
                error: r.error_kind(),
                ..Outcome::default()
            }
        }
        "birth_date" | "created_at" | "survey_date" | "last_follow_up" => {
            let r = date::parse(v);
            let canonical = match &r {
                date::DateValue::Valid(w) => Some(w.canonical_datetime()),
                _ => None,
            };
            Outcome {
                canonical,
                error: r.error_kind(),
                ..Outcome::default()
            }
        }
        "credit_limit" => {
            let r = amount::parse(v);
            Outcome {
                canonical: r.canonical(),
                error: r.error_kind(),
                ..Outcome::default()
            }
        }
        "name" if party == uscc::Party::Company => company_outcome(v),
        "name" | "contact_name" => person_outcome(v),
        "employer" => company_outcome(v),
        "name_en" => {
            let chinese = entity.map(|e| e.name.as_str());
            let r = name::name_en(v, chinese);
            let bare = name::name_en(v, None);
            Outcome {
                canonical: r.map(|n| n.canonical),
                alt_key: bare.map(|n| n.canonical),
                ..Outcome::default()
            }
        }
        "address" => {
            let r = address::parse(v);
            Outcome {
                canonical: r.address().map(address::Address::key),
                error: r.error_kind(),
                ..Outcome::default()
            }
        }
        _ => return None,
    })
}

#[derive(Default)]
struct Tally {
    n: usize,
    err_rows: usize,
    err_hit: usize,
    err_flagged: usize,
    norm_rows: usize,
    norm_hit: usize,
    false_error: usize,
    alt_hit: usize,
    skipped: usize,
    flag_hit: usize,
    examples: Vec<String>,
}

fn main() -> Result<(), Box<dyn Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let set = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .cloned()
        .unwrap_or_else(|| "/work/shared/dev/d20k".into());
    let by_subtype = args.iter().any(|a| a == "--by-subtype");
    let show_misses = args.iter().any(|a| a == "--misses");
    let truth_dir = PathBuf::from(&set).join("truth");

    let entities: HashMap<String, Entity> = read_csv(&truth_dir.join("entities.csv"))?
        .into_iter()
        .map(|r| {
            let entity = Entity {
                kind: r["type"].clone(),
                name: r["name"].clone(),
                id_number: r["id_number"].clone(),
            };
            (r["entity_id"].clone(), entity)
        })
        .collect();
    let record_entity: HashMap<(String, String), String> = read_csv(&truth_dir.join("truth.csv"))?
        .into_iter()
        .map(|r| {
            (
                (r["source"].clone(), r["source_record_key"].clone()),
                r["entity_id"].clone(),
            )
        })
        .collect();
    let expected: HashMap<(String, String, String), (String, String)> =
        read_csv(&truth_dir.join("expected_errors.csv"))?
            .into_iter()
            .map(|r| {
                let key = (
                    r["source"].clone(),
                    r["source_record_key"].clone(),
                    r["field"].clone(),
                );
                (key, (r["kind"].clone(), r["written_value"].clone()))
            })
            .collect();

    let mut tallies: BTreeMap<String, Tally> = BTreeMap::new();
    for row in read_csv(&truth_dir.join("corruptions.csv"))? {
        let full_kind = row["kind"].clone();
        let kind = if by_subtype {
            full_kind.clone()
        } else {
            full_kind.split(':').next().unwrap_or("").to_string()
        };
        let tally = tallies.entry(kind.clone()).or_default();
        tally.n += 1;
        let rec = (row["source"].clone(), row["source_record_key"].clone());
        let entity = record_entity.get(&rec).and_then(|e| entities.get(e));
        let (field, cfield) = (row["field"].as_str(), row["canonical_field"].as_str());
        let (clean, written) = (row["clean_value"].as_str(), row["written_value"].as_str());
        let (Some(got), Some(want)) = (
            evaluate(field, cfield, written, entity),
            evaluate(field, cfield, clean, entity),
        ) else {
            tally.skipped += 1;
            continue;
        };
        let expected_kind = expected
            .get(&(rec.0.clone(), rec.1.clone(), field.to_string()))
            .filter(|(_, w)| w == written)
            .map(|(k, _)| k.as_str());
        match expected_kind {
            Some(k) => {
                tally.err_rows += 1;
                tally.err_flagged += usize::from(got.error.is_some());
                if got.error == Some(k) {
                    tally.err_hit += 1;
                } else if tally.examples.len() < 3 || show_misses {
                    tally
                        .examples
                        .push(format!("{written:?} expected {k}, got {:?}", got.error));
                }
            }
            None => {
                tally.norm_rows += 1;
                tally.false_error += usize::from(got.error.is_some() && want.error.is_none());
                if let Some(flag) = expected_flag(&full_kind) {
                    tally.flag_hit += usize::from(got.flag == Some(flag));
                }
                if got.same(&want) {
                    tally.norm_hit += 1;
                } else if tally.examples.len() < 3 || show_misses {
                    tally.examples.push(format!(
                        "{written:?} -> {:?} | clean {clean:?} -> {:?}",
                        got.canonical, want.canonical
                    ));
                }
                let alt = match cfield {
                    "name" | "contact_name" if kind.starts_with("name_homophone") => {
                        Some(name::sounds_alike(written, clean))
                    }
                    "name" | "employer" if kind.starts_with("company_name_homophone") => {
                        let core = |v: &str| company::parse(v).map(|c| c.core_pinyin());
                        Some(core(written).is_some() && core(written) == core(clean))
                    }
                    _ => got
                        .alt_key
                        .as_ref()
                        .map(|k| Some(k) == want.alt_key.as_ref()),
                };
                tally.alt_hit += usize::from(alt == Some(true));
            }
        }
    }

    println!("| kind | rows | error rows | expected error flagged | any error flagged | normalisable rows | norm(written) = norm(clean) | false errors | expected flag raised | alt key equal |");
    println!("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    let pct = |a: usize, b: usize| {
        if b == 0 {
            "—".to_string()
        } else {
            format!("{:.1}%", 100.0 * a as f64 / b as f64)
        }
    };
    for (kind, t) in &tallies {
        if t.skipped == t.n {
            println!(
                "| {kind} | {} | — | — | — | — | — | — | — | (field not normalised here) |",
                t.n
            );
            continue;
        }
        println!(
            "| {kind} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            t.n,
            t.err_rows,
            pct(t.err_hit, t.err_rows),
            pct(t.err_flagged, t.err_rows),
            t.norm_rows,
            pct(t.norm_hit, t.norm_rows),
            pct(t.false_error, t.norm_rows),
            if expected_flag(kind).is_some() {
                pct(t.flag_hit, t.norm_rows)
            } else {
                "—".into()
            },
            pct(t.alt_hit, t.norm_rows),
        );
    }
    if show_misses || std::env::var_os("EVAL_EXAMPLES").is_some() {
        for (kind, t) in &tallies {
            for e in &t.examples {
                println!("{kind}: {e}");
            }
        }
    }
    Ok(())
}
