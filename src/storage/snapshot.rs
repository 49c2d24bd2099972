//! The sealed snapshot of the fold at rest (`docs/sync-protocol.md`, "Sealed snapshot"): one
//! `meta` record `{key: "snapshot", sealed}`, the state sealed under the device key, so that an
//! unlock opens it and reads only the records stored after it (found by their keys alone).

use std::collections::BTreeSet;

use ecrf_core::log::snapshot::Snapshot;
use ecrf_core::log::Commit;
use ecrf_core::sync::snapshot::{
    open_snapshot, read_sealed_snapshot, seal_snapshot, snapshot_of_plaintext,
};
use ecrf_core::sync::{Compression, FormatError};
use js_sys::{Object, Reflect, Uint8Array};
use rexie::TransactionMode;
use wasm_bindgen::{JsCast, JsValue};

use super::{schema, Db, StorageError, Unreadable};

/// The `meta` key of the sealed snapshot.
pub const SNAPSHOT_KEY: &str = "snapshot";

thread_local! {
    /// The sealed snapshot's bytes read ahead by [`Db::prefetch_snapshot`], with the database's
    /// name.
    static PREFETCHED: std::cell::RefCell<Option<(String, Vec<u8>)>> =
        const { std::cell::RefCell::new(None) };
}

impl Db {
    /// The stored snapshot, opened with the device key; `Ok(None)` when there is none (and
    /// always for a clear database, which keeps none).
    ///
    /// # Errors
    /// `Locked` before unlock; `Sealed` for a record that does not open (altered, another key,
    /// or a format this app does not read): the caller reads the records instead.
    pub async fn snapshot(&self) -> Result<Option<Snapshot>, StorageError> {
        let Some(key) = self.key()? else {
            return Ok(None);
        };
        let started = crate::device::now_ms();
        let prefetched = PREFETCHED.with(|p| match p.borrow_mut().take() {
            Some((name, bytes)) if name == self.name() => Some(bytes),
            _ => None,
        });
        let bytes = match prefetched {
            Some(bytes) => bytes,
            None => match self.snapshot_bytes().await? {
                Some(bytes) => bytes,
                None => return Ok(None),
            },
        };
        let bad = |e: FormatError| StorageError::Sealed(format!("snapshot: {e}"));
        let sealed = read_sealed_snapshot(&bytes).map_err(bad)?;
        if sealed.key_id != key.id {
            return Err(bad(FormatError::UnknownKey(sealed.key_id)));
        }
        let read = crate::device::now_ms();
        // Web Crypto opens tens of megabytes several times faster; the core where it is missing.
        let opened = crate::crypto::web_crypto_aes_gcm_decrypt(
            key.bytes(),
            &sealed.nonce,
            sealed.header,
            sealed.body,
        )
        .await;
        let decrypted = crate::device::now_ms();
        let snapshot = match opened {
            Ok(Some(plaintext)) => snapshot_of_plaintext(&plaintext, sealed.compression)
                .map(Some)
                .map_err(bad),
            Ok(None) => open_snapshot(&bytes, std::slice::from_ref(&key))
                .map(Some)
                .map_err(bad),
            Err(()) => Err(bad(FormatError::Decrypt)),
        };
        gloo::console::log!(format!(
            "ecrf: snapshot of {} bytes read in {:.0} ms, decrypted in {:.0} ms, decoded in {:.0} ms",
            bytes.len(),
            read - started,
            decrypted - read,
            crate::device::now_ms() - decrypted
        ));
        snapshot
    }

    /// The stored snapshot's sealed bytes, unopened (no key needed); `Ok(None)` when there is
    /// none.
    ///
    /// # Errors
    /// A read that fails; `Sealed` for a record without sealed bytes.
    async fn snapshot_bytes(&self) -> Result<Option<Vec<u8>>, StorageError> {
        let tx = self
            .rexie
            .transaction(&[schema::META], TransactionMode::ReadOnly)?;
        let Some(record) = tx
            .store(schema::META)?
            .get(JsValue::from_str(SNAPSHOT_KEY))
            .await?
        else {
            return Ok(None);
        };
        Reflect::get(&record, &JsValue::from_str("sealed"))
            .ok()
            .filter(|v| v.is_instance_of::<Uint8Array>())
            .map(|v| Some(Uint8Array::new(&v).to_vec()))
            .ok_or_else(|| StorageError::Sealed("the snapshot record has no sealed bytes".into()))
    }

    /// Reads the snapshot's sealed bytes ahead, while the passphrase's key is derived (the read
    /// needs no key), for [`Db::snapshot`] to take. Safe if a tab writes a newer one meanwhile:
    /// an older snapshot holds only stored commits too, and the records after it are read. A
    /// failure only leaves nothing read ahead.
    pub async fn prefetch_snapshot(&self) {
        if let Ok(Some(bytes)) = self.snapshot_bytes().await {
            PREFETCHED.with(|p| *p.borrow_mut() = Some((self.name(), bytes)));
        }
    }

    /// Drops what [`Db::prefetch_snapshot`] read (an unlock that failed).
    pub fn forget_prefetched_snapshot() {
        PREFETCHED.with(|p| p.borrow_mut().take());
    }

    /// Seals `snapshot` under the device key with a fresh random nonce and stores it in place
    /// of the last one; returns its size, bytes. Nothing for a clear database (`Ok(0)`).
    pub async fn put_snapshot(&self, snapshot: &Snapshot) -> Result<usize, StorageError> {
        let Some(key) = self.key()? else {
            return Ok(0);
        };
        let mut nonce = [0u8; 12];
        if !crate::sync::secure_random(&mut nonce) {
            return Err(StorageError::NoRandom);
        }
        let sealed = seal_snapshot(snapshot, &key, nonce, Compression::None)
            .map_err(|e| StorageError::Sealed(e.to_string()))?;
        let record = Object::new();
        let set = |k: &str, v: &JsValue| {
            Reflect::set(&record, &JsValue::from_str(k), v)
                .map(|_| ())
                .map_err(|_| StorageError::Other("cannot build the snapshot record".into()))
        };
        set("key", &JsValue::from_str(SNAPSHOT_KEY))?;
        set("sealed", &Uint8Array::from(sealed.as_slice()).into())?;
        let tx = self
            .rexie
            .transaction(&[schema::META], TransactionMode::ReadWrite)?;
        tx.store(schema::META)?.put(&record.into(), None).await?;
        tx.done().await?;
        Ok(sealed.len())
    }

    /// The ids every stored commit record is filed under: keys only, no record read.
    pub async fn commit_ids(&self) -> Result<Vec<String>, StorageError> {
        let store = self.commit_store();
        let tx = self
            .rexie
            .transaction(&[store], TransactionMode::ReadOnly)?;
        let keys = tx.store(store)?.get_all_keys(None, None).await?;
        Ok(keys.iter().filter_map(JsValue::as_string).collect())
    }

    /// The stored records with the ids of `wanted` (read in id order, as [`Db::readable_commits`]
    /// reads), opened and checked; those that do not open or check are set aside, as
    /// [`Db::readable_commits`] does. An id with no record is left out.
    pub async fn readable_commits_among(
        &self,
        wanted: &BTreeSet<String>,
    ) -> Result<(Vec<Commit>, Vec<Unreadable>), StorageError> {
        if wanted.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let store = self.commit_store();
        let tx = self
            .rexie
            .transaction(&[store], TransactionMode::ReadOnly)?;
        let store = tx.store(store)?;
        let mut values = Vec::with_capacity(wanted.len());
        for id in wanted {
            if let Some(v) = store.get(JsValue::from_str(id)).await? {
                values.push(v);
            }
        }
        self.decode_readable(&values)
    }
}
