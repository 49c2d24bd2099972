//! The commit log: every change to the study's data is a commit appended to the log, and the
//! current state of every CRF is a fold of the log. Nothing is updated in place or deleted, so the
//! log is the audit trail (who, what, when, on which device, old -> new, why).
//!
//! - A commit is content-addressed: its id is the SHA-256 of its canonical JSON, so a duplicate
//!   is recognised and an altered commit no longer matches its id.
//! - Each device numbers its commits 1, 2, ... and each names the id of the device's previous
//!   one: a missing or altered commit breaks the chain ([`chain::verify`]).
//! - Each field is a multi-value register: a write lists the writes it saw (`supersedes`); writes
//!   that did not see each other are a conflict, shown with a deterministic winner (latest hybrid
//!   logical clock, then id) until a later write that saw them all resolves it. The state is a
//!   function of the *set* of commits, so merging in any order, with duplicates, gives one state.

pub mod chain;
mod commit;
mod hlc;
mod state;

pub use commit::{Commit, CommitBody, CommitId, DeviceLog, Op};
pub use hlc::Hlc;
pub use state::{Conflict, FieldWrite, FormState, State};

#[cfg(test)]
mod tests;
