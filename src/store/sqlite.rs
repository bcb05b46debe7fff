//! The SQLite back end: one file, WAL journal, opened by the run that holds its write lock.
//!
//! `BEGIN IMMEDIATE` takes the write lock when the run starts, so two runs on one file never
//! interleave; a second one waits (up to a minute) for the first to commit.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params_from_iter, Connection, ToSql};

use super::{placeholders, Cells, Db, Val};

pub struct Sqlite {
    conn: Connection,
}

impl ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Val::Text(t) => ToSqlOutput::Borrowed(ValueRef::Text(t.as_bytes())),
            Val::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Val::Real(r) => ToSqlOutput::Borrowed(ValueRef::Real(*r)),
            Val::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

impl Cells for rusqlite::Row<'_> {
    fn text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.get(i)?)
    }
    fn int(&self, i: usize) -> Result<Option<i64>> {
        Ok(self.get(i)?)
    }
    fn real(&self, i: usize) -> Result<Option<f64>> {
        Ok(self.get(i)?)
    }
    fn bytes(&self, i: usize) -> Result<Option<Vec<u8>>> {
        Ok(self.get(i)?)
    }
}

impl Sqlite {
    pub fn open(path: &Path) -> Result<Sqlite> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| {
                format!(
                    "cannot create the folder of the state file {}",
                    path.display()
                )
            })?;
        }
        let conn = Connection::open(path).with_context(|| {
            format!(
                "cannot open the state file {} (give a writable SQLite file path)",
                path.display()
            )
        })?;
        conn.busy_timeout(Duration::from_secs(60))?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .with_context(|| format!("{} is not a SQLite state file", path.display()))?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        // A run reads the whole store: pages mapped rather than copied through the page cache.
        conn.pragma_update(None, "mmap_size", 1i64 << 30)?;
        // A run's writes are held in memory until it commits (up to 256 MiB): with SQLite's 2 MiB
        // default, pages spill into the log mid-run and are logged again when changed again (a
        // 1 % change to a 20 k-customer store logged 5.9 k pages for 3.3 k changed).
        conn.pragma_update(None, "cache_size", -(256i64 << 10))?;
        Ok(Sqlite { conn })
    }
}

/// `$1` → `?1`: SQLite takes `$NAME` parameters too, but looks each one up by name, which makes a
/// statement of thousands of parameters quadratic; `?NNN` is a plain index. The store's SQL holds
/// no `$` but in parameters.
fn numbered(sql: &str) -> String {
    sql.replace('$', "?")
}

impl Db for Sqlite {
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<()> {
        let mut statement = self.conn.prepare(&numbered(sql))?;
        statement.execute(params_from_iter(params.iter()))?;
        Ok(())
    }

    /// One statement, prepared once and run row by row: within the run's transaction that is
    /// SQLite's fastest way, and needs no statement of thousands of parameters.
    fn execute_rows(
        &mut self,
        columns: usize,
        rows: Vec<Vec<Val>>,
        statement: &dyn Fn(&str) -> String,
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut prepared = self
            .conn
            .prepare(&numbered(&statement(&placeholders(1, columns))))?;
        for row in &rows {
            prepared.execute(params_from_iter(row.iter()))?;
        }
        Ok(())
    }

    fn query_each(
        &mut self,
        sql: &str,
        params: &[Val],
        each: &mut dyn FnMut(&dyn Cells) -> Result<()>,
    ) -> Result<()> {
        let mut statement = self.conn.prepare(&numbered(sql))?;
        let mut rows = statement.query(params_from_iter(params.iter()))?;
        while let Some(row) = rows.next()? {
            each(row)?;
        }
        Ok(())
    }

    fn begin(&mut self) -> Result<()> {
        self.conn
            .execute_batch("BEGIN IMMEDIATE")
            .context("the state file is locked by another run")
    }

    fn commit(&mut self) -> Result<()> {
        self.conn.execute_batch("COMMIT")?;
        Ok(())
    }
}
