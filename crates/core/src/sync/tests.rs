//! The format's test vectors (made by `tests/data/sync/make_vectors.py` with Python's
//! `cryptography` and `zlib`), round trips, tampering, wrong keys and arbitrary bytes.

use proptest::prelude::*;
use serde_json::Value;

use super::keys::derive_user_keys;
use super::*;
use crate::log::{Commit, CommitBody, DeviceLog, Op};

fn vectors() -> Value {
    serde_json::from_str(include_str!("../../tests/data/sync/vectors.json")).unwrap()
}

fn hex32(v: &Value) -> [u8; 32] {
    let mut a = [0u8; 32];
    hex::decode_to_slice(v.as_str().unwrap(), &mut a).unwrap();
    a
}

fn hex_n<const N: usize>(v: &Value) -> [u8; N] {
    let mut a = [0u8; N];
    hex::decode_to_slice(v.as_str().unwrap(), &mut a).unwrap();
    a
}

fn key(v: &Value) -> DataKey {
    DataKey::new(1, hex32(&v["data_key"]))
}

/// The vector's commit, parsed from its plaintext, which must be exactly how serde writes it.
fn vector_commit(c: &Value) -> Commit {
    let plaintext = c["plaintext"].as_str().unwrap();
    let body: CommitBody = serde_json::from_str(plaintext).unwrap();
    assert_eq!(serde_json::to_string(&body).unwrap(), plaintext);
    let commit = body.into_commit();
    assert_eq!(commit.id, c["id"].as_str().unwrap());
    commit
}

#[test]
fn vector_uncompressed_sealed_commit_is_byte_exact() {
    let v = vectors();
    let c = &v["commits"][0];
    let sealed = SealedCommit::seal(
        &vector_commit(c),
        &key(&v),
        hex_n::<12>(&c["nonce"]),
        Compression::None,
    )
    .unwrap();
    assert_eq!(
        hex::encode(sealed.to_bytes()),
        c["sealed"].as_str().unwrap()
    );
}

#[test]
fn vector_deflate_sealed_commit_made_by_zlib_opens() {
    let v = vectors();
    for c in v["commits"].as_array().unwrap() {
        let bytes = hex::decode(c["sealed"].as_str().unwrap()).unwrap();
        let sealed = SealedCommit::from_bytes(&bytes).unwrap();
        assert_eq!(sealed.header.commit_id_hex(), c["id"].as_str().unwrap());
        assert_eq!(sealed.header.device, "tablet-A");
        assert_eq!(sealed.open(&[key(&v)]).unwrap(), vector_commit(c));
    }
}

#[test]
fn vector_bundle_is_byte_exact_and_reads_back() {
    let v = vectors();
    let bytes = hex::decode(v["bundle"].as_str().unwrap()).unwrap();
    let study = hex_n::<16>(&v["study"]);
    let bundle = Bundle::from_bytes(&bytes, Some(&study)).unwrap();
    assert_eq!(bundle.commits.len(), 2);
    assert_eq!(bundle.to_bytes().unwrap(), bytes);
    assert_eq!(
        bundle.commits[1].header.prev_hex().as_deref(),
        v["commits"][0]["id"].as_str()
    );
    assert_eq!(
        Bundle::from_bytes(&bytes, Some(&[0; 16])),
        Err(FormatError::WrongStudy)
    );
}

#[test]
fn vector_key_derivation_and_wrapped_key() {
    let v = vectors();
    let k = &v["keys"];
    let salt = hex_n::<16>(&k["salt"]);
    let iterations = k["iterations"].as_u64().unwrap() as u32;
    let passphrase = k["passphrase"].as_str().unwrap();
    let keys = derive_user_keys(passphrase, &salt, iterations);
    assert_eq!(hex::encode(keys.kek), k["kek"].as_str().unwrap());
    assert_eq!(hex::encode(keys.auth), k["auth"].as_str().unwrap());
    let user = k["user"].as_str().unwrap();
    let record = WrappedKey::wrap(
        &key(&v),
        user,
        passphrase,
        salt,
        iterations,
        hex_n::<12>(&k["wrap_nonce"]),
    )
    .unwrap();
    assert_eq!(record.wrapped, k["wrapped"].as_str().unwrap());
    // Unwrapping: the right passphrase gives the key; a wrong one, or another user's name bound
    // as associated data, is "wrong passphrase".
    assert_eq!(record.unwrap_with(user, &keys.kek).unwrap(), key(&v));
    assert_eq!(
        record.unwrap_with("Dr Li", &keys.kek),
        Err(FormatError::WrongPassphrase)
    );
    let other = derive_user_keys("wrong", &salt, 1);
    assert_eq!(
        record.unwrap_with(user, &other.kek),
        Err(FormatError::WrongPassphrase)
    );
    // The record is JSON; too few iterations are refused.
    let json = serde_json::to_value(&record).unwrap();
    assert_eq!(json["kdf"], "pbkdf2-sha256");
    for iterations in [1000, 10_000_001] {
        let odd = WrappedKey {
            iterations,
            ..record.clone()
        };
        assert!(matches!(
            odd.unwrap_with(user, &keys.kek),
            Err(FormatError::BadKeyRecord(_))
        ));
    }
}

fn sample_commits(n: usize) -> Vec<Commit> {
    let mut log = DeviceLog::new("tablet-B");
    (0..n)
        .map(|i| {
            log.commit(
                1_735_689_600_000 + i as u64,
                "Nurse Li",
                None,
                vec![Op::SetField {
                    instance: "tablet-B-1".into(),
                    field: "alb".into(),
                    value: serde_json::json!(35.5 + i as f64),
                    supersedes: Vec::new(),
                }],
            )
        })
        .collect()
}

#[test]
fn round_trip_both_compressions() {
    let k = DataKey::new(7, [9; 32]);
    for (i, c) in sample_commits(3).iter().enumerate() {
        for compression in [Compression::None, Compression::Deflate] {
            let s = SealedCommit::seal(c, &k, [i as u8; 12], compression).unwrap();
            let back = SealedCommit::from_bytes(&s.to_bytes()).unwrap();
            assert_eq!(back.header.key_id, 7);
            assert_eq!(back.open(std::slice::from_ref(&k)).unwrap(), *c);
        }
    }
}

#[test]
fn every_altered_byte_of_a_sealed_commit_is_detected() {
    let k = DataKey::new(1, [3; 32]);
    let c = &sample_commits(2)[1];
    let bytes = SealedCommit::seal(c, &k, [5; 12], Compression::Deflate)
        .unwrap()
        .to_bytes();
    for i in 0..bytes.len() {
        for flip in [0x01u8, 0x80] {
            let mut t = bytes.clone();
            t[i] ^= flip;
            let read = SealedCommit::from_bytes(&t);
            let opened = read.clone().and_then(|s| s.open(std::slice::from_ref(&k)));
            assert!(
                opened.is_err(),
                "byte {i} flipped by {flip:#x} went unnoticed"
            );
            // Without the hash, the tag alone still finds it (the header holds the id).
            let at_rest = read.and_then(|s| s.open_at_rest(std::slice::from_ref(&k)));
            assert!(
                at_rest.is_err(),
                "byte {i} flipped by {flip:#x} went unnoticed at rest"
            );
        }
    }
}

#[test]
fn every_altered_byte_of_a_bundle_is_detected() {
    let k = DataKey::new(1, [3; 32]);
    let study = [4u8; 16];
    let commits: Vec<SealedCommit> = sample_commits(2)
        .iter()
        .enumerate()
        .map(|(i, c)| SealedCommit::seal(c, &k, [i as u8; 12], Compression::None).unwrap())
        .collect();
    let bytes = Bundle { study, commits }.to_bytes().unwrap();
    for i in 0..bytes.len() {
        let mut t = bytes.clone();
        t[i] ^= 0x10;
        let opened = Bundle::from_bytes(&t, Some(&study)).and_then(|b| {
            b.commits
                .iter()
                .map(|s| s.open(std::slice::from_ref(&k)))
                .collect::<Result<Vec<_>, _>>()
        });
        assert!(opened.is_err(), "bundle byte {i} altered unnoticed");
    }
}

#[test]
fn a_wrong_or_unknown_key_is_refused() {
    let c = &sample_commits(1)[0];
    let s = SealedCommit::seal(c, &DataKey::new(1, [1; 32]), [0; 12], Compression::None).unwrap();
    assert_eq!(
        s.open(&[DataKey::new(1, [2; 32])]),
        Err(FormatError::Decrypt)
    );
    assert_eq!(
        s.open(&[DataKey::new(2, [1; 32])]),
        Err(FormatError::UnknownKey(1))
    );
}

#[test]
fn at_rest_a_commit_opens_as_it_was_sealed() {
    let k = DataKey::new(0, [8; 32]);
    for c in sample_commits(3) {
        let s = SealedCommit::seal(&c, &k, [1; 12], Compression::Deflate).unwrap();
        let back = SealedCommit::from_bytes(&s.to_bytes()).unwrap();
        assert_eq!(back.open_at_rest(std::slice::from_ref(&k)).unwrap(), c);
        assert_eq!(
            back.open_at_rest(&[DataKey::new(0, [9; 32])]),
            Err(FormatError::Decrypt)
        );
    }
}

#[test]
fn a_commit_whose_id_is_not_its_hash_is_not_sealed() {
    let mut c = sample_commits(1).remove(0);
    c.body.user = "someone else".into();
    assert_eq!(
        SealedCommit::seal(&c, &DataKey::new(1, [1; 32]), [0; 12], Compression::None),
        Err(FormatError::Mismatch { what: "id" })
    );
}

#[test]
fn truncation_names_the_field_and_trailing_bytes_are_refused() {
    let c = &sample_commits(1)[0];
    let bytes = SealedCommit::seal(c, &DataKey::new(1, [1; 32]), [0; 12], Compression::None)
        .unwrap()
        .to_bytes();
    assert_eq!(
        SealedCommit::from_bytes(&bytes[..bytes.len() - 1]),
        Err(FormatError::Truncated { what: "body" })
    );
    assert_eq!(
        SealedCommit::from_bytes(&bytes[..20]),
        Err(FormatError::Truncated { what: "sequence" })
    );
    let mut long = bytes.clone();
    long.push(0);
    assert_eq!(
        SealedCommit::from_bytes(&long),
        Err(FormatError::TrailingBytes(1))
    );
    let mut v2 = bytes;
    v2[4] = 2;
    assert_eq!(
        SealedCommit::from_bytes(&v2),
        Err(FormatError::UnsupportedVersion(2))
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn decoding_arbitrary_bytes_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
        let k = DataKey::new(1, [1; 32]);
        let _ = SealedCommit::from_bytes(&bytes).map(|s| s.open(std::slice::from_ref(&k)));
        let _ = Bundle::from_bytes(&bytes, None);
    }

    #[test]
    fn decoding_valid_prefixes_with_noise_never_panics(
        cut in 0usize..400,
        noise in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let k = DataKey::new(1, [1; 32]);
        let c = &sample_commits(1)[0];
        let s = SealedCommit::seal(c, &k, [0; 12], Compression::Deflate).unwrap();
        let mut bytes = Bundle { study: [0; 16], commits: vec![s] }.to_bytes().unwrap();
        bytes.truncate(cut.min(bytes.len()));
        bytes.extend_from_slice(&noise);
        if let Ok(b) = Bundle::from_bytes(&bytes, None) {
            for s in &b.commits {
                let _ = s.open(std::slice::from_ref(&k));
            }
        }
    }
}
