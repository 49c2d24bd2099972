//! Checking and storing an uploaded bundle inside one SQLite transaction: the rules of
//! `docs/sync-protocol.md`, "Upload" (duplicates, conflicts, gaps, each device's hash chain,
//! revoked authors), read from the clear headers only.

use std::collections::HashMap;

use ecrf_core::sync::api::AckStatus;
use ecrf_core::sync::SealedCommit;
use rusqlite::{params, OptionalExtension, Transaction};

use crate::store::{RefusalKind, StoreError, UploadRefusal, Uploader};

/// What the transaction knows of one author device: its last sequence and commit id.
struct Tip {
    seq: u64,
    id: Option<[u8; 32]>,
    revoked: bool,
}

fn refuse(kind: RefusalKind, c: &SealedCommit) -> StoreError {
    StoreError::Upload(UploadRefusal {
        kind,
        device: c.header.device.clone(),
        seq: c.header.seq,
    })
}

fn seq_param(seq: u64) -> i64 {
    // Sequences above i64::MAX cannot be stored; as a parameter they would only ever miss.
    i64::try_from(seq).unwrap_or(i64::MAX)
}

fn tip(tx: &Transaction<'_>, device: &str) -> Result<Tip, StoreError> {
    let last: Option<(i64, Vec<u8>)> = tx
        .query_row(
            "SELECT seq, commit_id FROM commits WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1",
            [device],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let revoked: bool = tx
        .query_row("SELECT revoked FROM devices WHERE id = ?1", [device], |r| {
            r.get(0)
        })
        .optional()?
        .unwrap_or(false);
    Ok(match last {
        Some((seq, id)) => Tip {
            seq: u64::try_from(seq).unwrap_or(0),
            id: id.try_into().ok(),
            revoked,
        },
        None => Tip {
            seq: 0,
            id: None,
            revoked,
        },
    })
}

/// Checks every commit in (device, sequence) order and stores the new ones; the caller commits
/// the transaction only when this succeeds. The acknowledgements follow the bundle's order.
pub fn check_and_store(
    tx: &Transaction<'_>,
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
    let mut insert = tx.prepare(
        "INSERT INTO commits (device_id, seq, commit_id, prev, header, sealed_body, received_at,
                              uploaded_by_user, uploaded_by_device)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    let mut held = tx.prepare("SELECT commit_id FROM commits WHERE device_id = ?1 AND seq = ?2")?;
    for i in order {
        let c = &commits[i];
        let h = &c.header;
        let tip = match tips.entry(h.device.as_str()) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(e) => e.insert(tip(tx, &h.device)?),
        };
        if h.seq <= tip.seq {
            let id: Option<Vec<u8>> = held
                .query_row(params![h.device, seq_param(h.seq)], |r| r.get(0))
                .optional()?;
            if id.as_deref() == Some(h.commit_id.as_slice()) {
                acks[i] = AckStatus::Duplicate;
                continue;
            }
            tracing::warn!(device = %h.device, seq = h.seq, "upload: commit conflict");
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
        let header = h.to_bytes();
        insert.execute(params![
            h.device,
            seq_param(h.seq),
            h.commit_id.as_slice(),
            h.prev.as_ref().map(|p| p.as_slice()),
            header,
            c.body,
            uploader.now,
            uploader.user,
            uploader.device
        ])?;
        tip.seq = h.seq;
        tip.id = Some(h.commit_id);
    }
    Ok(acks)
}
