//! IPTW building blocks against `statsmodels` 0.14.5 and `lifelines` 0.30.3 on the Rossi data:
//! treatment `fin`, factors age, race, wexp, mar, paro, prio. The producing script, with the
//! exact call behind every value, is `tests/data/survival/make_iptw_fixtures.py`.
//!
//! Tolerance: relative 1e-6 (absolute 1e-9 near zero) on every value.

use ecrf_core::survival::cox::{self, CoxOptions};
use ecrf_core::survival::iptw::{propensity, smd, stabilized_weights, trim, weighted_km};
use ecrf_core::survival::SurvivalData;
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/survival");
const FACTORS: [&str; 6] = ["age", "race", "wexp", "mar", "paro", "prio"];

fn close(a: f64, b: f64, what: &str) {
    let tol = 1e-6 * b.abs().max(1e-3);
    assert!((a - b).abs() <= tol.max(1e-9), "{what}: {a} vs {b}");
}

fn nums(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

struct Rossi {
    week: Vec<f64>,
    arrest: Vec<bool>,
    fin: Vec<bool>,
    factors: Vec<Vec<f64>>,
}

fn rossi() -> Rossi {
    let text = std::fs::read_to_string(format!("{DIR}/rossi.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let rows: Vec<Vec<f64>> = lines
        .map(|l| l.split(',').map(|v| v.parse().unwrap()).collect())
        .collect();
    let col = |name: &str| {
        let j = header.iter().position(|h| *h == name).unwrap();
        rows.iter().map(|r| r[j]).collect::<Vec<f64>>()
    };
    Rossi {
        week: col("week"),
        arrest: col("arrest").iter().map(|v| *v == 1.0).collect(),
        fin: col("fin").iter().map(|v| *v == 1.0).collect(),
        factors: FACTORS.iter().map(|f| col(f)).collect(),
    }
}

#[test]
fn propensity_weights_balance_and_weighted_km_match_the_references() {
    let fx: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/iptw.json")).unwrap())
            .unwrap();
    let r = rossi();
    // statsmodels Logit(fin, [1, age, race, wexp, mar, paro, prio]).fit(tol=1e-12)
    let model = propensity(&r.fin, &r.factors).unwrap();
    for (a, b) in model.coef.iter().zip(nums(&fx["coef"])) {
        close(*a, b, "coefficient");
    }
    for (a, b) in model.ps.iter().zip(nums(&fx["ps"])) {
        close(*a, b, "propensity");
    }
    // Stabilized, then truncated at the 1st and 99th percentiles (numpy.percentile).
    let w = stabilized_weights(&r.fin, &model.ps);
    for (a, b) in w.iter().zip(nums(&fx["weights"])) {
        close(*a, b, "weight");
    }
    for (a, b) in trim(&w, 1.0, 99.0).iter().zip(nums(&fx["weights_trimmed"])) {
        close(*a, b, "trimmed weight");
    }
    // Standardized mean differences, unweighted and weighted.
    for (j, f) in FACTORS.iter().enumerate() {
        let before = smd(&r.factors[j], &r.fin, None);
        let after = smd(&r.factors[j], &r.fin, Some(&w));
        close(before, fx["smd_before"][f].as_f64().unwrap(), f);
        let expected = fx["smd_after"][f].as_f64().unwrap();
        assert!(
            (after - expected).abs() < 1e-9,
            "{f} after: {after} vs {expected}"
        );
        assert!(after.abs() < 0.01, "weighting balances {f}");
    }
    // lifelines KaplanMeierFitter().fit(week, arrest, weights=w) per arm.
    for (arm, treated) in [("1", true), ("0", false)] {
        let idx: Vec<usize> = (0..r.fin.len()).filter(|&i| r.fin[i] == treated).collect();
        let km = weighted_km(
            &idx.iter().map(|&i| r.week[i]).collect::<Vec<_>>(),
            &idx.iter().map(|&i| r.arrest[i]).collect::<Vec<_>>(),
            &idx.iter().map(|&i| w[i]).collect::<Vec<_>>(),
        );
        let times = nums(&fx["km"][arm]["time"]);
        let surv = nums(&fx["km"][arm]["surv"]);
        assert_eq!(km.len(), times.len(), "arm {arm}");
        for ((t, s), (et, es)) in km.iter().zip(times.iter().zip(&surv)) {
            assert_eq!(t, et);
            close(*s, *es, &format!("S({t}) arm {arm}"));
        }
    }
}

#[test]
fn the_weighted_cox_model_and_its_robust_errors_match_lifelines() {
    let fx: Value =
        serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/iptw.json")).unwrap())
            .unwrap();
    let r = rossi();
    let w = stabilized_weights(&r.fin, &propensity(&r.fin, &r.factors).unwrap().ps);
    // Distinct times, as the fixture (lifelines' robust errors do not handle ties).
    let time: Vec<f64> = r
        .week
        .iter()
        .enumerate()
        .map(|(i, t)| t + 1e-5 * i as f64)
        .collect();
    let fin: Vec<f64> = r.fin.iter().map(|&t| f64::from(u8::from(t))).collect();
    let data = SurvivalData::new(time, r.arrest.clone()).unwrap();
    let fit = cox::fit_weighted(
        &data,
        &["fin".to_owned()],
        &[fin],
        &w,
        CoxOptions::default(),
    )
    .unwrap();
    let t = &fit.fit.terms[0];
    close(t.coef, fx["cox"]["coef"].as_f64().unwrap(), "coef");
    close(
        t.std_err,
        fx["cox"]["robust_se"].as_f64().unwrap(),
        "robust se",
    );
    close(
        fit.naive_std_err[0],
        fx["cox"]["naive_se"].as_f64().unwrap(),
        "model se",
    );
}
