//! The rules every backend keeps, each test a function of the store, run once per backend.

use std::sync::atomic::{AtomicBool, Ordering};

use ecrf_core::sync::api::{AckStatus, Role};

use super::*;

backend_tests!(
    a_new_store_is_at_the_current_schema_and_empty,
    a_refused_upload_stores_nothing,
    every_refusal_names_its_kind_and_the_first_commit_refused,
    pulls_page_in_cursor_order,
    the_setup_token_is_spent_by_the_study,
    user_and_device_refusals,
    listings_sort_names_byte_by_byte,
    concurrent_uploads_never_hide_a_commit_from_a_reader,
    a_device_known_only_from_relayed_commits_is_listed_and_revocable,
    a_device_never_seen_is_revoked_ahead_of_its_commits,
    a_pull_page_stops_at_its_byte_budget,
);

fn a_new_store_is_at_the_current_schema_and_empty(store: &dyn SyncStore) {
    let stats = store.stats().unwrap();
    assert_eq!(
        stats,
        StoreStats {
            schema_version: STORE_SCHEMA_VERSION,
            commits: 0,
            study: false,
        }
    );
    assert_eq!(STORE_SCHEMA_VERSION, 2);
    assert_eq!(store.study().unwrap(), None);
    assert_eq!(store.users().unwrap(), []);
    assert_eq!(store.devices().unwrap(), []);
}

fn a_refused_upload_stores_nothing(store: &dyn SyncStore) {
    let mut bundle = sealed("a", 2);
    bundle.extend(sealed("b", 3).into_iter().skip(1));
    let err = store.upload(&UP, &bundle).unwrap_err();
    match err {
        StoreError::Upload(r) => {
            assert_eq!(r.kind, RefusalKind::Gap { expected: 1 });
            assert_eq!((r.device.as_str(), r.seq), ("b", 2));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(store.stats().unwrap().commits, 0);
}

fn refusal(err: StoreError) -> (RefusalKind, String, u64) {
    match err {
        StoreError::Upload(r) => (r.kind, r.device, r.seq),
        other => panic!("{other:?}"),
    }
}

fn every_refusal_names_its_kind_and_the_first_commit_refused(store: &dyn SyncStore) {
    let a = sealed("a", 4);
    // The acknowledgements follow the bundle's order, whatever the storage order.
    let acks = store.upload(&UP, &[a[1].clone(), a[0].clone()]).unwrap();
    assert_eq!(acks, [AckStatus::Stored, AckStatus::Stored]);
    let acks = store.upload(&UP, &a[..3]).unwrap();
    assert_eq!(
        acks,
        [
            AckStatus::Duplicate,
            AckStatus::Duplicate,
            AckStatus::Stored
        ]
    );
    // Another commit at a held sequence: a conflict.
    let mut forged = a[1].clone();
    forged.header.commit_id = [0xee; 32];
    let err = store.upload(&UP, &[a[3].clone(), forged]).unwrap_err();
    assert_eq!(refusal(err), (RefusalKind::Conflict, "a".into(), 2));
    // A gap names the sequence expected.
    let err = store.upload(&UP, &sealed("a", 6)[4..]).unwrap_err();
    assert_eq!(
        refusal(err),
        (RefusalKind::Gap { expected: 4 }, "a".into(), 5)
    );
    // The right sequence but another predecessor: the chain is broken.
    let mut broken = a[3].clone();
    broken.header.prev = Some([0xdd; 32]);
    let err = store.upload(&UP, &[broken]).unwrap_err();
    assert_eq!(refusal(err), (RefusalKind::ChainBroken, "a".into(), 4));
    // A revoked author's held commits stay duplicates; its new ones are refused.
    store.set_setup_token(&[9; 32]).unwrap();
    store.create_study(&[9; 32], &study(), &user("dm")).unwrap();
    let token = NewToken {
        auth_hash: [4; 32],
        hash: [1; 32],
        user: "dm",
        device: "a",
        now: "2026-01-01T00:00:00Z",
        expires_at: 1_000,
    };
    store.add_token(&token).unwrap();
    store
        .revoke_device("a", "dm", "2026-01-02T00:00:00Z")
        .unwrap();
    let acks = store.upload(&UP, &a[..1]).unwrap();
    assert_eq!(acks, [AckStatus::Duplicate]);
    let err = store.upload(&UP, &a[2..]).unwrap_err();
    assert_eq!(refusal(err), (RefusalKind::DeviceRevoked, "a".into(), 4));
    assert_eq!(store.stats().unwrap().commits, 3);
    assert_eq!(store.devices().unwrap()[0].commits, 3);
}

fn pulls_page_in_cursor_order(store: &dyn SyncStore) {
    let empty = store.pull(0, 10, PULL_PAGE_BYTES).unwrap();
    assert_eq!(
        (empty.commits.len(), empty.cursor, empty.more),
        (0, 0, false)
    );
    let (a, b) = (sealed("a", 3), sealed("b", 2));
    store.upload(&UP, &b).unwrap();
    store.upload(&UP, &a).unwrap();
    let first = store.pull(0, 3, PULL_PAGE_BYTES).unwrap();
    assert_eq!(first.commits, [b[0].clone(), b[1].clone(), a[0].clone()]);
    assert!(first.more);
    let rest = store.pull(first.cursor, 3, PULL_PAGE_BYTES).unwrap();
    assert_eq!(rest.commits, [a[1].clone(), a[2].clone()]);
    assert!(!rest.more);
    let after = store.pull(rest.cursor, 3, PULL_PAGE_BYTES).unwrap();
    assert_eq!(
        (after.commits.len(), after.cursor, after.more),
        (0, rest.cursor, false)
    );
    let exact = store.pull(0, 5, PULL_PAGE_BYTES).unwrap();
    assert_eq!((exact.commits.len(), exact.more), (5, false));
}

fn the_setup_token_is_spent_by_the_study(store: &dyn SyncStore) {
    store.set_setup_token(&[7; 32]).unwrap();
    // A newer token replaces the older one.
    store.set_setup_token(&[9; 32]).unwrap();
    let dm = user("dm");
    for wrong in [[8; 32], [7; 32]] {
        assert!(matches!(
            store.create_study(&wrong, &study(), &dm),
            Err(StoreError::BadSetupToken)
        ));
    }
    store.create_study(&[9; 32], &study(), &dm).unwrap();
    assert_eq!(store.study().unwrap(), Some(study()));
    assert_eq!(store.user("dm").unwrap(), Some(dm.clone()));
    assert!(store.stats().unwrap().study);
    assert!(matches!(
        store.create_study(&[9; 32], &study(), &dm),
        Err(StoreError::StudyExists)
    ));
}

fn user_and_device_refusals(store: &dyn SyncStore) {
    store.set_setup_token(&[9; 32]).unwrap();
    store.create_study(&[9; 32], &study(), &user("dm")).unwrap();
    assert!(matches!(
        store.add_user(&user("dm")),
        Err(StoreError::UserExists)
    ));
    let key = user("x").wrapped_key;
    assert!(matches!(
        store.reset_user_key("nobody", &[1; 32], &key),
        Err(StoreError::NoSuchUser)
    ));
    assert!(matches!(
        store.revoke_user("nobody"),
        Err(StoreError::NoSuchUser)
    ));
    assert!(matches!(
        store.revoke_user("dm"),
        Err(StoreError::LastDataManager)
    ));
    let mut monitor = user("mon");
    monitor.role = Role::Monitor;
    store.add_user(&monitor).unwrap();
    store.reset_user_key("mon", &[5; 32], &key).unwrap();
    let got = store.user("mon").unwrap().unwrap();
    assert_eq!((got.auth_hash, got.must_change), ([5; 32], true));
    store.revoke_user("mon").unwrap();
    store.revoke_user("mon").unwrap();
    assert!(store.user("mon").unwrap().unwrap().revoked);
    // With a second data manager, either may go, but not both.
    store.add_user(&user("dm2")).unwrap();
    store.revoke_user("dm").unwrap();
    assert!(matches!(
        store.revoke_user("dm2"),
        Err(StoreError::LastDataManager)
    ));
    // Revoking a revoked data manager again is no error, even as the last one active.
    store.revoke_user("dm").unwrap();
}

fn listings_sort_names_byte_by_byte(store: &dyn SyncStore) {
    store.set_setup_token(&[9; 32]).unwrap();
    store.create_study(&[9; 32], &study(), &user("b")).unwrap();
    for name in ["B", "a", "_c", "A-1"] {
        store.add_user(&user(name)).unwrap();
    }
    let names: Vec<String> = store.users().unwrap().into_iter().map(|u| u.name).collect();
    assert_eq!(names, ["A-1", "B", "_c", "a", "b"]);
    for (i, device) in ["t-b", "T-a", "t-A"].into_iter().enumerate() {
        let token = NewToken {
            auth_hash: [4; 32],
            hash: [i as u8; 32],
            user: "b",
            device,
            now: "2026-01-01T00:00:00Z",
            expires_at: 1_000,
        };
        store.add_token(&token).unwrap();
    }
    let ids: Vec<String> = store.devices().unwrap().into_iter().map(|d| d.id).collect();
    assert_eq!(ids, ["T-a", "t-A", "t-b"]);
}

/// Writers upload chains side by side while a reader pages through by cursor: if a commit could
/// become visible below a cursor the reader already passed, the reader would miss it.
fn concurrent_uploads_never_hide_a_commit_from_a_reader(store: &dyn SyncStore) {
    const WRITERS: usize = 4;
    const PER_WRITER: usize = 60;
    let done = AtomicBool::new(false);
    let seen = std::thread::scope(|s| {
        let writers: Vec<_> = (0..WRITERS)
            .map(|w| {
                s.spawn(move || {
                    let chain = sealed(&format!("w{w}"), PER_WRITER);
                    for bundle in chain.chunks(3) {
                        store.upload(&UP, bundle).unwrap();
                    }
                })
            })
            .collect();
        let reader = s.spawn(|| {
            let (mut after, mut seen) = (0, Vec::new());
            loop {
                // Read the flag first: a page read after it was set sees every upload.
                let finished = done.load(Ordering::SeqCst);
                let page = store.pull(after, 7, PULL_PAGE_BYTES).unwrap();
                seen.extend(
                    page.commits
                        .iter()
                        .map(|c| (c.header.device.clone(), c.header.seq)),
                );
                after = page.cursor;
                if finished && !page.more {
                    return seen;
                }
            }
        });
        for w in writers {
            w.join().unwrap();
        }
        done.store(true, Ordering::SeqCst);
        reader.join().unwrap()
    });
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no commit twice");
    assert_eq!(seen.len(), WRITERS * PER_WRITER, "no commit missed");
}

/// A device whose commits only ever came by relay (a USB stick, a demo file) has no
/// registration: it is listed with its commit count, and revoking it registers it revoked, by the
/// data manager, so that its new commits are refused.
fn a_device_known_only_from_relayed_commits_is_listed_and_revocable(store: &dyn SyncStore) {
    store.set_setup_token(&[9; 32]).unwrap();
    store.create_study(&[9; 32], &study(), &user("dm")).unwrap();
    let usb = sealed("usb", 3);
    store.upload(&UP, &usb[..2]).unwrap();
    let listed = store.devices().unwrap();
    assert_eq!(
        listed,
        [DeviceRecord {
            id: "usb".into(),
            registered_by: None,
            registered_at: None,
            last_seen_at: None,
            revoked: false,
            commits: 2,
        }]
    );
    store
        .revoke_device("usb", "dm", "2026-01-02T00:00:00Z")
        .unwrap();
    let listed = store.devices().unwrap();
    assert_eq!(
        listed,
        [DeviceRecord {
            id: "usb".into(),
            registered_by: Some("dm".into()),
            registered_at: Some("2026-01-02T00:00:00Z".into()),
            last_seen_at: Some("2026-01-02T00:00:00Z".into()),
            revoked: true,
            commits: 2,
        }]
    );
    assert_eq!(
        store.upload(&UP, &usb[..2]).unwrap(),
        [AckStatus::Duplicate; 2]
    );
    let err = store.upload(&UP, &usb[2..]).unwrap_err();
    assert_eq!(refusal(err), (RefusalKind::DeviceRevoked, "usb".into(), 3));
    // Revoking again changes nothing, and a logged-in device keeps its registration.
    store
        .revoke_device("usb", "dm2", "2026-01-03T00:00:00Z")
        .unwrap();
    assert_eq!(store.devices().unwrap(), listed);
}

fn a_device_never_seen_is_revoked_ahead_of_its_commits(store: &dyn SyncStore) {
    store.set_setup_token(&[9; 32]).unwrap();
    store.create_study(&[9; 32], &study(), &user("dm")).unwrap();
    store
        .revoke_device("lost", "dm", "2026-01-02T00:00:00Z")
        .unwrap();
    let err = store.upload(&UP, &sealed("lost", 1)).unwrap_err();
    assert_eq!(refusal(err), (RefusalKind::DeviceRevoked, "lost".into(), 1));
    let token = NewToken {
        auth_hash: [4; 32],
        hash: [1; 32],
        user: "dm",
        device: "lost",
        now: "2026-01-03T00:00:00Z",
        expires_at: 1_000,
    };
    assert!(matches!(
        store.add_token(&token),
        Err(StoreError::DeviceRevoked)
    ));
    // A known device's registration is kept when it is revoked.
    store
        .add_token(&NewToken {
            device: "t1",
            ..token
        })
        .unwrap();
    store
        .revoke_device("t1", "dm2", "2026-01-04T00:00:00Z")
        .unwrap();
    let t1 = store
        .devices()
        .unwrap()
        .into_iter()
        .find(|d| d.id == "t1")
        .unwrap();
    assert_eq!(
        (
            t1.registered_by.as_deref(),
            t1.registered_at.as_deref(),
            t1.revoked
        ),
        (Some("dm"), Some("2026-01-03T00:00:00Z"), true)
    );
}

/// Pages stop at [`PULL_PAGE_BYTES`] of sealed commits (but hold at least one), whatever the
/// limit asked for.
fn a_pull_page_stops_at_its_byte_budget(store: &dyn SyncStore) {
    let a = sealed("a", 3);
    store.upload(&UP, &a).unwrap();
    let size: Vec<usize> = a.iter().map(|c| c.to_bytes().len()).collect();
    // Room for two commits and half the third: two.
    let budget = size[0] + size[1] + size[2] / 2;
    let page = store.pull(0, 10, budget).unwrap();
    assert_eq!((page.commits.len(), page.more), (2, true));
    let rest = store.pull(page.cursor, 10, budget).unwrap();
    assert_eq!((rest.commits, rest.more), (a[2..].to_vec(), false));
    // A budget smaller than one commit still moves on by one.
    let one = store.pull(0, 10, 1).unwrap();
    assert_eq!((one.commits, one.more), (a[..1].to_vec(), true));
    // The exact size of all three fits them all.
    let all = store.pull(0, 10, size.iter().sum()).unwrap();
    assert_eq!((all.commits.len(), all.more), (3, false));
}
