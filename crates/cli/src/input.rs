//! Reading the CLI's input: a file or standard input, parsed as JSON; every failure is a
//! [`BadInput`] (exit status 2) with a one-line reason that names the input's own JSON path and
//! what was expected there ([`explain`]), never a Rust type.

mod explain;

use std::io::Read;
use std::path::Path;

use serde::de::DeserializeOwned;

pub use explain::from_value;

/// The input was unreadable, malformed or implausible: exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// Returns early with a [`BadInput`].
macro_rules! bad_input {
    ($($arg:tt)*) => {
        return Err(anyhow::Error::new($crate::input::BadInput(format!($($arg)*))))
    };
}
pub(crate) use bad_input;

/// Reads `path` (`-` is standard input) as text.
pub fn read_text(path: &Path) -> anyhow::Result<String> {
    let mut text = String::new();
    let read = if path.as_os_str() == "-" {
        std::io::stdin().read_to_string(&mut text).map(|_| ())
    } else {
        std::fs::read_to_string(path).map(|t| text = t)
    };
    if let Err(err) = read {
        bad_input!("cannot read {}: {err}", path.display());
    }
    Ok(text)
}

/// Reads `path` as JSON of type `T`: malformed JSON is reported with its line and column, a
/// value of the wrong shape with its JSON path and what was expected there.
pub fn read_json<T: DeserializeOwned>(path: &Path) -> anyhow::Result<T> {
    let text = read_text(path)?;
    let value: serde_json::Value = match serde_json::from_str(&text) {
        Ok(value) => value,
        Err(err) => bad_input!("{}: invalid input: {err}", path.display()),
    };
    match from_value(&value) {
        Ok(value) => Ok(value),
        Err(refusal) => bad_input!("{}: invalid input: {refusal}", path.display()),
    }
}

/// Prints a JSON document on standard output.
pub fn print_json(value: &serde_json::Value) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// Writes `value` as JSON on standard output, streamed through a buffer (compact, or indented
/// when `pretty`), with a final newline.
pub fn write_json<T: serde::Serialize>(value: &T, pretty: bool) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    if pretty {
        serde_json::to_writer_pretty(&mut out, value)?;
    } else {
        serde_json::to_writer(&mut out, value)?;
    }
    writeln!(out)?;
    out.flush()?;
    Ok(())
}

/// Rounds to `digits` decimals, for the printed values the contracts show rounded.
pub fn round(value: f64, digits: i32) -> f64 {
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}

/// Reads an export of commits (a JSON object with a `commits` array), refuses it unless the hash
/// chain is intact, and folds it.
pub fn read_commits(path: &Path) -> anyhow::Result<ecrf_core::log::State> {
    #[derive(serde::Deserialize)]
    struct Export {
        commits: Vec<ecrf_core::log::Commit>,
    }
    let export: Export = read_json(path)?;
    if let Err(err) = ecrf_core::log::chain::verify(&export.commits) {
        bad_input!("{}: the log is not intact: {err}", path.display());
    }
    Ok(ecrf_core::log::State::from_commits(&export.commits))
}
