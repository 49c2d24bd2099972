//! What only the SQLite backend has: its file (WAL, reopened without migrating twice), the
//! refusal of a newer file, and migration 2 over version-1 rows.

use ecrf_core::sync::api::AckStatus;
use rusqlite::{params, Connection};

use super::super::migrations::{migrate_to, user_version};
use super::*;

#[test]
fn reopening_a_file_keeps_it_and_does_not_migrate_twice() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ecrf.sqlite");
    let store = SqliteStore::open(&path).unwrap();
    store.upload(&UP, &sealed("a", 3)).unwrap();
    drop(store);
    let store = SqliteStore::open(&path).unwrap();
    assert_eq!(store.stats().unwrap().schema_version, STORE_SCHEMA_VERSION);
    assert_eq!(store.stats().unwrap().commits, 3);
    let conn = Connection::open(&path).unwrap();
    let mode: String = conn
        .pragma_query_value(None, "journal_mode", |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
}

#[test]
fn a_database_from_a_newer_server_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ecrf.sqlite");
    let conn = Connection::open(&path).unwrap();
    conn.pragma_update(None, "user_version", 99).unwrap();
    drop(conn);
    assert!(matches!(
        SqliteStore::open(&path),
        Err(StoreError::TooNew { found: 99, .. })
    ));
}

#[test]
fn migration_2_keeps_version_1_rows_in_order_with_their_ids() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ecrf.sqlite");
    let commits = sealed("old", 3);
    let mut conn = Connection::open(&path).unwrap();
    migrate_to(&mut conn, 1).unwrap();
    assert_eq!(user_version(&conn).unwrap(), 1);
    // Stored out of sequence order: the storage order becomes the cursor order.
    for i in [1usize, 0, 2] {
        let c = &commits[i];
        conn.execute(
            "INSERT INTO commits (device_id, seq, header, sealed_body) VALUES (?1, ?2, ?3, ?4)",
            params![
                c.header.device,
                c.header.seq as i64,
                c.header.to_bytes(),
                c.body
            ],
        )
        .unwrap();
    }
    drop(conn);
    let store = SqliteStore::open(&path).unwrap();
    let page = store.pull(0, 10, PULL_PAGE_BYTES).unwrap();
    let order: Vec<u64> = page.commits.iter().map(|c| c.header.seq).collect();
    assert_eq!(order, [2, 1, 3]);
    assert_eq!(page.commits[0], commits[1]);
    assert_eq!((page.cursor, page.more), (3, false));
    // The ids read from the headers let the chain continue and duplicates be recognised.
    let more = sealed("old", 4);
    let acks = store.upload(&UP, &more).unwrap();
    assert_eq!(
        acks,
        [
            AckStatus::Duplicate,
            AckStatus::Duplicate,
            AckStatus::Duplicate,
            AckStatus::Stored
        ]
    );
}
