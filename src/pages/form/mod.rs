//! Form entry, rendered from the study definition: numeric keypad for numbers with units shown,
//! date pickers, code lists, inline validation as you type (the core's, in the context of the
//! patient's other forms), soft-range confirmation, the derived values recomputed live, a
//! required reason for any change after the first save, the field history, and a save that
//! never loses what was typed.
//!
//! The page is a folder of small pieces: [`context`] (what every field's widget shares),
//! [`fields`] (a field and its widget), [`history`] (a field's history), [`term_search`] (the
//! CTCAE term search), [`agents`] (the adverse event's relation per agent) and [`lesions`] (the
//! tumor assessment's lesion table and responses).

mod agents;
mod context;
mod fields;
mod history;
mod lesions;
mod term_search;

use std::collections::{BTreeMap, BTreeSet};

use ecrf_core::log::Op;
use ecrf_core::record::save::{prepare_save, SaveRefusal, SaveRequest};
use ecrf_core::record::{
    instance_values, needs_reason, proposal_draft, record, visible_values, Record, Values,
};
use ecrf_core::study::study;
use leptos::prelude::*;

use crate::components::derived_panel::DerivedPanel;
use crate::device;
use crate::format::{self, label};
use crate::i18n::{use_i18n, Msg};
use crate::local::{self, SaveError};
use crate::save::{use_save, SaveFailure};
use crate::state::{navigate, use_app_state, Route};
use context::Ctx;
use ecrf_core::record::save::confirm_key;
use fields::{field_view, is_limit};
use history::HistoryList;
use lesions::ResponsePanel;

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

impl From<SaveFailure> for Status {
    fn from(f: SaveFailure) -> Status {
        match f {
            SaveFailure::NeedUser => Status::NeedUser,
            SaveFailure::Save(e) => Status::Failed(e),
        }
    }
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

    let saver = use_save();
    let save = move || {
        if status.get_untracked() == Status::Saving {
            return;
        }
        ctx.attempted.set(true);
        let values = visible_values(form, &draft.get_untracked());
        let user = state.user.get_untracked();
        let existing = instance.get_untracked();
        // A new instance's id (none while the log is not loaded: then the gate still speaks
        // first, and a save it allows is refused as not ready).
        let created = existing.is_none().then(local::next_instance_id).flatten();
        let why = reason.get_untracked().trim().to_owned();
        let (found, confirmed) = (findings.get_untracked(), ctx.confirmed.get_untracked());
        let opened = baseline.get_untracked();
        let proposal = proposal_key.get_value();
        let request = SaveRequest {
            form,
            patient: &patient,
            existing: existing.as_deref(),
            new_instance: created.as_deref().unwrap_or_default(),
            opened: &opened,
            values: &values,
            findings: &found,
            confirmed: &confirmed,
            reason: &why,
            proposal: proposal.as_deref(),
        };
        let prepared = local::with(|l| prepare_save(&l.state, &request));
        let ops = match prepared {
            Err(refusal @ SaveRefusal::Problems { .. }) => {
                // All counted at once, the first shown (the form may be far longer than the
                // screen).
                status.set(Status::Problems(refusal.count()));
                show_first_problem();
                return;
            }
            _ if user.is_empty() => {
                status.set(Status::NeedUser);
                return;
            }
            Err(SaveRefusal::NoChanges) => {
                status.set(Status::NoChanges);
                return;
            }
            Ok(_) if existing.is_none() && created.is_none() => {
                status.set(Status::Failed(SaveError::NotReady));
                return;
            }
            Ok(ops) => ops,
        };
        status.set(Status::Saving);
        let reason_given = (!why.is_empty()).then_some(why);
        let patient_for_url = patient.clone();
        saver.run(reason_given, ops, move |result| match result {
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
            }
            // Nothing is cleared: the draft stays on screen to save again.
            Err(e) => status.set(e.into()),
        });
    };

    // Deleting a saved instance of a repeatable form (soft: it stays in the log and history).
    let deleting = RwSignal::new(false);
    let delete_reason = RwSignal::new(String::new());
    let delete_patient = rec.get_untracked().subject;
    let delete = move || {
        let why = delete_reason.get_untracked().trim().to_owned();
        let Some(id) = instance.get_untracked() else {
            return;
        };
        if why.is_empty() {
            status.set(Status::NeedReason);
            return;
        }
        let patient = delete_patient.clone();
        status.set(Status::Saving);
        let ops = vec![Op::DeleteForm { instance: id }];
        saver.run(Some(why), ops, move |result| match result {
            Ok(_) => {
                state.dirty.set(false);
                navigate(state, Route::Patient(patient));
            }
            Err(e) => status.set(e.into()),
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
                draft.with(|d| ecrf_core::record::instance_date(form.id, d))
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
