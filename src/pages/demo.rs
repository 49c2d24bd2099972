//! The demo study: generated on this device by the core (seeded, deterministic), written to a
//! separate database, clearly labelled, never synced. Loading and leaving switch databases and
//! reload the page, so the study's data and the demo's never mix in memory.

use ecrf_core::demo::{generate, read_file};
use ecrf_core::log::Commit;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::device;
use crate::i18n::{use_i18n, Msg};
use crate::state::{set_demo_mode, use_app_state};
use crate::storage::{self, Db, StorageError, DEMO_DB};

/// The demo's size and seed (the analyses' screenshots use the same).
pub const DEMO_PATIENTS: usize = 120;
/// The demo's seed.
pub const DEMO_SEED: u64 = 2026;

/// Where loading stands.
#[derive(Debug, Clone, PartialEq)]
enum Progress {
    Idle,
    Generating,
    Writing(usize),
    Failed(StorageError),
    BadFile(ecrf_core::i18n::Text),
}

/// Writes the demo study into a fresh demo database.
pub async fn write_demo(patients: usize, seed: u64) -> Result<usize, StorageError> {
    write_commits(&generate(patients, seed).commits).await
}

/// Replaces the demo database's content with `commits` (one transaction).
pub async fn write_commits(commits: &[Commit]) -> Result<usize, StorageError> {
    storage::delete(DEMO_DB).await?;
    let db = Db::open(DEMO_DB).await?;
    db.import_commits(commits).await?;
    db.close();
    Ok(commits.len())
}

/// The text of the file chosen in a file input.
async fn chosen_file_text(ev: &leptos::ev::Event) -> Option<String> {
    let input: web_sys::HtmlInputElement = event_target(ev);
    let file = input.files()?.get(0)?;
    let text = wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()?;
    text.as_string()
}

/// The card on the first screen that loads the demo.
#[component]
pub fn DemoCard() -> impl IntoView {
    let i18n = use_i18n();
    let progress = RwSignal::new(Progress::Idle);
    let load = move |_| {
        if !matches!(
            progress.get_untracked(),
            Progress::Idle | Progress::Failed(_) | Progress::BadFile(_)
        ) {
            return;
        }
        progress.set(Progress::Generating);
        spawn_local(async move {
            // Let the progress line paint before the generator runs.
            device::sleep(30).await;
            let commits = generate(DEMO_PATIENTS, DEMO_SEED).commits.len();
            progress.set(Progress::Writing(commits));
            device::sleep(30).await;
            match write_demo(DEMO_PATIENTS, DEMO_SEED).await {
                Ok(_) => set_demo_mode(true),
                Err(e) => progress.set(Progress::Failed(e)),
            }
        });
    };
    let load_file = move |ev: leptos::ev::Event| {
        progress.set(Progress::Generating);
        spawn_local(async move {
            let Some(text) = chosen_file_text(&ev).await else {
                progress.set(Progress::Idle);
                return;
            };
            match read_file(&text) {
                Ok(commits) => {
                    progress.set(Progress::Writing(commits.len()));
                    match write_commits(&commits).await {
                        Ok(_) => set_demo_mode(true),
                        Err(e) => progress.set(Progress::Failed(e)),
                    }
                }
                Err(e) => progress.set(Progress::BadFile(e.message())),
            }
        });
    };
    let line = move || {
        let lang = i18n.lang.get();
        match progress.get() {
            Progress::Idle => None,
            Progress::Generating => Some(Msg::DemoGenerating.text(lang).to_owned()),
            Progress::Writing(n) => Some(format!("{} {n}", Msg::DemoWriting.text(lang))),
            Progress::Failed(e) => Some(format!(
                "{} {}",
                Msg::ErrNotSaved.text(lang),
                e.msg().text(lang)
            )),
            Progress::BadFile(t) => Some(t.get(lang).to_owned()),
        }
    };
    view! {
        <section class="card" data-testid="demo-card">
            <h2>{i18n.t(Msg::DemoTitle)}</h2>
            <p class="hint">{i18n.t(Msg::DemoExplain)}</p>
            <button class="primary" data-testid="load-demo" on:click=load>{i18n.t(Msg::DemoLoad)}</button>
            <label class="field file">
                <span class="hint">{i18n.t(Msg::DemoFile)}</span>
                <input type="file" accept=".json,application/json" data-testid="demo-file" on:change=load_file />
            </label>
            {move || line().map(|l| view! { <p class="save info" data-testid="demo-progress" role="status">{l}</p> })}
        </section>
    }
}

/// The banner shown on every screen while the demo database is open.
#[component]
pub fn DemoBanner() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    state.demo.then(|| {
        view! {
            <div class="banner demo-banner" data-testid="demo-banner">
                <span class="strong">{i18n.t(Msg::DemoBanner)}</span>
                <button class="primary" data-testid="leave-demo" on:click=move |_| set_demo_mode(false)>
                    {i18n.t(Msg::DemoLeave)}
                </button>
            </div>
        }
    })
}
