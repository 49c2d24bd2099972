//! `cargo xtask bench`: timings are measured and reported here, never asserted in tests.
//!
//! Survival: `ecrf survival` (KM per group, log-rank, Efron Cox with 3 groups and 3 covariates)
//! against lifelines doing the same work, on the same synthetic CSV files of 1,000, 10,000 and
//! 100,000 rows, in the same run; best of three for each.

use std::fmt::Write as _;
use std::path::Path;
use std::time::Instant;

use anyhow::Context;

use crate::root;
use crate::shell::cmd;

/// SplitMix64: a small deterministic generator, so every run benchmarks the same data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Writes `n` rows: three groups, three covariates, exponential times with proportional hazards,
/// uniform censoring, times rounded to days (so there are ties, as in real data).
fn write_csv(path: &Path, n: usize) -> anyhow::Result<()> {
    let mut rng = Rng(2026 + n as u64);
    let mut out = String::from("time,event,group,x1,x2,x3\n");
    for _ in 0..n {
        let group = (rng.next() * 3.0) as usize;
        let x1 = rng.next() * 2.0 - 1.0;
        let x2 = if rng.next() < 0.4 { 1.0 } else { 0.0 };
        let x3 = 40.0 + rng.next() * 40.0;
        let lp = [0.0, -0.3, -0.6][group] + 0.5 * x1 + 0.4 * x2 + 0.02 * (x3 - 60.0);
        let event_time = -(1.0 - rng.next()).ln() / (0.002 * f64::exp(lp));
        let censor_time = rng.next() * 730.0;
        let (t, e) = if event_time <= censor_time {
            (event_time, 1)
        } else {
            (censor_time, 0)
        };
        writeln!(
            out,
            "{:.0},{e},{},{x1:.4},{x2},{x3:.1}",
            t.max(1.0).round(),
            ["A", "B", "C"][group]
        )?;
    }
    std::fs::write(path, out)?;
    Ok(())
}

fn best_of(runs: usize, mut f: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<f64> {
    let mut best = f64::INFINITY;
    for _ in 0..runs {
        let start = Instant::now();
        f()?;
        best = best.min(start.elapsed().as_secs_f64());
    }
    Ok(best)
}

/// Runs the benchmarks and prints their timings.
pub fn bench() -> anyhow::Result<()> {
    cmd("cargo", &["build", "--release", "--package", "ecrf-cli"]).run()?;
    let have_lifelines = cmd("python3", &["-c", "import lifelines"]).read().is_some();
    if !have_lifelines {
        cmd(
            "python3",
            &["-m", "pip", "install", "--quiet", "lifelines==0.30.3"],
        )
        .run()?;
    }
    let dir = std::env::temp_dir().join("ecrf-bench");
    std::fs::create_dir_all(&dir)?;
    let ecrf = root().join("target/release/ecrf");
    let script = root().join("xtask/bench/lifelines_bench.py");
    println!("\nsurvival: KM per group + log-rank + Cox (3 groups, 3 covariates), best of 3");
    println!(
        "{:>8}  {:>10}  {:>12}  {:>8}",
        "rows", "ecrf (s)", "lifelines (s)", "ratio"
    );
    for n in [1_000, 10_000, 100_000] {
        let csv = dir.join(format!("survival-{n}.csv"));
        write_csv(&csv, n)?;
        let csv_s = csv.to_string_lossy().into_owned();
        let ours = best_of(3, || {
            let out = std::process::Command::new(&ecrf)
                .args([
                    "survival", "--csv", &csv_s, "--time", "time", "--event", "event",
                ])
                .args(["--group", "group", "--covariates", "x1,x2,x3"])
                .output()
                .context("running ecrf")?;
            anyhow::ensure!(
                out.status.success(),
                "ecrf failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Ok(())
        })?;
        let theirs: f64 = cmd("python3", &[&script.to_string_lossy(), &csv_s, "3"])
            .read()
            .context("running the lifelines benchmark")?
            .trim()
            .parse()?;
        println!(
            "{n:>8}  {ours:>10.4}  {theirs:>12.4}  {:>7.1}x",
            theirs / ours
        );
    }
    Ok(())
}
