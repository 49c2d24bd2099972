//! Where the data is (this device only, or on the study's server too), storage used / quota, whether
//! persistence was granted, and database errors.

use leptos::prelude::*;

use crate::device::format_bytes;
use crate::i18n::{use_i18n, Msg};
use crate::state::{use_app_state, DbStatus};

/// The storage panel.
#[component]
pub fn StorageStatus() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let sync = crate::sync::use_sync();
    let usage = move || {
        let info = state.storage.get();
        match (info.usage, info.quota) {
            (Some(u), Some(q)) => {
                format!(
                    "{} {} {}",
                    format_bytes(u),
                    Msg::StorageUsed.text(i18n.lang.get()),
                    format_bytes(q)
                )
            }
            _ => Msg::StorageUnknown.text(i18n.lang.get()).to_owned(),
        }
    };
    let persisted = move || {
        match state.storage.get().persisted {
            Some(true) => Msg::StoragePersisted,
            _ => Msg::StorageNotPersisted,
        }
        .text(i18n.lang.get())
    };
    let db_line = move || match state.db_status.get() {
        DbStatus::Opening | DbStatus::Locked => {
            Some(Msg::StorageOpening.text(i18n.lang.get()).to_owned())
        }
        DbStatus::Ready => None,
        DbStatus::Failed(err) => {
            let lang = i18n.lang.get();
            Some(match err.msg() {
                Msg::ErrOther => format!("{} {err}", Msg::ErrOther.text(lang)),
                msg => msg.text(lang).to_owned(),
            })
        }
    };
    // Re-chaining this device (`crate::chain_repair::rechain`), on the user's word.
    let rechaining = RwSignal::new(false);
    let rechained =
        RwSignal::new(None::<Result<crate::chain_repair::Rechained, crate::local::SaveError>>);
    let rechain = move || {
        let lang = i18n.lang.get_untracked();
        let confirmed = web_sys::window()
            .and_then(|w| w.confirm_with_message(Msg::RechainConfirm.text(lang)).ok())
            .unwrap_or(false);
        let Some(db) = crate::state::db() else { return };
        if !confirmed {
            return;
        }
        rechaining.set(true);
        leptos::task::spawn_local(async move {
            let done = crate::chain_repair::rechain(&db).await;
            rechaining.set(false);
            match done {
                Ok(Some(r)) => rechained.set(Some(Ok(r))),
                Ok(None) => {}
                Err(e) => rechained.set(Some(Err(e))),
            }
            state.revision.update(|r| *r += 1);
        });
    };
    view! {
        <section class="card storage" data-testid="storage">
            <h2>{i18n.t(Msg::StorageTitle)}</h2>
            <p class="strong" data-testid="where-data-is">{move || {
                state.revision.track();
                let all_sent = !state.demo
                    && crate::local::with(|l| l.unsent == 0)
                    && !crate::local::own_record_set_aside()
                    && sync.status.with(|s| s.last.is_some());
                if all_sent { Msg::WhereDataSynced } else { Msg::WhereDataIs }.text(i18n.lang.get())
            }}</p>
            <p data-testid="storage-usage">{usage}</p>
            <p data-testid="storage-commits">{move || {
                state.revision.track();
                let n = crate::local::with(|l| l.commits);
                let ms = state.rebuild_ms.get().map(|m| format!("{m:.0} ms")).unwrap_or_default();
                format!("{n} {} {ms}", Msg::StorageCommits.text(i18n.lang.get()))
            }}</p>
            <p
                data-testid="storage-persisted"
                class:warn=move || state.storage.get().persisted != Some(true)
            >
                {persisted}
            </p>
            {move || (state.forks_repaired.get() > 0).then(|| view! {
                <p class="warn" data-testid="fork-repaired">
                    {move || format!("{} {}", state.forks_repaired.get(), Msg::ForkRepaired.text(i18n.lang.get()))}
                </p>
            })}
            {move || {
                state.revision.track();
                let aside = crate::local::set_aside();
                let own = crate::local::own_record_set_aside();
                (!aside.is_empty()).then(|| view! {
                    <div class="warn" data-testid="set-aside">
                        <p>
                            {format!("{} {}", Msg::SetAside.text(i18n.lang.get()), aside.len())}
                            " "
                            <span class="hint" data-testid="set-aside-ids">
                                {aside.keys().cloned().collect::<Vec<_>>().join(", ")}
                            </span>
                        </p>
                        <p>{Msg::SetAsideHint.text(i18n.lang.get())}</p>
                        {own.then(|| view! {
                            <p class="strong" data-testid="set-aside-own">{Msg::SetAsideOwn.text(i18n.lang.get())}</p>
                            <button data-testid="rechain" disabled=move || rechaining.get() on:click=move |_| rechain()>
                                {Msg::Rechain.text(i18n.lang.get())}
                            </button>
                        })}
                    </div>
                })
            }}
            {move || rechained.get().map(|r| view! {
                <p class="ok" data-testid="rechained">{match r {
                    Ok(r) => format!("{} {} ({} → {})", r.commits, Msg::Rechained.text(i18n.lang.get()), r.old, r.new),
                    Err(e) => format!("{} {}", Msg::ErrNotSaved.text(i18n.lang.get()), e.text(i18n.lang.get())),
                }}</p>
            })}
            {move || db_line().map(|line| view! { <p class="error" data-testid="db-error">{line}</p> })}
        </section>
    }
}
