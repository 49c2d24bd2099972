//! Devices and sessions in PostgreSQL: a device registered by its first login, tokens (stored as
//! hashes) checked and expired, and revocation that ends a device's sessions at once. Row locks
//! order a login against a revocation of the same device.

use ecrf_core::sync::api::Role;
use postgres::{Client, GenericClient};

use crate::store::{DeviceRecord, NewToken, SessionRecord, StoreError};

pub fn devices(conn: &mut impl GenericClient) -> Result<Vec<DeviceRecord>, StoreError> {
    // The registered devices, and the authors known only from commits relayed by other devices
    // (no registration, never revoked), each with its commit count.
    let rows = conn.query(
        "SELECT id, registered_by, registered_at, last_seen_at, revoked, commits FROM (
             SELECT d.id, d.registered_by, d.registered_at, d.last_seen_at, d.revoked,
                    (SELECT count(*) FROM commits c WHERE c.device_id = d.id) AS commits
             FROM devices d
             UNION ALL
             SELECT c.device_id, NULL::text, NULL::text, NULL::text, FALSE, count(*)
             FROM commits c
             WHERE NOT EXISTS (SELECT 1 FROM devices d WHERE d.id = c.device_id)
             GROUP BY c.device_id
         ) AS known ORDER BY id",
        &[],
    )?;
    rows.iter()
        .map(|r| {
            let commits: i64 = r.try_get(5)?;
            Ok(DeviceRecord {
                id: r.try_get(0)?,
                registered_by: r.try_get(1)?,
                registered_at: r.try_get(2)?,
                last_seen_at: r.try_get(3)?,
                revoked: r.try_get(4)?,
                commits: u64::try_from(commits).unwrap_or(0),
            })
        })
        .collect()
}

/// Revokes `id`, registering it (by the data manager `by`, at `now`) when it never logged in:
/// a device known only from relayed commits, or not at all yet, is revoked all the same. The
/// upsert locks the row, so an upload reading it (`FOR SHARE`) waits for the revocation.
pub fn revoke_device(conn: &mut Client, id: &str, by: &str, now: &str) -> Result<(), StoreError> {
    let mut tx = conn.transaction()?;
    tx.execute(
        "INSERT INTO devices (id, registered_by, registered_at, last_seen_at, revoked)
         VALUES ($1, $2, $3, $3, TRUE)
         ON CONFLICT (id) DO UPDATE SET revoked = TRUE",
        &[&id, &by, &now],
    )?;
    tx.execute("DELETE FROM tokens WHERE device = $1", &[&id])?;
    tx.commit()?;
    Ok(())
}

pub fn add_token(conn: &mut Client, t: &NewToken<'_>) -> Result<(), StoreError> {
    let mut tx = conn.transaction()?;
    // The user's row is locked to the end: a passphrase change, a reset or a revocation either
    // waits for this login (and then deletes its token) or comes first (and this login, seeing
    // it, is refused).
    let user = tx.query_opt(
        "SELECT auth_hash, revoked FROM users WHERE name = $1 FOR SHARE",
        &[&t.user],
    )?;
    let current = match user {
        Some(row) => {
            let hash: Vec<u8> = row.try_get(0)?;
            let revoked: bool = row.try_get(1)?;
            hash == t.auth_hash && !revoked
        }
        None => false,
    };
    if !current {
        return Err(StoreError::BadCredentials);
    }
    // A new device is registered by this login; a known one is marked seen. Either way its row
    // is locked to the end, so a revocation waits for this login or this login sees it.
    let registered = tx.execute(
        "INSERT INTO devices (id, registered_by, registered_at, last_seen_at)
         VALUES ($1, $2, $3, $3) ON CONFLICT (id) DO NOTHING",
        &[&t.device, &t.user, &t.now],
    )?;
    if registered == 0 {
        let revoked: bool = tx
            .query_one(
                "SELECT revoked FROM devices WHERE id = $1 FOR UPDATE",
                &[&t.device],
            )?
            .try_get(0)?;
        if revoked {
            return Err(StoreError::DeviceRevoked);
        }
        tx.execute(
            "UPDATE devices SET last_seen_at = $2 WHERE id = $1",
            &[&t.device, &t.now],
        )?;
    }
    tx.execute(
        "INSERT INTO tokens (hash, user_name, device, expires_at) VALUES ($1, $2, $3, $4)",
        &[&t.hash.as_slice(), &t.user, &t.device, &t.expires_at],
    )?;
    tx.commit()?;
    Ok(())
}

pub fn session(
    conn: &mut Client,
    hash: &[u8; 32],
    now_unix: i64,
    now: &str,
) -> Result<Option<SessionRecord>, StoreError> {
    let mut tx = conn.transaction()?;
    let found = tx.query_opt(
        "SELECT t.user_name, u.role, t.device, u.must_change, t.expires_at,
                u.revoked OR d.revoked, d.last_seen_at
         FROM tokens t JOIN users u ON u.name = t.user_name JOIN devices d ON d.id = t.device
         WHERE t.hash = $1",
        &[&hash.as_slice()],
    )?;
    let Some(row) = found else {
        return Ok(None);
    };
    let user: String = row.try_get(0)?;
    let role: String = row.try_get(1)?;
    let device: String = row.try_get(2)?;
    let must_change: bool = row.try_get(3)?;
    let expires_at: i64 = row.try_get(4)?;
    let revoked: bool = row.try_get(5)?;
    let last_seen_at: String = row.try_get(6)?;
    if expires_at <= now_unix || revoked {
        tx.execute("DELETE FROM tokens WHERE hash = $1", &[&hash.as_slice()])?;
        tx.commit()?;
        return Ok(None);
    }
    let role =
        Role::from_code(&role).ok_or_else(|| StoreError::Corrupt(format!("user {user}: role")))?;
    // Last seen to the minute, as SQLite does: the first 16 bytes of the RFC 3339 time.
    if last_seen_at.get(..16) != now.get(..16) {
        tx.execute(
            "UPDATE devices SET last_seen_at = $2 WHERE id = $1",
            &[&device, &now],
        )?;
        tx.commit()?;
    }
    Ok(Some(SessionRecord {
        user,
        role,
        device,
        must_change,
    }))
}
