//! Records carried on a USB stick, for a site with no network (`docs/sync-protocol.md`,
//! "Bundle"): a bundle file of the commits this tablet holds that the study's server is not
//! known to hold, sealed under the study data key exactly as an upload; and the import of such a
//! file made on another tablet: every commit opened and checked, stored in one transaction,
//! folded in, and sent on at this tablet's next exchange (the server accepts relayed commits).
//!
//! The study data key comes from the signed-in session or, with no network, from the wrapped
//! key record cached on the tablet at an earlier sign-in, opened with the user's passphrase
//! (`sync.key_cache` in `meta`: the record is sealed under the passphrase's key; nothing
//! else is kept). The key opened that way lives in memory only, until the tablet is locked
//! (locking reloads the page).

use std::cell::RefCell;
use std::collections::BTreeMap;

use ecrf_core::log::Commit;
use ecrf_core::sync::api::Role;
use ecrf_core::sync::outbox::{outbox, ServerTips};
use ecrf_core::sync::{Bundle, DataKey, FormatError, StudyId, WrappedKey};

use crate::storage::{Db, StorageError};

/// The `meta` key of the cached wrapped-key records, by study user name.
const KEY_CACHE: &str = "sync.key_cache";

/// A wrapped study key kept on the tablet for use without network.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
struct CachedKey {
    /// The study id, hex.
    study: String,
    role: Role,
    wrapped: WrappedKey,
}

/// The study data key at hand, with whose it is.
#[derive(Clone)]
pub struct StudyKey {
    /// The study.
    pub study: StudyId,
    /// The study data key.
    pub key: DataKey,
    /// The study user who opened it.
    pub user: String,
    /// Their role.
    pub role: Role,
}

thread_local! {
    static OFFLINE: RefCell<Option<StudyKey>> = const { RefCell::new(None) };
}

/// Why carrying records failed.
#[derive(Debug, Clone, PartialEq)]
pub enum CarryError {
    /// Neither signed in nor opened offline.
    NoKey,
    /// The tablet holds no key record for this user (never signed in here).
    UnknownUser,
    /// The passphrase does not open the cached record.
    WrongPassphrase,
    /// The file belongs to another study.
    WrongStudy,
    /// The file is not a bundle, is cut off or altered (the format's reason).
    Bad(String),
    /// This tablet's records belong to another study than the key's.
    TabletOfOtherStudy,
    /// Nothing is waiting to be sent.
    NothingToCarry,
    /// The database failed.
    Storage(StorageError),
    /// The browser gives no secure random numbers.
    NoRandom,
}

impl From<StorageError> for CarryError {
    fn from(e: StorageError) -> CarryError {
        CarryError::Storage(e)
    }
}

/// Keeps `wrapped` (the record a sign-in unwrapped) for opening the study key without network.
pub async fn cache_key(
    db: &Db,
    user: &str,
    study: &StudyId,
    role: Role,
    wrapped: &WrappedKey,
) -> Result<(), StorageError> {
    let mut cache: BTreeMap<String, CachedKey> = db.meta(KEY_CACHE).await?.unwrap_or_default();
    cache.insert(
        user.to_owned(),
        CachedKey {
            study: hex::encode(study),
            role,
            wrapped: wrapped.clone(),
        },
    );
    db.set_meta(KEY_CACHE, &cache).await
}

/// Forgets the key record kept for `user` when `passphrase` opens it: the server refused a
/// passphrase this tablet's record still takes (the data manager reset it), so the record must
/// not open the study key offline any longer. A mistyped passphrase, which opens nothing, keeps
/// it.
pub async fn forget_key_opened_by(
    db: &Db,
    user: &str,
    passphrase: &str,
) -> Result<(), StorageError> {
    let cache: BTreeMap<String, CachedKey> = db.meta(KEY_CACHE).await?.unwrap_or_default();
    let Some(cached) = cache.get(user) else {
        return Ok(());
    };
    let Ok(keys) = crate::crypto::record_keys(&cached.wrapped, passphrase).await else {
        return Ok(());
    };
    if cached.wrapped.unwrap_with(user, &keys.kek).is_ok() {
        forget_keys(db, &[user]).await?;
    }
    Ok(())
}

/// Forgets the key records kept for `users` (revoked: a record that opens the study key
/// offline must not outlive that): one read, and one write when anything went.
pub async fn forget_keys(db: &Db, users: &[&str]) -> Result<(), StorageError> {
    let mut cache: BTreeMap<String, CachedKey> = db.meta(KEY_CACHE).await?.unwrap_or_default();
    let before = cache.len();
    cache.retain(|user, _| !users.contains(&user.as_str()));
    if cache.len() != before {
        db.set_meta(KEY_CACHE, &cache).await?;
    }
    Ok(())
}

/// The study user names whose key record this tablet keeps.
pub async fn cached_users(db: &Db) -> Result<Vec<String>, StorageError> {
    let cache: BTreeMap<String, CachedKey> = db.meta(KEY_CACHE).await?.unwrap_or_default();
    Ok(cache.into_keys().collect())
}

/// Opens the study key from the record cached for `user` (no network); kept in memory until
/// the tablet is locked (which reloads the page).
pub async fn open_offline(db: &Db, user: &str, passphrase: &str) -> Result<StudyKey, CarryError> {
    let cache: BTreeMap<String, CachedKey> = db.meta(KEY_CACHE).await?.unwrap_or_default();
    let cached = cache.get(user.trim()).ok_or(CarryError::UnknownUser)?;
    let mut study = [0u8; 16];
    hex::decode_to_slice(&cached.study, &mut study)
        .map_err(|_| CarryError::Bad("the cached study id is not 16 bytes of hex".into()))?;
    // Let the page draw "working" before the key derivation holds the thread.
    crate::device::sleep(30).await;
    let keys = crate::crypto::record_keys(&cached.wrapped, passphrase)
        .await
        .map_err(|e| CarryError::Bad(e.to_string()))?;
    let key = cached
        .wrapped
        .unwrap_with(user.trim(), &keys.kek)
        .map_err(|e| match e {
            FormatError::WrongPassphrase => CarryError::WrongPassphrase,
            other => CarryError::Bad(other.to_string()),
        })?;
    let opened = StudyKey {
        study,
        key,
        user: user.trim().to_owned(),
        role: cached.role,
    };
    OFFLINE.with(|o| *o.borrow_mut() = Some(opened.clone()));
    Ok(opened)
}

/// The study key at hand: the signed-in session's, else the one opened offline.
pub fn study_key() -> Option<StudyKey> {
    super::session::current()
        .map(|s| StudyKey {
            study: s.study,
            key: s.key,
            user: s.user,
            role: s.role,
        })
        .or_else(|| OFFLINE.with(|o| o.borrow().clone()))
}

/// The bundle file of every commit this tablet holds that the server is not known to hold
/// (the outbox, in chain order): its bytes and how many commits it carries.
pub async fn export(db: &Db) -> Result<(Vec<u8>, usize), CarryError> {
    let key = study_key().ok_or(CarryError::NoKey)?;
    super::run::check_study(db, &key.study)
        .await
        .map_err(|_| CarryError::TabletOfOtherStudy)?;
    let tips: ServerTips = db.meta(super::run::TIPS_KEY).await?.unwrap_or_default();
    // Only what the server lacks is read; what does not open was set aside when the study was
    // read: it is not carried.
    let commits = crate::local::read_pending(db, &tips).await?;
    let pending = outbox(&commits, &tips);
    if pending.is_empty() {
        return Err(CarryError::NothingToCarry);
    }
    let sealed = super::seal_all(&pending, &key.key).map_err(|e| match e {
        super::SealError::NoRandom => CarryError::NoRandom,
        super::SealError::Format(m) => CarryError::Bad(m),
    })?;
    let count = sealed.len();
    let bytes = Bundle {
        study: key.study,
        commits: sealed,
    }
    .to_bytes()
    .map_err(|e| CarryError::Bad(e.to_string()))?;
    Ok((bytes, count))
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Imported {
    /// Commits in the file.
    pub carried: usize,
    /// Of them, commits this tablet did not hold.
    pub new: usize,
}

/// Imports a bundle file: all of it or nothing (a file of another study, cut off, altered, or
/// sealed under another key is refused whole, before anything is stored).
pub async fn import(db: &Db, bytes: &[u8]) -> Result<Imported, CarryError> {
    let key = study_key().ok_or(CarryError::NoKey)?;
    let bundle = match Bundle::from_bytes(bytes, Some(&key.study)) {
        Ok(b) => b,
        Err(FormatError::WrongStudy) => return Err(CarryError::WrongStudy),
        Err(e) => return Err(CarryError::Bad(e.to_string())),
    };
    super::run::check_study(db, &key.study)
        .await
        .map_err(|_| CarryError::TabletOfOtherStudy)?;
    let commits = bundle
        .commits
        .iter()
        .map(|s| {
            s.open(std::slice::from_ref(&key.key))
                .map_err(|e| CarryError::Bad(format!("{} #{}: {e}", s.header.device, s.header.seq)))
        })
        .collect::<Result<Vec<Commit>, _>>()?;
    db.import_commits(&commits).await?;
    let new = crate::local::apply_received(&commits);
    // What is not yet on the server now includes what was carried here.
    let tips: ServerTips = db.meta(super::run::TIPS_KEY).await?.unwrap_or_default();
    let pending = crate::local::with(|l| crate::local::pending_ids(&l.state, &tips));
    crate::local::set_unsynced(pending.iter().map(String::as_str));
    crate::writer::announce(&db.name());
    Ok(Imported {
        carried: commits.len(),
        new,
    })
}
