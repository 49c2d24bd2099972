//! `cargo xtask test`: every check, a summary line per stage and a final `N passed, N failed`.

use std::time::Instant;

use anyhow::bail;

use crate::shell::cmd;
use crate::{build_app, root, setup};

/// What one stage found.
struct Stage {
    name: &'static str,
    ok: bool,
    passed: u64,
    failed: u64,
    seconds: f64,
}

/// Sums the counts in a test runner's closing lines: cargo/wasm-bindgen-test
/// (`test result: ok. 5 passed; 0 failed; ...`), node's runner (`ℹ pass 3` / `# pass 3`) and
/// Python's unittest (`Ran 4 tests in 2.1s`, then `OK` or `FAILED (failures=1, errors=1)`).
fn counts(output: &str) -> (u64, u64) {
    let mut passed = 0;
    let mut failed = 0;
    let mut unittest: Option<u64> = None;
    for line in output.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("Ran ") {
            if let Some(n) = rest.split_whitespace().next().and_then(|n| n.parse().ok()) {
                unittest = Some(n);
            }
        }
        if let (Some(ran), Some(rest)) = (unittest, line.strip_prefix("FAILED (")) {
            let bad: u64 = rest
                .trim_end_matches(')')
                .split(", ")
                .filter_map(|kv| kv.split_once('='))
                .filter(|(k, _)| *k == "failures" || *k == "errors")
                .filter_map(|(_, v)| v.parse::<u64>().ok())
                .sum();
            failed += bad;
            passed += ran.saturating_sub(bad);
            unittest = None;
        }
        if let (Some(ran), true) = (unittest, line == "OK" || line.starts_with("OK (")) {
            passed += ran;
            unittest = None;
        }
        if let Some(rest) = line.strip_prefix("test result: ") {
            for part in rest.split([';', '.']) {
                let mut words = part.split_whitespace();
                if let (Some(n), Some(what)) = (words.next(), words.next()) {
                    let n: u64 = n.parse().unwrap_or(0);
                    match what {
                        "passed" => passed += n,
                        "failed" => failed += n,
                        _ => {}
                    }
                }
            }
        }
        let node = line.strip_prefix("ℹ ").or_else(|| line.strip_prefix("# "));
        if let Some(rest) = node {
            let mut words = rest.split_whitespace();
            if let (Some(what), Some(n), None) = (words.next(), words.next(), words.next()) {
                let n: u64 = n.parse().unwrap_or(0);
                match what {
                    "pass" => passed += n,
                    "fail" => failed += n,
                    _ => {}
                }
            }
        }
    }
    (passed, failed)
}

fn run_stage(name: &'static str, check: impl FnOnce() -> anyhow::Result<(bool, String)>) -> Stage {
    println!("\n==> {name}");
    let start = Instant::now();
    let (ok, output) = check().unwrap_or_else(|err| (false, format!("{err:#}")));
    let (mut passed, mut failed) = counts(&output);
    if passed == 0 && failed == 0 {
        // A check with no test count (fmt, clippy, a build) counts as one.
        if ok {
            passed = 1;
        } else {
            failed = 1;
        }
    } else if !ok && failed == 0 {
        failed = 1;
    }
    if !ok && output.lines().count() < 3 {
        eprintln!("{output}");
    }
    Stage {
        name,
        ok,
        passed,
        failed,
        seconds: start.elapsed().as_secs_f64(),
    }
}

/// Runs every stage, even after a failure, and fails if any failed.
pub fn test() -> anyhow::Result<()> {
    let total = Instant::now();
    setup::setup()?;
    let wasm = "wasm32-unknown-unknown";
    let stages = vec![
        run_stage("fmt", || cmd("cargo", &["fmt", "--all", "--check"]).tee()),
        run_stage("tidy", crate::tidy::tidy),
        run_stage("clippy (native)", || {
            cmd(
                "cargo",
                &[
                    "clippy",
                    "--workspace",
                    "--exclude",
                    "ecrf-app",
                    "--all-targets",
                    "--",
                    "-D",
                    "warnings",
                ],
            )
            .tee()
        }),
        run_stage("clippy (wasm32)", || {
            let (ok_app, a) = cmd(
                "cargo",
                &[
                    "clippy",
                    "-p",
                    "ecrf-app",
                    "--all-targets",
                    "--target",
                    wasm,
                    "--",
                    "-D",
                    "warnings",
                ],
            )
            .tee()?;
            let (ok_core, b) = cmd(
                "cargo",
                &[
                    "clippy",
                    "-p",
                    "ecrf-core",
                    "--lib",
                    "--target",
                    wasm,
                    "--",
                    "-D",
                    "warnings",
                ],
            )
            .tee()?;
            Ok((ok_app && ok_core, a + &b))
        }),
        run_stage("native tests", || {
            // The server's store suite runs against SQLite and, through this variable, against
            // a real PostgreSQL started here and stopped when the stage ends.
            let pg = crate::postgres::TestPostgres::start()?;
            cmd("cargo", &["test", "--workspace", "--exclude", "ecrf-app"])
                .env(crate::postgres::ENV, &pg.url)
                .env("ECRF_REQUIRE_POSTGRES", "1")
                .tee()
        }),
        run_stage("python checks", crate::python::checks),
        run_stage("browser tests", || {
            cmd("cargo", &["test", "-p", "ecrf-app", "--target", wasm])
                .env("CHROMEDRIVER", "/usr/bin/chromedriver")
                .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
                .tee()
        }),
        run_stage("end-to-end tests", e2e),
    ];
    println!("\n==> summary");
    let (mut passed, mut failed) = (0, 0);
    for s in &stages {
        println!(
            "{:<18} {:<4} {:>4} passed, {:>3} failed  ({:.0} s)",
            s.name,
            if s.ok { "ok" } else { "FAIL" },
            s.passed,
            s.failed,
            s.seconds
        );
        passed += s.passed;
        failed += s.failed;
    }
    println!("total time {:.0} s", total.elapsed().as_secs_f64());
    println!("{passed} passed, {failed} failed");
    if stages.iter().any(|s| !s.ok) {
        bail!("some stages failed");
    }
    Ok(())
}

fn e2e() -> anyhow::Result<(bool, String)> {
    build_app()?;
    cmd(
        "cargo",
        &["build", "--package", "ecrf-server", "--package", "ecrf-cli"],
    )
    .run()?;
    let server = crate::target_dir().join("debug/ecrf-server");
    cmd(
        "node",
        &["--test", "--test-concurrency=1", "--test-reporter=spec"],
    )
    .dir(root().join("tests/e2e"))
    .env("ECRF_SERVER_BIN", &server)
    .env("ECRF_CLI_BIN", crate::target_dir().join("debug/ecrf"))
    .env("ECRF_DIST", root().join("dist"))
    .tee()
}

#[cfg(test)]
mod tests {
    use super::counts;

    #[test]
    fn unittest_closing_lines_are_counted() {
        assert_eq!(counts("...\nRan 4 tests in 20.9s\n\nOK\n"), (4, 0));
        assert_eq!(
            counts("Ran 5 tests in 1.0s\n\nFAILED (failures=1, errors=1)\n"),
            (3, 2)
        );
        assert_eq!(counts("Ran 2 tests in 1s\nOK (skipped=1)\n"), (2, 0));
    }

    #[test]
    fn cargo_and_node_closing_lines_are_summed() {
        let out = "test result: ok. 5 passed; 0 failed; 1 ignored; 0 measured\n\
                   test result: FAILED. 2 passed; 1 failed; 0 ignored\n\
                   ℹ pass 3\nℹ fail 1\n# pass 2\n";
        assert_eq!(counts(out), (12, 2));
    }
}
