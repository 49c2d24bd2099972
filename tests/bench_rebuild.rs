//! Browser benchmark (run by `cargo xtask bench`, not by the tests): rebuilding the state from
//! IndexedDB for the demo study at 120 and 2,000 patients (open the database, read and check
//! every commit, fold), and validating and saving one labs form (validation in the patient's
//! context, one IndexedDB transaction, apply). Prints `BENCH` lines that xtask collects.

#![cfg(all(target_arch = "wasm32", feature = "bench"))]

use ecrf_app::device::now_ms;
use ecrf_app::local;
use ecrf_app::storage::{self, Db};
use ecrf_core::demo::generate;
use ecrf_core::record::{create_ops, record, Values};
use ecrf_core::study::study;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const DB: &str = "bench-rebuild";

#[wasm_bindgen_test]
async fn rebuild_from_indexeddb() {
    for patients in [120, 2_000] {
        let demo = generate(patients, 2026);
        storage::delete(DB).await.unwrap();
        let db = Db::open(DB).await.unwrap();
        db.import_commits(&demo.commits).await.unwrap();
        db.close();
        let mut best = (f64::INFINITY, 0.0, 0.0);
        for _ in 0..3 {
            let t0 = now_ms();
            let db = Db::open(DB).await.unwrap();
            let commits = db.commits().await.unwrap();
            let t1 = now_ms();
            let rebuilt = local::rebuild("bench", &commits);
            let t2 = now_ms();
            assert_eq!(rebuilt.commits, demo.commits.len());
            db.close();
            if t2 - t0 < best.0 {
                best = (t2 - t0, t1 - t0, t2 - t1);
            }
        }
        console_log!(
            "BENCH rebuild patients={patients} commits={} total_ms={:.0} read_ms={:.0} fold_ms={:.0}",
            demo.commits.len(),
            best.0,
            best.1,
            best.2
        );
    }
    // Validate and save one labs form into the 2,000-patient study.
    let db = Db::open(DB).await.unwrap();
    let commits = db.commits().await.unwrap();
    local::install(local::rebuild("bench", &commits));
    let form = study().form("labs").unwrap();
    let values: Values = serde_json::from_value(serde_json::json!({
        "date": "2025-06-01", "bili": 18.2, "bili_uln": 21, "alb": 37.5, "alb_lln": 35,
        "alt": 42, "alt_uln": 40, "plt": 132, "plt_lln": 125, "neut": 3.1, "lym": 1.2, "inr": 1.08
    }))
    .unwrap();
    let today = ecrf_core::dates::parse_date("2026-11-23").unwrap();
    let n = 50;
    let t0 = now_ms();
    for _ in 0..n {
        let r = local::with(|l| record(&l.state, "HCC-001-0001"));
        let id = local::next_instance_id().unwrap();
        let findings = r.validate_draft(form, &id, &values, today);
        assert!(findings.is_empty(), "{findings:?}");
        let ops = create_ops(&id, form, "HCC-001-0001", &values);
        local::save(&db, "bench", None, ops).await.unwrap();
    }
    console_log!(
        "BENCH save_form patients=2000 ms_per_form={:.2}",
        (now_ms() - t0) / f64::from(n)
    );
    db.close();
    storage::delete(DB).await.unwrap();
}
