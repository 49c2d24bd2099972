//! The SQLite schema's numbered migrations, recorded in `user_version`. A migration once
//! released is never edited: a change is a new migration.

use ecrf_core::sync::SealedCommit;
use rusqlite::{params, Connection, Transaction};

use super::StoreError;

/// One migration: plain SQL, or SQL followed by a step in Rust.
enum Migration {
    Sql(&'static str),
    Rust(fn(&Transaction<'_>) -> Result<(), StoreError>),
}

/// The migrations, in order; migration `i` brings the schema from version `i` to `i + 1`.
const MIGRATIONS: &[Migration] = &[
    // 1: sealed commits, as uploaded in bundles. (device_id, seq) is the idempotency key.
    Migration::Sql(
        "CREATE TABLE commits (
         device_id   TEXT    NOT NULL,
         seq         INTEGER NOT NULL,
         header      BLOB    NOT NULL,
         sealed_body BLOB    NOT NULL,
         received_at TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
         PRIMARY KEY (device_id, seq)
     ) STRICT;",
    ),
    // 2: the study, accounts, devices and tokens; commits gain a cursor and their ids.
    Migration::Rust(accounts_and_cursors),
];

/// The schema version this server writes.
pub const STORE_SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

const MIGRATION_2: &str = "
    CREATE TABLE study (
        one        INTEGER PRIMARY KEY CHECK (one = 1),
        id         BLOB    NOT NULL,
        created_at TEXT    NOT NULL,
        secret     BLOB    NOT NULL
    ) STRICT;
    CREATE TABLE setup (
        one        INTEGER PRIMARY KEY CHECK (one = 1),
        token_hash BLOB    NOT NULL
    ) STRICT;
    CREATE TABLE users (
        name        TEXT    PRIMARY KEY,
        role        TEXT    NOT NULL,
        auth_hash   BLOB    NOT NULL,
        wrapped_key TEXT    NOT NULL,
        must_change INTEGER NOT NULL,
        revoked     INTEGER NOT NULL DEFAULT 0,
        created_at  TEXT    NOT NULL
    ) STRICT;
    CREATE TABLE devices (
        id            TEXT    PRIMARY KEY,
        registered_by TEXT    NOT NULL,
        registered_at TEXT    NOT NULL,
        last_seen_at  TEXT    NOT NULL,
        revoked       INTEGER NOT NULL DEFAULT 0
    ) STRICT;
    CREATE TABLE tokens (
        hash       BLOB    PRIMARY KEY,
        user       TEXT    NOT NULL REFERENCES users (name),
        device     TEXT    NOT NULL REFERENCES devices (id),
        expires_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX tokens_user ON tokens (user);
    CREATE INDEX tokens_device ON tokens (device);
    -- The cursor orders commits as stored; AUTOINCREMENT never reuses one.
    CREATE TABLE commits_v2 (
        cursor           INTEGER PRIMARY KEY AUTOINCREMENT,
        device_id        TEXT    NOT NULL,
        seq              INTEGER NOT NULL,
        commit_id        BLOB    NOT NULL,
        prev             BLOB,
        header           BLOB    NOT NULL,
        sealed_body      BLOB    NOT NULL,
        received_at      TEXT    NOT NULL,
        uploaded_by_user TEXT,
        uploaded_by_device TEXT,
        UNIQUE (device_id, seq)
    ) STRICT;
    INSERT INTO commits_v2 (device_id, seq, commit_id, prev, header, sealed_body, received_at)
        SELECT device_id, seq, zeroblob(32), NULL, header, sealed_body, received_at
        FROM commits ORDER BY rowid;
    DROP TABLE commits;
    ALTER TABLE commits_v2 RENAME TO commits;
";

/// Migration 2: the new tables, and the ids of commits stored before it read from their headers
/// (rows kept in their storage order, which becomes their cursor order).
fn accounts_and_cursors(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute_batch(MIGRATION_2)?;
    let rows: Vec<(i64, Vec<u8>, Vec<u8>)> = tx
        .prepare("SELECT cursor, header, sealed_body FROM commits")?
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (cursor, mut bytes, body) in rows {
        bytes.extend_from_slice(&body);
        let sealed = SealedCommit::from_bytes(&bytes)
            .map_err(|e| StoreError::Corrupt(format!("commit at cursor {cursor}: {e}")))?;
        let h = &sealed.header;
        tx.execute(
            "UPDATE commits SET commit_id = ?1, prev = ?2 WHERE cursor = ?3",
            params![
                h.commit_id.as_slice(),
                h.prev.as_ref().map(|p| p.as_slice()),
                cursor
            ],
        )?;
    }
    Ok(())
}

/// The schema version of an open database.
pub fn user_version(conn: &Connection) -> Result<u32, StoreError> {
    Ok(conn.pragma_query_value(None, "user_version", |r| r.get(0))?)
}

/// Applies every migration the database lacks, each in its own transaction.
pub fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let found = user_version(conn)?;
    if found > STORE_SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: STORE_SCHEMA_VERSION,
        });
    }
    migrate_to(conn, STORE_SCHEMA_VERSION)
}

/// Brings a database up to schema version `to` (tests use it to put rows in an old schema).
pub fn migrate_to(conn: &mut Connection, to: u32) -> Result<(), StoreError> {
    let found = user_version(conn)?;
    for (i, migration) in MIGRATIONS.iter().enumerate().take(to as usize) {
        if (i as u32) < found {
            continue;
        }
        let tx = conn.transaction()?;
        match migration {
            Migration::Sql(sql) => tx.execute_batch(sql)?,
            Migration::Rust(step) => step(&tx)?,
        }
        tx.pragma_update(None, "user_version", i as u32 + 1)?;
        tx.commit()?;
    }
    Ok(())
}
