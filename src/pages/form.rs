//! Form entry, rendered from the study definition: numeric keypad for numbers with units shown,
//! date pickers, code lists, inline validation as you type (the core's, in the context of the
//! patient's other forms), soft-range confirmation, the derived values recomputed live, a
//! required reason for any change after the first save, the field history, and a save that
//! never loses what was typed.

use std::collections::{BTreeMap, BTreeSet};

use ecrf_core::ctcae::catalogue;
use ecrf_core::derived::texts::grade as grade_text;
use ecrf_core::i18n::Lang;
use ecrf_core::log::{canonical, Op};
use ecrf_core::record::{
    confirm_ops, create_ops, edit_ops_since, instance_values, needs_reason, proposal_confirmed_ops,
    proposal_draft, record, visible_values, Record, Values,
};
use ecrf_core::register::{Finding, Severity};
use ecrf_core::study::validate::is_visible;
use ecrf_core::study::{study, Field, FieldKind, Form};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;

use crate::components::derived_panel::DerivedPanel;
use crate::components::lesions::{lesion_editor, ResponsePanel};
use crate::device;
use crate::format::{self, label};
use crate::i18n::{use_i18n, Msg};
use crate::local::{self, SaveError};
use crate::state::{db, navigate, refresh_storage, use_app_state, Route};

/// Forms whose inputs feed the derived values: the panel is shown on them.
const DERIVING_FORMS: &[&str] = &[
    "eligibility",
    "demographics",
    "labs",
    "baseline_disease",
    "clinical",
];

/// What the last save attempt came to.
#[derive(Debug, Clone, PartialEq)]
enum Status {
    Idle,
    Saving,
    Saved,
    NoChanges,
    /// Refused: this many problems (errors, unconfirmed unusual values, a missing reason).
    Problems(usize),
    NeedReason,
    NeedUser,
    Failed(SaveError),
}

/// Everything a field's widget needs; all signals, so it is `Copy`.
#[derive(Clone, Copy)]
pub(crate) struct Ctx {
    pub(crate) form: &'static Form,
    /// The patient's record as saved (the lesion editor reads the baseline lesions from it).
    pub(crate) rec: Memo<Record>,
    pub(crate) draft: RwSignal<Values>,
    /// Numbers as typed (so `12.` stays `12.` while typing).
    pub(crate) raw: RwSignal<BTreeMap<String, String>>,
    pub(crate) findings: Memo<Vec<Finding>>,
    pub(crate) attempted: RwSignal<bool>,
    /// Soft-range warnings confirmed, as `field=value`.
    pub(crate) confirmed: RwSignal<BTreeSet<String>>,
    pub(crate) instance: RwSignal<Option<String>>,
    pub(crate) history: RwSignal<Option<&'static str>>,
}

/// The confirmations already saved for the values of a saved instance, as `confirm_key`s.
fn saved_confirmations(instance: Option<String>, values: &Values) -> BTreeSet<String> {
    let Some(i) = instance else {
        return BTreeSet::new();
    };
    local::with(|l| {
        values
            .iter()
            .filter(|(field, value)| l.state.is_confirmed(&i, field, value))
            .map(|(field, value)| confirm_key(field, Some(value)))
            .collect()
    })
}

/// What a soft-range confirmation is for: the field and its value as it will be stored.
fn confirm_key(field: &str, v: Option<&Value>) -> String {
    let value = v
        .map(|v| {
            let mut v = v.clone();
            canonical(&mut v);
            v.to_string()
        })
        .unwrap_or_default();
    format!("{field}={value}")
}

pub(crate) fn set_value(ctx: Ctx, field: &str, v: Option<Value>) {
    ctx.draft.update(|d| match v {
        Some(v) => {
            d.insert(field.to_owned(), v);
        }
        None => {
            d.remove(field);
        }
    });
}

fn raw_number(text: &str, integer: bool) -> Option<Value> {
    let t = text.trim().replace(',', ".");
    if t.is_empty() {
        return None;
    }
    let parsed = if integer {
        t.parse::<i64>().ok().map(Value::from)
    } else {
        t.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
    };
    // Not a number: kept as text, which validation reports as the wrong kind of value.
    Some(parsed.unwrap_or(Value::String(t)))
}

/// The form page.
#[component]
pub fn FormPage(
    patient: String,
    form: &'static str,
    instance: Option<String>,
    proposal: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let Some(form) = study().form(form) else {
        return view! { <p class="error">{form}</p> }.into_any();
    };
    let subject = patient.clone();
    let rec: Memo<Record> = Memo::new(move |_| {
        state.revision.track();
        local::with(|l| record(&l.state, &subject))
    });
    // A new adverse event confirmed from a lab-based proposal starts as that proposal's draft:
    // unsaved (the baseline stays empty), and the proposal stays open until it is saved.
    let proposal = match (&instance, proposal) {
        (None, Some(key)) => rec.with_untracked(|r| {
            r.ae_proposals()
                .into_iter()
                .map(|(_, p)| p)
                .find(|p| p.key == key)
        }),
        _ => None,
    };
    let saved = instance
        .as_deref()
        .map(|i| local::with(|l| instance_values(&l.state, i, form)))
        .unwrap_or_default();
    let initial = proposal
        .as_ref()
        .map(proposal_draft)
        .unwrap_or(saved.clone());
    let raw_initial: BTreeMap<String, String> = initial
        .iter()
        .filter_map(|(k, v)| v.as_f64().map(|n| (k.clone(), format::number(n))))
        .collect();
    let baseline = RwSignal::new(visible_values(form, &saved));
    let proposal_key = StoredValue::new(proposal.map(|p| p.key));
    let instance = RwSignal::new(instance);
    let today = device::today();
    let draft = RwSignal::new(initial);
    let findings = Memo::new(move |_| {
        let values = draft.get();
        let id = instance.get().unwrap_or_else(|| "new".to_owned());
        rec.with(|r| r.validate_draft(form, &id, &values, today))
    });
    let ctx = Ctx {
        form,
        rec,
        draft,
        raw: RwSignal::new(raw_initial),
        findings,
        attempted: RwSignal::new(false),
        confirmed: RwSignal::new(saved_confirmations(
            instance.get_untracked(),
            &draft.get_untracked(),
        )),
        instance,
        history: RwSignal::new(None),
    };
    let dirty = Memo::new(move |_| visible_values(form, &draft.get()) != baseline.get());
    Effect::new(move |_| state.dirty.set(dirty.get()));
    on_cleanup(move || state.dirty.set(false));
    let reason = RwSignal::new(String::new());
    let status = RwSignal::new(Status::Idle);
    let reason_needed = Memo::new(move |_| {
        state.revision.track();
        instance
            .get()
            .is_some_and(|i| local::with(|l| needs_reason(&l.state, &i)))
    });

    let save = move || {
        if status.get_untracked() == Status::Saving {
            return;
        }
        ctx.attempted.set(true);
        let values = visible_values(form, &draft.get_untracked());
        let found = findings.get_untracked();
        let confirmed = ctx.confirmed.get_untracked();
        // Every field with an error or an unusual value not yet confirmed, and a missing reason:
        // all counted at once, the first shown (the form may be far longer than the screen).
        let fields: BTreeSet<&str> = found
            .iter()
            .filter(|f| {
                f.severity == Severity::Error
                    || !confirmed.contains(&confirm_key(&f.field, values.get(&f.field)))
            })
            .map(|f| f.field.as_str())
            .collect();
        let why = reason.get_untracked().trim().to_owned();
        // Only what the user changed since opening the form is written (another tab's or
        // device's change meanwhile is never reverted); a reason explains such a change, so
        // saving an unchanged form, or only confirming a value, needs none.
        let existing = instance.get_untracked();
        let edits = existing
            .as_ref()
            .map(|i| {
                local::with(|l| {
                    edit_ops_since(&l.state, i, form, &baseline.get_untracked(), &values)
                })
            })
            .unwrap_or_default();
        let reason_missing = reason_needed.get_untracked() && why.is_empty() && !edits.is_empty();
        let problems = fields.len() + usize::from(reason_missing);
        if problems > 0 {
            status.set(Status::Problems(problems));
            show_first_problem();
            return;
        }
        let user = state.user.get_untracked();
        if user.is_empty() {
            status.set(Status::NeedUser);
            return;
        }
        // The unusual values the user confirmed: recorded with the save, so that reopening the
        // form does not ask again and the audit trail shows who confirmed what.
        let to_confirm: Vec<(&str, &Value)> = found
            .iter()
            .filter(|f| f.severity != Severity::Error)
            .filter_map(|f| values.get_key_value(f.field.as_str()))
            .map(|(k, v)| (k.as_str(), v))
            .collect();
        let (mut ops, created) = match &existing {
            Some(_) => (edits, None),
            None => {
                let Some(id) = local::next_instance_id() else {
                    status.set(Status::Failed(SaveError::NotReady));
                    return;
                };
                (create_ops(&id, form, &patient, &values), Some(id))
            }
        };
        if let Some(i) = existing.as_ref().or(created.as_ref()) {
            ops.extend(local::with(|l| confirm_ops(&l.state, i, &to_confirm)));
        }
        // The proposal this event was drafted from is decided with the event, in one commit.
        if let (Some(id), Some(key)) = (created.as_ref(), proposal_key.get_value()) {
            ops.extend(proposal_confirmed_ops(
                &format!("{id}-r"),
                &patient,
                &key,
                id,
            ));
        }
        if ops.is_empty() {
            status.set(Status::NoChanges);
            return;
        }
        let Some(db) = db() else {
            status.set(Status::Failed(SaveError::NotReady));
            return;
        };
        status.set(Status::Saving);
        let reason_given = (!why.is_empty()).then_some(why);
        let patient_for_url = patient.clone();
        spawn_local(async move {
            match local::save(&db, &user, reason_given, ops).await {
                Ok(_) => {
                    if let Some(id) = created {
                        // The address now names the saved instance (a reload reopens it).
                        crate::url::replace(&Route::Form {
                            patient: patient_for_url.clone(),
                            form: form.id,
                            instance: Some(id.clone()),
                            proposal: None,
                        });
                        proposal_key.set_value(None);
                        instance.set(Some(id));
                    }
                    baseline.set(values);
                    reason.set(String::new());
                    ctx.attempted.set(false);
                    status.set(Status::Saved);
                    state.revision.update(|r| *r += 1);
                    refresh_storage(state);
                }
                // Nothing is cleared: the draft stays on screen to save again.
                Err(e) => status.set(Status::Failed(e)),
            }
        });
    };

    // Deleting a saved instance of a repeatable form (soft: it stays in the log and history).
    let deleting = RwSignal::new(false);
    let delete_reason = RwSignal::new(String::new());
    let delete_patient = rec.get_untracked().subject;
    let delete = move || {
        let why = delete_reason.get_untracked().trim().to_owned();
        let (Some(id), Some(db)) = (instance.get_untracked(), db()) else {
            return;
        };
        if why.is_empty() {
            status.set(Status::NeedReason);
            return;
        }
        let user = state.user.get_untracked();
        if user.is_empty() {
            status.set(Status::NeedUser);
            return;
        }
        let patient = delete_patient.clone();
        status.set(Status::Saving);
        spawn_local(async move {
            let ops = vec![Op::DeleteForm { instance: id }];
            match local::save(&db, &user, Some(why), ops).await {
                Ok(_) => {
                    state.dirty.set(false);
                    state.revision.update(|r| *r += 1);
                    navigate(state, Route::Patient(patient));
                }
                Err(e) => status.set(Status::Failed(e)),
            }
        });
    };
    let can_delete = move || form.repeatable && instance.get().is_some();

    let status_line = move || {
        let lang = i18n.lang.get();
        let (kind, msg) = match status.get() {
            Status::Idle => return None,
            Status::Saving => ("info", Msg::Saving),
            Status::Saved => ("ok", Msg::Saved),
            Status::NoChanges => ("info", Msg::NoChanges),
            Status::Problems(n) => return Some(("error", crate::i18n::problems(n, lang))),
            Status::NeedReason => ("error", Msg::NeedReason),
            Status::NeedUser => ("error", Msg::NeedUser),
            Status::Failed(SaveError::Busy) => ("error", Msg::ErrBusy),
            Status::Failed(SaveError::NotReady) => ("error", Msg::StorageOpening),
            Status::Failed(SaveError::Storage(e)) => {
                let detail = match e.msg() {
                    Msg::ErrOther => format!("{} {e}", Msg::ErrOther.text(lang)),
                    m => m.text(lang).to_owned(),
                };
                return Some(("error", format!("{} {detail}", Msg::ErrNotSaved.text(lang))));
            }
        };
        Some((kind, msg.text(lang).to_owned()))
    };

    let back = {
        let patient = rec.get_untracked().subject;
        move |_| {
            navigate(state, Route::Patient(patient.clone()));
        }
    };
    let title = move || label(form.label, i18n.lang.get());
    let subject_title = rec.get_untracked().subject;
    let deriving = DERIVING_FORMS.contains(&form.id);
    let derived_record = Memo::new(move |_| {
        let values = visible_values(form, &draft.get());
        let id = instance.get().unwrap_or_else(|| "new".to_owned());
        rec.with(|r| r.with_draft(&id, form.id, &values))
    });

    view! {
        <section class="card wide form-page" data-testid="form-page" data-form=form.id>
            <div class="toolbar">
                <button class="link" data-testid="back" on:click=back>{i18n.t(Msg::BackToPatient)}</button>
            </div>
            <h2>
                <span data-testid="form-title">{title}</span>
                <span class="count mono">{subject_title}</span>
            </h2>
            <form class="form crf" novalidate on:submit=move |ev| { ev.prevent_default(); save(); }>
                {form
                    .fields
                    .iter()
                    .filter(|f| !is_limit(f.id))
                    .map(|f| {
                        let lln = form.field(&format!("{}_lln", f.id));
                        let uln = form.field(&format!("{}_uln", f.id));
                        match (lln, uln) {
                            // A lab value and its limits of normal share one row.
                            // Their histories span the whole row, below the three fields.
                            (Some(lln), Some(uln)) => view! {
                                <div class="lab-row">
                                    {field_view(f, ctx, false)}
                                    {field_view(lln, ctx, false)}
                                    {field_view(uln, ctx, false)}
                                    <div class="lab-history">
                                        <HistoryList field=f ctx=ctx />
                                        <HistoryList field=lln ctx=ctx />
                                        <HistoryList field=uln ctx=ctx />
                                    </div>
                                </div>
                            }
                            .into_any(),
                            _ => field_view(f, ctx, true).into_any(),
                        }
                    })
                    .collect_view()}
                <Show when=move || reason_needed.get() && dirty.get()>
                    <label class="field reason"
                        class:problem=move || ctx.attempted.get() && reason.get().trim().is_empty()>
                        <span class="label">{i18n.t(Msg::ReasonForChange)}</span>
                        <textarea
                            data-testid="reason"
                            rows="2"
                            prop:value=move || reason.get()
                            on:input=move |ev| reason.set(event_target_value(&ev))
                        ></textarea>
                        <span class="hint">{i18n.t(Msg::ReasonHint)}</span>
                    </label>
                </Show>
                <div class="actions">
                    <button type="submit" class="primary" data-testid="save-form"
                        disabled=move || status.get() == Status::Saving>
                        {i18n.t(Msg::SaveForm)}
                    </button>
                    <span class="unsaved" data-testid="unsaved" class:hidden=move || !dirty.get()>
                        {i18n.t(Msg::Unsaved)}
                    </span>
                    {move || status_line().map(|(kind, text)| view! {
                        <p class=format!("save {kind}") data-testid="form-status" role="status">{text}</p>
                    })}
                    <Show when=can_delete>
                        <button type="button" class="link danger" data-testid="delete-form"
                            on:click=move |_| deleting.update(|d| *d = !*d)>
                            {i18n.t(Msg::DeleteForm)}
                        </button>
                    </Show>
                </div>
                <Show when=move || deleting.get() && can_delete()>
                    <div class="field delete-panel">
                        <span class="label">{i18n.t(Msg::DeleteReason)}</span>
                        <input
                            data-testid="delete-reason"
                            prop:value=move || delete_reason.get()
                            on:input=move |ev| delete_reason.set(event_target_value(&ev))
                        />
                        <span class="hint">{i18n.t(Msg::DeleteHint)}</span>
                        <button type="button" class="primary danger" data-testid="confirm-delete"
                            on:click={
                                let delete = delete.clone();
                                move |_| delete()
                            }>
                            {i18n.t(Msg::DeleteForm)}
                        </button>
                    </div>
                </Show>
            </form>
        </section>
        {deriving.then(|| view! { <DerivedPanel record=derived_record today=today /> })}
        {(form.id == "tumor_assessment").then(|| {
            let date = Memo::new(move |_| {
                draft.with(|d| d.get("date").and_then(|v| v.as_str()).and_then(|s| ecrf_core::dates::parse_date(s).ok()))
            });
            view! { <ResponsePanel record=derived_record date=date /> }
        })}
    }
    .into_any()
}

/// Brings the first problem of a refused save into view and focuses its control: the
/// confirmation of an unusual value, else the field's input, or the reason box. Runs once the
/// messages of the refused save are drawn.
fn show_first_problem() {
    use wasm_bindgen::JsCast;
    gloo::timers::callback::Timeout::new(0, || {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Ok(Some(problem)) = doc.query_selector(".crf .problem") else {
            return;
        };
        let field = problem
            .closest(".field")
            .ok()
            .flatten()
            .unwrap_or_else(|| problem.clone());
        field.scroll_into_view_with_bool(true);
        let control = "input, select, textarea";
        let target = problem
            .query_selector(control)
            .ok()
            .flatten()
            .or_else(|| field.query_selector(control).ok().flatten());
        if let Some(el) = target.and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = el.focus();
        }
    })
    .forget();
}

/// Whether a field is a lab's lower or upper limit of normal (shown beside the lab value).
fn is_limit(id: &str) -> bool {
    id.ends_with("_lln") || id.ends_with("_uln")
}

/// One field: its widget, unit, message, soft-range confirmation and (when `with_history`)
/// its history.
fn field_view(f: &'static Field, ctx: Ctx, with_history: bool) -> impl IntoView {
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

/// Opens a field's history when it has any.
#[component]
fn HistoryButton(field: &'static Field, ctx: Ctx) -> impl IntoView {
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
fn HistoryList(field: &'static Field, ctx: Ctx) -> impl IntoView {
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
                        w.user.clone(),
                        format::time_ms(w.hlc.wall_ms),
                        w.device.clone(),
                        w.reason.clone().unwrap_or_default(),
                        heads.contains(&w.commit),
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

/// The adverse event's term: a search over the CTCAE v5.0 catalogue (English, the project's
/// Chinese names, abbreviations); picking a result sets the term and shows its grade definitions.
fn term_widget(ctx: Ctx, invalid: impl Fn() -> bool + Copy + Send + Sync + 'static) -> AnyView {
    let i18n = use_i18n();
    let chosen = move || {
        ctx.draft
            .with(|d| d.get("term").and_then(|v| v.as_str().map(String::from)))
    };
    let query = RwSignal::new(chosen().unwrap_or_default());
    let results = move || {
        let q = query.get();
        if q.trim().is_empty() || Some(&q) == chosen().as_ref() {
            return Vec::new();
        }
        catalogue::search(&q, 8)
    };
    // What to know beyond the results (a syndrome CTCAE grades by its parts), or what to try
    // when nothing matches.
    let hint = move || {
        let lang = i18n.lang.get();
        let q = query.get();
        if q.trim().is_empty() || Some(&q) == chosen().as_ref() {
            return None;
        }
        match catalogue::search_hint(&q) {
            Some(note) => Some(
                view! { <p class="hint" data-testid="term-hint">{note.get(lang).to_owned()}</p> }
                    .into_any(),
            ),
            None if results().is_empty() => Some(
                view! { <p class="hint" data-testid="term-none">{Msg::TermNoMatch.text(lang)}</p> }
                    .into_any(),
            ),
            None => None,
        }
    };
    let name = move |t: &catalogue::Term, lang: Lang| match (lang, t.zh) {
        (Lang::ZhCn, Some(zh)) => format!("{zh} ({})", t.term),
        _ => t.term.to_owned(),
    };
    let grades = move || {
        let lang = i18n.lang.get();
        chosen().and_then(|c| catalogue::find(&c)).map(|t| {
            let rows = t
                .grades
                .iter()
                .enumerate()
                .filter_map(|(i, g)| g.map(|g| (i + 1, catalogue::unescape(g))))
                .map(|(g, text)| {
                    view! {
                        <dt>{grade_text(g).get(lang).to_owned()}</dt>
                        <dd data-testid=format!("term-grade-{g}")>{text}</dd>
                    }
                })
                .collect_view();
            view! {
                <div class="term-chosen" data-testid="term-chosen">
                    <p class="hint">{format!("{} · {}", name(t, lang), t.soc)}</p>
                    <p class="label">{Msg::TermGrades.text(lang)}</p>
                    <dl class="grades">{rows}</dl>
                </div>
            }
        })
    };
    view! {
        <div class="term-search">
            <input
                type="search"
                data-testid="field-term"
                autocomplete="off"
                class:invalid=invalid
                placeholder=i18n.t(Msg::TermSearch)
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <ul class="term-results" class:hidden=move || results().is_empty()>
                {move || {
                    let lang = i18n.lang.get();
                    results()
                        .into_iter()
                        .map(|t| {
                            let term = t.term;
                            view! {
                                <li>
                                    <button type="button" data-testid="term-result" on:click=move |_| {
                                        set_value(ctx, "term", Some(Value::String(term.to_owned())));
                                        query.set(term.to_owned());
                                    }>
                                        <span class="strong">{name(t, lang)}</span>
                                        <span class="hint">{format!(" · {}", t.soc)}</span>
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            {hint}
            {grades}
        </div>
    }
    .into_any()
}

/// Per systemic agent the patient received (by the onset date): the relation of the adverse
/// event to it and the action taken with it.
fn agent_table(ctx: Ctx, id: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    let rows = move || {
        ctx.draft
            .with(|d| d.get(id).and_then(|v| v.as_array().cloned()))
            .unwrap_or_default()
    };
    let agents = Memo::new(move |_| {
        let onset = ctx.draft.with(|d| {
            d.get("onset_date")
                .and_then(|v| v.as_str())
                .and_then(|s| ecrf_core::dates::parse_date(s).ok())
        });
        let mut list = ctx.rec.with(|r| r.agents_received(onset));
        for r in rows() {
            if let Some(a) = r.get("agent").and_then(|a| a.as_str()) {
                if !list.iter().any(|x| x == a) {
                    list.push(a.to_owned());
                }
            }
        }
        list
    });
    let get = move |agent: &str, key: &str| {
        rows()
            .into_iter()
            .find(|r| r.get("agent").and_then(|a| a.as_str()) == Some(agent))
            .and_then(|r| r.get(key).and_then(|v| v.as_str()).map(String::from))
            .unwrap_or_default()
    };
    let set = move |agent: String, key: &'static str, code: String| {
        let mut all = rows();
        let pos = all
            .iter()
            .position(|r| r.get("agent").and_then(|a| a.as_str()) == Some(agent.as_str()));
        let row = match pos {
            Some(p) => &mut all[p],
            None => {
                all.push(serde_json::json!({ "agent": agent }));
                all.last_mut().expect("just pushed")
            }
        };
        if let Some(obj) = row.as_object_mut() {
            if code.is_empty() {
                obj.remove(key);
            } else {
                obj.insert(key.to_owned(), Value::String(code));
            }
        }
        set_value(ctx, id, (!all.is_empty()).then_some(Value::Array(all)));
    };
    let select = move |agent: String, key: &'static str, list: &'static str| {
        let codes = study()
            .code_list(list)
            .map(|l| l.codes.clone())
            .unwrap_or_default();
        let a2 = agent.clone();
        view! {
            <select data-testid=format!("agent-{agent}-{key}")
                prop:value=move || get(&a2, key)
                on:change=move |ev| set(agent.clone(), key, event_target_value(&ev))>
                <option value="">"—"</option>
                {codes.into_iter().map(|c| view! {
                    <option value=c.code>{move || label(c.label, i18n.lang.get())}</option>
                }).collect_view()}
            </select>
        }
    };
    view! {
        <Show
            when=move || !agents.with(Vec::is_empty)
            fallback=move || view! { <p class="hint" data-testid="no-agents">{i18n.t(Msg::NoAgents)}</p> }
        >
            <div class="scroll">
            <table class="data lesions" data-testid="agent-table">
                <thead><tr>
                    <th>{i18n.t(Msg::Agent)}</th>
                    <th>{i18n.t(Msg::Relation)}</th>
                    <th>{i18n.t(Msg::ActionTaken)}</th>
                </tr></thead>
                <tbody>
                    {move || agents.get().into_iter().map(|a| view! {
                        <tr>
                            <td>{format::code_label("systemic_agent", &a, i18n.lang.get())}</td>
                            <td>{select(a.clone(), "relation", "relation")}</td>
                            <td>{select(a.clone(), "action", "ae_action")}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            </div>
        </Show>
    }
}
