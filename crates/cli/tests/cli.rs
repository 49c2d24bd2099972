//! The `ecrf` binary run on files, as a statistician runs it: output, exit codes, messages.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

fn ecrf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecrf"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs `ecrf` with `json` written to a temporary file in place of `{}` in `args`.
fn ecrf_on(json: &str, args: &[&str]) -> Output {
    let dir = std::env::temp_dir().join(format!("ecrf-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join(format!(
        "{:x}.json",
        json.len() * 31 + json.bytes().map(usize::from).sum::<usize>()
    ));
    std::fs::write(&file, json).unwrap();
    let path = file.to_string_lossy().into_owned();
    let args: Vec<&str> = args
        .iter()
        .map(|a| if *a == "{}" { path.as_str() } else { a })
        .collect();
    ecrf(&args)
}

fn stdout_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

fn assert_bad_input(out: &Output, needle: &str) {
    assert_eq!(
        out.status.code(),
        Some(2),
        "stdout: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{err:?} should mention {needle:?}");
}

#[test]
fn derive_contract_example() {
    let out = stdout_json(&ecrf(&[
        "derive",
        "--input",
        data("derive_example.json").to_str().unwrap(),
    ]));
    assert_eq!(
        out["child_pugh"],
        serde_json::json!({"points": 5, "class": "A"})
    );
    assert_eq!(out["albi"]["grade"], "2");
    assert_eq!(out["albi"]["score"], -2.09);
    assert_eq!(out["bclc"]["stage"], "B");
    assert_eq!(out["cnlc"]["stage"], "IIa");
    assert_eq!(
        out["up_to_seven"],
        serde_json::json!({"value": 6.5, "within": true})
    );
    assert_eq!(out["bmi"], 22.5);
    assert_eq!(out["nlr"], 2.58);
    assert_eq!(out["plr"], 125.0);
    assert_eq!(out["missing"], serde_json::json!({}));
}

#[test]
fn derive_names_missing_inputs() {
    let out = stdout_json(&ecrf_on(
        r#"{"bilirubin_umol_l": 17, "albumin_g_l": 42}"#,
        &["derive", "--input", "{}"],
    ));
    assert_eq!(out["albi"]["grade"], "1");
    assert_eq!(out["child_pugh"], Value::Null);
    assert_eq!(
        out["missing"]["child_pugh"],
        serde_json::json!(["inr", "ascites", "encephalopathy"])
    );
    assert_eq!(out["bmi"], Value::Null);
}

#[test]
fn derive_refuses_out_of_range_with_status_2() {
    let out = ecrf_on(r#"{"albumin_g_l": 360}"#, &["derive", "--input", "{}"]);
    assert_bad_input(&out, "albumin_g_l");
}

#[test]
fn derive_refuses_malformed_and_unknown_input_with_status_2() {
    assert_bad_input(
        &ecrf_on(r#"{"albumin_g_l": "high"}"#, &["derive", "--input", "{}"]),
        "invalid input",
    );
    assert_bad_input(
        &ecrf_on(r#"{"albumin": 36}"#, &["derive", "--input", "{}"]),
        "unknown field",
    );
    assert_bad_input(
        &ecrf_on(r#"{"ascites": "lots"}"#, &["derive", "--input", "{}"]),
        "unknown variant",
    );
    assert_bad_input(
        &ecrf(&["derive", "--input", "/nonexistent/x.json"]),
        "cannot read",
    );
}

#[test]
fn subject_id_prints_canonical_and_flags_bad_ones() {
    let out = ecrf(&["subject-id", " hcc-001-0007", "HCC-1-7"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "HCC-001-0007\n");
    assert_bad_input(&out, "three digits");
}
