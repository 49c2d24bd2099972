//! `ecrf response --criteria recist11|mrecist --input FILE.json`: one patient's series.

use std::path::Path;

use ecrf_core::response::{evaluate, Criteria, Series};
use serde_json::{json, Value};

use crate::input::{bad_input, print_json, read_json, round};

fn num(x: Option<f64>, digits: i32) -> Value {
    x.filter(|v| v.is_finite())
        .map_or(Value::Null, |v| json!(round(v, digits)))
}

/// Evaluates and prints the series.
pub fn run(
    criteria: &str,
    path: &Path,
    confirm_days: Option<i64>,
    min_sd_days: Option<i64>,
) -> anyhow::Result<()> {
    let criteria = match criteria {
        "recist11" => Criteria::Recist11,
        "mrecist" => Criteria::Mrecist,
        other => bad_input!("--criteria must be recist11 or mrecist, not {other:?}"),
    };
    let mut series: Series = read_json(path)?;
    if let Some(days) = confirm_days {
        series.parameters.confirmation_min_days = days;
    }
    if let Some(days) = min_sd_days {
        series.parameters.min_sd_days = days;
    }
    if series.parameters.confirmation_min_days < 0 || series.parameters.min_sd_days < 0 {
        bad_input!("day counts must not be negative");
    }
    if !(series.parameters.too_small_mm.is_finite() && series.parameters.too_small_mm >= 0.0) {
        bad_input!("parameters.too_small_mm must be a non-negative number");
    }
    let e = match evaluate(&series, criteria) {
        Ok(e) => e,
        Err(err) => bad_input!("{}: {err}", path.display()),
    };
    let timepoints: Vec<Value> = e
        .timepoints
        .iter()
        .map(|t| {
            json!({
                "date": ecrf_core::dates::format_date(t.date),
                "sum_mm": num(t.sum_mm, 2),
                "nadir_mm": num(Some(t.nadir_mm), 2),
                "pct_change_from_baseline": num(t.pct_change_from_baseline, 2),
                "pct_change_from_nadir": num(t.pct_change_from_nadir, 2),
                "target": t.target,
                "non_target": t.non_target,
                "new_lesions": t.new_lesions,
                "overall": t.overall,
            })
        })
        .collect();
    print_json(&json!({
        "criteria": criteria.name(),
        "baseline_sum_mm": num(Some(e.baseline_sum_mm), 2),
        "timepoints": timepoints,
        "best_overall_response": e.best_overall_response,
        "progression_date": e.progression_date.map(ecrf_core::dates::format_date),
        "best_pct_change": num(e.best_pct_change, 2),
        "parameters": series.parameters,
    }))
}
