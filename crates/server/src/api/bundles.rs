//! `POST /api/bundles`: an upload of sealed commits, checked from their clear headers and
//! stored all or nothing.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use ecrf_core::sync::api::{valid_name, Ack, UploadResult, MAX_BUNDLE_COMMITS};
use ecrf_core::sync::{Bundle, FormatError};

use super::now;
use super::{BundleBody, Writer};
use crate::error::ApiError;
use crate::store::Uploader;
use crate::AppState;

/// Reads the bundle, refuses another study's (409 `wrong_study`), more than 10,000 commits (413)
/// or bytes that are not a bundle (400 `bad_bundle`), and stores it.
pub async fn upload(
    State(state): State<AppState>,
    Writer(member): Writer,
    BundleBody(body): BundleBody,
) -> Result<Json<UploadResult>, ApiError> {
    let study = state.require_study().await?;
    let caller = member.0;
    let (_, now) = now();
    let acks = state
        .blocking(move |s| {
            let bundle = Bundle::from_bytes(&body, Some(&study.id)).map_err(|e| match e {
                FormatError::WrongStudy => ApiError::new(
                    StatusCode::CONFLICT,
                    "wrong_study",
                    "This bundle belongs to another study.",
                ),
                FormatError::TooManyCommits(_) => too_many_commits(),
                e => ApiError::new(StatusCode::BAD_REQUEST, "bad_bundle", e.to_string()),
            })?;
            if bundle.commits.len() > MAX_BUNDLE_COMMITS {
                return Err(too_many_commits());
            }
            // A device id is a name (`docs/sync-protocol.md`, "Names"): one that is not could
            // never be revoked, and would print as something else in a list. Not echoed.
            if let Some(c) = bundle
                .commits
                .iter()
                .find(|c| !valid_name(&c.header.device))
            {
                return Err(ApiError::new(
                    StatusCode::BAD_REQUEST,
                    "bad_bundle",
                    format!(
                        "The commit at sequence {} has a device id that is not a name (1 to 64 \
                         ASCII letters, digits, '.', '_', '-' or '@').",
                        c.header.seq
                    ),
                ));
            }
            let uploader = Uploader {
                user: &caller.user,
                device: &caller.device,
                now: &now,
            };
            let statuses = s.upload(&uploader, &bundle.commits)?;
            Ok(bundle
                .commits
                .iter()
                .zip(statuses)
                .map(|(c, status)| Ack {
                    device: c.header.device.clone(),
                    seq: c.header.seq,
                    commit_id: c.header.commit_id_hex(),
                    status,
                })
                .collect())
        })
        .await?;
    Ok(Json(UploadResult { acks }))
}

fn too_many_commits() -> ApiError {
    ApiError::too_large(format!(
        "A bundle may carry at most {MAX_BUNDLE_COMMITS} commits; send smaller ones."
    ))
}
