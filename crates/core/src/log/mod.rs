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
pub mod fork;
mod hlc;
mod register;
pub mod snapshot;
mod state;
mod summary;

pub use commit::{canonical, Commit, CommitBody, CommitId, DeviceLog, Op};
pub use hlc::Hlc;
pub use state::{Confirmation, Conflict, Deletion, FieldWrite, FormState, State};
pub use summary::{ChainLink, CommitSummary};

#[cfg(test)]
mod tests;

/// Building logs in tests: one commit per form, fields set in one go.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Commit, DeviceLog, Op, State};

    /// A log of one test device.
    pub(crate) struct LogBuilder {
        device: DeviceLog,
        /// The commits made so far.
        pub(crate) commits: Vec<Commit>,
        forms: u64,
    }

    impl LogBuilder {
        pub(crate) fn new() -> LogBuilder {
            LogBuilder {
                device: DeviceLog::new("test"),
                commits: Vec::new(),
                forms: 0,
            }
        }

        /// Creates an instance of `form` for `patient` with `fields` (a JSON object).
        pub(crate) fn form(&mut self, patient: &str, form: &str, fields: serde_json::Value) {
            self.forms += 1;
            let instance = format!("i{}", self.forms);
            let mut ops = vec![Op::CreateForm {
                instance: instance.clone(),
                form: form.into(),
                patient: patient.into(),
            }];
            for (field, value) in fields.as_object().into_iter().flatten() {
                ops.push(Op::SetField {
                    instance: instance.clone(),
                    field: field.clone(),
                    value: value.clone(),
                    supersedes: vec![],
                });
            }
            let commit = self.device.commit(self.forms, "tester", None, ops);
            self.commits.push(commit);
        }

        /// The folded state.
        pub(crate) fn state(&self) -> State {
            State::from_commits(&self.commits)
        }
    }
}
