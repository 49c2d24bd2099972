//! One patient: status, group and next visit; the derived staging and liver function at a
//! glance; the forms to open or add; the timeline of visits, TACE sessions, systemic therapy
//! lines, assessments and adverse events.

use ecrf_core::i18n::Lang;
use ecrf_core::record::{record, Instance, Record};
use ecrf_core::study::{study, FieldKind};
use leptos::prelude::*;

use crate::components::derived_panel::DerivedPanel;
use crate::device;
use crate::format::{self, label};
use crate::i18n::{group_label, use_i18n, Msg};
use crate::local;
use crate::pages::patients::{status_label, visit_label};
use crate::state::{navigate, use_app_state, Route};

/// What a timeline row says about an instance: its first two filled fields (not dates, not
/// limits of normal).
fn headline(i: &Instance, lang: Lang) -> String {
    let Some(form) = study().form(&i.form) else {
        return String::new();
    };
    form.fields
        .iter()
        .filter(|f| !matches!(f.kind, FieldKind::Date))
        .filter(|f| !f.id.ends_with("_lln") && !f.id.ends_with("_uln"))
        .filter_map(|f| i.values.get(f.id).map(|v| format::value(f, v, lang)))
        .take(2)
        .collect::<Vec<_>>()
        .join(" · ")
}

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
                <dd>{s.group.map(|g| group_label(g, lang)).unwrap_or_else(|| "—".to_owned())}</dd>
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
        rec.with(|r| {
            r.timeline()
                .into_iter()
                .map(|i| {
                    let form = study().form(&i.form);
                    let name = form.map(|f| label(f.label, lang)).unwrap_or_default();
                    let form_id = form.map(|f| f.id).unwrap_or("eligibility");
                    let date = i.date.map(ecrf_core::dates::format_date).unwrap_or_else(|| "—".to_owned());
                    let line = headline(i, lang);
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
            </div>
            <h2><span class="mono" data-testid="patient-title">{patient}</span></h2>
            {facts}
            <h3>{i18n.t(Msg::FormsTitle)}</h3>
            <div class="form-buttons">{form_buttons}</div>
        </section>
        <DerivedPanel record=rec today=today />
        <section class="card">
            <h2>{i18n.t(Msg::TimelineTitle)}</h2>
            <ol class="timeline" data-testid="timeline">{timeline}</ol>
        </section>
    }
}
