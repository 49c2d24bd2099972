//! Fields whose values conflict (written on two devices that had not seen each other's
//! change): every competing value with who, when, where and why; keeping one is a new commit
//! that supersedes them all.

use ecrf_core::log::Conflict;
use ecrf_core::record::resolve_op;
use ecrf_core::study::study;
use leptos::prelude::*;

use crate::format::{self, label};
use crate::i18n::{use_i18n, Msg};
use crate::local;
use crate::save::{use_save, SaveFailure};
use crate::state::use_app_state;

/// The number of conflicts, for the navigation badge.
pub fn conflict_count() -> usize {
    local::with(|l| l.state.conflict_count())
}

/// The page.
#[component]
pub fn ConflictsPage() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let failure = RwSignal::new(None::<SaveFailure>);
    let conflicts = Memo::new(move |_| {
        state.revision.track();
        local::with(|l| {
            l.state
                .conflicts()
                .into_iter()
                .map(|c| {
                    let f = l.state.form(&c.instance);
                    (c, f.map(|f| (f.patient, f.form)).unwrap_or_default())
                })
                .collect::<Vec<(Conflict, (String, String))>>()
        })
    });
    let saver = use_save();
    let keep = move |c: Conflict, index: usize| {
        let value = c.writes[index].value.clone();
        let op = local::with(|l| resolve_op(&l.state, &c.instance, &c.field, value));
        let reason = Msg::ConflictResolved
            .text(i18n.lang.get_untracked())
            .to_owned();
        saver.run(Some(reason), vec![op], move |r| failure.set(r.err()));
    };
    view! {
        <section class="card wide" data-testid="conflicts">
            <h2>{i18n.t(Msg::ConflictsTitle)}</h2>
            <p class="hint">{i18n.t(Msg::ConflictsHint)}</p>
            {move || failure.get().map(|f| {
                let msg = if f == SaveFailure::NeedUser { Msg::NeedUser } else { Msg::ErrNotSaved };
                view! { <p class="error" role="alert">{i18n.t(msg)}</p> }
            })}
            <Show when=move || !conflicts.with(Vec::is_empty)
                fallback=move || view! { <p class="empty" data-testid="no-conflicts">{i18n.t(Msg::NoConflicts)}</p> }>
                {move || {
                    let lang = i18n.lang.get();
                    conflicts.get().into_iter().map(|(c, (patient, form_id))| {
                        let form = study().form(&form_id);
                        let field = form.and_then(|f| f.field(&c.field)).copied();
                        let title = format!(
                            "{patient} · {} · {}",
                            form.map(|f| label(f.label, lang)).unwrap_or_default(),
                            field.map(|f| label(f.label, lang)).unwrap_or(&c.field),
                        );
                        let rows = c.writes.iter().enumerate().map(|(i, w)| {
                            let value = match (&w.value, field) {
                                (Some(v), Some(f)) => format::value(&f, v, lang),
                                (Some(v), None) => format::plain(v, lang),
                                (None, _) => Msg::Cleared.text(lang).to_owned(),
                            };
                            let c2 = c.clone();
                            view! {
                                <tr data-testid="conflict-write">
                                    <td>{value}</td>
                                    <td>{w.user.clone()}</td>
                                    <td class="mono">{format::time_ms(w.hlc.wall_ms)}</td>
                                    <td class="mono">{w.device.clone()}</td>
                                    <td>{w.reason.clone().unwrap_or_default()}</td>
                                    <td><button class="primary small" data-testid="keep-value" on:click=move |_| keep(c2.clone(), i)>
                                        {Msg::KeepValue.text(lang)}
                                    </button></td>
                                </tr>
                            }
                        }).collect_view();
                        view! {
                            <div class="conflict" data-testid="conflict">
                                <h3>{title}</h3>
                                <table class="data"><thead><tr>
                                    <th>{Msg::Value.text(lang)}</th><th>{Msg::User.text(lang)}</th>
                                    <th>{Msg::When.text(lang)}</th><th>{Msg::Device.text(lang)}</th>
                                    <th>{Msg::Reason.text(lang)}</th><th></th>
                                </tr></thead><tbody>{rows}</tbody></table>
                            </div>
                        }
                    }).collect_view()
                }}
            </Show>
        </section>
    }
}
