//! The sync client: signing in to the study's server, sending this device's commits sealed with
//! the study data key and receiving everyone else's (`docs/sync-protocol.md`). The status every
//! screen shows lives here. The demo database never syncs.

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

/// Where sync stands, for every screen.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SyncStatus {
    /// The signed-in user, if any.
    pub user: Option<String>,
    /// Signing in (the key derivation takes seconds).
    pub signing_in: bool,
    /// A sync is running.
    pub running: bool,
    /// When the last sync completed (ms since the epoch) and what it did.
    pub last: Option<(f64, Outcome)>,
    /// The last failure.
    pub error: Option<SyncError>,
}

/// The status signal, provided once at the root.
#[derive(Debug, Clone, Copy)]
pub struct SyncContext {
    /// The status.
    pub status: RwSignal<SyncStatus>,
}

/// Provides the sync status.
pub fn provide_sync() -> SyncContext {
    let ctx = SyncContext {
        status: RwSignal::new(SyncStatus::default()),
    };
    provide_context(ctx);
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
            Ok(s) => {
                ctx.status.update(|st| {
                    st.signing_in = false;
                    st.user = Some(s.user.clone());
                });
                sync_now(ctx, state);
            }
            Err(e) => ctx.status.update(|s| {
                s.signing_in = false;
                s.error = Some(e);
            }),
        }
    });
}

/// Signs out (the token is revoked; the key forgotten).
pub fn sign_out(ctx: SyncContext) {
    spawn_local(async move {
        session::sign_out().await;
        ctx.status.update(|s| {
            s.user = None;
            s.error = None;
        });
    });
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
        let result = run::sync_once(&db, &session).await;
        ctx.status.update(|s| {
            s.running = false;
            match result {
                Ok(outcome) => s.last = Some((js_sys::Date::now(), outcome)),
                Err(e) => s.error = Some(e),
            }
        });
        state.revision.update(|r| *r += 1);
    });
}
