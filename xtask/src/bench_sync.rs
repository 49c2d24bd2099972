//! `cargo xtask bench`, sync part: what sealing costs in bytes (bundle versus the commits' JSON)
//! for the 120- and 2,000-patient demo studies, and the sync throughput end to end through the
//! release builds of `ecrf` and `ecrf-server` on loopback: one device pushing and pulling the
//! 2,000-patient study, then 10 devices pushing at once.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Instant;

use anyhow::{bail, Context};
use ecrf_core::demo::{generate_with, DemoOptions};
use ecrf_core::sync::{Bundle, Compression, DataKey, SealedCommit};

use crate::shell::cmd;

/// Bundle bytes against the commits' JSON bytes (what the app stored in the clear before).
fn sizes(patients: usize) -> anyhow::Result<(usize, usize, usize)> {
    let demo = generate_with(&DemoOptions {
        patients,
        seed: 1,
        device: "bench".into(),
        site: 1,
    });
    let key = DataKey::new(1, [7; 32]);
    let plain: usize = demo
        .commits
        .iter()
        .map(|c| serde_json::to_vec(c).map(|v| v.len()))
        .sum::<Result<usize, _>>()?;
    let sealed = demo
        .commits
        .iter()
        .enumerate()
        .map(|(i, c)| {
            // A counter as the nonce: fine for a size measurement with a throwaway key.
            let mut nonce = [0u8; 12];
            nonce[4..].copy_from_slice(&(i as u64).to_be_bytes());
            SealedCommit::seal(c, &key, nonce, Compression::Deflate)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let bundle = Bundle {
        study: [1; 16],
        commits: sealed,
    }
    .to_bytes()?;
    Ok((demo.commits.len(), plain, bundle.len()))
}

/// A release `ecrf-server` on a free loopback port with its own data folder; killed on drop.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(bin: &Path, data: &Path) -> anyhow::Result<Server> {
    let mut child = Command::new(bin)
        .args([
            "--addr",
            "127.0.0.1:0",
            "--print-addr",
            "--rate-limit-per-second",
            "0",
        ])
        .arg("--data-dir")
        .arg(data)
        .args(["--static-dir", "/nonexistent"])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .context("starting ecrf-server")?;
    let mut first = String::new();
    BufReader::new(child.stdout.take().context("no stdout")?).read_line(&mut first)?;
    Ok(Server {
        child,
        url: format!("http://{}", first.trim()),
    })
}

fn ecrf(bin: &Path, args: &[&str]) -> anyhow::Result<String> {
    let out = Command::new(bin)
        .args(args)
        .output()
        .context("running ecrf")?;
    if !out.status.success() {
        bail!(
            "ecrf {} failed: {}",
            args.first().unwrap_or(&""),
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

/// Prints the sync measurements.
pub fn sync_benchmarks() -> anyhow::Result<()> {
    println!("\nsync: sealed bundle (AES-256-GCM, DEFLATE) versus the commits' JSON");
    for patients in [120, 2_000] {
        let (n, plain, bundle) = sizes(patients)?;
        println!(
            "  {patients:>5} patients: {n} commits, JSON {:.1} MiB, bundle {:.1} MiB ({:.0}% of the JSON)",
            plain as f64 / 1_048_576.0,
            bundle as f64 / 1_048_576.0,
            100.0 * bundle as f64 / plain as f64
        );
    }
    cmd(
        "cargo",
        &[
            "build",
            "--release",
            "--package",
            "ecrf-server",
            "--package",
            "ecrf-cli",
        ],
    )
    .run()?;
    let release = crate::target_dir().join("release");
    let (server_bin, ecrf_bin) = (release.join("ecrf-server"), release.join("ecrf"));
    let dir: PathBuf = std::env::temp_dir().join(format!("ecrf-bench-sync-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let result = run_sync(&server_bin, &ecrf_bin, &dir);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

fn run_sync(server_bin: &Path, ecrf_bin: &Path, dir: &Path) -> anyhow::Result<()> {
    let server = start_server(server_bin, &dir.join("server"))?;
    let pass = dir.join("pass");
    std::fs::write(&pass, "bench passphrase 2026\n")?;
    let (url, pass_s) = (server.url.as_str(), s(&pass));
    let token = s(&dir.join("server/setup-token"));
    ecrf(
        ecrf_bin,
        &[
            "study",
            "init",
            "--server",
            url,
            "--setup-token-file",
            &token,
            "--user",
            "dm",
            "--passphrase-file",
            &pass_s,
        ],
    )?;
    let big = dir.join("demo-2000.json");
    ecrf(ecrf_bin, &["demo", "--patients", "2000", "--out", &s(&big)])?;
    let commits = commit_count(&big)?;
    let login = [
        "--server",
        url,
        "--user",
        "dm",
        "--passphrase-file",
        &pass_s,
    ];
    let started = Instant::now();
    ecrf(
        ecrf_bin,
        &[&["push"][..], &login, &["--commits", &s(&big), "--demo"]].concat(),
    )?;
    let push = started.elapsed().as_secs_f64();
    let started = Instant::now();
    ecrf(
        ecrf_bin,
        &[&["pull"][..], &login, &["--out", &s(&dir.join("pulled"))]].concat(),
    )?;
    let pull = started.elapsed().as_secs_f64();
    println!("\nsync end to end (release ecrf and ecrf-server on loopback, SQLite, one run)");
    println!(
        "  push 2,000 patients: {commits} commits in {push:.1} s ({:.0} commits/s, key derivation and login included)",
        commits as f64 / push
    );
    println!(
        "  pull 2,000 patients: {commits} commits in {pull:.1} s ({:.0} commits/s, verified and decrypted)",
        commits as f64 / pull
    );
    // 10 devices at once: each its own 120-patient study of its own device and site.
    let mut files = Vec::new();
    for i in 0..10 {
        let f = dir.join(format!("device-{i}.json"));
        let (device, site) = (format!("ward-{i}"), format!("{:03}", i + 2));
        ecrf(
            ecrf_bin,
            &[
                "demo",
                "--patients",
                "120",
                "--seed",
                &(i + 2).to_string(),
                "--device",
                &device,
            ]
            .into_iter()
            .chain(["--site", &site, "--out", &s(&f)])
            .collect::<Vec<_>>(),
        )?;
        files.push(f);
    }
    let total: usize = files
        .iter()
        .map(|f| commit_count(f))
        .sum::<anyhow::Result<usize>>()?;
    let started = Instant::now();
    let children = files
        .iter()
        .map(|f| {
            Command::new(ecrf_bin)
                .arg("push")
                .args(login)
                .args(["--commits", &s(f), "--demo"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped())
                .spawn()
                .context("starting ecrf push")
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    for child in children {
        let out = child.wait_with_output()?;
        if !out.status.success() {
            bail!(
                "a concurrent push failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let ten = started.elapsed().as_secs_f64();
    println!(
        "  10 devices pushing at once: {total} commits in {ten:.1} s ({:.0} commits/s in all, 10 key derivations included)",
        total as f64 / ten
    );
    drop(server);
    Ok(())
}

fn commit_count(file: &Path) -> anyhow::Result<usize> {
    let v: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(file)?)?;
    Ok(v["commits"].as_array().map_or(0, Vec::len))
}
