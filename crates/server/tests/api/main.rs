//! The server's integration tests, one binary: the router without a socket (`oneshot`) and the
//! real process over HTTP.

mod accounts;
mod common;
mod process;
mod statics;
mod sync;
