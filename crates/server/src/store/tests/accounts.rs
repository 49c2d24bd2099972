//! The rules of accounts every backend keeps (tokens, their expiry and revocation, key resets
//! and changes), each test a function of the store, run once per backend.

use super::*;

backend_tests!(
    a_token_lives_until_its_expiry_and_revocation_ends_it,
    a_key_reset_ends_the_users_sessions,
    a_key_change_needs_the_current_key_and_keeps_only_its_session,
    a_token_is_stored_only_for_the_current_credential_of_an_active_user,
);

fn a_token_lives_until_its_expiry_and_revocation_ends_it(store: &dyn SyncStore) {
    store.set_setup_token(&[9; 32]).unwrap();
    store.create_study(&[9; 32], &study(), &user("dm")).unwrap();
    let token = |hash: [u8; 32], device: &'static str| NewToken {
        auth_hash: [4; 32],
        hash,
        user: "dm",
        device,
        now: "2026-01-01T00:00:00Z",
        expires_at: 1_000,
    };
    store.add_token(&token([1; 32], "t1")).unwrap();
    let s = store
        .session(&[1; 32], 999, "2026-01-01T01:00:00Z")
        .unwrap()
        .unwrap();
    assert_eq!((s.user.as_str(), s.device.as_str()), ("dm", "t1"));
    let devices = store.devices().unwrap();
    assert_eq!(
        devices[0].last_seen_at.as_deref().unwrap(),
        "2026-01-01T01:00:00Z"
    );
    assert_eq!(
        devices[0].registered_at.as_deref().unwrap(),
        "2026-01-01T00:00:00Z"
    );
    // Within the same minute, last seen is not rewritten.
    store
        .session(&[1; 32], 999, "2026-01-01T01:00:59Z")
        .unwrap();
    assert_eq!(
        store.devices().unwrap()[0].last_seen_at.as_deref(),
        Some("2026-01-01T01:00:00Z")
    );
    assert_eq!(store.session(&[1; 32], 1_000, "x").unwrap(), None);
    // An expired token is gone for good, even asked about with an earlier clock.
    assert_eq!(store.session(&[1; 32], 0, "x").unwrap(), None);
    store.add_token(&token([2; 32], "t1")).unwrap();
    store.delete_token(&[2; 32]).unwrap();
    assert_eq!(store.session(&[2; 32], 0, "x").unwrap(), None);
    store.add_token(&token([2; 32], "t1")).unwrap();
    store
        .revoke_device("t1", "dm", "2026-01-02T00:00:00Z")
        .unwrap();
    assert_eq!(store.session(&[2; 32], 0, "x").unwrap(), None);
    assert!(matches!(
        store.add_token(&token([3; 32], "t1")),
        Err(StoreError::DeviceRevoked)
    ));
    // Revoking a user ends its sessions on every device.
    let mut other = user("u2");
    other.role = Role::Investigator;
    store.add_user(&other).unwrap();
    let t = NewToken {
        user: "u2",
        ..token([4; 32], "t2")
    };
    store.add_token(&t).unwrap();
    assert!(store.session(&[4; 32], 0, "x").unwrap().is_some());
    store.revoke_user("u2").unwrap();
    assert_eq!(store.session(&[4; 32], 0, "x").unwrap(), None);
}

fn a_key_reset_ends_the_users_sessions(store: &dyn SyncStore) {
    store.set_setup_token(&[9; 32]).unwrap();
    store.create_study(&[9; 32], &study(), &user("dm")).unwrap();
    store.add_user(&user("ines")).unwrap();
    let token = |hash: [u8; 32], who: &'static str| NewToken {
        auth_hash: [4; 32],
        hash,
        user: who,
        device: "t1",
        now: "2026-01-01T00:00:00Z",
        expires_at: 1_000,
    };
    store.add_token(&token([1; 32], "ines")).unwrap();
    store.add_token(&token([2; 32], "dm")).unwrap();
    store
        .reset_user_key("ines", &[5; 32], &user("x").wrapped_key)
        .unwrap();
    assert_eq!(store.session(&[1; 32], 0, "x").unwrap(), None);
    assert!(store.session(&[2; 32], 0, "x").unwrap().is_some());
    assert!(store.user("ines").unwrap().unwrap().must_change);
}

fn a_key_change_needs_the_current_key_and_keeps_only_its_session(store: &dyn SyncStore) {
    store.set_setup_token(&[9; 32]).unwrap();
    store.create_study(&[9; 32], &study(), &user("dm")).unwrap();
    for (hash, device) in [([1; 32], "t1"), ([2; 32], "t2")] {
        let token = NewToken {
            auth_hash: [4; 32],
            hash,
            user: "dm",
            device,
            now: "2026-01-01T00:00:00Z",
            expires_at: 1_000,
        };
        store.add_token(&token).unwrap();
    }
    let key = user("x").wrapped_key;
    let change = |current: &'static [u8; 32]| KeyChange {
        user: "dm",
        current_hash: current,
        auth_hash: &[6; 32],
        key: &key,
        keep_token: &[1; 32],
    };
    assert!(matches!(
        store.change_user_key(&change(&[5; 32])),
        Err(StoreError::BadCredentials)
    ));
    assert_eq!(store.user("dm").unwrap().unwrap().auth_hash, [4; 32]);
    assert!(matches!(
        store.change_user_key(&KeyChange {
            user: "nobody",
            ..change(&[4; 32])
        }),
        Err(StoreError::NoSuchUser)
    ));
    store.change_user_key(&change(&[4; 32])).unwrap();
    let dm = store.user("dm").unwrap().unwrap();
    assert_eq!((dm.auth_hash, dm.must_change), ([6; 32], false));
    assert!(store.session(&[1; 32], 0, "x").unwrap().is_some());
    assert_eq!(store.session(&[2; 32], 0, "x").unwrap(), None);
}

/// A login checked the credential before a change, a reset or a revocation committed: its
/// token is refused, not stored with the old passphrase.
fn a_token_is_stored_only_for_the_current_credential_of_an_active_user(store: &dyn SyncStore) {
    store.set_setup_token(&[9; 32]).unwrap();
    store.create_study(&[9; 32], &study(), &user("dm")).unwrap();
    store.add_user(&user("ines")).unwrap();
    let token = |user: &'static str, auth_hash: [u8; 32], hash: [u8; 32]| NewToken {
        auth_hash,
        hash,
        user,
        device: "t1",
        now: "2026-01-01T00:00:00Z",
        expires_at: 1_000,
    };
    store
        .reset_user_key("ines", &[5; 32], &user("x").wrapped_key)
        .unwrap();
    // Checked against the old hash [4; 32]: refused; against the new one: stored.
    assert!(matches!(
        store.add_token(&token("ines", [4; 32], [1; 32])),
        Err(StoreError::BadCredentials)
    ));
    assert_eq!(store.session(&[1; 32], 0, "x").unwrap(), None);
    store.add_token(&token("ines", [5; 32], [2; 32])).unwrap();
    assert!(store.session(&[2; 32], 0, "x").unwrap().is_some());
    store.revoke_user("ines").unwrap();
    assert!(matches!(
        store.add_token(&token("ines", [5; 32], [3; 32])),
        Err(StoreError::BadCredentials)
    ));
    assert!(matches!(
        store.add_token(&token("nobody", [4; 32], [4; 32])),
        Err(StoreError::BadCredentials)
    ));
}
