//! `ecrf demo --patients N --seed S --out FILE.json`: the demo study's commits, deterministically.

use std::io::Write;
use std::path::Path;

use anyhow::Context;
use ecrf_core::demo::generate;

use crate::input::bad_input;

/// Generates the study and writes it atomically (a temporary file renamed into place).
pub fn run(patients: usize, seed: u64, out: &Path) -> anyhow::Result<()> {
    if patients == 0 || patients > 100_000 {
        bad_input!("--patients must be between 1 and 100000, not {patients}");
    }
    let demo = generate(patients, seed);
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
