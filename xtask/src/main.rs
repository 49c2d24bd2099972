//! `cargo xtask`: the project's automation in Rust (setup, run, test, bench), so that a fresh
//! Debian machine needs nothing but `cargo xtask run` and `cargo xtask test`.

mod bench;
mod bench_sync;
mod postgres;
mod python;
mod setup;
mod shell;
mod swbuild;
mod test;
mod tidy;

use std::path::{Path, PathBuf};

const USAGE: &str = "\
usage: cargo xtask <command>

commands:
  setup          install what is missing (wasm target, trunk, wasm-bindgen-cli, wasm-opt,
                 chromium + chromedriver, the end-to-end test packages)
  build          setup, then build the release app into dist/
  run [ARGS..]   build, then start ecrf-server serving the app and the API
                 (ARGS go to ecrf-server, e.g. --addr 127.0.0.1:9000; see ecrf-server --help)
  test           setup, then every check: fmt, clippy (native and wasm32), native tests,
                 browser tests (headless Chromium), end-to-end tests
  bench [sync|log]
                 benchmarks (timings are reported, never asserted); `bench sync`: only
                 the sync sizes and throughput; `bench log`: only the native fold and snapshot
  with-postgres CMD [ARGS..]
                 start a throwaway PostgreSQL, run CMD with ECRF_TEST_POSTGRES set to it
                 (e.g. cargo xtask with-postgres cargo test -p ecrf-server), stop it
  sw-manifest    Trunk post-build hook: writes the build version and precache list into sw.js";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("setup") => setup::setup(),
        Some("build") => setup::setup().and_then(|()| build_app()),
        Some("run") => run(&args[1..]),
        Some("test") => test::test(),
        Some("bench") => bench::bench(args.get(1).map(String::as_str)),
        Some("sw-manifest") => swbuild::sw_manifest(),
        Some("with-postgres") if args.len() > 1 => with_postgres(&args[1..]),
        _ => {
            eprintln!("{USAGE}");
            std::process::exit(2);
        }
    };
    if let Err(err) = result {
        eprintln!("xtask: error: {err:#}");
        std::process::exit(1);
    }
}

/// Runs a command with a throwaway PostgreSQL server (stopped afterwards, even on failure).
fn with_postgres(command: &[String]) -> anyhow::Result<()> {
    postgres::ensure_installed()?;
    let pg = postgres::TestPostgres::start()?;
    let rest: Vec<&str> = command[1..].iter().map(String::as_str).collect();
    shell::cmd(&command[0], &rest)
        .env(postgres::ENV, &pg.url)
        .env("ECRF_REQUIRE_POSTGRES", "1")
        .run()
}

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Cargo's target folder: `CARGO_TARGET_DIR` when set, else `target/` at the root.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            if dir.is_absolute() {
                dir
            } else {
                root().join(dir)
            }
        }
        None => root().join("target"),
    }
}

/// `trunk build --release` into `dist/`.
pub fn build_app() -> anyhow::Result<()> {
    shell::cmd("trunk", &["build", "--release"]).run()
}

fn run(server_args: &[String]) -> anyhow::Result<()> {
    setup::setup()?;
    build_app()?;
    shell::cmd(
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
    let has_addr = server_args.iter().any(|a| a.starts_with("--addr"));
    let addr = std::env::var("ECRF_ADDR").unwrap_or_else(|_| "127.0.0.1:8080".into());
    let mut args: Vec<String> = vec!["--static-dir".into(), "dist".into()];
    if !has_addr {
        args.extend(["--addr".into(), addr.clone()]);
    }
    args.extend(server_args.iter().cloned());
    let shown = server_args
        .iter()
        .position(|a| a == "--addr")
        .and_then(|i| server_args.get(i + 1).cloned())
        .or_else(|| {
            server_args
                .iter()
                .find_map(|a| a.strip_prefix("--addr=").map(String::from))
        })
        .unwrap_or(addr);
    println!("\neCRF is starting: open http://{shown}/ in Chromium (Ctrl-C stops it)");
    let data_dir = std::env::var("ECRF_DATA_DIR").unwrap_or_else(|_| "data".into());
    let store = root().join(&data_dir);
    if !store.join("ecrf.sqlite").exists() || store.join("setup-token").exists() {
        let ecrf = target_dir().join("release/ecrf");
        println!(
            "No study yet: the server writes a one-time set-up token to {data_dir}/setup-token.\n\
             Create the study and its data manager (the passphrase is read from a file) with:\n  \
             {} study init --server http://{shown} --setup-token-file {data_dir}/setup-token \\\n    \
             --user YOUR_NAME --passphrase-file YOUR_PASSPHRASE_FILE",
            ecrf.display()
        );
    }
    println!();
    let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
    shell::cmd(
        &target_dir().join("release/ecrf-server").to_string_lossy(),
        &arg_refs,
    )
    .run()
}
