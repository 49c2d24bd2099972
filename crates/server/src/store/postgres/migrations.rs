//! The PostgreSQL schema's numbered migrations, recorded in the one-row `schema_version` table.
//! The numbers are the store's schema versions, shared with SQLite: PostgreSQL support began at
//! version 2, so its first migration creates version 2 whole, and a later change to the schema is
//! a new migration with the same number on both backends. A migration once released is never
//! edited.

use postgres::{Client, GenericClient};

use crate::store::{StoreError, STORE_SCHEMA_VERSION};

/// The migrations as (the version they bring the schema to, SQL), in order.
pub const MIGRATIONS: &[(u32, &str)] = &[(2, VERSION_2)];

// Both backends write the same schema version: a new SQLite migration needs its PostgreSQL twin.
const _: () = assert!(MIGRATIONS[MIGRATIONS.len() - 1].0 == STORE_SCHEMA_VERSION);

/// Schema version 2: the study, accounts, devices, tokens and the sealed commits.
///
/// Texts are compared byte by byte (`COLLATE "C"`), as SQLite does, so listings come back in the
/// same order on both backends. Times are RFC 3339 text, stored as given. The cursor is an
/// identity column: uploads hold `commits` in EXCLUSIVE mode, so cursors are drawn in commit
/// order (see `upload.rs`).
const VERSION_2: &str = r#"
    CREATE TABLE study (
        one        SMALLINT PRIMARY KEY CHECK (one = 1),
        id         BYTEA    NOT NULL,
        created_at TEXT     NOT NULL,
        secret     BYTEA    NOT NULL
    );
    CREATE TABLE setup (
        one        SMALLINT PRIMARY KEY CHECK (one = 1),
        token_hash BYTEA    NOT NULL
    );
    CREATE TABLE users (
        name        TEXT COLLATE "C" PRIMARY KEY,
        role        TEXT    NOT NULL,
        auth_hash   BYTEA   NOT NULL,
        wrapped_key TEXT    NOT NULL,
        must_change BOOLEAN NOT NULL,
        revoked     BOOLEAN NOT NULL DEFAULT FALSE,
        created_at  TEXT    NOT NULL
    );
    CREATE TABLE devices (
        id            TEXT COLLATE "C" PRIMARY KEY,
        registered_by TEXT    NOT NULL,
        registered_at TEXT    NOT NULL,
        last_seen_at  TEXT    NOT NULL,
        revoked       BOOLEAN NOT NULL DEFAULT FALSE
    );
    CREATE TABLE tokens (
        hash       BYTEA  PRIMARY KEY,
        user_name  TEXT COLLATE "C" NOT NULL REFERENCES users (name),
        device     TEXT COLLATE "C" NOT NULL REFERENCES devices (id),
        expires_at BIGINT NOT NULL
    );
    CREATE INDEX tokens_user ON tokens (user_name);
    CREATE INDEX tokens_device ON tokens (device);
    CREATE TABLE commits (
        cursor             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        device_id          TEXT COLLATE "C" NOT NULL,
        seq                BIGINT NOT NULL,
        commit_id          BYTEA  NOT NULL,
        prev               BYTEA,
        header             BYTEA  NOT NULL,
        sealed_body        BYTEA  NOT NULL,
        received_at        TEXT   NOT NULL,
        uploaded_by_user   TEXT,
        uploaded_by_device TEXT,
        UNIQUE (device_id, seq)
    );
"#;

/// The schema version of an open database (0 when it has no `schema_version` table yet).
pub fn schema_version(conn: &mut impl GenericClient) -> Result<u32, StoreError> {
    let exists: bool = conn
        .query_one("SELECT to_regclass('schema_version') IS NOT NULL", &[])?
        .get(0);
    if !exists {
        return Ok(0);
    }
    let row = conn.query_opt("SELECT version FROM schema_version", &[])?;
    let version: i32 = row.map_or(0, |r| r.get(0));
    u32::try_from(version).map_err(|_| StoreError::Corrupt(format!("schema version {version}")))
}

/// Applies every migration the database lacks, each in its own transaction. Servers starting
/// together wait for each other on the `schema_version` table's lock, and each migration is
/// applied once.
pub fn migrate(conn: &mut Client) -> Result<(), StoreError> {
    // Two servers starting on an empty database: the advisory lock (key "ecrf" in ASCII) lets
    // one create the table at a time.
    let mut tx = conn.transaction()?;
    tx.batch_execute(
        "SELECT pg_advisory_xact_lock(1701016166);
         CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
    )?;
    tx.commit()?;
    for &(version, sql) in MIGRATIONS {
        let mut tx = conn.transaction()?;
        tx.batch_execute("LOCK TABLE schema_version IN ACCESS EXCLUSIVE MODE")?;
        let found = schema_version(&mut tx)?;
        if found > STORE_SCHEMA_VERSION {
            return Err(StoreError::TooNew {
                found,
                supported: STORE_SCHEMA_VERSION,
            });
        }
        if found >= version {
            continue;
        }
        tx.batch_execute(sql)?;
        tx.execute("DELETE FROM schema_version", &[])?;
        tx.execute(
            "INSERT INTO schema_version (version) VALUES ($1)",
            &[&i32::try_from(version).unwrap_or(i32::MAX)],
        )?;
        tx.commit()?;
    }
    let found = schema_version(conn)?;
    if found > STORE_SCHEMA_VERSION {
        return Err(StoreError::TooNew {
            found,
            supported: STORE_SCHEMA_VERSION,
        });
    }
    Ok(())
}
