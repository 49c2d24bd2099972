//! One patient's summary: identification (subject ID only), baseline with the derived liver
//! function and staging, treatments, tumor response by both criteria at each timepoint,
//! adverse events and endpoints, all read through [`crate::record::Record`].

use serde_json::Value;
use time::Date;

use super::format::{ae_term, code_label, colon, label, number, value};
use super::markup::{para, table, text_el, Html};
use super::texts::T;
use crate::dates::format_date;
use crate::derived::{texts, AlbiGrade, Derived};
use crate::i18n::Lang;
use crate::record::adverse_event::AdverseEvent;
use crate::record::{Instance, Record};
use crate::response::Evaluation;
use crate::study::{plan, study, Form};

/// Baseline fields left out of a printed summary: the date of birth identifies (the age at
/// enrollment is shown instead).
const LEFT_OUT: &[&str] = &["birth_date"];

/// The summary of `record` in `lang`, dated `today` (the caller's; the derived values of a
/// patient not yet enrolled are as of that day): one self-contained HTML page, laid out for A4
/// printing.
pub fn patient_summary(record: &Record, lang: Lang, today: Date) -> String {
    let title = format!("{} {}", T::PatientTitle.get(lang), record.subject);
    let summary = record.summary(today);
    let mut body = text_el("h1", &title);
    let facts = [
        (T::SubjectId, record.subject.clone()),
        (
            T::EnrollmentDate,
            record.enrolled().map_or_else(
                || T::NotEnrolled.get(lang).to_owned(),
                crate::dates::format_date,
            ),
        ),
        (
            T::Group,
            summary.group_code().map_or_else(
                || "—".to_owned(),
                |g| plan::group_label(g).get(lang).to_owned(),
            ),
        ),
        (T::Status, summary.status.label().get(lang).to_owned()),
        (T::Generated, crate::dates::format_date(today)),
    ];
    let dl: Html = facts
        .iter()
        .flat_map(|(k, v)| [text_el("dt", k.get(lang)), text_el("dd", v)])
        .collect();
    body.push(Html::el(
        "dl",
        &[("class", "facts"), ("data-testid", "identification")],
        dl,
    ));
    body.push(para("note", T::PatientNote.get(lang)));
    body.push(baseline(record, lang, today));
    body.push(treatments(record, lang));
    body.push(responses(record, lang));
    body.push(adverse_events(record, lang));
    body.push(endpoints(record, lang));
    super::page(lang, &title, body)
}

/// A section. A patient's summary is short: its sections follow one another on the page (no
/// forced page break), only rows and headings are kept whole.
fn section(testid: &str, body: Html) -> Html {
    Html::el("section", &[("data-testid", testid)], body)
}

fn form_of(id: &str) -> Option<&'static Form> {
    study().form(id)
}

/// The instances of `form` in date order.
fn dated<'a>(record: &'a Record, form: &'a str) -> Vec<&'a Instance> {
    let mut items: Vec<&Instance> = record.of(form).collect();
    items.sort_by_key(|i| (i.date, i.created_ms));
    items
}

/// A baseline form's values: one row per field given (label, value).
fn fields_table(form: &Form, values: &crate::record::Values, lang: Lang) -> Html {
    let rows: Vec<Vec<String>> = form
        .fields
        .iter()
        .filter(|f| !LEFT_OUT.contains(&f.id))
        .filter_map(|f| {
            let v = values.get(f.id).filter(|v| !v.is_null())?;
            Some(vec![label(f.label, lang).to_owned(), value(f, v, lang)])
        })
        .collect();
    let head = [
        label(form.label, lang).to_owned(),
        T::Value.get(lang).to_owned(),
    ];
    table(&format!("form-{}", form.id), &head, &rows)
}

fn baseline(record: &Record, lang: Lang, today: Date) -> Html {
    let mut out = text_el("h2", T::BaselineTitle.get(lang));
    for id in ["eligibility", "demographics", "history", "baseline_disease"] {
        if let (Some(form), Some(i)) = (form_of(id), record.of(id).next()) {
            out.push(fields_table(form, &i.values, lang));
        }
    }
    let (_, derived, age) = record.derived(today);
    out.push(text_el("h3", T::LiverTitle.get(lang)));
    out.push(derived_table(&derived, age, lang));
    // The labs the derived values used: the last on or before enrollment.
    let on = record.enrolled().unwrap_or(today);
    let labs = record.baseline_labs(on).map(|i| &i.values);
    if let (Some(labs), Some(form)) = (labs, form_of("labs")) {
        let rows: Vec<Vec<String>> = form
            .fields
            .iter()
            .filter(|f| !f.id.ends_with("_lln") && !f.id.ends_with("_uln"))
            .filter_map(|f| {
                let v = labs.get(f.id).filter(|v| !v.is_null())?;
                let limit = |suffix: &str| {
                    labs.get(&format!("{}{suffix}", f.id))
                        .and_then(Value::as_f64)
                        .map(number)
                };
                let normal = match (limit("_lln"), limit("_uln")) {
                    (None, None) => String::new(),
                    (lo, hi) => format!("{} – {}", lo.unwrap_or_default(), hi.unwrap_or_default()),
                };
                Some(vec![
                    label(f.label, lang).to_owned(),
                    value(f, v, lang),
                    normal,
                ])
            })
            .collect();
        let head = [
            label(form.label, lang).to_owned(),
            T::Value.get(lang).to_owned(),
            T::NormalRange.get(lang).to_owned(),
        ];
        out.push(table("baseline-labs", &head, &rows));
    }
    section("baseline", out)
}

fn albi_grade(g: AlbiGrade) -> &'static str {
    match g {
        AlbiGrade::G1 => "1",
        AlbiGrade::G2 => "2",
        AlbiGrade::G3 => "3",
    }
}

/// The derived values at baseline, each with the rule behind it or what it lacks.
fn derived_table(d: &Derived, age: Option<i32>, lang: Lang) -> Html {
    let lacking = |name: &str| {
        texts::lacking(d, name)
            .map(|t| t.get(lang).to_owned())
            .unwrap_or_default()
    };
    let or_dash = |v: Option<String>| v.unwrap_or_else(|| "—".to_owned());
    let stage = |s: &Option<crate::derived::Stage>, name: &str| {
        (
            or_dash(s.as_ref().map(|s| s.stage.clone())),
            s.as_ref()
                .map_or_else(|| lacking(name), |s| s.rule.get(lang).to_owned()),
        )
    };
    let (bclc, bclc_rule) = stage(&d.bclc, "bclc");
    let (cnlc, cnlc_rule) = stage(&d.cnlc, "cnlc");
    let rows: Vec<(T, String, String)> = vec![
        (
            T::Age,
            or_dash(age.map(|a| format!("{a} {}", T::Years.get(lang)))),
            String::new(),
        ),
        (
            T::ChildPugh,
            or_dash(d.child_pugh.map(|c| {
                format!(
                    "{:?}{} ({} {})",
                    c.class,
                    c.points,
                    c.points,
                    T::Points.get(lang)
                )
            })),
            if d.child_pugh.is_some() {
                texts::child_pugh_rule().get(lang).to_owned()
            } else {
                lacking("child_pugh")
            },
        ),
        (
            T::Albi,
            or_dash(d.albi.map(|a| {
                format!(
                    "{:.2} ({})",
                    a.score,
                    texts::grade(albi_grade(a.grade)).get(lang)
                )
            })),
            if d.albi.is_some() {
                texts::albi_rule().get(lang).to_owned()
            } else {
                lacking("albi")
            },
        ),
        (T::Bclc, bclc, bclc_rule),
        (T::Cnlc, cnlc, cnlc_rule),
        (
            T::UpToSeven,
            or_dash(d.up_to_seven.map(|u| {
                let within = if u.within { T::Within } else { T::Beyond };
                format!("{} ({})", number(u.value), within.get(lang))
            })),
            lacking("up_to_seven"),
        ),
        (
            T::Bmi,
            or_dash(d.bmi.map(|b| format!("{b:.1} kg/m²"))),
            lacking("bmi"),
        ),
        (
            T::Nlr,
            or_dash(d.nlr.map(|v| format!("{v:.2}"))),
            lacking("nlr"),
        ),
        (
            T::Plr,
            or_dash(d.plr.map(|v| format!("{v:.1}"))),
            lacking("plr"),
        ),
    ];
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(name, v, rule)| vec![name.get(lang).to_owned(), v, rule])
        .collect();
    let head = [T::Item, T::Value, T::Rule].map(|h| h.get(lang).to_owned());
    table("derived", &head, &rows)
}

/// The instances of a repeated form, one row each in date order, one column per field given in
/// any of them.
fn instances_table(record: &Record, id: &str, lang: Lang) -> Html {
    let Some(form) = form_of(id) else {
        return Html::default();
    };
    let items = dated(record, id);
    let mut out = text_el("h3", label(form.label, lang));
    if items.is_empty() {
        out.push(para("", T::NoEvents.get(lang)));
        return out;
    }
    let fields: Vec<_> = form
        .fields
        .iter()
        .filter(|f| {
            items
                .iter()
                .any(|i| i.values.get(f.id).is_some_and(|v| !v.is_null()))
        })
        .collect();
    let head: Vec<String> = fields
        .iter()
        .map(|f| label(f.label, lang).to_owned())
        .collect();
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            fields
                .iter()
                .map(|f| {
                    i.values
                        .get(f.id)
                        .map_or_else(String::new, |v| value(f, v, lang))
                })
                .collect()
        })
        .collect();
    out.push(table(&format!("form-{id}"), &head, &rows));
    out
}

fn treatments(record: &Record, lang: Lang) -> Html {
    let mut out = text_el("h2", T::TreatmentsTitle.get(lang));
    out.push(instances_table(record, "tace", lang));
    out.push(instances_table(record, "systemic", lang));
    section("treatments", out)
}

fn evaluation_table(e: &Evaluation, lang: Lang) -> Html {
    let pct = |v: Option<f64>| v.map_or_else(|| "–".to_owned(), |v| format!("{v:+.1}%"));
    let rows: Vec<Vec<String>> = e
        .timepoints
        .iter()
        .map(|t| {
            vec![
                crate::dates::format_date(t.date),
                t.sum_mm.map_or_else(|| "–".to_owned(), number),
                pct(t.pct_change_from_baseline),
                pct(t.pct_change_from_nadir),
                t.target.code().to_owned(),
                t.non_target.code().to_owned(),
                t.new_lesions.label().get(lang).to_owned(),
                t.overall.code().to_owned(),
            ]
        })
        .collect();
    let head = [
        T::Date,
        T::SumMm,
        T::FromBaseline,
        T::FromNadir,
        T::Target,
        T::NonTarget,
        T::NewLesions,
        T::OverallResponse,
    ]
    .map(|h| h.get(lang).to_owned());
    table(&format!("timepoints-{}", e.criteria.name()), &head, &rows)
}

fn responses(record: &Record, lang: Lang) -> Html {
    let mut out = text_el("h2", T::ResponsesTitle.get(lang));
    match record.responses() {
        None => out.push(para("", T::NoBaseline.get(lang))),
        Some(all) => {
            for (c, result) in all {
                out.push(text_el("h3", c.label()));
                match result {
                    Err(e) => out.push(para("", e.message().get(lang))),
                    Ok(e) => {
                        out.push(para(
                            "meta",
                            &format!(
                                "{}{}{}",
                                T::BaselineSum.get(lang),
                                colon(lang),
                                number(e.baseline_sum_mm)
                            ),
                        ));
                        out.push(evaluation_table(&e, lang));
                        let b = e.best_overall_response;
                        out.push(para(
                            "meta",
                            &format!(
                                "{}{}{} / {}",
                                T::BestResponse.get(lang),
                                colon(lang),
                                b.unconfirmed.code(),
                                b.confirmed.code()
                            ),
                        ));
                    }
                }
            }
        }
    }
    out.push(para("note", T::ResponsesNote.get(lang)));
    section("responses", out)
}

fn adverse_events(record: &Record, lang: Lang) -> Html {
    let mut out = text_el("h2", T::AeTitle.get(lang));
    let mut items: Vec<(&Instance, AdverseEvent)> = record.adverse_events().collect();
    items.sort_by_key(|(i, _)| (i.date, i.created_ms));
    if items.is_empty() {
        out.push(para("", T::NoEvents.get(lang)));
        return section("adverse-events", out);
    }
    let code = |c: &Option<String>, list: &str| {
        c.as_deref()
            .map_or_else(String::new, |c| code_label(list, c, lang))
    };
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|(_, ae)| {
            let mut term = ae_term(&ae.term, lang);
            if let Some(other) = &ae.term_other {
                term = format!("{term}: {other}");
            }
            let serious = ae.serious.map_or_else(String::new, |s| {
                if s { T::Yes } else { T::No }.get(lang).to_owned()
            });
            let criteria = Some(
                ae.sae_criteria
                    .iter()
                    .map(|c| code_label("sae_criterion", c, lang))
                    .collect::<Vec<_>>()
                    .join(", "),
            )
            .filter(|c| !c.is_empty());
            let agents = ae
                .agents
                .iter()
                .map(|r| r.describe(lang))
                .collect::<Vec<_>>()
                .join(if lang == Lang::ZhCn { "；" } else { "; " });
            vec![
                term,
                code(&ae.grade, "ae_grade"),
                ae.onset.map(format_date).unwrap_or_default(),
                ae.resolution
                    .map_or_else(|| T::Ongoing.get(lang).to_owned(), format_date),
                criteria.map_or(serious.clone(), |c| format!("{serious} ({c})")),
                code(&ae.relation_tace, "relation"),
                agents,
                code(&ae.outcome, "ae_outcome"),
            ]
        })
        .collect();
    let head = [
        T::AeTerm,
        T::Grade,
        T::Onset,
        T::Resolution,
        T::Serious,
        T::RelationTace,
        T::Agents,
        T::Outcome,
    ]
    .map(|h| h.get(lang).to_owned());
    out.push(table("adverse-events-table", &head, &rows));
    section("adverse-events", out)
}

fn endpoints(record: &Record, lang: Lang) -> Html {
    let mut out = text_el("h2", T::EndpointsTitle.get(lang));
    match record.endpoints(plan::CUTOFF_DAYS) {
        None => out.push(para("", T::NotEnrolled.get(lang))),
        Some(e) => {
            if !e.has_follow_up() {
                out.push(para("", T::NoFollowUp.get(lang)));
            }
            let rows: Vec<Vec<String>> = crate::analysis::Which::ALL
                .into_iter()
                .zip([&e.pfs_mrecist, &e.pfs_recist11, &e.os, &e.ttp_mrecist])
                .map(|(w, ep)| {
                    let months = ep.days as f64 / plan::DAYS_PER_MONTH;
                    let kind = if ep.event { T::Event } else { T::Censored };
                    vec![
                        w.label().get(lang).to_owned(),
                        format!(
                            "{months:.1} {} ({} {})",
                            T::MonthsShort.get(lang),
                            ep.days,
                            T::Days.get(lang)
                        ),
                        format!(
                            "{} · {} {}",
                            kind.get(lang),
                            crate::endpoints::reason_label(ep.reason).get(lang),
                            crate::dates::format_date(ep.date)
                        ),
                    ]
                })
                .collect();
            let head = [T::Endpoint, T::Time, T::Status].map(|h| h.get(lang).to_owned());
            out.push(table("endpoints-table", &head, &rows));
        }
    }
    out.push(para("note", T::EndpointsNote.get(lang)));
    section("endpoints", out)
}
