//! The sync formats (`docs/sync-protocol.md`, version 1): a commit sealed with AES-256-GCM under
//! the study data key behind a clear header bound as associated data, bundles of sealed commits,
//! and the key hierarchy (passphrase -> PBKDF2 -> HKDF -> key-encryption and server-auth keys,
//! the data key wrapped per user). Pure: keys, salts and nonces are arguments.

pub mod api;
pub mod authors;
pub mod batches;
mod bundle;
mod error;
pub mod keys;
pub mod outbox;
mod reader;
mod sealed;
pub mod snapshot;
pub mod vault;

pub use bundle::{Bundle, StudyId};
pub use error::FormatError;
pub use keys::{DataKey, WrappedKey};
pub use sealed::{Compression, SealedCommit, SealedHeader};

/// The format version this code writes and reads.
pub const VERSION: u8 = 1;

#[cfg(test)]
mod tests;
