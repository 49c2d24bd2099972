//! Running commands: with the project's tool folders first on PATH, streaming their output while
//! keeping a copy for the test summary.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use anyhow::{bail, Context};

use crate::root;

/// The PATH with the project's tools first: `wasm-opt` from npm's `binaryen`, then cargo's bin.
pub fn tool_path() -> String {
    let mut parts = vec![root()
        .join("tests/e2e/node_modules/.bin")
        .display()
        .to_string()];
    if let Some(home) = std::env::var_os("CARGO_HOME") {
        parts.push(
            std::path::Path::new(&home)
                .join("bin")
                .display()
                .to_string(),
        );
    } else if let Some(home) = std::env::var_os("HOME") {
        parts.push(
            std::path::Path::new(&home)
                .join(".cargo/bin")
                .display()
                .to_string(),
        );
    }
    parts.push(std::env::var("PATH").unwrap_or_default());
    parts.join(":")
}

/// A command to run from the workspace root.
#[derive(Debug)]
pub struct Cmd {
    inner: Command,
    shown: String,
}

/// Builds a command run at the workspace root with [`tool_path`].
pub fn cmd(program: &str, args: &[&str]) -> Cmd {
    let mut inner = Command::new(program);
    inner
        .args(args)
        .current_dir(root())
        .env("PATH", tool_path())
        // `cargo run` points LD_LIBRARY_PATH at the Rust toolchain's libraries (its libLLVM
        // among them); the browsers the tests start must load the system's own. Cargo and rustup
        // set what they need themselves.
        .env_remove("LD_LIBRARY_PATH");
    Cmd {
        inner,
        shown: format!("{program} {}", args.join(" ")),
    }
}

impl Cmd {
    /// Sets an environment variable.
    pub fn env(mut self, key: &str, value: impl AsRef<std::ffi::OsStr>) -> Cmd {
        self.inner.env(key, value);
        self
    }

    /// Sets the working directory.
    pub fn dir(mut self, dir: impl AsRef<std::path::Path>) -> Cmd {
        self.inner.current_dir(dir);
        self
    }

    /// Runs it with inherited output; fails on a non-zero exit.
    pub fn run(mut self) -> anyhow::Result<()> {
        println!("$ {}", self.shown);
        let status = self
            .inner
            .status()
            .with_context(|| format!("starting `{}`", self.shown))?;
        if !status.success() {
            bail!("`{}` failed ({status})", self.shown);
        }
        Ok(())
    }

    /// Runs it and returns its standard output, if it starts and succeeds.
    pub fn read(mut self) -> Option<String> {
        let out = self.inner.stderr(Stdio::null()).output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Runs it, echoing both output streams line by line, and returns (success, all output).
    pub fn tee(mut self) -> anyhow::Result<(bool, String)> {
        println!("$ {}", self.shown);
        let mut child = self
            .inner
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("starting `{}`", self.shown))?;
        let stdout = child.stdout.take().expect("piped");
        let stderr = child.stderr.take().expect("piped");
        let err_thread = std::thread::spawn(move || copy_lines(BufReader::new(stderr), true));
        let mut all = copy_lines(BufReader::new(stdout), false);
        all.push_str(&err_thread.join().unwrap_or_default());
        let status = child.wait()?;
        Ok((status.success(), all))
    }
}

fn copy_lines(reader: impl BufRead, to_stderr: bool) -> String {
    let mut all = String::new();
    for line in reader.lines().map_while(Result::ok) {
        if to_stderr {
            let _ = writeln!(std::io::stderr(), "{line}");
        } else {
            let _ = writeln!(std::io::stdout(), "{line}");
        }
        all.push_str(&line);
        all.push('\n');
    }
    all
}
