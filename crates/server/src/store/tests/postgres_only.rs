//! What only the PostgreSQL backend has: a database reopened, or opened by several servers at
//! once, migrated once; the refusal of a database from a newer server; revocation's tokens.

use super::super::postgres::TestDatabase;
use super::*;

#[test]
fn reopening_a_database_keeps_it_and_does_not_migrate_twice() {
    let Some(db) = TestDatabase::create() else {
        return;
    };
    let store = PgStore::open(&db.url()).unwrap();
    store.upload(&UP, &sealed("a", 3)).unwrap();
    drop(store);
    let store = PgStore::open(&db.url()).unwrap();
    let stats = store.stats().unwrap();
    assert_eq!(stats.schema_version, STORE_SCHEMA_VERSION);
    assert_eq!(stats.commits, 3);
    // The chain continues after the reopening.
    let acks = store.upload(&UP, &sealed("a", 4)).unwrap();
    assert_eq!(acks[3], ecrf_core::sync::api::AckStatus::Stored);
}

#[test]
fn servers_starting_together_on_an_empty_database_migrate_it_once() {
    let Some(db) = TestDatabase::create() else {
        return;
    };
    let url = db.url();
    std::thread::scope(|s| {
        let opening: Vec<_> = (0..4).map(|_| s.spawn(|| PgStore::open(&url))).collect();
        for store in opening {
            let stats = store.join().unwrap().unwrap().stats().unwrap();
            assert_eq!(stats.schema_version, STORE_SCHEMA_VERSION);
        }
    });
    assert_eq!(count(&db, "SELECT count(*) FROM schema_version"), 1);
}

#[test]
fn a_database_from_a_newer_server_is_refused() {
    let Some(db) = TestDatabase::create() else {
        return;
    };
    drop(PgStore::open(&db.url()).unwrap());
    let url = db.url();
    std::thread::spawn(move || {
        let mut client = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
        client
            .batch_execute("UPDATE schema_version SET version = 99")
            .unwrap();
    })
    .join()
    .unwrap();
    assert!(matches!(
        PgStore::open(&db.url()),
        Err(StoreError::TooNew { found: 99, .. })
    ));
}

/// The count of `sql` (a `SELECT count(*)`) in the test database, asked on a plain connection.
fn count(db: &TestDatabase, sql: &'static str) -> i64 {
    let url = db.url();
    std::thread::spawn(move || {
        let mut client = ::postgres::Client::connect(&url, ::postgres::NoTls).unwrap();
        client.query_one(sql, &[]).unwrap().get(0)
    })
    .join()
    .unwrap()
}

#[test]
fn revoking_deletes_the_tokens_in_the_same_transaction() {
    let Some(db) = TestDatabase::create() else {
        return;
    };
    let store = PgStore::open(&db.url()).unwrap();
    store.set_setup_token(&[9; 32]).unwrap();
    store.create_study(&[9; 32], &study(), &user("dm")).unwrap();
    store.add_user(&user("dm2")).unwrap();
    for (hash, user, device) in [(1, "dm", "t1"), (2, "dm", "t2"), (3, "dm2", "t2")] {
        let token = NewToken {
            auth_hash: [4; 32],
            hash: [hash; 32],
            user,
            device,
            now: "2026-01-01T00:00:00Z",
            expires_at: 1_000,
        };
        store.add_token(&token).unwrap();
    }
    assert_eq!(count(&db, "SELECT count(*) FROM tokens"), 3);
    store
        .revoke_device("t2", "dm", "2026-01-02T00:00:00Z")
        .unwrap();
    assert_eq!(count(&db, "SELECT count(*) FROM tokens"), 1);
    store.revoke_user("dm").unwrap();
    assert_eq!(count(&db, "SELECT count(*) FROM tokens"), 0);
    // A failed revocation changes nothing.
    assert!(matches!(
        store.revoke_user("dm2"),
        Err(StoreError::LastDataManager)
    ));
    assert_eq!(
        count(&db, "SELECT count(*) FROM users WHERE NOT revoked"),
        1
    );
}
