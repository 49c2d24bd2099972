//! Uploads and pulls (oneshot): idempotency, the refusals of the sync rules, limits, paging.

use axum::http::StatusCode;
use ecrf_core::log::DeviceLog;
use ecrf_core::sync::api::{AckStatus, Role, UploadResult};
use ecrf_server::Config;

use crate::common::*;

backend_tests!(
    a_repeated_upload_is_all_duplicates_and_changes_nothing,
    a_different_commit_at_a_held_sequence_is_a_conflict_and_nothing_is_stored,
    a_gap_names_the_sequence_expected,
    a_commit_not_following_its_predecessor_breaks_the_chain,
    relayed_commits_are_accepted_unless_their_author_is_revoked,
    a_monitor_cannot_upload,
    another_studys_bundle_and_bytes_that_are_no_bundle_are_refused,
    bundles_over_10000_commits_or_the_byte_limit_are_too_large,
    pulling_page_by_page_returns_every_commit_once_in_storage_order,
    a_device_known_only_by_relay_is_listed_and_its_revocation_holds,
);

fn acks(a: &Answer) -> UploadResult {
    assert_eq!(
        a.status,
        StatusCode::OK,
        "{:?}",
        String::from_utf8_lossy(&a.body)
    );
    serde_json::from_slice(&a.body).unwrap()
}

async fn commit_count(s: &TestServer) -> u64 {
    s.get("/api/health", None).await.json()["store"]["commits"]
        .as_u64()
        .unwrap()
}

async fn a_repeated_upload_is_all_duplicates_and_changes_nothing(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    let demo = ecrf_core::demo::generate(2, 7);
    let sealed: Vec<_> = demo.commits.iter().map(seal).collect();
    let mut shuffled = sealed.clone();
    shuffled.reverse();
    let first = acks(&s.upload(&dm, &shuffled).await);
    assert!(first.acks.iter().all(|a| a.status == AckStatus::Stored));
    // The acknowledgements follow the bundle's order, not the storage order.
    assert_eq!(first.acks[0].seq, sealed.len() as u64);
    assert_eq!(first.acks[0].commit_id, demo.commits.last().unwrap().id);
    assert_eq!(commit_count(&s).await, sealed.len() as u64);
    let second = acks(&s.upload(&dm, &sealed).await);
    assert!(second.acks.iter().all(|a| a.status == AckStatus::Duplicate));
    assert_eq!(commit_count(&s).await, sealed.len() as u64);
    // A bundle overlapping what is held: the old part duplicate, the new part stored.
    let mut log = DeviceLog::resume("demo", &demo.commits);
    let mut more = sealed[sealed.len() - 2..].to_vec();
    more.push(seal(&next(&mut log, 99)));
    let third = acks(&s.upload(&dm, &more).await);
    let statuses: Vec<_> = third.acks.iter().map(|a| a.status).collect();
    assert_eq!(
        statuses,
        [
            AckStatus::Duplicate,
            AckStatus::Duplicate,
            AckStatus::Stored
        ]
    );
}

async fn a_different_commit_at_a_held_sequence_is_a_conflict_and_nothing_is_stored(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    acks(&s.upload(&dm, &sealed_chain("t1", 3)).await);
    // Another history of the same device: same sequences, other commits (other values).
    let mut log = DeviceLog::new("t1");
    let other: Vec<_> = (0..4).map(|i| seal(&next(&mut log, 100 + i))).collect();
    let err = s
        .upload(&dm, &other[2..])
        .await
        .refused(StatusCode::CONFLICT, "commit_conflict");
    assert_eq!((err.device.as_deref(), err.seq), (Some("t1"), Some(3)));
    assert_eq!(commit_count(&s).await, 3);
}

async fn a_gap_names_the_sequence_expected(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    let c = sealed_chain("t1", 6);
    acks(&s.upload(&dm, &c[..2]).await);
    // A good commit of another device in the same bundle is rolled back with the rest.
    let mut bundle = sealed_chain("t2", 1);
    bundle.extend_from_slice(&c[4..]);
    let err = s
        .upload(&dm, &bundle)
        .await
        .refused(StatusCode::CONFLICT, "sequence_gap");
    assert_eq!(
        (err.device.as_deref(), err.seq, err.expected),
        (Some("t1"), Some(5), Some(3))
    );
    assert_eq!(commit_count(&s).await, 2);
    // Within one bundle the order does not matter: it is sorted by (device, sequence).
    let mut rest = c[2..].to_vec();
    rest.reverse();
    acks(&s.upload(&dm, &rest).await);
    assert_eq!(commit_count(&s).await, 6);
}

async fn a_commit_not_following_its_predecessor_breaks_the_chain(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    acks(&s.upload(&dm, &sealed_chain("t1", 2)).await);
    // Sequence 3 of another history of t1: its previous id is not the held commit 2's.
    let mut log = DeviceLog::new("t1");
    let other: Vec<_> = (0..3).map(|i| next(&mut log, 50 + i)).collect();
    let err = s
        .upload(&dm, &[seal(&other[2])])
        .await
        .refused(StatusCode::CONFLICT, "chain_broken");
    assert_eq!((err.device.as_deref(), err.seq), (Some("t1"), Some(3)));
    assert_eq!(commit_count(&s).await, 2);
}

async fn relayed_commits_are_accepted_unless_their_author_is_revoked(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    let ines = s.ready_user(&dm, "ines", Role::Investigator, "t2").await;
    // Commits of t7 (never logged in here), carried on a USB stick to t2 and uploaded from it.
    let t7 = chain("t7", 4);
    let r = acks(
        &s.upload(&ines, &t7[..2].iter().map(seal).collect::<Vec<_>>())
            .await,
    );
    assert_eq!(r.acks.len(), 2);
    // t9 logs in once, is revoked; its new commits relayed by t2 are refused.
    let _ = s.token("ines", &auth(11), "t9").await;
    let rv = s
        .call(
            axum::http::Method::POST,
            "/api/devices/t9/revoke",
            Some(&dm),
            Payload::None,
        )
        .await;
    assert_eq!(rv.status, StatusCode::NO_CONTENT);
    let err = s
        .upload(&ines, &sealed_chain("t9", 2))
        .await
        .refused(StatusCode::FORBIDDEN, "device_revoked");
    assert_eq!((err.device.as_deref(), err.seq), (Some("t9"), Some(1)));
    let devices = s.get("/api/devices", Some(&dm)).await.json();
    let t2 = devices
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["device"] == "t2")
        .unwrap();
    assert_eq!(t2["commits"], 0, "commits count by author device");
}

async fn a_monitor_cannot_upload(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    let mon = s.ready_user(&dm, "mona", Role::Monitor, "t5").await;
    s.upload(&mon, &sealed_chain("t5", 1))
        .await
        .refused(StatusCode::FORBIDDEN, "forbidden");
    assert_eq!(
        s.get("/api/commits", Some(&mon)).await.status,
        StatusCode::OK
    );
}

async fn another_studys_bundle_and_bytes_that_are_no_bundle_are_refused(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    let other = bundle([1; 16], &sealed_chain("t1", 1));
    s.upload_bytes(&dm, other)
        .await
        .refused(StatusCode::CONFLICT, "wrong_study");
    let mut cut = bundle(STUDY, &sealed_chain("t1", 2));
    cut.truncate(cut.len() - 5);
    s.upload_bytes(&dm, cut)
        .await
        .refused(StatusCode::BAD_REQUEST, "bad_bundle");
    assert_eq!(commit_count(&s).await, 0);
}

async fn bundles_over_10000_commits_or_the_byte_limit_are_too_large(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    let one = seal(&chain("t1", 1)[0]);
    let many = vec![one.clone(); 10_001];
    s.upload(&dm, &many)
        .await
        .refused(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    let small = TestServer::with(
        b,
        Config {
            rate_per_second: 0,
            max_body_bytes: 2_000,
            ..Config::default()
        },
    );
    let dm = small.with_study().await;
    small
        .upload(&dm, &sealed_chain("t1", 20))
        .await
        .refused(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    // The helper declares no length (the extractor's limit cuts the body); with a declared
    // length the request is refused before it is read, with the same answer.
    let bytes = bundle(STUDY, &sealed_chain("t1", 20));
    let req = axum::http::Request::post("/api/bundles")
        .header("authorization", format!("Bearer {dm}"))
        .header("content-length", bytes.len())
        .body(axum::body::Body::from(bytes))
        .unwrap();
    small
        .send(req)
        .await
        .refused(StatusCode::PAYLOAD_TOO_LARGE, "too_large");
}

async fn pulling_page_by_page_returns_every_commit_once_in_storage_order(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    let mut stored = Vec::new();
    for (device, n) in [("a", 7), ("b", 5), ("c", 1)] {
        let c = sealed_chain(device, n);
        let r = acks(&s.upload(&dm, &c).await);
        // Within a bundle, storage follows (device, sequence).
        stored.extend(r.acks.into_iter().map(|a| (a.device, a.seq, a.commit_id)));
    }
    let mut got = Vec::new();
    let mut after = 0u64;
    let mut pages = 0;
    loop {
        let a = s
            .get(&format!("/api/commits?after={after}&limit=4"), Some(&dm))
            .await;
        assert_eq!(a.status, StatusCode::OK);
        assert_eq!(a.header("content-type"), "application/octet-stream");
        let page = keys_of(&a.body);
        assert!(page.len() <= 4);
        got.extend(page);
        after = a.header("ecrf-cursor").parse().unwrap();
        pages += 1;
        if a.header("ecrf-more") == "false" {
            break;
        }
        assert_eq!(a.header("ecrf-more"), "true");
    }
    assert_eq!(pages, 4);
    assert_eq!(got, stored);
    // Past the end: an empty page, the same cursor, nothing more.
    let end = s
        .get(&format!("/api/commits?after={after}"), Some(&dm))
        .await;
    assert!(keys_of(&end.body).is_empty());
    assert_eq!(end.header("ecrf-cursor"), after.to_string());
    assert_eq!(end.header("ecrf-more"), "false");
    let all = s.get("/api/commits", Some(&dm)).await;
    assert_eq!(keys_of(&all.body), stored);
    s.get("/api/commits?limit=0", Some(&dm))
        .await
        .refused(StatusCode::BAD_REQUEST, "bad_request");
}

/// A device whose commits only ever arrived by relay (`ecrf push` of a USB or demo file) has no
/// login: it is listed with its commits, and revoking it refuses its new commits.
async fn a_device_known_only_by_relay_is_listed_and_its_revocation_holds(b: Backend) {
    let s = TestServer::new(b);
    let dm = s.with_study().await;
    let usb = sealed_chain("usb-1", 3);
    acks(&s.upload(&dm, &usb[..2]).await);
    let devices = s.get("/api/devices", Some(&dm)).await.json();
    let row = devices
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["device"] == "usb-1")
        .cloned();
    assert_eq!(
        row,
        Some(serde_json::json!({
            "device": "usb-1", "registered_by": null, "registered_at": null,
            "last_seen_at": null, "revoked": false, "commits": 2
        }))
    );
    let rv = s
        .call(
            axum::http::Method::POST,
            "/api/devices/usb-1/revoke",
            Some(&dm),
            Payload::None,
        )
        .await;
    assert_eq!(rv.status, StatusCode::NO_CONTENT);
    let err = s
        .upload(&dm, &usb)
        .await
        .refused(StatusCode::FORBIDDEN, "device_revoked");
    assert_eq!((err.device.as_deref(), err.seq), (Some("usb-1"), Some(3)));
    let devices = s.get("/api/devices", Some(&dm)).await.json();
    let row = devices
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["device"] == "usb-1")
        .unwrap()
        .clone();
    assert_eq!(
        (
            row["revoked"].clone(),
            row["registered_by"].clone(),
            row["commits"].clone()
        ),
        (
            serde_json::json!(true),
            serde_json::json!("dm"),
            serde_json::json!(2)
        )
    );
}
