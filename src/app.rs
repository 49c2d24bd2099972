//! The root component: provides the contexts and lays out the one page; no rule is computed here.

use leptos::prelude::*;

use crate::components::header::Header;
use crate::components::storage_status::StorageStatus;
use crate::components::update_banner::UpdateBanner;
use crate::i18n::{provide_i18n_context, Msg};
use crate::pages::analysis::AnalysisPage;
use crate::pages::register::RegisterPage;
use crate::pwa::{build_version, provide_update_context};
use crate::state::provide_app_state;

/// The top-level sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Patients,
    Analyses,
}

/// The app.
#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n_context();
    provide_update_context();
    provide_app_state();
    let build = build_version();
    let tab = RwSignal::new(Tab::Patients);
    let tab_button = move |t: Tab, msg: Msg, id: &'static str| {
        view! {
            <button class="tab" class:active=move || tab.get() == t data-testid=id on:click=move |_| tab.set(t)>
                {i18n.t(msg)}
            </button>
        }
    };
    view! {
        <Header />
        <UpdateBanner />
        <nav class="tabs">
            {tab_button(Tab::Patients, Msg::NavPatients, "nav-patients")}
            {tab_button(Tab::Analyses, Msg::NavAnalyses, "nav-analyses")}
        </nav>
        <main class="page">
            <Show
                when=move || tab.get() == Tab::Patients
                fallback=|| view! { <AnalysisPage /> }
            >
                <RegisterPage />
                <StorageStatus />
            </Show>
        </main>
        <footer class="footer">{i18n.t(Msg::Build)} " " <span data-testid="build">{build}</span></footer>
    }
}
