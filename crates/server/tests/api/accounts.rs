//! The study's creation, logins, sessions, roles and revocation (oneshot).

use axum::http::{Method, StatusCode};
use ecrf_core::sync::api::{LoginParams, Role, Session, UserInfo};
use serde_json::json;

use crate::common::*;

backend_tests!(
    before_the_study_only_health_and_study_creation_answer,
    the_setup_token_creates_the_study_once,
    a_malformed_study_body_is_a_bad_request,
    unknown_users_and_wrong_keys_look_the_same,
    five_failed_logins_lock_the_name_out,
    parallel_wrong_logins_cannot_pass_the_lockout,
    every_data_endpoint_needs_a_valid_token,
    a_temporary_passphrase_allows_only_key_passphrase_and_logout,
    a_data_manager_rewraps_a_forgotten_key,
    revoking_a_user_or_device_ends_its_sessions_at_once,
    the_last_data_manager_cannot_be_revoked,
    bad_names_and_hex_are_bad_requests,
    the_request_rate_limit_answers_429_with_retry_after,
);

async fn before_the_study_only_health_and_study_creation_answer(b: Backend) {
    let s = TestServer::new(b);
    let health = s.get("/api/health", None).await;
    assert_eq!(health.status, StatusCode::OK);
    assert_eq!(health.json()["study"], false);
    for (method, uri) in [
        (Method::GET, "/api/study"),
        (Method::GET, "/api/login/params?user=dm"),
        (Method::POST, "/api/login"),
        (Method::GET, "/api/commits"),
        (Method::GET, "/api/users"),
        (Method::POST, "/api/bundles"),
    ] {
        let a = s
            .call(method, uri, Some("x"), Payload::Json(json!({})))
            .await;
        a.refused(StatusCode::CONFLICT, "no_study");
    }
}

async fn the_setup_token_creates_the_study_once(b: Backend) {
    let s = TestServer::new(b);
    let wrong = s
        .post("/api/study", None, create_study_body(&"0".repeat(64)))
        .await;
    wrong.refused(StatusCode::FORBIDDEN, "bad_setup_token");
    let ok = s
        .post(
            "/api/study",
            None,
            create_study_body(&format!("{}\n", s.setup_token)),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED);
    assert_eq!(ok.json()["study_id"], hex::encode(STUDY));
    let again = s
        .post("/api/study", None, create_study_body(&s.setup_token))
        .await;
    again.refused(StatusCode::CONFLICT, "study_exists");
    assert_eq!(s.get("/api/health", None).await.json()["study"], true);
    let token = s.token("dm", &auth(1), "t1").await;
    let study = s.get("/api/study", Some(&token)).await;
    assert_eq!(study.json()["study_id"], hex::encode(STUDY));
}

async fn a_malformed_study_body_is_a_bad_request(b: Backend) {
    let s = TestServer::new(b);
    let mut body = create_study_body(&s.setup_token);
    body["study_id"] = json!("abc");
    s.post("/api/study", None, body.clone())
        .await
        .refused(StatusCode::BAD_REQUEST, "bad_request");
    // The body is checked first (docs/sync-protocol.md, "Set-up"): once the study exists, a
    // malformed body is still 400, and a well-formed one 409 whatever its token.
    s.create_study().await;
    s.post("/api/study", None, body)
        .await
        .refused(StatusCode::BAD_REQUEST, "bad_request");
    s.post("/api/study", None, create_study_body(&"0".repeat(64)))
        .await
        .refused(StatusCode::CONFLICT, "study_exists");
}

async fn unknown_users_and_wrong_keys_look_the_same(b: Backend) {
    let s = TestServer::new(b);
    s.create_study().await;
    let real: LoginParams =
        serde_json::from_slice(&s.get("/api/login/params?user=dm", None).await.body).unwrap();
    assert_eq!(real.salt, hex::encode([1u8; 16]));
    let fake = s.get("/api/login/params?user=nobody", None).await;
    let fake: LoginParams = serde_json::from_slice(&fake.body).unwrap();
    assert_eq!(
        (fake.kdf.as_str(), fake.iterations),
        ("pbkdf2-sha256", 600_000)
    );
    assert_eq!(fake.salt.len(), 32);
    let again = s.get("/api/login/params?user=nobody", None).await;
    assert_eq!(again.json()["salt"], fake.salt, "a fake salt is stable");
    let other = s.get("/api/login/params?user=nobody2", None).await;
    assert_ne!(other.json()["salt"], fake.salt);

    let wrong_key = s.login("dm", &auth(2), "t1").await;
    let unknown = s.login("nobody", &auth(2), "t1").await;
    let a = wrong_key.refused(StatusCode::UNAUTHORIZED, "bad_credentials");
    let b = unknown.refused(StatusCode::UNAUTHORIZED, "bad_credentials");
    assert_eq!(a, b);
    let session: Session =
        serde_json::from_slice(&s.login("dm", &auth(1), "t1").await.body).unwrap();
    assert_eq!(
        (session.role, session.must_change_passphrase),
        (Role::DataManager, false)
    );
    assert_eq!(session.study_id, hex::encode(STUDY));
    assert_eq!(session.token.len(), 64);
}

async fn five_failed_logins_lock_the_name_out(b: Backend) {
    let s = TestServer::new(b);
    s.create_study().await;
    for _ in 0..5 {
        s.login("dm", &auth(9), "t1")
            .await
            .refused(StatusCode::UNAUTHORIZED, "bad_credentials");
    }
    let locked = s.login("dm", &auth(1), "t1").await;
    locked.refused(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let wait: u64 = locked.header("retry-after").parse().unwrap();
    assert!((800..=900).contains(&wait), "{wait}");
    // Another name is not affected.
    s.login("nobody", &auth(1), "t1")
        .await
        .refused(StatusCode::UNAUTHORIZED, "bad_credentials");
}

/// Twenty wrong logins at once: the lockout is checked and the attempt counted under one lock,
/// so no more than five reach the credentials check.
async fn parallel_wrong_logins_cannot_pass_the_lockout(b: Backend) {
    let s = TestServer::new(b);
    s.create_study().await;
    let body =
        serde_json::to_vec(&json!({ "user": "dm", "auth": auth(9), "device": "t1" })).unwrap();
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..20 {
        let router = s.router.clone();
        let body = body.clone();
        tasks.spawn(async move {
            use tower::ServiceExt;
            let req = axum::http::Request::post("/api/login")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body))
                .unwrap();
            router.oneshot(req).await.unwrap().status()
        });
    }
    let statuses = tasks.join_all().await;
    let wrong = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let limited = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert_eq!((wrong, limited), (5, 15), "{statuses:?}");
}

async fn every_data_endpoint_needs_a_valid_token(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    let routes = [
        (Method::GET, "/api/study"),
        (Method::POST, "/api/logout"),
        (Method::GET, "/api/key"),
        (Method::POST, "/api/passphrase"),
        (Method::POST, "/api/bundles"),
        (Method::GET, "/api/commits"),
        (Method::GET, "/api/users"),
        (Method::POST, "/api/users"),
        (Method::PUT, "/api/users/dm/key"),
        (Method::POST, "/api/users/dm/revoke"),
        (Method::GET, "/api/devices"),
        (Method::POST, "/api/devices/dm-tablet/revoke"),
    ];
    let garbage = "f".repeat(64);
    for (method, uri) in routes {
        for token in [None, Some(garbage.as_str()), Some("")] {
            let a = s.call(method.clone(), uri, token, Payload::None).await;
            assert_eq!(
                a.status,
                StatusCode::UNAUTHORIZED,
                "{method} {uri} {token:?}"
            );
            a.refused(StatusCode::UNAUTHORIZED, "unauthenticated");
        }
    }
    // The valid token still works, and stops working after logout.
    assert_eq!(s.get("/api/users", Some(&dm)).await.status, StatusCode::OK);
    let out = s
        .call(Method::POST, "/api/logout", Some(&dm), Payload::None)
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    s.get("/api/users", Some(&dm))
        .await
        .refused(StatusCode::UNAUTHORIZED, "unauthenticated");
}

async fn a_temporary_passphrase_allows_only_key_passphrase_and_logout(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    assert_eq!(
        s.add_user(&dm, "ines", Role::Investigator, 10).await.status,
        StatusCode::CREATED
    );
    s.add_user(&dm, "ines", Role::Investigator, 10)
        .await
        .refused(StatusCode::CONFLICT, "user_exists");
    let login = s.login("ines", &auth(10), "t2").await;
    let session: Session = serde_json::from_slice(&login.body).unwrap();
    assert!(session.must_change_passphrase);
    let t = session.token;
    for uri in ["/api/users", "/api/commits", "/api/study"] {
        s.get(uri, Some(&t))
            .await
            .refused(StatusCode::FORBIDDEN, "passphrase_change_required");
    }
    s.upload(&t, &[])
        .await
        .refused(StatusCode::FORBIDDEN, "passphrase_change_required");
    assert_eq!(
        s.get("/api/key", Some(&t)).await.json(),
        json!(wrapped_key(10))
    );
    let mut bad = change_body(10, 11);
    bad["wrapped_key"]["iterations"] = json!(1000);
    s.post("/api/passphrase", Some(&t), bad)
        .await
        .refused(StatusCode::BAD_REQUEST, "bad_request");
    // The current key must be proved: a token alone does not change the passphrase.
    s.post("/api/passphrase", Some(&t), new_key_body(11))
        .await
        .refused(StatusCode::BAD_REQUEST, "bad_request");
    s.post("/api/passphrase", Some(&t), change_body(12, 11))
        .await
        .refused(StatusCode::UNAUTHORIZED, "bad_credentials");
    let other = s.token("ines", &auth(10), "t3").await;
    let changed = s
        .post("/api/passphrase", Some(&t), change_body(10, 11))
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT);
    // The user's other sessions end; this one goes on.
    s.get("/api/key", Some(&other))
        .await
        .refused(StatusCode::UNAUTHORIZED, "unauthenticated");
    // The same session now reaches everything; the old key no longer logs in, the new one does.
    assert_eq!(s.get("/api/users", Some(&t)).await.status, StatusCode::OK);
    assert_eq!(
        s.get("/api/key", Some(&t)).await.json(),
        json!(wrapped_key(11))
    );
    s.login("ines", &auth(10), "t2")
        .await
        .refused(StatusCode::UNAUTHORIZED, "bad_credentials");
    let again: Session =
        serde_json::from_slice(&s.login("ines", &auth(11), "t2").await.body).unwrap();
    assert!(!again.must_change_passphrase);
}

async fn a_data_manager_rewraps_a_forgotten_key(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    let ines = s.ready_user(&dm, "ines", Role::Investigator, "t2").await;
    let put = |token: String, user: &'static str| {
        let s = &s;
        async move {
            s.call(
                Method::PUT,
                &format!("/api/users/{user}/key"),
                Some(&token),
                Payload::Json(new_key_body(20)),
            )
            .await
        }
    };
    put(ines.clone(), "dm")
        .await
        .refused(StatusCode::FORBIDDEN, "forbidden");
    put(dm.clone(), "nobody")
        .await
        .refused(StatusCode::NOT_FOUND, "no_such_user");
    assert_eq!(put(dm.clone(), "ines").await.status, StatusCode::NO_CONTENT);
    let session: Session =
        serde_json::from_slice(&s.login("ines", &auth(20), "t2").await.body).unwrap();
    assert!(session.must_change_passphrase);
    assert_eq!(
        s.get("/api/key", Some(&session.token)).await.json(),
        json!(wrapped_key(20))
    );
    // Her older session ends: whoever used the forgotten (perhaps stolen) passphrase is out.
    s.get("/api/users", Some(&ines))
        .await
        .refused(StatusCode::UNAUTHORIZED, "unauthenticated");
}

async fn revoking_a_user_or_device_ends_its_sessions_at_once(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    let ines = s.ready_user(&dm, "ines", Role::Investigator, "t2").await;
    let carl = s.ready_user(&dm, "carl", Role::Coordinator, "t3").await;
    s.call(
        Method::POST,
        "/api/users/ines/revoke",
        Some(&carl),
        Payload::None,
    )
    .await
    .refused(StatusCode::FORBIDDEN, "forbidden");
    s.call(
        Method::POST,
        "/api/users/nobody/revoke",
        Some(&dm),
        Payload::None,
    )
    .await
    .refused(StatusCode::NOT_FOUND, "no_such_user");
    let r = s
        .call(
            Method::POST,
            "/api/users/ines/revoke",
            Some(&dm),
            Payload::None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    s.get("/api/users", Some(&ines))
        .await
        .refused(StatusCode::UNAUTHORIZED, "unauthenticated");
    s.login("ines", &auth(11), "t2")
        .await
        .refused(StatusCode::FORBIDDEN, "user_revoked");
    let users: Vec<UserInfo> =
        serde_json::from_slice(&s.get("/api/users", Some(&dm)).await.body).unwrap();
    assert!(users.iter().any(|u| u.user == "ines" && u.revoked));

    // A device never seen is revoked all the same, registered by the data manager.
    let r = s
        .call(
            Method::POST,
            "/api/devices/nope/revoke",
            Some(&dm),
            Payload::None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    s.login("carl", &auth(11), "nope")
        .await
        .refused(StatusCode::FORBIDDEN, "device_revoked");
    let r = s
        .call(
            Method::POST,
            "/api/devices/t3/revoke",
            Some(&dm),
            Payload::None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    s.get("/api/users", Some(&carl))
        .await
        .refused(StatusCode::UNAUTHORIZED, "unauthenticated");
    s.login("carl", &auth(11), "t3")
        .await
        .refused(StatusCode::FORBIDDEN, "device_revoked");
    // Carl still works from another tablet.
    let carl2 = s.token("carl", &auth(11), "t4").await;
    assert_eq!(
        s.get("/api/users", Some(&carl2)).await.status,
        StatusCode::OK
    );
    let devices = s.get("/api/devices", Some(&dm)).await.json();
    let t3 = devices
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["device"] == "t3")
        .unwrap();
    assert_eq!(
        (t3["revoked"].clone(), t3["registered_by"].clone()),
        (json!(true), json!("carl"))
    );
    let nope = devices
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["device"] == "nope")
        .unwrap();
    assert_eq!(
        (nope["revoked"].clone(), nope["registered_by"].clone()),
        (json!(true), json!("dm"))
    );
    s.get("/api/devices", Some(&carl2))
        .await
        .refused(StatusCode::FORBIDDEN, "forbidden");
}

async fn the_last_data_manager_cannot_be_revoked(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    s.call(
        Method::POST,
        "/api/users/dm/revoke",
        Some(&dm),
        Payload::None,
    )
    .await
    .refused(StatusCode::CONFLICT, "last_data_manager");
    let dm2 = s.ready_user(&dm, "dm2", Role::DataManager, "t2").await;
    let r = s
        .call(
            Method::POST,
            "/api/users/dm/revoke",
            Some(&dm2),
            Payload::None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    s.call(
        Method::POST,
        "/api/users/dm2/revoke",
        Some(&dm2),
        Payload::None,
    )
    .await
    .refused(StatusCode::CONFLICT, "last_data_manager");
}

async fn bad_names_and_hex_are_bad_requests(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    s.get("/api/login/params?user=a%20b", None)
        .await
        .refused(StatusCode::BAD_REQUEST, "bad_request");
    s.login("dm", "zz", "t1")
        .await
        .refused(StatusCode::BAD_REQUEST, "bad_request");
    s.login("dm", &auth(1), "")
        .await
        .refused(StatusCode::BAD_REQUEST, "bad_request");
    s.post("/api/users", Some(&dm), json!({"user": "x"}))
        .await
        .refused(StatusCode::BAD_REQUEST, "bad_request");
    // `system` is the author of the app's own commits, never flagged: no user takes it.
    s.add_user(&dm, "system", Role::Coordinator, 2)
        .await
        .refused(StatusCode::BAD_REQUEST, "bad_request");
    assert_eq!(
        s.add_user(&dm, "system.admin", Role::Coordinator, 2)
            .await
            .status,
        StatusCode::CREATED
    );
    s.get("/api/commits?after=-1", Some(&dm))
        .await
        .refused(StatusCode::BAD_REQUEST, "bad_request");
}

async fn the_request_rate_limit_answers_429_with_retry_after(b: Backend) {
    let s = TestServer::with(
        b,
        ecrf_server::Config {
            rate_per_second: 1,
            rate_burst: 3,
            ..ecrf_server::Config::default()
        },
    );
    for _ in 0..3 {
        assert_eq!(s.get("/api/health", None).await.status, StatusCode::OK);
    }
    let a = s.get("/api/health", None).await;
    a.refused(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    assert_eq!(a.header("retry-after"), "1");
}
