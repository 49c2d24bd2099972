//! The eCRF sync server: an axum router over an embedded SQLite store, serving the built app too,
//! so that one binary is the whole deployment.
//!
//! The server never sees patient data in the clear: it stores sealed commits and their clear
//! headers only.

mod error;
mod health;
mod statics;
pub mod store;

use std::path::PathBuf;
use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

pub use error::AppError;
pub use store::Store;

/// The default limit on a request body: a sync bundle is at most a few MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The SQLite store.
    pub store: Arc<Store>,
    /// The folder holding the built app (`dist/`), served at `/` when present.
    pub static_dir: Option<PathBuf>,
    /// The largest request body accepted; larger ones get 413.
    pub max_body_bytes: usize,
}

/// Builds the whole application: the API under `/api`, the built app everywhere else.
pub fn app(state: AppState) -> Router {
    let limit = state.max_body_bytes;
    let api = Router::new()
        .route("/health", get(health::health))
        .fallback(error::api_not_found);
    let router = Router::new().nest("/api", api);
    let router = match &state.static_dir {
        Some(dir) => router.fallback_service(statics::service(dir)),
        None => router,
    };
    router
        .layer(DefaultBodyLimit::max(limit))
        .layer(RequestBodyLimitLayer::new(limit))
        // Logs method, path, status and latency; never headers or bodies.
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
