//! The card for carrying records on a USB stick (`crate::sync::carry`): open the study key
//! without network (from the record kept at an earlier sign-in), save a bundle file of what
//! the server does not have yet, import one made on another tablet. Hidden for the demo study.

use ecrf_core::i18n::Lang;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::components::inputs::labelled_input;
use crate::i18n::{use_i18n, CarryMsg};
use crate::state::use_app_state;
use crate::sync::carry::{self, CarryError};
use crate::sync::use_sync;

/// The last outcome shown on the card.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Working(CarryMsg),
    Saved(usize, String),
    /// What was imported, and whether this account sends (a monitor's does not).
    Imported(carry::Imported, bool),
    /// A failure, and whether it was of an import (a file that does not read).
    Failed(CarryError, bool),
}

/// A failure in words: a message of its own, or the detail after "Not done:" (after "not a
/// readable bundle" for an import).
fn error_text(e: &CarryError, importing: bool, lang: Lang) -> String {
    let msg = match e {
        CarryError::NoKey => CarryMsg::NeedKey,
        CarryError::UnknownUser => CarryMsg::UnknownUser,
        CarryError::WrongPassphrase => CarryMsg::WrongPassphrase,
        CarryError::WrongStudy => CarryMsg::WrongStudy,
        CarryError::TabletOfOtherStudy => CarryMsg::TabletOfOtherStudy,
        CarryError::NothingToCarry => CarryMsg::NothingToCarry,
        CarryError::Bad(detail) if importing => {
            return format!("{} ({detail})", CarryMsg::Bad.text(lang));
        }
        CarryError::Bad(detail) => return format!("{} {detail}", CarryMsg::Failed.text(lang)),
        CarryError::Storage(e) => return format!("{} {e:?}", CarryMsg::Failed.text(lang)),
        CarryError::NoRandom => {
            return format!("{} no secure random numbers", CarryMsg::Failed.text(lang))
        }
    };
    msg.text(lang).to_owned()
}

/// `ecrf-tab-3f2a-20261206-1342.ecsb`: the device and the UTC minute the file was made.
fn file_name(device: &str) -> String {
    let iso = String::from(js_sys::Date::new_0().to_iso_string());
    let stamp: String = iso
        .get(..16)
        .unwrap_or_default()
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let (day, minute) = stamp.split_at(stamp.len().min(8));
    format!("ecrf-{device}-{day}-{minute}.ecsb")
}

/// The bytes of the file chosen in a file input.
async fn chosen_file_bytes(ev: &leptos::ev::Event) -> Option<Vec<u8>> {
    let input: web_sys::HtmlInputElement = event_target(ev);
    let file = input.files()?.get(0)?;
    let buffer = wasm_bindgen_futures::JsFuture::from(file.array_buffer())
        .await
        .ok()?;
    // The same file chosen again must fire `change` again.
    input.set_value("");
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// The card.
#[component]
pub fn BundleCard() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let sync = use_sync();
    let t = move |m: CarryMsg| m.text(i18n.lang.get());
    let outcome = RwSignal::new(None::<Outcome>);
    let opened = RwSignal::new(0u32);
    let key = move || {
        sync.status.track();
        opened.track();
        carry::study_key()
    };
    // Read again once the study has opened: the card may be drawn while it opens (the list is
    // not redrawn when it completes), before there is a database to read.
    let cached = LocalResource::new(move || async move {
        opened.track();
        state.db_status.track();
        match crate::state::db() {
            Some(db) => carry::cached_users(&db).await.unwrap_or_default(),
            None => Vec::new(),
        }
    });
    let user = RwSignal::new(String::new());
    let passphrase = RwSignal::new(String::new());
    let busy = move || matches!(outcome.get(), Some(Outcome::Working(_)));

    let open = move || {
        let (u, p) = (user.get_untracked(), passphrase.get_untracked());
        let Some(db) = crate::state::db() else { return };
        if u.trim().is_empty() || p.is_empty() || busy() {
            return;
        }
        passphrase.set(String::new());
        outcome.set(Some(Outcome::Working(CarryMsg::Opening)));
        spawn_local(async move {
            match carry::open_offline(&db, &u, &p).await {
                Ok(_) => {
                    outcome.set(None);
                    opened.update(|n| *n += 1);
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e, false))),
            }
        });
    };
    let save = move |_| {
        let Some(db) = crate::state::db() else { return };
        let device =
            crate::local::with(|l| l.log.as_ref().map(|g| g.device.clone())).unwrap_or_default();
        spawn_local(async move {
            match carry::export(&db).await {
                Ok((bytes, count)) => {
                    let name = file_name(&device);
                    crate::device::download_bytes(&name, "application/octet-stream", &bytes);
                    outcome.set(Some(Outcome::Saved(count, name)));
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e, false))),
            }
        });
    };
    let import = move |ev: leptos::ev::Event| {
        let Some(db) = crate::state::db() else { return };
        spawn_local(async move {
            let Some(bytes) = chosen_file_bytes(&ev).await else {
                return;
            };
            match carry::import(&db, &bytes).await {
                Ok(done) => {
                    let sends = carry::study_key().is_some_and(|k| k.role.can_write());
                    outcome.set(Some(Outcome::Imported(done, sends)));
                    state.revision.update(|r| *r += 1);
                }
                Err(e) => outcome.set(Some(Outcome::Failed(e, true))),
            }
        });
    };

    let outcome_line = move || {
        let lang = i18n.lang.get();
        outcome.get().map(|o| match o {
            Outcome::Working(m) => view! { <p class="save info" role="status">{m.text(lang)}</p> }.into_any(),
            Outcome::Saved(n, name) => view! {
                <p class="save ok" role="status" data-testid="carry-done">{format!("{n} {} {name}", CarryMsg::Saved.text(lang))}</p>
            }.into_any(),
            Outcome::Imported(done, sends) => {
                let hint = if sends { CarryMsg::ImportedHint } else { CarryMsg::ImportedReadOnly };
                view! {
                    <p class="save ok" role="status" data-testid="carry-done">
                        {format!("{} {} {}. {}", done.carried, CarryMsg::Imported.text(lang), done.new, hint.text(lang))}
                    </p>
                }.into_any()
            }
            Outcome::Failed(e, importing) => view! {
                <p class="error" role="alert" data-testid="carry-error">{error_text(&e, importing, lang)}</p>
            }.into_any(),
        })
    };

    view! {
        <Show when=move || !state.demo>
            <section class="card" data-testid="carry-card">
                <h2>{move || t(CarryMsg::Title)}</h2>
                <p class="hint">{move || t(CarryMsg::Hint)}</p>
                {move || match key() {
                    Some(k) => {
                        let writes = k.role.can_write();
                        view! {
                            <p class="strong" data-testid="carry-key">{move || format!("{} {}", t(CarryMsg::KeyOpen), k.user)}</p>
                            <div class="actions">
                                {writes.then(|| view! {
                                    <button class="primary" data-testid="carry-save" disabled=busy on:click=save>
                                        {move || t(CarryMsg::Save)}
                                    </button>
                                })}
                            </div>
                            <label class="field file">
                                <span class="label">{move || t(CarryMsg::Import)}</span>
                                <input type="file" accept=".ecsb,application/octet-stream"
                                    data-testid="carry-import" on:change=import />
                            </label>
                            {(!writes).then(|| view! { <p class="hint">{move || t(CarryMsg::ReadOnly)}</p> })}
                        }.into_any()
                    }
                    None if cached.get().is_some_and(|c| c.is_empty()) => view! {
                        <p class="hint" data-testid="carry-never">{move || t(CarryMsg::NeverSignedIn)}</p>
                    }.into_any(),
                    None => view! {
                        <p class="hint">{move || t(CarryMsg::NeedKey)}</p>
                        <form class="sync-sign-in" on:submit=move |ev| { ev.prevent_default(); open(); }>
                            {labelled_input(move || t(CarryMsg::User), "carry-user", "username", user)}
                            {labelled_input(move || t(CarryMsg::Passphrase), "carry-passphrase", "current-password", passphrase)}
                            <button type="submit" class="primary" data-testid="carry-open" disabled=busy>
                                {move || t(CarryMsg::Open)}
                            </button>
                        </form>
                    }.into_any(),
                }}
                {outcome_line}
            </section>
        </Show>
    }
}
