//! Browser tests of the commit store: one transaction per commit, idempotent re-import, the
//! state rebuilt from IndexedDB, and the v2 -> v3 migration.

#![cfg(target_arch = "wasm32")]

use ecrf_app::storage::{self, schema, Db};
use ecrf_core::log::{chain, DeviceLog, Op, State};
use ecrf_core::register::PatientDraft;
use serde_json::json;
use time::macros::date;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn commits(n: u64) -> Vec<ecrf_core::log::Commit> {
    let mut dev = DeviceLog::new("tab-1");
    let mut out = vec![dev.commit(
        1,
        "crc",
        None,
        vec![Op::CreateForm {
            instance: "f1".into(),
            form: "labs".into(),
            patient: "HCC-001-0001".into(),
        }],
    )];
    for i in 0..n {
        let state = State::from_commits(&out);
        let op = Op::SetField {
            instance: "f1".into(),
            field: "alb".into(),
            value: json!(30 + i),
            supersedes: state.heads("f1", "alb"),
        };
        out.push(dev.commit(2 + i, "crc", Some("correction".into()), vec![op]));
    }
    out
}

#[wasm_bindgen_test]
async fn commits_round_trip_and_the_state_is_rebuilt_after_reopening() {
    let name = "test-commits";
    storage::delete(name).await.unwrap();
    let db = Db::open(name).await.unwrap();
    let log = commits(5);
    for c in &log {
        db.put_commit(c).await.unwrap();
    }
    // Re-importing the same commits is a no-op.
    for c in &log {
        db.put_commit(c).await.unwrap();
    }
    db.close();
    let db = Db::open(name).await.unwrap();
    let stored = db.commits().await.unwrap();
    assert_eq!(stored.len(), log.len());
    assert_eq!(chain::verify(&stored), Ok(()));
    let state = State::from_commits(&stored);
    assert_eq!(state, State::from_commits(&log));
    assert_eq!(state.value("f1", "alb"), Some(&json!(34)));
    assert_eq!(state.history("f1", "alb").len(), 5);
    db.close();
}

#[wasm_bindgen_test]
async fn an_altered_commit_is_refused() {
    let name = "test-commits-altered";
    storage::delete(name).await.unwrap();
    let db = Db::open(name).await.unwrap();
    let mut c = commits(1).remove(1);
    c.body.user = "mallory".into();
    assert!(db.put_commit(&c).await.is_err());
    assert!(db.commits().await.unwrap().is_empty());
    db.close();
}

#[wasm_bindgen_test]
async fn a_version_2_database_gains_the_commit_store_and_keeps_its_patients() {
    let name = "test-migrate-v2";
    storage::delete(name).await.unwrap();
    let old = Db::open_at(name, 2).await.unwrap();
    let p = PatientDraft {
        subject_id: "HCC-001-0009".into(),
        enrollment_date: "2024-01-02".into(),
    }
    .validate(date!(2026 - 11 - 23))
    .unwrap();
    old.add_patient(&p).await.unwrap();
    old.close();
    let db = Db::open(name).await.unwrap();
    assert_eq!(db.version(), 3);
    assert!(db.store_names().contains(&schema::COMMITS.to_owned()));
    assert_eq!(db.patients().await.unwrap(), vec![p]);
    db.close();
}
