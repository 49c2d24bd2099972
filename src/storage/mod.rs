//! The device's database: IndexedDB through `rexie`, with a versioned schema.
//!
//! Every write is one IndexedDB transaction, so a crash leaves it whole or absent. The schema's
//! history is kept in [`schema`] so that a database created by any earlier version of the app is
//! migrated on open.

mod device_commits;
mod error;
pub mod schema;

use ecrf_core::log::Commit;
use ecrf_core::register::Patient;
use rexie::{Rexie, TransactionMode};
use wasm_bindgen::JsValue;

pub use error::StorageError;

/// The name of the study database.
pub const STUDY_DB: &str = "ecrf-study";

/// The name of the demo database: synthetic data, kept apart, never synced.
pub const DEMO_DB: &str = "ecrf-demo";

/// An open database.
#[derive(Debug)]
pub struct Db {
    rexie: Rexie,
}

fn to_js<T: serde::Serialize>(value: &T) -> Result<JsValue, StorageError> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| StorageError::Other(e.to_string()))
}

fn from_js<T: serde::de::DeserializeOwned>(value: JsValue) -> Result<T, StorageError> {
    serde_wasm_bindgen::from_value(value).map_err(|e| StorageError::Corrupt(e.to_string()))
}

impl Db {
    /// Opens `name` at the current schema version, migrating an older database.
    pub async fn open(name: &str) -> Result<Db, StorageError> {
        Db::open_at(name, schema::CURRENT).await
    }

    /// Opens `name` at schema `version` (tests use it to create old databases).
    pub async fn open_at(name: &str, version: u32) -> Result<Db, StorageError> {
        let rexie = schema::builder(name, version)?
            .build()
            .await
            .map_err(StorageError::from)?;
        Ok(Db { rexie })
    }

    /// The database's name.
    pub fn name(&self) -> String {
        self.rexie.name()
    }

    /// The schema version of the open database.
    pub fn version(&self) -> u32 {
        self.rexie.version().unwrap_or(0)
    }

    /// The object stores of the open database, sorted.
    pub fn store_names(&self) -> Vec<String> {
        let mut names = self.rexie.store_names();
        names.sort();
        names
    }

    /// The indexes of one object store, sorted.
    pub fn index_names(&self, store: &str) -> Result<Vec<String>, StorageError> {
        let tx = self
            .rexie
            .transaction(&[store], TransactionMode::ReadOnly)?;
        let mut names = tx.store(store)?.index_names();
        names.sort();
        Ok(names)
    }

    /// Closes the connection (so that a newer version elsewhere can upgrade it).
    pub fn close(self) {
        self.rexie.close();
    }

    /// Adds a new patient; refuses a subject ID already present.
    pub async fn add_patient(&self, patient: &Patient) -> Result<(), StorageError> {
        let tx = self
            .rexie
            .transaction(&[schema::PATIENTS], TransactionMode::ReadWrite)?;
        let store = tx.store(schema::PATIENTS)?;
        store.add(&to_js(patient)?, None).await?;
        tx.done().await?;
        Ok(())
    }

    /// One patient by subject ID.
    pub async fn patient(&self, subject_id: &str) -> Result<Option<Patient>, StorageError> {
        let tx = self
            .rexie
            .transaction(&[schema::PATIENTS], TransactionMode::ReadOnly)?;
        let store = tx.store(schema::PATIENTS)?;
        let value = store.get(JsValue::from_str(subject_id)).await?;
        value.map(from_js).transpose()
    }

    /// Every patient, in subject ID order.
    pub async fn patients(&self) -> Result<Vec<Patient>, StorageError> {
        let tx = self
            .rexie
            .transaction(&[schema::PATIENTS], TransactionMode::ReadOnly)?;
        let store = tx.store(schema::PATIENTS)?;
        let values = store.get_all(None, None).await?;
        let mut patients = values
            .into_iter()
            .map(from_js)
            .collect::<Result<Vec<Patient>, _>>()?;
        patients.sort_by_key(|p| p.subject_id);
        Ok(patients)
    }
}

impl Db {
    /// Stores one commit in its own transaction: on return it is durable, or nothing was
    /// written. Storing a commit already present (same id) is a no-op, so re-importing a bundle
    /// is safe; a different commit can never take an existing id (ids are content hashes).
    pub async fn put_commit(&self, commit: &Commit) -> Result<(), StorageError> {
        if !commit.is_intact() {
            return Err(StorageError::Corrupt(format!(
                "commit {} does not match its id",
                commit.id
            )));
        }
        let tx = self
            .rexie
            .transaction(&[schema::COMMITS], TransactionMode::ReadWrite)?;
        let store = tx.store(schema::COMMITS)?;
        match store
            .add(&to_js(commit)?, None)
            .await
            .map_err(StorageError::from)
        {
            Ok(_) => {}
            Err(StorageError::Duplicate) => return Ok(()),
            Err(e) => return Err(e),
        }
        tx.done().await?;
        Ok(())
    }

    /// Every stored commit, each checked against its id.
    pub async fn commits(&self) -> Result<Vec<Commit>, StorageError> {
        let tx = self
            .rexie
            .transaction(&[schema::COMMITS], TransactionMode::ReadOnly)?;
        let store = tx.store(schema::COMMITS)?;
        let values = store.get_all(None, None).await?;
        // Through the browser's JSON (one call per commit) rather than field by field across
        // the JS boundary: several times faster on large logs.
        let commits = values
            .into_iter()
            .map(|v| {
                let text = js_sys::JSON::stringify(&v)
                    .map_err(|_| StorageError::Corrupt("a commit is not JSON".into()))?;
                serde_json::from_str::<Commit>(&String::from(text))
                    .map_err(|e| StorageError::Corrupt(e.to_string()))
            })
            .collect::<Result<Vec<Commit>, _>>()?;
        match commits.iter().find(|c| !c.is_intact()) {
            Some(bad) => Err(StorageError::Corrupt(format!(
                "stored commit {} was altered",
                bad.id
            ))),
            None => Ok(commits),
        }
    }
}

impl Db {
    /// Stores many commits in one transaction (importing a file: all or nothing). Commits
    /// already present are kept as they are (same id, same content).
    pub async fn import_commits(&self, commits: &[Commit]) -> Result<(), StorageError> {
        if let Some(bad) = commits.iter().find(|c| !c.is_intact()) {
            return Err(StorageError::Corrupt(format!(
                "commit {} does not match its id",
                bad.id
            )));
        }
        let tx = self
            .rexie
            .transaction(&[schema::COMMITS], TransactionMode::ReadWrite)?;
        let store = tx.store(schema::COMMITS)?;
        for c in commits {
            store.put(&to_js(c)?, None).await?;
        }
        tx.done().await?;
        Ok(())
    }

    /// A device setting (`meta` store), when set.
    pub async fn meta<T: serde::de::DeserializeOwned>(
        &self,
        key: &str,
    ) -> Result<Option<T>, StorageError> {
        let tx = self
            .rexie
            .transaction(&[schema::META], TransactionMode::ReadOnly)?;
        let store = tx.store(schema::META)?;
        let Some(value) = store.get(JsValue::from_str(key)).await? else {
            return Ok(None);
        };
        let entry: MetaEntry<String, T> = from_js(value)?;
        Ok(Some(entry.value))
    }

    /// Sets a device setting.
    pub async fn set_meta<T: serde::Serialize>(
        &self,
        key: &str,
        value: &T,
    ) -> Result<(), StorageError> {
        let tx = self
            .rexie
            .transaction(&[schema::META], TransactionMode::ReadWrite)?;
        let store = tx.store(schema::META)?;
        let entry = MetaEntry { key, value };
        store.put(&to_js(&entry)?, None).await?;
        tx.done().await?;
        Ok(())
    }
}

/// A `meta` record: the key and its value.
#[derive(serde::Serialize, serde::Deserialize)]
struct MetaEntry<K, T> {
    key: K,
    value: T,
}

/// Deletes a database (tests and the demo study use it).
pub async fn delete(name: &str) -> Result<(), StorageError> {
    Rexie::builder(name)
        .delete()
        .await
        .map_err(StorageError::from)
}
