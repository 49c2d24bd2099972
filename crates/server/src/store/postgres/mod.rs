//! The PostgreSQL backend of [`SyncStore`], for a deployment whose database is shared or managed
//! apart from the server: the blocking `postgres` client over a small pool, numbered migrations
//! in `schema_version`, and the same answers and refusals as SQLite.
//!
//! Every method is one transaction at READ COMMITTED; where SQLite's single writer made a
//! check-then-write safe, this backend takes the lock that does the same (named at each place).
//! TLS is not used (`NoTls`): the server reaches the database over a local socket or a private
//! network.

use std::str::FromStr;

use ecrf_core::sync::api::{AckStatus, Role};
use ecrf_core::sync::{SealedCommit, WrappedKey};
use postgres::{Config, GenericClient, Row};
use subtle::ConstantTimeEq;

use super::{
    page_extent, DeviceRecord, KeyChange, NewToken, Page, SessionRecord, StoreError, StoreStats,
    StudyRecord, SyncStore, Uploader, UserRecord,
};

mod migrations;
mod pool;
mod sessions;
mod test_db;
mod upload;

pub use test_db::TestDatabase;

/// How many connections one server opens at most.
const MAX_CONNECTIONS: usize = 8;

impl From<postgres::Error> for StoreError {
    fn from(err: postgres::Error) -> StoreError {
        StoreError::Backend(Box::new(err))
    }
}

/// The PostgreSQL store.
pub struct PgStore {
    pool: pool::Pool,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore").finish_non_exhaustive()
    }
}

impl PgStore {
    /// Connects to the database named by `url` (a libpq connection string, `key=value` pairs or a
    /// `postgresql://` URL) and brings it to the current schema. Callable from async code too.
    pub fn open(url: &str) -> Result<PgStore, StoreError> {
        let config = Config::from_str(url).map_err(StoreError::from)?;
        pool::off_async(move || {
            let mut first = config.connect(postgres::NoTls)?;
            migrations::migrate(&mut first)?;
            Ok(PgStore {
                pool: pool::Pool::new(config, MAX_CONNECTIONS, first),
            })
        })
    }
}

/// A fixed-size bytea column.
fn bytes<const N: usize>(row: &Row, i: usize, what: &str) -> Result<[u8; N], StoreError> {
    let v: Vec<u8> = row.try_get(i)?;
    v.try_into()
        .map_err(|_| StoreError::Corrupt(format!("{what}: expected {N} bytes")))
}

const USER_COLUMNS: &str =
    "name, role, auth_hash, wrapped_key, must_change, revoked, created_at FROM users";

fn user_from_row(row: &Row) -> Result<UserRecord, StoreError> {
    let name: String = row.try_get(0)?;
    let role: String = row.try_get(1)?;
    let key: String = row.try_get(3)?;
    Ok(UserRecord {
        role: Role::from_code(&role)
            .ok_or_else(|| StoreError::Corrupt(format!("user {name}: role")))?,
        wrapped_key: serde_json::from_str(&key)
            .map_err(|_| StoreError::Corrupt(format!("user {name}: wrapped key")))?,
        auth_hash: bytes::<32>(row, 2, "auth hash")?,
        must_change: row.try_get(4)?,
        revoked: row.try_get(5)?,
        created_at: row.try_get(6)?,
        name,
    })
}

/// Inserts a user; false when the name is taken (the primary key decides, so two concurrent
/// adds cannot both succeed).
fn insert_user(conn: &mut impl GenericClient, u: &UserRecord) -> Result<bool, StoreError> {
    let key = serde_json::to_string(&u.wrapped_key)
        .map_err(|e| StoreError::Corrupt(format!("wrapped key: {e}")))?;
    let n = conn.execute(
        "INSERT INTO users (name, role, auth_hash, wrapped_key, must_change, revoked, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (name) DO NOTHING",
        &[
            &u.name,
            &u.role.code(),
            &u.auth_hash.as_slice(),
            &key,
            &u.must_change,
            &u.revoked,
            &u.created_at,
        ],
    )?;
    Ok(n == 1)
}

impl SyncStore for PgStore {
    fn stats(&self) -> Result<StoreStats, StoreError> {
        let mut conn = self.pool.get()?;
        let mut tx = conn.transaction()?;
        let schema_version = migrations::schema_version(&mut tx)?;
        let row = tx.query_one(
            "SELECT (SELECT count(*) FROM commits), EXISTS (SELECT 1 FROM study)",
            &[],
        )?;
        let commits: i64 = row.try_get(0)?;
        Ok(StoreStats {
            schema_version,
            commits: u64::try_from(commits).unwrap_or(0),
            study: row.try_get(1)?,
        })
    }

    fn study(&self) -> Result<Option<StudyRecord>, StoreError> {
        let mut conn = self.pool.get()?;
        let Some(row) = conn.query_opt("SELECT id, created_at, secret FROM study", &[])? else {
            return Ok(None);
        };
        Ok(Some(StudyRecord {
            id: bytes::<16>(&row, 0, "study id")?,
            created_at: row.try_get(1)?,
            secret: bytes::<32>(&row, 2, "study secret")?,
        }))
    }

    fn set_setup_token(&self, hash: &[u8; 32]) -> Result<(), StoreError> {
        self.pool.get()?.execute(
            "INSERT INTO setup (one, token_hash) VALUES (1, $1)
             ON CONFLICT (one) DO UPDATE SET token_hash = EXCLUDED.token_hash",
            &[&hash.as_slice()],
        )?;
        Ok(())
    }

    fn create_study(
        &self,
        token_hash: &[u8; 32],
        study: &StudyRecord,
        manager: &UserRecord,
    ) -> Result<(), StoreError> {
        let mut conn = self.pool.get()?;
        let mut tx = conn.transaction()?;
        // Two creations at once: the second waits here, then finds the study.
        tx.batch_execute("LOCK TABLE study IN SHARE ROW EXCLUSIVE MODE")?;
        let exists: bool = tx
            .query_one("SELECT EXISTS (SELECT 1 FROM study)", &[])?
            .try_get(0)?;
        if exists {
            return Err(StoreError::StudyExists);
        }
        let held = match tx.query_opt("SELECT token_hash FROM setup", &[])? {
            Some(row) => Some(bytes::<32>(&row, 0, "set-up token hash")?),
            None => None,
        };
        let matches = held.is_some_and(|h| bool::from(h.ct_eq(token_hash)));
        if !matches {
            return Err(StoreError::BadSetupToken);
        }
        tx.execute(
            "INSERT INTO study (one, id, created_at, secret) VALUES (1, $1, $2, $3)",
            &[
                &study.id.as_slice(),
                &study.created_at,
                &study.secret.as_slice(),
            ],
        )?;
        if !insert_user(&mut tx, manager)? {
            return Err(StoreError::UserExists);
        }
        tx.execute("DELETE FROM setup", &[])?;
        tx.commit()?;
        Ok(())
    }

    fn user(&self, name: &str) -> Result<Option<UserRecord>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} WHERE name = $1");
        let row = self.pool.get()?.query_opt(&sql, &[&name])?;
        row.as_ref().map(user_from_row).transpose()
    }

    fn users(&self) -> Result<Vec<UserRecord>, StoreError> {
        let sql = format!("SELECT {USER_COLUMNS} ORDER BY name");
        let rows = self.pool.get()?.query(&sql, &[])?;
        rows.iter().map(user_from_row).collect()
    }

    fn add_user(&self, user: &UserRecord) -> Result<(), StoreError> {
        if insert_user(&mut *self.pool.get()?, user)? {
            Ok(())
        } else {
            Err(StoreError::UserExists)
        }
    }

    fn reset_user_key(
        &self,
        name: &str,
        auth_hash: &[u8; 32],
        key: &WrappedKey,
    ) -> Result<(), StoreError> {
        let key = serde_json::to_string(key)
            .map_err(|e| StoreError::Corrupt(format!("wrapped key: {e}")))?;
        let mut conn = self.pool.get()?;
        let mut tx = conn.transaction()?;
        let n = tx.execute(
            "UPDATE users SET auth_hash = $2, wrapped_key = $3, must_change = TRUE WHERE name = $1",
            &[&name, &auth_hash.as_slice(), &key],
        )?;
        if n == 0 {
            return Err(StoreError::NoSuchUser);
        }
        tx.execute("DELETE FROM tokens WHERE user_name = $1", &[&name])?;
        tx.commit()?;
        Ok(())
    }

    fn change_user_key(&self, change: &KeyChange<'_>) -> Result<(), StoreError> {
        let key = serde_json::to_string(change.key)
            .map_err(|e| StoreError::Corrupt(format!("wrapped key: {e}")))?;
        let mut conn = self.pool.get()?;
        let mut tx = conn.transaction()?;
        // FOR UPDATE: two changes at once cannot both prove the same current key.
        let Some(row) = tx.query_opt(
            "SELECT auth_hash FROM users WHERE name = $1 FOR UPDATE",
            &[&change.user],
        )?
        else {
            return Err(StoreError::NoSuchUser);
        };
        let held = bytes::<32>(&row, 0, "auth hash")?;
        if !bool::from(held.ct_eq(change.current_hash)) {
            return Err(StoreError::BadCredentials);
        }
        tx.execute(
            "UPDATE users SET auth_hash = $2, wrapped_key = $3, must_change = FALSE WHERE name = $1",
            &[&change.user, &change.auth_hash.as_slice(), &key],
        )?;
        tx.execute(
            "DELETE FROM tokens WHERE user_name = $1 AND hash <> $2",
            &[&change.user, &change.keep_token.as_slice()],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn revoke_user(&self, name: &str) -> Result<(), StoreError> {
        let mut conn = self.pool.get()?;
        let mut tx = conn.transaction()?;
        let dm = Role::DataManager.code();
        // The active data managers' rows stay locked to the end: two revocations at once cannot
        // both count the other one as still active.
        let managers = tx.query(
            "SELECT name FROM users WHERE role = $1 AND NOT revoked ORDER BY name FOR UPDATE",
            &[&dm],
        )?;
        let Some(row) = tx.query_opt(
            "SELECT role, revoked FROM users WHERE name = $1 FOR UPDATE",
            &[&name],
        )?
        else {
            return Err(StoreError::NoSuchUser);
        };
        let (role, revoked): (String, bool) = (row.try_get(0)?, row.try_get(1)?);
        if role == dm && !revoked && managers.len() <= 1 {
            return Err(StoreError::LastDataManager);
        }
        tx.execute("UPDATE users SET revoked = TRUE WHERE name = $1", &[&name])?;
        tx.execute("DELETE FROM tokens WHERE user_name = $1", &[&name])?;
        tx.commit()?;
        Ok(())
    }

    fn devices(&self) -> Result<Vec<DeviceRecord>, StoreError> {
        sessions::devices(&mut *self.pool.get()?)
    }

    fn revoke_device(&self, id: &str, by: &str, now: &str) -> Result<(), StoreError> {
        sessions::revoke_device(&mut *self.pool.get()?, id, by, now)
    }

    fn add_token(&self, token: &NewToken<'_>) -> Result<(), StoreError> {
        sessions::add_token(&mut *self.pool.get()?, token)
    }

    fn session(
        &self,
        hash: &[u8; 32],
        now_unix: i64,
        now: &str,
    ) -> Result<Option<SessionRecord>, StoreError> {
        sessions::session(&mut *self.pool.get()?, hash, now_unix, now)
    }

    fn delete_token(&self, hash: &[u8; 32]) -> Result<(), StoreError> {
        self.pool
            .get()?
            .execute("DELETE FROM tokens WHERE hash = $1", &[&hash.as_slice()])?;
        Ok(())
    }

    fn upload(
        &self,
        uploader: &Uploader<'_>,
        commits: &[SealedCommit],
    ) -> Result<Vec<AckStatus>, StoreError> {
        upload::upload(&mut *self.pool.get()?, uploader, commits)
    }

    fn pull(&self, after: u64, limit: u32, max_bytes: usize) -> Result<Page, StoreError> {
        let after_i = i64::try_from(after).unwrap_or(i64::MAX);
        let mut conn = self.pool.get()?;
        // One snapshot for both reads: the sizes first (octet_length reads a stored value's
        // size without its bytes), then the bodies of the commits that fit.
        let mut tx = conn
            .build_transaction()
            .isolation_level(postgres::IsolationLevel::RepeatableRead)
            .read_only(true)
            .start()?;
        let sizes = tx.query(
            "SELECT cursor, octet_length(header) + octet_length(sealed_body) FROM commits
             WHERE cursor > $1 ORDER BY cursor LIMIT $2",
            &[&after_i, &(i64::from(limit) + 1)],
        )?;
        let lengths = sizes
            .iter()
            .map(|r| Ok(u64::try_from(r.try_get::<_, i32>(1)?).unwrap_or(0)))
            .collect::<Result<Vec<u64>, StoreError>>()?;
        let (taken, more) = page_extent(&lengths, limit, max_bytes);
        let Some(last) = sizes.get(taken.wrapping_sub(1)) else {
            return Ok(Page {
                commits: Vec::new(),
                cursor: after,
                more: false,
            });
        };
        let last: i64 = last.try_get(0)?;
        let rows = tx.query(
            "SELECT cursor, header, sealed_body FROM commits
             WHERE cursor > $1 AND cursor <= $2 ORDER BY cursor",
            &[&after_i, &last],
        )?;
        tx.commit()?;
        let mut commits = Vec::with_capacity(taken);
        for row in &rows {
            let c: i64 = row.try_get(0)?;
            let mut bytes: Vec<u8> = row.try_get(1)?;
            bytes.extend_from_slice(row.try_get::<_, &[u8]>(2)?);
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
