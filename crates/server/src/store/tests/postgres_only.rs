//! What only the PostgreSQL backend has: a database reopened without migrating twice, the
//! refusal of a database from a newer server.

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
