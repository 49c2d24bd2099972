//! A throwaway PostgreSQL server for the native tests: installed from Debian's `postgresql` when
//! missing, initialised in a private temporary folder, run as the unprivileged `postgres` user
//! (when xtask runs as root) on a free loopback port with its socket in that folder, and stopped
//! and deleted when dropped.

use std::net::TcpListener;
use std::path::PathBuf;

use anyhow::{bail, Context};

use crate::shell::cmd;

/// The environment variable that tells the server's tests where PostgreSQL is (a libpq
/// connection string); when set, they run the store suite against it too.
pub const ENV: &str = "ECRF_TEST_POSTGRES";

/// The newest installed PostgreSQL's `bin` folder, if any.
fn bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let v = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").is_file().then_some((v, bin))
        })
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

/// Installs Debian's `postgresql` when no server is installed.
pub fn ensure_installed() -> anyhow::Result<()> {
    if bin_dir().is_some() {
        println!("setup: PostgreSQL present");
        return Ok(());
    }
    println!("setup: installing postgresql with apt-get");
    cmd("apt-get", &["update", "-qq"]).run()?;
    cmd("apt-get", &["install", "-y", "-qq", "postgresql"])
        .env("DEBIAN_FRONTEND", "noninteractive")
        .run()
        .context("apt-get install postgresql failed (run as root, or install it)")
}

fn is_root() -> bool {
    cmd("id", &["-u"]).read().is_some_and(|s| s.trim() == "0")
}

/// A running test server; stopped and its folder deleted on drop.
#[derive(Debug)]
pub struct TestPostgres {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres: bool,
    /// The libpq connection string of its `postgres` database (user `ecrf`, no password: the
    /// socket folder is private and the port listens on loopback only).
    pub url: String,
}

impl TestPostgres {
    /// Initialises and starts a server in a new private folder under the system's temp folder.
    pub fn start() -> anyhow::Result<TestPostgres> {
        let bin =
            bin_dir().context("PostgreSQL is not installed (cargo xtask setup installs it)")?;
        let dir = std::env::temp_dir().join(format!("ecrf-test-pg-{}", std::process::id()));
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("clearing {}", dir.display()))?;
        }
        let as_postgres = is_root();
        let dir_s = dir.display().to_string();
        if as_postgres {
            // PostgreSQL refuses to run as root: the folder belongs to the `postgres` user.
            cmd(
                "install",
                &[
                    "-d", "-m", "700", "-o", "postgres", "-g", "postgres", &dir_s,
                ],
            )
            .run()?;
        } else {
            cmd("install", &["-d", "-m", "700", &dir_s]).run()?;
        }
        let port = TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let server = TestPostgres {
            url: format!("host={dir_s} port={port} user=ecrf dbname=postgres"),
            dir,
            bin,
            as_postgres,
        };
        let data = server.dir.join("data").display().to_string();
        server.pg(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "ecrf",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        )?;
        let options = format!(
            "-c listen_addresses=127.0.0.1 -p {port} -k {dir_s} -c fsync=off -c synchronous_commit=off"
        );
        let log = server.dir.join("server.log").display().to_string();
        server.pg(
            "pg_ctl",
            &["-D", &data, "-o", &options, "-l", &log, "-w", "start"],
        )?;
        println!("postgres: test server on 127.0.0.1:{port}, socket in {dir_s}");
        Ok(server)
    }

    fn pg(&self, tool: &str, args: &[&str]) -> anyhow::Result<()> {
        let exe = self.bin.join(tool).display().to_string();
        let quiet = |c: crate::shell::Cmd| c.dir(&self.dir);
        let result = if self.as_postgres {
            let mut all = vec!["-u", "postgres", "--", exe.as_str()];
            all.extend_from_slice(args);
            quiet(cmd("runuser", &all)).run()
        } else {
            quiet(cmd(&exe, args)).run()
        };
        if result.is_err() {
            let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
            bail!(
                "{tool} failed: {}",
                log.lines().rev().take(5).collect::<Vec<_>>().join(" | ")
            );
        }
        Ok(())
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        let data = self.dir.join("data").display().to_string();
        if let Err(err) = self.pg("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"]) {
            eprintln!("postgres: stopping the test server failed: {err:#}");
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
