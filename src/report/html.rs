//! `report.html`: one self-contained page (no script, no font, no CDN: it opens from a file, offline)
//! that shows how bad the data is and where — issues by kind and by source, cluster sizes, the
//! match-weight distribution, per-source quality and trust — and what a steward should act on:
//! why each large cluster was merged, and the review queue of borderline pairs.
//!
//! Charts are inline SVG drawn here: a page that must open from an e-mail attachment cannot load
//! a chart library, and four bar charts do not need one. Personal data is masked unless `--unmask`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::{Context, Result};

use super::{mask, RunView};
use crate::compare::COMPARISONS;
use crate::link::{ScoredPair, MATCH_PROBABILITY};
use crate::survive::Field;

/// How many clusters the "why merged" section explains, and how many review pairs it lists.
const CLUSTERS_SHOWN: usize = 40;
const REVIEW_SHOWN: usize = 200;

const STYLE: &str = "body{font-family:system-ui,'Noto Sans CJK SC','Microsoft YaHei',sans-serif;margin:24px;color:#222;max-width:1200px}
h1{margin-bottom:4px}h2{margin-top:32px;border-bottom:2px solid #ddd;padding-bottom:4px}
.cards{display:flex;gap:12px;flex-wrap:wrap}.card{background:#f4f6fa;border-radius:8px;padding:10px 16px;min-width:130px}
.card b{display:block;font-size:22px}.charts{display:flex;flex-wrap:wrap;gap:16px}
figure{margin:0;background:#fafafa;border:1px solid #e4e4e4;border-radius:6px;padding:8px}figcaption{font-weight:600;margin-bottom:4px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}th,td{border:1px solid #ddd;padding:3px 6px;text-align:left}
th{background:#eef1f6}td.n{text-align:right}.pos{color:#1a7f37}.neg{color:#b42318}details{margin:6px 0}
summary{cursor:pointer}.note{color:#666;font-size:13px}";

pub fn write(dir: &Path, view: &RunView) -> Result<()> {
    let mut h = String::with_capacity(1 << 20);
    h.push_str("<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>steward report</title>");
    let _ = write!(h, "<style>{STYLE}</style></head><body>");
    header(&mut h, view);
    gates(&mut h, view);
    charts(&mut h, view);
    quality(&mut h, view);
    history(&mut h, view);
    why_merged(&mut h, view);
    review(&mut h, view);
    h.push_str("</body></html>\n");
    let path = dir.join("report.html");
    std::io::Write::write_all(&mut super::create(&path)?, h.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// With a state store: what changed since the last run, and the steward's decisions.
fn history(h: &mut String, view: &RunView) {
    let state = &view.summary["state"];
    if let Some(run) = state["run"].as_i64() {
        let n = |group: &str, k: &str| state[group][k].as_u64().unwrap_or(0);
        let _ = write!(
            h,
            "<h2>Since the last run</h2><p class=\"note\">Run {run} on this state store ({}). diff.csv lists every change, id_map.csv every golden id merged, split, retired or issued.</p><table><tr><th></th><th>new</th><th>changed</th><th>deleted</th><th>kept</th><th>merged</th><th>split</th><th>retired</th><th>fixed</th></tr>",
            if state["incremental"] == true { "incremental: only new and changed rows were matched" } else { "every row matched afresh" },
        );
        let _ = write!(
            h,
            "<tr><td>records</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td></td><td></td><td></td><td></td></tr>",
            n("records", "new"), n("records", "changed"), n("records", "deleted"), n("records", "unchanged"),
        );
        let _ = write!(
            h,
            "<tr><td>golden records</td><td class=\"n\">{}</td><td></td><td></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td></td></tr>",
            n("golden", "new"), n("golden", "kept"), n("golden", "merged"), n("golden", "split"), n("golden", "retired"),
        );
        let _ = write!(
            h,
            "<tr><td>issues</td><td class=\"n\">{}</td><td></td><td></td><td></td><td></td><td></td><td></td><td class=\"n\">{}</td></tr></table>",
            n("issues", "new"), n("issues", "fixed"),
        );
    }
    let Some(decisions) = view.summary["decisions"]
        .as_array()
        .filter(|d| !d.is_empty())
    else {
        return;
    };
    h.push_str("<h2>Steward decisions</h2><p class=\"note\">Applied on every run until removed (<code>steward decide … remove N</code>); decisions.csv lists them too.</p><table><tr><th>from</th><th>decision</th><th>a</th><th>b</th><th>value</th><th>applied</th><th>note</th></tr>");
    for d in decisions {
        let t = |k: &str| esc(d[k].as_str().unwrap_or_default());
        let applied = if d["applied"] == true { "yes" } else { "no" };
        let value = d["value"].as_str().unwrap_or_default();
        let value = match Field::from_column(d["b"].as_str().unwrap_or_default()) {
            Some(field) if d["kind"] == "pin" => mask::shown(field, value, view.run.unmask),
            _ => value.to_string(),
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{applied}</td><td>{}</td></tr>",
            t("origin"), t("kind"), t("a"), t("b"), esc(&value), t("note"),
        );
    }
    h.push_str("</table>");
}

fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn header(h: &mut String, view: &RunView) {
    let totals = &view.summary["totals"];
    let _ = write!(
        h,
        "<h1>steward report</h1><p class=\"note\">input {} · steward {}{}</p><div class=\"cards\">",
        esc(view.summary["input"].as_str().unwrap_or("")),
        esc(view.summary["steward"].as_str().unwrap_or("")),
        if view.run.unmask {
            " · <b>personal data unmasked</b>"
        } else {
            " · 身份证, phones and e-mails masked (--unmask shows them)"
        }
    );
    let cards = [
        ("rows read", totals["read"].to_string()),
        ("quarantined", totals["quarantined"].to_string()),
        (
            "golden records",
            view.run.survivorship.golden.len().to_string(),
        ),
        ("issues", view.issues.len().to_string()),
        (
            "conflicts",
            view.run.survivorship.conflicts.len().to_string(),
        ),
        (
            "pairs to review",
            view.run.review_queue().count().to_string(),
        ),
    ];
    for (label, v) in cards {
        let _ = write!(h, "<div class=\"card\"><b>{}</b>{}</div>", esc(&v), label);
    }
    h.push_str("</div>");
}

/// The job's quality gates, failed ones first; nothing when the job sets none.
fn gates(h: &mut String, view: &RunView) {
    let Some(results) = view.summary["gates"]["results"].as_array() else {
        return;
    };
    if results.is_empty() {
        return;
    }
    h.push_str("<h2>Quality gates</h2><table><tr><th>gate</th><th>threshold</th><th>this run</th><th></th></tr>");
    let mut rows: Vec<&serde_json::Value> = results.iter().collect();
    rows.sort_by_key(|g| g["passed"].as_bool() == Some(true));
    for g in rows {
        let passed = g["passed"].as_bool() == Some(true);
        let value = g["value"]
            .as_f64()
            .map_or("source not read".to_string(), |v| format!("{v:.4}"));
        let _ = write!(
            h,
            "<tr><td>{}</td><td class=\"n\">{:.4}</td><td class=\"n\">{}</td><td class=\"{}\">{}</td></tr>",
            esc(g["gate"].as_str().unwrap_or("")),
            g["threshold"].as_f64().unwrap_or(f64::NAN),
            esc(&value),
            if passed { "pos" } else { "neg" },
            if passed { "passed" } else { "FAILED" },
        );
    }
    h.push_str("</table>");
}

fn charts(h: &mut String, view: &RunView) {
    h.push_str("<h2>Where the data is bad, and how records were joined</h2><div class=\"charts\">");
    let mut by_kind: BTreeMap<&str, f64> = BTreeMap::new();
    let mut by_source: BTreeMap<&str, f64> = BTreeMap::new();
    for i in view.issues {
        *by_kind.entry(&i.kind).or_default() += 1.0;
        *by_source.entry(&i.source).or_default() += 1.0;
    }
    let sorted = |m: BTreeMap<&str, f64>| {
        let mut v: Vec<(String, f64)> = m.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
        v.sort_by(|a, b| b.1.total_cmp(&a.1));
        v
    };
    h.push_str(&hbar("Issues by kind", &sorted(by_kind), "#d9822b"));
    h.push_str(&hbar("Issues by source", &sorted(by_source), "#c2410c"));
    let mut sizes: BTreeMap<usize, f64> = BTreeMap::new();
    for g in &view.run.survivorship.golden {
        *sizes.entry(g.members.len().min(8)).or_default() += 1.0;
    }
    let bins: Vec<(String, f64, &str)> = sizes
        .into_iter()
        .map(|(s, n)| {
            (
                if s == 8 { "8+".into() } else { s.to_string() },
                n,
                "#3b82f6",
            )
        })
        .collect();
    h.push_str(&vbar("Cluster sizes (records per golden record)", &bins));
    h.push_str(&vbar(
        "Match-weight distribution (blue: merged, orange: review)",
        &weight_bins(&view.run.linkage.scored),
    ));
    h.push_str("</div>");
}

/// Pairs per 2-bit weight bin, merged and review pairs apart.
fn weight_bins(pairs: &[ScoredPair]) -> Vec<(String, f64, &'static str)> {
    let mut bins: BTreeMap<(i64, bool), f64> = BTreeMap::new();
    for p in pairs {
        let bin = (p.weight / 2.0).floor().clamp(-10.0, 20.0) as i64 * 2;
        *bins
            .entry((bin, p.probability >= MATCH_PROBABILITY))
            .or_default() += 1.0;
    }
    bins.into_iter()
        .map(|((b, merged), n)| {
            (
                format!("{b}"),
                n,
                if merged { "#3b82f6" } else { "#f59e0b" },
            )
        })
        .collect()
}

/// A horizontal bar chart, one bar per label.
fn hbar(title: &str, data: &[(String, f64)], color: &str) -> String {
    let (w, label_w, row) = (520.0, 190.0, 18.0);
    let height = row * data.len().max(1) as f64 + 10.0;
    let max = data.iter().map(|d| d.1).fold(1.0, f64::max);
    let mut s = format!("<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{height}\" role=\"img\" aria-label=\"{}\">", esc(title), esc(title));
    for (i, (label, n)) in data.iter().enumerate() {
        let y = i as f64 * row + 4.0;
        let bw = (w - label_w - 60.0) * n / max;
        let _ = write!(s, "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{bw:.1}\" height=\"{}\" fill=\"{color}\"><title>{}: {n}</title></rect><text x=\"{:.1}\" y=\"{}\" font-size=\"11\">{n}</text>",
            label_w - 6.0, y + 12.0, esc(label), row - 4.0, esc(label), label_w + bw + 4.0, y + 12.0);
    }
    s.push_str("</svg></figure>");
    s
}

/// A vertical bar chart (histogram), one bar per bin, each with its own colour.
fn vbar(title: &str, bins: &[(String, f64, &str)]) -> String {
    let (w, h, bottom) = (520.0, 220.0, 30.0);
    let max = bins.iter().map(|b| b.1).fold(1.0, f64::max);
    let bw = (w - 50.0) / bins.len().max(1) as f64;
    let mut s = format!("<figure><figcaption>{}</figcaption><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\">", esc(title), esc(title));
    let _ = write!(s, "<line x1=\"40\" y1=\"{0}\" x2=\"{w}\" y2=\"{0}\" stroke=\"#999\"/><text x=\"36\" y=\"14\" font-size=\"10\" text-anchor=\"end\">{max}</text>", h - bottom);
    for (i, (label, n, color)) in bins.iter().enumerate() {
        // Square-root scale: singletons and the long tail fit on one chart.
        let bh = (h - bottom - 10.0) * (n / max).sqrt();
        let x = 44.0 + i as f64 * bw;
        let _ = write!(s, "<rect x=\"{x:.1}\" y=\"{:.1}\" width=\"{:.1}\" height=\"{bh:.1}\" fill=\"{color}\"><title>{}: {n}</title></rect><text x=\"{:.1}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">{}</text>",
            h - bottom - bh, (bw - 2.0).max(1.0), esc(label), x + bw / 2.0, h - bottom + 12.0, esc(label));
    }
    let _ = write!(s, "<text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\">(bar height: square root of the count)</text></svg></figure>", w / 2.0, h - 4.0);
    s
}

fn quality(h: &mut String, view: &RunView) {
    h.push_str("<h2>Per-source quality</h2><p class=\"note\">Quality score: share of the source's rows with no error. Trust: the vote weight survivorship learned per field from how often the source agrees with the other sources of the same customer (higher = more often current).</p><table><tr><th>source</th><th>rows</th><th>rows with errors</th><th>issues</th><th>quality score</th></tr>");
    for q in view.quality() {
        let _ = write!(h, "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{:.1}%</td></tr>",
            esc(&q.source), q.rows, q.rows_with_errors, q.issues, q.score * 100.0);
    }
    h.push_str("</table><table><tr><th>field</th>");
    let sources: Vec<&str> = view.run.tables.iter().map(|t| t.name.as_str()).collect();
    for s in &sources {
        let _ = write!(h, "<th>trust: {}</th>", esc(s));
    }
    h.push_str("</tr>");
    for f in Field::ALL {
        let stats: Vec<_> = view
            .run
            .survivorship
            .trust
            .stats
            .iter()
            .filter(|s| s.field == f.column())
            .collect();
        if stats.is_empty() {
            continue;
        }
        let _ = write!(h, "<tr><td>{}</td>", f.column());
        for s in &sources {
            match stats.iter().find(|t| t.source == *s) {
                Some(t) => {
                    let _ = write!(
                        h,
                        "<td class=\"n\" title=\"agreed {} of {}\">{:.2}{}</td>",
                        t.agreed,
                        t.compared,
                        t.weight,
                        if t.configured { " (job)" } else { "" }
                    );
                }
                None => h.push_str("<td></td>"),
            }
        }
        h.push_str("</tr>");
    }
    h.push_str("</table>");
}

/// A record in one line: source, key, name, masked mobile, address.
fn record_cells(view: &RunView, i: usize) -> String {
    let r = &view.run.records[i];
    let (s, k) = view.run.origin(i);
    let mobile = r
        .mobiles()
        .first()
        .or(r.contact_mobile())
        .map_or(String::new(), |m| {
            mask::shown(Field::Mobile, m, view.run.unmask)
        });
    let id = r.id_number().or(r.uscc()).map_or(String::new(), |v| {
        mask::shown(Field::IdNumber, v, view.run.unmask)
    });
    format!(
        "<td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}{}{}</td>",
        esc(s),
        esc(k),
        esc(r.name()),
        esc(&id),
        esc(&mobile),
        esc(r.shown_province()),
        esc(r.shown_city()),
        esc(r.address_display())
    )
}

fn weights_cells(p: &ScoredPair) -> String {
    let mut s = String::new();
    for w in p.field_weights.get() {
        match w {
            Some(x) => {
                let _ = write!(
                    s,
                    "<td class=\"n {}\">{x:.1}</td>",
                    if x >= 0.0 { "pos" } else { "neg" }
                );
            }
            None => s.push_str("<td></td>"),
        }
    }
    s
}

fn weights_header() -> String {
    COMPARISONS
        .iter()
        .map(|c| format!("<th>{}</th>", c.name))
        .collect()
}

fn why_merged(h: &mut String, view: &RunView) {
    let mut clusters: Vec<usize> = (0..view.run.survivorship.golden.len())
        .filter(|&g| view.run.survivorship.golden[g].members.len() > 1)
        .collect();
    let mut counts = vec![0usize; view.run.survivorship.golden.len()];
    for c in &view.run.survivorship.conflicts {
        counts[c.golden] += 1;
    }
    clusters.sort_by_key(|&g| {
        (
            std::cmp::Reverse(view.run.survivorship.golden[g].members.len()),
            std::cmp::Reverse(counts[g]),
            g,
        )
    });
    let shown = &clusters[..CLUSTERS_SHOWN.min(clusters.len())];
    // The accepted pairs within each cluster shown, in one pass over the pairs.
    let slot: std::collections::HashMap<usize, usize> =
        shown.iter().enumerate().map(|(n, &g)| (g, n)).collect();
    let mut joined: Vec<Vec<&ScoredPair>> = vec![Vec::new(); shown.len()];
    let cluster_of = &view.run.linkage.clustering.cluster_of;
    for p in view.run.linkage.scored.iter() {
        if p.probability < MATCH_PROBABILITY {
            continue;
        }
        let Some(&n) = slot.get(&(cluster_of[p.a as usize] as usize)) else {
            continue;
        };
        let members = &view.run.survivorship.golden[shown[n]].members;
        let in_cluster = |i: u32| members.binary_search(&(i as usize)).is_ok();
        if in_cluster(p.a) && in_cluster(p.b) {
            joined[n].push(p);
        }
    }
    let _ = write!(h, "<h2>Why merged</h2><p class=\"note\">The {} largest clusters: their records, the accepted pairs that joined them with the weight each field contributed (positive = evidence for one customer), and the golden values with their conflicts. pairs.csv explains every merge; conflicts.csv lists every competing value.</p>", CLUSTERS_SHOWN.min(clusters.len()));
    for (&g, joined) in shown.iter().zip(&joined) {
        let golden = &view.run.survivorship.golden[g];
        let _ = write!(h, "<details><summary><b>{}</b> {} — {} records, {} competing values</summary><table><tr><th>source</th><th>key</th><th>name</th><th>ID</th><th>mobile</th><th>address</th></tr>",
            esc(&golden.id), esc(golden.value(Field::Name)), golden.members.len(), counts[g]);
        for &i in &golden.members {
            let _ = write!(h, "<tr>{}</tr>", record_cells(view, i));
        }
        let _ = write!(
            h,
            "</table><table><tr><th>pair</th><th>weight</th>{}</tr>",
            weights_header()
        );
        for p in joined {
            let (sa, ka) = view.run.origin(p.a as usize);
            let (sb, kb) = view.run.origin(p.b as usize);
            let _ = write!(
                h,
                "<tr><td>{}:{} ↔ {}:{}</td><td class=\"n\">{:.1}</td>{}</tr>",
                esc(sa),
                esc(ka),
                esc(sb),
                esc(kb),
                p.weight,
                weights_cells(p)
            );
        }
        h.push_str("</table><table><tr><th>field</th><th>golden value</th><th>rule</th></tr>");
        for f in Field::ALL {
            let s = golden.get(f);
            if !s.value.is_empty() {
                let _ = write!(
                    h,
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    f.column(),
                    esc(&mask::shown(f, &s.value, view.run.unmask)),
                    esc(&s.rule)
                );
            }
        }
        h.push_str("</table></details>");
    }
}

fn review(h: &mut String, view: &RunView) {
    let total = view.run.review_queue().count();
    let _ = write!(h, "<h2>Review queue</h2><p class=\"note\">{total} borderline pairs (match probability below {MATCH_PROBABILITY}), most likely first; the first {} are shown here, all of them in report.xlsx. Decide whether each pair is one customer.</p>", REVIEW_SHOWN.min(total));
    let _ = write!(
        h,
        "<table><tr><th>probability</th><th>weight</th><th>left</th><th>right</th>{}</tr>",
        weights_header()
    );
    for p in view.run.review_queue().take(REVIEW_SHOWN) {
        let side = |i: u32| {
            let r = &view.run.records[i as usize];
            let (s, k) = view.run.origin(i as usize);
            format!(
                "{} <span class=\"note\">{}:{} ({})</span>",
                esc(r.name()),
                esc(s),
                esc(k),
                esc(view.run.golden_of(i))
            )
        };
        let _ = write!(
            h,
            "<tr><td class=\"n\">{:.3}</td><td class=\"n\">{:.1}</td><td>{}</td><td>{}</td>{}</tr>",
            p.probability,
            p.weight,
            side(p.a),
            side(p.b),
            weights_cells(p)
        );
    }
    h.push_str("</table>");
}
