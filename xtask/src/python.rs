//! The checks of the exports by other people's tools (`tests/python`: lifelines, odmlib), in a
//! virtual environment under the target folder with the pinned `requirements.txt`, installed
//! from PyPI once and again only when the requirements change.

use std::path::PathBuf;

use crate::shell::cmd;
use crate::{root, target_dir};

/// The environment's Python, set up when missing or stale.
fn environment() -> anyhow::Result<PathBuf> {
    let venv = target_dir().join("pyenv");
    let python = venv.join("bin/python");
    let venv_s = venv.to_string_lossy().into_owned();
    if !python.exists() {
        cmd("python3", &["-m", "venv", &venv_s]).run()?;
    }
    let requirements = root().join("tests/python/requirements.txt");
    let wanted = std::fs::read_to_string(&requirements)?;
    let stamp = venv.join("requirements.installed");
    if std::fs::read_to_string(&stamp).ok().as_deref() != Some(wanted.as_str()) {
        let python_s = python.to_string_lossy().into_owned();
        cmd(
            &python_s,
            &[
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
                "-r",
                &requirements.to_string_lossy(),
            ],
        )
        .run()?;
        std::fs::write(&stamp, wanted)?;
    }
    Ok(python)
}

/// Runs `tests/python` (unittest) against the debug `ecrf` binary.
pub fn checks() -> anyhow::Result<(bool, String)> {
    let python = environment()?;
    cmd("cargo", &["build", "--package", "ecrf-cli"]).run()?;
    cmd(
        &python.to_string_lossy(),
        &["-m", "unittest", "discover", "-v", "-s", "tests/python"],
    )
    .dir(root())
    .env("ECRF_CLI_BIN", target_dir().join("debug/ecrf"))
    .tee()
}
