//! `ecrf demo --patients N --seed S [--device NAME] [--site NNN] --out FILE.json`: the demo
//! study's commits, deterministically.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use ecrf_core::demo::{generate_with, DemoOptions};

use crate::input::bad_input;

/// Generates the study and writes it atomically (a temporary file renamed into place).
pub fn run(patients: usize, seed: u64, device: &str, site: &str, out: &Path) -> anyhow::Result<()> {
    if patients == 0 || patients > 100_000 {
        bad_input!("--patients must be between 1 and 100000, not {patients}");
    }
    let valid_device = !device.is_empty()
        && device.len() <= 64
        && device
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if !valid_device {
        bad_input!("--device must be 1 to 64 letters, digits, '.', '_' or '-', not {device:?}");
    }
    let site_code = match site.parse::<u16>() {
        Ok(n) if site.len() == 3 && site.bytes().all(|b| b.is_ascii_digit()) && n >= 1 => n,
        _ => bad_input!("--site must be three digits from 001 to 999, not {site:?}"),
    };
    let sites_needed = (patients - 1) / 9999;
    if usize::from(site_code) + sites_needed > 999 {
        bad_input!("{patients} patients from site {site} would need site codes beyond 999");
    }
    let demo = generate_with(&DemoOptions {
        patients,
        seed,
        device: device.to_owned(),
        site: site_code,
    });
    let tmp = out.with_extension("json.partial");
    let write = || -> anyhow::Result<()> {
        let mut file = std::io::BufWriter::new(std::fs::File::create(&tmp)?);
        serde_json::to_writer(&mut file, &demo)?;
        file.write_all(b"\n")?;
        file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        std::fs::rename(&tmp, out)?;
        Ok(())
    };
    write().with_context(|| format!("writing {}", out.display()))?;
    eprintln!(
        "ecrf: wrote {} patients, {} commits to {}",
        patients,
        demo.commits.len(),
        out.display()
    );
    Ok(())
}
