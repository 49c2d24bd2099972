//! Background Sync: when an exchange cannot reach the server, or changes are saved while
//! offline, this tablet's unsent commits are handed to the service worker already sealed under
//! the study data key (the bundles of an upload) with the session's bearer token, and a
//! one-off `sync` is registered; where the browser has Background Sync, the service worker
//! (`public/sw.js`) uploads them when the network returns, even after the tab was closed, and
//! records the server's acknowledgements, which the app takes as server tips at its next start
//! or exchange. Everything stays idempotent: the app's own exchange may send the same commits
//! (the server acknowledges repeats), and a hand-off the service worker never sends changes
//! nothing.
//!
//! Not for a data manager (their token also opens the admin API) nor a monitor (who sends
//! nothing). The hand-off lives in its own database, `ecrf-background` (store `handoff`, keyed by
//! `key`): `pending` = `{key, token, bundles: [bytes], study, created}` and `acks` = `{key, acks:
//! [[device, seq, commit id]]}`. It holds no key that opens a record: the bundles are sealed,
//! and the token (random, stored hashed on the server, expiring, ended by a sign-out, a revoked
//! user or device) only lets the holder upload sealed commits and download sealed ones.

use ecrf_core::sync::batches::split_batches;
use ecrf_core::sync::outbox::{on_server, outbox, ServerTips};
use ecrf_core::sync::Bundle;
use js_sys::{Array, Object, Reflect, Uint8Array};
use rexie::{ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::prelude::*;

use super::session::Session;
use crate::storage::{Db, StorageError};

/// The hand-off database.
pub const DB_NAME: &str = "ecrf-background";
const STORE: &str = "handoff";
/// The Background Sync tag the service worker answers.
pub const TAG: &str = "ecrf-outbox";

#[wasm_bindgen(inline_js = r#"
export async function register_background_sync(tag) {
  if (!("serviceWorker" in navigator)) return false;
  const registration = await navigator.serviceWorker.ready;
  if (!registration.sync) return false;
  await registration.sync.register(tag);
  return true;
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn register_background_sync(tag: &str) -> Result<JsValue, JsValue>;
}

async fn open() -> Result<Rexie, StorageError> {
    Rexie::builder(DB_NAME)
        .version(1)
        .add_object_store(ObjectStore::new(STORE).key_path("key"))
        .build()
        .await
        .map_err(StorageError::from)
}

fn set(obj: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), value);
}

fn local(e: impl std::fmt::Display) -> StorageError {
    StorageError::Other(e.to_string())
}

/// Hands this device's commits that the server lacks to the service worker, sealed under the
/// study key, and registers the one-off sync. Returns whether the browser has Background Sync
/// (false: the app's own exchanges send them, as always).
pub async fn hand_off(db: &Db, session: &Session) -> Result<bool, StorageError> {
    // A data manager's token also opens the admin API, and a monitor sends nothing: neither is
    // left at rest.
    if session.role.is_admin() || !session.role.can_write() {
        return Ok(false);
    }
    let Some(device) = crate::local::with(|l| l.log.as_ref().map(|g| g.device.clone())) else {
        return Ok(false);
    };
    if super::run::check_study(db, &session.study).await.is_err() {
        return Ok(false);
    }
    let tips: ServerTips = db.meta(super::run::TIPS_KEY).await?.unwrap_or_default();
    let own = db.device_commits(&device).await?;
    // The outbox's rule: above the tip, in chain order, never a commit off the kept chain.
    let pending = outbox(&own, &tips);
    if pending.is_empty() {
        clear().await?;
        return Ok(false);
    }
    let sealed = super::seal_all(&pending, &session.key).map_err(|e| match e {
        super::SealError::NoRandom => StorageError::NoRandom,
        super::SealError::Format(m) => local(m),
    })?;
    let sizes: Vec<usize> = sealed.iter().map(|s| s.to_bytes().len()).collect();
    let bundles = Array::new();
    for range in split_batches(&sizes, super::run::BUNDLE_COMMITS, super::run::BUNDLE_BYTES) {
        let bytes = Bundle {
            study: session.study,
            commits: sealed[range].to_vec(),
        }
        .to_bytes()
        .map_err(local)?;
        bundles.push(&Uint8Array::from(bytes.as_slice()));
    }
    let record = Object::new();
    set(&record, "key", &JsValue::from_str("pending"));
    set(&record, "token", &JsValue::from_str(&session.token));
    set(
        &record,
        "study",
        &JsValue::from_str(&hex::encode(session.study)),
    );
    set(&record, "bundles", &bundles);
    set(&record, "created", &JsValue::from_f64(js_sys::Date::now()));
    let rexie = open().await?;
    let tx = rexie.transaction(&[STORE], TransactionMode::ReadWrite)?;
    tx.store(STORE)?.put(&record, None).await?;
    tx.done().await?;
    rexie.close();
    Ok(register_background_sync(TAG)
        .await
        .is_ok_and(|v| v.as_bool() == Some(true)))
}

/// Drops a hand-off not yet sent (the app's own exchange sent it, or the user signed out).
pub async fn clear() -> Result<(), StorageError> {
    if !crate::storage::exists(DB_NAME).await {
        return Ok(());
    }
    let rexie = open().await?;
    let tx = rexie.transaction(&[STORE], TransactionMode::ReadWrite)?;
    tx.store(STORE)?
        .delete(JsValue::from_str("pending"))
        .await?;
    tx.done().await?;
    rexie.close();
    Ok(())
}

/// Takes the acknowledgements the service worker received into the server tips of `db`
/// (one tip per author device, never moved back); returns how many it took.
pub async fn take_acks(db: &Db) -> Result<usize, StorageError> {
    // No hand-off was ever made on this tablet: nothing to read (and no database to create).
    if !crate::storage::exists(DB_NAME).await {
        return Ok(0);
    }
    let rexie = open().await?;
    // Read and deleted in one transaction, so that acknowledgements the service worker adds
    // meanwhile are kept for the next time.
    let tx = rexie.transaction(&[STORE], TransactionMode::ReadWrite)?;
    let store = tx.store(STORE)?;
    let value = store.get(JsValue::from_str("acks")).await?;
    if value.is_some() {
        store.delete(JsValue::from_str("acks")).await?;
    }
    tx.done().await?;
    rexie.close();
    let Some(value) = value else {
        return Ok(0);
    };
    let acks = Reflect::get(&value, &JsValue::from_str("acks"))
        .ok()
        .map(|a| Array::from(&a))
        .unwrap_or_default();
    let mut tips: ServerTips = db.meta(super::run::TIPS_KEY).await?.unwrap_or_default();
    let mut taken = 0;
    for ack in acks.iter() {
        let ack = Array::from(&ack);
        if let (Some(device), Some(seq)) = (ack.get(0).as_string(), ack.get(1).as_f64()) {
            if seq >= 1.0 && seq.fract() == 0.0 {
                on_server(&mut tips, &device, seq as u64);
                taken += 1;
            }
        }
    }
    // Lost if this fails: the commits are then only sent again (the server acknowledges).
    db.set_meta(super::run::TIPS_KEY, &tips).await?;
    Ok(taken)
}
