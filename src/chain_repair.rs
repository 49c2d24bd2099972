//! The repair of this device's chain of commits forked by two tabs (before saves were
//! serialised): its off-branch commits re-applied on the kept branch.

use ecrf_core::log::{ChainLink, Commit, CommitSummary};

use crate::local;
use crate::storage::Db;

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
