//! Locking the device's copy of the study: the vault (`ecrf_core::sync::vault`) in the sealed
//! database's `meta` store, created with the first user's passphrase, opened by any user it
//! holds a key for (offline: nothing leaves the tablet); wrong passphrases counted in `meta` so
//! that a reload does not reset the wait; the clear database of earlier versions sealed into the
//! new one on the first unlock and then deleted whole; the inactivity lock.

use ecrf_core::sync::keys::MIN_ITERATIONS;
use ecrf_core::sync::vault::{wait_after_failures_ms, Vault, VaultError, DEVICE_KEY_ID};
use ecrf_core::sync::DataKey;

use crate::storage::{self, schema, Db, StorageError, CLEAR_STUDY_DB};

/// The vault record's `meta` key.
const VAULT_KEY: &str = "vault";
/// Wrong passphrases in a row and when the last was given (ms since the epoch).
const FAILURES_KEY: &str = "vault.failures";
/// Minutes of inactivity before the app locks itself.
pub const AUTO_LOCK_KEY: &str = "vault.auto_lock_minutes";
/// The inactivity lock's default, minutes.
pub const DEFAULT_AUTO_LOCK_MINUTES: u32 = 15;
/// The choices offered for the inactivity lock, minutes.
pub const AUTO_LOCK_CHOICES: [u32; 5] = [1, 5, 15, 30, 60];

/// Why the vault did not open (or was not made).
#[derive(Debug, Clone, PartialEq)]
pub enum UnlockError {
    /// Reading or writing the database failed.
    Storage(StorageError),
    /// The tablet holds no key for this user.
    UnknownUser,
    /// The passphrase is wrong; the next try must wait this long (ms).
    WrongPassphrase(u64),
    /// Too many wrong passphrases: wait this long (ms) before trying again.
    Wait(u64),
    /// The stored vault is damaged.
    Bad(String),
    /// The passphrase is shorter than 8 characters.
    TooShort,
    /// The passphrase and its confirmation differ.
    Mismatch,
    /// No name given.
    NoName,
    /// The name of the app's own commits (`ecrf_core::sync::authors::SYSTEM`).
    ReservedName,
    /// Another tab or window protected the tablet meanwhile: unlock with that passphrase.
    AlreadyProtected,
    /// Sealed records are stored but no vault opens them: a new key would not either.
    KeyMissing,
}

impl From<StorageError> for UnlockError {
    fn from(e: StorageError) -> UnlockError {
        UnlockError::Storage(e)
    }
}

#[derive(Debug, Clone, Copy, Default, serde::Serialize, serde::Deserialize)]
struct Failures {
    count: u32,
    last_ms: f64,
}

/// The vault, when this tablet has one.
pub async fn read(db: &Db) -> Result<Option<Vault>, StorageError> {
    db.meta::<Vault>(VAULT_KEY).await
}

fn random<const N: usize>() -> Result<[u8; N], StorageError> {
    let mut buf = [0u8; N];
    if crate::sync::secure_random(&mut buf) {
        Ok(buf)
    } else {
        Err(StorageError::NoRandom)
    }
}

/// Checks a new passphrase and its confirmation (the sync server's rule: at least 8 characters).
pub fn check_new(user: &str, passphrase: &str, again: &str) -> Result<(), UnlockError> {
    if user.trim().is_empty() {
        return Err(UnlockError::NoName);
    }
    if user.trim() == ecrf_core::sync::authors::SYSTEM {
        return Err(UnlockError::ReservedName);
    }
    if !ecrf_core::sync::api::passphrase_long_enough(passphrase) {
        return Err(UnlockError::TooShort);
    }
    if passphrase != again {
        return Err(UnlockError::Mismatch);
    }
    Ok(())
}

/// Makes the vault with a new random device key for its first `user`, and unlocks `db`. Never
/// replaces a vault (another tab may have made one since this screen opened: the record is
/// added, which fails if it exists) and never makes a key beside sealed records (they would
/// stay sealed under a key nobody holds).
pub async fn create(db: &Db, user: &str, passphrase: &str) -> Result<(), UnlockError> {
    if read(db).await?.is_some() {
        return Err(UnlockError::AlreadyProtected);
    }
    if db.commit_count().await? > 0 {
        return Err(UnlockError::KeyMissing);
    }
    let key = DataKey::new(DEVICE_KEY_ID, random::<32>()?);
    let vault = Vault::create(&key, user.trim(), passphrase, random()?, random()?)
        .map_err(|e| UnlockError::Bad(e.to_string()))?;
    match db.add_meta(VAULT_KEY, &vault).await {
        Ok(()) => {}
        Err(StorageError::Duplicate) => return Err(UnlockError::AlreadyProtected),
        Err(e) => return Err(e.into()),
    }
    db.unlock(key);
    Ok(())
}

/// Opens the vault for `user` and unlocks `db`; a wrong passphrase is counted, and after
/// [`ecrf_core::sync::vault::FREE_TRIES`] of them each try waits longer.
pub async fn unlock(db: &Db, user: &str, passphrase: &str) -> Result<(), UnlockError> {
    let vault = read(db)
        .await?
        .ok_or_else(|| UnlockError::Bad("no vault".into()))?;
    let failures: Failures = db.meta(FAILURES_KEY).await?.unwrap_or_default();
    let now = js_sys::Date::now();
    // Never longer than the wait itself: a clock set back must not lock anyone out.
    let wait = wait_after_failures_ms(failures.count) as f64;
    let remaining = (failures.last_ms + wait - now).min(wait);
    if failures.count > 0 && remaining > 0.0 {
        return Err(UnlockError::Wait(remaining.ceil() as u64));
    }
    let user_name = user.trim();
    let started = crate::device::now_ms();
    let opened = match vault.record(user_name) {
        Ok(record) => {
            // The study's snapshot is read meanwhile (sealed: the read needs no key).
            let (keys, ()) = futures::join!(
                crate::crypto::record_keys(record, passphrase),
                db.prefetch_snapshot()
            );
            match keys {
                Ok(keys) => vault.unlock_with(user_name, &keys),
                Err(e) => Err(VaultError::Bad(e)),
            }
        }
        Err(e) => Err(e),
    };
    if opened.is_err() {
        Db::forget_prefetched_snapshot();
    }
    gloo::console::log!(format!(
        "ecrf: passphrase derived (the snapshot read meanwhile) in {:.0} ms",
        crate::device::now_ms() - started
    ));
    match opened {
        Ok(key) => {
            if failures.count > 0 {
                db.set_meta(FAILURES_KEY, &Failures::default()).await?;
            }
            db.unlock(key);
            Ok(())
        }
        Err(VaultError::WrongPassphrase) | Err(VaultError::UnknownUser(_)) => {
            let count = failures.count.saturating_add(1);
            db.set_meta(
                FAILURES_KEY,
                &Failures {
                    count,
                    last_ms: now,
                },
            )
            .await?;
            let wait = wait_after_failures_ms(count);
            // An unknown name is told apart only when no passphrase could be tried.
            if vault.users.contains_key(user.trim()) {
                Err(UnlockError::WrongPassphrase(wait))
            } else {
                Err(UnlockError::UnknownUser)
            }
        }
        Err(VaultError::Bad(e)) => Err(UnlockError::Bad(e.to_string())),
    }
}

/// Adds `user` to the vault of the unlocked `db` (another person who works on this tablet, or
/// a study account that signed in on it), or changes their passphrase. The derivation is Web
/// Crypto's where the browser has it ([`crate::crypto::user_keys`]), and comes first: the vault
/// is read and written back right after it, so that a change made meanwhile (another tab) is
/// not overwritten.
pub async fn add_user(
    db: &Db,
    key: &DataKey,
    user: &str,
    passphrase: &str,
) -> Result<(), UnlockError> {
    let salt: [u8; 16] = random()?;
    let nonce: [u8; 12] = random()?;
    let keys = crate::crypto::user_keys(passphrase, &salt, MIN_ITERATIONS).await;
    let mut vault = read(db)
        .await?
        .ok_or_else(|| UnlockError::Bad("no vault".into()))?;
    vault
        .add_user_with(key, user.trim(), &keys, salt, nonce)
        .map_err(|e| UnlockError::Bad(e.to_string()))?;
    db.set_meta(VAULT_KEY, &vault).await?;
    Ok(())
}

/// Removes the key records of `users` from the vault (revoked study accounts: they must not
/// unlock the tablet any longer), never the last (`Vault::forget_user`): one read, and one
/// write when anything went. Returns whether anything was removed.
pub async fn forget_users(db: &Db, users: &[&str]) -> Result<bool, StorageError> {
    let Some(mut vault) = read(db).await? else {
        return Ok(false);
    };
    let mut removed = false;
    for user in users {
        removed |= vault.forget_user(user);
    }
    if removed {
        db.set_meta(VAULT_KEY, &vault).await?;
    }
    Ok(removed)
}

/// Removes `user`'s key record when `passphrase` opens it: the study's server refused a
/// passphrase this tablet still takes (the data manager replaced it, perhaps because it
/// leaked). A mistyped passphrase, which opens nothing, keeps it.
pub async fn forget_user_opened_by(
    db: &Db,
    user: &str,
    passphrase: &str,
) -> Result<bool, StorageError> {
    let Some(vault) = read(db).await? else {
        return Ok(false);
    };
    let Ok(record) = vault.record(user) else {
        return Ok(false);
    };
    let Ok(keys) = crate::crypto::record_keys(record, passphrase).await else {
        return Ok(false);
    };
    if vault.unlock_with(user, &keys).is_err() {
        return Ok(false);
    }
    forget_users(db, &[user]).await
}

/// Whether the clear database of an earlier version exists (see [`storage::exists`]).
pub async fn clear_database_exists() -> bool {
    storage::exists(CLEAR_STUDY_DB).await
}

/// Seals the clear database of an earlier version into the unlocked sealed `db`: every commit
/// and setting copied (each commit sealed; patients registered before the commit log first
/// become commits, by `before_copy` on the clear database), checked, then the clear database
/// deleted whole (its deleted records may stay readable in the browser's files until
/// compaction, so it is never emptied record by record). Returns the commits sealed; `Ok(0)`
/// when there was nothing to seal. Safe to repeat after an interruption: nothing is deleted
/// before everything is copied and counted.
pub async fn seal_clear_database<F>(db: &Db, before_copy: F) -> Result<usize, StorageError>
where
    F: AsyncFnOnce(&Db) -> Result<(), StorageError>,
{
    // Most unlocks: there is none (opening one would make it, to be deleted again).
    if !clear_database_exists().await {
        return Ok(0);
    }
    // Opened at a new version: the upgrade waits for every tab of an earlier version to close
    // the database, so none writes to it during the copy; if one does not, say so.
    let clear = {
        use futures::future::{select, Either};
        let open = Box::pin(Db::open_at(CLEAR_STUDY_DB, schema::CLEAR_SEALING));
        match select(open, Box::pin(crate::device::sleep(8_000))).await {
            Either::Left((db, _)) => db?,
            Either::Right(_) => return Err(StorageError::Blocked),
        }
    };
    let empty = clear.commit_count().await? == 0 && clear.patients().await?.is_empty();
    if empty {
        clear.close();
        storage::delete(CLEAR_STUDY_DB).await?;
        return Ok(0);
    }
    before_copy(&clear).await?;
    let commits = clear.commits().await?;
    let settings = clear.meta_records().await?;
    db.put_meta_records(&settings).await?;
    db.import_commits(&commits).await?;
    // Only the copied commits must be there (an older sealed record set aside does not matter).
    let sealed = db.readable_commits().await?.0;
    let want: std::collections::BTreeSet<&str> = commits.iter().map(|c| c.id.as_str()).collect();
    let have: std::collections::BTreeSet<&str> = sealed.iter().map(|c| c.id.as_str()).collect();
    if !want.is_subset(&have) {
        return Err(StorageError::Corrupt(
            "the sealed copy lacks commits of the clear database; the clear one is kept".into(),
        ));
    }
    clear.close();
    storage::delete(CLEAR_STUDY_DB).await?;
    Ok(commits.len())
}
