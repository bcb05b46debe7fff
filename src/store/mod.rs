//! Store: the state kept across runs — golden ids and their history, every record's content hash
//! and normalized form, the trained model and the scored pairs, the learned source trust and each
//! golden record as survivorship made it, the issues of the last run and the steward's decisions.
//!
//! Two back ends hold the same schema: an embedded SQLite file (`--state FILE`, the default) and a
//! PostgreSQL database (`[state] url = "postgres://…"` in the job). Both speak the same portable SQL
//! through [`Db`]; only opening, locking and value conversion differ.
//!
//! A run opens one transaction when it starts (which also keeps a second run on the same store
//! waiting) and commits it only after every output file is written: a run killed at any point
//! leaves the store exactly as it was, and re-running it gives what an uninterrupted run gives.

mod ids;
mod postgres;
mod sqlite;

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use foldhash::fast::FixedState;

use crate::record::Text;

pub use ids::{assign_ids, format_id, IdChange, IdChangeKind, Ids};

/// Where the state lives.
#[derive(Debug, Clone, PartialEq)]
pub enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

impl Target {
    /// A PostgreSQL URL (`postgres://` or `postgresql://`), else a SQLite file path.
    pub fn parse(text: &str) -> Target {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Target::Postgres(text.to_string())
        } else {
            Target::Sqlite(PathBuf::from(text))
        }
    }

    /// How the target is named in messages and summary.json (a URL without its password).
    pub fn display(&self) -> String {
        match self {
            Target::Sqlite(p) => p.display().to_string(),
            Target::Postgres(url) => postgres::without_password(url),
        }
    }
}

/// A value bound to or read from a statement.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Text(String),
    Int(i64),
    Real(f64),
    Bytes(Vec<u8>),
}

impl Val {
    pub fn text(&self) -> &str {
        match self {
            Val::Text(t) => t,
            _ => "",
        }
    }

    pub fn int(&self) -> i64 {
        match self {
            Val::Int(i) => *i,
            _ => 0,
        }
    }

    pub fn real(&self) -> f64 {
        match self {
            Val::Real(r) => *r,
            _ => 0.0,
        }
    }

    pub fn into_text(self) -> String {
        match self {
            Val::Text(t) => t,
            _ => String::new(),
        }
    }

    pub fn into_bytes(self) -> Vec<u8> {
        match self {
            Val::Bytes(b) => b,
            _ => Vec::new(),
        }
    }
}

impl From<&str> for Val {
    fn from(s: &str) -> Val {
        Val::Text(s.to_string())
    }
}

impl From<String> for Val {
    fn from(s: String) -> Val {
        Val::Text(s)
    }
}

impl From<i64> for Val {
    fn from(i: i64) -> Val {
        Val::Int(i)
    }
}

impl From<f64> for Val {
    fn from(r: f64) -> Val {
        Val::Real(r)
    }
}

impl From<Vec<u8>> for Val {
    fn from(b: Vec<u8>) -> Val {
        Val::Bytes(b)
    }
}

/// The type of a column read back.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    Text,
    Int,
    Real,
    Bytes,
}

/// What a back end does: run portable SQL (`$1`-style parameters) and own the transaction.
pub trait Db: Send {
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<()>;
    /// Run a query and hand each row to `each`, its cells borrowed: the store's large tables are
    /// read without copying their text.
    fn query_each(
        &mut self,
        sql: &str,
        params: &[Val],
        each: &mut dyn FnMut(&dyn Cells) -> Result<()>,
    ) -> Result<()>;
    /// Run a query and collect its rows, each cell in the given kind.
    fn query(&mut self, sql: &str, params: &[Val], kinds: &[Kind]) -> Result<Vec<Vec<Val>>> {
        let mut rows = Vec::new();
        self.query_each(sql, params, &mut |cells| {
            rows.push(read_row(cells, kinds)?);
            Ok(())
        })?;
        Ok(rows)
    }
    /// Run `statement(placeholders)` over `rows` of `columns` values each: by default as many
    /// rows a statement as the parameters allow.
    fn execute_rows(
        &mut self,
        columns: usize,
        rows: Vec<Vec<Val>>,
        statement: &dyn Fn(&str) -> String,
    ) -> Result<()> {
        let per = (PARAMS_PER_STATEMENT / columns).max(1);
        let mut rows = rows.into_iter();
        loop {
            let params: Vec<Val> = rows.by_ref().take(per).flatten().collect();
            if params.is_empty() {
                return Ok(());
            }
            let sql = statement(&placeholders(params.len() / columns, columns));
            self.execute(&sql, &params)?;
        }
    }
    /// Start the run's transaction, waiting for any other run on the same store to finish.
    fn begin(&mut self) -> Result<()>;
    /// Write what the transaction holds so far to where the commit will find it, nothing of it
    /// visible yet, so that the commit has little left to do.
    fn write_ahead(&mut self) -> Result<()> {
        Ok(())
    }
    fn commit(&mut self) -> Result<()>;
}

/// The layout of the tables, numbered: a store of an earlier layout is brought to this one when it
/// is opened (see [`Store::migrate`]).
const FORMAT: &str = "3";

const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS runs (run BIGINT PRIMARY KEY, finished TEXT NOT NULL, input TEXT NOT NULL, summary TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS records (source TEXT NOT NULL, key TEXT NOT NULL, hash TEXT NOT NULL, golden_id TEXT NOT NULL, data BYTEA NOT NULL, run BIGINT NOT NULL, id BIGINT NOT NULL, PRIMARY KEY (source, key))",
    "CREATE TABLE IF NOT EXISTS golden (golden_id TEXT PRIMARY KEY, status TEXT NOT NULL, successor TEXT NOT NULL, issued_run BIGINT NOT NULL, changed_run BIGINT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS scored_pairs (left_id BIGINT NOT NULL, right_id BIGINT NOT NULL, weight DOUBLE PRECISION NOT NULL, probability DOUBLE PRECISION NOT NULL, field_weights BYTEA NOT NULL, PRIMARY KEY (left_id, right_id))",
    "CREATE INDEX IF NOT EXISTS scored_pairs_right ON scored_pairs (right_id)",
    "CREATE TABLE IF NOT EXISTS issues (source TEXT NOT NULL, key TEXT NOT NULL, field TEXT NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL, PRIMARY KEY (source, key, field, kind))",
    "CREATE TABLE IF NOT EXISTS survivorship (golden_id TEXT PRIMARY KEY, members TEXT NOT NULL, data BYTEA NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sources (name TEXT PRIMARY KEY, digest TEXT NOT NULL, data BYTEA NOT NULL)",
    "CREATE TABLE IF NOT EXISTS decisions (decision BIGINT PRIMARY KEY, kind TEXT NOT NULL, a TEXT NOT NULL, b TEXT NOT NULL, value TEXT NOT NULL, made TEXT NOT NULL)",
];

/// A record as the store knows it: `(source, key)` is its identity across runs.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    /// The record's number in the store: given when it is first stored, kept while its source
    /// and key are (pairs name their records by it).
    pub id: i64,
    pub source: Text,
    pub key: Text,
    /// The row's content hash ([`row_hash`]); None when the stored text is not one.
    pub hash: Option<u128>,
    pub golden_id: Text,
    /// The normalized record and the issues normalization found, in binary (`state::encode`).
    pub data: Vec<u8>,
}

/// A golden id's history: `active`, or `retired` with the id that took over its records.
#[derive(Debug, Clone, PartialEq)]
pub struct GoldenState {
    pub id: String,
    pub active: bool,
    pub successor: String,
}

/// A scored pair between two stored records, by their numbers ([`StoredRecord::id`]).
#[derive(Debug, Clone, PartialEq)]
pub struct StoredPair {
    pub left: i64,
    pub right: i64,
    pub weight: f64,
    pub probability: f64,
    /// `link::FieldWeights` in postcard.
    pub field_weights: Vec<u8>,
}

/// A stored scored pair as a run reads it back: its records as positions in the snapshot's
/// records (`None` for a record the store no longer has).
#[derive(Debug, Clone, PartialEq)]
pub struct PriorPair {
    pub left: Option<u32>,
    pub right: Option<u32>,
    pub weight: f64,
    pub probability: f64,
    /// `link::FieldWeights` in postcard.
    pub field_weights: Vec<u8>,
}

/// A golden record as survivorship made it (before the steward's pins), with its conflicts: taken
/// over by a run in which its cluster holds the very same records.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredSurvival {
    pub golden_id: String,
    /// The digest of the cluster's records (see `state::member_digests`).
    pub members: String,
    /// The survivorship's stored form (`survive::stored`).
    pub data: Vec<u8>,
}

/// `(source, key, field, kind)` of an issue, with its severity.
pub type IssueKey = (String, String, String, String);

/// A steward's decision, as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredDecision {
    pub number: i64,
    pub kind: String,
    pub a: String,
    pub b: String,
    pub value: String,
    pub made: String,
}

/// Everything the store held when the run began.
#[derive(Debug, Default)]
pub struct Snapshot {
    pub runs: i64,
    /// The steward version that wrote the records (normalized forms of another version are not
    /// reused).
    pub version: String,
    pub next_id: u64,
    /// The number the next record new to the store gets ([`StoredRecord::id`]).
    pub next_record: i64,
    pub model: Option<String>,
    /// The source trust the last full run learned, as JSON (`state::FrozenTrust`).
    pub trust: Option<String>,
    /// libphonenumber's verdicts on number prefixes, as JSON (`normalize::phone::verdicts`).
    pub phone_verdicts: Option<String>,
    /// In the order the back end returned them (see [`Snapshot::find`]).
    pub records: Vec<StoredRecord>,
    /// [`record_hash`] → position in `records`.
    index: HashMap<u64, u32, BuildHasherDefault<Spread>>,
    /// [`StoredRecord::id`] → position in `records`.
    by_id: HashMap<i64, u32, BuildHasherDefault<Spread>>,
    pub golden: HashMap<String, GoldenState, FixedState>,
    pub pairs: Vec<PriorPair>,
    /// Empty until the run puts [`Store::load_later`]'s here.
    pub issues: HashMap<IssueKey, String>,
    pub decisions: Vec<StoredDecision>,
    /// By golden id; empty until the run puts [`Store::load_later`]'s here.
    pub survived: HashMap<String, StoredSurvival>,
}

/// The part of the store a run reads after the rest (see [`Store::load_later`]).
#[derive(Debug, Default)]
pub struct Later {
    pub issues: HashMap<IssueKey, String>,
    /// By golden id.
    pub survived: HashMap<String, StoredSurvival>,
}

impl Snapshot {
    /// The position in `records` of the stored record of `source` and `key`.
    pub fn find(&self, source: &str, key: &str) -> Option<usize> {
        let at = *self.index.get(&record_hash(source, key))? as usize;
        let r = &self.records[at];
        if r.source == source && r.key == key {
            return Some(at);
        }
        // Two names with one hash (a chance of one in billions): the index holds one of them.
        self.records
            .iter()
            .position(|r| r.source == source && r.key == key)
    }

    /// Index the records (see [`Snapshot::find`]), in the order the back end returned them:
    /// whoever needs them in another order sorts what it takes of them.
    fn index_records(&mut self) {
        self.index = self
            .records
            .iter()
            .enumerate()
            .map(|(i, r)| (record_hash(&r.source, &r.key), i as u32))
            .collect();
        self.by_id = self
            .records
            .iter()
            .enumerate()
            .map(|(i, r)| (r.id, i as u32))
            .collect();
    }
}

/// A 64-bit hash of a record's source and key (FNV-1a, then mixed): only ever an index, checked
/// against the record it points to.
fn record_hash(source: &str, key: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in source.bytes().chain([0xff]).chain(key.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h ^= h >> 33;
    h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 33)
}

/// A hasher for keys that are hashes already.
#[derive(Default)]
struct Spread(u64);

impl Hasher for Spread {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// What one run writes, all in its one transaction.
#[derive(Debug, Default)]
pub struct Change {
    pub run: i64,
    pub finished: String,
    pub input: String,
    pub summary: String,
    pub meta: Vec<(&'static str, String)>,
    pub records_upsert: Vec<StoredRecord>,
    pub records_delete: Vec<(String, String)>,
    pub golden_upsert: Vec<GoldenState>,
    /// Drop every stored pair first (a run that scored all pairs afresh).
    pub pairs_replace: bool,
    /// Records whose stored pairs are dropped (changed or deleted records), by number.
    pub pairs_drop: Vec<i64>,
    pub pairs_insert: Vec<StoredPair>,
    pub issues_insert: Vec<(IssueKey, String)>,
    pub issues_delete: Vec<IssueKey>,
    /// Golden records survivorship made in this run, and the golden ids whose stored one goes.
    pub survived_upsert: Vec<StoredSurvival>,
    pub survived_delete: Vec<String>,
    /// Sources read from their files in this run: `(name, digest, table)` (`ingest::cache`).
    pub sources_upsert: Vec<(String, String, Vec<u8>)>,
    /// Stored sources this run no longer has.
    pub sources_delete: Vec<String>,
}

/// An open store, inside the transaction of the current run.
pub struct Store {
    db: Box<dyn Db>,
    pub target: Target,
}

impl Store {
    /// Open (creating when needed) the store and begin the run's transaction.
    pub fn open(target: &Target) -> Result<Store> {
        let mut db: Box<dyn Db> = match target {
            Target::Sqlite(path) => Box::new(sqlite::Sqlite::open(path)?),
            Target::Postgres(url) => Box::new(postgres::Postgres::connect(url)?),
        };
        let setup = |db: &mut dyn Db| -> Result<()> {
            for statement in SCHEMA {
                db.execute(statement, &[])?;
            }
            Ok(())
        };
        setup(db.as_mut())
            .with_context(|| format!("cannot set up the state store {}", target.display()))?;
        db.begin()?;
        let mut store = Store {
            db,
            target: target.clone(),
        };
        store.migrate(setup).with_context(|| {
            format!(
                "cannot bring the state store {} up to date",
                target.display()
            )
        })?;
        Ok(store)
    }

    /// Brings a store of an earlier layout to [`FORMAT`], inside the run's transaction. The ids,
    /// their history, the content hashes, issues and decisions are always kept; the records get
    /// their numbers. Format 1 held normalized records and pair weights as JSON text: those and
    /// the model are dropped, so the run evaluates every record afresh (as after a version change)
    /// and stores them anew. Format 2 named a pair's records by source and key: its pairs are
    /// kept, named by the records' numbers, and the next run goes on incrementally.
    fn migrate(&mut self, setup: impl Fn(&mut dyn Db) -> Result<()>) -> Result<()> {
        let format = self.db.query(
            "SELECT value FROM meta WHERE name = 'format'",
            &[],
            &[Kind::Text],
        )?;
        let from = format.first().map(|row| row[0].text().to_string());
        if from.as_deref() == Some(FORMAT) {
            return Ok(());
        }
        // A store without a format number is of format 1, or new (its tables are empty).
        let binary = from.as_deref() == Some("2");
        let db = self.db.as_mut();
        db.execute("ALTER TABLE records RENAME TO records_before", &[])?;
        setup(db)?;
        // Numbered in the order of source and key; format 1's normalized forms are not kept.
        let (data, params): (&str, Vec<Val>) = match binary {
            true => ("data", Vec::new()),
            false => ("$1", vec![Vec::new().into()]),
        };
        db.execute(
            &format!("INSERT INTO records (source, key, hash, golden_id, data, run, id) SELECT source, key, hash, golden_id, {data}, run, ROW_NUMBER() OVER (ORDER BY source, key) FROM records_before"),
            &params,
        )?;
        if binary {
            db.execute(
                "INSERT INTO scored_pairs (left_id, right_id, weight, probability, field_weights) SELECT l.id, r.id, p.weight, p.probability, p.field_weights FROM pairs p JOIN records l ON l.source = p.left_source AND l.key = p.left_key JOIN records r ON r.source = p.right_source AND r.key = p.right_key",
                &[],
            )?;
        } else {
            db.execute("DELETE FROM meta WHERE name = 'model'", &[])?;
        }
        db.execute("DROP TABLE records_before", &[])?;
        db.execute("DROP TABLE IF EXISTS pairs", &[])?;
        let records = db.query("SELECT COUNT(*) FROM records", &[], &[Kind::Int])?;
        let next = records.first().map_or(0, |row| row[0].int()) + 1;
        for (name, value) in [("next_record", next.to_string()), ("format", FORMAT.into())] {
            db.execute(
                "INSERT INTO meta (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                &[name.into(), value.into()],
            )?;
        }
        Ok(())
    }

    pub fn load(&mut self) -> Result<Snapshot> {
        let mut snap = Snapshot::default();
        let meta = self.rows("SELECT name, value FROM meta", &[Kind::Text, Kind::Text])?;
        for row in meta {
            match row[0].text() {
                "version" => snap.version = row[1].text().to_string(),
                "next_id" => snap.next_id = row[1].text().parse().unwrap_or(1),
                "next_record" => snap.next_record = row[1].text().parse().unwrap_or(1),
                "model" => snap.model = Some(row[1].text().to_string()),
                "trust" => snap.trust = Some(row[1].text().to_string()),
                "phone_verdicts" => snap.phone_verdicts = Some(row[1].text().to_string()),
                _ => {}
            }
        }
        snap.next_id = snap.next_id.max(1);
        snap.next_record = snap.next_record.max(1);
        snap.runs = self.rows("SELECT COUNT(*) FROM runs", &[Kind::Int])?[0][0].int();
        // Each row made straight into its record (the store's largest table, read whole, into a
        // list sized once): a source's name is shared by its records, keys and ids are short
        // enough to be held inline, the hash is a number.
        let mut records = Vec::with_capacity(self.count("records")?);
        let mut source = Text::new();
        self.each(
            "SELECT source, key, hash, golden_id, data, id FROM records",
            &mut |c| {
                let name = c.str(0)?.unwrap_or_default();
                if source != name {
                    source = name.into();
                }
                records.push(StoredRecord {
                    source: source.clone(),
                    key: c.str(1)?.unwrap_or_default().into(),
                    hash: c.str(2)?.and_then(parse_hex128),
                    golden_id: c.str(3)?.unwrap_or_default().into(),
                    data: c.bytes(4)?.unwrap_or_default(),
                    id: c.int(5)?.unwrap_or_default(),
                });
                Ok(())
            },
        )?;
        snap.records = records;
        snap.index_records();
        // Into a map sized once, for all its rows.
        let mut golden =
            HashMap::with_capacity_and_hasher(self.count("golden")?, FixedState::default());
        self.each(
            "SELECT golden_id, status, successor FROM golden",
            &mut |c| {
                let id = c.str(0)?.unwrap_or_default();
                let g = GoldenState {
                    id: id.to_string(),
                    active: c.str(1)? == Some("active"),
                    successor: c.str(2)?.unwrap_or_default().to_string(),
                };
                golden.insert(id.to_string(), g);
                Ok(())
            },
        )?;
        snap.golden = golden;
        // Pairs name their records by number: resolved here.
        let mut pairs = Vec::with_capacity(self.count("scored_pairs")?);
        let by_id = &snap.by_id;
        self.each(
            "SELECT left_id, right_id, weight, probability, field_weights FROM scored_pairs",
            &mut |c| {
                let at = |i: usize| -> Result<Option<u32>> {
                    Ok(c.int(i)?.and_then(|id| by_id.get(&id).copied()))
                };
                pairs.push(PriorPair {
                    left: at(0)?,
                    right: at(1)?,
                    weight: c.real(2)?.unwrap_or_default(),
                    probability: c.real(3)?.unwrap_or_default(),
                    field_weights: c.bytes(4)?.unwrap_or_default(),
                });
                Ok(())
            },
        )?;
        snap.pairs = pairs;
        snap.decisions = self.decisions()?;
        Ok(snap)
    }

    /// What a run needs of the store only once it has linked: the last run's issues and golden
    /// records (see [`Snapshot::issues`]), read while the run links.
    pub fn load_later(&mut self) -> Result<Later> {
        // Each row made straight into its entry, into maps sized once from the counts.
        let mut issues = HashMap::with_capacity(self.count("issues")?);
        self.each(
            "SELECT source, key, field, kind, severity FROM issues",
            &mut |c| {
                let text = |i: usize| -> Result<String> { Ok(c.text(i)?.unwrap_or_default()) };
                issues.insert((text(0)?, text(1)?, text(2)?, text(3)?), text(4)?);
                Ok(())
            },
        )?;
        let mut survived = HashMap::with_capacity(self.count("survivorship")?);
        self.each(
            "SELECT golden_id, members, data FROM survivorship",
            &mut |c| {
                let s = StoredSurvival {
                    golden_id: c.text(0)?.unwrap_or_default(),
                    members: c.text(1)?.unwrap_or_default(),
                    data: c.bytes(2)?.unwrap_or_default(),
                };
                survived.insert(s.golden_id.clone(), s);
                Ok(())
            },
        )?;
        Ok(Later { issues, survived })
    }

    /// The digest of every stored source table, by source name (see `ingest::cache`).
    pub fn source_digests(&mut self) -> Result<HashMap<String, String>> {
        Ok(self
            .rows(
                "SELECT name, digest FROM sources",
                &[Kind::Text, Kind::Text],
            )?
            .into_iter()
            .map(|row| {
                let [name, digest] = texts(row);
                (name, digest)
            })
            .collect())
    }

    /// The stored table of a source, in binary, when there is one.
    pub fn source_table(&mut self, name: &str) -> Result<Option<Vec<u8>>> {
        let rows = self
            .db
            .query(
                "SELECT data FROM sources WHERE name = $1",
                &[name.into()],
                &[Kind::Bytes],
            )
            .with_context(|| format!("cannot read the state store {}", self.target.display()))?;
        Ok(rows
            .into_iter()
            .next()
            .and_then(|mut row| row.pop())
            .map(Val::into_bytes))
    }

    pub fn decisions(&mut self) -> Result<Vec<StoredDecision>> {
        let kinds = [
            Kind::Int,
            Kind::Text,
            Kind::Text,
            Kind::Text,
            Kind::Text,
            Kind::Text,
        ];
        Ok(self
            .rows(
                "SELECT decision, kind, a, b, value, made FROM decisions ORDER BY decision",
                &kinds,
            )?
            .into_iter()
            .map(|row| StoredDecision {
                number: row[0].int(),
                kind: row[1].text().into(),
                a: row[2].text().into(),
                b: row[3].text().into(),
                value: row[4].text().into(),
                made: row[5].text().into(),
            })
            .collect())
    }

    /// Record a decision (numbered after the last one) and commit.
    pub fn add_decision(&mut self, kind: &str, a: &str, b: &str, value: &str) -> Result<i64> {
        let last = self.rows("SELECT MAX(decision) FROM decisions", &[Kind::Int])?;
        let number = last.first().map_or(0, |r| r[0].int()) + 1;
        let made = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string();
        self.db.execute(
            "INSERT INTO decisions (decision, kind, a, b, value, made) VALUES ($1, $2, $3, $4, $5, $6)",
            &[number.into(), kind.into(), a.into(), b.into(), value.into(), made.into()],
        )?;
        self.db.commit()?;
        Ok(number)
    }

    /// Remove a decision by its number and commit; false when there was none.
    pub fn remove_decision(&mut self, number: i64) -> Result<bool> {
        let n = self.db.query(
            "SELECT COUNT(*) FROM decisions WHERE decision = $1",
            &[number.into()],
            &[Kind::Int],
        )?[0][0]
            .int();
        if n == 0 {
            return Ok(false);
        }
        self.db.execute(
            "DELETE FROM decisions WHERE decision = $1",
            &[number.into()],
        )?;
        self.db.commit()?;
        Ok(true)
    }

    /// Each row of a query without parameters, handed to `each` as it is read.
    /// The number of rows of `table`.
    fn count(&mut self, table: &str) -> Result<usize> {
        let rows = self.rows(&format!("SELECT COUNT(*) FROM {table}"), &[Kind::Int])?;
        Ok(rows.first().map_or(0, |r| r[0].int()).max(0) as usize)
    }

    fn each(&mut self, sql: &str, each: &mut dyn FnMut(&dyn Cells) -> Result<()>) -> Result<()> {
        self.db
            .query_each(sql, &[], each)
            .with_context(|| format!("cannot read the state store {}", self.target.display()))
    }

    fn rows(&mut self, sql: &str, kinds: &[Kind]) -> Result<Vec<Vec<Val>>> {
        self.db
            .query(sql, &[], kinds)
            .with_context(|| format!("cannot read the state store {}", self.target.display()))
    }

    /// Write the run's changes inside its transaction; nothing of them shows until [`Store::commit`].
    pub fn stage(&mut self, change: &Change) -> Result<()> {
        self.write(change)
            .and_then(|()| self.db.write_ahead())
            .with_context(|| format!("cannot write the state store {}", self.target.display()))
    }

    /// Commit the run's transaction, its changes staged: the one moment the store changes.
    pub fn commit(mut self, run: i64) -> Result<()> {
        if let Some(ms) = std::env::var("STEWARD_HOLD_BEFORE_COMMIT_MS")
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        {
            // A pause with the run's writes made but not committed, so that tests can kill the
            // process exactly there and check that nothing of the run remains.
            eprintln!("state: run {run} written, not committed");
            std::thread::sleep(std::time::Duration::from_millis(ms));
        }
        self.db.commit()
    }

    fn write(&mut self, c: &Change) -> Result<()> {
        let db = self.db.as_mut();
        let mut meta: Vec<Vec<Val>> = c
            .meta
            .iter()
            .map(|(k, v)| vec![(*k).into(), v.clone().into()])
            .collect();
        meta.sort_by(|a, b| a[0].text().cmp(b[0].text()));
        insert(
            db,
            "meta",
            &["name", "value"],
            meta,
            "ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        )?;
        delete_keys(db, "records", &["source", "key"], &c.records_delete)?;
        let records = c
            .records_upsert
            .iter()
            .map(|r| {
                vec![
                    r.source.to_string().into(),
                    r.key.to_string().into(),
                    r.hash.map(hex128).unwrap_or_default().into(),
                    r.golden_id.to_string().into(),
                    r.data.clone().into(),
                    c.run.into(),
                    r.id.into(),
                ]
            })
            .collect();
        insert(
            db,
            "records",
            &["source", "key", "hash", "golden_id", "data", "run", "id"],
            records,
            "ON CONFLICT (source, key) DO UPDATE SET hash = excluded.hash, golden_id = excluded.golden_id, data = excluded.data, run = excluded.run",
        )?;
        let golden = c
            .golden_upsert
            .iter()
            .map(|g| {
                vec![
                    g.id.clone().into(),
                    (if g.active { "active" } else { "retired" }).into(),
                    g.successor.clone().into(),
                    c.run.into(),
                    c.run.into(),
                ]
            })
            .collect();
        insert(
            db,
            "golden",
            &["golden_id", "status", "successor", "issued_run", "changed_run"],
            golden,
            "ON CONFLICT (golden_id) DO UPDATE SET status = excluded.status, successor = excluded.successor, changed_run = excluded.changed_run",
        )?;
        if c.pairs_replace {
            db.execute("DELETE FROM scored_pairs", &[])?;
        }
        for side in ["left_id", "right_id"] {
            let dropped = c.pairs_drop.iter().map(|&id| vec![id.into()]).collect();
            delete_rows(db, "scored_pairs", &[side], dropped)?;
        }
        let pairs = c
            .pairs_insert
            .iter()
            .map(|p| {
                vec![
                    p.left.into(),
                    p.right.into(),
                    p.weight.into(),
                    p.probability.into(),
                    p.field_weights.clone().into(),
                ]
            })
            .collect();
        insert(
            db,
            "scored_pairs",
            &[
                "left_id",
                "right_id",
                "weight",
                "probability",
                "field_weights",
            ],
            pairs,
            "ON CONFLICT (left_id, right_id) DO UPDATE SET weight = excluded.weight, probability = excluded.probability, field_weights = excluded.field_weights",
        )?;
        let sources_gone: Vec<Vec<Val>> = c
            .sources_delete
            .iter()
            .map(|name| vec![name.clone().into()])
            .collect();
        delete_rows(db, "sources", &["name"], sources_gone)?;
        let sources = c
            .sources_upsert
            .iter()
            .map(|(name, digest, data)| {
                vec![
                    name.clone().into(),
                    digest.clone().into(),
                    data.clone().into(),
                ]
            })
            .collect();
        insert(
            db,
            "sources",
            &["name", "digest", "data"],
            sources,
            "ON CONFLICT (name) DO UPDATE SET digest = excluded.digest, data = excluded.data",
        )?;
        let gone: Vec<Vec<Val>> = c
            .issues_delete
            .iter()
            .map(|k| issue_key_vals(k).to_vec())
            .collect();
        delete_rows(db, "issues", &["source", "key", "field", "kind"], gone)?;
        let issues = c
            .issues_insert
            .iter()
            .map(|(k, severity)| {
                let mut row = issue_key_vals(k).to_vec();
                row.push(severity.clone().into());
                row
            })
            .collect();
        insert(
            db,
            "issues",
            &["source", "key", "field", "kind", "severity"],
            issues,
            "ON CONFLICT (source, key, field, kind) DO UPDATE SET severity = excluded.severity",
        )?;
        let gone: Vec<Vec<Val>> = c
            .survived_delete
            .iter()
            .map(|id| vec![id.clone().into()])
            .collect();
        delete_rows(db, "survivorship", &["golden_id"], gone)?;
        let survived = c
            .survived_upsert
            .iter()
            .map(|s| {
                vec![
                    s.golden_id.clone().into(),
                    s.members.clone().into(),
                    s.data.clone().into(),
                ]
            })
            .collect();
        insert(
            db,
            "survivorship",
            &["golden_id", "members", "data"],
            survived,
            "ON CONFLICT (golden_id) DO UPDATE SET members = excluded.members, data = excluded.data",
        )?;
        db.execute(
            "INSERT INTO runs (run, finished, input, summary) VALUES ($1, $2, $3, $4)",
            &[
                c.run.into(),
                c.finished.clone().into(),
                c.input.clone().into(),
                c.summary.clone().into(),
            ],
        )
    }
}

fn issue_key_vals(k: &IssueKey) -> [Val; 4] {
    [
        k.0.clone().into(),
        k.1.clone().into(),
        k.2.clone().into(),
        k.3.clone().into(),
    ]
}

/// The text cells of a row, moved out.
fn texts<const N: usize>(row: Vec<Val>) -> [String; N] {
    let mut row = row.into_iter().map(Val::into_text);
    std::array::from_fn(|_| row.next().unwrap_or_default())
}

/// Parameters per statement: well below the limits of both back ends.
const PARAMS_PER_STATEMENT: usize = 20_000;

/// Multi-row `INSERT … VALUES (…), (…) <tail>`, in chunks.
fn insert(
    db: &mut dyn Db,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Val>>,
    tail: &str,
) -> Result<()> {
    in_chunks(db, columns, rows, |values| {
        format!(
            "INSERT INTO {table} ({}) VALUES {values} {tail}",
            columns.join(", ")
        )
    })
}

fn delete_keys(
    db: &mut dyn Db,
    table: &str,
    columns: &[&str],
    keys: &[(String, String)],
) -> Result<()> {
    let rows = keys
        .iter()
        .map(|(a, b)| vec![a.clone().into(), b.clone().into()])
        .collect();
    delete_rows(db, table, columns, rows)
}

/// `DELETE … WHERE (c1, c2, …) IN (VALUES (…), (…))`, in chunks. A `VALUES` list, not a bare
/// list of rows: PostgreSQL turns the latter into one nested expression that exhausts its stack
/// at a few thousand rows, and joins against the former. One column is matched against a plain
/// list, `c IN ((…), (…))`: PostgreSQL makes that one array comparison and types the parameters
/// by the column (a `VALUES` list it types as text, which a number column refuses).
fn delete_rows(db: &mut dyn Db, table: &str, columns: &[&str], rows: Vec<Vec<Val>>) -> Result<()> {
    in_chunks(db, columns, rows, |values| match columns {
        [column] => format!("DELETE FROM {table} WHERE {column} IN ({values})"),
        _ => format!(
            "DELETE FROM {table} WHERE ({}) IN (VALUES {values})",
            columns.join(", ")
        ),
    })
}

/// Run `statement(placeholders)` over `rows` (see [`Db::execute_rows`]).
fn in_chunks(
    db: &mut dyn Db,
    columns: &[&str],
    rows: Vec<Vec<Val>>,
    statement: impl Fn(&str) -> String,
) -> Result<()> {
    db.execute_rows(columns.len(), rows, &statement)
}

/// A row of a back end's result, read cell by cell (NULL reads as empty / zero).
pub trait Cells {
    fn text(&self, i: usize) -> Result<Option<String>>;
    /// A text cell as the back end holds it, borrowed: for the large tables read whole, whose
    /// short texts are kept inline ([`Text`]) without a copy of their own first.
    fn str(&self, i: usize) -> Result<Option<&str>>;
    fn int(&self, i: usize) -> Result<Option<i64>>;
    fn real(&self, i: usize) -> Result<Option<f64>>;
    fn bytes(&self, i: usize) -> Result<Option<Vec<u8>>>;
}

/// The values of a row, column by column in the given kinds.
fn read_row(cells: &dyn Cells, kinds: &[Kind]) -> Result<Vec<Val>> {
    kinds
        .iter()
        .enumerate()
        .map(|(i, kind)| {
            Ok(match kind {
                Kind::Text => Val::Text(cells.text(i)?.unwrap_or_default()),
                Kind::Int => Val::Int(cells.int(i)?.unwrap_or_default()),
                Kind::Real => Val::Real(cells.real(i)?.unwrap_or_default()),
                Kind::Bytes => Val::Bytes(cells.bytes(i)?.unwrap_or_default()),
            })
        })
        .collect()
}

/// `($1, $2), ($3, $4)` for 2 rows of 2 columns.
pub(crate) fn placeholders(rows: usize, columns: usize) -> String {
    let mut out = String::with_capacity(rows * columns * 6);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..columns {
            if c > 0 {
                out.push_str(", ");
            }
            out.push('$');
            out.push_str(&(r * columns + c + 1).to_string());
        }
        out.push(')');
    }
    out
}

/// The part of a row's content hash ([`row_hash`]) that every row of a source shares: the digest
/// of its columns (name and mapped field), which every row's hashed text begins with.
pub fn columns_hash(columns: &[String]) -> [u8; 32] {
    let mut h = blake3::Hasher::new();
    for c in columns {
        h.update(c.as_bytes());
        h.update(&[0x1f]);
    }
    *h.finalize().as_bytes()
}

/// The content hash of a row: its source's columns (digested once, see [`columns_hash`]), its key
/// and values. A row whose hash is unchanged since the last run is not normalized, blocked or
/// compared again. XXH3's 128 bits tell a changed row from an unchanged one at a tenth of the cost of
/// a cryptographic digest (every row of every source is hashed on every run); the row's text is put
/// together and hashed in one call.
pub fn row_hash(columns: &[u8; 32], key: &str, values: &[impl AsRef<str>]) -> u128 {
    let size = values.iter().map(|v| v.as_ref().len() + 1).sum::<usize>();
    let mut text = Vec::with_capacity(33 + key.len() + size);
    text.extend_from_slice(columns);
    text.push(0x1e);
    text.extend_from_slice(key.as_bytes());
    for v in values {
        text.push(0x1f);
        text.extend_from_slice(v.as_ref().as_bytes());
    }
    xxhash_rust::xxh3::xxh3_128(&text)
}

/// A [`hex128`] text back into its number; None for any other text.
pub fn parse_hex128(text: &str) -> Option<u128> {
    if text.len() != 32 {
        return None;
    }
    // Digit by digit (the store holds one per record, read on every run).
    text.bytes().try_fold(0u128, |h, b| {
        let digit = match b {
            b'0'..=b'9' => b - b'0',
            b'a'..=b'f' => b - b'a' + 10,
            b'A'..=b'F' => b - b'A' + 10,
            _ => return None,
        };
        Some(h << 4 | u128::from(digit))
    })
}

/// `h` as 32 lower-case hex digits (what `{:032x}` writes, without the formatting machinery: a
/// run writes one per row and per cluster).
pub fn hex128(h: u128) -> String {
    String::from_utf8(hex128_digits(h).to_vec()).expect("hex digits are ASCII")
}

/// [`hex128`]'s digits, without a text of their own.
pub fn hex128_digits(h: u128) -> [u8; 32] {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut text = [0; 32];
    for (i, d) in text.iter_mut().enumerate() {
        *d = DIGITS[(h >> (4 * (31 - i))) as usize & 0xf];
    }
    text
}

/// Store keys of a source's records: the record key, with `#2`, `#3` … appended to a key that
/// repeats within the source (in file order), so that every record has its own identity.
pub fn store_keys<'a>(keys: impl Iterator<Item = &'a str>) -> Vec<String> {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    keys.map(|k| {
        let n = seen.entry(k).or_default();
        *n += 1;
        if *n == 1 {
            k.to_string()
        } else {
            format!("{k}#{n}")
        }
    })
    .collect()
}

/// Check the kind of a decision and its operands' shape, with a message that says what to write.
pub fn check_decision(kind: &str, a: &str, b: &str) -> Result<()> {
    match kind {
        "must-link" | "cannot-link" => {
            for side in [a, b] {
                if split_record(side).is_none() {
                    bail!("{kind}: `{side}` is not a record; write SOURCE:KEY, e.g. erp_customers.csv:KH000123");
                }
            }
            if a == b {
                bail!("{kind}: a record and itself");
            }
        }
        "pin" => {
            if a.is_empty() {
                bail!("pin: name the golden id (e.g. G00000017)");
            }
            if crate::survive::Field::from_column(b).is_none() {
                bail!("pin: `{b}` is not a golden field (name, mobile, address, credit_limit, …)");
            }
        }
        other => bail!("unknown decision `{other}`: use must-link, cannot-link or pin"),
    }
    Ok(())
}

/// `SOURCE:KEY` → (source, key); the source is a file name, so the first `:` after it splits.
pub fn split_record(text: &str) -> Option<(&str, &str)> {
    let (s, k) = text.split_once(':')?;
    (!s.is_empty() && !k.is_empty()).then_some((s, k))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_number_rows_then_columns() {
        assert_eq!(placeholders(2, 2), "($1, $2), ($3, $4)");
        assert_eq!(placeholders(1, 3), "($1, $2, $3)");
    }

    #[test]
    fn repeated_keys_get_their_occurrence() {
        let keys = store_keys(["a", "b", "a", "a"].into_iter());
        assert_eq!(keys, ["a", "b", "a#2", "a#3"]);
    }

    fn content_hash(columns: &[String], key: &str, values: &[&str]) -> String {
        hex128(row_hash(&columns_hash(columns), key, values))
    }

    #[test]
    fn hash_depends_on_columns_key_and_values() {
        let cols = vec!["姓名:name".to_string()];
        let h = content_hash(&cols, "1", &["张伟"]);
        assert_eq!(h, content_hash(&cols, "1", &["张伟"]));
        assert_ne!(h, content_hash(&cols, "1", &["张玮"]));
        assert_ne!(h, content_hash(&cols, "2", &["张伟"]));
        assert_ne!(h, content_hash(&["姓名:".into()], "1", &["张伟"]));
        // Stores keep these digests: the hashed text must stay what it was.
        let columns = blake3::hash("姓名:Some(Name)\x1f".as_bytes());
        let mut text = columns.as_bytes().to_vec();
        text.extend_from_slice("\x1e1\x1f张伟\x1f".as_bytes());
        assert_eq!(
            content_hash(&["姓名:Some(Name)".into()], "1", &["张伟", ""]),
            format!("{:032x}", xxhash_rust::xxh3::xxh3_128(&text))
        );
    }

    #[test]
    fn records_are_found_in_whatever_order_the_store_gave_them() {
        let record = |id: i64, source: &str, key: &str| StoredRecord {
            id,
            source: source.into(),
            key: key.into(),
            hash: None,
            golden_id: "G00000001".into(),
            data: Vec::new(),
        };
        let mut snap = Snapshot {
            records: vec![
                record(7, "b.csv", "10"),
                record(3, "a.csv", "2"),
                record(9, "a.csv", "10"),
                record(4, "b.csv", "客户1"),
            ],
            ..Snapshot::default()
        };
        snap.index_records();
        assert_eq!(snap.find("a.csv", "10"), Some(2));
        assert_eq!(snap.find("b.csv", "客户1"), Some(3));
        assert_eq!(snap.find("a.csv", "1"), None);
        assert_eq!(snap.by_id[&7], 0);
        // Two names with one hash: the index holds the other record, and the record is found all
        // the same.
        snap.index.insert(record_hash("a.csv", "2"), 0);
        assert_eq!(snap.find("a.csv", "2"), Some(1));
        assert_eq!(snap.find("b.csv", "10"), Some(0));
    }

    #[test]
    fn stored_hashes_read_back_as_their_numbers() {
        for h in [0, 1, 0xabc, u128::MAX, u128::MAX / 3] {
            assert_eq!(parse_hex128(&hex128(h)), Some(h));
        }
        // Upper-case digits are read too; anything but 32 hex digits is no hash.
        assert_eq!(parse_hex128(&"AB".repeat(16)), Some(u128::MAX / 255 * 0xab));
        for text in [
            "",
            "abc",
            &"0".repeat(31),
            &"0".repeat(33),
            &format!("+{}", "0".repeat(31)),
            &"g".repeat(32),
        ] {
            assert_eq!(parse_hex128(text), None, "{text}");
        }
    }

    #[test]
    fn hex_digits_are_those_of_the_formatter() {
        for h in [
            0,
            1,
            0xabc,
            u128::MAX,
            u128::MAX / 3,
            1 << 127,
            0x0123_4567_89ab_cdef << 64,
        ] {
            assert_eq!(hex128(h), format!("{h:032x}"));
        }
    }

    #[test]
    fn targets() {
        assert_eq!(
            Target::parse("postgres://u:secret@localhost/db").display(),
            "postgres://u@localhost/db"
        );
        assert_eq!(
            Target::parse("state.db"),
            Target::Sqlite(PathBuf::from("state.db"))
        );
    }
}
