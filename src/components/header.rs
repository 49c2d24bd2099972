//! The header: study title, connectivity, and the language switch on the first screen.

use ecrf_core::i18n::Lang;
use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::state::use_app_state;

/// The page header.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let lang_button = move |lang: Lang, label: &'static str| {
        view! {
            <button
                class="lang"
                class:active=move || i18n.lang.get() == lang
                aria-pressed=move || (i18n.lang.get() == lang).to_string()
                data-testid=format!("lang-{}", lang.tag())
                on:click=move |_| i18n.lang.set(lang)
            >
                {label}
            </button>
        }
    };
    view! {
        <header class="header">
            <div class="titles">
                <h1>{i18n.t(Msg::AppTitle)}</h1>
                <p class="subtitle">{i18n.t(Msg::AppSubtitle)}</p>
            </div>
            <div class="header-tools">
                <span
                    class="net"
                    class:offline=move || !state.online.get()
                    data-testid="net"
                >
                    {move || {
                        if state.online.get() { Msg::Online } else { Msg::Offline }.text(i18n.lang.get())
                    }}
                </span>
                <span class="lang-switch" role="group" aria-label=i18n.t(Msg::Language)>
                    {crate::i18n::LANGUAGES.into_iter().map(|(lang, name)| lang_button(lang, name)).collect_view()}
                </span>
            </div>
        </header>
    }
}
