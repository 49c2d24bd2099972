//! Browser tests of the app's save path: a CRF save is one commit written to IndexedDB before
//! it reaches the in-memory state; the state rebuilt after reopening equals it; the device
//! resumes its chain; the demo import and device settings round-trip.

#![cfg(target_arch = "wasm32")]

use ecrf_app::local;
use ecrf_app::pages::demo::write_demo;
use ecrf_app::storage::{self, Db, DEMO_DB};
use ecrf_core::log::{chain, State};
use ecrf_core::record::{create_ops, edit_ops, instance_values, needs_reason, record, Values};
use ecrf_core::study::study;
use serde_json::json;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn values(v: serde_json::Value) -> Values {
    v.as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

#[wasm_bindgen_test]
async fn a_save_is_durable_and_the_state_is_rebuilt_from_indexeddb() {
    let name = "test-local";
    storage::delete(name).await.unwrap();
    let db = Db::open(name).await.unwrap();
    local::install(local::rebuild(
        "tab-a",
        State::default(),
        &Default::default(),
        0,
    ));
    let labs = study().form("labs").unwrap();
    let id = local::next_instance_id().unwrap();
    // The device's id and 64 random bits: unique across the tabs of one device.
    assert!(
        id.starts_with("tab-a-") && id.len() == "tab-a-".len() + 16,
        "{id}"
    );
    assert_ne!(local::next_instance_id().unwrap(), id);
    let v = values(json!({"date": "2025-01-02", "bili": 30.0, "alb": 36.0}));
    let ops = create_ops(&id, labs, "HCC-001-0001", &v);
    local::save(&db, "dr.li", None, ops).await.unwrap();
    assert!(local::with(|l| needs_reason(&l.state, &id)));
    let mut changed = local::with(|l| instance_values(&l.state, &id, labs));
    changed.insert("bili".into(), json!(34.0));
    let ops = local::with(|l| edit_ops(&l.state, &id, labs, &changed));
    local::save(&db, "dr.li", Some("recheck".into()), ops)
        .await
        .unwrap();
    let in_memory = local::with(|l| l.state.clone());
    assert_eq!(
        local::with(|l| l.unsynced.get("HCC-001-0001").copied()),
        Some(2)
    );
    db.close();

    // Reopen: the log rebuilds the same state; the device continues its chain.
    let db = Db::open(name).await.unwrap();
    let stored = db.commits().await.unwrap();
    assert_eq!(stored.len(), 2);
    assert_eq!(chain::verify(&stored), Ok(()));
    let rebuilt = local::rebuild(
        "tab-a",
        State::from_commits(&stored),
        &Default::default(),
        0,
    );
    assert_eq!(rebuilt.state, in_memory);
    let r = record(&rebuilt.state, "HCC-001-0001");
    assert_eq!(r.instances[0].values.get("bili"), Some(&json!(34)));
    assert_eq!(rebuilt.state.history(&id, "bili").len(), 2);
    local::install(rebuilt);
    // The device continues its chain: the next commit is its third.
    assert_eq!(local::with(|l| l.log.as_ref().map(|g| g.seq)), Some(2));
    db.close();
    storage::delete(name).await.unwrap();
}

#[wasm_bindgen_test]
async fn device_settings_round_trip() {
    let name = "test-meta";
    storage::delete(name).await.unwrap();
    let db = Db::open(name).await.unwrap();
    assert_eq!(db.meta::<String>("device").await.unwrap(), None);
    db.set_meta("device", &"tab-123".to_owned()).await.unwrap();
    assert_eq!(
        db.meta::<String>("device").await.unwrap().as_deref(),
        Some("tab-123")
    );
    db.close();
    storage::delete(name).await.unwrap();
}

#[wasm_bindgen_test]
async fn the_demo_study_is_written_whole_to_its_own_database() {
    let written = write_demo(10, 7).await.unwrap();
    let db = Db::open(DEMO_DB).await.unwrap();
    let stored = db.commits().await.unwrap();
    assert_eq!(stored.len(), written);
    assert_eq!(chain::verify(&stored), Ok(()));
    let state = State::from_commits(&stored);
    assert_eq!(ecrf_core::record::records(&state).len(), 10);
    db.close();
    storage::delete(DEMO_DB).await.unwrap();
}

#[wasm_bindgen_test]
async fn a_forked_chain_is_kept_and_repaired_by_one_commit() {
    use ecrf_core::log::{fork, DeviceLog, Op};
    let name = "test-fork";
    storage::delete(name).await.unwrap();
    let db = Db::open(name).await.unwrap();
    // Two tabs continued the chain from one head (as before saves were serialised).
    let set = |i: &str, v: serde_json::Value| Op::SetField {
        instance: i.into(),
        field: "date".into(),
        value: v,
        supersedes: Vec::new(),
    };
    let mut one = DeviceLog::new("tab-f");
    let first = one.commit(1_000, "dr.li", None, vec![set("a", json!("2025-01-01"))]);
    let mut two = one.clone();
    let kept = one.commit(2_000, "dr.li", None, vec![set("a", json!("2025-01-02"))]);
    let kept2 = one.commit(3_000, "dr.li", None, vec![set("a", json!("2025-01-03"))]);
    let forked = two.commit(2_500, "dr.wang", None, vec![set("b", json!("2025-02-02"))]);
    for c in [&first, &kept, &kept2, &forked] {
        db.put_commit(c).await.unwrap();
    }
    let stored = db.commits().await.unwrap();
    local::install(local::rebuild(
        "tab-f",
        State::from_commits(&stored),
        &Default::default(),
        0,
    ));
    // Nothing is dropped: the fold holds both branches.
    assert_eq!(local::with(|l| l.state.commit_count()), 4);
    assert_eq!(ecrf_app::chain_repair::repair_forks(&db).await, Ok(1));
    let stored = db.commits().await.unwrap();
    assert_eq!(stored.len(), 5);
    // The kept chain with the repair is whole and holds the forked commit's value.
    let on_chain: Vec<_> = stored
        .iter()
        .filter(|c| c.id != forked.id)
        .cloned()
        .collect();
    assert_eq!(chain::verify(&on_chain), Ok(()));
    assert_eq!(
        State::from_commits(&on_chain).value("b", "date"),
        Some(&json!("2025-02-02"))
    );
    assert!(fork::unrepaired(&stored, "tab-f").is_empty());
    // Once repaired, not again (after a reload too).
    local::install(local::rebuild(
        "tab-f",
        State::from_commits(&stored),
        &Default::default(),
        0,
    ));
    assert_eq!(ecrf_app::chain_repair::repair_forks(&db).await, Ok(0));
    db.close();
    storage::delete(name).await.unwrap();
}
