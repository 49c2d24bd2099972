//! The Trunk post-build hook: names the build and lists its files in the service worker, so the
//! first visit precaches the hashed asset names and a new deployment is detected as new.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

/// The placeholders in `public/sw.js` and `index.html`.
const VERSION_MARK: &str = "__ECRF_BUILD_VERSION__";
const PRECACHE_MARK: &str = "\"__ECRF_PRECACHE__\"";

/// FNV-1a, 64 bit: a stable content fingerprint (not a security measure).
fn fnv1a(hash: u64, bytes: &[u8]) -> u64 {
    bytes.iter().fold(hash, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    for entry in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let path = entry?.path();
        if path.is_dir() {
            files(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

/// Rewrites `sw.js` and `index.html` in `$TRUNK_STAGING_DIR`.
pub fn sw_manifest() -> anyhow::Result<()> {
    let staging = PathBuf::from(
        std::env::var_os("TRUNK_STAGING_DIR").context("run by Trunk: TRUNK_STAGING_DIR unset")?,
    );
    let sw = staging.join("sw.js");
    let index = staging.join("index.html");
    let mut all = Vec::new();
    files(&staging, &mut all)?;
    let mut urls: Vec<String> = all
        .iter()
        .filter(|p| **p != sw)
        .filter_map(|p| p.strip_prefix(&staging).ok())
        .map(|p| format!("/{}", p.to_string_lossy().replace('\\', "/")))
        .collect();
    urls.sort();
    let mut hash = 0xcbf2_9ce4_8422_2325;
    for url in &urls {
        hash = fnv1a(hash, url.as_bytes());
        hash = fnv1a(hash, &std::fs::read(staging.join(&url[1..]))?);
    }
    let version = format!("{hash:016x}");
    urls.insert(0, "/".into());
    let list = format!(
        "[{}]",
        urls.iter()
            .map(|u| format!("\"{u}\""))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let sw_text = std::fs::read_to_string(&sw).context("reading the staged sw.js")?;
    if !sw_text.contains(VERSION_MARK) || !sw_text.contains(PRECACHE_MARK) {
        bail!("sw.js lacks the build placeholders");
    }
    let sw_text = sw_text
        .replace(VERSION_MARK, &version)
        .replace(PRECACHE_MARK, &list);
    std::fs::write(&sw, sw_text)?;
    let html = std::fs::read_to_string(&index)?.replace(VERSION_MARK, &version);
    std::fs::write(&index, html)?;
    println!(
        "sw-manifest: build {version}, {} files precached",
        urls.len()
    );
    Ok(())
}
