//! The eCRF sync server: an axum router over a [`SyncStore`] (embedded SQLite, or PostgreSQL),
//! serving the sync API v1 under `/api` and the built app everywhere else, so that one binary is
//! the whole deployment.
//!
//! The server never sees patient data in the clear: it stores sealed commits and their clear
//! headers only.

mod api;
mod error;
mod health;
pub mod limits;
pub mod secrets;
pub mod setup_token;
mod statics;
pub mod store;
pub mod tls;

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::Router;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

pub use error::ApiError;
pub use store::{PgStore, SqliteStore, StoreError, StudyRecord, SyncStore};

/// The default limit on a request body: a sync bundle is at most a few MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;
/// How long a request body may take to arrive in all (8 MiB at 1 Mbit/s takes about 70 s):
/// a body sent a little at a time is cut off (`api::read_body`). The default of
/// [`Config::body_timeout`].
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(120);
/// The default request rate per client address, per second (0 disables the limit).
pub const DEFAULT_RATE_PER_SECOND: u32 = 100;
/// The default burst of requests above that rate.
pub const DEFAULT_RATE_BURST: u32 = 200;

/// How the server is set up, besides its store.
#[derive(Debug, Clone)]
pub struct Config {
    /// The folder holding the built app (`dist/`), served at `/` when present.
    pub static_dir: Option<PathBuf>,
    /// The largest request body accepted; larger ones get 413 `too_large`.
    pub max_body_bytes: usize,
    /// Requests per second per client address; 0 disables the limit.
    pub rate_per_second: u32,
    /// The burst above that rate.
    pub rate_burst: u32,
    /// The set-up token's file, deleted when the study is created.
    pub setup_token_file: Option<PathBuf>,
    /// How long a request body may take to arrive in all ([`BODY_TIMEOUT`]).
    pub body_timeout: std::time::Duration,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            static_dir: None,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            rate_per_second: DEFAULT_RATE_PER_SECOND,
            rate_burst: DEFAULT_RATE_BURST,
            setup_token_file: None,
            body_timeout: BODY_TIMEOUT,
        }
    }
}

/// What every handler can reach (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    store: Arc<dyn SyncStore>,
    static_dir: Option<PathBuf>,
    max_body_bytes: usize,
    rate_limit: Option<limits::RateLimit>,
    logins: limits::LoginFailures,
    setup_token_file: Option<PathBuf>,
    body_timeout: std::time::Duration,
    /// The study once it exists (it never changes afterwards).
    study: OnceLock<StudyRecord>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").finish_non_exhaustive()
    }
}

impl AppState {
    /// The state of a server over `store`.
    pub fn new(store: Arc<dyn SyncStore>, config: Config) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                store,
                static_dir: config.static_dir,
                max_body_bytes: config.max_body_bytes,
                rate_limit: limits::RateLimit::new(config.rate_per_second, config.rate_burst),
                logins: limits::LoginFailures::default(),
                setup_token_file: config.setup_token_file,
                body_timeout: config.body_timeout,
                study: OnceLock::new(),
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn SyncStore> {
        &self.inner.store
    }

    /// Runs `f` on the store in a blocking thread (the store is synchronous).
    pub(crate) async fn blocking<T, F>(&self, f: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn SyncStore) -> Result<T, ApiError> + Send + 'static,
    {
        let store = Arc::clone(&self.inner.store);
        tokio::task::spawn_blocking(move || f(store.as_ref()))
            .await
            .unwrap_or_else(|err| {
                tracing::error!(error = %err, "store task failed");
                Err(ApiError::unavailable())
            })
    }

    /// The study, or 409 `no_study`.
    pub(crate) async fn require_study(&self) -> Result<StudyRecord, ApiError> {
        if let Some(study) = self.inner.study.get() {
            return Ok(study.clone());
        }
        let study = self.blocking(|s| Ok(s.study()?)).await?;
        let study = study.ok_or_else(ApiError::no_study)?;
        Ok(self.inner.study.get_or_init(|| study).clone())
    }
}

/// Builds the whole application: the API under `/api`, the built app everywhere else.
pub fn app(state: AppState) -> Router {
    let limit = state.inner.max_body_bytes;
    // The rate limit guards the API; the app's static files (a burst of them at every first
    // visit and service-worker update) are cheap and not counted.
    let api = api::router().layer(middleware::from_fn_with_state(
        state.clone(),
        limits::rate_limit,
    ));
    let router = Router::new().nest("/api", api);
    let router = match &state.inner.static_dir {
        Some(dir) => router.fallback_service(statics::service(dir)),
        None => router,
    };
    router
        .layer(DefaultBodyLimit::max(limit))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limits::body_size,
        ))
        // One INFO line per request: method, path, status and latency; never headers, bodies or
        // the query string (the default span would log the whole URI, at DEBUG).
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &axum::http::Request<_>| {
                    tracing::info_span!(
                        "request",
                        method = %req.method(),
                        path = %logged_path(req.uri().path()),
                    )
                })
                .on_request(())
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .with_state(state)
}

/// The path as the request log names it: an API path whole (users and devices are staff and
/// tablets); any other only by its first segment, since the app's own addresses name patients
/// (`/patients/HCC-001-0007` is logged `/patients/…`).
fn logged_path(path: &str) -> String {
    if path == "/api" || path.starts_with("/api/") {
        return path.to_owned();
    }
    let rest = path.trim_start_matches('/');
    match rest.split_once('/') {
        Some((first, _)) => format!("/{first}/…"),
        None => format!("/{rest}"),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_log_names_no_patient() {
        use super::logged_path;
        assert_eq!(logged_path("/patients/HCC-001-0007"), "/patients/…");
        assert_eq!(logged_path("/patients/HCC-001-0007/forms/x"), "/patients/…");
        assert_eq!(logged_path("/"), "/");
        assert_eq!(logged_path("/ecrf-app.js"), "/ecrf-app.js");
        assert_eq!(
            logged_path("/api/users/dm.li/revoke"),
            "/api/users/dm.li/revoke"
        );
        assert_eq!(logged_path("/apix/HCC-001-0007/a"), "/apix/…");
    }
}
