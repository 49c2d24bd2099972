//! The IndexedDB schema and its history. Each version lists the complete set of stores and
//! indexes; opening with a higher version creates what an older database lacks.
//!
//! Version history:
//! 1. `patients` keyed by `subject_id`.
//! 2. `patients` gains the index `by_enrollment`; `meta` (keyed by `key`) holds device settings.

use rexie::{Index, ObjectStore, RexieBuilder};

use super::StorageError;

/// The registered patients.
pub const PATIENTS: &str = "patients";
/// Device settings (device id, cursors), keyed by `key`.
pub const META: &str = "meta";

/// The schema version this build writes.
pub const CURRENT: u32 = 2;

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
        _ => return Err(StorageError::UnknownSchema(version)),
    })
}

use rexie::Rexie;
