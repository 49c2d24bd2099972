//! What the API tests share: a server over either backend (an in-memory SQLite store, or a fresh
//! PostgreSQL database) driven with `oneshot`, the macro that runs a test once per backend,
//! accounts, and chains of sealed commits.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use ecrf_core::log::{Commit, DeviceLog, Op};
use ecrf_core::sync::api::{ErrorBody, Role, Session};
use ecrf_core::sync::{Bundle, Compression, DataKey, SealedCommit, StudyId, WrappedKey};
use ecrf_server::store::postgres::TestDatabase;
use ecrf_server::{app, setup_token, AppState, Config, PgStore, SqliteStore, SyncStore};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

/// The study id every test study gets.
pub const STUDY: StudyId = [0x5a; 16];

/// A status, the headers and the body of an answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
    }

    /// The body as an error, checking the status and code.
    pub fn refused(&self, status: StatusCode, code: &str) -> ErrorBody {
        assert_eq!(
            self.status,
            status,
            "{:?}",
            String::from_utf8_lossy(&self.body)
        );
        let err: ErrorBody = serde_json::from_slice(&self.body).unwrap();
        assert_eq!(err.error, code, "{err:?}");
        err
    }

    /// A header's value ("" when absent).
    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .map(|v| v.to_str().unwrap())
            .unwrap_or("")
    }
}

/// Runs each named test (an `async fn NAME(backend: Backend)`) once per backend: as
/// `on_sqlite::NAME` and as `on_postgres::NAME`, the latter skipped without a test PostgreSQL
/// (`ECRF_TEST_POSTGRES`), or failing when one is required (`ECRF_REQUIRE_POSTGRES=1`).
/// With `blocking:` first, the tests are plain functions (`fn NAME(backend: Backend)`).
macro_rules! backend_tests {
    (blocking: $($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[test]
                fn $name() {
                    super::$name($crate::common::Backend::Sqlite);
                }
            )*
        }
        mod on_postgres {
            $(
                #[test]
                fn $name() {
                    if $crate::common::Backend::postgres_available() {
                        super::$name($crate::common::Backend::Postgres);
                    }
                }
            )*
        }
    };
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[tokio::test]
                async fn $name() {
                    super::$name($crate::common::Backend::Sqlite).await;
                }
            )*
        }
        mod on_postgres {
            $(
                #[tokio::test]
                async fn $name() {
                    if $crate::common::Backend::postgres_available() {
                        super::$name($crate::common::Backend::Postgres).await;
                    }
                }
            )*
        }
    };
}

/// The store a test server keeps its data in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// An in-memory SQLite database.
    Sqlite,
    /// A fresh database on the test PostgreSQL server.
    Postgres,
}

impl Backend {
    /// Whether a test PostgreSQL is configured (printing a skip notice once when not; panicking
    /// when one is required).
    pub fn postgres_available() -> bool {
        TestDatabase::server().is_some()
    }
}

/// A server over a new store, with its set-up token.
pub struct TestServer {
    pub router: Router,
    pub setup_token: String,
    /// The PostgreSQL database, dropped after the router (fields drop in order).
    _db: Option<TestDatabase>,
}

impl TestServer {
    /// A server with no rate limit and the default body limit.
    pub fn new(backend: Backend) -> TestServer {
        TestServer::with(
            backend,
            Config {
                rate_per_second: 0,
                ..Config::default()
            },
        )
    }

    /// A server with `config`.
    pub fn with(backend: Backend, config: Config) -> TestServer {
        // Off the async test's thread: a blocking PostgreSQL client must not run on it.
        let (store, setup_token, db) = std::thread::scope(|s| {
            s.spawn(|| {
                let (store, db): (Arc<dyn SyncStore>, _) = match backend {
                    Backend::Sqlite => (Arc::new(SqliteStore::open_in_memory().unwrap()), None),
                    Backend::Postgres => {
                        let db = TestDatabase::create().expect("a test PostgreSQL");
                        (Arc::new(PgStore::open(&db.url()).unwrap()), Some(db))
                    }
                };
                let token = setup_token::prepare(store.as_ref()).unwrap().unwrap();
                (store, token, db)
            })
            .join()
            .unwrap()
        });
        TestServer {
            router: app(AppState::new(store, config)),
            setup_token,
            _db: db,
        }
    }

    /// Sends a request.
    pub async fn send(&self, req: Request<Body>) -> Answer {
        let res = self.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        Answer {
            status,
            headers,
            body,
        }
    }

    /// Sends `body` (JSON, bytes or nothing) with an optional bearer token.
    pub async fn call(
        &self,
        method: Method,
        uri: &str,
        token: Option<&str>,
        body: Payload,
    ) -> Answer {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            req = req.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        let req = match body {
            Payload::None => req.body(Body::empty()),
            Payload::Json(v) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(serde_json::to_vec(&v).unwrap())),
            Payload::Bytes(b) => req
                .header(header::CONTENT_TYPE, "application/octet-stream")
                .body(Body::from(b)),
        };
        self.send(req.unwrap()).await
    }

    /// GET with a token.
    pub async fn get(&self, uri: &str, token: Option<&str>) -> Answer {
        self.call(Method::GET, uri, token, Payload::None).await
    }

    /// POST JSON with a token.
    pub async fn post(&self, uri: &str, token: Option<&str>, body: Value) -> Answer {
        self.call(Method::POST, uri, token, Payload::Json(body))
            .await
    }

    /// Creates the study with data manager `dm` (auth key [`auth`]`(1)`).
    pub async fn create_study(&self) {
        let a = self
            .post("/api/study", None, create_study_body(&self.setup_token))
            .await;
        assert_eq!(a.status, StatusCode::CREATED, "{:?}", a.json());
    }

    /// Logs in and returns the session.
    pub async fn login(&self, user: &str, auth_key: &str, device: &str) -> Answer {
        self.post(
            "/api/login",
            None,
            json!({ "user": user, "auth": auth_key, "device": device }),
        )
        .await
    }

    /// Logs in, which must succeed, and returns the token.
    pub async fn token(&self, user: &str, auth_key: &str, device: &str) -> String {
        let a = self.login(user, auth_key, device).await;
        assert_eq!(a.status, StatusCode::OK, "{:?}", a.json());
        let session: Session = serde_json::from_slice(&a.body).unwrap();
        session.token
    }

    /// A study with its data manager logged in on `dm-tablet`: the token.
    pub async fn with_study(&self) -> String {
        self.create_study().await;
        self.token("dm", &auth(1), "dm-tablet").await
    }

    /// Adds a user (as the data manager `dm_token`) with the temporary key `auth(n)`.
    pub async fn add_user(&self, dm_token: &str, name: &str, role: Role, n: u8) -> Answer {
        self.post(
            "/api/users",
            Some(dm_token),
            json!({ "user": name, "role": role, "auth": auth(n), "wrapped_key": wrapped_key(n) }),
        )
        .await
    }

    /// A user added, logged in on `device` and past the passphrase change: the token.
    pub async fn ready_user(&self, dm_token: &str, name: &str, role: Role, device: &str) -> String {
        assert_eq!(
            self.add_user(dm_token, name, role, 10).await.status,
            StatusCode::CREATED
        );
        let token = self.token(name, &auth(10), device).await;
        let a = self
            .post("/api/passphrase", Some(&token), change_body(10, 11))
            .await;
        assert_eq!(a.status, StatusCode::NO_CONTENT);
        token
    }

    /// Uploads a bundle of `commits`.
    pub async fn upload(&self, token: &str, commits: &[SealedCommit]) -> Answer {
        self.upload_bytes(token, bundle(STUDY, commits)).await
    }

    /// Uploads raw bytes.
    pub async fn upload_bytes(&self, token: &str, bytes: Vec<u8>) -> Answer {
        self.call(
            Method::POST,
            "/api/bundles",
            Some(token),
            Payload::Bytes(bytes),
        )
        .await
    }
}

/// A request body.
pub enum Payload {
    None,
    Json(Value),
    Bytes(Vec<u8>),
}

/// A server-auth key: 32 bytes `n`, hex (the server needs no real derivation).
pub fn auth(n: u8) -> String {
    hex::encode([n; 32])
}

/// A well-formed wrapped-key record (its contents are opaque to the server).
pub fn wrapped_key(n: u8) -> WrappedKey {
    WrappedKey {
        format: "ecrf-wrapped-key".into(),
        version: 1,
        kdf: "pbkdf2-sha256".into(),
        iterations: 600_000,
        salt: hex::encode([n; 16]),
        key_id: 1,
        nonce: hex::encode([n; 12]),
        wrapped: hex::encode([n; 48]),
    }
}

/// The body of `POST /api/study` for user `dm` with key `auth(1)`.
pub fn create_study_body(token: &str) -> Value {
    json!({
        "setup_token": token,
        "study_id": hex::encode(STUDY),
        "user": "dm",
        "auth": auth(1),
        "wrapped_key": wrapped_key(1),
    })
}

/// A `NewKey` body with key `auth(n)`.
pub fn new_key_body(n: u8) -> Value {
    json!({ "auth": auth(n), "wrapped_key": wrapped_key(n) })
}

/// A `ChangePassphrase` body from key `auth(current)` to key `auth(n)`.
pub fn change_body(current: u8, n: u8) -> Value {
    json!({ "current_auth": auth(current), "auth": auth(n), "wrapped_key": wrapped_key(n) })
}

/// The test data key.
pub fn data_key() -> DataKey {
    DataKey::new(1, [7; 32])
}

/// Seals a commit under the test key with a nonce never used before in this test binary.
pub fn seal(commit: &Commit) -> SealedCommit {
    static COUNTER: AtomicU64 = AtomicU64::new(1);
    let mut nonce = [0u8; 12];
    nonce[4..].copy_from_slice(&COUNTER.fetch_add(1, Ordering::Relaxed).to_be_bytes());
    SealedCommit::seal(commit, &data_key(), nonce, Compression::Deflate).unwrap()
}

/// `n` commits of `device`, a valid chain from sequence 1.
pub fn chain(device: &str, n: usize) -> Vec<Commit> {
    let mut log = DeviceLog::new(device);
    (0..n).map(|i| next(&mut log, i)).collect()
}

/// The next commit of `log` (setting one field to `i`).
pub fn next(log: &mut DeviceLog, i: usize) -> Commit {
    let op = Op::SetField {
        instance: format!("{}-1", log.device),
        field: "weight".into(),
        value: json!(i),
        supersedes: vec![],
    };
    log.commit(1_800_000_000_000 + i as u64, "dm", None, vec![op])
}

/// `n` sealed commits of `device`.
pub fn sealed_chain(device: &str, n: usize) -> Vec<SealedCommit> {
    chain(device, n).iter().map(seal).collect()
}

/// A bundle's bytes.
pub fn bundle(study: StudyId, commits: &[SealedCommit]) -> Vec<u8> {
    Bundle {
        study,
        commits: commits.to_vec(),
    }
    .to_bytes()
    .unwrap()
}

/// The (device, seq, commit id) of every commit of a pulled bundle.
pub fn keys_of(bytes: &[u8]) -> Vec<(String, u64, String)> {
    Bundle::from_bytes(bytes, Some(&STUDY))
        .unwrap()
        .commits
        .iter()
        .map(|c| {
            (
                c.header.device.clone(),
                c.header.seq,
                c.header.commit_id_hex(),
            )
        })
        .collect()
}
