//! The SQLite store on its own: schema versions, migration 2 over version-1 rows, and the
//! upload rules without HTTP.

use ecrf_core::log::{DeviceLog, Op};
use ecrf_core::sync::api::AckStatus;
use ecrf_core::sync::{Compression, DataKey, SealedCommit};
use rusqlite::{params, Connection};

use super::migrations::{migrate_to, user_version};
use super::*;

fn sealed(device: &str, n: usize) -> Vec<SealedCommit> {
    let key = DataKey::new(1, [3; 32]);
    let mut log = DeviceLog::new(device);
    (0..n)
        .map(|i| {
            let op = Op::DeleteForm {
                instance: format!("f{i}"),
            };
            let c = log.commit(1_000 + i as u64, "u", None, vec![op]);
            let mut nonce = [0u8; 12];
            nonce[..8].copy_from_slice(&(i as u64).to_be_bytes());
            SealedCommit::seal(&c, &key, nonce, Compression::None).unwrap()
        })
        .collect()
}

const UP: Uploader<'static> = Uploader {
    user: "u",
    device: "d",
    now: "2026-01-01T00:00:00Z",
};

#[test]
fn a_new_store_is_at_the_current_schema_and_empty() {
    let store = SqliteStore::open_in_memory().unwrap();
    let stats = store.stats().unwrap();
    assert_eq!(
        stats,
        StoreStats {
            schema_version: STORE_SCHEMA_VERSION,
            commits: 0,
            study: false,
        }
    );
    assert_eq!(STORE_SCHEMA_VERSION, 2);
}

#[test]
fn reopening_a_file_keeps_it_and_does_not_migrate_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ecrf.sqlite");
    let store = SqliteStore::open(&path).unwrap();
    store.upload(&UP, &sealed("a", 3)).unwrap();
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.stats().unwrap().schema_version, STORE_SCHEMA_VERSION);
    assert_eq!(store.stats().unwrap().commits, 3);
    let conn = Connection::open(&path).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_database_from_a_newer_server_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ecrf.sqlite");
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    assert!(matches!(
        SqliteStore::open(&path),
        Err(StoreError::TooNew { found: 99, .. })
    ));
}

#[test]
fn migration_2_keeps_version_1_rows_in_order_with_their_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ecrf.sqlite");
    let commits = sealed("old", 3);
    let mut conn = Connection::open(&path).unwrap();
    migrate_to(&mut conn, 1).unwrap();
    assert_eq!(user_version(&conn).unwrap(), 1);
    // Stored out of sequence order: the storage order becomes the cursor order.
    for i in [1usize, 0, 2] {
        let c = &commits[i];
        conn.execute(
            "INSERT INTO commits (device_id, seq, header, sealed_body) VALUES (?1, ?2, ?3, ?4)",
            params![
                c.header.device,
                c.header.seq as i64,
                c.header.to_bytes(),
                c.body
            ],
        )
        .unwrap();
    }
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    let page = store.pull(0, 10).unwrap();
    let order: Vec<u64> = page.commits.iter().map(|c| c.header.seq).collect();
    assert_eq!(order, [2, 1, 3]);
    assert_eq!(page.commits[0], commits[1]);
    assert_eq!((page.cursor, page.more), (3, false));
    // The ids read from the headers let the chain continue and duplicates be recognised.
    let more = sealed("old", 4);
    let acks = store.upload(&UP, &more).unwrap();
    assert_eq!(
        acks,
        [
            AckStatus::Duplicate,
            AckStatus::Duplicate,
            AckStatus::Duplicate,
            AckStatus::Stored
        ]
    );
}

#[test]
fn a_refused_upload_stores_nothing() {
    let store = SqliteStore::open_in_memory().unwrap();
    let mut bundle = sealed("a", 2);
    bundle.extend(sealed("b", 3).into_iter().skip(1));
    let err = store.upload(&UP, &bundle).unwrap_err();
    match err {
        StoreError::Upload(r) => {
            assert_eq!(r.kind, RefusalKind::Gap { expected: 1 });
            assert_eq!((r.device.as_str(), r.seq), ("b", 2));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.stats().unwrap().commits, 0);
}

#[test]
fn the_setup_token_is_spent_by_the_study() {
    let store = SqliteStore::open_in_memory().unwrap();
    store.set_setup_token(&[9; 32]).unwrap();
    let study = StudyRecord {
        id: [1; 16],
        created_at: "2026-01-01T00:00:00Z".into(),
        secret: [2; 32],
    };
    let dm = user("dm");
    assert!(matches!(
        store.create_study(&[8; 32], &study, &dm),
        Err(StoreError::BadSetupToken)
    ));
    store.create_study(&[9; 32], &study, &dm).unwrap();
    assert_eq!(store.study().unwrap(), Some(study.clone()));
    assert_eq!(store.user("dm").unwrap(), Some(dm.clone()));
    assert!(matches!(
        store.create_study(&[9; 32], &study, &dm),
        Err(StoreError::StudyExists)
    ));
}

#[test]
fn a_token_lives_until_its_expiry_and_revocation_ends_it() {
    let store = SqliteStore::open_in_memory().unwrap();
    store.set_setup_token(&[9; 32]).unwrap();
    let study = StudyRecord {
        id: [1; 16],
        created_at: "2026-01-01T00:00:00Z".into(),
        secret: [2; 32],
    };
    store.create_study(&[9; 32], &study, &user("dm")).unwrap();
    let token = |hash: [u8; 32], device: &'static str| NewToken {
        hash,
        user: "dm",
        device,
        now: "2026-01-01T00:00:00Z",
        expires_at: 1_000,
    };
    store.add_token(&token([1; 32], "t1")).unwrap();
    let s = store
        .session(&[1; 32], 999, "2026-01-01T01:00:00Z")
        .unwrap()
        .unwrap();
    assert_eq!((s.user.as_str(), s.device.as_str()), ("dm", "t1"));
    let devices = store.devices().unwrap();
    assert_eq!(devices[0].last_seen_at, "2026-01-01T01:00:00Z");
    assert_eq!(devices[0].registered_at, "2026-01-01T00:00:00Z");
    assert_eq!(store.session(&[1; 32], 1_000, "x").unwrap(), None);
    // An expired token is gone for good, even asked about with an earlier clock.
    assert_eq!(store.session(&[1; 32], 0, "x").unwrap(), None);
    store.add_token(&token([2; 32], "t1")).unwrap();
    store.revoke_device("t1").unwrap();
    assert_eq!(store.session(&[2; 32], 0, "x").unwrap(), None);
    assert!(matches!(
        store.add_token(&token([3; 32], "t1")),
        Err(StoreError::DeviceRevoked)
    ));
}

fn user(name: &str) -> UserRecord {
    UserRecord {
        name: name.into(),
        role: ecrf_core::sync::api::Role::DataManager,
        auth_hash: [4; 32],
        wrapped_key: serde_json::from_value(serde_json::json!({
            "format": "ecrf-wrapped-key", "version": 1, "kdf": "pbkdf2-sha256",
            "iterations": 600000, "salt": "00", "key_id": 1, "nonce": "00", "wrapped": "00"
        }))
        .unwrap(),
        must_change: false,
        revoked: false,
        created_at: "2026-01-01T00:00:00Z".into(),
    }
}
