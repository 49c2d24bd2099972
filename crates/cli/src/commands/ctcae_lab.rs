//! `ecrf ctcae-lab --input FILE.json`: CTCAE v5.0 grades of lab values.

use std::path::Path;

use ecrf_core::ctcae::lab::{grade, LabValue};
use serde_json::{json, Value};

use crate::input::{bad_input, from_value, print_json, read_json};

/// Grades every element; the first that cannot be graded stops the run (exit 2).
pub fn run(path: &Path) -> anyhow::Result<()> {
    let raw: Vec<Value> = read_json(path)?;
    let mut out = Vec::with_capacity(raw.len());
    for (i, item) in raw.into_iter().enumerate() {
        let lab: LabValue = match from_value(&item) {
            Ok(l) => l,
            Err(refusal) => bad_input!("element {i}: {refusal}"),
        };
        let grades = match grade(&lab) {
            Ok(g) => g,
            Err(err) => bad_input!("element {i} ({}): {err}", lab.test),
        };
        out.push(json!({"test": lab.test, "grades": grades}));
    }
    print_json(&Value::Array(out))
}
