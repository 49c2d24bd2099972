//! A labelled text or passphrase input bound to a signal, shared by the cards that ask for a
//! name and a passphrase (the study's server, the data manager's card, the USB card).

use leptos::prelude::*;

/// An input under `label`, bound to `value`; a passphrase field (by its `autocomplete`:
/// `current-password` or `new-password`) is masked.
pub fn labelled_input(
    label: impl Fn() -> &'static str + Send + Sync + 'static,
    testid: &'static str,
    autocomplete: &'static str,
    value: RwSignal<String>,
) -> impl IntoView {
    let kind = if autocomplete.ends_with("password") {
        "password"
    } else {
        "text"
    };
    view! {
        <label class="field">
            <span class="label">{label}</span>
            <input type=kind data-testid=testid autocomplete=autocomplete
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev)) />
        </label>
    }
}
