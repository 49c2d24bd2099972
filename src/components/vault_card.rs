//! The study's user card: who unlocked the tablet (the name every save carries), locking now,
//! the inactivity lock's minutes, and adding another user of the tablet (or changing a
//! passphrase) while unlocked.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::lock_screen::error_text;
use crate::i18n::{use_i18n, LockMsg, Msg};
use crate::state::{db, lock, use_app_state, DbStatus};
use crate::vault::{self, UnlockError, AUTO_LOCK_CHOICES, AUTO_LOCK_KEY};

/// The card.
#[component]
pub fn VaultCard() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let t = move |m: LockMsg| m.text(i18n.lang.get());
    let name = RwSignal::new(String::new());
    let pass = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<String, UnlockError>>);
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let (n, p, p2) = (
            name.get_untracked(),
            pass.get_untracked(),
            again.get_untracked(),
        );
        if let Err(e) = vault::check_new(&n, &p, &p2) {
            outcome.set(Some(Err(e)));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            crate::device::sleep(30).await;
            let Some(db) = db() else { return };
            let Some(key) = db.device_key() else { return };
            let done = vault::add_user(&db, &key, &n, &p).await;
            pass.set(String::new());
            again.set(String::new());
            outcome.set(Some(done.map(|()| n.trim().to_owned())));
            busy.set(false);
        });
    };
    let set_minutes = move |ev: leptos::ev::Event| {
        let Ok(m) = event_target_value(&ev).parse::<u32>() else {
            return;
        };
        state.auto_lock_minutes.set(m);
        spawn_local(async move {
            if let Some(db) = db() {
                if let Err(e) = db.set_meta(AUTO_LOCK_KEY, &m).await {
                    gloo::console::error!(format!("ecrf: the lock delay was not saved: {e}"));
                }
            }
        });
    };
    let field =
        move |id: &'static str, label: LockMsg, kind: &'static str, value: RwSignal<String>| {
            view! {
                <label class="field">
                    <span class="label">{move || label.text(i18n.lang.get())}</span>
                    <input type=kind data-testid=id autocomplete="off"
                        prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev)) />
                </label>
            }
        };
    view! {
        <section class="card user" data-testid="user-card">
            <h2>{i18n.t(Msg::UserTitle)}</h2>
            <p>
                <span data-testid="user-name" class="strong">{move || state.user.get()}</span>
                " "
                <button class="secondary" data-testid="lock" on:click=move |_| lock(state, false)>
                    {move || t(LockMsg::Lock)}
                </button>
            </p>
            <p class="hint">{i18n.t(Msg::UserHint)} " " {move || t(LockMsg::EncryptedNote)}</p>
            <Show when=move || { state.sealed_on_unlock.get() > 0 }>
                <p class="save info" data-testid="sealed-count">
                    {move || format!("{} {}", state.sealed_on_unlock.get(), t(LockMsg::Sealed))}
                </p>
            </Show>
            <label class="inline">
                <span class="hint">{move || t(LockMsg::AutoLock)}</span>
                <select data-testid="auto-lock" on:change=set_minutes
                    disabled=move || state.db_status.get() != DbStatus::Ready
                    prop:value=move || state.auto_lock_minutes.get().to_string()>
                    {AUTO_LOCK_CHOICES.into_iter().map(|m| view! {
                        <option value=m.to_string()>{m}</option>
                    }).collect_view()}
                </select>
            </label>
            <details>
                <summary data-testid="add-user-open">{move || t(LockMsg::AddUserTitle)}</summary>
                <p class="hint">{move || t(LockMsg::AddUserHint)}</p>
                <form data-testid="add-user" on:submit=add>
                    {field("add-user-name", LockMsg::Name, "text", name)}
                    {field("add-user-passphrase", LockMsg::Passphrase, "password", pass)}
                    {field("add-user-passphrase-again", LockMsg::PassphraseAgain, "password", again)}
                    <button type="submit" class="primary" data-testid="add-user-submit"
                        disabled=move || busy.get() || state.db_status.get() != DbStatus::Ready>
                        {move || t(LockMsg::AddUser)}
                    </button>
                </form>
                {move || outcome.get().map(|o| match o {
                    Ok(n) => view! { <p class="save ok" data-testid="add-user-done">{format!("{n} {}", t(LockMsg::UserAdded))}</p> }.into_any(),
                    Err(e) => view! { <p class="save error" role="alert" data-testid="add-user-error">{error_text(&e, i18n.lang.get())}</p> }.into_any(),
                })}
            </details>
        </section>
    }
}
