//! Health, JSON 404s, the body limit and the built app's static files (oneshot).

use std::sync::Arc;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use ecrf_server::{app, AppState, Config, SqliteStore};
use http_body_util::BodyExt;
use tower::ServiceExt;

/// A router over an in-memory store and, when given, a folder standing in for `dist/`.
fn router(static_dir: Option<&std::path::Path>) -> Router {
    app(AppState::new(
        Arc::new(SqliteStore::open_in_memory().unwrap()),
        Config {
            static_dir: static_dir.map(Into::into),
            max_body_bytes: 1024,
            ..Config::default()
        },
    ))
}

/// A fake build: the files Trunk writes, with recognisable contents.
fn dist() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("index.html", "<!doctype html><title>eCRF</title>"),
        ("sw.js", "self.addEventListener('fetch', () => {});"),
        ("manifest.webmanifest", "{\"name\":\"eCRF\"}"),
        ("ecrf-app-0123456789abcdef_bg.wasm", "\0asm"),
        ("ecrf-app-0123456789abcdef.js", "export default 1;"),
    ];
    for (name, body) in files {
        std::fs::write(dir.path().join(name), body).unwrap();
    }
    dir
}

async fn send(router: Router, req: Request<Body>) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let res = router.oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let body = res.into_body().collect().await.unwrap().to_bytes().to_vec();
    (status, headers, body)
}

fn get(uri: &str) -> Request<Body> {
    Request::get(uri).body(Body::empty()).unwrap()
}

fn header_of(headers: &axum::http::HeaderMap, name: header::HeaderName) -> &str {
    headers.get(name).map(|v| v.to_str().unwrap()).unwrap_or("")
}

#[tokio::test]
async fn health_reports_version_schema_and_store() {
    let (status, _, body) = send(router(None), get("/api/health")).await;
    assert_eq!(status, StatusCode::OK);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["status"], "ok");
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["schema_version"], ecrf_core::SCHEMA_VERSION);
    assert_eq!(json["store"]["status"], "ok");
    assert_eq!(json["store"]["commits"], 0);
    assert_eq!(json["study"], false);
}

#[tokio::test]
async fn unknown_api_route_is_a_json_404_even_when_the_app_is_served() {
    let dist = dist();
    let (status, headers, body) = send(router(Some(dist.path())), get("/api/nope")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(header_of(&headers, header::CONTENT_TYPE).starts_with("application/json"));
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["error"], "not_found");
}

#[tokio::test]
async fn oversized_body_is_refused_with_413() {
    let req = Request::post("/api/health")
        .header(header::CONTENT_LENGTH, 4096)
        .body(Body::from(vec![b'x'; 4096]))
        .unwrap();
    let (status, _, body) = send(router(None), req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["error"], "too_large");
}

#[tokio::test]
async fn static_files_have_correct_mime_types() {
    let dist = dist();
    let cases = [
        ("/ecrf-app-0123456789abcdef_bg.wasm", "application/wasm"),
        ("/manifest.webmanifest", "application/manifest+json"),
        (
            "/ecrf-app-0123456789abcdef.js",
            "text/javascript; charset=utf-8",
        ),
        ("/sw.js", "text/javascript; charset=utf-8"),
        ("/index.html", "text/html"),
    ];
    for (path, mime) in cases {
        let (status, headers, _) = send(router(Some(dist.path())), get(path)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(
            header_of(&headers, header::CONTENT_TYPE).starts_with(mime),
            "{path}: {headers:?}"
        );
    }
}

#[tokio::test]
async fn entry_points_revalidate_and_hashed_assets_are_cached_for_good() {
    let dist = dist();
    let cases = [
        ("/", "no-cache"),
        ("/index.html", "no-cache"),
        ("/sw.js", "no-cache"),
        ("/manifest.webmanifest", "no-cache"),
        ("/patients/HCC-001-0001", "no-cache"),
        (
            "/ecrf-app-0123456789abcdef_bg.wasm",
            "public, max-age=31536000, immutable",
        ),
    ];
    for (path, policy) in cases {
        let (status, headers, _) = send(router(Some(dist.path())), get(path)).await;
        assert_eq!(status, StatusCode::OK, "{path}");
        assert_eq!(header_of(&headers, header::CACHE_CONTROL), policy, "{path}");
    }
}

#[tokio::test]
async fn entry_points_are_always_sent_whole_so_a_quick_redeploy_is_seen() {
    // A new sw.js written within the same second as the old one keeps its Last-Modified; a 304
    // would hide the new build. Entry points ignore conditional requests; hashed assets do not.
    let dist = dist();
    let future = "Wed, 01 Jan 2098 00:00:00 GMT";
    let conditional = |uri: &str| {
        Request::get(uri)
            .header(header::IF_MODIFIED_SINCE, future)
            .body(Body::empty())
            .unwrap()
    };
    let (status, headers, body) = send(router(Some(dist.path())), conditional("/sw.js")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(!body.is_empty());
    assert_eq!(header_of(&headers, header::LAST_MODIFIED), "");
    let wasm = "/ecrf-app-0123456789abcdef_bg.wasm";
    let (status, _, _) = send(router(Some(dist.path())), conditional(wasm)).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn client_routes_fall_back_to_the_app() {
    let dist = dist();
    let (status, _, body) = send(router(Some(dist.path())), get("/patients")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8(body)
        .unwrap()
        .contains("<title>eCRF</title>"));
}

#[tokio::test]
async fn a_known_api_path_with_another_method_is_a_json_405() {
    let req = Request::delete("/api/health").body(Body::empty()).unwrap();
    let (status, _, body) = send(router(None), req).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(json["error"], "method_not_allowed");
}

#[tokio::test]
async fn the_rate_limit_counts_api_requests_only() {
    let dist = dist();
    let app = app(AppState::new(
        Arc::new(SqliteStore::open_in_memory().unwrap()),
        Config {
            static_dir: Some(dist.path().into()),
            rate_per_second: 1,
            rate_burst: 1,
            ..Config::default()
        },
    ));
    for _ in 0..5 {
        let (status, _, _) = send(app.clone(), get("/sw.js")).await;
        assert_eq!(status, StatusCode::OK);
    }
    let (first, _, _) = send(app.clone(), get("/api/health")).await;
    let (second, _, _) = send(app, get("/api/health")).await;
    assert_eq!(
        (first, second),
        (StatusCode::OK, StatusCode::TOO_MANY_REQUESTS)
    );
}
