//! `cargo xtask bench`: timings are measured and reported here, never asserted in tests.

use std::time::Instant;

use crate::shell::cmd;

/// Runs the benchmarks and prints their timings.
pub fn bench() -> anyhow::Result<()> {
    cmd("cargo", &["build", "--release", "--package", "ecrf-server"]).run()?;
    let store = Instant::now();
    let bin = crate::root().join("target/release/ecrf-server");
    let help = cmd(&bin.to_string_lossy(), &["--help"]).read();
    println!(
        "bench: ecrf-server start-up to --help: {:.1} ms",
        store.elapsed().as_secs_f64() * 1e3
    );
    anyhow::ensure!(help.is_some(), "ecrf-server --help failed");
    Ok(())
}
