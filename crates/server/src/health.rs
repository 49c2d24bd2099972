//! `GET /api/health`: version, schema version, whether the store answers and whether the study
//! exists.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Serialize;

use crate::AppState;

/// The health report.
#[derive(Debug, Serialize)]
pub struct Health {
    status: &'static str,
    version: &'static str,
    schema_version: u32,
    store: StoreHealth,
    /// Whether the study exists (before that, only `POST /api/study` is useful).
    study: bool,
}

#[derive(Debug, Serialize)]
struct StoreHealth {
    status: &'static str,
    schema_version: Option<u32>,
    commits: Option<u64>,
}

/// Answers 200 when the store answers, 503 otherwise; the body says which.
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let stats = state.blocking(|s| Ok(s.stats()?)).await;
    let ok = stats.is_ok();
    let (store, study) = match stats {
        Ok(s) => (
            StoreHealth {
                status: "ok",
                schema_version: Some(s.schema_version),
                commits: Some(s.commits),
            },
            s.study,
        ),
        Err(_) => (
            StoreHealth {
                status: "unavailable",
                schema_version: None,
                commits: None,
            },
            false,
        ),
    };
    let body = Health {
        status: if ok { "ok" } else { "degraded" },
        version: env!("CARGO_PKG_VERSION"),
        schema_version: ecrf_core::SCHEMA_VERSION,
        store,
        study,
    };
    let code = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (code, Json(body))
}
