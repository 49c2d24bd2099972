//! The SQLite backend of [`SyncStore`]: one connection behind a lock, WAL, `synchronous=FULL`
//! (every transaction durable on return), numbered migrations.
//!
//! It holds sealed commits with their clear headers; bodies stay sealed, since the server never
//! holds the study data key.

use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use ecrf_core::sync::api::{AckStatus, Role};
use ecrf_core::sync::{SealedCommit, WrappedKey};
use rusqlite::{params, Connection, OptionalExtension, Row};
use subtle::ConstantTimeEq;

use super::migrations::{migrate, user_version};
use super::{
    page_extent, DeviceRecord, KeyChange, NewToken, Page, SessionRecord, StoreError, StoreStats,
    StudyRecord, SyncStore, Uploader, UserRecord,
};

mod sessions;
mod upload;

/// The SQLite store.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore").finish_non_exhaustive()
    }
}

impl SqliteStore {
    /// Opens (creating if needed) the database file and brings it to the current schema.
    pub fn open(path: &Path) -> Result<SqliteStore, StoreError> {
        SqliteStore::init(Connection::open(path)?)
    }

    /// An in-memory store, for tests.
    pub fn open_in_memory() -> Result<SqliteStore, StoreError> {
        SqliteStore::init(Connection::open_in_memory()?)
    }

    fn init(mut conn: Connection) -> Result<SqliteStore, StoreError> {
        // WAL lets readers run beside the writer; FULL makes every commit durable on return.
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut conn)?;
        Ok(SqliteStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> Result<MutexGuard<'_, Connection>, StoreError> {
        self.conn.lock().map_err(|_| StoreError::Poisoned)
    }
}

/// A fixed-size blob column.
fn blob<const N: usize>(row: &Row<'_>, i: usize) -> rusqlite::Result<[u8; N]> {
    let bytes: Vec<u8> = row.get(i)?;
    bytes.try_into().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            i,
            rusqlite::types::Type::Blob,
            format!("expected {N} bytes").into(),
        )
    })
}

fn user_from_row(row: &Row<'_>) -> rusqlite::Result<Result<UserRecord, StoreError>> {
    let role: String = row.get(1)?;
    let key: String = row.get(3)?;
    let name: String = row.get(0)?;
    let auth_hash = blob::<32>(row, 2)?;
    let (must_change, revoked, created_at) = (row.get(4)?, row.get(5)?, row.get(6)?);
    Ok((|| {
        Ok(UserRecord {
            role: Role::from_code(&role)
                .ok_or_else(|| StoreError::Corrupt(format!("user {name}: role")))?,
            wrapped_key: serde_json::from_str(&key)
                .map_err(|_| StoreError::Corrupt(format!("user {name}: wrapped key")))?,
            name,
            auth_hash,
            must_change,
            revoked,
            created_at,
        })
    })())
}

const USER_COLUMNS: &str =
    "name, role, auth_hash, wrapped_key, must_change, revoked, created_at FROM users";

fn insert_user(conn: &Connection, u: &UserRecord) -> Result<(), StoreError> {
    let key = serde_json::to_string(&u.wrapped_key)
        .map_err(|e| StoreError::Corrupt(format!("wrapped key: {e}")))?;
    conn.execute(
        "INSERT INTO users (name, role, auth_hash, wrapped_key, must_change, revoked, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![
            u.name,
            u.role.code(),
            u.auth_hash.as_slice(),
            key,
            u.must_change,
            u.revoked,
            u.created_at
        ],
    )?;
    Ok(())
}

impl SyncStore for SqliteStore {
    fn stats(&self) -> Result<StoreStats, StoreError> {
        let conn = self.conn()?;
        let schema_version = user_version(&conn)?;
        let commits: i64 = conn.query_row("SELECT count(*) FROM commits", [], |r| r.get(0))?;
        let study: bool =
            conn.query_row("SELECT EXISTS (SELECT 1 FROM study)", [], |r| r.get(0))?;
        Ok(StoreStats {
            schema_version,
            commits: u64::try_from(commits).unwrap_or(0),
            study,
        })
    }

    fn study(&self) -> Result<Option<StudyRecord>, StoreError> {
        let conn = self.conn()?;
        Ok(conn
            .query_row("SELECT id, created_at, secret FROM study", [], |r| {
                Ok(StudyRecord {
                    id: blob::<16>(r, 0)?,
                    created_at: r.get(1)?,
                    secret: blob::<32>(r, 2)?,
                })
            })
            .optional()?)
    }

    fn set_setup_token(&self, hash: &[u8; 32]) -> Result<(), StoreError> {
        self.conn()?.execute(
            "INSERT OR REPLACE INTO setup (one, token_hash) VALUES (1, ?1)",
            [hash.as_slice()],
        )?;
        Ok(())
    }

    fn create_study(
        &self,
        token_hash: &[u8; 32],
        study: &StudyRecord,
        manager: &UserRecord,
    ) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let exists: bool = tx.query_row("SELECT EXISTS (SELECT 1 FROM study)", [], |r| r.get(0))?;
        if exists {
            return Err(StoreError::StudyExists);
        }
        let held: Option<[u8; 32]> = tx
            .query_row("SELECT token_hash FROM setup", [], |r| blob::<32>(r, 0))
            .optional()?;
        let matches = held.is_some_and(|h| bool::from(h.ct_eq(token_hash)));
        if !matches {
            return Err(StoreError::BadSetupToken);
        }
        tx.execute(
            "INSERT INTO study (one, id, created_at, secret) VALUES (1, ?1, ?2, ?3)",
            params![
                study.id.as_slice(),
                study.created_at,
                study.secret.as_slice()
            ],
        )?;
        insert_user(&tx, manager)?;
        tx.execute("DELETE FROM setup", [])?;
        tx.commit()?;
        Ok(())
    }

    fn user(&self, name: &str) -> Result<Option<UserRecord>, StoreError> {
        let conn = self.conn()?;
        let sql = format!("SELECT {USER_COLUMNS} WHERE name = ?1");
        conn.query_row(&sql, [name], user_from_row)
            .optional()?
            .transpose()
    }

    fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let conn = self.conn()?;
        let sql = format!("SELECT {USER_COLUMNS} ORDER BY name");
        let mut stmt = conn.prepare(&sql)?;
        let rows = stmt.query_map([], user_from_row)?;
        let mut out = Vec::new();
        for row in rows {
            out.push(row??);
        }
        Ok(out)
    }

    fn add_user(&self, user: &UserRecord) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM users WHERE name = ?1)",
            [&user.name],
            |r| r.get(0),
        )?;
        if exists {
            return Err(StoreError::UserExists);
        }
        insert_user(&tx, user)?;
        tx.commit()?;
        Ok(())
    }

    fn reset_user_key(
        &self,
        name: &str,
        auth_hash: &[u8; 32],
        key: &WrappedKey,
    ) -> Result<(), StoreError> {
        let key = serde_json::to_string(key)
            .map_err(|e| StoreError::Corrupt(format!("wrapped key: {e}")))?;
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE users SET auth_hash = ?2, wrapped_key = ?3, must_change = 1 WHERE name = ?1",
            params![name, auth_hash.as_slice(), key],
        )?;
        if n == 0 {
            return Err(StoreError::NoSuchUser);
        }
        tx.execute("DELETE FROM tokens WHERE user = ?1", [name])?;
        tx.commit()?;
        Ok(())
    }

    fn change_user_key(&self, change: &KeyChange<'_>) -> Result<(), StoreError> {
        let key = serde_json::to_string(change.key)
            .map_err(|e| StoreError::Corrupt(format!("wrapped key: {e}")))?;
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let held: Option<[u8; 32]> = tx
            .query_row(
                "SELECT auth_hash FROM users WHERE name = ?1",
                [change.user],
                |r| blob::<32>(r, 0),
            )
            .optional()?;
        let Some(held) = held else {
            return Err(StoreError::NoSuchUser);
        };
        if !bool::from(held.ct_eq(change.current_hash)) {
            return Err(StoreError::BadCredentials);
        }
        tx.execute(
            "UPDATE users SET auth_hash = ?2, wrapped_key = ?3, must_change = 0 WHERE name = ?1",
            params![change.user, change.auth_hash.as_slice(), key],
        )?;
        tx.execute(
            "DELETE FROM tokens WHERE user = ?1 AND hash <> ?2",
            params![change.user, change.keep_token.as_slice()],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn revoke_user(&self, name: &str) -> Result<(), StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let found: Option<(String, bool)> = tx
            .query_row(
                "SELECT role, revoked FROM users WHERE name = ?1",
                [name],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let Some((role, revoked)) = found else {
            return Err(StoreError::NoSuchUser);
        };
        if role == Role::DataManager.code() && !revoked {
            let active: i64 = tx.query_row(
                "SELECT count(*) FROM users WHERE role = ?1 AND revoked = 0",
                [Role::DataManager.code()],
                |r| r.get(0),
            )?;
            if active <= 1 {
                return Err(StoreError::LastDataManager);
            }
        }
        tx.execute("UPDATE users SET revoked = 1 WHERE name = ?1", [name])?;
        tx.execute("DELETE FROM tokens WHERE user = ?1", [name])?;
        tx.commit()?;
        Ok(())
    }

    fn devices(&self) -> Result<Vec<DeviceRecord>, StoreError> {
        sessions::devices(&*self.conn()?)
    }

    fn revoke_device(&self, id: &str, by: &str, now: &str) -> Result<(), StoreError> {
        sessions::revoke_device(&mut *self.conn()?, id, by, now)
    }

    fn add_token(&self, token: &NewToken<'_>) -> Result<(), StoreError> {
        sessions::add_token(&mut *self.conn()?, token)
    }

    fn session(
        &self,
        hash: &[u8; 32],
        now_unix: i64,
        now: &str,
    ) -> Result<Option<SessionRecord>, StoreError> {
        sessions::session(&mut *self.conn()?, hash, now_unix, now)
    }

    fn delete_token(&self, hash: &[u8; 32]) -> Result<(), StoreError> {
        sessions::delete_token(&*self.conn()?, hash)
    }

    fn upload(
        &self,
        uploader: &Uploader<'_>,
        commits: &[SealedCommit],
    ) -> Result<Vec<AckStatus>, StoreError> {
        let mut conn = self.conn()?;
        let tx = conn.transaction()?;
        let acks = upload::check_and_store(&tx, uploader, commits)?;
        tx.commit()?;
        Ok(acks)
    }

    fn pull(&self, after: u64, limit: u32, max_bytes: usize) -> Result<Page, StoreError> {
        let conn = self.conn()?;
        let after_i = i64::try_from(after).unwrap_or(i64::MAX);
        // The sizes first (SQLite reads a blob's length without its bytes), then the bodies of
        // the commits that fit; the lock keeps both reads on one state.
        let sizes: Vec<(i64, i64)> = conn
            .prepare(
                "SELECT cursor, length(header) + length(sealed_body) FROM commits
                 WHERE cursor > ?1 ORDER BY cursor LIMIT ?2",
            )?
            .query_map(params![after_i, i64::from(limit) + 1], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        let lengths: Vec<u64> = sizes
            .iter()
            .map(|&(_, n)| u64::try_from(n).unwrap_or(0))
            .collect();
        let (taken, more) = page_extent(&lengths, limit, max_bytes);
        let Some(&(last, _)) = sizes.get(taken.wrapping_sub(1)) else {
            return Ok(Page {
                commits: Vec::new(),
                cursor: after,
                more: false,
            });
        };
        let mut stmt = conn.prepare(
            "SELECT cursor, header, sealed_body FROM commits
             WHERE cursor > ?1 AND cursor <= ?2 ORDER BY cursor",
        )?;
        let rows = stmt.query_map(params![after_i, last], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, Vec<u8>>(1)?,
                r.get::<_, Vec<u8>>(2)?,
            ))
        })?;
        let mut commits = Vec::with_capacity(taken);
        for row in rows {
            let (c, mut bytes, body) = row?;
            bytes.extend_from_slice(&body);
            let sealed = SealedCommit::from_bytes(&bytes)
                .map_err(|e| StoreError::Corrupt(format!("commit at cursor {c}: {e}")))?;
            commits.push(sealed);
        }
        Ok(Page {
            commits,
            cursor: u64::try_from(last).unwrap_or(0),
            more,
        })
    }
}
