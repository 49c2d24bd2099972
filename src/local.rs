//! The device's copy of the study: the commit log in IndexedDB and its fold in memory.
//!
//! On start the state is rebuilt from every stored commit; after that each save is one commit,
//! written in its own IndexedDB transaction *before* it is applied to the in-memory state, so the
//! screen never shows what is not on disk. Views re-read the state when the revision signal
//! of [`crate::state::AppState`] changes.

use std::cell::RefCell;
use std::collections::BTreeMap;

use ecrf_core::log::{Commit, DeviceLog, Op, State};

use crate::storage::{Db, StorageError};

/// The folded log and this device's place in it.
#[derive(Debug, Default)]
pub struct Local {
    /// The current state of every form.
    pub state: State,
    /// This device's chain and clock.
    pub log: Option<DeviceLog>,
    /// Commits touching each patient not yet sent to a sync server (all of them until the
    /// sync issue lands).
    pub unsynced: BTreeMap<String, usize>,
    /// Every commit held.
    pub commits: usize,
    saving: bool,
}

thread_local! {
    static LOCAL: RefCell<Local> = RefCell::new(Local::default());
}

/// Reads the local study.
pub fn with<R>(f: impl FnOnce(&Local) -> R) -> R {
    LOCAL.with(|l| f(&l.borrow()))
}

fn patients_of(state: &State, commit: &Commit) -> Vec<String> {
    let mut out: Vec<String> = commit
        .body
        .ops
        .iter()
        .filter_map(|op| {
            let instance = match op {
                Op::CreateForm { instance, .. }
                | Op::DeleteForm { instance }
                | Op::SetField { instance, .. }
                | Op::ClearField { instance, .. } => instance,
            };
            state.patient_of(instance).map(String::from)
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Rebuilds the local study from `commits` for `device`.
pub fn rebuild(device: &str, commits: &[Commit]) -> Local {
    let state = State::from_commits(commits);
    let mut unsynced: BTreeMap<String, usize> = BTreeMap::new();
    for c in commits {
        for p in patients_of(&state, c) {
            *unsynced.entry(p).or_default() += 1;
        }
    }
    Local {
        log: Some(DeviceLog::resume(device, commits)),
        commits: state.commit_count(),
        state,
        unsynced,
        saving: false,
    }
}

/// Replaces the local study (after loading).
pub fn install(local: Local) {
    LOCAL.with(|l| *l.borrow_mut() = local);
}

/// Why a save did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveError {
    /// Another save is still being written.
    Busy,
    /// The study is not loaded.
    NotReady,
    /// The database refused the write.
    Storage(StorageError),
}

/// Makes one commit of `ops` by `user`, writes it, then applies it. On any failure nothing
/// changes: not the log, not the chain, not the state.
pub async fn save(
    db: &Db,
    user: &str,
    reason: Option<String>,
    ops: Vec<Op>,
) -> Result<Commit, SaveError> {
    let (commit, next_log) = LOCAL.with(|l| {
        let mut l = l.borrow_mut();
        if l.saving {
            return Err(SaveError::Busy);
        }
        let mut log = l.log.clone().ok_or(SaveError::NotReady)?;
        let commit = log.commit(js_sys::Date::now() as u64, user, reason, ops);
        l.saving = true;
        Ok((commit, log))
    })?;
    let written = db.put_commit(&commit).await;
    LOCAL.with(|l| {
        let mut l = l.borrow_mut();
        l.saving = false;
        written.map_err(SaveError::Storage)?;
        l.log = Some(next_log);
        l.state.apply(&commit);
        l.commits = l.state.commit_count();
        for p in patients_of(&l.state, &commit) {
            *l.unsynced.entry(p).or_default() += 1;
        }
        Ok(commit)
    })
}

/// A new form instance id for this device: its id and the sequence number the next commit
/// takes, so that it is unique across devices.
pub fn next_instance_id() -> Option<String> {
    with(|l| {
        l.log
            .as_ref()
            .map(|log| format!("{}-{}", log.device, log.seq + 1))
    })
}
