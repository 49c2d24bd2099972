//! The real `ecrf-server` process over HTTP, over SQLite and over PostgreSQL (`--postgres`): the
//! set-up token file, a restart on the same data, and ten devices uploading at once.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use ecrf_core::sync::api::{Session, UploadResult};
use ecrf_server::store::postgres::TestDatabase;
use serde_json::{json, Value};
use tempfile::TempDir;

use crate::common::*;

backend_tests!(
    blocking: the_real_server_writes_the_setup_token_and_keeps_commits_across_a_restart,
    ten_devices_uploading_at_once_lose_nothing,
);

/// Where a real server keeps its data: its data folder (the set-up token's file, and the SQLite
/// file) and, for PostgreSQL, a fresh database.
struct Data {
    dir: TempDir,
    db: Option<TestDatabase>,
}

impl Data {
    fn new(backend: Backend) -> Data {
        Data {
            dir: tempfile::tempdir().unwrap(),
            db: match backend {
                Backend::Sqlite => None,
                Backend::Postgres => Some(TestDatabase::create().expect("a test PostgreSQL")),
            },
        }
    }

    fn dir(&self) -> &Path {
        self.dir.path()
    }
}

/// A running server, stopped (SIGTERM, then kill) when dropped.
struct Server {
    child: Child,
    base: String,
    lines: Receiver<String>,
}

impl Server {
    fn start(data: &Data) -> Server {
        Server::start_with(data, &[])
    }

    fn start_with(data: &Data, options: &[&str]) -> Server {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ecrf-server"));
        command
            .args(["--addr", "127.0.0.1:0", "--print-addr", "--data-dir"])
            .arg(data.dir())
            .args(["--static-dir", "/nonexistent"])
            .args(options);
        if let Some(db) = &data.db {
            command.args(["--postgres", &db.url()]);
        }
        let mut child = command
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let mut server = Server {
            child,
            base: String::new(),
            lines,
        };
        let addr = server
            .line(Duration::from_secs(60))
            .expect("the address line");
        server.base = format!("http://{addr}");
        server
    }

    fn line(&self, wait: Duration) -> Option<String> {
        self.lines.recv_timeout(wait).ok()
    }

    /// SIGTERM, and the exit status of the graceful shutdown.
    fn stop(mut self) -> std::process::ExitStatus {
        let pid = self.child.id().to_string();
        let _ = Command::new("kill").args(["-TERM", &pid]).status();
        self.child.wait().unwrap()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Never signal a process already reaped: its id may belong to another one by now.
        if !matches!(self.child.try_wait(), Ok(None)) {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        for _ in 0..50 {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A blocking HTTP client that returns every status as an answer.
struct Client {
    agent: ureq::Agent,
    base: String,
}

impl Client {
    fn new(base: &str) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        Client {
            agent,
            base: base.to_owned(),
        }
    }

    fn read(mut res: ureq::http::Response<ureq::Body>) -> (u16, ureq::http::HeaderMap, Vec<u8>) {
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let body = res
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .unwrap();
        (status, headers, body)
    }

    fn post(&self, path: &str, token: Option<&str>, ctype: &str, body: &[u8]) -> (u16, Vec<u8>) {
        let mut req = self
            .agent
            .post(format!("{}{path}", self.base))
            .header("content-type", ctype);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let (status, _, body) = Client::read(req.send(body).unwrap());
        (status, body)
    }

    fn post_json(&self, path: &str, token: Option<&str>, body: &Value) -> (u16, Vec<u8>) {
        self.post(
            path,
            token,
            "application/json",
            &serde_json::to_vec(body).unwrap(),
        )
    }

    fn login(&self, device: &str) -> String {
        let body = json!({ "user": "dm", "auth": auth(1), "device": device });
        let (status, body) = self.post_json("/api/login", None, &body);
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        serde_json::from_slice::<Session>(&body).unwrap().token
    }

    fn upload(&self, token: &str, commits: &[ecrf_core::sync::SealedCommit]) -> UploadResult {
        let bytes = bundle(STUDY, commits);
        let (status, body) = self.post(
            "/api/bundles",
            Some(token),
            "application/octet-stream",
            &bytes,
        );
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&body));
        serde_json::from_slice(&body).unwrap()
    }

    /// Every commit held, pulled page by page.
    fn pull_all(&self, token: &str) -> Vec<(String, u64, String)> {
        let mut after = 0u64;
        let mut all = Vec::new();
        loop {
            let req = self
                .agent
                .get(format!("{}/api/commits?after={after}&limit=300", self.base))
                .header("authorization", format!("Bearer {token}"));
            let (status, headers, body) = Client::read(req.call().unwrap());
            assert_eq!(status, 200);
            all.extend(keys_of(&body));
            let header = |n: &str| headers.get(n).unwrap().to_str().unwrap().to_owned();
            after = header("ecrf-cursor").parse().unwrap();
            if header("ecrf-more") == "false" {
                return all;
            }
        }
    }
}

/// Creates the study with the token from the server's file; answers the data manager's client.
fn create_study(server: &Server, dir: &Path) -> Client {
    let token = std::fs::read_to_string(dir.join("setup-token")).unwrap();
    let client = Client::new(&server.base);
    let (status, body) = client.post_json("/api/study", None, &create_study_body(&token));
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&body));
    client
}

fn the_real_server_writes_the_setup_token_and_keeps_commits_across_a_restart(b: Backend) {
    let data = Data::new(b);
    let server = Server::start(&data);
    let token_file = data.dir().join("setup-token");
    let second = server
        .line(Duration::from_secs(10))
        .expect("the set-up token line");
    assert!(
        second.contains(&token_file.display().to_string()),
        "{second}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&token_file), 0o600);
        // The store holds credential hashes and wrapped keys: its owner's only.
        if b == Backend::Sqlite {
            assert_eq!(mode(&data.dir().join("ecrf.sqlite")), 0o600);
        }
    }
    assert_eq!(
        std::fs::read_to_string(&token_file).unwrap().trim().len(),
        64
    );
    let client = create_study(&server, data.dir());
    assert!(!token_file.exists(), "the spent token's file is deleted");
    let token = client.login("p1");
    let acks = client.upload(&token, &sealed_chain("p1", 30));
    assert_eq!(acks.acks.len(), 30);
    let before = client.pull_all(&token);
    assert_eq!(before.len(), 30);
    assert!(server.stop().success(), "a graceful shutdown");

    let server = Server::start(&data);
    let client = Client::new(&server.base);
    assert_eq!(
        server.line(Duration::from_millis(500)),
        None,
        "no new set-up token"
    );
    assert!(!token_file.exists());
    // The session outlives the restart (tokens are stored), and so do the commits.
    assert_eq!(client.pull_all(&token), before);
    assert_eq!(client.pull_all(&client.login("p2")), before);
}

fn ten_devices_uploading_at_once_lose_nothing(b: Backend) {
    let data = Data::new(b);
    let server = Server::start(&data);
    create_study(&server, data.dir());
    let base = server.base.clone();
    let threads: Vec<_> = (0..10)
        .map(|d| {
            let base = base.clone();
            std::thread::spawn(move || {
                let client = Client::new(&base);
                let device = format!("tablet-{d}");
                let token = client.login(&device);
                let commits = sealed_chain(&device, 100);
                for chunk in commits.chunks(10) {
                    let acks = client.upload(&token, chunk);
                    assert_eq!(acks.acks.len(), 10);
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let client = Client::new(&base);
    let mut all = client.pull_all(&client.login("reader"));
    assert_eq!(all.len(), 1000);
    all.sort();
    all.dedup();
    assert_eq!(all.len(), 1000, "every commit exactly once");
    for d in 0..10 {
        let device = format!("tablet-{d}");
        let seqs: Vec<u64> = all.iter().filter(|k| k.0 == device).map(|k| k.1).collect();
        assert_eq!(seqs, (1..=100).collect::<Vec<_>>(), "{device}");
    }
}

/// A connection that sends no request, or only part of one, is closed after
/// `--request-head-timeout-secs` (here 1 s): idle connections cannot use up the server's file
/// descriptors. A whole request on a new connection is still answered.
#[test]
fn a_connection_that_sends_no_request_is_closed() {
    use std::io::{Read, Write};
    let data = Data::new(Backend::Sqlite);
    let server = Server::start_with(&data, &["--request-head-timeout-secs", "1"]);
    let addr = server.base.trim_start_matches("http://").to_owned();
    let closed_after = |sent: &[u8]| {
        let mut stream = std::net::TcpStream::connect(&addr).unwrap();
        stream.write_all(sent).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        let started = std::time::Instant::now();
        let mut buf = [0u8; 64];
        // The server closes the connection: end of stream (or a reset), never a timeout here.
        match stream.read(&mut buf) {
            Ok(0) => {}
            Ok(n) => panic!("an answer to no request: {:?}", &buf[..n]),
            Err(e) => assert!(
                !matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ),
                "still open after 20 s"
            ),
        }
        started.elapsed()
    };
    assert!(closed_after(b"") < Duration::from_secs(10));
    assert!(closed_after(b"GET /api/health HTTP/1.1\r\nHost: x\r\n") < Duration::from_secs(10));
    let client = Client::new(&server.base);
    let health = client
        .agent
        .get(format!("{}/api/health", server.base))
        .call()
        .unwrap();
    assert_eq!(health.status().as_u16(), 200);
}
