//! The data manager's requests to the study's server (`docs/sync-protocol.md`, "HTTP API"):
//! list users and devices, add a user with a temporary passphrase, give a user who forgot their
//! passphrase a new temporary one (the study data key wrapped anew on this tablet: the server
//! never sees a passphrase or the key), revoke a user or a lost tablet. The server checks the
//! role on every request; these only send them with the session's token. The wrapped-key
//! record of a new passphrase is made here for one's own first change too.

use ecrf_core::sync::api::{DeviceInfo, NewKey, NewUser, Role, UserInfo};

use super::http::{get_json, post_empty, post_json, put_json_only, SyncError};
use super::session::{self, Session};

fn signed_in() -> Result<Session, SyncError> {
    session::current().ok_or_else(|| SyncError::Local("not signed in to the study's server".into()))
}

/// A name as one path segment.
fn segment(name: &str) -> String {
    String::from(js_sys::encode_uri_component(name))
}

/// A new wrapped-key record of the session's data key for `user` under `passphrase` (a new
/// random salt and nonce; the server gets the record and the server-auth key only).
pub(super) async fn new_key(
    session: &Session,
    user: &str,
    passphrase: &str,
) -> Result<NewKey, SyncError> {
    let (mut salt, mut nonce) = ([0u8; 16], [0u8; 12]);
    if !super::secure_random(&mut salt) || !super::secure_random(&mut nonce) {
        return Err(SyncError::Local(
            "this browser gives no secure random numbers".into(),
        ));
    }
    // Let the page draw "working" before the key derivation holds the thread.
    crate::device::sleep(30).await;
    NewKey::wrap(&session.key, user, passphrase, salt, nonce)
        .map_err(|e| SyncError::Local(e.to_string()))
}

/// The study's users (`GET /api/users`).
pub async fn users() -> Result<Vec<UserInfo>, SyncError> {
    let s = signed_in()?;
    get_json("users", Some(&s.token)).await
}

/// The devices known to the server (`GET /api/devices`).
pub async fn devices() -> Result<Vec<DeviceInfo>, SyncError> {
    let s = signed_in()?;
    get_json("devices", Some(&s.token)).await
}

/// Adds `user` with `role` and a temporary passphrase, to be changed at their first sign-in.
pub async fn add_user(user: &str, role: Role, temporary: &str) -> Result<UserInfo, SyncError> {
    let s = signed_in()?;
    let record = new_key(&s, user, temporary).await?;
    let request = NewUser {
        user: user.to_owned(),
        role,
        auth: record.auth,
        wrapped_key: record.wrapped_key,
    };
    post_json("users", Some(&s.token), &request).await
}

/// Gives `user`, who forgot their passphrase, a new temporary one (changed at the next
/// sign-in); the old one no longer opens anything on the server.
pub async fn reset_passphrase(user: &str, temporary: &str) -> Result<(), SyncError> {
    let s = signed_in()?;
    let record = new_key(&s, user, temporary).await?;
    put_json_only(
        &format!("users/{}/key", segment(user)),
        Some(&s.token),
        &record,
    )
    .await
}

/// Revokes `user`: their sessions end at once; their earlier records stay valid.
pub async fn revoke_user(user: &str) -> Result<(), SyncError> {
    let s = signed_in()?;
    post_empty(&format!("users/{}/revoke", segment(user)), Some(&s.token)).await
}

/// Revokes a device (a lost tablet): no more sign-ins or uploads from it.
pub async fn revoke_device(device: &str) -> Result<(), SyncError> {
    let s = signed_in()?;
    post_empty(
        &format!("devices/{}/revoke", segment(device)),
        Some(&s.token),
    )
    .await
}
