//! Signing in to the study's server: the passphrase gives the server-auth key and the key that
//! unwraps the study data key (`docs/sync-protocol.md`, "Keys"); the server never sees either
//! the passphrase or the data key. The session lives in memory only.

use std::cell::RefCell;

use ecrf_core::sync::api::{LoginParams, LoginRequest, Role, Session as Answer};
use ecrf_core::sync::{DataKey, StudyId, WrappedKey};

use super::http::{get_json, post_empty, post_json, SyncError};

/// A signed-in session: the bearer token and the study data key, in memory only.
#[derive(Clone)]
pub struct Session {
    /// The bearer token.
    pub token: String,
    /// The user.
    pub user: String,
    /// The user's role.
    pub role: Role,
    /// The study.
    pub study: StudyId,
    /// The study data key.
    pub key: DataKey,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("user", &self.user)
            .field("role", &self.role)
            .finish_non_exhaustive()
    }
}

thread_local! {
    static SESSION: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// The current session, if signed in.
pub fn current() -> Option<Session> {
    SESSION.with(|s| s.borrow().clone())
}

fn study_id(hex_id: &str) -> Result<StudyId, SyncError> {
    let mut id = [0u8; 16];
    hex::decode_to_slice(hex_id, &mut id)
        .map_err(|_| SyncError::Local("the server's study id is not 16 bytes of hex".into()))?;
    Ok(id)
}

/// Signs `user` in from this `device`. The key derivation is slow by design (PBKDF2 with at
/// least 600,000 iterations): a few seconds on a tablet.
pub async fn sign_in(user: &str, passphrase: &str, device: &str) -> Result<SignIn, SyncError> {
    let params: LoginParams = get_json(
        &format!(
            "login/params?user={}",
            String::from(js_sys::encode_uri_component(user))
        ),
        None,
    )
    .await?;
    let mut salt = [0u8; 16];
    hex::decode_to_slice(&params.salt, &mut salt)
        .map_err(|_| SyncError::Local("the server's salt is not 16 bytes of hex".into()))?;
    if ecrf_core::sync::keys::check_iterations(params.iterations).is_err() {
        return Err(SyncError::Local(
            "the server asks for an unsafe key derivation".into(),
        ));
    }
    // Let the page draw "signing in" before the derivation holds the thread.
    crate::device::sleep(30).await;
    let keys = crate::crypto::user_keys(passphrase, &salt, params.iterations).await;
    let answer: Answer = post_json(
        "login",
        None,
        &LoginRequest {
            user: user.to_owned(),
            auth: hex::encode(keys.auth),
            device: device.to_owned(),
        },
    )
    .await?;
    let wrapped: WrappedKey = get_json("key", Some(&answer.token)).await?;
    let key = wrapped
        .unwrap_with(user, &keys.kek)
        .map_err(|e| SyncError::Local(e.to_string()))?;
    let session = Session {
        token: answer.token,
        user: answer.user,
        role: answer.role,
        study: study_id(&answer.study_id)?,
        key,
    };
    if !answer.must_change_passphrase {
        remember_key(&session, &wrapped).await;
    }
    if answer.must_change_passphrase {
        // Nothing but the change is allowed until it is made (the server holds to that too).
        TEMPORARY.with(|t| *t.borrow_mut() = Some((session, hex::encode(keys.auth))));
        return Ok(SignIn::MustChangePassphrase);
    }
    SESSION.with(|s| *s.borrow_mut() = Some(session.clone()));
    Ok(SignIn::Done(session))
}

/// Keeps the record that opened the study key on this tablet, so that the key opens without
/// network too (`super::carry`); a failure only costs that.
async fn remember_key(session: &Session, wrapped: &WrappedKey) {
    let Some(db) = crate::state::db() else {
        return;
    };
    let kept = super::carry::cache_key(&db, &session.user, &session.study, session.role, wrapped);
    if let Err(e) = kept.await {
        gloo::console::warn!(format!(
            "ecrf: the study key record was not kept for use without network: {e:?}"
        ));
    }
}

/// How a sign-in ended.
#[derive(Debug)]
pub enum SignIn {
    /// Signed in.
    Done(Session),
    /// Signed in with a temporary passphrase: [`change_temporary`] must come first.
    MustChangePassphrase,
}

thread_local! {
    /// A session held back until its temporary passphrase is changed, with the current
    /// server-auth key (hex) the change must prove.
    static TEMPORARY: RefCell<Option<(Session, String)>> = const { RefCell::new(None) };
}

/// Replaces the temporary passphrase of the held-back sign-in by `new`: the study data key is
/// wrapped anew under it on this tablet (new salt and nonce), and the server gets only the new
/// server-auth key and the wrapped key. Then the session is open.
pub async fn change_temporary(new: &str) -> Result<Session, SyncError> {
    use ecrf_core::sync::api::ChangePassphrase;
    let Some((session, current_auth)) = TEMPORARY.with(|t| t.borrow().clone()) else {
        return Err(SyncError::Local(
            "no sign-in waits for a new passphrase".into(),
        ));
    };
    let record = super::admin::new_key(&session, &session.user, new).await?;
    super::http::post_json_only(
        "passphrase",
        Some(&session.token),
        &ChangePassphrase {
            current_auth,
            auth: record.auth,
            wrapped_key: record.wrapped_key.clone(),
        },
    )
    .await?;
    remember_key(&session, &record.wrapped_key).await;
    TEMPORARY.with(|t| *t.borrow_mut() = None);
    SESSION.with(|s| *s.borrow_mut() = Some(session.clone()));
    Ok(session)
}

/// Forgets the session here (the server ended it: an expired or revoked token).
pub fn forget() {
    SESSION.with(|s| *s.borrow_mut() = None);
    TEMPORARY.with(|t| *t.borrow_mut() = None);
}

/// Signs out: the token is revoked on the server (when reachable) and the key forgotten.
pub async fn sign_out() {
    let token = SESSION
        .with(|s| s.borrow_mut().take())
        .or_else(|| TEMPORARY.with(|t| t.borrow_mut().take()).map(|(s, _)| s))
        .map(|s| s.token);
    if let Some(t) = token {
        let _ = post_empty("logout", Some(&t)).await;
    }
}
