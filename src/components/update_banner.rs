//! "A new version is ready": shown when a new build's service worker waits.

use leptos::prelude::*;

use crate::i18n::{use_i18n, Msg};
use crate::pwa::{reload_to_update, UpdateState};

/// The update banner.
#[component]
pub fn UpdateBanner() -> impl IntoView {
    let i18n = use_i18n();
    let update = expect_context::<UpdateState>();
    view! {
        <Show when=move || update.ready.get()>
            <div class="banner" role="status" data-testid="update-banner">
                <span>{i18n.t(Msg::UpdateReady)}</span>
                <button class="primary" on:click=move |_| reload_to_update()>
                    {i18n.t(Msg::UpdateReload)}
                </button>
            </div>
        </Show>
    }
}
