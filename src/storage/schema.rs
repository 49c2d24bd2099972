//! The IndexedDB schema and its history. Each version lists the complete set of stores and
//! indexes; opening with a higher version creates what an older database lacks.
//!
//! Version history:
//! 1. `patients` keyed by `subject_id`.
//! 2. `patients` gains the index `by_enrollment`; `meta` (keyed by `key`) holds device settings.
//! 3. `commits` (keyed by the commit `id`, indexed `by_device`): the commit log, the store the
//!    CRFs move to.
//! 4. The sealed database (a new database, [`super::STUDY_DB`]): `sealed` (keyed by the commit
//!    `id`, indexed `by_device`) holds each commit sealed under the device key (clear: id,
//!    device, sequence; the rest in the sealed bytes), `meta` the vault (wrapped keys) and the
//!    device's non-identifying settings. No `patients` store: nothing identifying in the clear.
//!    A version 3 database is copied into it, sealed, on the first unlock and then deleted whole
//!    (`crate::vault`).
//! 5. The clear database of an earlier version, reopened by this version only to be sealed:
//!    the same stores as 3. The upgrade cannot complete while a tab of an earlier version holds
//!    the database open, so none of them can write to it during the copy (and none can open it
//!    afterwards: its version is older).

use rexie::{Index, ObjectStore, RexieBuilder};

use super::StorageError;

/// The registered patients.
pub const PATIENTS: &str = "patients";
/// Device settings (device id, cursors), keyed by `key`.
pub const META: &str = "meta";

/// The commit log, keyed by commit id.
pub const COMMITS: &str = "commits";

/// Commits sealed under the device key, keyed by commit id (schema 4).
pub const SEALED: &str = "sealed";

/// The schema version of the clear databases this build writes (the demo study's, and the
/// study's before it is sealed).
pub const CLEAR: u32 = 3;

/// The schema version of the sealed study database.
pub const SEALED_VERSION: u32 = 4;

/// The version the clear database of an earlier version is reopened at to be sealed.
pub const CLEAR_SEALING: u32 = 5;

/// A builder for `name` at schema `version`.
pub fn builder(name: &str, version: u32) -> Result<RexieBuilder, StorageError> {
    let builder = Rexie::builder(name).version(version);
    Ok(match version {
        1 => builder.add_object_store(ObjectStore::new(PATIENTS).key_path("subject_id")),
        2 => builder
            .add_object_store(
                ObjectStore::new(PATIENTS)
                    .key_path("subject_id")
                    .add_index(Index::new("by_enrollment", "enrollment_date")),
            )
            .add_object_store(ObjectStore::new(META).key_path("key")),
        3 | CLEAR_SEALING => builder
            .add_object_store(
                ObjectStore::new(PATIENTS)
                    .key_path("subject_id")
                    .add_index(Index::new("by_enrollment", "enrollment_date")),
            )
            .add_object_store(ObjectStore::new(META).key_path("key"))
            .add_object_store(
                ObjectStore::new(COMMITS)
                    .key_path("id")
                    .add_index(Index::new("by_device", "device")),
            ),
        4 => builder
            .add_object_store(ObjectStore::new(META).key_path("key"))
            .add_object_store(
                ObjectStore::new(SEALED)
                    .key_path("id")
                    .add_index(Index::new("by_device", "device")),
            ),
        _ => return Err(StorageError::UnknownSchema(version)),
    })
}

use rexie::Rexie;
