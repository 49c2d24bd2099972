//! Helpers shared by the command-line tests: run `ecrf`, read its JSON, check a refusal.

#![allow(dead_code)] // each test binary uses its own subset

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

pub fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(name)
}

pub fn ecrf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecrf"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs `ecrf` with `json` written to a temporary file in place of `{}` in `args`.
pub fn ecrf_on(json: &str, args: &[&str]) -> Output {
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

pub fn stdout_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

pub fn assert_bad_input(out: &Output, needle: &str) {
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
