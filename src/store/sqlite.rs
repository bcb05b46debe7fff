//! The SQLite back end: one file and a rollback journal, opened by the run that holds its write
//! lock.
//!
//! `BEGIN IMMEDIATE` takes the write lock when the run starts, so two runs on one file never
//! interleave; a second one waits (up to a minute) for the first to commit.
//!
//! A rollback journal rather than a write-ahead log: a run writes its changes into the file before
//! its last reports are done ([`Db::write_ahead`]), the pages they replace saved in the journal
//! first, and its commit is then the file's sync and the journal's removal. With a log, every
//! changed page was written twice after the last report — into the log at the commit, into the
//! file when the log was folded back on closing (which a store must be, to be copied as one
//! file). Killed before its commit, a run leaves the journal behind, and whoever opens the store
//! next rolls the file back from it.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context, Result};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params_from_iter, Connection, ToSql};

use super::{placeholders, Cells, Db, Val};

pub struct Sqlite {
    conn: Connection,
    path: std::path::PathBuf,
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
    fn str(&self, i: usize) -> Result<Option<&str>> {
        Ok(self.get_ref(i)?.as_str_or_null()?)
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
        // A store made in write-ahead mode is switched when no other connection has it open;
        // until then it stays as it is (both modes are safe).
        match conn.pragma_update(None, "journal_mode", "DELETE") {
            Err(e) if busy(&e) => {}
            other => {
                other.with_context(|| format!("{} is not a SQLite state file", path.display()))?
            }
        }
        // Every sync a rollback journal needs against a power cut (NORMAL skips one of them).
        conn.pragma_update(None, "synchronous", "FULL")?;
        // A run reads the whole store: pages mapped rather than copied through the page cache.
        conn.pragma_update(None, "mmap_size", 1i64 << 30)?;
        // A run's writes are held in memory until it commits (up to 256 MiB): with SQLite's 2 MiB
        // default, pages spill into the log mid-run and are logged again when changed again (a
        // 1 % change to a 20 k-customer store logged 5.9 k pages for 3.3 k changed).
        conn.pragma_update(None, "cache_size", -(256i64 << 10))?;
        Ok(Sqlite {
            conn,
            path: path.to_path_buf(),
        })
    }
}

/// Whether SQLite answered that another connection holds the file.
fn busy(e: &rusqlite::Error) -> bool {
    matches!(e, rusqlite::Error::SqliteFailure(f, _)
        if matches!(f.code, rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked))
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

    /// Writes the transaction's pages into the file (the journal synced first) and has the
    /// system put them on disk, so that the commit's own sync finds little left to write. A
    /// reader holding the file makes it wait; past the busy timeout the pages are written at the
    /// commit instead.
    fn write_ahead(&mut self) -> Result<()> {
        match self.conn.cache_flush() {
            Err(e) if busy(&e) => return Ok(()),
            other => other?,
        }
        // Any handle on the file syncs its pages; the commit still syncs them itself.
        std::fs::File::open(&self.path)
            .and_then(|f| f.sync_data())
            .with_context(|| format!("cannot sync the state file {}", self.path.display()))
    }

    fn commit(&mut self) -> Result<()> {
        self.conn.execute_batch("COMMIT")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn journal(conn: &Connection) -> String {
        conn.query_row("PRAGMA journal_mode", [], |r| r.get(0))
            .unwrap()
    }

    #[test]
    fn a_write_ahead_store_is_switched_once_no_one_else_has_it_open() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let other = Connection::open(&path).unwrap();
        other
            .execute_batch(
                "PRAGMA journal_mode = WAL; CREATE TABLE t (x); INSERT INTO t VALUES (1)",
            )
            .unwrap();
        assert_eq!(journal(&other), "wal");
        // Held open elsewhere: the store is used as it is.
        let mut store = Sqlite::open(&path).unwrap();
        assert_eq!(journal(&store.conn), "wal");
        store.begin().unwrap();
        store.execute("INSERT INTO t VALUES (2)", &[]).unwrap();
        store.write_ahead().unwrap();
        store.commit().unwrap();
        drop(store);
        drop(other);
        // Alone: switched, and what was written in either mode is there.
        let store = Sqlite::open(&path).unwrap();
        assert_eq!(journal(&store.conn), "delete");
        let n: i64 = store
            .conn
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2);
        assert!(!dir.path().join("state.db-wal").exists());
    }

    #[test]
    fn changes_written_ahead_are_not_there_until_the_commit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let mut store = Sqlite::open(&path).unwrap();
        store.execute("CREATE TABLE t (x)", &[]).unwrap();
        store.begin().unwrap();
        for i in 0..2_000 {
            store
                .execute("INSERT INTO t VALUES ($1)", &[Val::Int(i)])
                .unwrap();
        }
        store.write_ahead().unwrap();
        // Written into the file, its old pages kept in the journal: a reader sees none of it.
        assert!(dir.path().join("state.db-journal").exists());
        let reader = Connection::open(&path).unwrap();
        reader.busy_timeout(Duration::from_millis(10)).unwrap();
        assert!(reader
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get::<_, i64>(0))
            .is_err_and(|e| busy(&e)));
        store.commit().unwrap();
        let n: i64 = reader
            .query_row("SELECT COUNT(*) FROM t", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 2_000);
        assert!(!dir.path().join("state.db-journal").exists());
    }
}
