//! The root component: provides the contexts and lays out the one page; no rule is computed here.

use leptos::prelude::*;

use crate::components::header::Header;
use crate::components::storage_status::StorageStatus;
use crate::components::update_banner::UpdateBanner;
use crate::i18n::{provide_i18n_context, Msg};
use crate::pages::register::RegisterPage;
use crate::pwa::{build_version, provide_update_context};
use crate::state::provide_app_state;

/// The app.
#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n_context();
    provide_update_context();
    provide_app_state();
    let build = build_version();
    view! {
        <Header />
        <UpdateBanner />
        <main class="page">
            <RegisterPage />
            <StorageStatus />
        </main>
        <footer class="footer">{i18n.t(Msg::Build)} " " <span data-testid="build">{build}</span></footer>
    }
}
