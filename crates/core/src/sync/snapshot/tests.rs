//! The sealed snapshot's test vectors (`tests/data/sync/make_snapshot_vectors.py`, with
//! Python's `cryptography` and `zlib` and postcard's wire format written by hand), tampering,
//! wrong keys and arbitrary bytes.

use proptest::prelude::*;
use serde_json::Value;

use super::*;
use crate::log::{CommitBody, State};

fn vectors() -> (Value, Value) {
    let commits: Value =
        serde_json::from_str(include_str!("../../../tests/data/sync/vectors.json")).unwrap();
    let snapshot: Value = serde_json::from_str(include_str!(
        "../../../tests/data/sync/snapshot_vectors.json"
    ))
    .unwrap();
    (commits, snapshot)
}

fn hex_field(v: &Value, k: &str) -> Vec<u8> {
    hex::decode(v[k].as_str().unwrap()).unwrap()
}

fn device_key(v: &Value) -> DataKey {
    let key: [u8; 32] = hex_field(v, "device_key").try_into().unwrap();
    DataKey::new(v["key_id"].as_u64().unwrap() as u32, key)
}

/// The state of the two commits of the sync vectors.
fn vector_state(commits: &Value) -> State {
    let commits: Vec<_> = commits["commits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let body: CommitBody = serde_json::from_str(c["plaintext"].as_str().unwrap()).unwrap();
            body.into_commit()
        })
        .collect();
    State::from_commits(&commits)
}

#[test]
fn vector_snapshot_encodes_and_seals_byte_exact() {
    let (commits, v) = vectors();
    let snapshot = vector_state(&commits).snapshot();
    assert_eq!(
        hex::encode(postcard::to_allocvec(&snapshot).unwrap()),
        v["plaintext"].as_str().unwrap()
    );
    let nonce: [u8; 12] = hex_field(&v, "nonce").try_into().unwrap();
    let sealed = seal_snapshot(&snapshot, &device_key(&v), nonce, Compression::None).unwrap();
    assert_eq!(hex::encode(&sealed), v["sealed"].as_str().unwrap());
    let opened = open_snapshot(&sealed, &[device_key(&v)]).unwrap();
    assert_eq!(opened, snapshot);
    assert_eq!(State::restore(opened).unwrap(), vector_state(&commits));
}

#[test]
fn vector_snapshot_deflated_by_zlib_opens() {
    let (commits, v) = vectors();
    let opened = open_snapshot(&hex_field(&v, "sealed_deflate"), &[device_key(&v)]).unwrap();
    assert_eq!(opened, vector_state(&commits).snapshot());
    // And the Rust compressor's output opens too.
    let sealed = seal_snapshot(&opened, &device_key(&v), [7; 12], Compression::Deflate).unwrap();
    assert_eq!(open_snapshot(&sealed, &[device_key(&v)]).unwrap(), opened);
}

#[test]
fn a_wrong_key_or_any_altered_byte_is_refused() {
    let (_, v) = vectors();
    let sealed = hex_field(&v, "sealed");
    let key = device_key(&v);
    assert_eq!(
        open_snapshot(&sealed, &[DataKey::new(0, [9; 32])]),
        Err(FormatError::Decrypt)
    );
    assert_eq!(
        open_snapshot(&sealed, &[DataKey::new(1, *key.bytes())]),
        Err(FormatError::UnknownKey(0))
    );
    for i in 0..sealed.len() {
        let mut altered = sealed.clone();
        altered[i] ^= 0x01;
        assert!(
            open_snapshot(&altered, std::slice::from_ref(&key)).is_err(),
            "byte {i}"
        );
    }
    assert_eq!(
        open_snapshot(&sealed[..sealed.len() - 1], std::slice::from_ref(&key)),
        Err(FormatError::Truncated { what: "body" })
    );
    let mut longer = sealed.clone();
    longer.push(0);
    assert_eq!(
        open_snapshot(&longer, std::slice::from_ref(&key)),
        Err(FormatError::TrailingBytes(1))
    );
    let mut sealed_commit = sealed;
    sealed_commit[..4].copy_from_slice(b"ECSC");
    assert_eq!(
        open_snapshot(&sealed_commit, &[key]),
        Err(FormatError::BadMagic)
    );
}

#[test]
fn a_sealed_plaintext_that_is_no_snapshot_is_refused() {
    let (_, v) = vectors();
    let mut longer = hex_field(&v, "plaintext");
    longer.push(0);
    assert_eq!(
        snapshot_of_plaintext(&longer, Compression::None),
        Err(FormatError::BadSnapshot),
        "a byte after the snapshot"
    );
    let key = DataKey::new(0, [3; 32]);
    let nonce = [1u8; 12];
    let body = b"not a snapshot";
    let mut header = Vec::new();
    header.extend_from_slice(b"ECSS");
    header.extend_from_slice(&[1, 0]);
    header.extend_from_slice(&0u32.to_be_bytes());
    header.extend_from_slice(&nonce);
    header.extend_from_slice(&(body.len() as u32 + 16).to_be_bytes());
    let sealed = super::cipher(&key)
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: body,
                aad: &header,
            },
        )
        .unwrap();
    header.extend_from_slice(&sealed);
    assert_eq!(
        open_snapshot(&header, &[key]),
        Err(FormatError::BadSnapshot)
    );
}

proptest! {
    #[test]
    fn opening_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = open_snapshot(&bytes, &[DataKey::new(0, [0; 32])]);
        let mut prefixed = b"ECSS\x01\x00\x00\x00\x00\x00".to_vec();
        prefixed.extend_from_slice(&bytes);
        let _ = open_snapshot(&prefixed, &[DataKey::new(0, [0; 32])]);
    }
}
