//! Devices and sessions in SQLite: a device registered by its first login, tokens (stored as
//! hashes) checked and expired, and revocation that ends a device's sessions at once.

use rusqlite::{params, Connection, OptionalExtension};

use crate::store::{DeviceRecord, NewToken, SessionRecord, StoreError};
use ecrf_core::sync::api::Role;

pub fn devices(conn: &Connection) -> Result<Vec<DeviceRecord>, StoreError> {
    let mut stmt = conn.prepare(DEVICES_SQL)?;
    let rows = stmt.query_map([], |r| {
        let commits: i64 = r.get(5)?;
        Ok(DeviceRecord {
            id: r.get(0)?,
            registered_by: r.get(1)?,
            registered_at: r.get(2)?,
            last_seen_at: r.get(3)?,
            revoked: r.get(4)?,
            commits: u64::try_from(commits).unwrap_or(0),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The registered devices, and the authors known only from commits relayed by other devices
/// (no registration, never revoked), each with its commit count.
const DEVICES_SQL: &str = "
    SELECT id, registered_by, registered_at, last_seen_at, revoked, commits FROM (
        SELECT d.id, d.registered_by, d.registered_at, d.last_seen_at, d.revoked,
               (SELECT count(*) FROM commits c WHERE c.device_id = d.id) AS commits
        FROM devices d
        UNION ALL
        SELECT c.device_id, NULL, NULL, NULL, 0, count(*)
        FROM commits c
        WHERE NOT EXISTS (SELECT 1 FROM devices d WHERE d.id = c.device_id)
        GROUP BY c.device_id
    ) ORDER BY id";

/// Revokes `id`, registering it (by the data manager `by`, at `now`) when it never logged in:
/// a device known only from relayed commits, or not at all yet, is revoked all the same.
pub fn revoke_device(
    conn: &mut Connection,
    id: &str,
    by: &str,
    now: &str,
) -> Result<(), StoreError> {
    let tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO devices (id, registered_by, registered_at, last_seen_at, revoked)
         VALUES (?1, ?2, ?3, ?3, 1)
         ON CONFLICT (id) DO UPDATE SET revoked = 1",
        params![id, by, now],
    )?;
    tx.execute("DELETE FROM tokens WHERE device = ?1", [id])?;
    tx.commit()?;
    Ok(())
}

pub fn add_token(conn: &mut Connection, t: &NewToken<'_>) -> Result<(), StoreError> {
    // Immediate: the credential read below and the token's insert are one write, so a
    // passphrase change either comes before it (and this login is refused) or after it (and
    // deletes this token).
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let user: Option<(Vec<u8>, bool)> = tx
        .query_row(
            "SELECT auth_hash, revoked FROM users WHERE name = ?1",
            [t.user],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if !user.is_some_and(|(hash, revoked)| hash == t.auth_hash && !revoked) {
        return Err(StoreError::BadCredentials);
    }
    let revoked: Option<bool> = tx
        .query_row(
            "SELECT revoked FROM devices WHERE id = ?1",
            [t.device],
            |r| r.get(0),
        )
        .optional()?;
    match revoked {
        Some(true) => return Err(StoreError::DeviceRevoked),
        Some(false) => {
            tx.execute(
                "UPDATE devices SET last_seen_at = ?2 WHERE id = ?1",
                params![t.device, t.now],
            )?;
        }
        None => {
            tx.execute(
                "INSERT INTO devices (id, registered_by, registered_at, last_seen_at)
                 VALUES (?1, ?2, ?3, ?3)",
                params![t.device, t.user, t.now],
            )?;
        }
    }
    tx.execute(
        "INSERT INTO tokens (hash, user, device, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![t.hash.as_slice(), t.user, t.device, t.expires_at],
    )?;
    tx.commit()?;
    Ok(())
}

/// A token's row joined with its user and device.
struct TokenRow {
    user: String,
    role: String,
    device: String,
    must_change: bool,
    expires_at: i64,
    revoked: bool,
    last_seen_at: String,
}

pub fn session(
    conn: &mut Connection,
    hash: &[u8; 32],
    now_unix: i64,
    now: &str,
) -> Result<Option<SessionRecord>, StoreError> {
    let tx = conn.transaction()?;
    let found = tx
        .query_row(
            "SELECT t.user, u.role, t.device, u.must_change, t.expires_at,
                    u.revoked OR d.revoked, d.last_seen_at
             FROM tokens t JOIN users u ON u.name = t.user JOIN devices d ON d.id = t.device
             WHERE t.hash = ?1",
            [hash.as_slice()],
            |r| {
                Ok(TokenRow {
                    user: r.get(0)?,
                    role: r.get(1)?,
                    device: r.get(2)?,
                    must_change: r.get(3)?,
                    expires_at: r.get(4)?,
                    revoked: r.get(5)?,
                    last_seen_at: r.get(6)?,
                })
            },
        )
        .optional()?;
    let Some(row) = found else {
        return Ok(None);
    };
    if row.expires_at <= now_unix || row.revoked {
        tx.execute("DELETE FROM tokens WHERE hash = ?1", [hash.as_slice()])?;
        tx.commit()?;
        return Ok(None);
    }
    let role = Role::from_code(&row.role)
        .ok_or_else(|| StoreError::Corrupt(format!("user {}: role", row.user)))?;
    // Last seen to the minute: a durable write on every request would cost a disk sync each.
    // The times are RFC 3339 UTC with whole seconds, so the first 16 bytes are the minute.
    if row.last_seen_at.get(..16) != now.get(..16) {
        tx.execute(
            "UPDATE devices SET last_seen_at = ?2 WHERE id = ?1",
            params![row.device, now],
        )?;
        tx.commit()?;
    }
    Ok(Some(SessionRecord {
        user: row.user,
        role,
        device: row.device,
        must_change: row.must_change,
    }))
}

pub fn delete_token(conn: &Connection, hash: &[u8; 32]) -> Result<(), StoreError> {
    conn.execute("DELETE FROM tokens WHERE hash = ?1", [hash.as_slice()])?;
    Ok(())
}
