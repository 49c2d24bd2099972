//! For tests: a fresh PostgreSQL database per test, made through the admin connection string in
//! `ECRF_TEST_POSTGRES` and dropped afterwards, so tests can run side by side. Without that
//! variable the PostgreSQL tests are skipped, or fail when `ECRF_REQUIRE_POSTGRES=1`.

use std::io::Write;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Once;

use postgres::{Client, NoTls};

use super::pool::off_async;

/// The variable naming the test server (a libpq `key=value` connection string).
pub const TEST_ENV: &str = "ECRF_TEST_POSTGRES";
/// The variable that makes a missing test server an error rather than a skip.
pub const REQUIRE_ENV: &str = "ECRF_REQUIRE_POSTGRES";

/// A database created for one test, dropped (with its open connections) when this is dropped.
#[derive(Debug)]
pub struct TestDatabase {
    admin: String,
    name: String,
}

impl TestDatabase {
    /// The admin connection string of the test server, or `None` (after one notice on standard
    /// error) when none is configured. Panics when one is required (`ECRF_REQUIRE_POSTGRES=1`) but
    /// missing.
    pub fn server() -> Option<String> {
        if let Some(admin) = std::env::var(TEST_ENV).ok().filter(|v| !v.is_empty()) {
            return Some(admin);
        }
        if std::env::var(REQUIRE_ENV).is_ok_and(|v| v == "1") {
            panic!(
                "{REQUIRE_ENV}=1 but {TEST_ENV} is unset: run \
                 `cargo xtask with-postgres cargo test -p ecrf-server`"
            );
        }
        static NOTICE: Once = Once::new();
        NOTICE.call_once(|| {
            // Straight to the stream: the test harness would hide a captured eprintln.
            let _ = writeln!(
                std::io::stderr(),
                "skipping the PostgreSQL variants: {TEST_ENV} is unset \
                 (run `cargo xtask with-postgres cargo test -p ecrf-server`)"
            );
        });
        None
    }

    /// A new empty database, or `None` when no test server is configured (see
    /// [`TestDatabase::server`]). Panics when the server cannot be reached.
    pub fn create() -> Option<TestDatabase> {
        let admin = TestDatabase::server()?;
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "ecrf_t_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let db = TestDatabase { admin, name };
        db.admin_run(&format!("CREATE DATABASE {}", db.name));
        Some(db)
    }

    /// The connection string of this database.
    pub fn url(&self) -> String {
        // In a key=value string the last value given for a key wins.
        format!("{} dbname={}", self.admin, self.name)
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn admin_run(&self, sql: &str) {
        let admin = self.admin.clone();
        let sql = sql.to_owned();
        off_async(move || {
            let mut client = Client::connect(&admin, NoTls)
                .unwrap_or_else(|e| panic!("connecting to {TEST_ENV} ({admin}): {e}"));
            client
                .batch_execute(&sql)
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
        });
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        if std::thread::panicking() {
            // Keep the failed test's data; the throwaway server is deleted anyway.
            return;
        }
        self.admin_run(&format!("DROP DATABASE {} WITH (FORCE)", self.name));
    }
}
