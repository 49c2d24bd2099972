//! `POST /api/study` (create the study with the set-up token) and `GET /api/study`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use ecrf_core::sync::api::{CreateStudy, Role, StudyInfo};

use super::{check_wrapped_key, hex_field, new_user_field, now, JsonBody, Member};
use crate::error::ApiError;
use crate::secrets::{random_bytes, sha256};
use crate::store::{StudyRecord, UserRecord};
use crate::{setup_token, AppState};

fn info(study: &StudyRecord) -> StudyInfo {
    StudyInfo {
        study_id: hex::encode(study.id),
        created_at: study.created_at.clone(),
    }
}

/// `POST /api/study`: with the set-up token, creates the study and its data manager, then
/// spends the token (its hash and its file).
pub async fn create(
    State(state): State<AppState>,
    JsonBody(req): JsonBody<CreateStudy>,
) -> Result<(StatusCode, Json<StudyInfo>), ApiError> {
    let id = hex_field::<16>(&req.study_id, "study_id")?;
    new_user_field(&req.user)?;
    let auth = hex_field::<32>(&req.auth, "auth")?;
    check_wrapped_key(&req.wrapped_key)?;
    let secret = random_bytes::<32>().map_err(|_| ApiError::unavailable())?;
    // The file ends with a newline; a token pasted with blanks around it is the same token.
    let token_hash = sha256(req.setup_token.trim().as_bytes());
    let (_, created_at) = now();
    let study = StudyRecord {
        id,
        created_at: created_at.clone(),
        secret,
    };
    let manager = UserRecord {
        name: req.user,
        role: Role::DataManager,
        auth_hash: sha256(&auth),
        wrapped_key: req.wrapped_key,
        must_change: false,
        revoked: false,
        created_at,
    };
    let stored = study.clone();
    state
        .blocking(move |s| Ok(s.create_study(&token_hash, &stored, &manager)?))
        .await?;
    if let Some(path) = &state.inner.setup_token_file {
        setup_token::remove(path);
    }
    tracing::info!("study created");
    let study = state.inner.study.get_or_init(|| study).clone();
    Ok((StatusCode::CREATED, Json(info(&study))))
}

/// `GET /api/study`: the study's id and creation time.
pub async fn get(
    State(state): State<AppState>,
    _member: Member,
) -> Result<Json<StudyInfo>, ApiError> {
    Ok(Json(info(&state.require_study().await?)))
}
