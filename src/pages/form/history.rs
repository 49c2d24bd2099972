//! A field's history on the form page: every value it had, who set it, when, on which tablet
//! and why.

use ecrf_core::i18n::Lang;
use ecrf_core::study::Field;
use leptos::prelude::*;

use super::context::Ctx;
use crate::format;
use crate::i18n::{use_i18n, Msg};
use crate::local;
use crate::state::use_app_state;

/// Opens a field's history when it has any.
#[component]
pub(super) fn HistoryButton(field: &'static Field, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let count = move || {
        state.revision.track();
        ctx.instance
            .get()
            .map(|i| local::with(|l| l.state.history(&i, field.id).len()))
            .unwrap_or(0)
    };
    let conflicted = move || {
        state.revision.track();
        ctx.instance
            .get()
            .is_some_and(|i| local::with(|l| l.state.heads(&i, field.id).len() > 1))
    };
    view! {
        <Show when=move || { count() > 0 }>
            <button
                type="button"
                class="history-button"
                data-testid=format!("history-{}", field.id)
                on:click=move |_| ctx.history.update(|h| {
                    *h = if *h == Some(field.id) { None } else { Some(field.id) };
                })
            >
                {move || format!("{} ({})", Msg::History.text(i18n.lang.get()), count())}
            </button>
        </Show>
        <Show when=conflicted>
            <span class="badge conflict" data-testid=format!("conflict-{}", field.id)>{i18n.t(Msg::Conflict)}</span>
        </Show>
    }
}

/// Every value a field had: who set it, when, on which device, and why.
#[component]
pub(super) fn HistoryList(field: &'static Field, ctx: Ctx) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let rows = move || {
        state.revision.track();
        let lang: Lang = i18n.lang.get();
        let Some(i) = ctx.instance.get() else {
            return Vec::new();
        };
        local::with(|l| {
            let heads = l.state.heads(&i, field.id);
            let mut rows: Vec<_> = l
                .state
                .history(&i, field.id)
                .into_iter()
                .map(|w| {
                    let value = w
                        .value
                        .as_ref()
                        .map(|v| format::value(field, v, lang))
                        .unwrap_or_else(|| Msg::Cleared.text(lang).to_owned());
                    (
                        (w.hlc.clone(), 0),
                        value,
                        w.user.to_string(),
                        format::time_ms(w.hlc.wall_ms),
                        w.device.to_string(),
                        w.reason.as_deref().unwrap_or_default().to_owned(),
                        heads.iter().any(|h| **h == *w.commit),
                    )
                })
                .collect();
            // Confirmations of unusual values belong to the trail, after the write they confirm.
            rows.extend(l.state.confirmations(&i, field.id).into_iter().map(|c| {
                (
                    (c.hlc.clone(), 1),
                    format!(
                        "{} · {}",
                        format::value(field, &c.value, lang),
                        Msg::ConfirmedAsMeasured.text(lang)
                    ),
                    c.user.clone(),
                    format::time_ms(c.hlc.wall_ms),
                    c.device.clone(),
                    String::new(),
                    false,
                )
            }));
            rows.sort_by(|a, b| a.0.cmp(&b.0));
            rows.into_iter()
                .map(|(_, value, user, when, device, reason, current)| {
                    (value, user, when, device, reason, current)
                })
                .collect::<Vec<_>>()
        })
    };
    view! {
        <Show when=move || ctx.history.get() == Some(field.id)>
            <div class="scroll history-box">
            <table class="data history" data-testid=format!("history-list-{}", field.id)>
                <thead>
                    <tr>
                        <th>{i18n.t(Msg::Value)}</th>
                        <th>{i18n.t(Msg::User)}</th>
                        <th>{i18n.t(Msg::When)}</th>
                        <th>{i18n.t(Msg::Device)}</th>
                        <th>{i18n.t(Msg::Reason)}</th>
                    </tr>
                </thead>
                <tbody>
                    {move || rows().into_iter().map(|(value, user, when, device, reason, current)| view! {
                        <tr data-testid="history-row" class:current=current>
                            <td>{value}</td>
                            <td>{user}</td>
                            <td class="mono">{when}</td>
                            <td class="mono">{device}</td>
                            <td>{reason}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </Show>
    }
}
