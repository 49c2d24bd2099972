//! The HTTP client of the sync server: JSON and bundle requests under `/api`, the bearer token,
//! and the mapping of answers to exit statuses (a refusal, 4xx, is exit status 2 with the
//! server's own message; a network failure or a server error, 5xx, is exit status 1).

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context;
use serde::de::DeserializeOwned;
use serde::Serialize;
use ureq::http::{Method, Request, Response};
use ureq::tls::{Certificate, PemItem, RootCerts, TlsConfig};
use ureq::Body;

use super::refusal::answer_error;
pub use super::refusal::Refusal;
use crate::input::bad_input;

/// The largest answer read, bytes: a pull page of 5,000 commits is a few MiB; this bounds what a
/// confused server can make the CLI hold.
const MAX_ANSWER_BYTES: u64 = 1 << 30;
/// The largest error body read.
const MAX_ERROR_BYTES: u64 = 64 * 1024;

/// How to connect. TLS trusts the webpki roots (Mozilla's) for `https://` servers, and the
/// study's own certificate authority when one is given.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Time allowed to connect.
    pub connect_timeout: Duration,
    /// Time allowed for one request from sending to the end of the answer.
    pub request_timeout: Duration,
    /// A PEM file of certificate authorities trusted besides the webpki roots (`--ca-cert`: the
    /// one `ecrf-server tls init` made, or a hospital's internal one).
    pub ca_cert: Option<PathBuf>,
}

impl Default for ClientOptions {
    fn default() -> ClientOptions {
        ClientOptions {
            connect_timeout: Duration::from_secs(30),
            request_timeout: Duration::from_secs(600),
            ca_cert: None,
        }
    }
}

/// The webpki roots and the certificates of the PEM file `path`. A file that cannot be read or
/// holds no certificate is refused (exit status 2).
fn roots_with(path: &Path) -> anyhow::Result<TlsConfig> {
    let pem = match std::fs::read(path) {
        Ok(pem) => pem,
        Err(err) => bad_input!("cannot read --ca-cert {}: {err}", path.display()),
    };
    let mut roots: Vec<Certificate<'static>> = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|cert| Certificate::from_der(cert.as_ref()))
        .collect();
    let web = roots.len();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(PemItem::Certificate(cert)) => roots.push(cert),
            Ok(_) => {}
            Err(err) => bad_input!("--ca-cert {}: not a PEM file: {err}", path.display()),
        }
    }
    if roots.len() == web {
        bad_input!(
            "--ca-cert {}: no PEM certificate in the file",
            path.display()
        );
    }
    Ok(TlsConfig::builder()
        .root_certs(RootCerts::from(roots))
        .build())
}

/// A connection to one sync server, with the bearer token once logged in.
pub struct Client {
    agent: ureq::Agent,
    base: String,
    token: Option<String>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Client {{ base: {:?}, .. }}", self.base)
    }
}

/// A bundle fetched with the answer's headers.
#[derive(Debug)]
pub struct BytesAnswer {
    /// The body.
    pub bytes: Vec<u8>,
    /// The answer's headers, by lower-case name (values that are not text are left out).
    pub headers: Vec<(String, String)>,
}

impl BytesAnswer {
    /// A header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// The host of an `http://` URL when it is not a loopback address (`localhost`, 127.0.0.0/8,
/// `::1`): a request to it, login included, crosses a network in the clear.
fn cleartext_remote_host(base: &str) -> Option<&str> {
    let rest = base.strip_prefix("http://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = match hostport.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => hostport.split(':').next().unwrap_or(""),
    };
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (!loopback).then_some(host)
}

impl Client {
    /// A client of the server at `server` (`http://` or `https://`, with or without a trailing
    /// slash). A URL of another form is refused (exit status 2).
    pub fn new(server: &str, options: &ClientOptions) -> anyhow::Result<Client> {
        let base = server.trim_end_matches('/');
        let host = base
            .strip_prefix("https://")
            .or_else(|| base.strip_prefix("http://"));
        if host.is_none_or(|h| h.is_empty() || h.contains(char::is_whitespace)) {
            bad_input!("--server must be an http:// or https:// URL, not {server:?}");
        }
        if let Some(host) = cleartext_remote_host(base) {
            eprintln!(
                "ecrf: warning: --server is http:// to {host}, not this computer: the server-auth \
                 key travels in the clear; use https"
            );
        }
        let mut config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(options.connect_timeout))
            .timeout_global(Some(options.request_timeout))
            .user_agent(concat!("ecrf-cli/", env!("CARGO_PKG_VERSION")));
        if let Some(path) = &options.ca_cert {
            config = config.tls_config(roots_with(path)?);
        }
        let agent = config.build().new_agent();
        Ok(Client {
            agent,
            base: base.to_owned(),
            token: None,
        })
    }

    /// The server's URL, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// Sends the bearer token on every later request.
    pub fn set_token(&mut self, token: Option<String>) {
        self.token = token;
    }

    /// `GET path`, answered with JSON.
    pub fn get_json<T: DeserializeOwned>(&self, path: &str) -> anyhow::Result<T> {
        let answer = self.call(Method::GET, path, None)?;
        read_json(answer, path)
    }

    /// `method path` with a JSON body, answered with JSON.
    pub fn send_json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: Method,
        path: &str,
        body: &B,
    ) -> anyhow::Result<T> {
        let bytes = serde_json::to_vec(body)?;
        let answer = self.call(method, path, Some(("application/json", bytes)))?;
        read_json(answer, path)
    }

    /// `method path` with an optional JSON body, answered with nothing of interest (204).
    pub fn send_no_answer<B: Serialize>(
        &self,
        method: Method,
        path: &str,
        body: Option<&B>,
    ) -> anyhow::Result<()> {
        let body = body
            .map(|b| serde_json::to_vec(b).map(|bytes| ("application/json", bytes)))
            .transpose()?;
        self.call(method, path, body)?;
        Ok(())
    }

    /// `POST path` with bytes (a bundle), answered with JSON.
    pub fn post_bytes<T: DeserializeOwned>(&self, path: &str, bytes: Vec<u8>) -> anyhow::Result<T> {
        let answer = self.call(
            Method::POST,
            path,
            Some(("application/octet-stream", bytes)),
        )?;
        read_json(answer, path)
    }

    /// `GET path`, answered with bytes (a bundle) and headers.
    pub fn get_bytes(&self, path: &str) -> anyhow::Result<BytesAnswer> {
        let answer = self.call(Method::GET, path, None)?;
        let headers = answer
            .headers()
            .iter()
            .filter_map(|(n, v)| Some((n.as_str().to_owned(), v.to_str().ok()?.to_owned())))
            .collect();
        let bytes = answer
            .into_body()
            .with_config()
            .limit(MAX_ANSWER_BYTES)
            .read_to_vec()
            .with_context(|| format!("reading the answer to {path}"))?;
        Ok(BytesAnswer { bytes, headers })
    }

    /// Sends one request; a non-success answer becomes [`answer_error`], a failed connection an
    /// error naming the server.
    fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<(&str, Vec<u8>)>,
    ) -> anyhow::Result<Response<Body>> {
        let url = format!("{}{path}", self.base);
        let mut request = Request::builder().method(method.clone()).uri(&url);
        if let Some(token) = &self.token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let (content_type, bytes) = body.unwrap_or(("application/json", Vec::new()));
        if !bytes.is_empty() {
            request = request.header("content-type", content_type);
        }
        let request = match request.body(bytes) {
            Ok(request) => request,
            Err(err) => bad_input!("--server {:?} does not make a valid URL: {err}", self.base),
        };
        let mut answer = self.agent.run(request).map_err(|err| {
            let untrusted = is_tls_failure(&err);
            let err = anyhow::Error::new(err);
            if untrusted {
                err.context(format!(
                    "{method} {url}: no answer from the server (TLS failed: the server's \
                     certificate is not trusted for this address; --ca-cert FILE trusts the \
                     study's own certificate authority)"
                ))
            } else {
                err.context(format!("{method} {url}: no answer from the server"))
            }
        })?;
        let status = answer.status().as_u16();
        if (200..300).contains(&status) {
            return Ok(answer);
        }
        let retry_after = answer
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let body = answer
            .body_mut()
            .with_config()
            .limit(MAX_ERROR_BYTES)
            .read_to_vec()
            .unwrap_or_default();
        let err = answer_error(&format!("{method} {url}"), status, &body);
        Err(match retry_after {
            Some(seconds) if status == 429 => err.context(format!("try again in {seconds} s")),
            _ => err,
        })
    }
}

/// True when the TLS handshake failed (rustls reports an untrusted certificate as an I/O
/// error during the handshake, or as its own error).
fn is_tls_failure(err: &ureq::Error) -> bool {
    match err {
        ureq::Error::Rustls(_) => true,
        ureq::Error::Io(io) => io
            .get_ref()
            .is_some_and(|inner| inner.to_string().contains("certificate")),
        _ => false,
    }
}

fn read_json<T: DeserializeOwned>(answer: Response<Body>, path: &str) -> anyhow::Result<T> {
    let bytes = answer
        .into_body()
        .with_config()
        .limit(MAX_ANSWER_BYTES)
        .read_to_vec()
        .with_context(|| format!("reading the answer to {path}"))?;
    serde_json::from_slice(&bytes)
        .with_context(|| format!("the server's answer to {path} is not the expected JSON"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::BadInput;

    fn exit_status(err: &anyhow::Error) -> u8 {
        if err.downcast_ref::<Refusal>().is_some() || err.downcast_ref::<BadInput>().is_some() {
            2
        } else {
            1
        }
    }

    #[test]
    fn a_refusal_is_exit_2_with_the_servers_message() {
        let body = br#"{"error":"sequence_gap","message":"the sequence is not the device's next one","device":"tab-1","seq":9,"expected":4}"#;
        let err = answer_error("POST /api/bundles", 409, body);
        assert_eq!(exit_status(&err), 2);
        assert_eq!(
            err.downcast_ref::<Refusal>().unwrap().body.error,
            "sequence_gap"
        );
        assert_eq!(
            err.to_string(),
            "the server refused (sequence_gap): the sequence is not the device's next one \
             (device tab-1, sequence 9, expected sequence 4)"
        );
        let err = answer_error(
            "POST /api/login",
            401,
            br#"{"error":"bad_credentials","message":"wrong user name or passphrase"}"#,
        );
        assert_eq!(
            err.to_string(),
            "the server refused (bad_credentials): wrong user name or passphrase"
        );
    }

    #[test]
    fn a_4xx_without_json_is_still_a_refusal() {
        let err = answer_error("GET http://x/api/users", 404, b"Not Found\nmore");
        assert_eq!(exit_status(&err), 2);
        assert_eq!(
            err.to_string(),
            "the server refused the request (GET http://x/api/users: HTTP 404 Not Found: Not Found; \
             is --server the sync server's URL?)"
        );
    }

    #[test]
    fn server_errors_are_exit_1() {
        let err = answer_error(
            "GET /api/users",
            503,
            br#"{"error":"store_unavailable","message":"the store is busy"}"#,
        );
        assert_eq!(exit_status(&err), 1);
        assert!(err.to_string().contains("store_unavailable"), "{err}");
        assert_eq!(
            exit_status(&answer_error("GET /api/users", 502, b"<html>bad gateway")),
            1
        );
    }

    #[test]
    fn only_http_urls_are_accepted() {
        let options = ClientOptions::default();
        assert_eq!(
            Client::new("https://ecrf.example.org/", &options)
                .unwrap()
                .base(),
            "https://ecrf.example.org"
        );
        for bad in ["ecrf.example.org", "ftp://x", "http://", "https://a b"] {
            let err = Client::new(bad, &options).unwrap_err();
            assert_eq!(exit_status(&err), 2, "{bad}");
        }
    }

    #[test]
    fn a_closed_port_is_exit_1() {
        // Port 9 (discard) on the loopback is as good as closed on a test machine.
        let client = Client::new("http://127.0.0.1:9", &ClientOptions::default()).unwrap();
        let err = client
            .get_json::<serde_json::Value>("/api/health")
            .unwrap_err();
        assert_eq!(exit_status(&err), 1);
        assert!(
            format!("{err:#}").contains("no answer from the server"),
            "{err:#}"
        );
    }

    #[test]
    fn only_http_beyond_this_computer_is_warned_about() {
        for local in [
            "http://localhost:8080",
            "http://127.0.0.1",
            "http://127.1.2.3:9/x",
            "http://[::1]:8080",
            "https://ecrf.example.org",
            "https://10.0.0.5",
        ] {
            assert_eq!(cleartext_remote_host(local), None, "{local}");
        }
        assert_eq!(
            cleartext_remote_host("http://10.0.0.5:8080/"),
            Some("10.0.0.5")
        );
        assert_eq!(
            cleartext_remote_host("http://user@ecrf.ward.local"),
            Some("ecrf.ward.local")
        );
        assert_eq!(
            cleartext_remote_host("http://[fe80::1]:80"),
            Some("fe80::1")
        );
    }
}
