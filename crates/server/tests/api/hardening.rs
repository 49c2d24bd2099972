//! Requests built to hurt the server (oneshot): roles checked before a body is read, device
//! ids that are not names, JSON bodies over their limit.

use axum::http::{Method, StatusCode};
use ecrf_core::sync::api::Role;
use serde_json::json;

use crate::common::*;

backend_tests!(
    the_role_is_checked_before_the_body_is_read,
    a_commit_whose_device_id_is_not_a_name_is_refused,
    a_json_body_over_64_kib_is_too_large,
    a_body_that_does_not_arrive_whole_in_time_is_refused,
);

/// A monitor or a coordinator on an admin endpoint, or a monitor uploading: 403 whatever the
/// body (`docs/sync-protocol.md`, "Errors": the role, then the body).
async fn the_role_is_checked_before_the_body_is_read(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    let mona = s.ready_user(&dm, "mona", Role::Monitor, "t5").await;
    for body in [Payload::Bytes(b"x".to_vec()), Payload::Json(json!({}))] {
        s.call(Method::POST, "/api/users", Some(&mona), body)
            .await
            .refused(StatusCode::FORBIDDEN, "forbidden");
    }
    s.call(
        Method::PUT,
        "/api/users/dm/key",
        Some(&mona),
        Payload::Json(json!({})),
    )
    .await
    .refused(StatusCode::FORBIDDEN, "forbidden");
    s.upload_bytes(&mona, b"not a bundle".to_vec())
        .await
        .refused(StatusCode::FORBIDDEN, "forbidden");
    // The data manager's malformed body is still a bad request.
    s.call(
        Method::POST,
        "/api/users",
        Some(&dm),
        Payload::Bytes(b"x".to_vec()),
    )
    .await
    .refused(StatusCode::BAD_REQUEST, "bad_request");
}

/// A device id that is not a name could never be revoked and would print as something else in
/// a list: the whole bundle is refused, and the id is not echoed.
async fn a_commit_whose_device_id_is_not_a_name_is_refused(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    for device in ["evil tablet\nINJECT", "病房", "a/../b"] {
        let mut commits = sealed_chain("t1", 1);
        commits.extend(sealed_chain(device, 1));
        let err = s
            .upload(&dm, &commits)
            .await
            .refused(StatusCode::BAD_REQUEST, "bad_bundle");
        assert!(!err.message.contains(device), "{}", err.message);
    }
    let devices = s.get("/api/devices", Some(&dm)).await.json();
    assert_eq!(devices.as_array().unwrap().len(), 1, "{devices}");
    assert_eq!(
        s.get("/api/commits", Some(&dm)).await.body.len(),
        bundle(STUDY, &[]).len()
    );
}

/// Login and study creation are open to anyone: their bodies are small JSON, held to 64 KiB.
async fn a_json_body_over_64_kib_is_too_large(b: Backend) {
    let s = TestServer::new(b);
    s.create_study().await;
    let big = json!({ "user": "dm", "auth": "a".repeat(70 * 1024), "device": "t1" });
    s.post("/api/login", None, big)
        .await
        .refused(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
}

/// A body sent a little at a time, each piece within any gap limit, is cut off when the whole
/// has not arrived by the deadline (here 300 ms; 120 s by default): 408, for a bundle as for
/// JSON.
async fn a_body_that_does_not_arrive_whole_in_time_is_refused(b: Backend) {
    use axum::body::Body;
    use axum::http::{header, Request};
    let s = TestServer::with(
        b,
        ecrf_server::Config {
            rate_per_second: 0,
            body_timeout: std::time::Duration::from_millis(300),
            ..ecrf_server::Config::default()
        },
    );
    let dm = s.with_study().await;
    // One byte every 100 ms, for 2 s.
    let trickle = || {
        Body::from_stream(futures::stream::unfold(0u32, |i| async move {
            if i == 20 {
                return None;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            Some((
                Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"x")),
                i + 1,
            ))
        }))
    };
    for uri in ["/api/bundles", "/api/users"] {
        let req = Request::builder()
            .method(Method::POST)
            .uri(uri)
            .header(header::AUTHORIZATION, format!("Bearer {dm}"))
            .body(trickle())
            .unwrap();
        let started = std::time::Instant::now();
        s.send(req)
            .await
            .refused(StatusCode::REQUEST_TIMEOUT, "request_timeout");
        assert!(
            started.elapsed() < std::time::Duration::from_millis(1500),
            "{uri}"
        );
    }
}
