//! `steward run PATH [--out DIR] [--state FILE] [--full] [--threads N] [--excel-csv] [--unmask]`
//!
//! PATH is a folder of exports (every supported file in it is a source) or a job file. Exit status:
//! 0 success; 1 the run finished but a quality gate failed; 2 bad input or usage (nothing usable
//! could be read); 3 an internal consistency check failed (a bug: please report it).

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{bail, Result};
use steward::config;
use steward::ingest::{SourceKind, SourceSpec};
use steward::pipeline::{self, ConservationError, RunOptions, RunOutcome};
use steward::store::Target;

#[derive(clap::Args)]
pub struct Args {
    /// A folder of exports, or a job file (job.toml).
    path: PathBuf,
    /// Where the output files go.
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// State store (a SQLite file, created when missing, or a postgres:// URL): stable golden ids
    /// across runs, incremental matching of new and changed rows, the steward's decisions.
    #[arg(long, value_name = "FILE")]
    state: Option<String>,
    /// With a state store: evaluate every record afresh (normalization, model, match scores,
    /// source trust, golden records) instead of taking the last run's work over; golden ids and
    /// decisions still come from the store.
    #[arg(long)]
    full: bool,
    /// Worker threads (default: all cores).
    #[arg(long, value_name = "N")]
    threads: Option<usize>,
    /// Write the CSV outputs with a UTF-8 BOM, so that Chinese Excel opens them correctly.
    #[arg(long)]
    excel_csv: bool,
    /// Show 身份证, phone numbers and e-mails unmasked in report.html and report.xlsx (masked by
    /// default; the CSV outputs always hold full values).
    #[arg(long)]
    unmask: bool,
}

/// Ends the process with `code` once a run is over, every output written and closed: the run's
/// tables are left to the system rather than freed row by row, and the allocator's clean-up at
/// exit (which hands its free pages back to the system one range at a time) is skipped.
fn end_now(outcome: RunOutcome, code: i32) -> ! {
    use std::io::Write;
    std::mem::forget(outcome);
    let _ = std::io::stdout().flush();
    let _ = std::io::stderr().flush();
    // SAFETY: `_exit` ends the process without running exit handlers; the outputs and the store
    // are closed, and standard output has been flushed.
    unsafe { libc::_exit(code) }
}

pub fn main(args: Args) -> ExitCode {
    match execute(args) {
        Ok(outcome) if outcome.usable() => {
            print_counts(&outcome);
            let failed: Vec<_> = outcome.failed_gates().collect();
            if failed.is_empty() {
                end_now(outcome, 0);
            }
            for g in &failed {
                eprintln!("gate failed: {}", g.describe());
            }
            eprintln!(
                "error: {} quality gate(s) failed; the outputs are complete, see {}",
                failed.len(),
                outcome.out.join("summary.json").display()
            );
            end_now(outcome, 1)
        }
        Ok(outcome) => {
            print_counts(&outcome);
            eprintln!(
                "error: no source could be read; see {}",
                outcome.out.join("summary.json").display()
            );
            ExitCode::from(2)
        }
        Err(e) if e.is::<ConservationError>() => {
            eprintln!("error: {e:#}\nThis is a bug in steward: the outputs are incomplete. Please report it with the input.");
            ExitCode::from(3)
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn execute(args: Args) -> Result<RunOutcome> {
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if threads == 0 {
        bail!("--threads must be at least 1");
    }
    let plan = config::plan(&args.path)?;
    crate::tune_allocator(plan.sources.iter().map(text_bytes).sum());
    // Every pool (rayon's, Polars') is bounded by --threads, so stages never oversubscribe cores.
    std::env::set_var("POLARS_MAX_THREADS", threads.to_string());
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()?;
    if plan.sources.is_empty() {
        bail!(
            "{} holds no supported export (.csv .tsv .txt .xlsx .xls .xlsb .ods .mdb .accdb .jsonl .json .parquet)",
            args.path.display()
        );
    }
    let out = args
        .out
        .or_else(|| plan.out.clone())
        .unwrap_or_else(|| PathBuf::from("steward-out"));
    let state = args.state.or_else(|| plan.state.clone());
    let options = RunOptions {
        out,
        excel_bom: args.excel_csv,
        threads,
        unmask: args.unmask,
        state: state.as_deref().map(Target::parse),
        full: args.full,
    };
    let outcome = pipeline::run(&args.path, plan, &options)?;
    for e in &outcome.failed {
        eprintln!("warning: source skipped: {e}");
    }
    Ok(outcome)
}

/// About how many bytes of text a source holds: its size, four times that for a compressed
/// workbook or Parquet file.
fn text_bytes(source: &SourceSpec) -> u64 {
    let size = std::fs::metadata(&source.path).map_or(0, |m| m.len());
    match SourceKind::from_path(&source.path) {
        Some(SourceKind::Excel | SourceKind::Parquet) => size * 4,
        _ => size,
    }
}

fn print_counts(outcome: &RunOutcome) {
    let width = outcome
        .tables
        .iter()
        .map(|t| t.name.chars().count())
        .max()
        .unwrap_or(0);
    for t in &outcome.tables {
        println!(
            "{:width$}  read {:>8} = kept {:>8} + quarantined {:>6}",
            t.name,
            t.rows_read,
            t.records.len(),
            t.quarantined.len(),
        );
    }
    for e in &outcome.failed {
        println!("{:width$}  NOT READ: {}", e.source_name, e.message);
    }
    let totals = &outcome.summary["totals"];
    println!(
        "{:width$}  read {:>8} = kept {:>8} + quarantined {:>6}   (every row accounted for)",
        "total", totals["read"], totals["kept"], totals["quarantined"],
    );
    for g in &outcome.gates {
        let verdict = if g.passed { "passed" } else { "FAILED" };
        println!("gate {verdict}  {}", g.describe());
    }
    println!("outputs in {}", outcome.out.display());
}
