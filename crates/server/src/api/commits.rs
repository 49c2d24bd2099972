//! `GET /api/commits?after=C&limit=N`: a page of stored commits, in cursor order, as a bundle.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::HeaderValue;
use axum::response::{IntoResponse, Response};
use ecrf_core::sync::api::{CURSOR_HEADER, MAX_PAGE, MORE_HEADER};
use ecrf_core::sync::Bundle;
use serde::Deserialize;

use super::Member;
use crate::error::ApiError;
use crate::store::PULL_PAGE_BYTES;
use crate::AppState;

/// The pull query.
#[derive(Debug, Deserialize)]
pub struct PullQuery {
    /// Commits after this cursor (default 0: from the start).
    #[serde(default)]
    after: u64,
    /// The page size (default and maximum [`MAX_PAGE`]).
    limit: Option<u32>,
}

/// Answers the commits after `after`, at most `limit` and at most [`PULL_PAGE_BYTES`] of them
/// (but at least one), with the page's cursor and whether more follow in the `ecrf-cursor` and
/// `ecrf-more` headers.
pub async fn pull(
    State(state): State<AppState>,
    _member: Member,
    query: Result<Query<PullQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query?;
    let limit = match q.limit {
        None => MAX_PAGE,
        Some(0) => return Err(ApiError::bad_request("limit must be at least 1.")),
        Some(n) => n.min(MAX_PAGE),
    };
    let study = state.require_study().await?;
    let after = q.after;
    let (bytes, cursor, more) = state
        .blocking(move |s| {
            let page = s.pull(after, limit, PULL_PAGE_BYTES)?;
            let bundle = Bundle {
                study: study.id,
                commits: page.commits,
            };
            // A page holds at most 5,000 commits, far below a bundle's 100,000.
            let bytes = bundle.to_bytes().map_err(|_| ApiError::unavailable())?;
            Ok((bytes, page.cursor, page.more))
        })
        .await?;
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    headers.insert(CURSOR_HEADER, HeaderValue::from(cursor));
    headers.insert(
        MORE_HEADER,
        HeaderValue::from_static(if more { "true" } else { "false" }),
    );
    Ok(res)
}
