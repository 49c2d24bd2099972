//! The study's science, pure: no clock, randomness, I/O, web or database inside.
//!
//! Everything the app, the server and the CLI compute about patients lives here, so that a
//! statistician's desktop run and the tablet give the same numbers. Callers pass in what the
//! outside world knows (today's date, random bytes, keys) as arguments.

pub mod analysis;
pub mod ctcae;
pub mod dates;
pub mod demo;
pub mod derived;
pub mod endpoints;
pub mod export;
pub mod finding;
pub mod i18n;
pub mod log;
pub mod record;
pub mod register;
pub mod response;
pub mod safety;
pub mod schedule;
pub mod stats;
pub mod study;
pub mod subject;
pub mod summary;
pub mod survival;
pub mod sync;

/// The version of the stored data layout the app and server agree on.
///
/// Bumped whenever the shape of what is persisted changes; the app's IndexedDB schema and the
/// server's SQLite migrations both report it.
pub const SCHEMA_VERSION: u32 = 1;
