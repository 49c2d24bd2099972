//! The sync client: signing in to the study's server, sending this device's commits sealed with
//! the study data key and receiving everyone else's (`docs/sync-protocol.md`). The status every
//! screen shows lives here. The demo database never syncs.

pub mod admin;
pub mod background;
pub mod carry;
pub mod http;
pub mod run;
pub mod session;

use leptos::prelude::*;
use leptos::task::spawn_local;

pub use http::SyncError;
pub use run::Outcome;

/// Fills `buf` from the browser's secure generator (Web Crypto); false when there is none (a
/// nonce or key is then never made from a weaker source).
pub fn secure_random(buf: &mut [u8]) -> bool {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .is_some_and(|c| c.get_random_values_with_u8_array(buf).is_ok())
}

/// Why commits could not be sealed for the study's server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SealError {
    /// The browser gives no secure random numbers (a nonce is never made from a weaker source).
    NoRandom,
    /// The format refused a commit (its reason).
    Format(String),
}

/// Seals `commits` under the study data `key`, each with a fresh random nonce, deflated: what
/// an upload, a Background Sync hand-off and a bundle file carry (`docs/sync-protocol.md`).
pub fn seal_all(
    commits: &[&ecrf_core::log::Commit],
    key: &ecrf_core::sync::DataKey,
) -> Result<Vec<ecrf_core::sync::SealedCommit>, SealError> {
    use ecrf_core::sync::{Compression, SealedCommit};
    commits
        .iter()
        .map(|c| {
            let mut nonce = [0u8; 12];
            if !secure_random(&mut nonce) {
                return Err(SealError::NoRandom);
            }
            SealedCommit::seal(c, key, nonce, Compression::Deflate)
                .map_err(|e| SealError::Format(e.to_string()))
        })
        .collect()
}

/// Where sync stands, for every screen.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncStatus {
    /// The signed-in user, if any.
    pub user: Option<String>,
    /// The user's role only reads (a monitor): this tablet's changes are not sent.
    pub read_only: bool,
    /// The user is the study's data manager (manages users and devices).
    pub admin: bool,
    /// Signing in (the key derivation takes seconds).
    pub signing_in: bool,
    /// Signed in with a temporary passphrase, which must be changed before anything else.
    pub must_change: bool,
    /// A sync is running.
    pub running: bool,
    /// When the last sync completed (ms since the epoch) and what it did.
    pub last: Option<(f64, Outcome)>,
    /// The last failure.
    pub error: Option<SyncError>,
    /// Exchanges completed (or failed) since the page opened.
    pub exchanges: u64,
}

/// The status signal, provided once at the root.
#[derive(Debug, Clone, Copy)]
pub struct SyncContext {
    /// The status.
    pub status: RwSignal<SyncStatus>,
}

/// Provides the sync status (after the app state).
pub fn provide_sync() -> SyncContext {
    let ctx = SyncContext {
        status: RwSignal::new(SyncStatus::default()),
    };
    provide_context(ctx);
    send_after_saves(ctx, crate::state::use_app_state());
    hand_off_when_hidden();
    ctx
}

/// The sync status.
pub fn use_sync() -> SyncContext {
    expect_context::<SyncContext>()
}

/// Signs in, then syncs at once.
pub fn sign_in(ctx: SyncContext, state: crate::state::AppState, user: String, passphrase: String) {
    ctx.status.update(|s| {
        s.signing_in = true;
        s.error = None;
    });
    spawn_local(async move {
        let device = crate::local::with(|l| l.log.as_ref().map(|g| g.device.clone()));
        let Some(device) = device else {
            ctx.status.update(|s| s.signing_in = false);
            return;
        };
        match session::sign_in(&user, &passphrase, &device).await {
            Ok(session::SignIn::Done(s)) => {
                ctx.status.update(|st| {
                    st.signing_in = false;
                    st.user = Some(s.user.clone());
                    st.read_only = !s.role.can_write();
                    st.admin = s.role.is_admin();
                });
                sync_now(ctx, state);
                start_auto(ctx, state);
                adopt_account(state, &s.user, &passphrase).await;
            }
            Ok(session::SignIn::MustChangePassphrase) => ctx.status.update(|s| {
                s.signing_in = false;
                s.must_change = true;
            }),
            Err(e) => {
                // A revoked user, or a passphrase the server no longer takes but the records
                // kept on this tablet still do (the study key's for use without network, the
                // tablet's own lock): those records go too.
                if let Some(db) = crate::state::db() {
                    let name = user.trim();
                    let _ = match e.code() {
                        Some("user_revoked") => {
                            run::forget_revoked(&db, &[name]).await;
                            Ok(())
                        }
                        Some("bad_credentials") => {
                            let _ =
                                crate::vault::forget_user_opened_by(&db, name, &passphrase).await;
                            carry::forget_key_opened_by(&db, name, &passphrase).await
                        }
                        _ => Ok(()),
                    };
                }
                ctx.status.update(|s| {
                    s.signing_in = false;
                    s.error = Some(e);
                });
            }
        }
    });
}

thread_local! {
    /// The name the tablet was unlocked with, while a study account's name replaces it.
    static UNLOCKED_AS: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// After a sign-in: the study account is who this tablet's saves name while it is signed in
/// (one identity in the audit trail, on every tablet and on the server: the authors that other
/// tablets check against the study's users), and it unlocks this tablet with the same
/// passphrase from now on (the vault gets a key record for it, replacing an older one). A vault
/// that cannot be written leaves the tablet unlockable as before: a warning only.
async fn adopt_account(state: crate::state::AppState, user: &str, passphrase: &str) {
    let before = state.user.get_untracked();
    UNLOCKED_AS.with(|u| {
        u.borrow_mut().get_or_insert(before);
    });
    state.user.set(user.to_owned());
    let Some(db) = crate::state::db() else { return };
    let Some(key) = db.device_key() else { return };
    if let Err(e) = crate::vault::add_user(&db, &key, user, passphrase).await {
        gloo::console::warn!(format!(
            "ecrf: this tablet does not unlock for {user} yet: {e:?}"
        ));
    }
}

/// When the session ends (signed out, or ended by the server): saves name again whoever
/// unlocked the tablet, not the account that is no longer signed in.
fn end_account(state: crate::state::AppState) {
    if let Some(name) = UNLOCKED_AS.with(|u| u.borrow_mut().take()) {
        state.user.set(name);
    }
}

/// Replaces a temporary passphrase (at the first sign-in), then syncs at once.
pub fn change_temporary(ctx: SyncContext, state: crate::state::AppState, new: String) {
    ctx.status.update(|s| {
        s.signing_in = true;
        s.error = None;
    });
    spawn_local(async move {
        match session::change_temporary(&new).await {
            Ok(s) => {
                ctx.status.update(|st| {
                    st.signing_in = false;
                    st.must_change = false;
                    st.user = Some(s.user.clone());
                    st.read_only = !s.role.can_write();
                    st.admin = s.role.is_admin();
                });
                sync_now(ctx, state);
                start_auto(ctx, state);
                adopt_account(state, &s.user, &new).await;
            }
            Err(e) => ctx.status.update(|s| {
                s.signing_in = false;
                s.error = Some(e);
            }),
        }
    });
}

/// Signs out (the token is revoked; the key forgotten); saves name again whoever unlocked the
/// tablet.
pub fn sign_out(ctx: SyncContext, state: crate::state::AppState) {
    end_account(state);
    spawn_local(async move {
        session::sign_out().await;
        // The token ended with the session: nothing may be sent with it later.
        let _ = background::clear().await;
        ctx.status.update(|s| {
            s.user = None;
            s.admin = false;
            s.must_change = false;
            s.error = None;
        });
    });
}

thread_local! {
    static AUTO: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    static FAILURES: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    static PENDING_AFTER_SAVE: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
    static LAST_UNSENT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    static PENDING_HANDOFF: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// How long until the next scheduled exchange: a minute, or after failures 5 s doubling per
/// failure up to 5 minutes, with +-25% jitter so that tablets coming back together spread out.
fn next_delay_ms() -> u32 {
    let failures = FAILURES.with(std::cell::Cell::get);
    let base: f64 = if failures == 0 {
        60_000.0
    } else {
        (5_000.0 * 2f64.powi(failures.min(7) as i32 - 1)).min(300_000.0)
    };
    (base * (0.75 + 0.5 * js_sys::Math::random())) as u32
}

fn online() -> bool {
    crate::device::is_online()
}

fn schedule(ctx: SyncContext, state: crate::state::AppState) {
    gloo::timers::callback::Timeout::new(next_delay_ms(), move || {
        if online() {
            sync_now(ctx, state);
        }
        schedule(ctx, state);
    })
    .forget();
}

/// A save bumps the revision: once signed in, it is sent a little later (several saves in a row
/// go together). Created with the context, inside the reactive tree.
fn send_after_saves(ctx: SyncContext, state: crate::state::AppState) {
    Effect::new(move |_| {
        state.revision.track();
        // Only new local changes trigger it (not a redraw after an exchange, not a change that
        // is still waiting after a failure: the timer's backoff handles those).
        let unsent = crate::local::with(|l| l.unsent);
        let grew = unsent > LAST_UNSENT.with(|l| l.replace(unsent));
        if !grew || session::current().is_none() {
            return;
        }
        if !online() {
            // Offline: hand them to the service worker, which sends them when the network
            // returns even if this tab is closed by then (a few seconds after the last save).
            let generation = PENDING_HANDOFF.with(|g| {
                g.set(g.get() + 1);
                g.get()
            });
            gloo::timers::callback::Timeout::new(1_000, move || {
                if PENDING_HANDOFF.with(std::cell::Cell::get) == generation {
                    spawn_local(hand_off());
                }
            })
            .forget();
            return;
        }
        let generation = PENDING_AFTER_SAVE.with(|g| {
            g.set(g.get() + 1);
            g.get()
        });
        gloo::timers::callback::Timeout::new(3_000, move || {
            if PENDING_AFTER_SAVE.with(std::cell::Cell::get) == generation {
                sync_now(ctx, state);
            }
        })
        .forget();
    });
}

/// Once signed in, exchanges by themselves: when the network returns, when the app is shown
/// again, a few seconds after each save, and on a timer (see [`next_delay_ms`]).
pub fn start_auto(ctx: SyncContext, state: crate::state::AppState) {
    if AUTO.with(|a| a.replace(true)) {
        return;
    }
    if let Some(window) = web_sys::window() {
        gloo::events::EventListener::new(&window, "online", move |_| sync_now(ctx, state)).forget();
        if let Some(doc) = window.document() {
            let visible = doc.clone();
            gloo::events::EventListener::new(&doc, "visibilitychange", move |_| {
                if visible.visibility_state() == web_sys::VisibilityState::Visible && online() {
                    sync_now(ctx, state);
                }
            })
            .forget();
        }
    }
    schedule(ctx, state);
}

/// When the app is hidden (switched away from, or about to be closed) while offline with
/// unsent changes, hands them over at once rather than after the save's delay.
fn hand_off_when_hidden() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let hidden = doc.clone();
    gloo::events::EventListener::new(&doc, "visibilitychange", move |_| {
        let unsent = crate::local::with(|l| l.unsent) > 0;
        if hidden.visibility_state() == web_sys::VisibilityState::Hidden
            && unsent
            && !online()
            && session::current().is_some()
        {
            spawn_local(hand_off());
        }
    })
    .forget();
}

/// Hands the unsent commits to the service worker (Background Sync), when signed in.
async fn hand_off() {
    let (Some(session), Some(db)) = (session::current(), crate::state::db()) else {
        return;
    };
    match background::hand_off(&db, &session).await {
        Ok(true) => gloo::console::log!("ecrf: unsent changes handed to the service worker"),
        Ok(false) => {}
        Err(e) => gloo::console::warn!(format!("ecrf: background hand-off failed: {e:?}")),
    }
}

/// Syncs now, if signed in and not already syncing.
pub fn sync_now(ctx: SyncContext, state: crate::state::AppState) {
    let (Some(session), Some(db)) = (session::current(), crate::state::db()) else {
        return;
    };
    if ctx.status.with_untracked(|s| s.running) {
        return;
    }
    ctx.status.update(|s| {
        s.running = true;
        s.error = None;
    });
    spawn_local(async move {
        let before = crate::local::with(|l| l.unsent);
        let result = run::sync_once(&db, &session).await;
        let after = crate::local::with(|l| l.unsent);
        LAST_UNSENT.with(|l| l.set(after));
        let changed = before != after || matches!(&result, Ok(o) if o.sent + o.received > 0);
        ctx.status.update(|s| {
            s.running = false;
            s.exchanges += 1;
            match result {
                Ok(outcome) => {
                    FAILURES.with(|f| f.set(0));
                    s.last = Some((js_sys::Date::now(), outcome));
                }
                Err(e) => {
                    FAILURES.with(|f| f.set(f.get().saturating_add(1)));
                    if e == SyncError::Network {
                        spawn_local(hand_off());
                    }
                    // The server ended the session (expired, revoked): show the sign-in form.
                    if e.code() == Some("unauthenticated") {
                        session::forget();
                        end_account(state);
                        s.user = None;
                        s.admin = false;
                    }
                    s.error = Some(e);
                }
            }
        });
        if changed {
            state.revision.update(|r| *r += 1);
        }
    });
}
