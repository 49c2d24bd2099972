//! The server's one error type: every failure becomes a JSON body with a stable code and a
//! message safe to show, never an internal detail.

use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

/// An error a handler returns.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// No such API route.
    #[error("no API route at {0}")]
    NotFound(String),
    /// The store failed; details are logged, not sent.
    #[error("the store failed")]
    Store(#[from] crate::store::StoreError),
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let (status, code) = match &self {
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            AppError::Store(err) => {
                tracing::error!(error = %err, "store error");
                (StatusCode::SERVICE_UNAVAILABLE, "store_unavailable")
            }
        };
        (
            status,
            Json(json!({ "error": code, "message": self.to_string() })),
        )
            .into_response()
    }
}

/// The fallback for `/api/...` paths that match no route: a JSON 404, not the app's HTML.
pub async fn api_not_found(uri: Uri) -> AppError {
    AppError::NotFound(uri.path().to_owned())
}
