//! Sessions: the bearer-token extractors ([`Caller`], [`Member`]), and the endpoints that open,
//! close and change them (`login/params`, `login`, `logout`, `key`, `passphrase`).

use std::time::Instant;

use axum::extract::{FromRequestParts, Query, State};
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::Json;
use ecrf_core::sync::api::{ChangePassphrase, LoginParams, LoginRequest, Role, Session};
use ecrf_core::sync::keys::MIN_ITERATIONS;
use ecrf_core::sync::WrappedKey;
use serde::Deserialize;
use subtle::ConstantTimeEq;
use time::format_description::well_known::Rfc3339;

use super::{check_wrapped_key, hex_field, name_field, now, JsonBody, Study};
use crate::error::ApiError;
use crate::secrets::{fake_salt, new_token, sha256};
use crate::store::{KeyChange, NewToken, StoreError};
use crate::AppState;

/// How long a token lives.
pub const TOKEN_LIFETIME: time::Duration = time::Duration::hours(12);

/// An authenticated request: the token's user, role and device. Allowed even while the user
/// must change a temporary passphrase (only `key`, `passphrase` and `logout` take it).
#[derive(Debug, Clone)]
pub struct Caller {
    /// The user.
    pub user: String,
    /// The user's role.
    pub role: Role,
    /// The device the token was issued to.
    pub device: String,
    /// Whether the user must change the passphrase first.
    pub must_change: bool,
    /// The token's hash (for logout).
    pub token_hash: [u8; 32],
}

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        state.require_study().await?;
        let token = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            // The scheme is case-insensitive (RFC 9110 11.1).
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim())
            .filter(|t| !t.is_empty())
            .ok_or_else(ApiError::unauthenticated)?;
        let hash = sha256(token.as_bytes());
        let (now, text) = now();
        let session = state
            .blocking(move |s| Ok(s.session(&hash, now.unix_timestamp(), &text)?))
            .await?
            .ok_or_else(ApiError::unauthenticated)?;
        Ok(Caller {
            user: session.user,
            role: session.role,
            device: session.device,
            must_change: session.must_change,
            token_hash: hash,
        })
    }
}

/// An authenticated request from a user who has no temporary passphrase left to change (every
/// endpoint but `key`, `passphrase` and `logout`).
#[derive(Debug, Clone)]
pub struct Member(pub Caller);

impl FromRequestParts<AppState> for Member {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let caller = Caller::from_request_parts(parts, state).await?;
        if caller.must_change {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "passphrase_change_required",
                "Choose a new passphrase first.",
            ));
        }
        Ok(Member(caller))
    }
}

/// A data manager's request, as an extractor: the role is checked (403) before the body is
/// read, as for every admin endpoint (`docs/sync-protocol.md`, "Errors": "then the role, then
/// the body").
#[derive(Debug, Clone)]
pub struct Admin(pub Member);

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let member = Member::from_request_parts(parts, state).await?;
        if !member.0.role.is_admin() {
            return Err(ApiError::forbidden("Only a data manager may do this."));
        }
        Ok(Admin(member))
    }
}

/// A request of a role that may upload, as an extractor: the role is checked (403) before the
/// body (a bundle of megabytes) is read.
#[derive(Debug, Clone)]
pub struct Writer(pub Member);

impl FromRequestParts<AppState> for Writer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let member = Member::from_request_parts(parts, state).await?;
        if !member.0.role.can_write() {
            return Err(ApiError::forbidden("This role may not upload commits."));
        }
        Ok(Writer(member))
    }
}

/// The query of `login/params`.
#[derive(Debug, Deserialize)]
pub struct ParamsQuery {
    user: String,
}

/// `GET /api/login/params?user=NAME`: the user's salt and iterations, or stable fake ones for
/// a name that does not exist.
pub async fn params(
    State(state): State<AppState>,
    Study(study): Study,
    query: Result<Query<ParamsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<LoginParams>, ApiError> {
    let Query(q) = query?;
    let name = name_field(&q.user, "user")?.to_owned();
    let user = state.blocking(move |s| Ok(s.user(&name)?)).await?;
    let (salt, iterations) = match user {
        Some(u) => (u.wrapped_key.salt, u.wrapped_key.iterations),
        None => (
            hex::encode(fake_salt(&study.secret, &q.user)),
            MIN_ITERATIONS,
        ),
    };
    Ok(Json(LoginParams {
        kdf: "pbkdf2-sha256".to_owned(),
        iterations,
        salt,
    }))
}

fn bad_credentials() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
        "Wrong user name or passphrase.",
    )
}

/// `POST /api/login`: checks the server-auth key, registers the device on its first login, and
/// answers a new 12-hour token.
pub async fn login(
    State(state): State<AppState>,
    Study(study): Study,
    JsonBody(req): JsonBody<LoginRequest>,
) -> Result<Json<Session>, ApiError> {
    name_field(&req.user, "user")?;
    name_field(&req.device, "device")?;
    let auth = hex_field::<32>(&req.auth, "auth")?;
    // Held to the end of this attempt: the next login of this name sees its failure recorded.
    let _gate = state.inner.logins.gate(&req.user).await;
    if let Err(secs) = state.inner.logins.check(&req.user, Instant::now()) {
        return Err(ApiError::too_many(
            "rate_limited",
            "Too many failed logins for this user; try again later.",
            secs,
        ));
    }
    let name = req.user.clone();
    let user = state.blocking(move |s| Ok(s.user(&name)?)).await?;
    // An unknown user is compared against a hash nothing matches, so both failures take the
    // same path and give the same answer.
    let stored = user.as_ref().map_or([0u8; 32], |u| u.auth_hash);
    let matches = bool::from(sha256(&auth).ct_eq(&stored)) && user.is_some();
    let Some(user) = user.filter(|_| matches) else {
        state.inner.logins.record(&req.user, Instant::now());
        return Err(bad_credentials());
    };
    state.inner.logins.clear(&req.user);
    if user.revoked {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "user_revoked",
            "This user has been revoked.",
        ));
    }
    let (token, hash) = new_token().map_err(|_| ApiError::unavailable())?;
    let (now, text) = now();
    let expires = now + TOKEN_LIFETIME;
    let (u, d) = (req.user.clone(), req.device.clone());
    state
        .blocking(move |s| {
            Ok(s.add_token(&NewToken {
                auth_hash: stored,
                hash,
                user: &u,
                device: &d,
                now: &text,
                expires_at: expires.unix_timestamp(),
            })?)
        })
        .await?;
    Ok(Json(Session {
        token,
        expires_at: expires.format(&Rfc3339).unwrap_or_default(),
        user: req.user,
        device: req.device,
        role: user.role,
        must_change_passphrase: user.must_change,
        study_id: hex::encode(study.id),
    }))
}

/// `POST /api/logout`: the token stops working.
pub async fn logout(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, ApiError> {
    let hash = caller.token_hash;
    state.blocking(move |s| Ok(s.delete_token(&hash)?)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/key`: the user's own wrapped key.
pub async fn key(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<WrappedKey>, ApiError> {
    let user = state
        .blocking(move |s| s.user(&caller.user)?.ok_or(StoreError::NoSuchUser.into()))
        .await?;
    Ok(Json(user.wrapped_key))
}

/// `POST /api/passphrase`: the user's new server-auth key and wrapped key, given the current
/// server-auth key (401 `bad_credentials` when wrong); clears "must change" and ends the user's
/// other sessions.
pub async fn passphrase(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(req): JsonBody<ChangePassphrase>,
) -> Result<StatusCode, ApiError> {
    let current = hex_field::<32>(&req.current_auth, "current_auth")?;
    let auth = hex_field::<32>(&req.auth, "auth")?;
    check_wrapped_key(&req.wrapped_key)?;
    state
        .blocking(move |s| {
            Ok(s.change_user_key(&KeyChange {
                user: &caller.user,
                current_hash: &sha256(&current),
                auth_hash: &sha256(&auth),
                key: &req.wrapped_key,
                keep_token: &caller.token_hash,
            })?)
        })
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
