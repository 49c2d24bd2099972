//! The lock screen: the first user protects the tablet with a passphrase (records of an earlier
//! unencrypted version are sealed then); afterwards every start, reload or lock asks a user of
//! the tablet for their passphrase, offline. The key derivation runs in `crate::vault`.

use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::i18n::{use_i18n, LockMsg};
use crate::pages::demo::DemoCard;
use crate::state::{finish_unlock, locked_db, use_app_state};
use crate::vault::{self, UnlockError};

/// What the screen asks for.
#[derive(Debug, Clone, PartialEq)]
enum Mode {
    /// Reading the vault.
    Reading,
    /// No vault yet: make one.
    Create,
    /// Open the vault of these users.
    Unlock(Vec<String>),
}

/// The error's text in the UI's language.
pub fn error_text(e: &UnlockError, lang: ecrf_core::i18n::Lang) -> String {
    let t = |m: LockMsg| m.text(lang).to_owned();
    match e {
        UnlockError::WrongPassphrase(0) => t(LockMsg::WrongPassphrase),
        UnlockError::WrongPassphrase(ms) => format!(
            "{} {}: {}",
            t(LockMsg::WrongPassphrase),
            t(LockMsg::WaitSeconds),
            ms.div_ceil(1000)
        ),
        // The passphrase was not tried.
        UnlockError::Wait(ms) => format!("{}: {}", t(LockMsg::WaitSeconds), ms.div_ceil(1000)),
        UnlockError::AlreadyProtected => t(LockMsg::AlreadyProtected),
        UnlockError::KeyMissing => t(LockMsg::KeyMissing),
        UnlockError::UnknownUser => t(LockMsg::UnknownUser),
        UnlockError::TooShort => t(LockMsg::TooShort),
        UnlockError::Mismatch => t(LockMsg::Mismatch),
        UnlockError::NoName => t(LockMsg::NoName),
        UnlockError::ReservedName => t(LockMsg::ReservedName),
        UnlockError::Bad(why) => format!("{} {why}", t(LockMsg::Damaged)),
        UnlockError::Storage(crate::storage::StorageError::NoRandom) => t(LockMsg::NoRandom),
        UnlockError::Storage(s) => format!("{} ({s})", s.msg().text(lang)),
    }
}

/// The screen.
#[component]
pub fn LockScreen() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let mode = RwSignal::new(Mode::Reading);
    let user = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let again = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<UnlockError>);
    let earlier = RwSignal::new(false);
    spawn_local(async move {
        earlier.set(vault::clear_database_exists().await);
    });
    // What the screen asks for: read again when another tab protected the tablet meanwhile.
    let read_vault = move || {
        spawn_local(async move {
            let Some(db) = locked_db() else { return };
            match vault::read(&db).await {
                Ok(Some(v)) => {
                    let names: Vec<String> = v.users.keys().cloned().collect();
                    if names.len() == 1 {
                        user.set(names[0].clone());
                    }
                    mode.set(Mode::Unlock(names));
                }
                Ok(None) => mode.set(Mode::Create),
                Err(e) => error.set(Some(UnlockError::Storage(e))),
            }
        });
    };
    read_vault();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        let (name, pass, pass2) = (
            user.get_untracked(),
            passphrase.get_untracked(),
            again.get_untracked(),
        );
        let creating = mode.get_untracked() == Mode::Create;
        if creating {
            if let Err(e) = vault::check_new(&name, &pass, &pass2) {
                error.set(Some(e));
                return;
            }
        }
        busy.set(true);
        error.set(None);
        spawn_local(async move {
            // Let the "deriving the key" line paint before the seconds of PBKDF2.
            crate::device::sleep(30).await;
            let Some(db) = locked_db() else { return };
            let opened = if creating {
                vault::create(&db, &name, &pass).await
            } else {
                vault::unlock(&db, &name, &pass).await
            };
            passphrase.set(String::new());
            again.set(String::new());
            match opened {
                Ok(()) => {
                    finish_unlock(state, &name, move |n| {
                        if n > 0 {
                            state.sealed_on_unlock.set(n);
                        }
                    })
                    .await;
                }
                Err(e) => {
                    if e == UnlockError::AlreadyProtected {
                        read_vault();
                    }
                    error.set(Some(e));
                    busy.set(false);
                }
            }
        });
    };
    let input =
        move |id: &'static str, label: LockMsg, kind: &'static str, value: RwSignal<String>| {
            view! {
                <label class="field">
                    <span class="label">{move || label.text(i18n.lang.get())}</span>
                    // The browser is not offered the passphrase to keep.
                    <input type=kind data-testid=id
                        autocomplete=if kind == "password" { "off" } else { "username" }
                        prop:value=move || value.get()
                        on:input=move |ev| value.set(event_target_value(&ev)) />
                </label>
            }
        };
    view! {
        <section class="card lock" data-testid="lock-screen">
            {move || match mode.get() {
                Mode::Reading => view! { <p class="hint">{i18n.t(crate::i18n::Msg::StorageOpening)}</p> }.into_any(),
                Mode::Create => view! {
                    <h2>{move || LockMsg::CreateTitle.text(i18n.lang.get())}</h2>
                    <p class="hint">{move || LockMsg::CreateHint.text(i18n.lang.get())}</p>
                    <Show when=move || earlier.get()>
                        <p class="hint" data-testid="vault-earlier">{move || LockMsg::MigrateHint.text(i18n.lang.get())}</p>
                    </Show>
                    <form data-testid="vault-create" on:submit=submit>
                        {input("vault-user", LockMsg::Name, "text", user)}
                        {input("vault-passphrase", LockMsg::Passphrase, "password", passphrase)}
                        {input("vault-passphrase-again", LockMsg::PassphraseAgain, "password", again)}
                        <button type="submit" class="primary" data-testid="vault-submit" disabled=move || busy.get()>
                            {move || LockMsg::Create.text(i18n.lang.get())}
                        </button>
                    </form>
                }.into_any(),
                Mode::Unlock(names) => view! {
                    <h2>{move || LockMsg::UnlockTitle.text(i18n.lang.get())}</h2>
                    <p class="hint">{move || LockMsg::UnlockHint.text(i18n.lang.get())}</p>
                    <form data-testid="vault-unlock" on:submit=submit>
                        <label class="field">
                            <span class="label">{move || LockMsg::Name.text(i18n.lang.get())}</span>
                            <input type="text" data-testid="vault-user" list="vault-users" autocomplete="username"
                                prop:value=move || user.get()
                                on:input=move |ev| user.set(event_target_value(&ev)) />
                            <datalist id="vault-users">
                                {names.into_iter().map(|n| view! { <option value=n></option> }).collect_view()}
                            </datalist>
                        </label>
                        {input("vault-passphrase", LockMsg::Passphrase, "password", passphrase)}
                        <button type="submit" class="primary" data-testid="vault-submit" disabled=move || busy.get()>
                            {move || LockMsg::Unlock.text(i18n.lang.get())}
                        </button>
                    </form>
                    <p class="hint">{move || LockMsg::Forgot.text(i18n.lang.get())}</p>
                }.into_any(),
            }}
            <Show when=move || busy.get()>
                <p class="save info" role="status" data-testid="vault-working">{move || LockMsg::Working.text(i18n.lang.get())}</p>
            </Show>
            {move || error.get().map(|e| view! {
                <p class="save error" role="alert" data-testid="vault-error">{error_text(&e, i18n.lang.get())}</p>
            })}
        </section>
        <DemoCard />
    }
}
