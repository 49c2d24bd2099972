//! The server's integration tests, one binary: the router without a socket (`oneshot`) and the
//! real process over HTTP, each test of accounts, sync and the process run once over SQLite and
//! once over PostgreSQL (`backend_tests!`).

#[macro_use]
mod common;
mod accounts;
mod hardening;
mod process;
mod statics;
mod sync;
mod tls;
