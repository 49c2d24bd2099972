//! The sync server's HTTP API from the browser (same origin): JSON and bundle requests with the
//! bearer token, and every failure turned into a [`SyncError`] a user can read.

use ecrf_core::sync::api::ErrorBody;
use gloo_net::http::{Request, RequestBuilder, Response};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Why a sync step failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SyncError {
    /// The server could not be reached (offline, server stopped, connection dropped).
    Network,
    /// The server refused: its stable code and message (`bad_credentials`, `sequence_gap`, ...).
    Refused {
        /// The code.
        code: String,
        /// The server's message (English).
        message: String,
    },
    /// Something on this device failed (a commit that does not open, the database, a format).
    Local(String),
}

impl SyncError {
    /// The server's code, when it refused.
    pub fn code(&self) -> Option<&str> {
        match self {
            SyncError::Refused { code, .. } => Some(code),
            _ => None,
        }
    }
}

fn url(path: &str) -> String {
    format!("/api/{path}")
}

fn authorised(builder: RequestBuilder, token: Option<&str>) -> RequestBuilder {
    match token {
        Some(t) => builder.header("Authorization", &format!("Bearer {t}")),
        None => builder,
    }
}

async fn refused(response: Response) -> SyncError {
    let status = response.status();
    match response.json::<ErrorBody>().await {
        Ok(body) => SyncError::Refused {
            code: body.error,
            message: body.message,
        },
        Err(_) => SyncError::Refused {
            code: format!("http_{status}"),
            message: format!("the server answered {status}"),
        },
    }
}

async fn send(request: Result<Request, gloo_net::Error>) -> Result<Response, SyncError> {
    let request = request.map_err(|e| SyncError::Local(e.to_string()))?;
    let response = request.send().await.map_err(|_| SyncError::Network)?;
    if response.ok() {
        Ok(response)
    } else {
        Err(refused(response).await)
    }
}

/// `GET /api/{path}` answered with JSON.
pub async fn get_json<T: DeserializeOwned>(
    path: &str,
    token: Option<&str>,
) -> Result<T, SyncError> {
    let response = send(authorised(Request::get(&url(path)), token).build()).await?;
    response
        .json()
        .await
        .map_err(|e| SyncError::Local(e.to_string()))
}

/// `POST /api/{path}` with a JSON body, answered with JSON.
pub async fn post_json<B: Serialize, T: DeserializeOwned>(
    path: &str,
    token: Option<&str>,
    body: &B,
) -> Result<T, SyncError> {
    let response = send(authorised(Request::post(&url(path)), token).json(body)).await?;
    response
        .json()
        .await
        .map_err(|e| SyncError::Local(e.to_string()))
}

/// `POST /api/{path}` with no body (logout), any answer body ignored.
pub async fn post_empty(path: &str, token: Option<&str>) -> Result<(), SyncError> {
    send(authorised(Request::post(&url(path)), token).build())
        .await
        .map(|_| ())
}

/// `POST /api/bundles`: a bundle's bytes, answered with JSON.
pub async fn post_bundle<T: DeserializeOwned>(token: &str, bytes: &[u8]) -> Result<T, SyncError> {
    let body = js_sys::Uint8Array::from(bytes);
    let request = authorised(Request::post(&url("bundles")), Some(token))
        .header("Content-Type", "application/octet-stream")
        .body(body);
    let response = send(request).await?;
    response
        .json()
        .await
        .map_err(|e| SyncError::Local(e.to_string()))
}

/// `GET /api/commits?after=C`: a bundle's bytes, the page's cursor and whether more follow.
pub async fn get_page(token: &str, after: u64) -> Result<(Vec<u8>, u64, bool), SyncError> {
    use ecrf_core::sync::api::{CURSOR_HEADER, MORE_HEADER};
    let path = format!("commits?after={after}");
    let response = send(authorised(Request::get(&url(&path)), Some(token)).build()).await?;
    let headers = response.headers();
    let cursor = headers
        .get(CURSOR_HEADER)
        .and_then(|c| c.parse().ok())
        .unwrap_or(after);
    let more = headers.get(MORE_HEADER).as_deref() == Some("true");
    let bytes = response.binary().await.map_err(|_| SyncError::Network)?;
    Ok((bytes, cursor, more))
}
