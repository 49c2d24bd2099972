//! The store on its own, without HTTP. The rules every backend shares run against SQLite and
//! PostgreSQL alike (`backend_tests!`, in `shared.rs`); each backend's own concerns (its file or
//! database, schema versions, migrations) are in `sqlite_only.rs` and `postgres_only.rs`.

use ecrf_core::log::{DeviceLog, Op};
use ecrf_core::sync::{Compression, DataKey, SealedCommit};

use super::*;

/// Runs each named test (a `fn(&dyn SyncStore)` of `shared.rs`) once per backend: as
/// `on_sqlite::NAME` over an in-memory database and as `on_postgres::NAME` over a fresh
/// PostgreSQL database (skipped without `ECRF_TEST_POSTGRES`, see [`postgres::TestDatabase`]).
macro_rules! backend_tests {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $(
                #[test]
                fn $name() {
                    let store = crate::store::SqliteStore::open_in_memory().unwrap();
                    super::$name(&store);
                }
            )*
        }
        mod on_postgres {
            $(
                #[test]
                fn $name() {
                    let Some(db) = crate::store::postgres::TestDatabase::create() else {
                        return;
                    };
                    let store = crate::store::PgStore::open(&db.url()).unwrap();
                    super::$name(&store);
                }
            )*
        }
    };
}

mod accounts;
mod postgres_only;
mod shared;
mod sqlite_only;

/// `n` sealed commits of `device`, a valid chain from sequence 1.
fn sealed(device: &str, n: usize) -> Vec<SealedCommit> {
    let key = DataKey::new(1, [3; 32]);
    let mut log = DeviceLog::new(device);
    (0..n)
        .map(|i| {
            let op = Op::DeleteForm {
                instance: format!("f{i}"),
            };
            let c = log.commit(1_000 + i as u64, "u", None, vec![op]);
            let mut nonce = [0u8; 12];
            nonce[..8].copy_from_slice(&(i as u64).to_be_bytes());
            SealedCommit::seal(&c, &key, nonce, Compression::None).unwrap()
        })
        .collect()
}

const UP: Uploader<'static> = Uploader {
    user: "u",
    device: "d",
    now: "2026-01-01T00:00:00Z",
};

fn user(name: &str) -> UserRecord {
    UserRecord {
        name: name.into(),
        role: ecrf_core::sync::api::Role::DataManager,
        auth_hash: [4; 32],
        wrapped_key: serde_json::from_value(serde_json::json!({
            "format": "ecrf-wrapped-key", "version": 1, "kdf": "pbkdf2-sha256",
            "iterations": 600000, "salt": "00", "key_id": 1, "nonce": "00", "wrapped": "00"
        }))
        .unwrap(),
        must_change: false,
        revoked: false,
        created_at: "2026-01-01T00:00:00Z".into(),
    }
}

fn study() -> StudyRecord {
    StudyRecord {
        id: [1; 16],
        created_at: "2026-01-01T00:00:00Z".into(),
        secret: [2; 32],
    }
}
