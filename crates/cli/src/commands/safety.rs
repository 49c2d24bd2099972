//! `ecrf safety --commits FILE.json [--alpha 0.05]`: the safety tables as JSON.

use std::path::Path;

use ecrf_core::safety::tables;

use crate::input::{bad_input, print_json, read_commits};

/// Verifies the log, folds it and prints the tables.
pub fn run(path: &Path, alpha: f64) -> anyhow::Result<()> {
    if !(alpha > 0.0 && alpha < 1.0) {
        bad_input!("--alpha must lie strictly between 0 and 1, not {alpha}");
    }
    let state = read_commits(path)?;
    print_json(&serde_json::to_value(tables(&state, alpha))?)
}
