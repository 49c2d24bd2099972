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
use crate::writer;

/// The folded log and this device's place in it.
#[derive(Debug, Default)]
pub struct Local {
    /// The current state of every form.
    pub state: State,
    /// This device's chain and clock.
    pub log: Option<DeviceLog>,
    /// Commits touching each patient not yet sent to the study's server.
    pub unsynced: BTreeMap<String, usize>,
    /// Commits not yet sent to the study's server.
    pub unsent: usize,
    /// Every commit held.
    pub commits: usize,
    /// How many of them this device made (in any tab).
    own: u64,
    /// What the study's server holds, as this tab last counted it.
    tips: ecrf_core::sync::outbox::ServerTips,
    /// The study's users as the server last listed them (`None` before any exchange).
    study_users: Option<Vec<String>>,
    /// Stored records set aside at the last full read because they did not open or check, by
    /// id, with why: kept, not folded.
    pub set_aside: BTreeMap<String, String>,
    /// Commits received from the server that did not open, by "device #sequence", with why.
    pub set_aside_received: BTreeMap<String, String>,
    /// How many stored records did not open at the last full read (counted against the store's
    /// count, so that they do not look new at every look).
    unreadable_stored: usize,
    /// How many of them are this device's own (counted with `own` against the device's stored
    /// count).
    own_unreadable: u64,
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
                | Op::ClearField { instance, .. }
                | Op::ConfirmValue { instance, .. } => instance,
            };
            state.patient_of(instance).map(String::from)
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Rebuilds the local study from `commits` for `device`, with what the study's server holds
/// as `tips` (what is not on it is counted per patient: the outbox only, not every commit).
pub fn rebuild(
    device: &str,
    commits: &[Commit],
    tips: &ecrf_core::sync::outbox::ServerTips,
) -> Local {
    let state = State::from_commits(commits);
    let pending = ecrf_core::sync::outbox::outbox(commits, tips);
    Local {
        tips: tips.clone(),
        unsent: pending.len(),
        unsynced: count_unsynced(&state, &pending),
        log: Some(DeviceLog::resume(device, commits)),
        own: commits.iter().filter(|c| c.body.device == device).count() as u64,
        commits: state.commit_count(),
        state,
        study_users: None,
        set_aside: BTreeMap::new(),
        set_aside_received: BTreeMap::new(),
        unreadable_stored: 0,
        own_unreadable: 0,
        saving: false,
    }
}

/// The commits of `pending` touching each patient.
fn count_unsynced(state: &State, pending: &[&Commit]) -> BTreeMap<String, usize> {
    let mut unsynced: BTreeMap<String, usize> = BTreeMap::new();
    for c in pending {
        for p in patients_of(state, c) {
            *unsynced.entry(p).or_default() += 1;
        }
    }
    unsynced
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
///
/// The save holds the device's writer lock ([`crate::writer`]) and first applies what other
/// tabs of this device stored, so that two tabs never continue the chain from the same head.
pub async fn save(
    db: &Db,
    user: &str,
    reason: Option<String>,
    ops: Vec<Op>,
) -> Result<Commit, SaveError> {
    LOCAL.with(|l| {
        let mut l = l.borrow_mut();
        if l.saving {
            return Err(SaveError::Busy);
        }
        if l.log.is_none() {
            return Err(SaveError::NotReady);
        }
        l.saving = true;
        Ok(())
    })?;
    let database = db.name();
    let lock = writer::acquire(&database).await;
    let result = save_holding_lock(db, user, reason, ops).await;
    LOCAL.with(|l| l.borrow_mut().saving = false);
    drop(lock);
    if result.is_ok() {
        writer::announce(&database);
    }
    result
}

async fn save_holding_lock(
    db: &Db,
    user: &str,
    reason: Option<String>,
    ops: Vec<Op>,
) -> Result<Commit, SaveError> {
    apply_stored(db).await.map_err(SaveError::Storage)?;
    let (commit, next_log) = LOCAL.with(|l| {
        let l = l.borrow();
        let mut log = l.log.clone().ok_or(SaveError::NotReady)?;
        let commit = log.commit(js_sys::Date::now() as u64, user, reason, ops);
        Ok::<_, SaveError>((commit, log))
    })?;
    db.put_commit(&commit).await.map_err(SaveError::Storage)?;
    LOCAL.with(|l| {
        let mut l = l.borrow_mut();
        l.log = Some(next_log);
        l.own += 1;
        l.unsent += 1;
        l.state.apply(&commit);
        l.commits = l.state.commit_count();
        for p in patients_of(&l.state, &commit) {
            *l.unsynced.entry(p).or_default() += 1;
        }
        Ok(commit)
    })
}

/// Applies the commits of this device that another tab stored since this tab last looked;
/// returns how many were new. A cheap count comes first: nothing is read when nothing changed.
/// Skipped (0) while this tab is saving, since the save does it under the lock.
pub async fn catch_up(db: &Db) -> Result<usize, StorageError> {
    if with(|l| l.saving) {
        return Ok(0);
    }
    let own = apply_stored(db).await?;
    // Another tab's exchange stored other devices' commits, or sent this device's: fold what it
    // received and count again what is not yet on the server.
    let tips: ecrf_core::sync::outbox::ServerTips = db
        .meta(crate::sync::run::TIPS_KEY)
        .await?
        .unwrap_or_default();
    let more_stored =
        db.commit_count().await? as usize > with(|l| l.state.commit_count() + l.unreadable_stored);
    let tips_moved = with(|l| l.tips != tips);
    if !more_stored && !tips_moved {
        return Ok(own);
    }
    let (all, unreadable) = db.readable_commits().await?;
    set_unreadable(unreadable);
    let received = apply_received(&all);
    // The study's users as the other tab's exchange listed them.
    if let Some(users) = db.meta(crate::sync::run::USERS_KEY).await? {
        set_study_users(users);
    }
    set_unsynced(&ecrf_core::sync::outbox::outbox(&all, &tips));
    LOCAL.with(|l| l.borrow_mut().tips = tips);
    Ok(own + received)
}

async fn apply_stored(db: &Db) -> Result<usize, StorageError> {
    let Some((device, own)) = with(|l| l.log.as_ref().map(|log| (log.device.clone(), l.own)))
    else {
        return Ok(0);
    };
    let own = own + with(|l| l.own_unreadable);
    if u64::from(db.device_commit_count(&device).await?) <= own {
        return Ok(0);
    }
    let mut stored = db.device_commits(&device).await?;
    stored.sort_by_key(|c| c.body.seq);
    let now = js_sys::Date::now() as u64;
    Ok(LOCAL.with(|l| {
        let mut l = l.borrow_mut();
        let mut applied = 0;
        for c in &stored {
            if !l.state.apply(c) {
                continue;
            }
            applied += 1;
            l.own += 1;
            l.unsent += 1;
            for p in patients_of(&l.state, c) {
                *l.unsynced.entry(p).or_default() += 1;
            }
            if let Some(log) = l.log.as_mut() {
                if c.body.seq > log.seq {
                    log.seq = c.body.seq;
                    log.last = Some(c.id.clone());
                }
                log.observe(&c.body.hlc, now);
            }
        }
        l.commits = l.state.commit_count();
        applied
    }))
}

/// A new form instance id for this device: the device id and 64 random bits, unique across
/// devices and across the tabs of one device (a sequence number would not be: two tabs may open
/// forms before either saves).
pub fn next_instance_id() -> Option<String> {
    with(|l| {
        l.log
            .as_ref()
            .map(|log| format!("{}-{}", log.device, crate::device::random_hex(8)))
    })
}

/// Applies commits received from the study's server (already stored); returns how many were
/// new here. The device's clock moves past them, so its next commit sorts after all it saw.
pub fn apply_received(commits: &[Commit]) -> usize {
    let now = js_sys::Date::now() as u64;
    LOCAL.with(|l| {
        let mut l = l.borrow_mut();
        let mut applied = 0;
        let device = l.log.as_ref().map(|g| g.device.clone());
        for c in commits {
            if l.state.apply(c) {
                applied += 1;
                if device.as_deref() == Some(c.body.device.as_str()) {
                    l.own += 1;
                }
            }
            if let Some(log) = l.log.as_mut() {
                if c.body.device == log.device && c.body.seq > log.seq {
                    // This device's own commits, stored before (in another browser profile
                    // restored, say): continue after them.
                    log.seq = c.body.seq;
                    log.last = Some(c.id.clone());
                }
                // A tablet whose clock runs ahead must not drag this one's audit-trail times
                // along: a time more than 5 minutes in the future is not observed.
                if c.body.hlc.wall_ms <= now.saturating_add(MAX_CLOCK_AHEAD_MS) {
                    log.observe(&c.body.hlc, now);
                }
            }
        }
        l.commits = l.state.commit_count();
        applied
    })
}

/// How far ahead of this device's clock a received commit's time may be and still be observed.
const MAX_CLOCK_AHEAD_MS: u64 = 5 * 60 * 1000;

/// The stored records that did not open at a full read: set aside (replacing those of the
/// last read: a record received again and stored whole is no longer set aside), and counted as
/// held. This device's chain goes on after its own set-aside record only when the record's
/// clear keys are plausible (a 64-hex id, a sequence no further than one past its readable
/// head per record set aside): never a second commit under a used sequence, never a jump.
pub fn set_unreadable(unreadable: Vec<crate::storage::Unreadable>) {
    LOCAL.with(|l| {
        let mut l = l.borrow_mut();
        l.unreadable_stored = unreadable.len();
        let mut own = 0;
        if let Some(log) = l.log.as_mut() {
            let mine: Vec<&crate::storage::Unreadable> = unreadable
                .iter()
                .filter(|u| u.device == log.device)
                .collect();
            own = mine.len() as u64;
            let reach = log.seq + own;
            for u in mine {
                let hex_id = u.id.len() == 64 && u.id.bytes().all(|b| b.is_ascii_hexdigit());
                if hex_id && u.seq > log.seq && u.seq <= reach {
                    log.seq = u.seq;
                    log.last = Some(u.id.clone());
                }
            }
        }
        l.own_unreadable = own;
        l.set_aside = unreadable.into_iter().map(|u| (u.id, u.why)).collect();
    });
}

/// Adds commits received from the server that did not open to those shown.
pub fn set_aside_received(records: impl IntoIterator<Item = (String, String)>) {
    LOCAL.with(|l| l.borrow_mut().set_aside_received.extend(records));
}

/// Every record set aside: stored ones by id, received ones by "device #sequence".
pub fn set_aside() -> BTreeMap<String, String> {
    with(|l| {
        l.set_aside
            .iter()
            .chain(&l.set_aside_received)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    })
}

/// Whether a record of this device is set aside: its chain has a gap the server cannot take,
/// so what follows cannot be sent until the data manager restores it.
pub fn own_record_set_aside() -> bool {
    with(|l| l.own_unreadable > 0)
}

/// Records the study's users (as the server lists them), against whom commit authors are
/// checked.
pub fn set_study_users(users: Vec<String>) {
    LOCAL.with(|l| l.borrow_mut().study_users = Some(users));
}

/// The authors of commits held here who are not users of the study, with their commit counts
/// (`ecrf_core::sync::authors`); empty until the study's users are known.
pub fn unknown_authors() -> BTreeMap<String, usize> {
    with(|l| match &l.study_users {
        Some(users) => ecrf_core::sync::authors::unknown_authors(
            l.state.authors(),
            users.iter().map(String::as_str),
        ),
        None => BTreeMap::new(),
    })
}

/// Records the server tips this tab's counts were made with.
pub fn set_tips(tips: &ecrf_core::sync::outbox::ServerTips) {
    LOCAL.with(|l| l.borrow_mut().tips = tips.clone());
}

/// Sets what is not yet on the study's server: `pending`, the outbox the sync computed.
pub fn set_unsynced(pending: &[&Commit]) {
    LOCAL.with(|l| {
        let mut l = l.borrow_mut();
        l.unsynced = count_unsynced(&l.state, pending);
        l.unsent = pending.len();
    })
}

/// Repairs this device's forked chain, if the log holds one that no repair has re-applied yet
/// (`ecrf_core::log::fork`): one commit on the kept branch, by `system`, re-applies the commits
/// off it, which stay in the log and are never sent. `commits` is the stored log (as just
/// read to rebuild: the store is not read again). Returns how many were re-applied.
pub async fn repair_forks(db: &Db, commits: &[Commit]) -> Result<usize, SaveError> {
    use ecrf_core::log::fork::{repair_ops, repair_reason, unrepaired};
    let Some(device) = with(|l| l.log.as_ref().map(|g| g.device.clone())) else {
        return Err(SaveError::NotReady);
    };
    // A record of this device set aside (it does not open) leaves a gap in the chain that
    // would read as a fork: nothing is re-applied while the chain cannot be read whole.
    let gap = own_record_set_aside();
    let off = if gap {
        Vec::new()
    } else {
        unrepaired(commits, &device)
    };
    if off.is_empty() {
        return Ok(0);
    }
    let (ops, reason) = (repair_ops(&off), repair_reason(&off));
    save(db, ecrf_core::sync::authors::SYSTEM, Some(reason), ops).await?;
    Ok(off.len())
}
