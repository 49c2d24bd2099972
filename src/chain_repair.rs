//! Repairs of this device's chain of commits: a chain forked by two tabs (its off-branch
//! commits re-applied on the kept branch), and a chain the server can never take whole because
//! one of its unsent records is damaged (the rest re-sent under a new device id:
//! `docs/sync-protocol.md`, "Re-chaining a device").

use ecrf_core::log::recover::RECHAIN_REASON;
use ecrf_core::log::{ChainLink, Commit, CommitSummary, DeviceLog};
use ecrf_core::sync::outbox::{ServerTips, RETIRED_TIP};

use crate::local;
use crate::storage::Db;
use crate::sync::run::TIPS_KEY;

/// Repairs this device's forked chain, if the log holds one that no repair has re-applied yet
/// (`ecrf_core::log::fork`, found from the commits' summaries): one commit on the kept branch,
/// by `system`, re-applies the commits off it, which stay in the log and are never sent (only
/// then are this device's commits read, for their operations). Returns how many were
/// re-applied.
pub async fn repair_forks(db: &Db) -> Result<usize, local::SaveError> {
    use ecrf_core::log::fork::{repair_ops, repair_reason, unrepaired};
    let Some(device) = local::with(|l| l.log.as_ref().map(|g| g.device.clone())) else {
        return Err(local::SaveError::NotReady);
    };
    // A record of this device set aside (it does not open) leaves a gap in the chain that
    // would read as a fork: nothing is re-applied while the chain cannot be read whole.
    if local::own_record_set_aside() {
        return Ok(0);
    }
    let off_ids: Vec<String> = local::with(|l| {
        let summaries: Vec<&CommitSummary> = l.state.summaries().collect();
        unrepaired(&summaries, &device)
            .iter()
            .map(|s| s.id().to_owned())
            .collect()
    });
    if off_ids.is_empty() {
        return Ok(0);
    }
    let own = db
        .device_commits(&device)
        .await
        .map_err(local::SaveError::Storage)?;
    let off: Vec<&Commit> = off_ids
        .iter()
        .filter_map(|id| own.iter().find(|c| c.id == *id))
        .collect();
    if off.len() != off_ids.len() {
        // A commit of the fork no longer reads: never a repair that leaves part of it out.
        return Ok(0);
    }
    let (ops, reason) = (repair_ops(&off), repair_reason(&off));
    local::save(db, ecrf_core::sync::authors::SYSTEM, Some(reason), ops).await?;
    Ok(off.len())
}

/// What a re-chaining did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rechained {
    /// The device whose chain is retired.
    pub old: String,
    /// The new device id this tablet continues as.
    pub new: String,
    /// How many of the old device's commits the new one's first commit makes again.
    pub commits: usize,
}

/// Makes this device's commits the study's server does not hold again, as one commit by
/// `system` of a new device id, when one of its own unsent records is set aside (damaged): the
/// server takes each device's chain without gaps, so without this nothing saved on this tablet
/// after that record could ever be sent. Each commit's content is read back from the fold
/// (`ecrf_core::log::recover`), so a record damaged after it was folded is re-sent too; a record
/// that never opened on this tablet has no content here to re-send. Then the old chain is
/// retired (its tip set to [`RETIRED_TIP`]: never sent) and this tablet continues as the new
/// device, whose first commit the server takes as any new device's. The other tabs lock (they
/// would write as the old device).
///
/// Crash-safe in its order: the commit is stored first (a stop after it leaves a commit of
/// another device, which the next exchange sends as a relayed one), then the device id, then
/// the retirement. `Ok(None)` when nothing of this device is set aside.
pub async fn rechain(db: &Db) -> Result<Option<Rechained>, local::SaveError> {
    let storage = local::SaveError::Storage;
    let Some(old) = local::with(|l| l.log.as_ref().map(|g| g.device.clone())) else {
        return Err(local::SaveError::NotReady);
    };
    if !local::own_record_set_aside() {
        return Ok(None);
    }
    let mut tips: ServerTips = db
        .meta(TIPS_KEY)
        .await
        .map_err(storage)?
        .unwrap_or_default();
    let on_server = tips.get(&old).copied().unwrap_or(0);
    let new = format!("tab-{}", crate::device::random_hex(6));
    let (ids, ops, log) = local::with(|l| {
        let mut unsent: Vec<&CommitSummary> = l
            .state
            .summaries()
            .filter(|s| *s.device == *old && s.seq > on_server)
            .collect();
        unsent.sort_by(|a, b| (a.seq, &a.id).cmp(&(b.seq, &b.id)));
        let ids: Vec<&str> = unsent.iter().map(|s| &*s.id).collect();
        let ops = l.state.rechain_ops(&ids);
        let log = DeviceLog::resume(&new, l.state.summaries());
        let ids: Vec<String> = ids.into_iter().map(str::to_owned).collect();
        (ids, ops, log)
    });
    let reason = match (ids.first(), ids.last()) {
        (Some(_), Some(_)) => format!(
            "{RECHAIN_REASON} {old} #{}..#{}",
            on_server + 1,
            on_server + ids.len() as u64
        ),
        _ => format!("{RECHAIN_REASON} {old} (none readable)"),
    };
    let previous = local::continue_as(log);
    if !ops.is_empty() {
        if let Err(e) = local::save(db, ecrf_core::sync::authors::SYSTEM, Some(reason), ops).await {
            local::put_back(previous);
            return Err(e);
        }
    }
    db.set_meta(crate::state::DEVICE_KEY, &new)
        .await
        .map_err(storage)?;
    tips.insert(old.clone(), RETIRED_TIP);
    db.set_meta(TIPS_KEY, &tips).await.map_err(storage)?;
    local::set_tips(&tips);
    let pending = local::with(|l| local::pending_ids(&l.state, &tips));
    local::set_unsynced(pending.iter().map(String::as_str));
    crate::writer::announce_lock(&db.name());
    Ok(Some(Rechained {
        old,
        new,
        commits: ids.len(),
    }))
}
