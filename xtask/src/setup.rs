//! `cargo xtask setup`: installs what is missing, from the registries this project may use
//! (crates.io, npm, Debian apt), and skips every step whose tool is already at the right version.

use std::path::Path;

use anyhow::{bail, Context};

use crate::root;
use crate::shell::cmd;

/// The Trunk release that builds with this machine's rustc (0.22 needs a newer one).
pub const TRUNK_VERSION: &str = "0.21.14";

/// Runs every set-up step; quick when nothing is missing.
pub fn setup() -> anyhow::Result<()> {
    wasm_target()?;
    let wbg = wasm_bindgen_version()?;
    check_trunk_pins(&wbg)?;
    cargo_tool(
        "trunk",
        TRUNK_VERSION,
        &["trunk", "--version", TRUNK_VERSION, "--locked"],
    )?;
    // Without --locked: wasm-bindgen-cli's own lockfile names a crate version crates.io lacks.
    cargo_tool(
        "wasm-bindgen",
        &wbg,
        &["wasm-bindgen-cli", "--version", &wbg],
    )?;
    npm_packages()?;
    chromium()?;
    crate::postgres::ensure_installed()?;
    cmd("cargo", &["fetch", "--quiet"]).run()?;
    println!("setup: everything is in place");
    Ok(())
}

fn wasm_target() -> anyhow::Result<()> {
    let installed = cmd("rustup", &["target", "list", "--installed"])
        .read()
        .unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        println!("setup: wasm32-unknown-unknown target present");
        return Ok(());
    }
    cmd("rustup", &["target", "add", "wasm32-unknown-unknown"]).run()
}

/// The `wasm-bindgen` version in `Cargo.lock`: the CLI must match it exactly.
pub fn wasm_bindgen_version() -> anyhow::Result<String> {
    let lock = std::fs::read_to_string(root().join("Cargo.lock")).context("reading Cargo.lock")?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wasm-bindgen\"" {
            if let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \"")) {
                return Ok(v.trim_end_matches('"').to_owned());
            }
        }
    }
    bail!("Cargo.lock has no wasm-bindgen package")
}

/// Trunk must never download a tool: its pins must name what setup installs.
fn check_trunk_pins(wbg: &str) -> anyhow::Result<()> {
    let trunk = std::fs::read_to_string(root().join("Trunk.toml")).context("reading Trunk.toml")?;
    let want = format!("wasm_bindgen = \"{wbg}\"");
    if !trunk.contains(&want) {
        bail!("Trunk.toml must pin `{want}` (the version in Cargo.lock)");
    }
    if !trunk.contains("offline = true") {
        bail!("Trunk.toml must set `offline = true` under [build]");
    }
    Ok(())
}

/// Installs a crates.io binary unless `<bin> --version` already reports `version`.
fn cargo_tool(bin: &str, version: &str, install_args: &[&str]) -> anyhow::Result<()> {
    let found = cmd(bin, &["--version"]).read().unwrap_or_default();
    if found.split_whitespace().any(|w| w == version) {
        println!("setup: {bin} {version} present");
        return Ok(());
    }
    println!("setup: installing {bin} {version} from crates.io (takes minutes the first time)");
    let mut args = vec!["install"];
    args.extend_from_slice(install_args);
    cmd("cargo", &args).run()
}

/// `npm ci` of the end-to-end packages (playwright-core, binaryen's wasm-opt) when the lockfile
/// changed since the last install.
fn npm_packages() -> anyhow::Result<()> {
    let dir = root().join("tests/e2e");
    let lock = dir.join("package-lock.json");
    let stamp = dir.join("node_modules/.package-lock.json");
    if is_newer_or_equal(&stamp, &lock) && dir.join("node_modules/.bin/wasm-opt").exists() {
        println!("setup: npm packages present");
        return Ok(());
    }
    cmd("npm", &["ci", "--no-audit", "--no-fund"])
        .dir(&dir)
        .run()
}

fn is_newer_or_equal(a: &Path, b: &Path) -> bool {
    let time = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    matches!((time(a), time(b)), (Some(a), Some(b)) if a >= b)
}

/// Debian's Chromium and ChromeDriver, for browser and end-to-end tests, and NSS's `certutil`
/// (the end-to-end sync tests make Chromium trust a test certificate authority with it).
fn chromium() -> anyhow::Result<()> {
    if Path::new("/usr/bin/chromium").exists()
        && Path::new("/usr/bin/chromedriver").exists()
        && Path::new("/usr/bin/certutil").exists()
    {
        println!("setup: chromium, chromedriver and certutil present");
        return Ok(());
    }
    println!("setup: installing chromium, chromium-driver and libnss3-tools with apt-get");
    cmd("apt-get", &["update", "-qq"]).run()?;
    cmd(
        "apt-get",
        &[
            "install",
            "-y",
            "-qq",
            "chromium",
            "chromium-driver",
            "libnss3-tools",
        ],
    )
    .env("DEBIAN_FRONTEND", "noninteractive")
    .run()
    .context(
        "apt-get install failed (run as root, or install chromium, chromium-driver and libnss3-tools)",
    )
}
