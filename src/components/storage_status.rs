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
                        })}
                    </div>
                })
            }}
            {move || db_line().map(|line| view! { <p class="error" data-testid="db-error">{line}</p> })}
        </section>
    }
}
