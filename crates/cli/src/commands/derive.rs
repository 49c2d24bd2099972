//! `ecrf derive --input FILE.json`: the derived values of one set of inputs.

use std::path::Path;

use ecrf_core::derived::{DeriveInput, Stage};
use serde_json::{json, Value};

use crate::input::{bad_input, print_json, read_json, round};

fn stage(s: Option<Stage>) -> Value {
    s.map_or(
        Value::Null,
        |s| json!({ "stage": s.stage, "rule": s.rule.en }),
    )
}

/// Reads the inputs, refuses values in the wrong unit and implausible values, prints the derived
/// values.
pub fn run(path: &Path) -> anyhow::Result<()> {
    let input: DeriveInput = read_json(path)?;
    if let Err(err) = input.check_units() {
        bad_input!("{}: {err}", path.display());
    }
    if let Err(err) = input.check_ranges() {
        bad_input!("{}: {err}", path.display());
    }
    let d = input.derive();
    print_json(&json!({
        "child_pugh": d.child_pugh.map(|c| json!({ "points": c.points, "class": c.class })),
        "albi": d.albi.map(|a| json!({ "score": round(a.score, 2), "grade": a.grade })),
        "bclc": stage(d.bclc),
        "cnlc": stage(d.cnlc),
        "up_to_seven": d.up_to_seven.map(|u| json!({ "value": round(u.value, 2), "within": u.within })),
        "bmi": d.bmi.map(|v| round(v, 1)),
        "nlr": d.nlr.map(|v| round(v, 2)),
        "plr": d.plr.map(|v| round(v, 2)),
        "missing": d.missing,
    }))
}
