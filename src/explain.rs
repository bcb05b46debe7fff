//! Explain: how a golden record was built, read back from a run's output folder.
//!
//! A steward asks "why were these records merged?" long after the run. Everything needed is in
//! the outputs: `crosswalk.csv` says which rows make up the golden record, `pairs.csv` holds the
//! pairs that joined them (with the weight each field contributed) and the joins the guards
//! refused. So explaining needs no re-run and gives the same answer as the run did.

use std::collections::HashSet;
use std::fmt::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};

fn rows(path: &Path) -> Result<(Vec<String>, Vec<Vec<String>>)> {
    let mut r =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let header: Vec<String> = r
        .headers()?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').to_string())
        .collect();
    let body = r
        .records()
        .map(|x| Ok(x?.iter().map(str::to_string).collect()))
        .collect::<Result<_>>()?;
    Ok((header, body))
}

/// The explanation of `golden_id` from the outputs in `out`, as text.
pub fn explain(out: &Path, golden_id: &str) -> Result<String> {
    let (_, crosswalk) = rows(&out.join("crosswalk.csv"))?;
    let members: Vec<(String, String)> = crosswalk
        .iter()
        .filter(|r| r.get(2).map(String::as_str) == Some(golden_id))
        .map(|r| (r[0].clone(), r[1].clone()))
        .collect();
    if members.is_empty() {
        bail!(
            "{golden_id} is not in {}",
            out.join("crosswalk.csv").display()
        );
    }
    let inside: HashSet<&(String, String)> = members.iter().collect();
    let mut text = String::new();
    writeln!(text, "{golden_id}: {} source records", members.len())?;
    for (s, k) in &members {
        writeln!(text, "  {s} {k}")?;
    }
    let (header, pairs) = rows(&out.join("pairs.csv"))?;
    let weights: Vec<(usize, &str)> = header
        .iter()
        .enumerate()
        .filter_map(|(i, h)| h.strip_prefix("w_").map(|n| (i, n)))
        .collect();
    let mut joined = String::new();
    let mut refused = String::new();
    let mut review = String::new();
    for p in &pairs {
        let (l, r) = ((p[0].clone(), p[1].clone()), (p[2].clone(), p[3].clone()));
        let (li, ri) = (inside.contains(&l), inside.contains(&r));
        if !li && !ri {
            continue;
        }
        let fields: Vec<String> = weights
            .iter()
            .filter(|(i, _)| !p[*i].is_empty())
            .map(|(i, n)| format!("{n} {}", p[*i]))
            .collect();
        let line = format!(
            "  {} {} — {} {}: weight {}, probability {} [{}]\n",
            l.0,
            l.1,
            r.0,
            r.1,
            p[4],
            p[5],
            fields.join(", ")
        );
        match p[6].as_str() {
            "match" if li && ri => joined.push_str(&line),
            d if d.starts_with("refused") => {
                refused.push_str(&format!("{} ({d})\n", line.trim_end()))
            }
            "review" => review.push_str(&line),
            _ => {}
        }
    }
    let none = "  (none)\n";
    write!(
        text,
        "joined by these pairs (strongest first):\n{}",
        if joined.is_empty() { none } else { &joined }
    )?;
    write!(
        text,
        "joins refused by a guard:\n{}",
        if refused.is_empty() { none } else { &refused }
    )?;
    write!(
        text,
        "pairs below the match threshold, for review:\n{}",
        if review.is_empty() { none } else { &review }
    )?;
    Ok(text)
}
