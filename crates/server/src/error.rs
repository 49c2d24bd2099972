//! The server's one error type: every refusal becomes a JSON [`ErrorBody`] with a stable code
//! (`docs/sync-protocol.md`, "HTTP API") and a message safe to show, never an internal detail.

use axum::extract::rejection::{BytesRejection, PathRejection, QueryRejection};
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use ecrf_core::sync::api::ErrorBody;

use crate::store::{RefusalKind, StoreError};

/// An error a handler returns: a status, the JSON body, and for 429 the seconds to wait.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The JSON body (boxed: errors travel in every `Result` and should stay small).
    pub body: Box<ErrorBody>,
    /// `Retry-After`, seconds (429 only).
    pub retry_after: Option<u64>,
}

impl ApiError {
    /// An error with a code and message.
    pub fn new(status: StatusCode, code: &str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            body: Box::new(ErrorBody {
                error: code.to_owned(),
                message: message.into(),
                device: None,
                seq: None,
                expected: None,
            }),
            retry_after: None,
        }
    }

    /// 400 `bad_request`.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", message)
    }

    /// 401 `unauthenticated`.
    pub fn unauthenticated() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Log in again: no valid session.",
        )
    }

    /// 403 `forbidden`.
    pub fn forbidden(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }

    /// 413 `too_large`.
    pub fn too_large(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", message)
    }

    /// 409 `no_study`.
    pub fn no_study() -> ApiError {
        ApiError::new(
            StatusCode::CONFLICT,
            "no_study",
            "The study has not been created on this server yet.",
        )
    }

    /// 429 with `Retry-After`.
    pub fn too_many(code: &str, message: impl Into<String>, retry_after: u64) -> ApiError {
        ApiError {
            retry_after: Some(retry_after.max(1)),
            ..ApiError::new(StatusCode::TOO_MANY_REQUESTS, code, message)
        }
    }

    /// 503 `store_unavailable`.
    pub fn unavailable() -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            "The server's store is unavailable; try again later.",
        )
    }

    fn at(mut self, device: &str, seq: u64, expected: Option<u64>) -> ApiError {
        self.body.device = Some(device.to_owned());
        self.body.seq = Some(seq);
        self.body.expected = expected;
        self
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut res = (self.status, Json(*self.body)).into_response();
        if let Some(secs) = self.retry_after {
            res.headers_mut()
                .insert(RETRY_AFTER, HeaderValue::from(secs));
        }
        res
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> ApiError {
        use StatusCode as S;
        let e = |s, code, msg: &str| ApiError::new(s, code, msg);
        match err {
            StoreError::StudyExists => e(S::CONFLICT, "study_exists", "The study already exists."),
            StoreError::BadSetupToken => e(
                S::FORBIDDEN,
                "bad_setup_token",
                "The set-up token is wrong.",
            ),
            StoreError::UserExists => e(S::CONFLICT, "user_exists", "That user already exists."),
            StoreError::NoSuchUser => e(S::NOT_FOUND, "no_such_user", "No such user."),
            StoreError::BadCredentials => e(
                S::UNAUTHORIZED,
                "bad_credentials",
                "Wrong user name or passphrase.",
            ),
            StoreError::LastDataManager => e(
                S::CONFLICT,
                "last_data_manager",
                "The last active data manager cannot be revoked.",
            ),
            StoreError::DeviceRevoked => e(
                S::FORBIDDEN,
                "device_revoked",
                "This device has been revoked.",
            ),
            StoreError::Upload(r) => {
                let (status, code, msg, expected) = match r.kind {
                    RefusalKind::Conflict => (
                        S::CONFLICT,
                        "commit_conflict",
                        "The server holds a different commit under this device and sequence.",
                        None,
                    ),
                    RefusalKind::Gap { expected } => (
                        S::CONFLICT,
                        "sequence_gap",
                        "This device's earlier commits are missing.",
                        Some(expected),
                    ),
                    RefusalKind::ChainBroken => (
                        S::CONFLICT,
                        "chain_broken",
                        "The commit does not follow the device's previous commit.",
                        None,
                    ),
                    RefusalKind::DeviceRevoked => (
                        S::FORBIDDEN,
                        "device_revoked",
                        "The commit's device has been revoked.",
                        None,
                    ),
                };
                e(status, code, msg).at(&r.device, r.seq, expected)
            }
            other => {
                tracing::error!(error = %other, "store error");
                ApiError::unavailable()
            }
        }
    }
}

impl From<QueryRejection> for ApiError {
    fn from(err: QueryRejection) -> ApiError {
        ApiError::bad_request(err.body_text())
    }
}

impl From<PathRejection> for ApiError {
    fn from(err: PathRejection) -> ApiError {
        ApiError::bad_request(err.body_text())
    }
}

impl From<BytesRejection> for ApiError {
    fn from(err: BytesRejection) -> ApiError {
        if err.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::too_large("The request body is larger than this server accepts.")
        } else {
            ApiError::bad_request("The request body could not be read.")
        }
    }
}

/// The fallback for `/api/...` paths that match no route: a JSON 404, not the app's HTML.
pub async fn api_not_found(uri: Uri) -> ApiError {
    ApiError::new(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no API route at {}", uri.path()),
    )
}
