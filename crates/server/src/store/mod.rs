//! The storage behind the sync API: the [`SyncStore`] trait every backend implements (SQLite,
//! embedded and the default; PostgreSQL, for a shared database), the records it keeps, and its
//! errors.
//!
//! The trait is synchronous: handlers call it through `tokio::task::spawn_blocking`. It holds
//! no clock and makes no random bytes: times, tokens' hashes and secrets are arguments, so the
//! rules stay testable and every backend behaves the same.

mod migrations;
pub mod postgres;
mod sqlite;
mod upload_rules;

use ecrf_core::sync::api::Role;
use ecrf_core::sync::{SealedCommit, StudyId, WrappedKey};

pub use self::postgres::PgStore;
pub use migrations::STORE_SCHEMA_VERSION;
pub use sqlite::SqliteStore;

/// Why the store failed or refused.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The database reported an error.
    #[error("database: {0}")]
    Backend(#[source] Box<dyn std::error::Error + Send + Sync>),
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
    /// A stored value does not read back (a damaged or hand-edited database).
    #[error("a stored value does not read back: {0}")]
    Corrupt(String),
    /// The study already exists.
    #[error("the study already exists")]
    StudyExists,
    /// The set-up token is wrong, or already used.
    #[error("the set-up token is wrong")]
    BadSetupToken,
    /// A user of that name exists.
    #[error("a user of that name exists")]
    UserExists,
    /// No user of that name.
    #[error("no such user")]
    NoSuchUser,
    /// The current server-auth key given to change a passphrase is wrong.
    #[error("the current credentials are wrong")]
    BadCredentials,
    /// Revoking would leave the study without an active data manager.
    #[error("the last active data manager cannot be revoked")]
    LastDataManager,
    /// A login from a revoked device.
    #[error("the device is revoked")]
    DeviceRevoked,
    /// An upload refused: the whole bundle was rolled back.
    #[error("upload refused: {0:?}")]
    Upload(UploadRefusal),
}

impl From<rusqlite::Error> for StoreError {
    fn from(err: rusqlite::Error) -> StoreError {
        StoreError::Backend(Box::new(err))
    }
}

/// Why an upload was refused, and the first commit refused (in (device, sequence) order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UploadRefusal {
    /// What was wrong.
    pub kind: RefusalKind,
    /// The commit's author device.
    pub device: String,
    /// The commit's sequence.
    pub seq: u64,
}

/// The kinds of upload refusal (`docs/sync-protocol.md`, "Upload").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    /// Another commit id is held under that (device, sequence).
    Conflict,
    /// The sequence is not the device's next one.
    Gap {
        /// The device's next sequence.
        expected: u64,
    },
    /// The previous id is not the id of the device's commit before it.
    ChainBroken,
    /// A new commit authored by a revoked device.
    DeviceRevoked,
}

/// Numbers about the store, for the health check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoreStats {
    /// The schema version of the open database.
    pub schema_version: u32,
    /// How many sealed commits it holds.
    pub commits: u64,
    /// Whether the study exists.
    pub study: bool,
}

/// The study.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudyRecord {
    /// Its id.
    pub id: StudyId,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// The server's secret (32 random bytes), from which unknown users' salts are derived.
    pub secret: [u8; 32],
}

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The name.
    pub name: String,
    /// The role.
    pub role: Role,
    /// SHA-256 of the user's server-auth key.
    pub auth_hash: [u8; 32],
    /// The data key wrapped for the user.
    pub wrapped_key: WrappedKey,
    /// True while the passphrase is a temporary one.
    pub must_change: bool,
    /// Revoked users cannot log in.
    pub revoked: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// A device as stored, with the number of commits it authored. A device known only as the
/// author of commits relayed by other devices has no registration (`None`s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    /// The device id.
    pub id: String,
    /// The user whose login registered it, or the data manager who revoked it before it ever
    /// logged in.
    pub registered_by: Option<String>,
    /// RFC 3339, UTC.
    pub registered_at: Option<String>,
    /// RFC 3339, UTC (for a device registered by its revocation, the revocation's time).
    pub last_seen_at: Option<String>,
    /// Revoked devices cannot log in, and their new commits are refused.
    pub revoked: bool,
    /// How many commits it authored the store holds.
    pub commits: u64,
}

/// What a live token stands for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The user.
    pub user: String,
    /// The user's role.
    pub role: Role,
    /// The device.
    pub device: String,
    /// Whether the user must change the passphrase first.
    pub must_change: bool,
}

/// A new token: its hash, owner and lifetime.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken<'a> {
    /// The user's credential hash that the login checked: the token is stored only if it is
    /// still the user's and the user is not revoked, in the token's own transaction (a login
    /// racing a passphrase change or a reset must not keep a session of the old passphrase).
    pub auth_hash: [u8; 32],
    /// SHA-256 of the token.
    pub hash: [u8; 32],
    /// The user.
    pub user: &'a str,
    /// The device (registered if new).
    pub device: &'a str,
    /// Now, RFC 3339 (the device's registration and last-seen time).
    pub now: &'a str,
    /// Expiry, Unix seconds.
    pub expires_at: i64,
}

/// A user's own passphrase change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeyChange<'a> {
    /// The user.
    pub user: &'a str,
    /// SHA-256 of the current server-auth key, as the user proves it.
    pub current_hash: &'a [u8; 32],
    /// SHA-256 of the new server-auth key.
    pub auth_hash: &'a [u8; 32],
    /// The data key wrapped under the new passphrase.
    pub key: &'a WrappedKey,
    /// The hash of the token making the change: the one session kept.
    pub keep_token: &'a [u8; 32],
}

/// One page of a pull.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    /// The commits, in cursor order.
    pub commits: Vec<SealedCommit>,
    /// The cursor of the last commit, or the `after` asked for when the page is empty.
    pub cursor: u64,
    /// Whether more commits follow.
    pub more: bool,
}

/// The most bytes of sealed commits one pull page carries (besides its first commit, which is
/// sent whatever its size): a page of large commits stops early rather than making a bundle of
/// hundreds of MiB that both ends must hold in memory.
pub const PULL_PAGE_BYTES: usize = 4 * 1024 * 1024;

/// How many of the next commits, whose sizes in bytes are `sizes` (in cursor order, up to
/// `limit + 1` of them), a page takes, and whether more follow: at most `limit`, and no more than
/// `max_bytes` in all unless the first alone exceeds it.
pub fn page_extent(sizes: &[u64], limit: u32, max_bytes: usize) -> (usize, bool) {
    let mut total = 0u64;
    let mut taken = 0;
    for &size in sizes {
        total = total.saturating_add(size);
        if taken == limit as usize || (taken > 0 && total > max_bytes as u64) {
            return (taken, true);
        }
        taken += 1;
    }
    (taken, false)
}

/// Who uploads a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uploader<'a> {
    /// The user.
    pub user: &'a str,
    /// The device the bundle came from (not necessarily the commits' author).
    pub device: &'a str,
    /// Now, RFC 3339.
    pub now: &'a str,
}

/// The sync server's storage. Every method is one transaction.
///
/// Backends must keep these promises, which the API relies on:
/// - a commit's cursor is greater than every cursor visible before it was stored, so a reader
///   paging by cursor never skips a commit stored concurrently (SQLite serialises writers; a
///   PostgreSQL backend must serialise uploads, e.g. with a table lock, or hand out cursors at
///   commit time);
/// - an upload is all or nothing;
/// - revoking a user or device deletes its tokens in the same transaction.
pub trait SyncStore: Send + Sync {
    /// Schema version, commit count and whether the study exists.
    fn stats(&self) -> Result<StoreStats, StoreError>;

    /// The study, if created.
    fn study(&self) -> Result<Option<StudyRecord>, StoreError>;

    /// Stores the hash of a new set-up token, replacing an older one.
    fn set_setup_token(&self, hash: &[u8; 32]) -> Result<(), StoreError>;

    /// Creates the study and its data manager when `token_hash` matches the stored set-up
    /// token's hash (compared in constant time), then forgets that hash. Errors:
    /// `StudyExists`, `BadSetupToken`.
    fn create_study(
        &self,
        token_hash: &[u8; 32],
        study: &StudyRecord,
        manager: &UserRecord,
    ) -> Result<(), StoreError>;

    /// A user by name.
    fn user(&self, name: &str) -> Result<Option<UserRecord>, StoreError>;

    /// Every user, by name.
    fn users(&self) -> Result<Vec<UserRecord>, StoreError>;

    /// Adds a user. Errors: `UserExists`.
    fn add_user(&self, user: &UserRecord) -> Result<(), StoreError>;

    /// A data manager's reset of a forgotten passphrase: replaces the user's auth hash and
    /// wrapped key, sets "must change" and deletes the user's tokens (a session opened with the
    /// old passphrase ends). Errors: `NoSuchUser`.
    fn reset_user_key(
        &self,
        name: &str,
        auth_hash: &[u8; 32],
        key: &WrappedKey,
    ) -> Result<(), StoreError>;

    /// A user's own change: when `current_hash` matches the stored auth hash (compared in
    /// constant time), replaces the auth hash and wrapped key, clears "must change" and deletes
    /// the user's other tokens. Errors: `NoSuchUser`, `BadCredentials`.
    fn change_user_key(&self, change: &KeyChange<'_>) -> Result<(), StoreError>;

    /// Revokes a user and deletes its tokens (revoking twice is not an error). Errors:
    /// `NoSuchUser`, `LastDataManager`.
    fn revoke_user(&self, name: &str) -> Result<(), StoreError>;

    /// Every device with its commit count, by id: those registered (by a login or a
    /// revocation) and the authors known only from relayed commits.
    fn devices(&self) -> Result<Vec<DeviceRecord>, StoreError>;

    /// Revokes a device and deletes its tokens. A device that never logged in (known only from
    /// relayed commits, or not at all yet) is registered revoked, by the data manager `by` at
    /// `now` (RFC 3339), so that its new commits are refused from then on.
    fn revoke_device(&self, id: &str, by: &str, now: &str) -> Result<(), StoreError>;

    /// Registers the device if new and stores the token. Errors: `DeviceRevoked`;
    /// `BadCredentials` when the user's credential hash is no longer `auth_hash` or the user
    /// was revoked meanwhile.
    fn add_token(&self, token: &NewToken<'_>) -> Result<(), StoreError>;

    /// The live session of a token hash at `now_unix` (expired tokens are deleted and give
    /// `None`), marking its device seen at `now` (RFC 3339; a backend may skip the write while
    /// the stored time is in the same minute).
    fn session(
        &self,
        hash: &[u8; 32],
        now_unix: i64,
        now: &str,
    ) -> Result<Option<SessionRecord>, StoreError>;

    /// Deletes a token.
    fn delete_token(&self, hash: &[u8; 32]) -> Result<(), StoreError>;

    /// Stores a bundle's commits (sorted by device and sequence, checked, all or nothing) and
    /// answers, in the given order, whether each was stored or already held. Errors: `Upload`.
    fn upload(
        &self,
        uploader: &Uploader<'_>,
        commits: &[SealedCommit],
    ) -> Result<Vec<ecrf_core::sync::api::AckStatus>, StoreError>;

    /// At most `limit` commits with a cursor above `after`, in cursor order, and no more than
    /// `max_bytes` of sealed commits ([`page_extent`]; the first commit is given whatever its
    /// size, so that a reader always moves on).
    fn pull(&self, after: u64, limit: u32, max_bytes: usize) -> Result<Page, StoreError>;
}

#[cfg(test)]
mod tests;
