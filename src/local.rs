//! The device's copy of the study: the commit log in IndexedDB and its fold in memory.
//!
//! On start the state is rebuilt from the sealed snapshot and the commits stored after it (or from
//! every stored commit, `crate::snapshot`); after that each save is one commit,
//! written in its own IndexedDB transaction *before* it is applied to the in-memory state, so the
//! screen never shows what is not on disk. Views re-read the state when the revision signal
//! of [`crate::state::AppState`] changes.

use std::cell::RefCell;
use std::collections::BTreeMap;

use ecrf_core::log::{ChainLink, Commit, CommitSummary, DeviceLog, Op, State};

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
    /// How many commits the stored snapshot holds (as this tab last read or wrote it).
    pub snapshot_commits: usize,
    /// Records of commits already folded (from the snapshot) found damaged when they were to be
    /// sent, by id, with why: their content is in the fold, the record cannot be sent.
    damaged: BTreeMap<String, String>,
    /// Whether one of them is this device's own.
    own_damaged: bool,
    saving: bool,
}

thread_local! {
    static LOCAL: RefCell<Local> = RefCell::new(Local::default());
}

/// Reads the local study.
pub fn with<R>(f: impl FnOnce(&Local) -> R) -> R {
    LOCAL.with(|l| f(&l.borrow()))
}

/// The patients whose forms commit `id` touches (from what the state keeps of it).
fn patients_touched(state: &State, id: &str) -> Vec<String> {
    let mut out: Vec<String> = state
        .summary(id)
        .into_iter()
        .flat_map(|s| s.instances.iter())
        .filter_map(|instance| state.patient_of(instance).map(String::from))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The ids of the commits held that the study's server lacks (`ecrf_core::sync::outbox`, from
/// what the state keeps of each commit: no commit is read).
pub fn pending_ids(state: &State, tips: &ecrf_core::sync::outbox::ServerTips) -> Vec<String> {
    let summaries: Vec<&CommitSummary> = state.summaries().collect();
    ecrf_core::sync::outbox::outbox(&summaries, tips)
        .iter()
        .map(|s| s.id().to_owned())
        .collect()
}

/// The commits held that the study's server lacks, read from the store after catching up with
/// what other tabs stored: only those records are read (what does not open was set aside and
/// is not among them).
pub async fn read_pending(
    db: &Db,
    tips: &ecrf_core::sync::outbox::ServerTips,
) -> Result<Vec<Commit>, StorageError> {
    catch_up(db).await?;
    let ids: std::collections::BTreeSet<String> =
        with(|l| pending_ids(&l.state, tips)).into_iter().collect();
    let (commits, unreadable) = db.readable_commits_among(&ids).await?;
    // A record folded from the snapshot that was damaged since: its content is in the fold,
    // but it cannot be sent; set aside now, so the storage card says so.
    if !unreadable.is_empty() {
        gloo::console::error!(format!(
            "ecrf: {} unsent records do not open and are set aside: {unreadable:?}",
            unreadable.len()
        ));
        LOCAL.with(|l| {
            let mut l = l.borrow_mut();
            let device = l.log.as_ref().map(|g| g.device.clone());
            for u in unreadable {
                l.own_damaged |= device.as_deref() == Some(u.device.as_str());
                l.damaged.insert(u.id, u.why);
            }
        });
    }
    Ok(commits)
}

/// The local study of `state` (every commit stored that opens, folded; or a snapshot of it with
/// the commits stored after) for `device`, with what the study's server holds as `tips`. What is
/// not on it is counted per patient, and the device resumes its chain, from the commits'
/// summaries alone. `snapshot_commits`: how many commits the stored snapshot holds.
pub fn rebuild(
    device: &str,
    state: State,
    tips: &ecrf_core::sync::outbox::ServerTips,
    snapshot_commits: usize,
) -> Local {
    let pending = pending_ids(&state, tips);
    let unsynced = count_unsynced(&state, pending.iter().map(String::as_str));
    let log = DeviceLog::resume(device, state.summaries());
    let own = state.summaries().filter(|s| &*s.device == device).count() as u64;
    Local {
        tips: tips.clone(),
        unsent: pending.len(),
        unsynced,
        log: Some(log),
        own,
        commits: state.commit_count(),
        state,
        study_users: None,
        set_aside: BTreeMap::new(),
        set_aside_received: BTreeMap::new(),
        unreadable_stored: 0,
        own_unreadable: 0,
        snapshot_commits,
        damaged: BTreeMap::new(),
        own_damaged: false,
        saving: false,
    }
}

/// The commits of `pending` (ids) touching each patient.
fn count_unsynced<'a>(
    state: &State,
    pending: impl IntoIterator<Item = &'a str>,
) -> BTreeMap<String, usize> {
    let mut unsynced: BTreeMap<String, usize> = BTreeMap::new();
    for id in pending {
        for p in patients_touched(state, id) {
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
        for p in patients_touched(&l.state, &commit.id) {
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
    // Only the records this tab has not folded are read (and those set aside, again).
    let ids = db.commit_ids().await?;
    let new: std::collections::BTreeSet<String> =
        with(|l| ids.into_iter().filter(|id| !l.state.contains(id)).collect());
    let (fresh, unreadable) = db.readable_commits_among(&new).await?;
    set_unreadable(unreadable);
    let received = apply_received(&fresh);
    // The study's users as the other tab's exchange listed them.
    if let Some(users) = db.meta(crate::sync::run::USERS_KEY).await? {
        set_study_users(users);
    }
    let pending = with(|l| pending_ids(&l.state, &tips));
    set_unsynced(pending.iter().map(String::as_str));
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
            for p in patients_touched(&l.state, &c.id) {
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
            .chain(&l.damaged)
            .chain(&l.set_aside_received)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    })
}

/// Whether a record of this device is set aside: its chain has a gap the server cannot take,
/// so what follows cannot be sent until the data manager restores it.
pub fn own_record_set_aside() -> bool {
    with(|l| l.own_unreadable > 0 || l.own_damaged)
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

/// Records how many commits the stored snapshot holds (after writing one).
pub fn set_snapshot_commits(n: usize) {
    LOCAL.with(|l| l.borrow_mut().snapshot_commits = n);
}

/// Records the server tips this tab's counts were made with.
pub fn set_tips(tips: &ecrf_core::sync::outbox::ServerTips) {
    LOCAL.with(|l| l.borrow_mut().tips = tips.clone());
}

/// Sets what is not yet on the study's server: `pending`, the ids of the outbox the sync
/// computed.
pub fn set_unsynced<'a>(pending: impl IntoIterator<Item = &'a str>) {
    LOCAL.with(|l| {
        let mut l = l.borrow_mut();
        let pending: Vec<&str> = pending.into_iter().collect();
        l.unsynced = count_unsynced(&l.state, pending.iter().copied());
        l.unsent = pending.len();
    })
}
