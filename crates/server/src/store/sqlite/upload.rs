//! An uploaded bundle inside one SQLite transaction: the reads and the insert that the shared
//! rules ([`crate::store::upload_rules`]) need. SQLite serialises writers, so cursors are
//! handed out in commit order.

use ecrf_core::sync::api::AckStatus;
use ecrf_core::sync::SealedCommit;
use rusqlite::{params, OptionalExtension, Statement, Transaction};

use crate::store::upload_rules::{self, seq_param, Tip, UploadTx};
use crate::store::{StoreError, Uploader};

/// The open transaction with its prepared statements.
struct SqliteUpload<'a, 'c> {
    tx: &'a Transaction<'c>,
    insert: Statement<'a>,
    held: Statement<'a>,
}

impl UploadTx for SqliteUpload<'_, '_> {
    fn tip(&mut self, device: &str) -> Result<Tip, StoreError> {
        let last: Option<(i64, Vec<u8>)> = self
            .tx
            .query_row(
                "SELECT seq, commit_id FROM commits WHERE device_id = ?1 ORDER BY seq DESC LIMIT 1",
                [device],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        let revoked: bool = self
            .tx
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

    fn held_id(&mut self, device: &str, seq: u64) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self
            .held
            .query_row(params![device, seq_param(seq)], |r| r.get(0))
            .optional()?)
    }

    fn insert(&mut self, c: &SealedCommit, uploader: &Uploader<'_>) -> Result<(), StoreError> {
        let h = &c.header;
        self.insert.execute(params![
            h.device,
            seq_param(h.seq),
            h.commit_id.as_slice(),
            h.prev.as_ref().map(|p| p.as_slice()),
            h.to_bytes(),
            c.body,
            uploader.now,
            uploader.user,
            uploader.device
        ])?;
        Ok(())
    }
}

/// Checks and stores the bundle; the caller commits the transaction only when this succeeds.
pub fn check_and_store(
    tx: &Transaction<'_>,
    uploader: &Uploader<'_>,
    commits: &[SealedCommit],
) -> Result<Vec<AckStatus>, StoreError> {
    let mut upload = SqliteUpload {
        tx,
        insert: tx.prepare(
            "INSERT INTO commits (device_id, seq, commit_id, prev, header, sealed_body,
                                  received_at, uploaded_by_user, uploaded_by_device)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        )?,
        held: tx.prepare("SELECT commit_id FROM commits WHERE device_id = ?1 AND seq = ?2")?,
    };
    upload_rules::check_and_store(&mut upload, uploader, commits)
}
