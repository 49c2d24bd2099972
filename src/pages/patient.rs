//! One patient: status, group and next visit; the derived staging and liver function at a
//! glance; the forms to open or add; the timeline of visits, TACE sessions, systemic therapy
//! lines, assessments and adverse events.

use ecrf_core::ctcae::catalogue;
use ecrf_core::ctcae::proposals::Proposal;
use ecrf_core::derived::texts::grade as grade_text;
use ecrf_core::i18n::Lang;
use ecrf_core::record::adverse_event::AdverseEvent;
use ecrf_core::record::{dismiss_proposal_ops, record, Instance, Record};
use ecrf_core::response::{BaselineError, Criteria, Evaluation, Timepoint};
use ecrf_core::study::{study, FieldKind};
use leptos::prelude::*;

use crate::components::derived_panel::DerivedPanel;
use crate::device;
use crate::format::{self, label};
use crate::i18n::{group_label, use_i18n, Msg};
use crate::local;
use crate::pages::patients::{status_label, visit_label};
use crate::save::{use_save, SaveFailure};
use crate::state::{navigate, use_app_state, Route};

/// What a timeline row says about an instance: its first two filled fields (not dates, not
/// limits of normal), then its lesion table summarised with each criterion's response on the
/// instance's date (from `evaluations`, the record's).
fn headline(i: &Instance, evaluations: &Evaluations, lang: Lang) -> String {
    let Some(form) = study().form(&i.form) else {
        return String::new();
    };
    let mut parts: Vec<String> = form
        .fields
        .iter()
        .filter(|f| !matches!(f.kind, FieldKind::Date | FieldKind::Lesions))
        .filter(|f| !f.id.ends_with("_lln") && !f.id.ends_with("_uln"))
        .filter_map(|f| i.values.get(f.id).map(|v| format::value(f, v, lang)))
        .take(2)
        .collect();
    for f in form
        .fields
        .iter()
        .filter(|f| matches!(f.kind, FieldKind::Lesions))
    {
        if let Some(v) = i.values.get(f.id) {
            let on_date: Vec<(Criteria, &Timepoint)> = evaluations
                .iter()
                .filter_map(|(c, e)| {
                    let e = e.as_ref().ok()?;
                    let t = e.timepoints.iter().find(|t| Some(t.date) == i.date)?;
                    Some((*c, t))
                })
                .collect();
            parts.push(format::lesions(v, &on_date, lang));
        }
    }
    parts.join(" · ")
}

/// Both criteria's evaluations of the patient's tumor assessments (empty without a baseline).
type Evaluations = Vec<(Criteria, Result<Evaluation, BaselineError>)>;

/// The page.
#[component]
pub fn PatientPage(patient: String) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let today = device::today();
    let subject = patient.clone();
    let rec: Memo<Record> = Memo::new(move |_| {
        state.revision.track();
        local::with(|l| record(&l.state, &subject))
    });
    let summary = Memo::new(move |_| rec.with(|r| r.summary(today)));
    let open = move |form: &'static str, instance: Option<String>| {
        let patient = rec.with_untracked(|r| r.subject.clone());
        navigate(
            state,
            Route::Form {
                patient,
                form,
                instance,
                proposal: None,
            },
        );
    };
    let facts = move || {
        let lang = i18n.lang.get();
        let s = summary.get();
        let next = s
            .next_visit
            .map(|v| {
                format!(
                    "{} ({})",
                    ecrf_core::dates::format_date(v.target),
                    visit_label(v.state, lang)
                )
            })
            .unwrap_or_else(|| "—".to_owned());
        view! {
            <dl class="facts">
                <dt>{Msg::StatusHeader.text(lang)}</dt>
                <dd data-testid="patient-status">{status_label(s.status, lang)}</dd>
                <dt>{Msg::Group.text(lang)}</dt>
                <dd data-testid="patient-group">{s.group_code().map(|g| group_label(g, lang)).unwrap_or_else(|| "—".to_owned())}</dd>
                <dt>{Msg::EnrollmentDate.text(lang)}</dt>
                <dd>{s.enrolled.map(ecrf_core::dates::format_date).unwrap_or_else(|| "—".to_owned())}</dd>
                <dt>{Msg::NextVisit.text(lang)}</dt>
                <dd data-testid="patient-next-visit">{next}</dd>
            </dl>
        }
    };
    let form_buttons = move || {
        let lang = i18n.lang.get();
        study()
            .forms
            .iter()
            .filter(|f| !f.internal)
            .map(|f| {
                let existing = rec.with(|r| r.of(f.id).next().map(|i| i.id.clone()));
                let (testid, text, instance) = match (f.repeatable, existing) {
                    (false, Some(i)) => (
                        format!("open-form-{}", f.id),
                        label(f.label, lang).to_owned(),
                        Some(i),
                    ),
                    (false, None) => (
                        format!("open-form-{}", f.id),
                        format!("+ {}", label(f.label, lang)),
                        None,
                    ),
                    (true, _) => (
                        format!("new-form-{}", f.id),
                        format!("+ {}", label(f.label, lang)),
                        None,
                    ),
                };
                let id = f.id;
                view! {
                    <button class="form-button" class:done=instance.is_some() data-testid=testid
                        on:click=move |_| open(id, instance.clone())>
                        {text}
                    </button>
                }
            })
            .collect_view()
    };
    let timeline = move || {
        let lang = i18n.lang.get();
        let evaluations = rec.with(|r| r.responses().unwrap_or_default());
        rec.with(|r| {
            r.timeline()
                .into_iter()
                .map(|i| {
                    let form = study().form(&i.form);
                    let name = form.map(|f| label(f.label, lang)).unwrap_or_default();
                    let form_id = form.map(|f| f.id).unwrap_or("eligibility");
                    let date = i.date.map(ecrf_core::dates::format_date).unwrap_or_else(|| "—".to_owned());
                    let line = headline(i, &evaluations, lang);
                    let id = i.id.clone();
                    view! {
                        <li class="timeline-item clickable" data-testid="timeline-item" data-form=form_id
                            on:click=move |_| open(form_id, Some(id.clone()))>
                            <span class="mono date">{date}</span>
                            <span class="strong">{name}</span>
                            <span class="hint">{line}</span>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    view! {
        <section class="card wide" data-testid="patient-page">
            <div class="toolbar">
                <button class="link" data-testid="back" on:click=move |_| { navigate(state, Route::Patients); }>
                    {i18n.t(Msg::BackToList)}
                </button>
                <crate::components::export_card::PatientSummaryButton patient=patient.clone() />
            </div>
            <h2><span class="mono" data-testid="patient-title">{patient}</span></h2>
            {facts}
            <h3>{i18n.t(Msg::FormsTitle)}</h3>
            <div class="form-buttons">{form_buttons}</div>
        </section>
        <ProgressionQueries record=rec />
        <Proposals record=rec />
        <Endpoints record=rec />
        <AeTimeline record=rec />
        <DerivedPanel record=rec today=today />
        <section class="card">
            <h2>{i18n.t(Msg::TimelineTitle)}</h2>
            <ol class="timeline" data-testid="timeline">{timeline}</ol>
        </section>
    }
}

/// Adverse events proposed from lab values: confirm (opens the new AE form, term, grade and
/// onset filled in) or dismiss with a reason. Nothing is added without the user's word.
#[component]
fn Proposals(record: Memo<Record>) -> impl IntoView {
    let i18n = use_i18n();
    let state = use_app_state();
    let proposals = Memo::new(move |_| record.with(|r| r.ae_proposals()));
    let dismissing = RwSignal::new(None::<String>);
    let reason = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Msg>);
    let saver = use_save();
    let act = move |proposal: Proposal, dismiss: bool| {
        let patient = record.with_untracked(|r| r.subject.clone());
        if !dismiss {
            // Confirming opens the adverse event form, drafted from the proposal; nothing is
            // saved (and the proposal stays open) until the investigator completes and saves it.
            navigate(
                state,
                Route::Form {
                    patient,
                    form: "adverse_event",
                    instance: None,
                    proposal: Some(proposal.key.clone()),
                },
            );
            return;
        }
        let why = reason.get_untracked().trim().to_owned();
        if why.is_empty() {
            error.set(Some(Msg::NeedReason));
            return;
        }
        let Some(id) = local::next_instance_id() else {
            return;
        };
        let ops = dismiss_proposal_ops(&format!("{id}-r"), &patient, &proposal, &why);
        saver.run(Some(why), ops, move |r| match r {
            Ok(_) => {
                error.set(None);
                dismissing.set(None);
                reason.set(String::new());
            }
            Err(SaveFailure::NeedUser) => error.set(Some(Msg::NeedUser)),
            Err(SaveFailure::Save(_)) => error.set(Some(Msg::ErrNotSaved)),
        });
    };
    view! {
        <Show when=move || !proposals.with(Vec::is_empty)>
            <section class="card wide proposals" data-testid="ae-proposals">
                <h2>{i18n.t(Msg::ProposalsTitle)}</h2>
                <p class="hint">{i18n.t(Msg::ProposalsHint)}</p>
                {move || error.get().map(|m| view! { <p class="error" data-testid="proposal-error">{i18n.t(m)}</p> })}
                <ul class="proposal-list">
                    {move || {
                        let lang = i18n.lang.get();
                        proposals.get().into_iter().map(|(_, p)| {
                            let key = p.key.clone();
                            let key2 = p.key.clone();
                            let (p1, p2) = (p.clone(), p.clone());
                            let name = catalogue::find(p.term)
                                .and_then(|t| (lang == Lang::ZhCn).then_some(t.zh).flatten())
                                .unwrap_or(p.term);
                            view! {
                                <li data-testid="ae-proposal">
                                    <span class="strong">{format!("{name} · {}", grade_text(p.grade).get(lang))}</span>
                                    <span class="hint">{format!("{} · {}", p.date.clone().unwrap_or_default(), p.lab_label().map_or(p.field, |l| label(l, lang)))}</span>
                                    <span class="proposal-actions">
                                        <button class="primary small" data-testid="confirm-proposal"
                                            on:click=move |_| act(p1.clone(), false)>{Msg::ConfirmAe.text(lang)}</button>
                                        <button class="link" data-testid="dismiss-proposal"
                                            on:click=move |_| dismissing.set(Some(key.clone()))>{Msg::Dismiss.text(lang)}</button>
                                    </span>
                                    <Show when=move || dismissing.get().as_deref() == Some(key2.as_str())>
                                        <div class="dismiss-row">
                                            <input data-testid="dismiss-reason" placeholder=Msg::Reason.text(lang)
                                                prop:value=move || reason.get()
                                                on:input=move |ev| reason.set(event_target_value(&ev)) />
                                            <button class="primary small" data-testid="confirm-dismiss"
                                                on:click={
                                                    let p2 = p2.clone();
                                                    move |_| act(p2.clone(), true)
                                                }>{Msg::Dismiss.text(lang)}</button>
                                        </div>
                                    </Show>
                                </li>
                            }
                        }).collect_view()
                    }}
                </ul>
            </section>
        </Show>
    }
}

/// The data queries where the Progression form and the imaging series disagree (the core's
/// `Record::progression_queries`): shown until the form or the lesion tables are corrected.
#[component]
fn ProgressionQueries(record: Memo<Record>) -> impl IntoView {
    let i18n = use_i18n();
    let queries = Memo::new(move |_| record.with(|r| r.progression_queries()));
    view! {
        <Show when=move || queries.with(|q| !q.is_empty())>
            <section class="card" data-testid="progression-queries">
                <h2 class="warn">{i18n.t(Msg::ProgressionQueriesTitle)}</h2>
                <ul>
                    {move || {
                        let lang = i18n.lang.get();
                        queries
                            .get()
                            .into_iter()
                            .map(|q| view! { <li class="warn" data-testid="progression-query">{q.message().get(lang).to_owned()}</li> })
                            .collect_view()
                    }}
                </ul>
                <p class="hint">{i18n.t(Msg::ProgressionQueriesHint)}</p>
            </section>
        </Show>
    }
}

/// The patient's endpoints, with the date and the rule behind each.
#[component]
fn Endpoints(record: Memo<Record>) -> impl IntoView {
    let i18n = use_i18n();
    // Nothing until there is follow-up: the core decides when an endpoint says anything.
    let endpoints = Memo::new(move |_| record.with(|r| r.endpoints_to_show(730)));
    view! {
        <Show when=move || endpoints.with(Option::is_some)>
            <section class="card" data-testid="endpoints">
                <h2>{i18n.t(Msg::EndpointsTitle)}</h2>
                <table class="data">
                    <tbody>
                        {move || {
                            let lang = i18n.lang.get();
                            endpoints.get().map(|e| {
                                [
                                    (Msg::PfsMrecist, "pfs_mrecist", e.pfs_mrecist),
                                    (Msg::PfsRecist11, "pfs_recist11", e.pfs_recist11),
                                    (Msg::Os, "os", e.os),
                                    (Msg::Ttp, "ttp", e.ttp_mrecist),
                                ]
                                .into_iter()
                                .map(|(name, id, ep)| {
                                    let months = ep.days as f64 / ecrf_core::analysis::DAYS_PER_MONTH;
                                    let why = match ep.reason {
                                        "progression" => Msg::ReasonProgression,
                                        "death" => Msg::ReasonDeath,
                                        "cutoff" => Msg::ReasonCutoff,
                                        _ => Msg::ReasonLastAlive,
                                    };
                                    let kind = if ep.event { Msg::EventHappened } else { Msg::Censored };
                                    view! {
                                        <tr data-testid=format!("endpoint-{id}")>
                                            <th>{name.text(lang)}</th>
                                            <td>{format!("{months:.1} {}", Msg::MonthsShort.text(lang))}</td>
                                            <td>{format!("{} · {} {}", kind.text(lang), why.text(lang), ecrf_core::dates::format_date(ep.date))}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()
                            })
                        }}
                    </tbody>
                </table>
                <p class="hint">{i18n.t(Msg::EndpointsNote)}</p>
            </section>
        </Show>
    }
}

/// One adverse event on the timeline: its onset (the form's date) and what it records.
type AeRow = (Option<time::Date>, AdverseEvent);

/// The patient's adverse events in onset order: term (the project's Chinese name where there is
/// one), grade, onset to resolution (or ongoing), serious, drawn as bars over the months since
/// enrollment.
#[component]
fn AeTimeline(record: Memo<Record>) -> impl IntoView {
    let i18n = use_i18n();
    let aes = Memo::new(move |_| {
        record.with(|r| {
            let enrolled = r.enrolled();
            let mut rows: Vec<AeRow> = r.adverse_events().map(|(i, ae)| (i.date, ae)).collect();
            rows.sort_by_key(|r| r.0);
            (enrolled, rows)
        })
    });
    view! {
        <Show when=move || aes.with(|a| !a.1.is_empty())>
            <section class="card wide" data-testid="ae-timeline">
                <h2>{i18n.t(Msg::AeTimelineTitle)}</h2>
                <ul class="ae-list">
                    {move || {
                        let lang = i18n.lang.get();
                        let (enrolled, rows) = aes.get();
                        let span = 730.0;
                        rows.into_iter().map(|(onset, ae)| {
                            let (term, grade, resolved) =
                                (ae.term, ae.grade.unwrap_or_default(), ae.resolution);
                            let serious = ae.serious.unwrap_or(false);
                            let name = catalogue::find(&term)
                                .and_then(|t| (lang == Lang::ZhCn).then_some(t.zh).flatten())
                                .map(String::from)
                                .unwrap_or(term);
                            let day = |d: Option<time::Date>| match (enrolled, d) {
                                (Some(e), Some(d)) => ((d - e).whole_days() as f64).clamp(0.0, span),
                                _ => 0.0,
                            };
                            let (from, to) = (day(onset), day(resolved.or(onset)).max(day(onset) + 3.0));
                            let colour = match grade.as_str() {
                                "1" => "#9fc5e8", "2" => "#f6b26b", "3" => "#e06666", _ => "#990000",
                            };
                            let when = format!(
                                "{} → {}",
                                onset.map(ecrf_core::dates::format_date).unwrap_or_default(),
                                resolved
                                    .map(ecrf_core::dates::format_date)
                                    .unwrap_or_else(|| Msg::Ongoing.text(lang).to_owned())
                            );
                            view! {
                                <li data-testid="ae-item">
                                    <span class="strong">{format!("{name} · {}", grade_text(grade).get(lang))}</span>
                                    {serious.then(|| view! { <span class="badge conflict">{Msg::SeriousShort.text(lang)}</span> })}
                                    <span class="hint">{when}</span>
                                    <svg class="ae-bar" viewBox="0 0 730 10" preserveAspectRatio="none">
                                        <rect x="0" y="4" width="730" height="2" fill="#e3e7ec" />
                                        <rect x=from y="0" width=to - from height="10" fill=colour />
                                    </svg>
                                </li>
                            }
                        }).collect_view()
                    }}
                </ul>
                <p class="hint">{i18n.t(Msg::AeTimelineNote)}</p>
            </section>
        </Show>
    }
}
