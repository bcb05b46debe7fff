//! The PostgreSQL back end, chosen by `[state] url = "postgres://…"` in the job.
//!
//! The run's transaction takes an exclusive lock on `meta` first, so two runs on one database
//! never interleave. A connection that drops (a killed run) rolls the transaction back.

use anyhow::{Context, Result};
use postgres::types::{to_sql_checked, IsNull, ToSql, Type};
use postgres::{Client, NoTls};

use super::{Cells, Db, Val};

pub struct Postgres {
    client: Client,
}

impl ToSql for Val {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Val::Text(t) => t.to_sql(ty, out),
            Val::Int(i) => i.to_sql(ty, out),
            Val::Real(r) => r.to_sql(ty, out),
            Val::Bytes(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(ty: &Type) -> bool {
        <String as ToSql>::accepts(ty)
            || <i64 as ToSql>::accepts(ty)
            || <f64 as ToSql>::accepts(ty)
            || <Vec<u8> as ToSql>::accepts(ty)
    }

    to_sql_checked!();
}

/// `postgres://user:secret@host/db` → `postgres://user@host/db`, for messages.
pub fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    match rest.split_once('@') {
        Some((user, host)) => {
            let user = user.split(':').next().unwrap_or_default();
            format!("{scheme}://{user}@{host}")
        }
        None => url.to_string(),
    }
}

impl Cells for postgres::Row {
    fn text(&self, i: usize) -> Result<Option<String>> {
        Ok(self.try_get(i)?)
    }
    fn str(&self, i: usize) -> Result<Option<&str>> {
        Ok(self.try_get(i)?)
    }
    fn int(&self, i: usize) -> Result<Option<i64>> {
        Ok(self.try_get(i)?)
    }
    fn real(&self, i: usize) -> Result<Option<f64>> {
        Ok(self.try_get(i)?)
    }
    fn bytes(&self, i: usize) -> Result<Option<Vec<u8>>> {
        Ok(self.try_get(i)?)
    }
}

impl Postgres {
    pub fn connect(url: &str) -> Result<Postgres> {
        let client = Client::connect(url, NoTls).with_context(|| {
            format!(
                "cannot connect to the state database {} (is the server running, and the URL right?)",
                without_password(url)
            )
        })?;
        Ok(Postgres { client })
    }
}

impl Db for Postgres {
    fn execute(&mut self, sql: &str, params: &[Val]) -> Result<()> {
        let params: Vec<&(dyn ToSql + Sync)> = params.iter().map(|v| v as _).collect();
        self.client.execute(sql, &params)?;
        Ok(())
    }

    fn query_each(
        &mut self,
        sql: &str,
        params: &[Val],
        each: &mut dyn FnMut(&dyn Cells) -> Result<()>,
    ) -> Result<()> {
        let params: Vec<&(dyn ToSql + Sync)> = params.iter().map(|v| v as _).collect();
        for row in self.client.query(sql, &params)? {
            each(&row)?;
        }
        Ok(())
    }

    fn begin(&mut self) -> Result<()> {
        self.client
            .batch_execute("BEGIN; LOCK TABLE meta IN EXCLUSIVE MODE")?;
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        self.client.batch_execute("COMMIT")?;
        Ok(())
    }
}
