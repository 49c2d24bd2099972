//! What can go wrong with the device's database, told so a coordinator knows what to do.

use crate::i18n::Msg;

/// A storage failure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// The device's storage quota is exhausted.
    #[error("storage quota exceeded")]
    Quota,
    /// Opening needs an upgrade that another tab (holding an older version) blocks.
    #[error("upgrade blocked by another tab")]
    Blocked,
    /// IndexedDB is missing (private mode in some browsers, or disabled).
    #[error("IndexedDB is unavailable")]
    Unavailable,
    /// The database has a newer schema than this build knows.
    #[error("the database was written by a newer version of the app")]
    TooNew,
    /// A record with that key exists already.
    #[error("a record with this key exists already")]
    Duplicate,
    /// A stored record could not be read back.
    #[error("a stored record could not be read: {0}")]
    Corrupt(String),
    /// This build has no definition for the requested schema version.
    #[error("unknown schema version {0}")]
    UnknownSchema(u32),
    /// The sealed database is locked: no device key yet.
    #[error("the study is locked")]
    Locked,
    /// A sealed commit does not open with the device key: altered, or of another device key.
    #[error("a sealed record does not open: {0}")]
    Sealed(String),
    /// No secure random source (Web Crypto) to make a key or a nonce.
    #[error("no secure random source in this browser")]
    NoRandom,
    /// Anything else IndexedDB reported.
    #[error("{0}")]
    Other(String),
}

impl StorageError {
    /// The message the user sees.
    pub fn msg(&self) -> Msg {
        match self {
            StorageError::Quota => Msg::ErrQuota,
            StorageError::Blocked => Msg::ErrBlocked,
            StorageError::Unavailable => Msg::ErrUnavailable,
            StorageError::TooNew => Msg::ErrTooNew,
            StorageError::Sealed(_) => Msg::ErrSealed,
            StorageError::Locked => Msg::ErrLocked,
            StorageError::NoRandom => Msg::ErrNoRandom,
            _ => Msg::ErrOther,
        }
    }
}

impl From<rexie::Error> for StorageError {
    /// Classifies by the DOMException name IndexedDB reports, which rexie keeps in its message.
    fn from(err: rexie::Error) -> StorageError {
        let text = format!("{err:?} {err}");
        if text.contains("QuotaExceeded") {
            StorageError::Quota
        } else if text.contains("VersionError") {
            StorageError::TooNew
        } else if text.contains("ConstraintError") {
            StorageError::Duplicate
        } else if text.contains("indexedDB") && text.contains("not") {
            StorageError::Unavailable
        } else {
            StorageError::Other(err.to_string())
        }
    }
}
