//! Prints the normalized records of the given source keys, and the comparison of every pair of
//! them: `cargo run --release --example inspect -- FOLDER KEY [KEY …]`.

use steward::compare::compare;
use steward::config;
use steward::ingest::read_source;
use steward::normalize::record::{normalize_table, Rules};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let plan = config::plan(std::path::Path::new(&args[0])).expect("plan");
    let keys = &args[1..];
    let mut picked = Vec::new();
    for (i, spec) in plan.sources.iter().enumerate() {
        let table = read_source(spec).expect("read");
        let n = normalize_table(i, &table, &Rules::default());
        for (raw, rec) in table.records.iter().zip(n.records) {
            if keys.contains(&raw.key) {
                println!("{} {} {:?}\n{:#?}", table.name, raw.key, raw.values, rec);
                picked.push(rec);
            }
        }
    }
    for (x, a) in picked.iter().enumerate() {
        for b in &picked[x + 1..] {
            println!("{} vs {}: {:?}", a.name(), b.name(), compare(a, b));
        }
    }
}
