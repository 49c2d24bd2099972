//! The real `ecrf-server` for the command-line sync tests: started on loopback with a scratch
//! data folder, stopped when dropped; and `ecrf` run against it.

#![allow(dead_code)] // each test binary uses its own subset

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// The server binary: `ECRF_SERVER_BIN`, else beside this test's own folder
/// (`target/debug/deps/sync-...` gives `target/debug/ecrf-server`).
pub fn server_bin() -> PathBuf {
    let bin = match std::env::var_os("ECRF_SERVER_BIN") {
        Some(bin) => PathBuf::from(bin),
        None => {
            let exe = std::env::current_exe().expect("the test's own path");
            let profile_dir = exe
                .parent()
                .and_then(Path::parent)
                .expect("the test runs from target/<profile>/deps");
            profile_dir.join(format!("ecrf-server{}", std::env::consts::EXE_SUFFIX))
        }
    };
    assert!(
        bin.is_file(),
        "the server binary {} is missing: build it with `cargo build -p ecrf-server` \
         (`cargo test --workspace` does) or set ECRF_SERVER_BIN",
        bin.display()
    );
    bin
}

/// A running server on a free port of the loopback with its own data folder; killed, and its
/// folder removed, when dropped.
pub struct Server {
    pub child: Child,
    pub url: String,
    pub dir: PathBuf,
}

impl Server {
    pub fn start(dir: &Path) -> Server {
        Server::start_with(dir, false)
    }

    /// Over HTTPS, with a certificate from `ecrf-server tls init` (the test authority is
    /// `server-data/tls/ca.pem`).
    pub fn start_tls(dir: &Path) -> Server {
        Server::start_with(dir, true)
    }

    pub fn start_with(dir: &Path, tls: bool) -> Server {
        let data = dir.join("server-data");
        std::fs::create_dir_all(&data).unwrap();
        let log = std::fs::File::create(dir.join("server.log")).unwrap();
        let mut command = Command::new(server_bin());
        command
            .args(["--addr", "127.0.0.1:0", "--print-addr", "--data-dir"])
            .arg(&data)
            .arg("--static-dir")
            .arg(dir.join("no-app"));
        if tls {
            let init = Command::new(server_bin())
                .args(["tls", "init", "--host", "127.0.0.1", "--data-dir"])
                .arg(&data)
                .output()
                .unwrap();
            assert!(init.status.success(), "{}", text(&init.stderr));
            command
                .arg("--tls-cert")
                .arg(data.join("tls/server.pem"))
                .arg("--tls-key")
                .arg(data.join("tls/server-key.pem"));
        }
        let mut child = command
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()
            .expect("starting ecrf-server");
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let addr = match lines.next() {
            Some(Ok(line)) => line.trim().to_owned(),
            _ => {
                let _ = child.kill();
                panic!(
                    "ecrf-server printed no address; its log: {}",
                    std::fs::read_to_string(dir.join("server.log")).unwrap_or_default()
                );
            }
        };
        // Keep reading, so that the server never writes into a closed pipe.
        std::thread::spawn(move || lines.for_each(drop));
        Server {
            child,
            url: format!("{}://{addr}", if tls { "https" } else { "http" }),
            dir: data,
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A scratch folder, removed when dropped.
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("ecrf-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }

    pub fn file(&self, name: &str, content: &str) -> String {
        let path = self.0.join(name);
        std::fs::write(&path, content).unwrap();
        self.path(name)
    }

    pub fn path(&self, name: &str) -> String {
        self.0.join(name).to_string_lossy().into_owned()
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !std::thread::panicking() {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }
}

pub fn ecrf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_ecrf"))
        .args(args)
        .output()
        .unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts the exit status and, on failure, that stderr is one line mentioning `needle`;
/// returns stdout.
pub fn expect(out: &Output, code: i32, needle: &str) -> String {
    let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {stdout}\nstderr: {stderr}"
    );
    if code != 0 {
        assert_eq!(stderr.trim_end().lines().count(), 1, "one line: {stderr}");
    }
    assert!(
        stderr.contains(needle),
        "stderr {stderr:?} should mention {needle:?}"
    );
    stdout
}
