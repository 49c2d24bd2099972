//! A throwaway PostgreSQL server for the native tests: installed from Debian's `postgresql` when
//! missing, initialised in a private temporary folder, run as the unprivileged `postgres` user
//! (when xtask runs as root) listening on no TCP address at all, only on a Unix socket in that
//! folder (mode 0700), and stopped and deleted when dropped. Its `trust` authentication (no
//! password) is safe only because of that: no other local user can reach the socket, and there
//! is no port for them to connect to.

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
    /// socket folder is private and the server listens on no TCP address).
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
        // No TCP listener (`listen_addresses=''`): the port only names the socket file
        // (`.s.PGSQL.<port>`) in the private folder, so any number will do.
        let port = 5432;
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
        let options = server_options(port, &dir_s);
        let log = server.dir.join("server.log").display().to_string();
        server.pg(
            "pg_ctl",
            &["-D", &data, "-o", &options, "-l", &log, "-w", "start"],
        )?;
        println!("postgres: test server on a socket only, in {dir_s}");
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

/// The test server's options (`pg_ctl -o`): no TCP listener, the socket in `socket_dir`, and no
/// durability (the data is thrown away).
fn server_options(port: u16, socket_dir: &str) -> String {
    format!(
        "-c listen_addresses='' -p {port} -k {socket_dir} -c fsync=off -c synchronous_commit=off"
    )
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

#[cfg(test)]
mod tests {
    /// `trust` authentication is safe only with no TCP listener: the private socket is the one
    /// way in.
    #[test]
    fn the_test_server_listens_on_its_socket_only() {
        let options = super::server_options(5432, "/tmp/x");
        assert!(options.contains("-c listen_addresses='' "), "{options}");
        assert!(!options.contains("127.0.0.1") && !options.contains("localhost"));
        assert!(options.contains("-k /tmp/x"));
    }
}
