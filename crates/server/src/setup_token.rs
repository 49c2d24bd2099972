//! The one-time set-up token: made when the server starts with no study, written to
//! `DATA_DIR/setup-token` (mode 0600) for the operator, kept in the store only as its hash, and
//! spent by `POST /api/study`.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::secrets::{random_bytes, sha256};
use crate::store::SyncStore;

/// The token file's name in the data folder.
pub const FILE_NAME: &str = "setup-token";

/// Why a set-up token could not be made.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SetupError {
    /// The operating system gave no random bytes.
    #[error("no random bytes: {0}")]
    Random(getrandom::Error),
    /// The store failed.
    #[error(transparent)]
    Store(#[from] crate::store::StoreError),
    /// The file could not be written.
    #[error("writing the set-up token: {0}")]
    Io(#[from] std::io::Error),
}

/// When the store holds no study: a new token (32 random bytes, hex), its hash stored in place
/// of any older one. `None` when the study exists.
pub fn prepare(store: &dyn SyncStore) -> Result<Option<String>, SetupError> {
    if store.study()?.is_some() {
        return Ok(None);
    }
    let token = hex::encode(random_bytes::<32>().map_err(SetupError::Random)?);
    store.set_setup_token(&sha256(token.as_bytes()))?;
    Ok(Some(token))
}

/// Writes `token` to `dir/setup-token`, readable by the owner only, replacing an older file.
pub fn write(dir: &Path, token: &str) -> Result<PathBuf, SetupError> {
    let path = dir.join(FILE_NAME);
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e.into()),
        _ => {}
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(&path)?;
    file.write_all(token.as_bytes())?;
    file.write_all(b"\n")?;
    file.sync_all()?;
    Ok(path)
}

/// Deletes the token file once the study exists (a missing file is fine).
pub fn remove(path: &Path) {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            tracing::warn!(error = %e, "could not delete the set-up token file");
        }
        _ => {}
    }
}
