//! A commit as the sealed database stores it: `{id, device, seq, sealed}`, the clear keys it is
//! found by (content hash, device id, sequence: nothing about a patient) and the commit sealed
//! under the device key (`ecrf_core::sync::SealedCommit`: AES-256-GCM, the header bound as
//! associated data, a fresh random nonce per commit).

use ecrf_core::log::Commit;
use ecrf_core::sync::{Compression, DataKey, SealedCommit};
use js_sys::{Object, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};

use super::StorageError;

fn set(obj: &Object, key: &str, value: &JsValue) -> Result<(), StorageError> {
    Reflect::set(obj, &JsValue::from_str(key), value)
        .map(|_| ())
        .map_err(|_| StorageError::Other("cannot build a record".into()))
}

/// Seals `commit` under `key` into its stored record.
pub fn seal(commit: &Commit, key: &DataKey) -> Result<JsValue, StorageError> {
    let mut nonce = [0u8; 12];
    if !crate::sync::secure_random(&mut nonce) {
        return Err(StorageError::NoRandom);
    }
    let sealed = SealedCommit::seal(commit, key, nonce, Compression::Deflate)
        .map_err(|e| StorageError::Sealed(e.to_string()))?;
    let obj = Object::new();
    set(&obj, "id", &JsValue::from_str(&commit.id))?;
    set(&obj, "device", &JsValue::from_str(&commit.body.device))?;
    set(&obj, "seq", &JsValue::from_f64(commit.body.seq as f64))?;
    let bytes = sealed.to_bytes();
    set(&obj, "sealed", &Uint8Array::from(bytes.as_slice()).into())?;
    Ok(obj.into())
}

/// The property names of a stored record, made once for a whole read (not four JavaScript
/// strings per record).
pub struct RecordKeys {
    sealed: JsValue,
    id: JsValue,
    device: JsValue,
    seq: JsValue,
}

impl RecordKeys {
    /// The names.
    pub fn new() -> RecordKeys {
        RecordKeys {
            sealed: JsValue::from_str("sealed"),
            id: JsValue::from_str("id"),
            device: JsValue::from_str("device"),
            seq: JsValue::from_str("seq"),
        }
    }
}

/// Opens a stored record with `key`: the commit, checked against its header (id, device,
/// sequence, previous commit) and against the record's clear id. The body is not hashed again
/// (`SealedCommit::open_at_rest`: it was checked against its id before this device sealed it,
/// and the tag proves it unchanged).
pub fn open(value: &JsValue, key: &DataKey, names: &RecordKeys) -> Result<Commit, StorageError> {
    let get = |k: &JsValue| Reflect::get(value, k).ok();
    let bytes = get(&names.sealed)
        .filter(|v| v.is_instance_of::<Uint8Array>())
        .map(|v| Uint8Array::new(&v).to_vec())
        .ok_or_else(|| StorageError::Corrupt("a sealed record has no sealed bytes".into()))?;
    let id = get(&names.id)
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let commit = SealedCommit::from_bytes(&bytes)
        .and_then(|s| s.open_at_rest(std::slice::from_ref(key)))
        .map_err(|e| StorageError::Sealed(format!("{id}: {e}")))?;
    if commit.id != id {
        return Err(StorageError::Sealed(format!(
            "{id}: the record holds commit {}",
            commit.id
        )));
    }
    // The clear keys the record is found by (the `by_device` index) must be the commit's.
    let device = get(&names.device)
        .and_then(|v| v.as_string())
        .unwrap_or_default();
    let seq = get(&names.seq).and_then(|v| v.as_f64()).unwrap_or(-1.0);
    if device != commit.body.device || seq != commit.body.seq as f64 {
        return Err(StorageError::Sealed(format!(
            "{id}: the record is filed under another device or sequence"
        )));
    }
    Ok(commit)
}
