//! Serving the built app: correct MIME types, and cache headers that let a new version reach
//! tablets (`no-cache` on the entry points) while hashed assets are cached for good.

use std::path::Path;

use axum::body::Body;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_TYPE, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED,
};
use axum::http::{HeaderValue, Request, Response};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

/// Long-lived caching for files whose name carries a content hash.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Revalidate every time: the entry points name the current build.
const NO_CACHE: &str = "no-cache";

/// True for Trunk's hashed asset names, such as `ecrf-app-4f9a0c1d2b3e4f56_bg.wasm`.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name);
    let stem = stem.strip_suffix("_bg").unwrap_or(stem);
    stem.rsplit_once('-')
        .is_some_and(|(_, hash)| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// The cache policy for a request path.
pub fn cache_control(path: &str) -> &'static str {
    if is_hashed(path) {
        IMMUTABLE
    } else {
        NO_CACHE
    }
}

/// Corrects MIME types that generic tables get wrong or leave out.
fn content_type_override(path: &str) -> Option<&'static str> {
    if path.ends_with(".webmanifest") {
        Some("application/manifest+json")
    } else if path.ends_with(".wasm") {
        Some("application/wasm")
    } else if path.ends_with(".js") {
        Some("text/javascript; charset=utf-8")
    } else {
        None
    }
}

/// A service that serves `dir`, falling back to `index.html` for client-side routes.
pub fn service(
    dir: &Path,
) -> impl tower::Service<
    Request<Body>,
    Response = Response<Body>,
    Error = std::convert::Infallible,
    Future = impl Send,
> + Clone
       + Send {
    let serve = ServeDir::new(dir)
        .append_index_html_on_directories(true)
        .fallback(ServeFile::new(dir.join("index.html")));
    tower::service_fn(move |req: Request<Body>| {
        let serve = serve.clone();
        async move {
            let path = req.uri().path().to_owned();
            let mut req = req;
            let is_entry = !is_hashed(&path);
            if is_entry {
                // Entry points (index.html, sw.js, the manifest) are always sent whole: their
                // Last-Modified has one-second resolution, so a deployment within the second of
                // the previous one would answer 304 and the new build would never be seen.
                req.headers_mut().remove(IF_MODIFIED_SINCE);
                req.headers_mut().remove(IF_NONE_MATCH);
            }
            let mut res = serve.oneshot(req).await.map(|r| r.map(Body::new))?;
            if is_entry {
                res.headers_mut().remove(LAST_MODIFIED);
            }
            let status = res.status();
            let headers = res.headers_mut();
            if status.is_success() || status.as_u16() == 304 {
                let is_fallback = !path.contains('.') || path.ends_with('/');
                let policy = if is_fallback {
                    NO_CACHE
                } else {
                    cache_control(&path)
                };
                headers.insert(CACHE_CONTROL, HeaderValue::from_static(policy));
                if let Some(ct) = content_type_override(&path) {
                    headers.insert(CONTENT_TYPE, HeaderValue::from_static(ct));
                }
            }
            Ok(res)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_immutable() {
        assert_eq!(
            cache_control("/ecrf-app-4f9a0c1d2b3e4f56_bg.wasm"),
            IMMUTABLE
        );
        assert_eq!(cache_control("/ecrf-app-4f9a0c1d2b3e4f56.js"), IMMUTABLE);
        assert_eq!(cache_control("/styles-0123456789abcdef.css"), IMMUTABLE);
    }

    #[test]
    fn entry_points_revalidate() {
        assert_eq!(cache_control("/index.html"), NO_CACHE);
        assert_eq!(cache_control("/sw.js"), NO_CACHE);
        assert_eq!(cache_control("/manifest.webmanifest"), NO_CACHE);
        assert_eq!(cache_control("/icons/icon-192.png"), NO_CACHE);
        assert_eq!(cache_control("/app-notahash0000000.js"), NO_CACHE);
    }
}
