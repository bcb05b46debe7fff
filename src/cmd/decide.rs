//! `steward decide --state FILE must-link SOURCE:KEY SOURCE:KEY`
//! `steward decide --state FILE cannot-link SOURCE:KEY SOURCE:KEY`
//! `steward decide --state FILE pin GOLDEN_ID FIELD VALUE`
//! `steward decide --state FILE list` · `steward decide --state FILE remove N`
//!
//! Records a steward's decision in the state store; every later run with that store honours it
//! (must-link joins two records over the matcher and its guards, cannot-link keeps them apart
//! through any chain, pin fixes a golden field whatever the records say) and lists it in
//! decisions.csv and summary.json. SOURCE is the input file's name as in crosswalk.csv, KEY the
//! source_record_key.

use std::process::ExitCode;

use anyhow::{bail, Result};
use steward::state;
use steward::store::{Store, Target};

#[derive(clap::Args)]
pub struct Args {
    /// The state store: a SQLite file or a postgres:// URL (as given to `steward run --state`).
    #[arg(long, value_name = "FILE")]
    state: String,
    /// must-link, cannot-link, pin, list or remove.
    decision: String,
    /// The decision's operands: two SOURCE:KEY records; GOLDEN_ID FIELD VALUE; or a number.
    operands: Vec<String>,
}

pub fn main(args: Args) -> ExitCode {
    match execute(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn execute(args: Args) -> Result<()> {
    let target = Target::parse(&args.state);
    let ops = &args.operands;
    match (args.decision.as_str(), ops.len()) {
        ("list", 0) => {
            let mut store = Store::open(&target)?;
            println!("number\tdecision\ta\tb\tvalue\tmade");
            for d in store.decisions()? {
                println!(
                    "{}\t{}\t{}\t{}\t{}\t{}",
                    d.number, d.kind, d.a, d.b, d.value, d.made
                );
            }
        }
        ("remove", 1) => {
            let Ok(n) = ops[0].parse::<i64>() else {
                bail!("remove: give the decision's number (see `steward decide list`)");
            };
            if !Store::open(&target)?.remove_decision(n)? {
                bail!("there is no decision number {n} (see `steward decide list`)");
            }
            println!("decision {n} removed");
        }
        (kind @ ("must-link" | "cannot-link"), 2) | (kind @ "pin", 3) => {
            let value = ops.get(2).map_or("", String::as_str);
            state::check(kind, &ops[0], &ops[1])?;
            let n = Store::open(&target)?.add_decision(kind, &ops[0], &ops[1], value)?;
            println!("decision {n} stored: {kind} {}; the next run applies it", ops.join(" "));
        }
        (other, n) => bail!(
            "`{other}` with {n} operand(s): use must-link SOURCE:KEY SOURCE:KEY, cannot-link SOURCE:KEY SOURCE:KEY, pin GOLDEN_ID FIELD VALUE, list, or remove N"
        ),
    }
    Ok(())
}
