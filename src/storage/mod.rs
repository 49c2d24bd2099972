//! The device's database: IndexedDB through `rexie`, with a versioned schema.
//!
//! Every write is one IndexedDB transaction, so a crash leaves it whole or absent. The schema's
//! history is kept in [`schema`] so that a database created by any earlier version of the app is
//! migrated on open. The study's database is sealed (schema 4): its commits are stored sealed
//! under the device key ([`sealed`]) and read only once the vault is unlocked; the demo study's
//! (synthetic) stays clear.

mod device_commits;
mod error;
pub mod schema;
mod sealed;
pub mod snapshot;

use std::cell::RefCell;

use ecrf_core::log::Commit;
use ecrf_core::register::Patient;
use ecrf_core::sync::DataKey;
use rexie::{Rexie, TransactionMode};
use wasm_bindgen::JsValue;

pub use error::StorageError;

/// The name of the study database, sealed (schema 4).
pub const STUDY_DB: &str = "ecrf-study-sealed";

/// The name of the study database before it was sealed (schema 1 to 3, in the clear): copied
/// into [`STUDY_DB`] on the first unlock, then deleted whole.
pub const CLEAR_STUDY_DB: &str = "ecrf-study";

/// The name of the demo database: synthetic data, kept apart, never synced.
pub const DEMO_DB: &str = "ecrf-demo";

/// An open database.
#[derive(Debug)]
pub struct Db {
    rexie: Rexie,
    /// For a sealed database, the device key once unlocked; `None` for a clear one.
    sealing: Option<RefCell<Option<DataKey>>>,
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
    /// Opens the clear database `name` at the current clear schema, migrating an older one.
    pub async fn open(name: &str) -> Result<Db, StorageError> {
        Db::open_at(name, schema::CLEAR).await
    }

    /// Opens the sealed database `name` (schema 4), locked until [`Db::unlock`].
    pub async fn open_sealed(name: &str) -> Result<Db, StorageError> {
        Db::open_at(name, schema::SEALED_VERSION).await
    }

    /// Opens `name` at schema `version` (tests use it to create old databases).
    pub async fn open_at(name: &str, version: u32) -> Result<Db, StorageError> {
        let rexie = schema::builder(name, version)?
            .build()
            .await
            .map_err(StorageError::from)?;
        let sealing = (version == schema::SEALED_VERSION).then(|| RefCell::new(None));
        Ok(Db { rexie, sealing })
    }

    /// Whether commits are stored sealed.
    pub fn is_sealed(&self) -> bool {
        self.sealing.is_some()
    }

    /// Gives a sealed database its device key (after the vault opened); no effect on a clear one.
    pub fn unlock(&self, key: DataKey) {
        if let Some(k) = &self.sealing {
            *k.borrow_mut() = Some(key);
        }
    }

    /// The device key of an unlocked sealed database (to wrap it for another user).
    pub fn device_key(&self) -> Option<DataKey> {
        self.sealing.as_ref().and_then(|k| k.borrow().clone())
    }

    /// The device key of a sealed database: `Ok(None)` for a clear one, `Locked` before unlock.
    fn key(&self) -> Result<Option<DataKey>, StorageError> {
        match &self.sealing {
            None => Ok(None),
            Some(k) => k.borrow().clone().map(Some).ok_or(StorageError::Locked),
        }
    }

    /// The object store of the commit log.
    fn commit_store(&self) -> &'static str {
        if self.is_sealed() {
            schema::SEALED
        } else {
            schema::COMMITS
        }
    }

    /// A commit as stored: sealed under the device key, or the commit itself.
    fn encode(&self, commit: &Commit) -> Result<JsValue, StorageError> {
        match self.key()? {
            Some(key) => sealed::seal(commit, &key),
            None => to_js(commit),
        }
    }

    /// A stored commit read back: opened when sealed (the tag proves it is the commit this
    /// device checked against its id and sealed), else checked against its id.
    fn decode(
        &self,
        value: &JsValue,
        key: Option<&DataKey>,
        names: &sealed::RecordKeys,
    ) -> Result<Commit, StorageError> {
        if let Some(key) = key {
            return sealed::open(value, key, names);
        }
        let text = js_sys::JSON::stringify(value)
            .map_err(|_| StorageError::Corrupt("a commit is not JSON".into()))?;
        let commit = serde_json::from_str::<Commit>(&String::from(text))
            .map_err(|e| StorageError::Corrupt(e.to_string()))?;
        if commit.is_intact() {
            Ok(commit)
        } else {
            Err(StorageError::Corrupt(format!(
                "stored commit {} was altered",
                commit.id
            )))
        }
    }

    /// Decodes many stored commits.
    fn decode_all(&self, values: Vec<JsValue>) -> Result<Vec<Commit>, StorageError> {
        let key = self.key()?;
        let names = sealed::RecordKeys::new();
        values
            .iter()
            .map(|v| self.decode(v, key.as_ref(), &names))
            .collect()
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
        let value = self.encode(commit)?;
        let store_name = self.commit_store();
        let tx = self
            .rexie
            .transaction(&[store_name], TransactionMode::ReadWrite)?;
        let store = tx.store(store_name)?;
        match store.add(&value, None).await.map_err(StorageError::from) {
            Ok(_) => {}
            Err(StorageError::Duplicate) => return Ok(()),
            Err(e) => return Err(e),
        }
        tx.done().await?;
        Ok(())
    }

    /// Every stored commit, each checked against its id (and opened, when sealed). A clear
    /// commit is read through the browser's JSON (one call per commit) rather than field by
    /// field across the JS boundary: several times faster on large logs.
    pub async fn commits(&self) -> Result<Vec<Commit>, StorageError> {
        let store_name = self.commit_store();
        let tx = self
            .rexie
            .transaction(&[store_name], TransactionMode::ReadOnly)?;
        let store = tx.store(store_name)?;
        let values = store.get_all(None, None).await?;
        self.decode_all(values)
    }
}

/// A stored commit record that did not open or did not check (damaged in the browser's files,
/// say): kept in the store as it is, never deleted, and set aside from the fold.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// The record's clear id (the commit id it is filed under).
    pub id: String,
    /// The device and sequence it is filed under (clear: a device continues its chain after
    /// its own record even when that record does not open).
    pub device: String,
    /// See `device`.
    pub seq: u64,
    /// Why it was set aside.
    pub why: String,
}

impl Db {
    /// Every stored commit that opens and checks, and the records that do not (set aside, not
    /// deleted): one damaged record must not keep the study from opening. A locked database, or
    /// a read that fails, is still an error.
    pub async fn readable_commits(&self) -> Result<(Vec<Commit>, Vec<Unreadable>), StorageError> {
        let store_name = self.commit_store();
        let tx = self
            .rexie
            .transaction(&[store_name], TransactionMode::ReadOnly)?;
        let values = tx.store(store_name)?.get_all(None, None).await?;
        let (commits, unreadable) = self.decode_readable(&values)?;
        // Nothing opens, though records are stored: the key is not this store's (or every record
        // is damaged). Refused whole, never an empty study that new saves would start over.
        if commits.is_empty() && !unreadable.is_empty() {
            return Err(StorageError::Sealed(format!(
                "none of the {} stored records opens",
                unreadable.len()
            )));
        }
        Ok((commits, unreadable))
    }

    /// Decodes stored records, setting aside those that do not open or check.
    fn decode_readable(
        &self,
        values: &[JsValue],
    ) -> Result<(Vec<Commit>, Vec<Unreadable>), StorageError> {
        let key = self.key()?;
        let names = sealed::RecordKeys::new();
        let (mut commits, mut unreadable) = (Vec::with_capacity(values.len()), Vec::new());
        for v in values {
            match self.decode(v, key.as_ref(), &names) {
                Ok(c) => commits.push(c),
                Err(e @ (StorageError::Sealed(_) | StorageError::Corrupt(_))) => {
                    let get = |k: &str| js_sys::Reflect::get(v, &JsValue::from_str(k)).ok();
                    let text = |k: &str| get(k).and_then(|x| x.as_string()).unwrap_or_default();
                    unreadable.push(Unreadable {
                        id: text("id"),
                        device: text("device"),
                        seq: get("seq").and_then(|x| x.as_f64()).unwrap_or(0.0) as u64,
                        why: e.to_string(),
                    });
                }
                Err(e) => return Err(e),
            }
        }
        Ok((commits, unreadable))
    }

    /// Stores commit records exactly as given, in one transaction (for tests that damage a
    /// record on purpose; the app writes commits only through [`Db::put_commit`] and
    /// [`Db::import_commits`], which check them).
    pub async fn put_raw_commit_records(&self, records: &[JsValue]) -> Result<(), StorageError> {
        let store_name = self.commit_store();
        let tx = self
            .rexie
            .transaction(&[store_name], TransactionMode::ReadWrite)?;
        let store = tx.store(store_name)?;
        for r in records {
            store.put(r, None).await?;
        }
        tx.done().await?;
        Ok(())
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
        let values = commits
            .iter()
            .map(|c| self.encode(c))
            .collect::<Result<Vec<_>, _>>()?;
        let store_name = self.commit_store();
        let tx = self
            .rexie
            .transaction(&[store_name], TransactionMode::ReadWrite)?;
        let store = tx.store(store_name)?;
        for v in &values {
            store.put(v, None).await?;
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

    /// Sets a device setting that must not exist yet: `Duplicate` when it does (one
    /// transaction, so two tabs cannot both set it).
    pub async fn add_meta<T: serde::Serialize>(
        &self,
        key: &str,
        value: &T,
    ) -> Result<(), StorageError> {
        self.write_meta(key, value, true).await
    }

    /// Sets a device setting.
    pub async fn set_meta<T: serde::Serialize>(
        &self,
        key: &str,
        value: &T,
    ) -> Result<(), StorageError> {
        self.write_meta(key, value, false).await
    }

    /// Writes a `meta` record in its own transaction: added (refused if present) or put.
    async fn write_meta<T: serde::Serialize>(
        &self,
        key: &str,
        value: &T,
        add: bool,
    ) -> Result<(), StorageError> {
        let tx = self
            .rexie
            .transaction(&[schema::META], TransactionMode::ReadWrite)?;
        let store = tx.store(schema::META)?;
        let entry = to_js(&MetaEntry { key, value })?;
        if add {
            store.add(&entry, None).await?;
        } else {
            store.put(&entry, None).await?;
        }
        tx.done().await?;
        Ok(())
    }
}

impl Db {
    /// Every commit record exactly as stored (sealed or clear), for checking what the device
    /// holds at rest.
    pub async fn raw_commit_records(&self) -> Result<Vec<JsValue>, StorageError> {
        let store = self.commit_store();
        let tx = self
            .rexie
            .transaction(&[store], TransactionMode::ReadOnly)?;
        Ok(tx.store(store)?.get_all(None, None).await?)
    }

    /// Every `meta` record as stored (for copying a database's settings into another).
    pub async fn meta_records(&self) -> Result<Vec<JsValue>, StorageError> {
        let tx = self
            .rexie
            .transaction(&[schema::META], TransactionMode::ReadOnly)?;
        Ok(tx.store(schema::META)?.get_all(None, None).await?)
    }

    /// Stores `meta` records as read by [`Db::meta_records`] (one transaction).
    pub async fn put_meta_records(&self, records: &[JsValue]) -> Result<(), StorageError> {
        let tx = self
            .rexie
            .transaction(&[schema::META], TransactionMode::ReadWrite)?;
        let store = tx.store(schema::META)?;
        for r in records {
            store.put(r, None).await?;
        }
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

/// Whether the database `name` exists (`indexedDB.databases()`; where the browser lacks it,
/// assumed present: opening it then finds out).
pub async fn exists(name: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(factory) = web_sys::window().and_then(|w| w.indexed_db().ok().flatten()) else {
        return false;
    };
    let Ok(databases) = js_sys::Reflect::get(&factory, &"databases".into()) else {
        return true;
    };
    let Some(databases) = databases.dyn_ref::<js_sys::Function>() else {
        return true;
    };
    let Ok(promise) = databases.call0(&factory) else {
        return true;
    };
    let Ok(list) = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::from(promise)).await
    else {
        return true;
    };
    js_sys::Array::from(&list).iter().any(|d| {
        js_sys::Reflect::get(&d, &"name".into())
            .ok()
            .and_then(|n| n.as_string())
            .as_deref()
            == Some(name)
    })
}
