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

/// The log: rebuilding the state of the demo study from its commits (what the app does on start,
/// here natively: the IndexedDB read is not included), and validating and committing one form.
fn log_benchmarks() {
    use ecrf_core::log::{DeviceLog, Op, State};
    use ecrf_core::study::{study, validate};
    println!("\ncommit log (native, release build of the core; best of 3)");
    for patients in [120, 2_000] {
        let demo = ecrf_core::demo::generate(patients, 2026);
        let mut state = State::default();
        let secs = best_of(3, || {
            state = State::from_commits(&demo.commits);
            Ok(())
        })
        .unwrap_or(f64::NAN);
        println!(
            "  rebuild state, {patients:>5} patients ({:>6} commits): {:>8.1} ms",
            demo.commits.len(),
            secs * 1e3
        );
        snapshot_benchmarks(&state);
    }
    let s = study();
    let form = s.form("labs").expect("the labs form exists");
    let values: std::collections::BTreeMap<String, serde_json::Value> = serde_json::from_value(serde_json::json!({
        "date": "2024-05-06", "bili": 18.2, "bili_uln": 21, "alb": 37.5, "alb_lln": 35, "alt": 42, "alt_uln": 40,
        "plt": 132, "plt_lln": 125, "neut": 3.1, "neut_lln": 1.8, "lym": 1.2, "lym_lln": 1.1, "inr": 1.08
    }))
    .expect("valid JSON");
    let ctx = validate::Context {
        today: ecrf_core::dates::parse_date("2026-11-23").expect("a date"),
        birth: None,
        enrollment: None,
        consent: None,
    };
    let mut device = DeviceLog::new("bench");
    let mut state = State::default();
    let n = 1_000;
    let start = Instant::now();
    for i in 0..n {
        let findings = validate::validate(s, form, &values, &ctx);
        assert!(findings.is_empty(), "{findings:?}");
        let instance = format!("bench-{i}");
        let mut ops = vec![Op::CreateForm {
            instance: instance.clone(),
            form: "labs".into(),
            patient: "HCC-001-0001".into(),
        }];
        ops.extend(values.iter().map(|(k, v)| Op::SetField {
            instance: instance.clone(),
            field: k.clone(),
            value: v.clone(),
            supersedes: Vec::new(),
        }));
        let commit = device.commit(i, "bench", None, ops);
        state.apply(&commit);
    }
    println!(
        "  validate + commit + apply one labs form (14 fields): {:>8.1} us",
        start.elapsed().as_secs_f64() / f64::from(n as u32) * 1e6
    );
}

/// The sealed snapshot of a state (`docs/sync-protocol.md`, "Sealed snapshot"): made and sealed
/// as the app does after a start, then opened and restored as an unlock does.
fn snapshot_benchmarks(state: &ecrf_core::log::State) {
    use ecrf_core::log::State;
    use ecrf_core::sync::snapshot::{open_snapshot, seal_snapshot};
    use ecrf_core::sync::{Compression, DataKey};
    let key = DataKey::new(0, [7; 32]);
    let mut sealed = Vec::new();
    let seal = best_of(3, || {
        sealed = seal_snapshot(&state.snapshot(), &key, [1; 12], Compression::None)?;
        Ok(())
    })
    .unwrap_or(f64::NAN);
    let mut snapshot = None;
    let open = best_of(3, || {
        snapshot = Some(open_snapshot(&sealed, std::slice::from_ref(&key))?);
        Ok(())
    })
    .unwrap_or(f64::NAN);
    // Timed without copying the snapshot first or dropping the state after.
    let mut restore = f64::INFINITY;
    for _ in 0..3 {
        let Some(s) = snapshot.clone() else { break };
        let start = Instant::now();
        let restored = State::restore(s);
        restore = restore.min(start.elapsed().as_secs_f64());
        assert_eq!(
            restored.map(|r| r.commit_count()).ok(),
            Some(state.commit_count())
        );
    }
    println!(
        "    sealed snapshot: {:.1} MiB; make and seal {:.1} ms, open {:.1} ms, restore {:.1} ms",
        sealed.len() as f64 / (1024.0 * 1024.0),
        seal * 1e3,
        open * 1e3,
        restore * 1e3
    );
}

/// In the browser (headless Chromium, the release build of the app against the real server):
/// the app's start-up rebuild of the state from IndexedDB for the demo study at 120 and 2,000
/// patients, and validating and saving one labs form through the UI (`tests/e2e/bench.mjs`).
fn browser_benchmarks() -> anyhow::Result<()> {
    crate::setup::setup()?;
    crate::build_app()?;
    cmd("cargo", &["build", "--package", "ecrf-server"]).run()?;
    cmd("cargo", &["build", "--release", "--package", "ecrf-cli"]).run()?;
    let dir = std::env::temp_dir().join("ecrf-bench");
    std::fs::create_dir_all(&dir)?;
    let ecrf = crate::target_dir().join("release/ecrf");
    let mut files = Vec::new();
    for patients in [120, 2_000] {
        let file = dir.join(format!("demo-{patients}.json"));
        let status = std::process::Command::new(&ecrf)
            .args([
                "demo",
                "--patients",
                &patients.to_string(),
                "--seed",
                "2026",
            ])
            .arg("--out")
            .arg(&file)
            .status()
            .context("running ecrf demo")?;
        anyhow::ensure!(status.success(), "ecrf demo failed");
        files.push(file.to_string_lossy().into_owned());
    }
    println!("\nIn the browser (headless Chromium, release build of the app; best of 3 / 5)");
    let mut args = vec!["bench.mjs"];
    args.extend(files.iter().map(String::as_str));
    let (ok, out) = cmd("node", &args)
        .dir(root().join("tests/e2e"))
        .env(
            "ECRF_SERVER_BIN",
            crate::target_dir().join("debug/ecrf-server"),
        )
        .env("ECRF_DIST", root().join("dist"))
        .tee()?;
    anyhow::ensure!(ok, "the browser benchmark failed");
    println!("summary:");
    for line in out.lines().filter_map(|l| l.trim().strip_prefix("BENCH ")) {
        println!("  {line}");
    }
    Ok(())
}

/// CTCAE search over all 837 terms: the time of one query, averaged over typical queries.
fn ctcae_benchmarks() {
    use ecrf_core::ctcae::catalogue::{search, terms};
    let start = Instant::now();
    let loaded = terms().len();
    println!(
        "\nCTCAE catalogue: parse {loaded} terms: {:.2} ms",
        start.elapsed().as_secs_f64() * 1e3
    );
    let queries = [
        "HFSR",
        "platelet",
        "increased alanine",
        "血小板",
        "hypothyr",
        "diarr",
        "fever",
        "ALT",
    ];
    let rounds = 200;
    let start = Instant::now();
    for _ in 0..rounds {
        for q in queries {
            std::hint::black_box(search(q, 20));
        }
    }
    let per = start.elapsed().as_secs_f64() / f64::from(rounds * queries.len() as u32);
    println!(
        "  search latency over all terms: {:.3} ms per query",
        per * 1e3
    );
}

/// Runs the benchmarks and prints their timings (re-running itself as a release build, since
/// `cargo xtask` builds in debug and the core's timings would mean nothing there).
///
/// `only`: `sync` runs the sync measurements alone, `log` the native commit log and snapshot ones.
pub fn bench(only: Option<&str>) -> anyhow::Result<()> {
    if cfg!(debug_assertions) {
        let mut args = vec![
            "run",
            "--quiet",
            "--release",
            "--package",
            "xtask",
            "--",
            "bench",
        ];
        args.extend(only);
        return cmd("cargo", &args).run();
    }
    match only {
        None => {}
        Some("sync") => return crate::bench_sync::sync_benchmarks(),
        Some("log") => {
            log_benchmarks();
            return Ok(());
        }
        Some(other) => anyhow::bail!("unknown benchmark group {other} (known: sync, log)"),
    }
    log_benchmarks();
    browser_benchmarks()?;
    ctcae_benchmarks();
    crate::bench_sync::sync_benchmarks()?;
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
    let ecrf = crate::target_dir().join("release/ecrf");
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
