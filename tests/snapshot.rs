//! Browser tests of the sealed snapshot at rest: an unlock reads it and only the records stored
//! after it, to the same state as reading every record; it holds nothing of a patient in the
//! clear; a damaged snapshot, or one naming a commit the store lacks, is not used (every record
//! is read instead); and the app writes one once enough was folded since the last.

#![cfg(target_arch = "wasm32")]

use ecrf_app::local;
use ecrf_app::snapshot::{read_study, refresh, REFRESH_AFTER};
use ecrf_app::storage::{self, Db};
use ecrf_core::log::{DeviceLog, Op, State};
use ecrf_core::sync::vault::DEVICE_KEY_ID;
use ecrf_core::sync::DataKey;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn key(byte: u8) -> DataKey {
    DataKey::new(DEVICE_KEY_ID, [byte; 32])
}

/// The snapshot record among `meta` records as read, and its sealed bytes (the array itself,
/// not a copy: changing it changes the record).
fn sealed_bytes(records: &[JsValue]) -> js_sys::Uint8Array {
    let record = records
        .iter()
        .find(|r| {
            js_sys::Reflect::get(r, &"key".into())
                .ok()
                .and_then(|k| k.as_string())
                == Some(storage::snapshot::SNAPSHOT_KEY.into())
        })
        .expect("a snapshot record");
    js_sys::Reflect::get(record, &JsValue::from_str("sealed"))
        .unwrap()
        .unchecked_into()
}

/// A new sealed database `name`, unlocked with `key(1)`.
async fn fresh(name: &str) -> Db {
    storage::delete(name).await.unwrap();
    let db = Db::open_sealed(name).await.unwrap();
    db.unlock(key(1));
    db
}

#[wasm_bindgen_test]
async fn an_unlock_reads_the_snapshot_and_only_the_records_stored_after_it() {
    let name = "test-snapshot";
    let db = fresh(name).await;
    let commits = ecrf_core::demo::generate(4, 11).commits;
    let (before, after) = commits.split_at(commits.len() / 2);
    db.import_commits(before).await.unwrap();
    let first = read_study(&db).await.unwrap();
    assert_eq!((first.from_snapshot, first.records_read), (0, before.len()));
    assert_eq!(first.state, State::from_commits(before));
    assert!(db.put_snapshot(&first.state.snapshot()).await.unwrap() > 0);
    db.import_commits(after).await.unwrap();
    let second = read_study(&db).await.unwrap();
    assert_eq!(
        (second.from_snapshot, second.records_read),
        (before.len(), after.len())
    );
    assert_eq!(second.state, State::from_commits(&commits));
    assert!(second.unreadable.is_empty());
    // Nothing of a patient, a user or a form in the clear.
    let bytes = sealed_bytes(&db.meta_records().await.unwrap()).to_vec();
    for secret in ["HCC-001-", "demo", "labs", "eligibility"] {
        assert!(
            !bytes.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} in the snapshot"
        );
    }
    // Another key opens neither the snapshot nor any record: refused, never an empty study.
    db.unlock(key(2));
    assert!(read_study(&db).await.is_err());
    db.close();
    storage::delete(name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_damaged_snapshot_or_one_naming_a_commit_not_stored_is_not_used() {
    let name = "test-snapshot-bad";
    let db = fresh(name).await;
    let commits = ecrf_core::demo::generate(2, 5).commits;
    db.import_commits(&commits).await.unwrap();
    // A snapshot of more than is stored (a commit the store does not hold).
    let mut extra = State::from_commits(&commits);
    let mut other = DeviceLog::new("tab-x");
    extra.apply(&other.commit(
        1,
        "Dr Zhou",
        None,
        vec![Op::CreateForm {
            instance: "x1".into(),
            form: "labs".into(),
            patient: "HCC-001-0999".into(),
        }],
    ));
    db.put_snapshot(&extra.snapshot()).await.unwrap();
    let read = read_study(&db).await.unwrap();
    assert_eq!((read.from_snapshot, read.records_read), (0, commits.len()));
    assert_eq!(read.state, State::from_commits(&commits));
    // A snapshot whose bytes were damaged in the browser's files.
    db.put_snapshot(&State::from_commits(&commits).snapshot())
        .await
        .unwrap();
    let records = db.meta_records().await.unwrap();
    let bytes = sealed_bytes(&records);
    let at = bytes.length() / 2;
    bytes.set_index(at, bytes.get_index(at) ^ 0x01);
    db.put_meta_records(&records).await.unwrap();
    let read = read_study(&db).await.unwrap();
    assert_eq!((read.from_snapshot, read.records_read), (0, commits.len()));
    assert_eq!(read.state, State::from_commits(&commits));
    db.close();
    storage::delete(name).await.unwrap();
}

/// A study of two demo patients, all of it this device's (`demo`) and unsent, folded into a
/// snapshot; then one record damaged in the browser's files, and the study loaded through the
/// snapshot as an unlock does. Returns the database, the commits and the damaged one's index.
async fn one_own_record_damaged(name: &str) -> (Db, Vec<ecrf_core::log::Commit>, usize) {
    let db = fresh(name).await;
    let commits = ecrf_core::demo::generate(2, 9).commits;
    db.import_commits(&commits).await.unwrap();
    db.put_snapshot(&State::from_commits(&commits).snapshot())
        .await
        .unwrap();
    let at = commits.len() / 2;
    let victim = &commits[at];
    let raw = db.raw_commit_records().await.unwrap();
    let get = |r: &JsValue, k: &str| js_sys::Reflect::get(r, &k.into()).unwrap();
    let damaged = raw
        .iter()
        .find(|r| get(r, "id").as_string() == Some(victim.id.clone()))
        .unwrap()
        .clone();
    let bytes: js_sys::Uint8Array = get(&damaged, "sealed").unchecked_into();
    bytes.set_index(0, bytes.get_index(0) ^ 0x01);
    db.put_raw_commit_records(&[damaged]).await.unwrap();
    // The unlock reads no record: the fold has the commit, from the snapshot.
    let loaded = read_study(&db).await.unwrap();
    assert_eq!(loaded.records_read, 0);
    assert_eq!(loaded.state, State::from_commits(&commits));
    local::install(local::rebuild(
        &victim.body.device,
        loaded.state,
        &Default::default(),
        commits.len(),
    ));
    (db, commits, at)
}

#[wasm_bindgen_test]
async fn an_unsent_record_damaged_after_the_snapshot_is_set_aside_when_it_is_to_be_sent() {
    let name = "test-snapshot-damaged";
    let (db, commits, at) = one_own_record_damaged(name).await;
    assert!(!local::own_record_set_aside());
    // To be sent, it is read: set aside, named on the card, and this device's chain has a gap.
    let pending = local::read_pending(&db, &Default::default()).await.unwrap();
    assert_eq!(pending.len(), commits.len() - 1);
    assert!(local::set_aside().contains_key(&commits[at].id));
    assert!(local::own_record_set_aside());
    local::install(local::Local::default());
    db.close();
    storage::delete(name).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_snapshot_is_written_once_enough_was_folded_since_the_last() {
    let name = "test-snapshot-refresh";
    let db = fresh(name).await;
    let commits = ecrf_core::demo::generate(20, 3).commits;
    assert!(commits.len() > REFRESH_AFTER);
    db.import_commits(&commits).await.unwrap();
    let loaded = read_study(&db).await.unwrap();
    local::install(local::rebuild(
        "tab-r",
        loaded.state,
        &Default::default(),
        loaded.from_snapshot,
    ));
    assert!(refresh(&db).await.unwrap() > 0);
    assert_eq!(local::with(|l| l.snapshot_commits), commits.len());
    // Nothing new folded: no new snapshot.
    assert_eq!(refresh(&db).await.unwrap(), 0);
    let again = read_study(&db).await.unwrap();
    assert_eq!(
        (again.from_snapshot, again.records_read),
        (commits.len(), 0)
    );
    assert_eq!(again.state, State::from_commits(&commits));
    // The counts of what is unsent come from the snapshot's summaries alike.
    let rebuilt = local::rebuild("tab-r", again.state, &Default::default(), commits.len());
    assert_eq!(rebuilt.unsent, commits.len());
    local::install(local::Local::default());
    db.close();
    storage::delete(name).await.unwrap();
}

#[wasm_bindgen_test]
async fn web_crypto_opens_the_vector_snapshot_as_the_core_does() {
    use ecrf_core::sync::snapshot::{open_snapshot, read_sealed_snapshot};
    let v: serde_json::Value = serde_json::from_str(include_str!(
        "../crates/core/tests/data/sync/snapshot_vectors.json"
    ))
    .unwrap();
    let hex = |k: &str| hex::decode(v[k].as_str().unwrap()).unwrap();
    let key: [u8; 32] = hex("device_key").try_into().unwrap();
    let bytes = hex("sealed");
    let sealed = read_sealed_snapshot(&bytes).unwrap();
    let plain = ecrf_app::crypto::web_crypto_aes_gcm_decrypt(
        &key,
        &sealed.nonce,
        sealed.header,
        sealed.body,
    )
    .await
    .unwrap()
    .expect("this browser has Web Crypto");
    assert_eq!(plain, hex("plaintext"));
    assert!(open_snapshot(&bytes, &[DataKey::new(0, key)]).is_ok());
    // Another key: the tag does not verify.
    assert_eq!(
        ecrf_app::crypto::web_crypto_aes_gcm_decrypt(
            &[9; 32],
            &sealed.nonce,
            sealed.header,
            sealed.body
        )
        .await,
        Err(())
    );
}
