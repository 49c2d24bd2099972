//! The upload rules of `docs/sync-protocol.md`, "Upload", written once for every backend:
//! duplicates, conflicts, gaps, each device's hash chain and revoked authors, read from the
//! clear headers only. A backend supplies the reads and the insert inside its own transaction
//! ([`UploadTx`]), so acknowledgements and refusals are the same whatever the database.

use std::collections::hash_map::Entry;
use std::collections::HashMap;

use ecrf_core::sync::api::AckStatus;
use ecrf_core::sync::SealedCommit;

use super::{RefusalKind, StoreError, UploadRefusal, Uploader};

/// What the transaction knows of one author device: its last sequence and commit id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tip {
    /// The last sequence held (0 when none).
    pub seq: u64,
    /// The id of the commit at that sequence.
    pub id: Option<[u8; 32]>,
    /// Whether the device is revoked.
    pub revoked: bool,
}

/// The reads and writes of an open upload transaction; the caller commits it only when
/// [`check_and_store`] succeeds.
pub trait UploadTx {
    /// The device's tip as stored.
    fn tip(&mut self, device: &str) -> Result<Tip, StoreError>;
    /// The id of the commit held at (device, seq), if any.
    fn held_id(&mut self, device: &str, seq: u64) -> Result<Option<Vec<u8>>, StoreError>;
    /// Stores a checked commit with the next cursor.
    fn insert(&mut self, commit: &SealedCommit, uploader: &Uploader<'_>) -> Result<(), StoreError>;
}

/// A sequence as an SQL integer. Sequences above i64::MAX cannot be stored; as a parameter they
/// would only ever miss.
pub fn seq_param(seq: u64) -> i64 {
    i64::try_from(seq).unwrap_or(i64::MAX)
}

fn refuse(kind: RefusalKind, c: &SealedCommit) -> StoreError {
    StoreError::Upload(UploadRefusal {
        kind,
        device: c.header.device.clone(),
        seq: c.header.seq,
    })
}

/// Checks every commit in (device, sequence) order and stores the new ones. The
/// acknowledgements follow the bundle's order; the first refusal ends the upload.
pub fn check_and_store(
    tx: &mut dyn UploadTx,
    uploader: &Uploader<'_>,
    commits: &[SealedCommit],
) -> Result<Vec<AckStatus>, StoreError> {
    let mut order: Vec<usize> = (0..commits.len()).collect();
    order.sort_by(|&a, &b| {
        let (a, b) = (&commits[a].header, &commits[b].header);
        (&a.device, a.seq).cmp(&(&b.device, b.seq))
    });
    let mut tips: HashMap<&str, Tip> = HashMap::new();
    let mut acks = vec![AckStatus::Stored; commits.len()];
    for i in order {
        let c = &commits[i];
        let h = &c.header;
        let tip = match tips.entry(h.device.as_str()) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(tx.tip(&h.device)?),
        };
        if h.seq <= tip.seq {
            let id = tx.held_id(&h.device, h.seq)?;
            if id.as_deref() == Some(h.commit_id.as_slice()) {
                acks[i] = AckStatus::Duplicate;
                continue;
            }
            tracing::warn!(
                device = %h.device,
                seq = h.seq,
                uploader_user = %uploader.user,
                uploader_device = %uploader.device,
                "upload: commit conflict"
            );
            return Err(refuse(RefusalKind::Conflict, c));
        }
        if tip.revoked {
            return Err(refuse(RefusalKind::DeviceRevoked, c));
        }
        if h.seq != tip.seq + 1 {
            let expected = tip.seq + 1;
            return Err(refuse(RefusalKind::Gap { expected }, c));
        }
        if h.prev != tip.id {
            return Err(refuse(RefusalKind::ChainBroken, c));
        }
        tx.insert(c, uploader)?;
        tip.seq = h.seq;
        tip.id = Some(h.commit_id);
    }
    Ok(acks)
}
