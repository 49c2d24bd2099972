//! HTTPS: `ecrf-server tls init`, then the real binary serving TLS with the certificate it made
//! (a client trusting only that authority connects; one trusting the web roots does not), and
//! the plain-HTTP page from which tablets install the authority.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use sha2::{Digest, Sha256};
use ureq::tls::{Certificate, RootCerts, TlsConfig};

fn server() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ecrf-server"));
    command.env("RUST_LOG", "warn");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn tls_init(dir: &Path, extra: &[&str]) -> Output {
    server()
        .args(["tls", "init", "--data-dir"])
        .arg(dir)
        .args(["--host", "127.0.0.1", "--host", "localhost"])
        .args(extra)
        .output()
        .unwrap()
}

/// The real server over HTTPS, stopped with SIGTERM when dropped.
struct TlsServer {
    child: Child,
    lines: Receiver<String>,
}

impl TlsServer {
    fn start(dir: &Path, ca_page: bool) -> TlsServer {
        let tls = dir.join("tls");
        let mut command = server();
        command
            .args(["--addr", "127.0.0.1:0", "--print-addr", "--data-dir"])
            .arg(dir)
            .args(["--static-dir", "/nonexistent", "--tls-cert"])
            .arg(tls.join("server.pem"))
            .arg("--tls-key")
            .arg(tls.join("server-key.pem"));
        if ca_page {
            command.args(["--ca-page-addr", "127.0.0.1:0"]);
        }
        let mut child = command
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
        TlsServer { child, lines }
    }

    fn line(&self) -> String {
        self.lines
            .recv_timeout(Duration::from_secs(60))
            .expect("a line from the server")
    }

    fn stop(mut self) -> std::process::ExitStatus {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        self.child.wait().unwrap()
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn agent(tls: Option<TlsConfig>) -> ureq::Agent {
    let mut config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(30)));
    if let Some(tls) = tls {
        config = config.tls_config(tls);
    }
    config.build().new_agent()
}

/// `GET url`: the status, the content type and the body.
fn get(agent: &ureq::Agent, url: &str) -> Result<(u16, String, Vec<u8>), ureq::Error> {
    let mut answer = agent.get(url).call()?;
    let ctype = answer
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    Ok((
        answer.status().as_u16(),
        ctype,
        answer.body_mut().read_to_vec()?,
    ))
}

#[test]
fn tls_init_makes_a_ca_that_the_server_presents_and_the_ca_page_offers() {
    let data = tempfile::tempdir().unwrap();
    let out = tls_init(data.path(), &[]);
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}{}", text(&out.stderr));
    let tls = data.path().join("tls");
    for file in ["ca.pem", "ca-key.pem", "server.pem", "server-key.pem"] {
        assert!(
            stdout.contains(&format!("wrote {}", tls.join(file).display())),
            "{stdout}"
        );
    }
    assert!(
        stdout.contains(&format!(
            "--tls-cert {} --tls-key {}",
            tls.join("server.pem").display(),
            tls.join("server-key.pem").display()
        )),
        "{stdout}"
    );

    // A second run changes nothing: exit status 2, one line.
    let key_before = std::fs::read(tls.join("ca-key.pem")).unwrap();
    let again = tls_init(data.path(), &[]);
    assert_eq!(again.status.code(), Some(2));
    let why = text(&again.stderr);
    assert_eq!(why.trim_end().lines().count(), 1, "{why}");
    assert!(why.contains("exists") && why.contains("--force"), "{why}");
    assert_eq!(std::fs::read(tls.join("ca-key.pem")).unwrap(), key_before);

    let ca_pem = std::fs::read(tls.join("ca.pem")).unwrap();
    let ca = Certificate::from_pem(&ca_pem).unwrap();
    let ca_der = ca.der().to_vec();
    let fingerprint = Sha256::digest(&ca_der)
        .iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join(":");
    assert!(stdout.contains(&fingerprint), "{stdout}");

    let server = TlsServer::start(data.path(), true);
    let addr = server.line();
    let port = addr.rsplit_once(':').unwrap().1.to_owned();
    let mut page = None;
    for _ in 0..2 {
        let line = server.line();
        if let Some(url) = line.strip_prefix("CA certificate page: ") {
            page = Some(url.trim_end_matches('/').to_owned());
            break;
        }
    }
    let page = page.expect("the CA page's line");

    // Trusting the test authority only: the API answers over HTTPS, by address and by name.
    let trusting = agent(Some(
        TlsConfig::builder()
            .root_certs(RootCerts::new_with_certs(&[ca]))
            .build(),
    ));
    for host in [addr.clone(), format!("localhost:{port}")] {
        let (status, _, body) = get(&trusting, &format!("https://{host}/api/health")).unwrap();
        assert_eq!(status, 200, "{host}: {}", text(&body));
        let health: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(health["status"], "ok", "{health}");
    }
    // Trusting the web roots only: the handshake fails.
    let err = get(&agent(None), &format!("https://{addr}/api/health")).unwrap_err();
    assert!(err.to_string().contains("certificate"), "{err}");
    // Plain HTTP on the TLS port is no way in either.
    assert!(
        get(&agent(None), &format!("http://{addr}/api/health"))
            .map_or(true, |(status, _, _)| status >= 400),
        "plain HTTP must not reach the API"
    );

    // The CA page: plain HTTP, the fingerprint, the certificate in PEM and DER, nothing else.
    let plain = agent(None);
    let (status, ctype, body) = get(&plain, &format!("{page}/")).unwrap();
    assert_eq!(status, 200);
    assert!(ctype.starts_with("text/html"), "{ctype}");
    let html = text(&body);
    assert!(html.contains(&fingerprint), "{html}");
    for words in [
        "Android",
        "iPad",
        "证书信任设置",
        "Certificate Trust Settings",
    ] {
        assert!(html.contains(words), "{words}");
    }
    let (status, ctype, body) = get(&plain, &format!("{page}/ca.pem")).unwrap();
    assert_eq!(
        (status, ctype.as_str()),
        (200, "application/x-x509-ca-cert")
    );
    assert_eq!(body, ca_pem);
    let (status, ctype, body) = get(&plain, &format!("{page}/ca.crt")).unwrap();
    assert_eq!(
        (status, ctype.as_str()),
        (200, "application/x-x509-ca-cert")
    );
    assert_eq!(body, ca_der);
    for path in [
        "/api/health",
        "/index.html",
        "/ca-key.pem",
        "/tls/ca-key.pem",
    ] {
        let (status, _, _) = get(&plain, &format!("{page}{path}")).unwrap();
        assert_eq!(status, 404, "{path}");
    }

    assert!(server.stop().success(), "a graceful shutdown over TLS");
}

#[test]
fn tls_flags_are_checked_before_serving() {
    let data = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        server()
            .args(["--addr", "127.0.0.1:0", "--data-dir"])
            .arg(data.path())
            .args(args)
            .output()
            .unwrap()
    };
    let out = run(&["--tls-cert", "x.pem"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out.stderr).contains("--tls-key"),
        "{}",
        text(&out.stderr)
    );
    let out = run(&["--tls-key", "x.pem"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--tls-cert"));
    let out = run(&["--ca-page-addr", "127.0.0.1:0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("--tls-cert"));

    // A missing file stops the server before it listens.
    let out = run(&[
        "--tls-cert",
        "/nonexistent.pem",
        "--tls-key",
        "/nonexistent.pem",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("loading the TLS certificate"),
        "{}",
        text(&out.stderr)
    );

    // The CA page needs the chain with the authority, not the server certificate alone.
    assert!(tls_init(data.path(), &[]).status.success());
    let tls = data.path().join("tls");
    let out = run(&[
        "--tls-cert",
        tls.join("ca.pem").to_str().unwrap(),
        "--tls-key",
        tls.join("ca-key.pem").to_str().unwrap(),
        "--ca-page-addr",
        "127.0.0.1:0",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("holds one certificate"),
        "{}",
        text(&out.stderr)
    );

    // Bad hosts: exit status 2, nothing written.
    let other = tempfile::tempdir().unwrap();
    let out = server()
        .args(["tls", "init", "--data-dir"])
        .arg(other.path())
        .args(["--host", "https://ecrf.example.org"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("neither an IP address nor a DNS name"));
    assert!(!other.path().join("tls").exists());
}
