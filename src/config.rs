//! The job file (`job.toml`): which sources to read and what to tell each reader.
//!
//! Everything is optional except the sources themselves; what a job leaves out is detected. Unknown
//! keys are an error that names them, so a typo never silently changes a run. Pointing steward at a
//! folder instead of a job is the zero-configuration case: every supported file is a source.
//!
//! ```toml
//! [[source]]
//! path = "erp_customers.csv"      # relative to the job file
//! key = "客户编码"                  # the source's own record key
//! encoding = "gbk"                 # else detected
//! delimiter = ","                  # else sniffed
//! header_row = 1                   # else found below title rows
//! [source.columns]                 # header → field overrides ("" keeps it unmapped)
//! "税号/证件号" = "id_or_uscc"
//! [source.trust]                   # survivorship vote weights per golden field, else learned
//! credit_limit = 3.0
//!
//! [[source]]
//! path = "access_customers.mdb"
//! tables = ["客户资料"]
//!
//! [gates]                          # quality thresholds: `steward run` exits 1 when one fails
//! max_error_rate = 0.05            # see `crate::gates` for all of them
//!
//! [state]                          # the state store, when the job keeps one (else --state FILE)
//! url = "postgres://steward@localhost/steward"   # or a SQLite file path
//! decisions = "decisions.csv"      # the steward's decisions: decision,a,b,value
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use serde::Deserialize;

use crate::gates::Gates;
use crate::ingest::{SourceKind, SourceOptions, SourceSpec};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Job {
    #[serde(rename = "source", default)]
    pub sources: Vec<SourceEntry>,
    /// Output folder, relative to the job file; `--out` overrides it.
    pub out: Option<PathBuf>,
    /// Quality thresholds: a run that crosses one exits with status 1.
    #[serde(default)]
    pub gates: Gates,
    pub state: Option<StateEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StateEntry {
    /// A PostgreSQL URL (`postgres://…`) or a SQLite file (relative to the job file).
    pub url: Option<String>,
    /// A CSV of decisions (`decision,a,b,value`), relative to the job file.
    pub decisions: Option<PathBuf>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceEntry {
    pub path: PathBuf,
    pub kind: Option<SourceKind>,
    pub encoding: Option<String>,
    pub delimiter: Option<String>,
    pub header_row: Option<usize>,
    pub key: Option<String>,
    #[serde(default)]
    pub tables: Vec<String>,
    #[serde(default)]
    pub sheets: Vec<String>,
    pub password: Option<String>,
    #[serde(default)]
    pub columns: BTreeMap<String, String>,
    /// Golden field → vote weight of this source (`credit_limit = 3.0`); unset fields are learned.
    #[serde(default)]
    pub trust: BTreeMap<String, f64>,
}

/// The sources a run reads, and anything it passed over.
pub struct Plan {
    pub sources: Vec<SourceSpec>,
    pub ignored: Vec<String>,
    pub out: Option<PathBuf>,
    pub gates: Gates,
    /// The job's state store (`--state` overrides it).
    pub state: Option<String>,
    /// The job's decisions file.
    pub decisions: Option<PathBuf>,
}

/// Read `path`: a folder of exports, or a job file.
pub fn plan(path: &Path) -> Result<Plan> {
    if path.is_dir() {
        let (sources, ignored) = crate::ingest::discover(path)
            .with_context(|| format!("cannot list the folder {}", path.display()))?;
        return Ok(Plan {
            sources,
            ignored,
            out: None,
            gates: Gates::default(),
            state: None,
            decisions: None,
        });
    }
    let text = std::fs::read_to_string(path).with_context(|| {
        format!(
            "cannot read the job file {} (give a folder of exports or a job.toml)",
            path.display()
        )
    })?;
    let job: Job = toml::from_str(&text)
        .with_context(|| format!("{} is not a valid job file", path.display()))?;
    let base = path.parent().unwrap_or(Path::new("."));
    job.gates
        .validate()
        .with_context(|| format!("in job file {}", path.display()))?;
    if job.sources.is_empty() {
        bail!(
            "{} names no sources: add at least one [[source]] with a path",
            path.display()
        );
    }
    let sources = job
        .sources
        .into_iter()
        .map(|s| s.into_spec(base))
        .collect::<Result<Vec<_>>>()
        .with_context(|| format!("in job file {}", path.display()))?;
    let state = job.state.unwrap_or(StateEntry {
        url: None,
        decisions: None,
    });
    Ok(Plan {
        sources,
        ignored: Vec::new(),
        out: job.out.map(|o| base.join(o)),
        gates: job.gates,
        state: state.url.map(|u| match crate::store::Target::parse(&u) {
            crate::store::Target::Sqlite(p) => base.join(p).display().to_string(),
            crate::store::Target::Postgres(url) => url,
        }),
        decisions: state.decisions.map(|d| base.join(d)),
    })
}

impl SourceEntry {
    fn into_spec(self, base: &Path) -> Result<SourceSpec> {
        let source = self.path.display().to_string();
        let delimiter = match self.delimiter.as_deref() {
            None => None,
            Some("\\t") | Some("tab") => Some('\t'),
            Some(d) if d.chars().count() == 1 => d.chars().next(),
            Some(d) => bail!("source {source}: delimiter must be one character, got `{d}`"),
        };
        let mut columns = BTreeMap::new();
        for (header, field) in self.columns {
            let mapped = if field.is_empty() {
                None
            } else {
                Some(field.parse().map_err(|e: String| {
                    anyhow::anyhow!("source {source}, column `{header}`: {e}")
                })?)
            };
            columns.insert(header, mapped);
        }
        for (field, weight) in &self.trust {
            if crate::survive::Field::from_column(field).is_none() {
                bail!("source {source}, [source.trust]: `{field}` is not a golden field (name, mobile, address, credit_limit, …)");
            }
            if !weight.is_finite() || *weight < 0.0 {
                bail!("source {source}, [source.trust]: the weight of `{field}` must be a number ≥ 0, got {weight}");
            }
        }
        Ok(SourceSpec {
            path: base.join(&self.path),
            options: SourceOptions {
                kind: self.kind,
                encoding: self.encoding,
                delimiter,
                header_row: self.header_row,
                key: self.key,
                tables: self.tables,
                sheets: self.sheets,
                password: self.password,
                columns,
                trust: self.trust,
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Plan> {
        let dir = tempfile::tempdir()?;
        let job = dir.path().join("job.toml");
        std::fs::write(&job, text)?;
        plan(&job)
    }

    #[test]
    fn job_with_overrides() {
        let p = parse(
            r#"
            out = "result"
            [[source]]
            path = "erp.csv"
            key = "客户编码"
            delimiter = "tab"
            [source.columns]
            "税号/证件号" = "id_or_uscc"
            "备用" = ""
            [source.trust]
            credit_limit = 3.0
            "#,
        )
        .unwrap();
        let s = &p.sources[0];
        assert_eq!(s.options.delimiter, Some('\t'));
        assert_eq!(
            s.options.columns["税号/证件号"],
            Some(crate::ingest::mapping::Field::IdOrUscc)
        );
        assert_eq!(s.options.columns["备用"], None);
        assert_eq!(s.options.trust["credit_limit"], 3.0);
        assert!(parse("[[source]]\npath = \"a.csv\"\n[source.trust]\ncredit = 1.0\n").is_err());
        assert!(p.out.unwrap().ends_with("result"));
    }

    #[test]
    fn unknown_keys_and_fields_are_named() {
        let err = parse("[[source]]\npath = \"a.csv\"\nencodng = \"gbk\"\n")
            .err()
            .unwrap();
        assert!(format!("{err:#}").contains("encodng"), "{err:#}");
        let err = parse("[[source]]\npath = \"a.csv\"\n[source.columns]\n\"x\" = \"phon\"\n")
            .err()
            .unwrap();
        assert!(format!("{err:#}").contains("phon"), "{err:#}");
        assert!(parse("out = \"x\"\n").is_err());
    }

    #[test]
    fn state_section() {
        let p = parse(
            "[[source]]\npath = \"a.csv\"\n[state]\nurl = \"postgres://u@h/db\"\ndecisions = \"d.csv\"\n",
        )
        .unwrap();
        assert_eq!(p.state.as_deref(), Some("postgres://u@h/db"));
        assert!(p.decisions.unwrap().ends_with("d.csv"));
        let p = parse("[[source]]\npath = \"a.csv\"\n[state]\nurl = \"s.db\"\n").unwrap();
        assert!(p.state.unwrap().ends_with("s.db"));
        assert!(parse("[[source]]\npath = \"a.csv\"\n[state]\nurll = \"x\"\n").is_err());
    }
}
