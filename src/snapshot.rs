//! The study read at unlock through its sealed snapshot (`docs/sync-protocol.md`, "Sealed
//! snapshot"), and the snapshot kept fresh: an unlock opens one record and the commits stored
//! after it instead of every commit, and folds only those.
//!
//! The snapshot is a cache, never the record: it holds only commits already stored (a tab's
//! state holds nothing that is not on disk, and the store only grows), and when it cannot be used
//! (it does not open, or it names a commit the store lacks) every record is read as before.

use std::collections::{BTreeSet, HashSet};

use ecrf_core::log::State;

use crate::local;
use crate::storage::{Db, StorageError, Unreadable};

/// How many commits folded since the last snapshot make a new one worth writing (about a
/// second of a tablet's time for 2,000 patients, once).
pub const REFRESH_AFTER: usize = 500;

/// The study as read at unlock.
pub struct Loaded {
    /// Every stored commit that opens, folded.
    pub state: State,
    /// The stored records that did not open (set aside).
    pub unreadable: Vec<Unreadable>,
    /// How many commits came from the snapshot (0: none was used).
    pub from_snapshot: usize,
    /// How many records were read and opened.
    pub records_read: usize,
}

/// Reads the study: the snapshot and the records stored after it when it can, else every record.
///
/// # Errors
/// A read that fails, a locked database, or (reading every record) a store where nothing opens.
pub async fn read_study(db: &Db) -> Result<Loaded, StorageError> {
    match through_snapshot(db).await {
        Ok(Some(loaded)) => return Ok(loaded),
        Ok(None) => {}
        Err(e @ (StorageError::Sealed(_) | StorageError::Corrupt(_))) => {
            gloo::console::warn!(format!(
                "ecrf: the snapshot is not used ({e}); reading every record"
            ));
        }
        Err(e) => return Err(e),
    }
    let (commits, unreadable) = db.readable_commits().await?;
    Ok(Loaded {
        records_read: commits.len(),
        state: State::from_commits(&commits),
        unreadable,
        from_snapshot: 0,
    })
}

async fn through_snapshot(db: &Db) -> Result<Option<Loaded>, StorageError> {
    let started = crate::device::now_ms();
    let Some(snapshot) = db.snapshot().await? else {
        return Ok(None);
    };
    let opened = crate::device::now_ms();
    let mut state =
        State::restore(snapshot).map_err(|e| StorageError::Sealed(format!("snapshot: {e}")))?;
    let restored = crate::device::now_ms();
    let from_snapshot = state.commit_count();
    // The store only grows (no record is ever deleted) and the snapshot holds only stored
    // commits: as many records as the snapshot's commits is the same set, and nothing more is
    // read. Otherwise the records' keys (not the records) say which are new.
    let count = db.commit_count().await? as usize;
    gloo::console::log!(format!(
        "ecrf: snapshot read and opened in {:.0} ms, restored in {:.0} ms; {count} records stored",
        opened - started,
        restored - opened,
    ));
    if count == from_snapshot {
        return Ok(Some(Loaded {
            state,
            unreadable: Vec::new(),
            from_snapshot,
            records_read: 0,
        }));
    }
    let ids = db.commit_ids().await?;
    let stored: HashSet<&str> = ids.iter().map(String::as_str).collect();
    if let Some(missing) = state.summaries().find(|s| !stored.contains(&*s.id)) {
        return Err(StorageError::Sealed(format!(
            "snapshot: commit {} is not stored",
            missing.id
        )));
    }
    let new: BTreeSet<String> = ids
        .iter()
        .filter(|id| !state.contains(id))
        .cloned()
        .collect();
    let (commits, unreadable) = db.readable_commits_among(&new).await?;
    for c in &commits {
        state.apply(c);
    }
    Ok(Some(Loaded {
        state,
        unreadable,
        from_snapshot,
        records_read: commits.len(),
    }))
}

/// Writes a new snapshot of this tab's state when [`REFRESH_AFTER`] commits or more were folded
/// since the last one (sealed databases only); returns its size, bytes (0: none written).
///
/// # Errors
/// A write that fails (the last snapshot stays, still valid: it holds only stored commits).
pub async fn refresh(db: &Db) -> Result<usize, StorageError> {
    if !db.is_sealed() {
        return Ok(0);
    }
    let due = local::with(|l| {
        l.log.is_some() && l.state.commit_count() >= l.snapshot_commits + REFRESH_AFTER
    });
    if !due {
        return Ok(0);
    }
    let (snapshot, commits) = local::with(|l| (l.state.snapshot(), l.state.commit_count()));
    let size = db.put_snapshot(&snapshot).await?;
    local::set_snapshot_commits(commits);
    Ok(size)
}
