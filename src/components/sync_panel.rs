//! Sync with the study's server: sign in, "Sync now", and the status in words (signed in as,
//! not yet sent, last synced, the reason of a failure). Hidden for the demo study.

use leptos::prelude::*;

use crate::components::inputs::labelled_input;
use crate::i18n::{use_i18n, Msg};
use crate::state::use_app_state;
use crate::sync::{self, use_sync, SyncError};

/// A failure in the UI language: the common refusals in words, any other with the server's
/// code and message.
fn error_text(e: &SyncError, lang: ecrf_core::i18n::Lang) -> String {
    let msg = match e {
        SyncError::Network => Msg::SyncErrNetwork,
        SyncError::Refused { code, .. } => match code.as_str() {
            "bad_credentials" => Msg::SyncErrCredentials,
            "rate_limited" => Msg::SyncErrRateLimited,
            "no_study" => Msg::SyncErrNoStudy,
            // At sign-in: this account or tablet; at upload it names another author device.
            "user_revoked" => Msg::SyncErrRevoked,
            "device_revoked" if e_where(e).is_empty() => Msg::SyncErrRevoked,
            "passphrase_change_required" => Msg::SyncErrChangePassphrase,
            "unauthenticated" => Msg::SyncErrSignInAgain,
            "commit_conflict" | "sequence_gap" | "chain_broken" | "device_revoked"
            | "too_large" => {
                return format!(
                    "{} {} {} ({}) {}",
                    Msg::SyncFailed.text(lang),
                    Msg::SyncErrStuck.text(lang),
                    e_where(e),
                    code,
                    Msg::SyncErrStuckHint.text(lang)
                );
            }
            _ => {
                return format!("{} {}", Msg::SyncFailed.text(lang), e_detail(e));
            }
        },
        SyncError::Local(_) => return format!("{} {}", Msg::SyncFailed.text(lang), e_detail(e)),
    };
    format!("{} {}", Msg::SyncFailed.text(lang), msg.text(lang))
}

/// "tab-3f2a #12": the device and sequence a refusal names.
fn e_where(e: &SyncError) -> String {
    match e {
        SyncError::Refused {
            device: Some(d),
            seq,
            ..
        } => match seq {
            Some(n) => format!("{d} #{n}"),
            None => d.clone(),
        },
        _ => String::new(),
    }
}

fn e_detail(e: &SyncError) -> String {
    match e {
        SyncError::Network => String::new(),
        SyncError::Refused { code, message, .. } => format!("{message} ({code})"),
        SyncError::Local(m) => m.clone(),
    }
}

/// A labelled input bound to `value` (masked for a passphrase, by its `autocomplete`).
fn text_input(
    label: Msg,
    testid: &'static str,
    autocomplete: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    labelled_input(use_i18n().t(label), testid, autocomplete, value)
}

/// The panel.
#[component]
pub fn SyncPanel() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let ctx = use_sync();
    let user = RwSignal::new(state.user.get_untracked());
    let passphrase = RwSignal::new(String::new());
    let status = ctx.status;
    let sign_in = move || {
        let (u, p) = (user.get_untracked(), passphrase.get_untracked());
        if u.trim().is_empty() || p.is_empty() {
            return;
        }
        passphrase.set(String::new());
        sync::sign_in(ctx, state, u.trim().to_owned(), p);
    };
    let new_pass = RwSignal::new(String::new());
    let new_again = RwSignal::new(String::new());
    let change_problem = RwSignal::new(None::<Msg>);
    let change = move || {
        let (a, b) = (new_pass.get_untracked(), new_again.get_untracked());
        if !ecrf_core::sync::api::passphrase_long_enough(&a) {
            change_problem.set(Some(Msg::SyncPassShort));
            return;
        }
        if a != b {
            change_problem.set(Some(Msg::SyncPassMismatch));
            return;
        }
        change_problem.set(None);
        new_pass.set(String::new());
        new_again.set(String::new());
        sync::change_temporary(ctx, state, a);
    };
    let line = move || {
        let lang = i18n.lang.get();
        let s = status.get();
        if s.signing_in {
            return Msg::SyncSigningIn.text(lang).to_owned();
        }
        if s.running {
            return Msg::SyncRunning.text(lang).to_owned();
        }
        let last = match s.last {
            Some((ms, o)) => format!(
                "{} {} · {} {} · {} {}",
                Msg::SyncLast.text(lang),
                crate::format::time_ms(ms as u64),
                o.sent,
                Msg::SyncSent.text(lang),
                o.received,
                Msg::SyncReceived.text(lang)
            ),
            None => Msg::SyncNever.text(lang).to_owned(),
        };
        state.revision.track();
        let unsent = crate::local::with(|l| l.unsent);
        format!("{unsent} {} · {last}", Msg::SyncUnsent.text(lang))
    };
    view! {
        <Show when=move || !state.demo>
            <section class="card sync" data-testid="sync">
                <h2>{i18n.t(Msg::SyncTitle)}</h2>
                <Show when=move || status.with(|s| s.must_change)>
                    <p class="strong">{i18n.t(Msg::SyncMustChange)}</p>
                    <form class="sync-sign-in" on:submit=move |ev| { ev.prevent_default(); change(); }>
                        {text_input(Msg::SyncNewPassphrase, "sync-new-passphrase", "new-password", new_pass)}
                        {text_input(Msg::SyncNewPassphraseAgain, "sync-new-passphrase-again", "new-password", new_again)}
                        <button type="submit" class="primary" data-testid="sync-change-passphrase"
                            disabled=move || status.with(|s| s.signing_in)>
                            {i18n.t(Msg::SyncChangePassphrase)}
                        </button>
                    </form>
                    {move || change_problem.get().map(|m| view! { <p class="error" data-testid="sync-change-problem">{i18n.t(m)}</p> })}
                </Show>
                <Show
                    when=move || status.with(|s| s.user.is_some() || s.must_change)
                    fallback=move || view! {
                        <p class="hint">{i18n.t(Msg::SyncSignInHint)}</p>
                        <form class="sync-sign-in" on:submit=move |ev| { ev.prevent_default(); sign_in(); }>
                            {text_input(Msg::SyncUser, "sync-user", "username", user)}
                            {text_input(Msg::SyncPassphrase, "sync-passphrase", "current-password", passphrase)}
                            <button type="submit" class="primary" data-testid="sync-sign-in"
                                disabled=move || status.with(|s| s.signing_in)>
                                {i18n.t(Msg::SyncSignIn)}
                            </button>
                        </form>
                    }
                >
                    <Show when=move || status.with(|s| s.user.is_some())>
                    <p class="strong" data-testid="sync-user-name">
                        {move || format!("{} {}", Msg::SyncSignedInAs.text(i18n.lang.get()), status.with(|s| s.user.clone().unwrap_or_default()))}
                    </p>
                    {move || status.with(|s| s.read_only).then(|| view! {
                        <p class="warn" data-testid="sync-read-only">{i18n.t(Msg::SyncReadOnly)}</p>
                    })}
                    <div class="actions">
                        <button class="primary" data-testid="sync-now"
                            disabled=move || status.with(|s| s.running)
                            on:click=move |_| sync::sync_now(ctx, state)>
                            {i18n.t(Msg::SyncNow)}
                        </button>
                        <button class="link" data-testid="sync-sign-out" on:click=move |_| sync::sign_out(ctx, state)>
                            {i18n.t(Msg::SyncSignOut)}
                        </button>
                    </div>
                    </Show>
                </Show>
                <p data-testid="sync-status" role="status"
                    data-exchanges=move || status.with(|s| s.exchanges.to_string())>{line}</p>
                {move || {
                    // Re-read after every exchange and every change of the local study.
                    status.with(|s| s.exchanges);
                    state.revision.track();
                    let unknown = crate::local::unknown_authors();
                    (!unknown.is_empty()).then(|| {
                        let names = unknown
                            .iter()
                            .map(|(name, n)| format!("{name}: {n}"))
                            .collect::<Vec<_>>()
                            .join(", ");
                        view! {
                            <div class="warn" data-testid="unknown-authors">
                                <p>{i18n.t(Msg::SyncUnknownAuthors)} " " <span data-testid="unknown-author-names">{names}</span></p>
                                <p class="hint">{i18n.t(Msg::SyncUnknownAuthorsHint)}</p>
                            </div>
                        }
                    })
                }}
                {move || {
                    let lang = i18n.lang.get();
                    status.with(|s| s.error.as_ref().map(|e| error_text(e, lang)))
                        .map(|t| view! { <p class="error" data-testid="sync-error">{t}</p> })
                }}
            </section>
        </Show>
    }
}
