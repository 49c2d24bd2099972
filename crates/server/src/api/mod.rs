//! The sync API v1 under `/api` (`docs/sync-protocol.md`, "HTTP API"): the routes, and the
//! small pieces every handler shares (JSON bodies, hex fields, names, the clock).

mod admin;
mod auth;
mod bundles;
mod commits;
mod study;

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::routing::{get, post, put};
use axum::Router;
use ecrf_core::sync::api::valid_name;
use ecrf_core::sync::keys::{MAX_ITERATIONS, MIN_ITERATIONS};
use ecrf_core::sync::WrappedKey;
use serde::de::DeserializeOwned;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use crate::error::{api_not_found, ApiError};
use crate::store::StudyRecord;
use crate::{health, AppState};

pub use auth::{Admin, Member, Writer};

/// The API's routes, to be nested under `/api`.
pub fn router() -> Router<AppState> {
    // Every body but a bundle is a little JSON: none may hold more than 64 KiB of the server's
    // memory, whoever sends it (login and study creation are open to anyone).
    Router::new()
        .route("/health", get(health::health))
        .route("/study", post(study::create).get(study::get))
        .route("/login/params", get(auth::params))
        .route("/login", post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/key", get(auth::key))
        .route("/passphrase", post(auth::passphrase))
        .route("/commits", get(commits::pull))
        .route("/users", get(admin::users).post(admin::add_user))
        .route("/users/{user}/key", put(admin::set_key))
        .route("/users/{user}/revoke", post(admin::revoke_user))
        .route("/devices", get(admin::devices))
        .route("/devices/{device}/revoke", post(admin::revoke_device))
        .layer(axum::extract::DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .route("/bundles", post(bundles::upload))
        .fallback(api_not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

/// The largest JSON request body, bytes.
pub const JSON_BODY_LIMIT: usize = 64 * 1024;

/// A known path with another method: a JSON 405 like every other refusal.
async fn method_not_allowed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "This method is not allowed here.",
    )
}

/// A JSON request body whose every failure (too large, unreadable, not the type) is an
/// [`ApiError`] rather than axum's plain-text rejection.
pub struct JsonBody<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonBody<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        let bytes = read_body(req, state).await?;
        serde_json::from_slice(&bytes)
            .map(JsonBody)
            .map_err(|e| ApiError::bad_request(format!("The request body does not parse: {e}")))
    }
}

/// A request's body, all of it within the server's body timeout ([`crate::BODY_TIMEOUT`] by
/// default: a body sent a little at a time is cut off, 408 `request_timeout`), within the
/// route's byte limit (413 `too_large`).
pub async fn read_body(req: Request, state: &AppState) -> Result<Bytes, ApiError> {
    let deadline = state.inner.body_timeout;
    match tokio::time::timeout(deadline, Bytes::from_request(req, state)).await {
        Ok(bytes) => Ok(bytes?),
        Err(_) => Err(ApiError::new(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            "request_timeout",
            "The request body did not arrive in time.",
        )),
    }
}

/// A bundle's bytes, as an extractor ([`read_body`]).
pub struct BundleBody(pub Bytes);

impl FromRequest<AppState> for BundleBody {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, Self::Rejection> {
        read_body(req, state).await.map(BundleBody)
    }
}

/// The study, as an extractor: 409 `no_study` before it exists (checked before the body is
/// read, so the refusal is the same whatever the body).
pub struct Study(pub StudyRecord);

impl FromRequestParts<AppState> for Study {
    type Rejection = ApiError;

    async fn from_request_parts(_: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        state.require_study().await.map(Study)
    }
}

/// The current time, to the second, and its RFC 3339 form.
pub fn now() -> (OffsetDateTime, String) {
    let now = OffsetDateTime::now_utc();
    let now = now.replace_nanosecond(0).unwrap_or(now);
    let text = now.format(&Rfc3339).unwrap_or_default();
    (now, text)
}

/// `N` bytes from a hex field, or 400.
pub fn hex_field<const N: usize>(value: &str, what: &str) -> Result<[u8; N], ApiError> {
    let mut out = [0u8; N];
    hex::decode_to_slice(value, &mut out)
        .map_err(|_| ApiError::bad_request(format!("{what} must be {N} bytes of hex.")))?;
    Ok(out)
}

/// A user or device name, or 400.
pub fn name_field<'a>(value: &'a str, what: &str) -> Result<&'a str, ApiError> {
    if valid_name(value) {
        Ok(value)
    } else {
        Err(ApiError::bad_request(format!(
            "{what} must be 1 to 64 letters, digits, '.', '_', '-' or '@'."
        )))
    }
}

/// The name of a new user, or 400: a valid name ([`name_field`]) other than `system`, the
/// author of the app's own commits (`ecrf_core::sync::authors::SYSTEM`).
pub fn new_user_field(value: &str) -> Result<&str, ApiError> {
    name_field(value, "user")?;
    if ecrf_core::sync::api::valid_new_user_name(value) {
        Ok(value)
    } else {
        Err(ApiError::bad_request(format!(
            "user '{value}' is reserved for the app's own commits: choose another name."
        )))
    }
}

/// A wrapped-key record the server can check without the passphrase: format, version, KDF,
/// iterations in range, and salt, nonce and wrapped key of the right lengths; else 400.
pub fn check_wrapped_key(key: &WrappedKey) -> Result<(), ApiError> {
    let bad = |why: &str| Err(ApiError::bad_request(format!("Bad wrapped key: {why}.")));
    if key.format != "ecrf-wrapped-key" || key.version != 1 || key.kdf != "pbkdf2-sha256" {
        return bad("not a version 1 pbkdf2-sha256 record");
    }
    if !(MIN_ITERATIONS..=MAX_ITERATIONS).contains(&key.iterations) {
        return bad("iterations outside 600,000 to 10,000,000");
    }
    if key.salt_bytes().is_err() {
        return bad("the salt is not 16 bytes of hex");
    }
    if hex_field::<12>(&key.nonce, "nonce").is_err() {
        return bad("the nonce is not 12 bytes of hex");
    }
    if hex_field::<48>(&key.wrapped, "wrapped").is_err() {
        return bad("the wrapped key is not 48 bytes of hex");
    }
    Ok(())
}
