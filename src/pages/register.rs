//! The patient register: add a patient (subject ID, enrollment date) and list them. Validation is
//! the core's; a failed save keeps what was typed.

use ecrf_core::dates::format_date;
use ecrf_core::register::{check_unique, Finding, PatientDraft};
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::device;
use crate::i18n::{use_i18n, Msg};
use crate::state::{db, refresh_storage, use_app_state, DbStatus};
use crate::storage::StorageError;

/// What the last save attempt came to.
#[derive(Debug, Clone, PartialEq)]
enum SaveState {
    Idle,
    Saving,
    Saved(String),
    Failed(StorageError),
}

/// The register page: the form above the list.
#[component]
pub fn RegisterPage() -> impl IntoView {
    view! {
        <PatientForm />
        <PatientList />
    }
}

#[component]
fn PatientForm() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let subject_id = RwSignal::new(String::new());
    let enrollment = RwSignal::new(format_date(device::today()));
    let findings = RwSignal::new(Vec::<Finding>::new());
    let save = RwSignal::new(SaveState::Idle);

    let finding_for = move |field: &'static str| {
        move || {
            findings
                .get()
                .into_iter()
                .find(|f| f.field == field)
                .map(|f| f.message.get(i18n.lang.get()).to_owned())
        }
    };

    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if save.get_untracked() == SaveState::Saving {
            return;
        }
        let draft = PatientDraft {
            subject_id: subject_id.get_untracked(),
            enrollment_date: enrollment.get_untracked(),
        };
        let patient = match draft.validate(device::today()) {
            Ok(p) => p,
            Err(found) => {
                findings.set(found);
                return;
            }
        };
        let existing = state.patients.get_untracked();
        if let Err(dup) = check_unique(&patient, existing.iter().map(|p| &p.subject_id)) {
            findings.set(vec![dup]);
            return;
        }
        findings.set(Vec::new());
        let Some(db) = db() else {
            return;
        };
        save.set(SaveState::Saving);
        spawn_local(async move {
            match db.add_patient(&patient).await {
                Ok(()) => {
                    state.patients.update(|list| {
                        list.push(patient.clone());
                        list.sort_by_key(|p| p.subject_id);
                    });
                    // Only a successful save clears the form.
                    subject_id.set(String::new());
                    save.set(SaveState::Saved(patient.subject_id.to_string()));
                    refresh_storage(state);
                }
                Err(err) => save.set(SaveState::Failed(err)),
            }
        });
    };

    let ready = move || state.db_status.get() == DbStatus::Ready;
    let save_line = move || {
        let lang = i18n.lang.get();
        match save.get() {
            SaveState::Idle => None,
            SaveState::Saving => Some(("info", Msg::Saving.text(lang).to_owned())),
            SaveState::Saved(id) => Some(("ok", format!("{id} · {}", Msg::Saved.text(lang)))),
            SaveState::Failed(err) => Some((
                "error",
                format!("{} {}", Msg::ErrNotSaved.text(lang), err.msg().text(lang)),
            )),
        }
    };

    view! {
        <section class="card">
            <h2>{i18n.t(Msg::RegisterTitle)}</h2>
            <form class="form" on:submit=submit novalidate>
                <label class="field">
                    <span class="label">{i18n.t(Msg::SubjectId)}</span>
                    <input
                        name="subject_id"
                        data-testid="subject-id"
                        autocomplete="off"
                        autocapitalize="characters"
                        spellcheck="false"
                        placeholder="HCC-001-0001"
                        class:invalid=move || finding_for("subject_id")().is_some()
                        prop:value=move || subject_id.get()
                        on:input=move |ev| subject_id.set(event_target_value(&ev))
                    />
                    <span class="hint">{i18n.t(Msg::SubjectIdHint)}</span>
                    {move || finding_for("subject_id")().map(|m| view! { <span class="error" data-testid="error-subject_id">{m}</span> })}
                </label>
                <label class="field">
                    <span class="label">{i18n.t(Msg::EnrollmentDate)}</span>
                    <input
                        type="date"
                        name="enrollment_date"
                        data-testid="enrollment-date"
                        max=move || format_date(device::today())
                        class:invalid=move || finding_for("enrollment_date")().is_some()
                        prop:value=move || enrollment.get()
                        on:input=move |ev| enrollment.set(event_target_value(&ev))
                    />
                    {move || finding_for("enrollment_date")().map(|m| view! { <span class="error" data-testid="error-enrollment_date">{m}</span> })}
                </label>
                <button type="submit" class="primary" data-testid="add-patient" disabled=move || !ready()>
                    {i18n.t(Msg::AddPatient)}
                </button>
                {move || save_line().map(|(kind, text)| view! { <p class=format!("save {kind}") data-testid="save-state">{text}</p> })}
            </form>
        </section>
    }
}

#[component]
fn PatientList() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let query = RwSignal::new(String::new());
    let shown = move || {
        let q = query.get().trim().to_ascii_uppercase();
        state
            .patients
            .get()
            .into_iter()
            .filter(|p| q.is_empty() || p.subject_id.to_string().contains(&q))
            .collect::<Vec<_>>()
    };
    view! {
        <section class="card">
            <h2>
                {i18n.t(Msg::PatientsTitle)}
                <span class="count" data-testid="patient-count">
                    {move || format!("{} {}", state.patients.get().len(), Msg::PatientCount.text(i18n.lang.get()))}
                </span>
            </h2>
            <input
                class="search"
                type="search"
                data-testid="search"
                placeholder=i18n.t(Msg::SearchPlaceholder)
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
            />
            <Show
                when=move || !state.patients.get().is_empty()
                fallback=move || view! { <p class="empty">{i18n.t(Msg::NoPatients)}</p> }
            >
                <table class="patients" data-testid="patients">
                    <thead>
                        <tr>
                            <th>{i18n.t(Msg::SubjectId)}</th>
                            <th>{i18n.t(Msg::EnrollmentDate)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=shown key=|p| p.subject_id children=move |p| {
                            view! {
                                <tr data-testid="patient-row">
                                    <td class="mono">{p.subject_id.to_string()}</td>
                                    <td>{format_date(p.enrollment_date)}</td>
                                </tr>
                            }
                        } />
                    </tbody>
                </table>
            </Show>
        </section>
    }
}
