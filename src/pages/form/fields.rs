//! One field of the form page: its widget (by the field's kind), unit, message, soft-range
//! confirmation and history button.

use ecrf_core::finding::Severity;
use ecrf_core::study::validate::is_visible;
use ecrf_core::study::{study, Field, FieldKind};
use leptos::prelude::*;
use serde_json::Value;

use super::agents::agent_table;
use super::context::{raw_number, set_value, Ctx};
use super::history::{HistoryButton, HistoryList};
use super::lesions::lesion_editor;
use super::term_search::term_widget;
use crate::device;
use crate::format::label;
use crate::i18n::{use_i18n, Msg};
use ecrf_core::record::save::confirm_key;

/// Whether a field is a lab's lower or upper limit of normal (shown beside the lab value).
pub(super) fn is_limit(id: &str) -> bool {
    id.ends_with("_lln") || id.ends_with("_uln")
}

/// One field: its widget, unit, message, soft-range confirmation and (when `with_history`)
/// its history.
pub(super) fn field_view(f: &'static Field, ctx: Ctx, with_history: bool) -> impl IntoView {
    let i18n = use_i18n();
    let id = f.id;
    let finding = move || {
        let has_value = ctx.draft.with(|d| d.contains_key(id));
        if !has_value && !ctx.attempted.get() {
            return None;
        }
        ctx.findings.get().into_iter().find(|x| x.field == id)
    };
    let visible = move || ctx.draft.with(|d| is_visible(f, d));
    let confirm_key_now = move || ctx.draft.with(|d| confirm_key(id, d.get(id)));
    let message = move || {
        finding().map(|x| {
            let lang = i18n.lang.get();
            let text = x.message.get(lang).to_owned();
            match x.severity {
                Severity::Error => view! {
                    <span class="error problem" data-testid=format!("error-{id}")>{text}</span>
                }
                .into_any(),
                _ => view! {
                    <span class="warn" data-testid=format!("warning-{id}")
                        class:problem=move || !ctx.confirmed.with(|c| c.contains(&confirm_key_now()))>
                        {text}
                        <label class="confirm">
                            <input
                                type="checkbox"
                                data-testid=format!("confirm-{id}")
                                prop:checked=move || ctx.confirmed.with(|c| c.contains(&confirm_key_now()))
                                on:change=move |ev| {
                                    let key = confirm_key_now();
                                    let on = event_target_checked(&ev);
                                    ctx.confirmed.update(|c| { if on { c.insert(key); } else { c.remove(&key); } });
                                }
                            />
                            {i18n.t(Msg::ConfirmValue)}
                        </label>
                    </span>
                }
                .into_any(),
            }
        })
    };
    let invalid = move || finding().is_some_and(|x| x.severity == Severity::Error);
    let unit = match f.kind {
        FieldKind::Decimal { unit, .. } if !unit.is_empty() => Some(unit),
        _ => None,
    };
    view! {
        <Show when=visible>
            <div class="field" data-testid=format!("fieldbox-{id}")>
                <span class="label">
                    {move || label(f.label, i18n.lang.get())}
                    {f.required.then_some(" *")}
                    <HistoryButton field=f ctx=ctx />
                </span>
                <div class="input-row">
                    {widget(f, ctx, invalid)}
                    {unit.map(|u| view! { <span class="unit">{u}</span> })}
                </div>
                {message}
                {with_history.then(|| view! { <HistoryList field=f ctx=ctx /> })}
            </div>
        </Show>
    }
}

fn widget(
    f: &'static Field,
    ctx: Ctx,
    invalid: impl Fn() -> bool + Copy + Send + Sync + 'static,
) -> AnyView {
    let i18n = use_i18n();
    let id = f.id;
    let testid = format!("field-{id}");
    let current = move || ctx.draft.with(|d| d.get(id).cloned());
    if ctx.form.id == "adverse_event" && id == "term" {
        return term_widget(ctx, invalid);
    }
    if let FieldKind::Lesions = f.kind {
        return lesion_editor(ctx).into_any();
    }
    if let FieldKind::AgentTable = f.kind {
        return agent_table(ctx, id).into_any();
    }
    match f.kind {
        FieldKind::Integer { .. } | FieldKind::Decimal { .. } => {
            let integer = matches!(f.kind, FieldKind::Integer { .. });
            view! {
                <input
                    type="text"
                    inputmode=if integer { "numeric" } else { "decimal" }
                    autocomplete="off"
                    data-testid=testid
                    class:invalid=invalid
                    prop:value=move || ctx.raw.with(|r| r.get(id).cloned().unwrap_or_default())
                    on:input=move |ev| {
                        let text = event_target_value(&ev);
                        set_value(ctx, id, raw_number(&text, integer));
                        ctx.raw.update(|r| { r.insert(id.to_owned(), text); });
                    }
                />
            }
            .into_any()
        }
        FieldKind::Date => view! {
            <input
                type="date"
                data-testid=testid
                max=ecrf_core::dates::format_date(device::today())
                class:invalid=invalid
                prop:value=move || current().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    set_value(ctx, id, (!text.is_empty()).then_some(Value::String(text)));
                }
            />
        }
        .into_any(),
        FieldKind::Text => view! {
            <input
                type="text"
                data-testid=testid
                class:invalid=invalid
                prop:value=move || current().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    set_value(ctx, id, (!text.trim().is_empty()).then_some(Value::String(text)));
                }
            />
        }
        .into_any(),
        FieldKind::YesNo => {
            let selected = move || match current() {
                Some(Value::Bool(true)) => "yes",
                Some(Value::Bool(false)) => "no",
                _ => "",
            };
            view! {
                <select
                    data-testid=testid
                    class:invalid=invalid
                    prop:value=selected
                    on:change=move |ev| {
                        let v = match event_target_value(&ev).as_str() {
                            "yes" => Some(Value::Bool(true)),
                            "no" => Some(Value::Bool(false)),
                            _ => None,
                        };
                        set_value(ctx, id, v);
                    }
                >
                    <option value="" selected=move || selected().is_empty()>"—"</option>
                    <option value="yes" selected=move || selected() == "yes">{i18n.t(Msg::Yes)}</option>
                    <option value="no" selected=move || selected() == "no">{i18n.t(Msg::No)}</option>
                </select>
            }
            .into_any()
        }
        FieldKind::Choice { list } => {
            let codes = study().code_list(list).map(|l| l.codes.clone()).unwrap_or_default();
            let selected = move || current().and_then(|v| v.as_str().map(String::from)).unwrap_or_default();
            view! {
                <select
                    data-testid=testid
                    class:invalid=invalid
                    prop:value=selected
                    on:change=move |ev| {
                        let code = event_target_value(&ev);
                        set_value(ctx, id, (!code.is_empty()).then_some(Value::String(code)));
                    }
                >
                    <option value="" selected=move || selected().is_empty()>"—"</option>
                    {codes.into_iter().map(|c| view! {
                        <option value=c.code selected=move || selected() == c.code>
                            {move || label(c.label, i18n.lang.get())}
                        </option>
                    }).collect_view()}
                </select>
            }
            .into_any()
        }
        FieldKind::Lesions | FieldKind::AgentTable => ().into_any(),
        FieldKind::MultiChoice { list } => {
            let codes = study().code_list(list).map(|l| l.codes.clone()).unwrap_or_default();
            let has = move |code: &str| {
                current()
                    .and_then(|v| v.as_array().cloned())
                    .is_some_and(|a| a.iter().any(|x| x.as_str() == Some(code)))
            };
            view! {
                <div class="multi" data-testid=testid>
                    {codes.into_iter().map(|c| view! {
                        <label class="check">
                            <input
                                type="checkbox"
                                data-testid=format!("field-{id}-{}", c.code)
                                prop:checked=move || has(c.code)
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    let mut codes: Vec<Value> = current()
                                        .and_then(|v| v.as_array().cloned())
                                        .unwrap_or_default()
                                        .into_iter()
                                        .filter(|x| x.as_str() != Some(c.code))
                                        .collect();
                                    if on {
                                        codes.push(Value::String(c.code.to_owned()));
                                    }
                                    set_value(ctx, id, (!codes.is_empty()).then_some(Value::Array(codes)));
                                }
                            />
                            {move || label(c.label, i18n.lang.get())}
                        </label>
                    }).collect_view()}
                </div>
            }
            .into_any()
        }
    }
}
