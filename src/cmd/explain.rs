//! `steward explain GOLDEN_ID [--out DIR]`
//!
//! Prints how a golden record was built by the run whose outputs are in DIR: its source records,
//! the pairs that joined them with each field's match weight, the joins a guard refused (two
//! different 身份证, a person and a company …), and nearby pairs left for review.

use std::path::PathBuf;
use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {
    /// A golden id from crosswalk.csv, e.g. G00000042.
    golden_id: String,
    /// The output folder of the run.
    #[arg(long, value_name = "DIR", default_value = "steward-out")]
    out: PathBuf,
}

pub fn main(args: Args) -> ExitCode {
    match steward::explain::explain(&args.out, &args.golden_id) {
        Ok(text) => {
            print!("{text}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}
