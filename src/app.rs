//! The root component: provides the contexts, the navigation and the page for the route; no
//! rule is computed here.

use leptos::prelude::*;

use crate::components::admin_card::AdminCard;
use crate::components::bundle_card::BundleCard;
use crate::components::header::Header;
use crate::components::lock_screen::LockScreen;
use crate::components::storage_status::StorageStatus;
use crate::components::sync_panel::SyncPanel;
use crate::components::update_banner::UpdateBanner;
use crate::i18n::{provide_i18n_context, Msg};
use crate::pages::analysis::AnalysisPage;
use crate::pages::conflicts::{conflict_count, ConflictsPage};
use crate::pages::demo::DemoBanner;
use crate::pages::form::FormPage;
use crate::pages::patient::PatientPage;
use crate::pages::patients::PatientsPage;
use crate::pages::safety::SafetyPage;
use crate::pwa::{build_version, provide_update_context};
use crate::state::{navigate, provide_app_state, use_app_state, DbStatus, Route};

/// The app.
#[component]
pub fn App() -> impl IntoView {
    let i18n = provide_i18n_context();
    provide_update_context();
    provide_app_state();
    crate::sync::provide_sync();
    let state = use_app_state();
    let build = build_version();
    let section = move || match state.route.get() {
        Route::Patients | Route::Patient(_) | Route::Form { .. } => 0,
        Route::Conflicts => 1,
        Route::Analyses => 2,
        Route::Safety => 3,
    };
    let conflicts = Memo::new(move |_| {
        state.revision.track();
        conflict_count()
    });
    let tab = move |n: usize, route: Route, msg: Msg, id: &'static str| {
        view! {
            <button class="tab" class:active=move || section() == n data-testid=id
                on:click=move |_| { navigate(state, route.clone()); }>
                {i18n.t(msg)}
                {(n == 1).then(|| view! {
                    <Show when=move || { conflicts.get() > 0 }>
                        <span class="badge conflict" data-testid="conflict-count">{move || conflicts.get()}</span>
                    </Show>
                })}
            </button>
        }
    };
    // A page reached by its address (a reload, a shared link) waits for the study to load; the
    // list shows the opening, or its failure, itself (and is not redrawn when it completes: the
    // screen is a memo, which changes only when what is shown changes).
    let screen = Memo::new(move |_| {
        let route = state.route.get();
        match state.db_status.get() {
            DbStatus::Locked => Screen::Lock,
            _ if route == Route::Patients => Screen::Route(route),
            DbStatus::Ready => Screen::Route(route),
            DbStatus::Failed(_) => Screen::Route(Route::Patients),
            DbStatus::Opening => Screen::Opening,
        }
    });
    let page = move || match screen.get() {
        Screen::Lock => view! { <LockScreen /> }.into_any(),
        Screen::Route(route) => route_page(route),
        Screen::Opening => view! {
            <section class="card" data-testid="page-loading">
                <p class="hint">{i18n.t(Msg::StorageOpening)}</p>
            </section>
        }
        .into_any(),
    };
    view! {
        <Header />
        <UpdateBanner />
        <DemoBanner />
        <nav class="tabs" class:hidden=move || state.db_status.get() == DbStatus::Locked>
            {tab(0, Route::Patients, Msg::NavPatients, "nav-patients")}
            {tab(1, Route::Conflicts, Msg::NavConflicts, "nav-conflicts")}
            {tab(2, Route::Analyses, Msg::NavAnalyses, "nav-analyses")}
            {tab(3, Route::Safety, Msg::NavSafety, "nav-safety")}
        </nav>
        <main class="page" data-db=move || match state.db_status.get() {
            DbStatus::Opening => "opening",
            DbStatus::Locked => "locked",
            DbStatus::Ready => "ready",
            DbStatus::Failed(_) => "failed",
        }>{page}</main>
        <footer class="footer">{i18n.t(Msg::Build)} " " <span data-testid="build">{build}</span></footer>
    }
}

/// What the page area shows.
#[derive(Debug, Clone, PartialEq)]
enum Screen {
    Lock,
    Opening,
    Route(Route),
}

/// The page of a route, once the study is loaded.
fn route_page(route: Route) -> AnyView {
    match route {
        Route::Patients => {
            view! { <PatientsPage /> <SyncPanel /> <AdminCard /> <BundleCard /> <StorageStatus /> }
                .into_any()
        }
        Route::Patient(p) => view! { <PatientPage patient=p /> }.into_any(),
        Route::Form {
            patient,
            form,
            instance,
            proposal,
        } => view! { <FormPage patient=patient form=form instance=instance proposal=proposal /> }
            .into_any(),
        Route::Conflicts => view! { <ConflictsPage /> }.into_any(),
        Route::Analyses => view! { <AnalysisPage /> }.into_any(),
        Route::Safety => view! { <SafetyPage /> }.into_any(),
    }
}
