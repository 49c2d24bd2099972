//! One sync: send the sealed commits the server lacks (in bundles, each acknowledged commit
//! recorded at once), then receive every commit after the stored cursor, open and check each,
//! store them in one transaction and fold them in. Interrupted anywhere, it loses and
//! duplicates nothing: commit ids are the identity, the server acknowledges repeats, and the
//! cursor and the server tips are saved only after what they describe is stored.

use ecrf_core::log::Commit;
use ecrf_core::sync::api::UploadResult;
use ecrf_core::sync::batches::split_batches;
use ecrf_core::sync::outbox::{on_server, outbox, ServerTips};
use ecrf_core::sync::Bundle;

use super::http::{get_page, post_bundle, SyncError};
use super::session::Session;
use crate::storage::Db;

/// The `meta` key of the study's users as the server last listed them (names), kept so that
/// the check of commit authors holds offline too.
pub const USERS_KEY: &str = "sync.study_users";
/// The `meta` key of the commits received from the server that did not open or check
/// ("device #sequence" -> why): set aside, remembered, shown; the exchange goes on without them.
pub const UNOPENED_KEY: &str = "sync.unopened";
/// The `meta` key of the server tips ([`ServerTips`]).
pub const TIPS_KEY: &str = "sync.server_tips";
const CURSOR_KEY: &str = "sync.cursor";
/// The study this device's tips and cursor belong to (hex), set at its first exchange.
const STUDY_KEY: &str = "sync.study";
/// At most this many commits, and this many bytes, per upload.
pub(crate) const BUNDLE_COMMITS: usize = 2_000;
pub(crate) const BUNDLE_BYTES: usize = 4 * 1024 * 1024;

/// What one sync did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Outcome {
    /// Commits sent and newly stored by the server.
    pub sent: usize,
    /// Commits received that this device did not hold.
    pub received: usize,
    /// Commits still to send (0 after a complete sync).
    pub unsent: usize,
}

fn local(e: impl std::fmt::Display) -> SyncError {
    SyncError::Local(e.to_string())
}

/// One pass over the outbox: how many commits the server newly stored, and the refusals that
/// named an author device (each stops that device's commits only). Any other failure (the
/// network, a refusal of the session or of the upload as a whole) ends the pass.
async fn send_once(
    db: &Db,
    session: &Session,
    commits: &[Commit],
    tips: &mut ServerTips,
) -> Result<(usize, Vec<SyncError>), SyncError> {
    let pending = outbox(commits, tips);
    let sealed = super::seal_all(&pending, &session.key).map_err(|e| match e {
        super::SealError::NoRandom => {
            SyncError::Local("this browser gives no secure random numbers".into())
        }
        super::SealError::Format(m) => SyncError::Local(m),
    })?;
    let sizes: Vec<usize> = sealed.iter().map(|s| s.to_bytes().len()).collect();
    let mut sent = 0;
    // One author device's commits per bundle (the outbox is in (device, sequence) order): a
    // device the server refuses (revoked, say, for commits imported from a bundle file) stops
    // only its own commits; the others are still sent.
    let mut refused: Vec<SyncError> = Vec::new();
    let mut stopped: Option<&str> = None;
    let mut start = 0;
    let mut ranges = Vec::new();
    while start < pending.len() {
        let device = &pending[start].body.device;
        let end = start
            + pending[start..]
                .iter()
                .take_while(|c| &c.body.device == device)
                .count();
        for r in split_batches(&sizes[start..end], BUNDLE_COMMITS, BUNDLE_BYTES) {
            ranges.push(r.start + start..r.end + start);
        }
        start = end;
    }
    for range in ranges {
        let device = pending[range.start].body.device.as_str();
        if stopped == Some(device) {
            continue;
        }
        let bundle = Bundle {
            study: session.study,
            commits: sealed[range].to_vec(),
        };
        let bytes = bundle.to_bytes().map_err(local)?;
        let result: UploadResult = match post_bundle(&session.token, &bytes).await {
            Ok(r) => r,
            Err(e @ SyncError::Refused { .. }) if refusal_device(&e) == Some(device) => {
                stopped = Some(device);
                refused.push(e);
                continue;
            }
            Err(e) => return Err(e),
        };
        // Only acknowledgements of commits this bundle carried move a tip.
        let carried: std::collections::BTreeSet<(String, u64, String)> = bundle
            .commits
            .iter()
            .map(|c| {
                (
                    c.header.device.clone(),
                    c.header.seq,
                    c.header.commit_id_hex(),
                )
            })
            .collect();
        for ack in &result.acks {
            if !carried.contains(&(ack.device.clone(), ack.seq, ack.commit_id.clone())) {
                continue;
            }
            on_server(tips, &ack.device, ack.seq);
            if ack.status == ecrf_core::sync::api::AckStatus::Stored {
                sent += 1;
            }
        }
        db.set_meta(TIPS_KEY, tips).await.map_err(local)?;
    }
    Ok((sent, refused))
}

/// The author device a refusal names, if any.
fn refusal_device(e: &SyncError) -> Option<&str> {
    match e {
        SyncError::Refused { device, .. } => device.as_deref(),
        _ => None,
    }
}

/// Sends the outbox (`commits`: the unsent commits read for it). When the server holds less of a
/// device's chain than the tips say (a server restored from a backup), it names the sequence it
/// expects: every such device's tip moves back to it, what is unsent from there is read again
/// into `commits`, and sent once more. Returns how many commits the server newly stored, or the
/// first refusal left.
async fn send(
    db: &Db,
    session: &Session,
    commits: &mut Vec<Commit>,
    tips: &mut ServerTips,
) -> Result<usize, SyncError> {
    let (mut sent, mut refused) = send_once(db, session, commits, tips).await?;
    let mut moved = false;
    for e in &refused {
        if let SyncError::Refused {
            code,
            device: Some(device),
            expected: Some(expected),
            ..
        } = e
        {
            if code == "sequence_gap" && tips.get(device).is_some_and(|t| t >= expected) {
                tips.insert(device.clone(), expected.saturating_sub(1));
                moved = true;
            }
        }
    }
    if moved {
        db.set_meta(TIPS_KEY, tips).await.map_err(local)?;
        // The commits between the expected sequence and the old tip were not read: read again.
        *commits = crate::local::read_pending(db, tips).await.map_err(local)?;
        let (again, still) = send_once(db, session, commits, tips).await?;
        sent += again;
        refused = still;
    }
    match refused.into_iter().next() {
        Some(e) => Err(e),
        None => Ok(sent),
    }
}

async fn receive(
    db: &Db,
    session: &Session,
    tips: &mut ServerTips,
    held: &mut Vec<Commit>,
) -> Result<usize, SyncError> {
    let mut cursor: u64 = db.meta(CURSOR_KEY).await.map_err(local)?.unwrap_or(0);
    let mut received = 0;
    loop {
        let (bytes, next, more) = get_page(&session.token, cursor).await?;
        let bundle = Bundle::from_bytes(&bytes, Some(&session.study)).map_err(local)?;
        let mut commits = Vec::with_capacity(bundle.commits.len());
        let mut unopened = std::collections::BTreeMap::new();
        for sealed in &bundle.commits {
            // One commit that does not open (sealed under a false id by a holder of the study
            // key, say) is set aside: it must not cut this tablet off from every later one.
            match sealed.open(std::slice::from_ref(&session.key)) {
                Ok(commit) => commits.push(commit),
                Err(e) => {
                    let at = format!("{} #{}", sealed.header.device, sealed.header.seq);
                    gloo::console::error!(format!(
                        "ecrf: commit {at} from the server does not open: {e}"
                    ));
                    unopened.insert(at, e.to_string());
                }
            }
        }
        if !unopened.is_empty() {
            let mut kept: std::collections::BTreeMap<String, String> = db
                .meta(UNOPENED_KEY)
                .await
                .map_err(local)?
                .unwrap_or_default();
            kept.extend(unopened.clone());
            db.set_meta(UNOPENED_KEY, &kept).await.map_err(local)?;
            crate::local::set_aside_received(unopened);
        }
        db.import_commits(&commits).await.map_err(local)?;
        received += crate::local::apply_received(&commits);
        for c in &commits {
            on_server(tips, &c.body.device, c.body.seq);
        }
        held.extend(commits.iter().cloned());
        db.set_meta(TIPS_KEY, tips).await.map_err(local)?;
        db.set_meta(CURSOR_KEY, &next).await.map_err(local)?;
        // The other tabs of this device follow what was stored.
        if !commits.is_empty() {
            crate::writer::announce(&db.name());
        }
        cursor = next;
        if !more {
            return Ok(received);
        }
    }
}

/// Checks that this tablet's records belong to `study` (the study of the key about to seal or
/// open them), recording it at the first use: records of one study are never sealed, sent or
/// imported as another's (a server at the same address set up anew, say).
pub async fn check_study(db: &Db, study: &ecrf_core::sync::StudyId) -> Result<(), SyncError> {
    let study = hex::encode(study);
    match db.meta::<String>(STUDY_KEY).await.map_err(local)? {
        Some(s) if s != study => Err(SyncError::Local(format!(
            "this tablet's records belong to study {s}, not to study {study} (this server's or \
             this file's): nothing was exchanged"
        ))),
        Some(_) => Ok(()),
        None => db.set_meta(STUDY_KEY, &study).await.map_err(local),
    }
}

/// Forgets what this tablet keeps for revoked study accounts: their vault records (they no
/// longer unlock it; never the last) and their cached study-key records (they no longer open
/// the key offline). A failure to write only leaves them as they were: a warning.
pub async fn forget_revoked(db: &Db, revoked: &[&str]) {
    if revoked.is_empty() {
        return;
    }
    if let Err(e) = crate::vault::forget_users(db, revoked).await {
        gloo::console::warn!(format!(
            "ecrf: revoked accounts still unlock this tablet: {e}"
        ));
    }
    if let Err(e) = super::carry::forget_keys(db, revoked).await {
        gloo::console::warn!(format!("ecrf: revoked accounts' key records kept: {e}"));
    }
}

/// Lists the study's users, against whom the authors of what this tablet holds are checked
/// (`docs/sync-protocol.md`, "Authors"), and keeps the list. A failure keeps the last list: the
/// exchange itself went through.
async fn study_users(db: &Db, session: &Session) {
    let users: Vec<ecrf_core::sync::api::UserInfo> =
        match super::http::get_json("users", Some(&session.token)).await {
            Ok(u) => u,
            Err(e) => {
                gloo::console::warn!(format!("ecrf: the study's users were not listed: {e:?}"));
                return;
            }
        };
    // A revoked account must not unlock this tablet, nor open the study key offline, any
    // longer (the last key record of the tablet stays: `Vault::forget_user`).
    let revoked: Vec<&str> = users
        .iter()
        .filter(|u| u.revoked)
        .map(|u| u.user.as_str())
        .collect();
    forget_revoked(db, &revoked).await;
    let names: Vec<String> = users.into_iter().map(|u| u.user).collect();
    if let Err(e) = db.set_meta(USERS_KEY, &names).await {
        gloo::console::warn!(format!("ecrf: the study's users were not kept: {e}"));
    }
    crate::local::set_study_users(names);
}

/// Sends what the server lacks, then receives what this device lacks. Receiving happens even
/// when sending was refused (one stuck commit must not cut the tablet off from the others'
/// records); the first failure is returned after both.
pub async fn sync_once(db: &Db, session: &Session) -> Result<Outcome, SyncError> {
    check_study(db, &session.study).await?;
    // What the service worker sent while this tab was closed (Background Sync) moves the tips.
    if let Err(e) = super::background::take_acks(db).await {
        gloo::console::warn!(format!(
            "ecrf: background sync acknowledgements not read: {e:?}"
        ));
    }
    let mut tips: ServerTips = db.meta(TIPS_KEY).await.map_err(local)?.unwrap_or_default();
    // Only the unsent records are read, and none when this tablet has nothing to send (the usual
    // timer round); what is received is added to them (a commit received that was already held
    // is above no tip, so the outbox is unchanged by the duplicate).
    let nothing_to_send = crate::local::with(|l| l.unsent == 0);
    let mut held = if nothing_to_send {
        Vec::new()
    } else {
        // Only what the server lacks is read; what does not open was set aside when the study
        // was read: it is not sent.
        crate::local::read_pending(db, &tips).await.map_err(local)?
    };
    let sent = if session.role.can_write() {
        send(db, session, &mut held, &mut tips).await
    } else {
        Ok(0)
    };
    let received = receive(db, session, &mut tips, &mut held).await;
    if received.is_ok() {
        study_users(db, session).await;
    }
    let pending = outbox(&held, &tips);
    if sent.is_ok() && !nothing_to_send && pending.is_empty() {
        // Everything this tablet holds is on the server: a hand-off waiting for the network
        // would only repeat it.
        let _ = super::background::clear().await;
    }
    crate::local::set_unsynced(pending.iter().map(|c| c.id.as_str()));
    crate::local::set_tips(&tips);
    // The other tabs count again what is not yet sent.
    crate::writer::announce(&db.name());
    let unsent = pending.len();
    // After a large pull (a new tablet's first exchange), the next unlock reads a snapshot.
    if let Err(e) = crate::snapshot::refresh(db).await {
        gloo::console::warn!(format!("ecrf: snapshot not written: {e}"));
    }
    Ok(Outcome {
        sent: sent?,
        received: received?,
        unsent,
    })
}
