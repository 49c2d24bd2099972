//! Browser tests of the storage layer, in headless Chromium (`wasm-bindgen-test`).

#![cfg(target_arch = "wasm32")]

use ecrf_app::storage::{self, schema, Db, StorageError};
use ecrf_core::register::{Patient, PatientDraft};
use time::macros::date;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn patient(id: &str, enrolled: &str) -> Patient {
    PatientDraft {
        subject_id: id.into(),
        enrollment_date: enrolled.into(),
    }
    .validate(date!(2026 - 11 - 23))
    .unwrap()
}

/// A database name no other test uses, removed before use.
async fn fresh(name: &str) -> String {
    let name = format!("test-{name}");
    storage::delete(&name).await.unwrap();
    name
}

#[wasm_bindgen_test]
async fn patients_round_trip_through_indexeddb() {
    let name = fresh("round-trip").await;
    let db = Db::open(&name).await.unwrap();
    let b = patient("HCC-001-0002", "2023-04-01");
    let a = patient("HCC-001-0001", "2023-03-27");
    db.add_patient(&b).await.unwrap();
    db.add_patient(&a).await.unwrap();
    assert_eq!(db.patient("HCC-001-0001").await.unwrap(), Some(a.clone()));
    assert_eq!(db.patient("HCC-009-0009").await.unwrap(), None);
    assert_eq!(db.patients().await.unwrap(), vec![a.clone(), b.clone()]);
    db.close();
    // A new connection (as after a reload) sees the same records.
    let db = Db::open(&name).await.unwrap();
    assert_eq!(db.patients().await.unwrap(), vec![a, b]);
    db.close();
}

#[wasm_bindgen_test]
async fn a_second_patient_with_the_same_id_is_refused_and_the_first_kept() {
    let name = fresh("duplicate").await;
    let db = Db::open(&name).await.unwrap();
    let first = patient("HCC-001-0001", "2023-03-27");
    db.add_patient(&first).await.unwrap();
    let again = patient("HCC-001-0001", "2024-01-01");
    assert_eq!(db.add_patient(&again).await, Err(StorageError::Duplicate));
    assert_eq!(db.patients().await.unwrap(), vec![first]);
    db.close();
}

#[wasm_bindgen_test]
async fn a_version_1_database_is_migrated_keeping_its_records() {
    let name = fresh("migrate").await;
    let old = Db::open_at(&name, 1).await.unwrap();
    assert_eq!(old.version(), 1);
    assert_eq!(old.store_names(), vec![schema::PATIENTS.to_owned()]);
    let kept = patient("HCC-002-0042", "2023-06-30");
    old.add_patient(&kept).await.unwrap();
    old.close();

    let db = Db::open(&name).await.unwrap();
    assert_eq!(db.version(), schema::CLEAR);
    assert_eq!(
        db.store_names(),
        vec![
            schema::COMMITS.to_owned(),
            schema::META.to_owned(),
            schema::PATIENTS.to_owned()
        ]
    );
    assert_eq!(
        db.index_names(schema::PATIENTS).unwrap(),
        vec!["by_enrollment".to_owned()]
    );
    assert_eq!(db.patients().await.unwrap(), vec![kept]);
    db.close();
}

#[wasm_bindgen_test]
async fn opening_an_older_version_than_stored_is_refused_as_too_new() {
    let name = fresh("too-new").await;
    Db::open(&name).await.unwrap().close();
    assert_eq!(
        Db::open_at(&name, 1).await.unwrap_err(),
        StorageError::TooNew
    );
}
