//! One device's commits, through the `by_device` index: how many are stored (a cheap count) and
//! which, so that a tab can catch up with what another tab of the same device saved.

use ecrf_core::log::Commit;
use rexie::{KeyRange, TransactionMode};
use wasm_bindgen::JsValue;

use super::{Db, StorageError};

const BY_DEVICE: &str = "by_device";

fn only(device: &str) -> Result<KeyRange, StorageError> {
    KeyRange::only(&JsValue::from_str(device)).map_err(|e| StorageError::Other(e.to_string()))
}

impl Db {
    /// How many commits of `device` are stored.
    pub async fn device_commit_count(&self, device: &str) -> Result<u32, StorageError> {
        let store = self.commit_store();
        let tx = self
            .rexie
            .transaction(&[store], TransactionMode::ReadOnly)?;
        let index = tx.store(store)?.index(BY_DEVICE)?;
        Ok(index.count(Some(only(device)?)).await?)
    }

    /// How many commits are stored, of every device.
    pub async fn commit_count(&self) -> Result<u32, StorageError> {
        let store = self.commit_store();
        let tx = self
            .rexie
            .transaction(&[store], TransactionMode::ReadOnly)?;
        Ok(tx.store(store)?.count(None).await?)
    }

    /// Every stored commit of `device` that opens and checks (one that does not was set aside
    /// when the study was read: [`Db::readable_commits`]).
    pub async fn device_commits(&self, device: &str) -> Result<Vec<Commit>, StorageError> {
        let store = self.commit_store();
        let tx = self
            .rexie
            .transaction(&[store], TransactionMode::ReadOnly)?;
        let index = tx.store(store)?.index(BY_DEVICE)?;
        let values = index.get_all(Some(only(device)?), None).await?;
        Ok(self.decode_readable(&values)?.0)
    }
}
