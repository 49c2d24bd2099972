//! Users and devices: the list of users for everyone, and the data manager's endpoints (add a
//! user, re-wrap a forgotten key, revoke users and devices, list devices).

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use ecrf_core::sync::api::{DeviceInfo, NewKey, NewUser, UserInfo};

use super::{
    check_wrapped_key, hex_field, name_field, new_user_field, now, Admin, JsonBody, Member,
};
use crate::error::ApiError;
use crate::secrets::sha256;
use crate::store::UserRecord;
use crate::AppState;

fn user_info(u: UserRecord) -> UserInfo {
    UserInfo {
        user: u.name,
        role: u.role,
        revoked: u.revoked,
        must_change_passphrase: u.must_change,
        created_at: u.created_at,
    }
}

/// `GET /api/users`: every user (so that clients can check commit authors).
pub async fn users(
    State(state): State<AppState>,
    _member: Member,
) -> Result<Json<Vec<UserInfo>>, ApiError> {
    let users = state.blocking(|s| Ok(s.users()?)).await?;
    Ok(Json(users.into_iter().map(user_info).collect()))
}

/// `POST /api/users`: adds a user with a temporary passphrase ("must change" set).
pub async fn add_user(
    State(state): State<AppState>,
    Admin(member): Admin,
    JsonBody(new): JsonBody<NewUser>,
) -> Result<(StatusCode, Json<UserInfo>), ApiError> {
    new_user_field(&new.user)?;
    let auth = hex_field::<32>(&new.auth, "auth")?;
    check_wrapped_key(&new.wrapped_key)?;
    let (_, created_at) = now();
    let user = UserRecord {
        name: new.user,
        role: new.role,
        auth_hash: sha256(&auth),
        wrapped_key: new.wrapped_key,
        must_change: true,
        revoked: false,
        created_at,
    };
    let stored = user.clone();
    state.blocking(move |s| Ok(s.add_user(&stored)?)).await?;
    tracing::info!(actor = %member.0.user, action = "add_user", target = %user.name, role = user.role.code(), "admin action");
    Ok((StatusCode::CREATED, Json(user_info(user))))
}

/// `PUT /api/users/{user}/key`: a forgotten passphrase replaced by a temporary one ("must
/// change" set); the user's tokens are deleted, so a session opened with the old passphrase
/// (perhaps by whoever learnt it) ends at once.
pub async fn set_key(
    State(state): State<AppState>,
    Admin(member): Admin,
    path: Result<Path<String>, PathRejection>,
    JsonBody(new): JsonBody<NewKey>,
) -> Result<StatusCode, ApiError> {
    let Path(name) = path?;
    name_field(&name, "user")?;
    let auth = hex_field::<32>(&new.auth, "auth")?;
    check_wrapped_key(&new.wrapped_key)?;
    let target = name.clone();
    state
        .blocking(move |s| Ok(s.reset_user_key(&name, &sha256(&auth), &new.wrapped_key)?))
        .await?;
    tracing::info!(actor = %member.0.user, action = "reset_key", target = %target, "admin action");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /api/users/{user}/revoke`: the user can no longer log in; its tokens stop working.
pub async fn revoke_user(
    State(state): State<AppState>,
    Admin(member): Admin,
    path: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(name) = path?;
    name_field(&name, "user")?;
    let target = name.clone();
    state.blocking(move |s| Ok(s.revoke_user(&name)?)).await?;
    tracing::info!(actor = %member.0.user, action = "revoke_user", target = %target, "admin action");
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /api/devices`: every device that has logged in or been revoked, and the authors known
/// only from commits relayed by other devices.
pub async fn devices(
    State(state): State<AppState>,
    Admin(_): Admin,
) -> Result<Json<Vec<DeviceInfo>>, ApiError> {
    let devices = state.blocking(|s| Ok(s.devices()?)).await?;
    Ok(Json(
        devices
            .into_iter()
            .map(|d| DeviceInfo {
                device: d.id,
                registered_by: d.registered_by,
                registered_at: d.registered_at,
                last_seen_at: d.last_seen_at,
                revoked: d.revoked,
                commits: d.commits,
            })
            .collect(),
    ))
}

/// `POST /api/devices/{device}/revoke`: the device can no longer log in or upload, and its new
/// commits are refused even when relayed. A valid id is revoked whether or not the server has
/// seen it (a device known only from relayed commits, or one lost before its first sync).
pub async fn revoke_device(
    State(state): State<AppState>,
    Admin(member): Admin,
    path: Result<Path<String>, PathRejection>,
) -> Result<StatusCode, ApiError> {
    let Path(id) = path?;
    name_field(&id, "device")?;
    let (_, now) = now();
    let actor = member.0.user.clone();
    let target = id.clone();
    state
        .blocking(move |s| Ok(s.revoke_device(&id, &actor, &now)?))
        .await?;
    tracing::info!(actor = %member.0.user, action = "revoke_device", target = %target, "admin action");
    Ok(StatusCode::NO_CONTENT)
}
