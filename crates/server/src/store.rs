//! The embedded SQLite store: WAL, synchronous writes, numbered migrations.
//!
//! It holds sealed commits keyed by (device, sequence) with their clear headers; bodies stay
//! sealed, since the server never holds the study data key.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::Connection;

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// SQLite reported an error.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// The database was written by a newer server than this one.
    #[error("the database has schema version {found}, newer than this server's {supported}")]
    TooNew {
        /// The version in the file.
        found: u32,
        /// The newest this server knows.
        supported: u32,
    },
    /// Another thread panicked while holding the connection.
    #[error("the store's lock is poisoned")]
    Poisoned,
}

/// The migrations, in order; migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[&str] = &[
    // 1: sealed commits, as uploaded in bundles. (device_id, seq) is the idempotency key.
    "CREATE TABLE commits (
         device_id   TEXT    NOT NULL,
         seq         INTEGER NOT NULL,
         header      BLOB    NOT NULL,
         sealed_body BLOB    NOT NULL,
         received_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
         PRIMARY KEY (device_id, seq)
     ) STRICT;",
];

/// The schema version this server writes.
pub const STORE_SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Numbers about the store, for the health check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreStats {
    /// The schema version of the open database.
    pub schema_version: u32,
    /// How many sealed commits it holds.
    pub commits: u64,
}

/// The store: one SQLite connection behind a lock (writes are serialised by SQLite anyway).
pub struct Store {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store").finish_non_exhaustive()
    }
}

impl Store {
    /// Opens (creating if needed) the database file and brings it to the current schema.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::init(Connection::open(path)?)
    }

    /// An in-memory store, for tests.
    pub fn open_in_memory() -> Result<Store, StoreError> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<Store, StoreError> {
        // WAL lets readers run beside the writer; FULL makes every commit durable on return.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    /// Schema version and commit count.
    pub fn stats(&self) -> Result<StoreStats, StoreError> {
        let conn = self.conn.lock().map_err(|_| StoreError::Poisoned)?;
        let schema_version = user_version(&conn)?;
        let commits: i64 = conn.query_row("SELECT count(*) FROM commits", [], |r| r.get(0))?;
        Ok(StoreStats {
            schema_version,
            commits: u64::try_from(commits).unwrap_or(0),
        })
    }
}

fn user_version(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Applies every migration the database lacks, each in its own transaction.
fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found = user_version(conn)?;
    if found > STORE_SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: STORE_SCHEMA_VERSION,
        });
    }
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let tx = conn.transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", i as u32 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_store_is_at_current_schema_and_empty() {
        let store = Store::open_in_memory().unwrap();
        let stats = store.stats().unwrap();
        assert_eq!(
            stats,
            StoreStats {
                schema_version: STORE_SCHEMA_VERSION,
                commits: 0
            }
        );
    }

    #[test]
    fn reopening_a_file_keeps_it_and_does_not_migrate_twice() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ecrf.sqlite");
        drop(Store::open(&path).unwrap());
        let store = Store::open(&path).unwrap();
        assert_eq!(store.stats().unwrap().schema_version, STORE_SCHEMA_VERSION);
        let mode: String = store
            .conn
            .lock()
            .unwrap()
            .pragma_query_value(None, "journal_mode", |r| r.get(0))
            .unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn a_database_from_a_newer_server_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("ecrf.sqlite");
        let conn = Connection::open(&path).unwrap();
        conn.pragma_update(None, "user_version", 99).unwrap();
        drop(conn);
        assert!(matches!(
            Store::open(&path),
            Err(StoreError::TooNew { found: 99, .. })
        ));
    }
}
