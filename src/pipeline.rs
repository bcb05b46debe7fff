//! One run of the pipeline, stage after stage, with the conservation check at the end: every row
//! read from every source is either a record in the crosswalk or a row in the quarantine.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde_json::json;

use crate::config::Plan;
use crate::gates::{self, GateResult, RunFacts};
use crate::ingest::{cache, read_source, IngestError};
use crate::link::{link_with, Prior, MATCH_PROBABILITY};
use crate::memory;
use crate::model::Model;
use crate::normalize::record::{normalize_rows, Normalized, Rules};
use crate::progress;
use crate::record::{Issue, SourceTable, Text};
use crate::report;
use crate::state::{self, Decision, DecisionOutcome, Rows};
use crate::store::{assign_ids, Later, Snapshot, Store, Target};
use crate::survive::{golden_id, learn_trust, members_of, survive_with, Field, Survivorship};
use crate::validate::{cross_record_issues, Written};
use ecow::eco_format;

/// What the caller needs to report and to choose the exit status.
pub struct RunOutcome {
    pub out: PathBuf,
    pub tables: Vec<SourceTable>,
    pub failed: Vec<IngestError>,
    pub summary: serde_json::Value,
    /// The job's quality gates, checked against this run (empty when the job sets none).
    pub gates: Vec<GateResult>,
    /// What the run built on its way, freed with the outcome rather than at the end of the run: a
    /// caller that ends the process then need not free it at all.
    _held: Held,
}

/// The run's working tables (see [`RunOutcome`]).
struct Held {
    _snap: Snapshot,
    _records: Vec<crate::record::Record>,
    _issues: Vec<Issue>,
    _linkage: crate::link::Linkage,
    _survivorship: Survivorship,
    _rows: Rows,
    _ids: crate::store::Ids,
    /// Every record's stored form when made this run.
    _encoded: Vec<Option<Vec<u8>>>,
    /// Every golden record's member digest.
    _digests: Vec<String>,
}

impl RunOutcome {
    /// True when at least one source was read.
    pub fn usable(&self) -> bool {
        !self.tables.is_empty()
    }

    /// The gates this run failed.
    pub fn failed_gates(&self) -> impl Iterator<Item = &GateResult> {
        self.gates.iter().filter(|g| !g.passed)
    }
}

/// Rows that went missing between reading and writing: a bug, never to be shipped as a result.
#[derive(Debug, thiserror::Error)]
#[error("conservation check failed: {0}")]
pub struct ConservationError(pub String);

pub struct RunOptions {
    pub out: PathBuf,
    pub excel_bom: bool,
    pub threads: usize,
    /// Show personal data (身份证, phones, e-mails) unmasked in report.html and report.xlsx.
    pub unmask: bool,
    /// The state store: stable ids across runs, incremental matching, decisions.
    pub state: Option<Target>,
    /// Evaluate everything afresh (normalization, model, scores, trust, golden records), taking
    /// only the golden ids and the decisions from the store.
    pub full: bool,
}

pub fn run(input: &Path, plan: Plan, options: &RunOptions) -> Result<RunOutcome> {
    let started = Instant::now();
    // Normalization's tables are built beside the reading; which ones depends on whether the run
    // normalizes every row (see `normalize::warm_up`).
    let every_row = options.state.is_none() || options.full;
    std::thread::spawn(move || crate::normalize::warm_up(every_row));
    // The store's transaction begins here and ends after the last output is written.
    let mut store = options.state.as_ref().map(Store::open).transpose()?;
    let Ingested {
        mut snap,
        results,
        sources_upsert,
        sources_delete,
        sources_taken_over,
    } = ingest(&plan, store.as_mut(), options.full)?;
    if let Some(verdicts) = snap.phone_verdicts.as_deref() {
        if state::incremental(&snap) {
            crate::normalize::phone::remember_verdicts(verdicts);
        }
    }
    if options.full {
        // Without the model nothing of the last run's work is taken over (see `state::incremental`).
        snap.model = None;
    }
    let stored = store.is_some();
    let mut decisions: Vec<Decision> = snap
        .decisions
        .iter()
        .map(|d| Decision {
            origin: format!("store #{}", d.number),
            kind: d.kind.clone(),
            a: d.a.clone(),
            b: d.b.clone(),
            value: d.value.clone(),
        })
        .collect();
    if let Some(path) = &plan.decisions {
        decisions.extend(state::read_decisions(path)?);
    }
    let ingest_ms = started.elapsed().as_millis();
    let ingest_mib = memory::peak_rss_mib();
    let mut tables = Vec::new();
    let mut failed = Vec::new();
    for r in results {
        match r {
            Ok(t) => tables.push(t),
            Err(e) => failed.push(e),
        }
    }
    let stage = Instant::now();
    // Keys and content hashes are what the store knows rows by; a run without a store needs neither.
    let rows = match stored {
        true => Rows::of(&tables, &snap),
        false => Rows::default(),
    };
    let (known, mut stored_derived) = state::reuse(&snap, &tables, &rows);
    let reused: Vec<Vec<bool>> = known
        .iter()
        .map(|k| k.iter().map(Option::is_some).collect())
        .collect();
    progress::stage(
        "normalize",
        tables.iter().map(|t| t.records.len() as u64).sum(),
    );
    let normalized: Vec<Normalized> = tables
        .par_iter()
        .zip(known)
        .enumerate()
        .map(|(i, (t, known))| normalize_rows(i, t, &Rules::default(), known))
        .collect();
    // Every list below is sized once for all the records: grown table by table, each would be
    // copied into new memory at every doubling.
    let total: usize = normalized.iter().map(|n| n.records.len()).sum();
    let mut records = Vec::new();
    let mut issues = ingest_issues(&tables);
    let mut encoded: Vec<Option<Vec<u8>>> = Vec::with_capacity(total);
    // With a store, what linking makes of every record (`state::Derived`): made for the new and
    // changed records (and kept with them), taken from the store for the others.
    let capacity = if stored { total } else { 0 };
    let mut block_keys: Vec<crate::block::Keys> = Vec::with_capacity(capacity);
    let mut counted: Vec<Vec<u64>> = Vec::with_capacity(capacity);
    let rules = crate::block::default_rules();
    for n in normalized {
        let mut starts = Vec::with_capacity(n.per_record.len());
        let mut at = 0;
        for count in &n.per_record {
            starts.push(at);
            at += count;
        }
        let made: Vec<Option<(Vec<u8>, state::Derived)>> = n
            .records
            .par_iter()
            .zip(&starts)
            .zip(&n.per_record)
            .map(|((r, &at), &count)| {
                if !stored || reused[r.source][r.row] {
                    return None;
                }
                let derived = state::Derived::of(r, &rules);
                let data = state::encode(r, &n.issues[at..at + count], &derived);
                Some((data, derived))
            })
            .collect();
        for (r, made) in n.records.iter().zip(made) {
            let (data, derived) = match made {
                Some((data, derived)) => (Some(data), derived),
                None => (
                    None,
                    stored_derived[r.source][r.row].take().unwrap_or_default(),
                ),
            };
            if stored {
                block_keys.push(derived.blocking);
                counted.push(derived.counted);
            }
            encoded.push(data);
        }
        // The first table's list is taken as it is and grown once: a run holds millions of records.
        if records.is_empty() {
            records = n.records;
            records.reserve_exact(total - records.len());
        } else {
            records.extend(n.records);
        }
        issues.extend(n.issues);
    }
    drop(stored_derived);
    let fresh: Vec<bool> = encoded.iter().map(Option::is_some).collect();
    // Nothing reads a row's raw values after this but the checks across records, which take what
    // they need now (issues carry their own copies, outputs name rows by key): the rest is let go
    // before linking.
    let sex_and_birth = Written::take(&tables, &records);
    for t in &mut tables {
        t.records.par_iter_mut().for_each(|r| r.values = Vec::new());
    }
    let normalize_ms = stage.elapsed().as_millis();
    let normalize_mib = memory::peak_rss_mib();

    // The last run's issues and golden records are first needed once the run has linked: they
    // are read meanwhile, on a thread that runs only when a core is idle (linking leaves one).
    let later = store.take().map(|mut store| {
        std::thread::spawn(move || -> Result<(Store, Later)> {
            memory::background();
            let later = store.load_later()?;
            Ok((store, later))
        })
    });
    let stage = Instant::now();
    let (pairs, mut decided) = state::resolve_pairs(&decisions, &tables, &records);
    let model: Option<Model> = snap
        .model
        .as_deref()
        .filter(|_| state::incremental(&snap))
        .and_then(|m| serde_json::from_str(m).ok());
    let prior = model.map(|model| Prior {
        model,
        pairs: state::prior_pairs(&snap, &records, &rows, &fresh),
        fresh: &fresh,
    });
    let rescored = prior.is_none();
    // With a store, every record's keys are known: made for the new and changed records, taken
    // over for the others.
    let known = stored.then_some(crate::link::Known {
        keys: &block_keys,
        counted: &counted,
    });
    let linkage = link_with(&records, prior, known, &pairs);
    // Their last reader: the memory goes to survivorship and the outputs rather than the system
    // giving the run fresh pages (a million-record run holds hundreds of MiB of keys).
    drop(block_keys);
    drop(counted);
    let cluster_of = &linkage.clustering.cluster_of;
    // The golden ids, and beside them the checks across records and each cluster's members (with
    // a store, their digest): none of them needs another.
    let (ids, (cross, (members, digests))) = rayon::join(
        || match stored {
            true => {
                let previous = state::previous_ids(&snap, &records, &rows);
                let active = snap
                    .golden
                    .values()
                    .filter(|g| g.active)
                    .map(|g| g.id.as_str())
                    .collect();
                assign_ids(
                    cluster_of,
                    linkage.clustering.clusters,
                    &previous,
                    &active,
                    snap.next_id,
                )
            }
            // Golden ids follow the clusters' first records, in the order of sources (by file name)
            // and rows, so the same inputs always give the same ids.
            false => crate::store::Ids {
                of_cluster: (0..linkage.clustering.clusters as u32)
                    .map(golden_id)
                    .collect(),
                changes: Vec::new(),
                next: linkage.clustering.clusters as u64 + 1,
            },
        },
        || {
            let cross = cross_record_issues(&tables, &records, &sex_and_birth, cluster_of);
            let members = members_of(cluster_of, linkage.clustering.clusters);
            // With a store, clusters whose records are the same as when their golden record was
            // stored take it over.
            let digests = if stored {
                state::member_digests(&tables, &records, &rows, &members)
            } else {
                Vec::new()
            };
            (cross, (members, digests))
        },
    );
    issues.extend(cross);
    // Its last reader: let go before survivorship builds the golden records (a million-record run
    // holds a sex and birth date for most of its records here).
    drop(sex_and_birth);
    let link_ms = stage.elapsed().as_millis();
    let link_mib = memory::peak_rss_mib();
    // Each row's golden id, for the crosswalk (borrowed: a run has millions of rows).
    let mut golden: Vec<Vec<&str>> = tables
        .iter()
        .map(|t| Vec::with_capacity(t.records.len()))
        .collect();
    for (r, c) in records.iter().zip(&linkage.clustering.cluster_of) {
        golden[r.source].push(&ids.of_cluster[*c as usize]);
    }
    let stage = Instant::now();
    progress::stage("survive", linkage.clustering.clusters as u64);
    let names: Vec<String> = tables.iter().map(|t| t.name.clone()).collect();
    let pinned = pinned_trust(&plan, &names);
    if let Some(later) = later {
        let (back, later) = later
            .join()
            .map_err(|_| anyhow::anyhow!("reading the state store failed"))??;
        snap.issues = later.issues;
        snap.survived = later.survived;
        store = Some(back);
    }
    // With a store, the trust a full run learned is frozen, and clusters whose records are the
    // same as when their golden record was stored take it over.
    let (trust, kept) = match state::frozen_trust(&snap, &names, &pinned) {
        Some(trust) => (
            trust,
            state::kept_survivorship(&snap, &ids, &members, &digests, &fresh),
        ),
        None => (learn_trust(&records, &members, &names, &pinned), Vec::new()),
    };
    if stored {
        state::let_go_of_forms(
            &mut snap,
            &records,
            &rows,
            &fresh,
            &linkage.clustering.cluster_of,
            &ids,
        );
    }
    let taken_over: Vec<bool> = (0..members.len())
        .map(|c| kept.get(c).is_some_and(Option::is_some))
        .collect();
    let mut survivorship = survive_with(&records, &members, trust, kept);
    drop(members);
    for (g, id) in survivorship.golden.iter_mut().zip(&ids.of_cluster) {
        g.id = id.as_str().into();
    }
    let survived = if stored {
        state::survived(&survivorship, &taken_over, &digests)
    } else {
        Vec::new()
    };
    apply_pins(&mut survivorship, &mut decided, &snap, &ids);
    let survive_ms = stage.elapsed().as_millis();
    let survive_mib = memory::peak_rss_mib();
    let gates = gates::check(
        &plan.gates,
        &RunFacts {
            tables: &tables,
            issues: &issues,
            golden: &survivorship.golden,
            scored: &linkage.scored,
            cluster_of: &linkage.clustering.cluster_of,
        },
    );
    let report_started = Instant::now();
    progress::stage("report", 10);
    std::fs::create_dir_all(&options.out)
        .with_context(|| format!("cannot create the output folder {}", options.out.display()))?;
    let (out, bom) = (&options.out, options.excel_bom);
    let origins = report::Origins::of(&tables, &records);
    let built = report::Built {
        tables: &tables,
        records: &records,
        origins: &origins,
        linkage: &linkage,
        survivorship: &survivorship,
        unmask: options.unmask,
    };
    // Two phases, each writer spreading its rows over every core. First the comparison with the
    // store, which reads the issues as the run found them, beside the outputs that need neither
    // the issues nor the run's summary (the CSVs, most of report.xlsx); then, the issues sorted
    // and the summary known, issues.csv and the rest of the two reports. The store's writes are
    // made meanwhile, and committed once every output is written.
    let (settled, (written, ahead)) = rayon::join(
        || -> Result<Option<(Staged, Staging)>> {
            let Some(mut store) = store.take() else {
                return Ok(None);
            };
            let state::Settled {
                diff,
                mut counts,
                mut change,
            } = state::settle(state::RunFacts {
                snap: &snap,
                tables: &tables,
                records: &records,
                rows: &rows,
                fresh: &fresh,
                cluster_of: &linkage.clustering.cluster_of,
                ids: &ids,
                issues: &issues,
                encoded: &encoded,
                scored: &linkage.scored,
                rescored,
                model: serde_json::to_string(&linkage.model)?,
                trust: survivorship.trust.freeze(&names),
                survived,
            })?;
            counts["store"] = options
                .state
                .as_ref()
                .map(Target::display)
                .unwrap_or_default()
                .into();
            counts["sources_unchanged"] = json!(sources_taken_over);
            change.sources_upsert = sources_upsert;
            change.sources_delete = sources_delete;
            change.finished = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
            change.input = input.display().to_string();
            change.summary = counts.to_string();
            let run = change.run;
            // On a thread of its own: the writes wait on the disk (the journal's syncs), which
            // would hold one of the pool's threads idle.
            let staging = std::thread::spawn(move || -> Result<Store> {
                store.stage(&change)?;
                Ok(store)
            });
            Ok(Some((Staged { diff, counts, run }, staging)))
        },
        || {
            rayon::join(
                || report::write_tables(out, &built, &golden, bom),
                || report::xlsx::ahead(&built),
            )
        },
    );
    let (settled, written, ahead) = (settled?, written?, ahead?);
    let (settled, staging) = settled.unzip();
    drop(golden);
    report::sort_issues(&mut issues);
    progress::tick(7);
    check_conservation(&tables, written)?;
    if let Some(settled) = &settled {
        report::write_id_map(&options.out, &ids.changes, options.excel_bom)?;
        report::write_diff(&options.out, &settled.diff, options.excel_bom)?;
    }
    if stored || !decided.is_empty() {
        report::write_decisions(&options.out, &decided, options.excel_bom)?;
    }

    let summary = json!({
        "steward": env!("CARGO_PKG_VERSION"),
        "input": input.display().to_string(),
        "threads": options.threads,
        "sources": tables.iter().map(source_summary).collect::<Vec<_>>(),
        "failed_sources": failed.iter().map(|e| json!({"source": e.source_name, "error": e.message})).collect::<Vec<_>>(),
        "ignored_files": plan.ignored,
        "totals": {
            "sources_read": tables.len(),
            "sources_failed": failed.len(),
            "read": tables.iter().map(|t| t.rows_read).sum::<u64>(),
            "kept": tables.iter().map(|t| t.records.len()).sum::<usize>(),
            "quarantined": tables.iter().map(|t| t.quarantined.len()).sum::<usize>(),
            "golden_records": linkage.clustering.clusters,
        },
        "matching": {
            "candidate_pairs": linkage.candidates,
            "blocking_rules": linkage.blocking,
            "accepted_pairs": linkage.scored.iter().filter(|p| p.probability >= MATCH_PROBABILITY).count(),
            "review_pairs": linkage.scored.iter().filter(|p| p.probability < MATCH_PROBABILITY).count(),
            "joins_refused_by_guards": linkage.clustering.refused.len(),
            "clusters": linkage.clustering.clusters,
            "em_iterations": linkage.model.iterations,
            "lambda": linkage.model.lambda,
        },
        "survivorship": {
            "golden_records": survivorship.golden.len(),
            "conflicts": survivorship.conflicts.len(),
            "source_trust": serde_json::to_value(&survivorship.trust.stats)?,
        },
        "issues_by_kind": count_by_kind(&issues),
        "gates": {
            "passed": gates.iter().all(|g| g.passed),
            "failed": gates.iter().filter(|g| !g.passed).map(|g| g.gate.as_str()).collect::<Vec<_>>(),
            "results": gates,
        },
        "conservation": {"ok": true, "crosswalk_rows": written},
        "state": settled.as_ref().map(|s| &s.counts),
        "decisions": decided,
        "timings_ms": {
            "ingest": ingest_ms,
            "normalize_validate": normalize_ms,
            "link": link_ms,
            "survive": survive_ms,
            "report": report_started.elapsed().as_millis(),
            "total": started.elapsed().as_millis(),
        },
        // The process's peak resident set at the end of each stage (MiB; null where the system
        // does not tell).
        "peak_rss_mib": {
            "ingest": ingest_mib,
            "normalize_validate": normalize_mib,
            "link": link_mib,
            "survive": survive_mib,
            "report": null,
        },
    });
    let view = report::RunView {
        run: &built,
        issues: &issues,
        summary: &summary,
    };
    progress::tick(1);
    let ((issues_csv, xlsx), html) = rayon::join(
        || {
            rayon::join(
                || report::write_issues(out, &issues, bom),
                || report::xlsx::write(out, &view, ahead),
            )
        },
        || report::html::write(out, &view),
    );
    issues_csv?;
    xlsx?;
    html?;
    let store = staging
        .map(|staging| {
            staging
                .join()
                .map_err(|_| anyhow::anyhow!("writing the state store failed"))?
        })
        .transpose()?;
    progress::tick(2);
    // The report stage ends with the last report written.
    let mut summary = summary;
    summary["timings_ms"]["report"] = json!(report_started.elapsed().as_millis());
    summary["timings_ms"]["total"] = json!(started.elapsed().as_millis());
    summary["peak_rss_mib"]["report"] = memory::peak_rss_mib().into();
    report::write_json(&options.out, "summary.json", &summary)?;
    if let (Some(store), Some(settled)) = (store, &settled) {
        store.commit(settled.run)?;
    }
    progress::done();
    Ok(RunOutcome {
        out: options.out.clone(),
        tables,
        failed,
        summary,
        gates,
        _held: Held {
            _snap: snap,
            _records: records,
            _issues: issues,
            _linkage: linkage,
            _survivorship: survivorship,
            _rows: rows,
            _ids: ids,
            _encoded: encoded,
            _digests: digests,
        },
    })
}

/// The thread writing a run's changes into the store, which hands the store back.
type Staging = std::thread::JoinHandle<Result<Store>>;

/// A run's changes written to the store, not yet committed: what the outputs still need of them.
struct Staged {
    diff: Vec<state::DiffRow>,
    /// The `state` object of summary.json.
    counts: serde_json::Value,
    run: i64,
}

/// What reading the sources and the store gave.
struct Ingested {
    snap: Snapshot,
    results: Vec<Result<SourceTable, IngestError>>,
    /// Sources read from their files whose tables the store keeps: `(name, digest, table)`.
    sources_upsert: Vec<(String, String, Vec<u8>)>,
    /// Stored sources this run no longer has.
    sources_delete: Vec<String>,
    /// Sources taken from the store, their files unchanged.
    sources_taken_over: Vec<String>,
}

/// Read the sources, and the store while they are read: a source whose file and options are those
/// of the last run (`ingest::cache`) is taken from the store instead of being parsed again, unless
/// the run is `full`.
fn ingest(plan: &Plan, mut store: Option<&mut Store>, full: bool) -> Result<Ingested> {
    let names: Vec<String> = plan.sources.iter().map(|s| s.name()).collect();
    let digests: Vec<Option<String>> = match &store {
        Some(_) if !full => plan
            .sources
            .par_iter()
            .map(|s| cache::kept(s).then(|| cache::digest(s).ok()).flatten())
            .collect(),
        _ => vec![None; names.len()],
    };
    let known_sources = match store.as_mut() {
        Some(store) => store.source_digests()?,
        None => HashMap::new(),
    };
    let unchanged: Vec<bool> = names
        .iter()
        .zip(&digests)
        .map(|(n, d)| d.is_some() && known_sources.get(n) == d.as_ref())
        .collect();
    let (loaded, reads) = rayon::join(
        || -> Result<(Snapshot, Vec<Option<SourceTable>>)> {
            let Some(store) = store else {
                return Ok((Snapshot::default(), Vec::new()));
            };
            let snap = store.load()?;
            let mut cached = Vec::new();
            for (name, &unchanged) in names.iter().zip(&unchanged) {
                let data = match unchanged {
                    true => store.source_table(name)?,
                    false => None,
                };
                cached.push(data.and_then(|d| cache::decode(&d)));
            }
            Ok((snap, cached))
        },
        || -> Vec<Option<Result<Read, IngestError>>> {
            plan.sources
                .par_iter()
                .zip(&unchanged)
                .zip(&digests)
                .map(|((spec, &unchanged), digest)| {
                    (!unchanged).then(|| read_and_encode(spec, digest.is_some()))
                })
                .collect()
        },
    );
    let (snap, mut cached) = loaded?;
    let mut results = Vec::new();
    let mut sources_upsert = Vec::new();
    let mut sources_taken_over = Vec::new();
    for (i, read) in reads.into_iter().enumerate() {
        let cached = cached.get_mut(i).and_then(Option::take);
        if let (None, Some(table)) = (&read, cached) {
            sources_taken_over.push(names[i].clone());
            results.push(Ok(table));
            continue;
        }
        // Read now what the store could not give back.
        let read = read.unwrap_or_else(|| read_and_encode(&plan.sources[i], true));
        results.push(read.map(|(table, encoded)| {
            if let (Some(digest), Some(encoded)) = (&digests[i], encoded) {
                sources_upsert.push((names[i].clone(), digest.clone(), encoded));
            }
            table
        }));
    }
    let sources_delete = known_sources
        .into_keys()
        .filter(|n| !names.contains(n))
        .collect();
    Ok(Ingested {
        snap,
        results,
        sources_upsert,
        sources_delete,
        sources_taken_over,
    })
}

/// A source as read from its file, with its stored form when the run keeps one.
type Read = (SourceTable, Option<Vec<u8>>);

fn read_and_encode(spec: &crate::ingest::SourceSpec, encode: bool) -> Result<Read, IngestError> {
    let table = read_source(spec)?;
    let encoded = encode.then(|| cache::encode(&table));
    Ok((table, encoded))
}

/// Pinned field values: each pin decision sets its field on the golden record its id stands for
/// now (following merges), and says where it went.
fn apply_pins(
    survivorship: &mut Survivorship,
    decided: &mut [DecisionOutcome],
    snap: &Snapshot,
    ids: &crate::store::Ids,
) {
    let active: std::collections::BTreeSet<&str> =
        ids.of_cluster.iter().map(String::as_str).collect();
    let at: std::collections::HashMap<&str, usize> = ids
        .of_cluster
        .iter()
        .enumerate()
        .map(|(c, id)| (id.as_str(), c))
        .collect();
    for d in decided.iter_mut().filter(|d| d.decision.kind == "pin") {
        let pin = &d.decision;
        let Some(field) = Field::from_column(&pin.b) else {
            d.note = format!("{} is not a golden field", pin.b);
            continue;
        };
        let Some(now) = state::current_id(&pin.a, &active, snap, &ids.changes) else {
            d.note = format!("{} is not a golden record of this run", pin.a);
            continue;
        };
        survivorship.golden[at[now.as_str()]].pin(
            field,
            &pin.value,
            &format!("pinned by the steward ({})", pin.origin),
        );
        d.applied = true;
        if now != pin.a {
            d.note = format!("{} is now {now}", pin.a);
        }
    }
}

/// Trust weights the job pins: `[source.trust]` of each source that was read.
fn pinned_trust(plan: &Plan, names: &[String]) -> Vec<(usize, Field, f64)> {
    let mut pinned = Vec::new();
    for spec in &plan.sources {
        let Some(source) = names.iter().position(|n| *n == spec.name()) else {
            continue;
        };
        for (field, weight) in &spec.options.trust {
            if let Some(f) = Field::from_column(field) {
                pinned.push((source, f, *weight));
            }
        }
    }
    pinned
}

fn source_summary(t: &SourceTable) -> serde_json::Value {
    json!({
        "source": t.name,
        "read": t.rows_read,
        "kept": t.records.len(),
        "quarantined": t.quarantined.len(),
        "columns": t.columns.iter().map(|c| json!({"name": c.name, "field": c.field})).collect::<Vec<_>>(),
        "details": t.details,
    })
}

/// What ingest found: every quarantined row is a `malformed_row` error, every reader note a warning.
fn ingest_issues(tables: &[SourceTable]) -> Vec<Issue> {
    let mut issues = Vec::new();
    for t in tables {
        let source: Text = t.name.as_str().into();
        issues.extend(t.quarantined.iter().map(|q| Issue {
            source: source.clone(),
            key: q.key.as_str().into(),
            field: "*".into(),
            kind: "malformed_row".into(),
            severity: "error",
            value: q.raw.as_str().into(),
            message: eco_format!("{} ({})", q.reason, q.position),
        }));
        issues.extend(t.notes.iter().map(|n| Issue {
            source: source.clone(),
            key: n.key.as_str().into(),
            field: n.field.as_str().into(),
            kind: n.kind.as_str().into(),
            severity: "warning",
            value: Text::new(),
            message: n.message.as_str().into(),
        }));
    }
    issues
}

fn count_by_kind(issues: &[Issue]) -> serde_json::Map<String, serde_json::Value> {
    let mut counts = std::collections::BTreeMap::<&str, u64>::new();
    for i in issues {
        *counts.entry(&i.kind).or_default() += 1;
    }
    counts
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into()))
        .collect()
}

/// `read = kept + quarantined` for every source, and the crosswalk holds every one of those rows.
fn check_conservation(
    tables: &[SourceTable],
    crosswalk_rows: u64,
) -> Result<(), ConservationError> {
    for t in tables {
        let accounted = (t.records.len() + t.quarantined.len()) as u64;
        if t.rows_read != accounted {
            return Err(ConservationError(format!(
                "{}: {} rows read but {} kept + {} quarantined",
                t.name,
                t.rows_read,
                t.records.len(),
                t.quarantined.len()
            )));
        }
    }
    let read: u64 = tables.iter().map(|t| t.rows_read).sum();
    if read != crosswalk_rows {
        return Err(ConservationError(format!(
            "{read} rows read but {crosswalk_rows} rows in crosswalk.csv"
        )));
    }
    Ok(())
}
