//! Browser tests of the sealed study database (schema 4): commits stored sealed under the device
//! key and readable only with it, nothing of a patient in the clear, the vault's passphrases,
//! the clear database of an earlier version sealed into it and deleted whole, and Web Crypto's
//! key derivation equal to the core's.

#![cfg(target_arch = "wasm32")]

use ecrf_app::storage::{self, Db, StorageError, CLEAR_STUDY_DB};
use ecrf_app::vault::{self, UnlockError};
use ecrf_core::log::{DeviceLog, Op, State};
use ecrf_core::sync::vault::DEVICE_KEY_ID;
use ecrf_core::sync::DataKey;
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn log() -> Vec<ecrf_core::log::Commit> {
    let mut dev = DeviceLog::new("tab-7");
    let first = dev.commit(
        1,
        "Dr Zhou",
        None,
        vec![Op::CreateForm {
            instance: "f1".into(),
            form: "labs".into(),
            patient: "HCC-001-0777".into(),
        }],
    );
    let second = dev.commit(
        2,
        "Dr Zhou",
        Some("transcription error".into()),
        vec![Op::SetField {
            instance: "f1".into(),
            field: "afp".into(),
            value: json!(123_456),
            supersedes: vec![],
        }],
    );
    vec![first, second]
}

#[wasm_bindgen_test]
async fn web_crypto_derives_the_same_keys_as_the_core() {
    use ecrf_core::sync::keys::{derive_user_keys, UserKeys};
    let salt = [9u8; 16];
    for (passphrase, iterations) in [("correct horse battery", 600_000), ("病房口令 ünï", 1_000)]
    {
        let master = ecrf_app::crypto::web_crypto_pbkdf2(passphrase, &salt, iterations)
            .await
            .expect("this browser has Web Crypto");
        let core = derive_user_keys(passphrase, &salt, iterations);
        assert_eq!(UserKeys::from_master(&master), core);
        assert_eq!(
            ecrf_app::crypto::user_keys(passphrase, &salt, iterations).await,
            core
        );
    }
}

fn key(byte: u8) -> DataKey {
    DataKey::new(DEVICE_KEY_ID, [byte; 32])
}

#[wasm_bindgen_test]
async fn commits_are_sealed_at_rest_and_open_only_with_the_device_key() {
    let name = "test-sealed";
    storage::delete(name).await.unwrap();
    let db = Db::open_sealed(name).await.unwrap();
    assert!(db.is_sealed());
    let log = log();
    // Locked: nothing is written, and nothing read.
    assert_eq!(db.put_commit(&log[0]).await, Err(StorageError::Locked));
    db.unlock(key(1));
    for c in &log {
        db.put_commit(c).await.unwrap();
        db.put_commit(c).await.unwrap();
    }
    assert_eq!(db.commit_count().await.unwrap(), 2);
    assert_eq!(db.device_commit_count("tab-7").await.unwrap(), 2);
    // What IndexedDB holds: the commit ids, the device and sequence, and opaque bytes.
    let raw = db.raw_commit_records().await.unwrap();
    assert_eq!(raw.len(), 2);
    for r in &raw {
        let text = String::from(js_sys::JSON::stringify(r).unwrap());
        for secret in [
            "HCC-001-0777",
            "Dr Zhou",
            "transcription",
            "afp",
            "123456",
            "labs",
        ] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    db.close();
    let db = Db::open_sealed(name).await.unwrap();
    assert_eq!(db.commits().await, Err(StorageError::Locked));
    db.unlock(key(2));
    assert!(matches!(db.commits().await, Err(StorageError::Sealed(_))));
    db.unlock(key(1));
    let back = db.commits().await.unwrap();
    assert_eq!(State::from_commits(&back), State::from_commits(&log));
    assert_eq!(db.device_commits("tab-7").await.unwrap().len(), 2);
    // Sealed records without a vault: no new key is made beside them.
    assert_eq!(
        vault::create(&db, "Dr Zhou", "long enough").await,
        Err(UnlockError::KeyMissing)
    );
    db.close();
    storage::delete(name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_stored_record_that_does_not_open_is_set_aside_and_the_rest_is_read() {
    let name = "test-set-aside";
    storage::delete(name).await.unwrap();
    let db = Db::open_sealed(name).await.unwrap();
    db.unlock(key(1));
    let log = log();
    for c in &log {
        db.put_commit(c).await.unwrap();
    }
    // The second record's sealed bytes are damaged in the browser's files.
    let raw = db.raw_commit_records().await.unwrap();
    let get = |r: &wasm_bindgen::JsValue, k: &str| js_sys::Reflect::get(r, &k.into()).unwrap();
    let damaged = raw
        .iter()
        .find(|r| get(r, "id").as_string() == Some(log[1].id.clone()))
        .unwrap()
        .clone();
    // The stored array itself (`new Uint8Array(array)` would copy it).
    let bytes: js_sys::Uint8Array = wasm_bindgen::JsCast::unchecked_into(get(&damaged, "sealed"));
    let last = bytes.length() - 1;
    bytes.set_index(last, bytes.get_index(last) ^ 0x01);
    db.put_raw_commit_records(&[damaged]).await.unwrap();
    // Read strictly, the store is refused; read for the study, the rest opens and the damaged
    // record is set aside with its clear id, device and sequence (and stays stored).
    assert!(matches!(db.commits().await, Err(StorageError::Sealed(_))));
    let (commits, unreadable) = db.readable_commits().await.unwrap();
    assert_eq!(commits, vec![log[0].clone()]);
    assert_eq!(unreadable.len(), 1);
    assert_eq!(
        (
            unreadable[0].id.as_str(),
            unreadable[0].device.as_str(),
            unreadable[0].seq
        ),
        (log[1].id.as_str(), "tab-7", 2)
    );
    assert_eq!(db.commit_count().await.unwrap(), 2);
    // With a key that opens nothing, the read is refused whole: never an empty study.
    db.unlock(key(2));
    assert!(matches!(
        db.readable_commits().await,
        Err(StorageError::Sealed(_))
    ));
    db.close();
    storage::delete(name).await.unwrap();
}

#[wasm_bindgen_test]
async fn the_vault_opens_for_its_users_and_slows_down_wrong_passphrases() {
    let name = "test-vault";
    storage::delete(name).await.unwrap();
    let db = Db::open_sealed(name).await.unwrap();
    assert!(vault::read(&db).await.unwrap().is_none());
    assert_eq!(
        vault::check_new("Dr Zhou", "short", "short"),
        Err(UnlockError::TooShort)
    );
    assert_eq!(
        vault::check_new("Dr Zhou", "long enough", "long enougH"),
        Err(UnlockError::Mismatch)
    );
    vault::create(&db, "Dr Zhou", "long enough").await.unwrap();
    let device_key = db.device_key().unwrap();
    // A second "protect this tablet" (another tab's screen, opened before) never replaces it.
    assert_eq!(
        vault::create(&db, "Dr Other", "another key").await,
        Err(UnlockError::AlreadyProtected)
    );
    assert_eq!(db.device_key(), Some(device_key.clone()));
    vault::add_user(&db, &device_key, "Nurse Li", "another one")
        .await
        .unwrap();
    db.close();
    // A new page: locked until a user of the vault gives their passphrase.
    let db = Db::open_sealed(name).await.unwrap();
    assert_eq!(db.device_key(), None);
    assert_eq!(
        vault::unlock(&db, "Nobody", "long enough").await,
        Err(UnlockError::UnknownUser)
    );
    assert_eq!(
        vault::unlock(&db, "Dr Zhou", "wrong one!").await,
        Err(UnlockError::WrongPassphrase(0))
    );
    // The third failure in a row makes the next try wait 2 s; the wait survives a reopen.
    assert!(matches!(
        vault::unlock(&db, "Dr Zhou", "wrong two!").await,
        Err(UnlockError::WrongPassphrase(2000))
    ));
    db.close();
    let db = Db::open_sealed(name).await.unwrap();
    assert!(matches!(
        vault::unlock(&db, "Dr Zhou", "long enough").await,
        Err(UnlockError::Wait(ms)) if ms > 0 && ms <= 2000
    ));
    ecrf_app::device::sleep(2100).await;
    vault::unlock(&db, "Nurse Li", "another one").await.unwrap();
    assert_eq!(db.device_key(), Some(device_key));
    // A clock set back after failures (the last one seemingly far in the future) makes no one
    // wait longer than the wait itself.
    db.set_meta(
        "vault.failures",
        &json!({"count": 4, "last_ms": js_sys::Date::now() + 1e10}),
    )
    .await
    .unwrap();
    assert!(matches!(
        vault::unlock(&db, "Nurse Li", "another one").await,
        Err(UnlockError::Wait(ms)) if ms <= 4000
    ));
    db.close();
    storage::delete(name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_clear_database_is_sealed_into_the_new_one_and_deleted_whole() {
    let name = "test-sealed-migration";
    storage::delete(name).await.unwrap();
    storage::delete(CLEAR_STUDY_DB).await.unwrap();
    let clear = Db::open(CLEAR_STUDY_DB).await.unwrap();
    let log = log();
    for c in &log {
        clear.put_commit(c).await.unwrap();
    }
    clear.set_meta("device", &"tab-7").await.unwrap();
    clear.close();
    let db = Db::open_sealed(name).await.unwrap();
    db.unlock(key(3));
    let sealed = vault::seal_clear_database(&db, async |_: &Db| Ok(()))
        .await
        .unwrap();
    assert_eq!(sealed, 2);
    assert_eq!(
        State::from_commits(&db.commits().await.unwrap()),
        State::from_commits(&log)
    );
    assert_eq!(
        db.meta::<String>("device").await.unwrap().as_deref(),
        Some("tab-7")
    );
    // The clear database is gone: opened again, it is a new, empty one.
    let again = Db::open(CLEAR_STUDY_DB).await.unwrap();
    assert_eq!(again.commit_count().await.unwrap(), 0);
    again.close();
    // Nothing left to seal: a no-op that leaves no clear database behind.
    assert_eq!(
        vault::seal_clear_database(&db, async |_: &Db| Ok(()))
            .await
            .unwrap(),
        0
    );
    db.close();
    storage::delete(name).await.unwrap();
}
