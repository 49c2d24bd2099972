//! The first screen: who is entering data, registering a patient (subject ID; the patient's
//! eligibility form is opened next), and the patient list with status, treatment group, next
//! visit due or overdue, and whether the patient has changes not yet synced.

use ecrf_core::finding::Finding;
use ecrf_core::i18n::Lang;
use ecrf_core::record::{create_ops, records_of, subjects, Values};
use ecrf_core::register::subject_message;
use ecrf_core::schedule::{Status, VisitState};
use ecrf_core::study::study;
use ecrf_core::subject::SubjectId;
use leptos::prelude::*;

use crate::device;
use crate::i18n::{group_label, use_i18n, Msg};
use crate::local::{self, SaveError};
use crate::pages::demo::DemoCard;
use crate::save::{use_save, SaveFailure};
use crate::state::{navigate, set_user, use_app_state, DbStatus, Route};

/// A status in `lang` (the core's words).
pub fn status_label(s: Status, lang: Lang) -> String {
    s.label().get(lang).to_owned()
}

/// A visit state in `lang`.
pub fn visit_label(s: VisitState, lang: Lang) -> &'static str {
    match s {
        VisitState::Done => Msg::VisitDone,
        VisitState::Due => Msg::VisitDue,
        VisitState::Overdue => Msg::VisitOverdue,
        VisitState::Missed => Msg::VisitMissed,
        VisitState::Upcoming => Msg::VisitUpcoming,
    }
    .text(lang)
}

/// The page.
#[component]
pub fn PatientsPage() -> impl IntoView {
    let state = use_app_state();
    view! {
        {if state.demo {
            view! { <UserCard /> }.into_any()
        } else {
            view! { <crate::components::vault_card::VaultCard /> }.into_any()
        }}
        <RegisterCard />
        <PatientList />
        {(!state.demo).then(|| view! { <DemoCard /> })}
    }
}

/// The local user profile: the name every commit carries until accounts arrive with sync.
#[component]
pub fn UserCard() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let name = RwSignal::new(state.user.get_untracked());
    let editing = RwSignal::new(state.user.get_untracked().is_empty());
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if !name.get_untracked().trim().is_empty() {
            set_user(state, &name.get_untracked());
            editing.set(false);
        }
    };
    view! {
        <section class="card user" data-testid="user-card">
            <h2>{i18n.t(Msg::UserTitle)}</h2>
            <Show
                when=move || editing.get()
                fallback=move || view! {
                    <p>
                        <span data-testid="user-name" class="strong">{move || state.user.get()}</span>
                        " "
                        <button class="link" data-testid="user-change" on:click=move |_| editing.set(true)>
                            {i18n.t(Msg::Change)}
                        </button>
                    </p>
                    <p class="hint">{i18n.t(Msg::UserHint)}</p>
                }
            >
                <form class="form" on:submit=submit novalidate>
                    <label class="field">
                        <span class="label">{i18n.t(Msg::UserName)}</span>
                        <input
                            data-testid="user-input"
                            autocomplete="name"
                            prop:value=move || name.get()
                            on:input=move |ev| name.set(event_target_value(&ev))
                        />
                        <span class="hint">{i18n.t(Msg::UserHint)}</span>
                    </label>
                    <button type="submit" class="primary" data-testid="user-save">{i18n.t(Msg::Save)}</button>
                </form>
            </Show>
        </section>
    }
}

#[component]
fn RegisterCard() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let subject = RwSignal::new(String::new());
    let finding = RwSignal::new(None::<Finding>);
    let failure = RwSignal::new(None::<SaveError>);
    let saver = use_save();
    let saving = saver.pending;
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if saving.get_untracked() {
            return;
        }
        failure.set(None);
        let parsed = match subject.get_untracked().parse::<SubjectId>() {
            Ok(id) => id,
            Err(e) => {
                finding.set(Some(Finding::error("subject_id", subject_message(&e))));
                return;
            }
        };
        let id = parsed.to_string();
        let exists = local::with(|l| l.state.forms().any(|(_, f)| f.patient == id && !f.deleted));
        if exists {
            finding.set(Some(ecrf_core::register::already_registered(&parsed)));
            return;
        }
        finding.set(None);
        let (Some(instance), Some(form)) = (local::next_instance_id(), study().form("eligibility"))
        else {
            return;
        };
        let ops = create_ops(&instance, form, &id, &Values::new());
        saver.run(None, ops, move |r| match r {
            Ok(_) => {
                subject.set(String::new());
                navigate(
                    state,
                    Route::Form {
                        patient: id,
                        form: "eligibility",
                        instance: Some(instance),
                        proposal: None,
                    },
                );
            }
            Err(SaveFailure::NeedUser) => finding.set(Some(Finding::error(
                "subject_id",
                ecrf_core::i18n::Text::new(
                    Msg::NeedUser.text(Lang::En),
                    Msg::NeedUser.text(Lang::ZhCn),
                ),
            ))),
            Err(SaveFailure::Save(e)) => failure.set(Some(e)),
        });
    };
    let ready = move || state.db_status.get() == DbStatus::Ready;
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
                        class:invalid=move || finding.get().is_some()
                        prop:value=move || subject.get()
                        on:input=move |ev| subject.set(event_target_value(&ev))
                    />
                    <span class="hint">{i18n.t(Msg::SubjectIdHint)}</span>
                    {move || finding.get().map(|f| view! {
                        <span class="error" data-testid="error-subject_id">{f.message.get(i18n.lang.get()).to_owned()}</span>
                    })}
                </label>
                <button type="submit" class="primary" data-testid="add-patient" disabled=move || !ready() || saving.get()>
                    {i18n.t(Msg::AddPatient)}
                </button>
                {move || failure.get().map(|e| {
                    let lang = i18n.lang.get();
                    let detail = e.text(lang);
                    view! { <p class="save error" data-testid="save-state">{format!("{} {detail}", Msg::ErrNotSaved.text(lang))}</p> }
                })}
            </form>
        </section>
    }
}

/// How many rows the list shows at first, and how many more each "show more" adds.
const PAGE: usize = 200;

/// One row of the list.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    summary: ecrf_core::summary::Summary,
    unsynced: usize,
}

#[component]
fn PatientList() -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let query = RwSignal::new(String::new());
    let limit = RwSignal::new(PAGE);
    let today = device::today();
    // Every subject (cheap: no value read), then the rows of one page only: a study of 2,000
    // patients shows its first page at once.
    let all = Memo::new(move |_| {
        state.revision.track();
        local::with(|l| subjects(&l.state))
    });
    let matching = Memo::new(move |_| {
        let q = query.get().trim().to_ascii_uppercase();
        all.with(|all| {
            all.iter()
                .filter(|s| q.is_empty() || s.contains(&q))
                .cloned()
                .collect::<Vec<_>>()
        })
    });
    let shown = move || {
        let page: std::collections::BTreeSet<String> =
            matching.with(|m| m.iter().take(limit.get()).cloned().collect());
        state.revision.track();
        local::with(|l| {
            records_of(&l.state, &page)
                .into_values()
                .map(|r| Row {
                    // The demo database is never synced: no marker there.
                    unsynced: if state.demo {
                        0
                    } else {
                        l.unsynced.get(&r.subject).copied().unwrap_or(0)
                    },
                    summary: r.summary(today),
                })
                .collect::<Vec<_>>()
        })
    };
    let more = move || matching.with(Vec::len).saturating_sub(limit.get());
    view! {
        <section class="card wide">
            <h2>
                {i18n.t(Msg::PatientsTitle)}
                <span class="count" data-testid="patient-count">
                    {move || format!("{} {}", all.with(|a| a.len()), Msg::PatientCount.text(i18n.lang.get()))}
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
                when=move || !all.with(|a| a.is_empty())
                fallback=move || {
                    let msg = if state.db_status.get() == DbStatus::Opening {
                        Msg::StorageOpening
                    } else {
                        Msg::NoPatients
                    };
                    view! { <p class="empty" data-testid="patients-empty">{i18n.t(msg)}</p> }
                }
            >
                <div class="scroll">
                <table class="patients" data-testid="patients">
                    <thead>
                        <tr>
                            <th>{i18n.t(Msg::SubjectId)}</th>
                            <th>{i18n.t(Msg::StatusHeader)}</th>
                            <th>{i18n.t(Msg::Group)}</th>
                            <th>{i18n.t(Msg::EnrollmentDate)}</th>
                            <th>{i18n.t(Msg::NextVisit)}</th>
                            <th>{i18n.t(Msg::Sync)}</th>
                        </tr>
                    </thead>
                    <tbody>
                        <For each=shown key=|r| (r.summary.subject.clone(), format!("{:?}{}", r.summary, r.unsynced)) children=move |r| {
                            let subject = r.summary.subject.clone();
                            let go = subject.clone();
                            let s = r.summary.clone();
                            let next = s.next_visit;
                            let group = s.group_code();
                            view! {
                                <tr data-testid="patient-row" class="clickable" on:click=move |_| { navigate(state, Route::Patient(go.clone())); }>
                                    <td class="mono"><button class="link mono" data-testid="open-patient">{subject}</button></td>
                                    <td data-testid="patient-status">
                                        <span class=format!("badge status-{:?}", s.status).to_lowercase()>{move || status_label(s.status, i18n.lang.get())}</span>
                                    </td>
                                    <td data-testid="patient-group">{move || group.map(|g| group_label(g, i18n.lang.get())).unwrap_or_default()}</td>
                                    <td class="nowrap">{s.enrolled.map(ecrf_core::dates::format_date).unwrap_or_default()}</td>
                                    <td data-testid="next-visit">
                                        {move || next.map(|v| {
                                            let lang = i18n.lang.get();
                                            let cls = format!("badge visit-{:?}", v.state).to_lowercase();
                                            view! {
                                                <span>{ecrf_core::dates::format_date(v.target)}</span>
                                                " "
                                                <span class=cls>{visit_label(v.state, lang)}</span>
                                            }
                                        })}
                                        {(s.missed > 0).then(|| view! {
                                            <span class="badge visit-missed">{move || format!("{} {}", s.missed, Msg::VisitMissed.text(i18n.lang.get()))}</span>
                                        })}
                                    </td>
                                    <td data-testid="unsynced">
                                        {(r.unsynced > 0).then(|| view! {
                                            <span class="badge unsynced" title=move || Msg::UnsyncedHint.text(i18n.lang.get())>
                                                {move || format!("● {} {}", r.unsynced, Msg::Unsynced.text(i18n.lang.get()))}
                                            </span>
                                        })}
                                    </td>
                                </tr>
                            }
                        } />
                    </tbody>
                </table>
                </div>
                {move || (more() > 0).then(|| view! {
                    <button class="secondary" data-testid="show-more"
                        on:click=move |_| limit.update(|n| *n += PAGE)>
                        {move || Msg::ShowMorePatients.text(i18n.lang.get()).replace("{n}", &more().min(PAGE).to_string())}
                    </button>
                })}
            </Show>
        </section>
    }
}
