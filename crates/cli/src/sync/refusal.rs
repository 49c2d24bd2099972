//! The sync server's refusals as the CLI reports them: a 4xx answer is a [`Refusal`] (exit
//! status 2) carrying the server's error body, described in one line; any other failed answer
//! is an error naming the request and the status (exit status 1).

use ecrf_core::sync::api::ErrorBody;

/// The server refused the request (a 4xx answer): exit status 2, with the server's message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", describe(.body))]
pub struct Refusal {
    /// The HTTP status.
    pub status: u16,
    /// The server's error body (a stand-in with code `http_<status>` when it sent none).
    pub body: ErrorBody,
}

fn describe(body: &ErrorBody) -> String {
    if body.error.starts_with("http_") {
        // Not the sync API's answer (a proxy's page, another server): say which request it was.
        return format!(
            "the server refused the request ({}; is --server the sync server's URL?)",
            body.message
        );
    }
    let mut text = format!("the server refused ({}): {}", body.error, body.message);
    let mut about = Vec::new();
    if let Some(device) = &body.device {
        about.push(format!("device {device}"));
    }
    if let Some(seq) = body.seq {
        about.push(format!("sequence {seq}"));
    }
    if let Some(expected) = body.expected {
        about.push(format!("expected sequence {expected}"));
    }
    if !about.is_empty() {
        text.push_str(&format!(" ({})", about.join(", ")));
    }
    text
}

/// The error for a non-success answer to `request` (`METHOD URL`): a [`Refusal`] for 4xx (exit
/// status 2), a plain error for anything else (exit status 1). A body that is not the API's JSON
/// error is summarised with the request and the status.
pub fn answer_error(request: &str, status: u16, body: &[u8]) -> anyhow::Error {
    let parsed = serde_json::from_slice::<ErrorBody>(body).ok();
    let reason = ureq::http::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let http = format!("{request}: HTTP {status} {reason}{}", summary(body));
    if (400..500).contains(&status) {
        let body = parsed.unwrap_or_else(|| ErrorBody {
            error: format!("http_{status}"),
            message: http,
            device: None,
            seq: None,
            expected: None,
        });
        return anyhow::Error::new(Refusal { status, body });
    }
    match parsed {
        Some(e) => anyhow::anyhow!(
            "the server failed (HTTP {status}, {}): {}",
            e.error,
            e.message
        ),
        None => anyhow::anyhow!("the server failed ({http})"),
    }
}

/// The first line of a non-JSON body, shortened, after `: `; empty for an empty body.
fn summary(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line = text.lines().next().unwrap_or("").trim();
    if line.is_empty() {
        return String::new();
    }
    format!(": {}", line.chars().take(200).collect::<String>())
}
