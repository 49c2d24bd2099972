//! An uploaded bundle inside one PostgreSQL transaction, checked by the shared rules
//! ([`crate::store::upload_rules`]).
//!
//! Cursors come from an identity column, whose values are drawn when a row is inserted, not when
//! its transaction commits: two uploads running side by side could commit out of cursor order,
//! and a reader that had already paged past the later cursor would never see the earlier one.
//! So each upload first takes `commits` in EXCLUSIVE mode. That lock waits for, and blocks, every
//! other writer of the table, while plain reads (pulls, counts) go on: uploads are serialised,
//! cursors are drawn in commit order, and the lock is released only after the commit is visible.

use ecrf_core::sync::api::AckStatus;
use ecrf_core::sync::SealedCommit;
use postgres::{Client, Statement, Transaction};

use crate::store::upload_rules::{self, seq_param, Tip, UploadTx};
use crate::store::{StoreError, Uploader};

struct PgUpload<'a, 'c> {
    tx: &'a mut Transaction<'c>,
    insert: Statement,
    held: Statement,
}

impl UploadTx for PgUpload<'_, '_> {
    fn tip(&mut self, device: &str) -> Result<Tip, StoreError> {
        let last = self.tx.query_opt(
            "SELECT seq, commit_id FROM commits WHERE device_id = $1 ORDER BY seq DESC LIMIT 1",
            &[&device],
        )?;
        // FOR SHARE: a revocation of this device in progress is waited for, and one that has
        // not begun waits until this upload commits.
        let revoked = self
            .tx
            .query_opt(
                "SELECT revoked FROM devices WHERE id = $1 FOR SHARE",
                &[&device],
            )?
            .map(|r| r.try_get::<_, bool>(0))
            .transpose()?
            .unwrap_or(false);
        Ok(match last {
            Some(row) => Tip {
                seq: u64::try_from(row.try_get::<_, i64>(0)?).unwrap_or(0),
                id: row.try_get::<_, Vec<u8>>(1)?.try_into().ok(),
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
        let row = self.tx.query_opt(&self.held, &[&device, &seq_param(seq)])?;
        Ok(row.map(|r| r.try_get(0)).transpose()?)
    }

    fn insert(&mut self, c: &SealedCommit, uploader: &Uploader<'_>) -> Result<(), StoreError> {
        let h = &c.header;
        self.tx.execute(
            &self.insert,
            &[
                &h.device,
                &seq_param(h.seq),
                &h.commit_id.as_slice(),
                &h.prev.as_ref().map(|p| p.as_slice()),
                &h.to_bytes(),
                &c.body,
                &uploader.now,
                &uploader.user,
                &uploader.device,
            ],
        )?;
        Ok(())
    }
}

/// Checks and stores the bundle in one transaction, committed only when every commit passes.
pub fn upload(
    conn: &mut Client,
    uploader: &Uploader<'_>,
    commits: &[SealedCommit],
) -> Result<Vec<AckStatus>, StoreError> {
    let mut tx = conn.transaction()?;
    tx.batch_execute("LOCK TABLE commits IN EXCLUSIVE MODE")?;
    let insert = tx.prepare(
        "INSERT INTO commits (device_id, seq, commit_id, prev, header, sealed_body, received_at,
                              uploaded_by_user, uploaded_by_device)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )?;
    let held = tx.prepare("SELECT commit_id FROM commits WHERE device_id = $1 AND seq = $2")?;
    let acks = upload_rules::check_and_store(
        &mut PgUpload {
            tx: &mut tx,
            insert,
            held,
        },
        uploader,
        commits,
    )?;
    tx.commit()?;
    Ok(acks)
}
