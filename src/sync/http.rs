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
    /// The server refused: its stable code and message (`bad_credentials`, `sequence_gap`, ...),
    /// with the device and sequence concerned and the sequence expected, when given.
    Refused {
        /// The code.
        code: String,
        /// The server's message (English).
        message: String,
        /// The device concerned.
        device: Option<String>,
        /// The sequence concerned.
        seq: Option<u64>,
        /// The sequence the server expected (`sequence_gap`).
        expected: Option<u64>,
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
    let builder = with_timeout(builder);
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
            device: body.device,
            seq: body.seq,
            expected: body.expected,
        },
        Err(_) => SyncError::Refused {
            code: format!("http_{status}"),
            message: format!("the server answered {status}"),
            device: None,
            seq: None,
            expected: None,
        },
    }
}

/// How long one request may take before it is abandoned as a network failure (a stalled
/// connection on hospital Wi-Fi must not keep the exchange "running" for ever).
const TIMEOUT_MS: u32 = 60_000;

fn with_timeout(builder: RequestBuilder) -> RequestBuilder {
    let Ok(controller) = web_sys::AbortController::new() else {
        return builder;
    };
    let signal = controller.signal();
    gloo::timers::callback::Timeout::new(TIMEOUT_MS, move || controller.abort()).forget();
    builder.abort_signal(Some(&signal))
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

/// `POST /api/{path}` with a JSON body, any answer body ignored (204 answers).
pub async fn post_json_only<B: Serialize>(
    path: &str,
    token: Option<&str>,
    body: &B,
) -> Result<(), SyncError> {
    send(authorised(Request::post(&url(path)), token).json(body))
        .await
        .map(|_| ())
}

/// `PUT /api/{path}` with a JSON body, any answer body ignored (204 answers).
pub async fn put_json_only<B: Serialize>(
    path: &str,
    token: Option<&str>,
    body: &B,
) -> Result<(), SyncError> {
    send(authorised(Request::put(&url(path)), token).json(body))
        .await
        .map(|_| ())
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
    // A page without its cursor (a proxy that strips headers) would be fetched again for ever.
    let cursor: u64 = headers
        .get(CURSOR_HEADER)
        .and_then(|c| c.parse().ok())
        .ok_or_else(|| {
            SyncError::Local(format!("the server's page has no {CURSOR_HEADER} header"))
        })?;
    let more = match headers.get(MORE_HEADER).as_deref() {
        Some("true") => true,
        Some("false") => false,
        _ => {
            return Err(SyncError::Local(format!(
                "the server's page has no {MORE_HEADER} header"
            )))
        }
    };
    if more && cursor <= after {
        return Err(SyncError::Local(
            "the server's cursor does not move forward".into(),
        ));
    }
    let bytes = response.binary().await.map_err(|_| SyncError::Network)?;
    Ok((bytes, cursor, more))
}
