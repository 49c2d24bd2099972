//! Survival statistics against reference values from Python `lifelines` 0.30.3 (and, where
//! lifelines follows another convention than R, numpy implementations of R's formulas), on the
//! Rossi recidivism and Waltons datasets that lifelines ships. The producing script, with the
//! exact call behind every value, is `tests/data/survival/make_fixtures.py`.
//!
//! Tolerance: relative 1e-6 (absolute 1e-9 near zero) on every value.

use std::collections::HashMap;

use ecrf_core::survival::cox::{self, CoxOptions};
use ecrf_core::survival::logrank::logrank;
use ecrf_core::survival::{ConfType, KaplanMeier, SurvivalData};
use serde_json::Value;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/survival");

/// A CSV with a header row, as columns of text.
fn csv(name: &str) -> HashMap<String, Vec<String>> {
    let text = std::fs::read_to_string(format!("{DIR}/{name}.csv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    let mut cols: HashMap<String, Vec<String>> =
        header.iter().map(|h| (h.clone(), Vec::new())).collect();
    for line in lines {
        for (h, v) in header.iter().zip(line.split(',')) {
            cols.get_mut(h).unwrap().push(v.to_owned());
        }
    }
    cols
}

fn numbers(col: &[String]) -> Vec<f64> {
    col.iter().map(|v| v.parse().unwrap()).collect()
}

fn fixtures() -> Value {
    serde_json::from_str(&std::fs::read_to_string(format!("{DIR}/fixtures.json")).unwrap()).unwrap()
}

fn close(got: Option<f64>, want: &Value, what: &str) {
    match (got, want.as_f64()) {
        (None, None) => {}
        (Some(g), Some(w)) => {
            let tol = 1e-6 * w.abs().max(1e-3);
            assert!((g - w).abs() <= tol, "{what}: got {g}, lifelines {w}");
        }
        (g, _) => panic!("{what}: got {g:?}, reference {want}"),
    }
}

/// (time, event, groups) of a dataset.
fn dataset(name: &str) -> (Vec<f64>, Vec<bool>, HashMap<String, Vec<String>>) {
    let cols = csv(name);
    let (t, e) = if name == "rossi" {
        ("week", "arrest")
    } else {
        ("T", "E")
    };
    let time = numbers(&cols[t]);
    let event = cols[e].iter().map(|v| v == "1").collect();
    (time, event, cols)
}

#[test]
fn kaplan_meier_matches_lifelines() {
    for fx in fixtures()["km"].as_array().unwrap() {
        let name = fx["name"].as_str().unwrap();
        let (dataset_name, subset) = name
            .split_once('/')
            .map_or((name, None), |(d, s)| (d, Some(s)));
        let (time, event, cols) = dataset(dataset_name);
        let keep: Vec<usize> = match subset.and_then(|s| s.split_once('=')) {
            Some((col, level)) => (0..time.len()).filter(|&i| cols[col][i] == level).collect(),
            None => (0..time.len()).collect(),
        };
        let t: Vec<f64> = keep.iter().map(|&i| time[i]).collect();
        let e: Vec<bool> = keep.iter().map(|&i| event[i]).collect();
        let km = KaplanMeier::fit(&t, &e, ConfType::LogLog, 0.05);
        let rows = km.rows();
        assert_eq!(
            rows.len(),
            fx["time"].as_array().unwrap().len(),
            "{name}: rows"
        );
        for (i, r) in rows.iter().enumerate() {
            let what = |col: &str| format!("{name} {col} at t={}", r.time);
            close(Some(r.time), &fx["time"][i], &what("time"));
            close(Some(r.n_risk), &fx["n_risk"][i], &what("n_risk"));
            close(Some(r.n_event), &fx["n_event"][i], &what("n_event"));
            close(Some(r.n_censor), &fx["n_censor"][i], &what("n_censor"));
            close(Some(r.surv), &fx["surv"][i], &what("surv"));
            close(r.std_err, &fx["std_err"][i], &what("std_err"));
            close(r.lower, &fx["lower"][i], &what("lower"));
            close(r.upper, &fx["upper"][i], &what("upper"));
            close(Some(r.cumhaz), &fx["cumhaz"][i], &what("cumhaz"));
        }
        let m = km.median();
        close(m.estimate, &fx["median"], &format!("{name} median"));
        close(
            m.lower,
            &fx["median_lower"],
            &format!("{name} median lower"),
        );
        close(
            m.upper,
            &fx["median_upper"],
            &format!("{name} median upper"),
        );
        for (j, at) in fx["at"].as_array().unwrap().iter().enumerate() {
            close(
                km.at(at.as_f64().unwrap()).surv,
                &fx["surv_at"][j],
                &format!("{name} S({at})"),
            );
        }
        let rmst = km.rmst(fx["rmst_tau"].as_f64().unwrap());
        close(Some(rmst.estimate), &fx["rmst"], &format!("{name} rmst"));
        close(
            Some(rmst.std_err),
            &fx["rmst_std_err"],
            &format!("{name} rmst se"),
        );
    }
}

#[test]
fn logrank_matches_lifelines_and_r_stratified() {
    for fx in fixtures()["logrank"].as_array().unwrap() {
        let (time, event, cols) = dataset(fx["data"].as_str().unwrap());
        let mut data = SurvivalData::new(time, event)
            .unwrap()
            .with_groups(&cols[fx["group"].as_str().unwrap()], None)
            .unwrap();
        if let Some(strata) = fx["strata"].as_str() {
            data = data.with_strata(&cols[strata]).unwrap();
        }
        let lr = logrank(&data, 0.0);
        close(Some(lr.chisq), &fx["chisq"], &format!("{fx}: chisq"));
        close(Some(lr.df), &fx["df"], "df");
        if !fx["p_value"].is_null() {
            close(Some(lr.p_value), &fx["p_value"], "p");
        }
    }
}

#[test]
fn cox_efron_matches_lifelines() {
    for fx in fixtures()["cox"].as_array().unwrap() {
        let name = fx["data"].as_str().unwrap();
        let (time, event, cols) = dataset(name);
        let mut data = SurvivalData::new(time, event).unwrap();
        for c in fx["covariates"].as_array().unwrap() {
            let c = c.as_str().unwrap();
            let values = if c == "miR" {
                cols["group"]
                    .iter()
                    .map(|g| if g == "miR-137" { 1.0 } else { 0.0 })
                    .collect()
            } else {
                numbers(&cols[c])
            };
            data = data.with_covariate(c, values).unwrap();
        }
        if let Some(strata) = fx["strata"].as_str() {
            data = data.with_strata(&cols[strata]).unwrap();
        }
        let (names, design) = cox::design(&data, false);
        let f = cox::fit(&data, &names, &design, CoxOptions::default()).unwrap();
        let what = format!("{name} {:?} strata {:?}", fx["covariates"], fx["strata"]);
        for (j, term) in f.terms.iter().enumerate() {
            close(
                Some(term.coef),
                &fx["coef"][j],
                &format!("{what}: coef {}", term.name),
            );
            close(
                Some(term.std_err),
                &fx["std_err"][j],
                &format!("{what}: se {}", term.name),
            );
        }
        close(Some(f.loglik), &fx["loglik"], &format!("{what}: loglik"));
        close(Some(f.lrt.chisq), &fx["lrt"], &format!("{what}: lrt"));
        close(Some(f.wald.chisq), &fx["wald"], &format!("{what}: wald"));
        close(Some(f.score.chisq), &fx["score"], &format!("{what}: score"));
        close(
            Some(f.concordance),
            &fx["concordance"],
            &format!("{what}: concordance"),
        );
    }
}

/// Breslow ties against statsmodels `PHReg(ties="breslow")` on Rossi (many tied weeks, so
/// Breslow and Efron differ there).
#[test]
fn cox_breslow_matches_statsmodels() {
    for fx in fixtures()["cox_breslow"].as_array().unwrap() {
        let (time, event, cols) = dataset("rossi");
        let mut data = SurvivalData::new(time, event).unwrap();
        for c in fx["covariates"].as_array().unwrap() {
            let c = c.as_str().unwrap();
            data = data.with_covariate(c, numbers(&cols[c])).unwrap();
        }
        let (names, design) = cox::design(&data, false);
        let opts = CoxOptions {
            ties: cox::Ties::Breslow,
            ..CoxOptions::default()
        };
        let f = cox::fit(&data, &names, &design, opts).unwrap();
        let efron = cox::fit(&data, &names, &design, CoxOptions::default()).unwrap();
        assert!(
            (f.loglik - efron.loglik).abs() > 1e-3,
            "ties matter on Rossi"
        );
        for (j, term) in f.terms.iter().enumerate() {
            close(
                Some(term.coef),
                &fx["coef"][j],
                &format!("breslow coef {}", term.name),
            );
            close(
                Some(term.std_err),
                &fx["std_err"][j],
                &format!("breslow se {}", term.name),
            );
        }
        close(Some(f.loglik), &fx["loglik"], "breslow loglik");
    }
}
