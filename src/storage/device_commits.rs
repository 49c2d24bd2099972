//! One device's commits, through the `by_device` index: how many are stored (a cheap count) and
//! which, so that a tab can catch up with what another tab of the same device saved.

use ecrf_core::log::Commit;
use rexie::{KeyRange, TransactionMode};
use wasm_bindgen::JsValue;

use super::{schema, Db, StorageError};

const BY_DEVICE: &str = "by_device";

fn only(device: &str) -> Result<KeyRange, StorageError> {
    KeyRange::only(&JsValue::from_str(device)).map_err(|e| StorageError::Other(e.to_string()))
}

impl Db {
    /// How many commits of `device` are stored.
    pub async fn device_commit_count(&self, device: &str) -> Result<u32, StorageError> {
        let tx = self
            .rexie
            .transaction(&[schema::COMMITS], TransactionMode::ReadOnly)?;
        let index = tx.store(schema::COMMITS)?.index(BY_DEVICE)?;
        Ok(index.count(Some(only(device)?)).await?)
    }

    /// How many commits are stored, of every device.
    pub async fn commit_count(&self) -> Result<u32, StorageError> {
        let tx = self
            .rexie
            .transaction(&[schema::COMMITS], TransactionMode::ReadOnly)?;
        Ok(tx.store(schema::COMMITS)?.count(None).await?)
    }

    /// Every stored commit of `device`, each checked against its id.
    pub async fn device_commits(&self, device: &str) -> Result<Vec<Commit>, StorageError> {
        let tx = self
            .rexie
            .transaction(&[schema::COMMITS], TransactionMode::ReadOnly)?;
        let index = tx.store(schema::COMMITS)?.index(BY_DEVICE)?;
        let values = index.get_all(Some(only(device)?), None).await?;
        values
            .into_iter()
            .map(|v| {
                let text = js_sys::JSON::stringify(&v)
                    .map_err(|_| StorageError::Corrupt("a commit is not JSON".into()))?;
                let commit: Commit = serde_json::from_str(&String::from(text))
                    .map_err(|e| StorageError::Corrupt(e.to_string()))?;
                if commit.is_intact() {
                    Ok(commit)
                } else {
                    Err(StorageError::Corrupt(format!(
                        "stored commit {} was altered",
                        commit.id
                    )))
                }
            })
            .collect()
    }
}
