//! The study report: enrollment over time, patients by group, each endpoint's Kaplan-Meier
//! curves with medians, landmark rates, numbers at risk, the log-rank test and the Cox models,
//! tumor response by group for both criteria, and the safety tables. Every number is the
//! core's ([`crate::analysis::report`], [`crate::safety::tables`]), formatted here.

use std::collections::BTreeMap;

use time::Date;

use super::format::{ci, colon, count, hr_cell, p_value, rate, term_label};
use super::markup::{over, para, table, table_html, text_el, Html};
use super::svg::{bars, km_plot};
use super::texts::T;
use crate::analysis::report::{report, ReportOptions, StudyReport};
use crate::analysis::{factor_label, Which};
use crate::i18n::Lang;
use crate::log::State;
use crate::record::{records, Record};
use crate::safety::{summary_label, tables, Row, SafetyTables};
use crate::study::plan::LANDMARK_LABELS;
use crate::study::plan::{self, group_label};

/// The most frequent terms listed in each table of terms.
const TOP_TERMS: usize = 15;

/// The study report of the folded log `state`, in `lang`, dated `generated` (the caller's
/// today): one self-contained HTML page (inline style and SVG figures, no script), laid out
/// for A4 printing.
pub fn study_report(state: &State, lang: Lang, generated: Date) -> String {
    let records = records(state);
    let reports: Vec<StudyReport> = Which::ALL
        .into_iter()
        .filter_map(|endpoint| {
            let options = ReportOptions {
                endpoint,
                ..ReportOptions::default()
            };
            report(&records, &options).ok()
        })
        .collect();
    let safety = tables(state, plan::ALPHA);
    let enrolled = reports.first().map_or(0, |r| r.patients.enrolled);

    let title = T::StudyTitle.get(lang);
    let mut body = Html::el("h1", &[], Html::text(title));
    body.push(para(
        "meta",
        &format!(
            "{} {}",
            T::Generated.get(lang),
            crate::dates::format_date(generated)
        ),
    ));
    body.push(para(
        "meta",
        &format!("{enrolled} {}", T::Enrolled.get(lang)),
    ));
    body.push(para("note", T::StudyNote.get(lang)));
    body.push(enrollment(&records, lang));
    body.push(groups(&safety, lang));
    for r in &reports {
        body.push(endpoint(r, lang));
    }
    if let Some(r) = reports.first() {
        body.push(response(r, lang));
    }
    body.push(safety_section(&safety, lang));
    super::page(lang, title, body)
}

/// Patients enrolled per month, every month from the first enrollment to the last (none when no
/// one is enrolled): ((year, month), count).
pub(super) fn enrolled_per_month(records: &BTreeMap<String, Record>) -> Vec<((i32, u8), usize)> {
    let mut counts: BTreeMap<(i32, u8), usize> = BTreeMap::new();
    for d in records.values().filter_map(Record::enrolled) {
        *counts.entry((d.year(), u8::from(d.month()))).or_default() += 1;
    }
    let (Some(&first), Some(&last)) = (counts.keys().next(), counts.keys().next_back()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut m = first;
    while m <= last {
        out.push((m, counts.get(&m).copied().unwrap_or(0)));
        m = if m.1 == 12 {
            (m.0 + 1, 1)
        } else {
            (m.0, m.1 + 1)
        };
    }
    out
}

fn enrollment(records: &BTreeMap<String, Record>, lang: Lang) -> Html {
    let months = enrolled_per_month(records);
    let mut out = text_el("h2", T::EnrollmentTitle.get(lang));
    if months.is_empty() {
        out.push(para("", T::NoEvents.get(lang)));
        return Html::el("section", &[("data-testid", "enrollment")], out);
    }
    let labelled: Vec<(String, usize)> = months
        .iter()
        .map(|((y, m), n)| (format!("{y}-{m:02}"), *n))
        .collect();
    out.push(bars(
        &labelled,
        T::PatientsEnrolled.get(lang),
        T::EnrollmentTitle.get(lang),
    ));
    out.push(para("note", T::EnrollmentNote.get(lang)));
    // One row per year, one column per month, then the year's total and the running total.
    let mut head = vec![T::Year.get(lang).to_owned()];
    head.extend((1..=12).map(|m| format!("{m:02}")));
    head.push(T::Total.get(lang).to_owned());
    head.push(T::Cumulative.get(lang).to_owned());
    let mut rows = Vec::new();
    let mut running = 0;
    let (first, last) = (months[0].0 .0, months[months.len() - 1].0 .0);
    for year in first..=last {
        let mut row = vec![year.to_string()];
        let mut total = 0;
        for m in 1..=12u8 {
            let n = months.iter().find(|(k, _)| *k == (year, m)).map(|x| x.1);
            total += n.unwrap_or(0);
            row.push(n.map_or_else(String::new, |n| n.to_string()));
        }
        running += total;
        row.push(total.to_string());
        row.push(running.to_string());
        rows.push(row);
    }
    out.push(table("enrollment-table", &head, &rows));
    Html::el("section", &[("data-testid", "enrollment")], out)
}

/// A column's name in the safety tables: the group (or overall) with its number of patients.
fn safety_heads(t: &SafetyTables, lang: Lang) -> Vec<String> {
    t.groups
        .iter()
        .map(|g| group_label(g).get(lang).to_owned())
        .chain(std::iter::once(T::Overall.get(lang).to_owned()))
        .zip(&t.n)
        .map(|(g, n)| format!("{g} (n = {n})"))
        .collect()
}

fn groups(t: &SafetyTables, lang: Lang) -> Html {
    let total = t.n.last().copied().unwrap_or(0);
    let pct = |n: u64| {
        if total == 0 {
            "–".to_owned()
        } else {
            format!("{:.1}", n as f64 * 100.0 / total as f64)
        }
    };
    let mut rows: Vec<Vec<String>> = t
        .groups
        .iter()
        .zip(&t.n)
        .map(|(g, n)| vec![group_label(g).get(lang).to_owned(), n.to_string(), pct(*n)])
        .collect();
    rows.push(vec![
        T::Overall.get(lang).to_owned(),
        total.to_string(),
        pct(total),
    ]);
    let head = [T::Group, T::Patients, T::Percent].map(|h| h.get(lang).to_owned());
    let mut out = text_el("h2", T::GroupsTitle.get(lang));
    out.push(table("groups-table", &head, &rows));
    out.push(para("note", T::GroupsNote.get(lang)));
    Html::el("section", &[("data-testid", "groups")], out)
}

fn endpoint_name(w: Which) -> &'static str {
    match w {
        Which::PfsMrecist => "pfs_mrecist",
        Which::PfsRecist11 => "pfs_recist11",
        Which::Os => "os",
        Which::TtpMrecist => "ttp_mrecist",
    }
}

fn endpoint(r: &StudyReport, lang: Lang) -> Html {
    let name = r.endpoint.label();
    let mut out = text_el("h2", name.get(lang));
    let mut counts = format!("{} {}", r.patients.selected, T::Enrolled.get(lang));
    if r.patients.not_yet_treated > 0 {
        counts = format!(
            "{counts}; {} {}",
            r.patients.not_yet_treated,
            T::NotYetTreatedLeftOut.get(lang)
        );
    }
    out.push(para("meta", &counts));
    match &r.survival {
        None => out.push(para("", T::NotEnoughData.get(lang))),
        Some(a) => {
            let labels: Vec<String> = a
                .curves
                .iter()
                .map(|c| group_label(&c.group).get(lang).to_owned())
                .collect();
            out.push(text_el("h3", T::KmTitle.get(lang)));
            out.push(km_plot(
                a,
                &labels,
                T::Months.get(lang),
                T::SurvivalProbability.get(lang),
                name.get(lang),
            ));
            out.push(para("note", T::KmNote.get(lang)));
            let mut head = vec![T::AtRisk.get(lang).to_owned()];
            head.extend(LANDMARK_LABELS.iter().map(|m| m.to_string()));
            let rows: Vec<Vec<String>> = a
                .curves
                .iter()
                .zip(&labels)
                .map(|(c, l)| {
                    std::iter::once(l.clone())
                        .chain(c.at_risk.iter().map(usize::to_string))
                        .collect()
                })
                .collect();
            out.push(table("at-risk", &head, &rows));
            let head =
                [T::Group, T::N, T::Events, T::Median, T::Rmst].map(|h| h.get(lang).to_owned());
            let nr = T::NotReached.get(lang);
            let rows: Vec<Vec<String>> = a
                .curves
                .iter()
                .zip(&labels)
                .map(|(c, l)| {
                    let m = c.median;
                    vec![
                        l.clone(),
                        c.n.to_string(),
                        c.events.to_string(),
                        ci(m.estimate, m.lower, m.upper, nr, 1),
                        format!("{:.1} ± {:.1}", c.rmst.estimate, c.rmst.std_err),
                    ]
                })
                .collect();
            out.push(table("km-table", &head, &rows));
            let mut head = vec![T::Rate.get(lang).to_owned()];
            head.extend(
                LANDMARK_LABELS[1..]
                    .iter()
                    .map(|m| format!("{m} {}", T::MonthsShort.get(lang))),
            );
            let rows: Vec<Vec<String>> = a
                .curves
                .iter()
                .zip(&labels)
                .map(|(c, l)| {
                    std::iter::once(l.clone())
                        .chain(c.rates.iter().map(|s| ci(s.surv, s.lower, s.upper, "–", 2)))
                        .collect()
                })
                .collect();
            out.push(table("rates", &head, &rows));
            if let Some(lr) = &a.logrank {
                let p = p_value(lr.p_value);
                let p = if p.starts_with('<') {
                    format!("p {p}")
                } else {
                    format!("p = {p}")
                };
                out.push(para(
                    "logrank",
                    &format!(
                        "{}{}χ² = {:.2}, df = {:.0}, {p}",
                        T::LogRank.get(lang),
                        colon(lang),
                        lr.chisq,
                        lr.df
                    ),
                ));
            }
        }
    }
    out.push(cox(r, lang));
    Html::el(
        "section",
        &[
            ("class", "major"),
            (
                "data-testid",
                &format!("endpoint-{}", endpoint_name(r.endpoint)),
            ),
        ],
        out,
    )
}

/// The Cox models: each term's unadjusted HR (the groups together; each factor alone) and
/// adjusted HR, as on the analysis page.
fn cox(r: &StudyReport, lang: Lang) -> Html {
    let m = &r.models;
    // Terms of the adjusted model (a superset of the crude one), or the crude one's.
    let names: Vec<&str> = match (&m.adjusted, &m.crude) {
        (Ok(f), _) | (Err(_), Ok(f)) => f.terms.iter().map(|t| t.name.as_str()).collect(),
        _ => Vec::new(),
    };
    let rows: Vec<Vec<String>> = names
        .iter()
        .map(|name| {
            let uni = m.univariable.iter().find(|(_, u)| {
                u.as_ref()
                    .is_ok_and(|f| f.terms.iter().any(|t| t.name == *name))
            });
            let crude = match uni {
                Some((_, fit)) => hr_cell(fit, name, lang),
                None => hr_cell(&m.crude, name, lang),
            };
            vec![
                term_label(name, lang),
                crude,
                hr_cell(&m.adjusted, name, lang),
            ]
        })
        .collect();
    let n = |f: &crate::analysis::report::Model| {
        f.as_ref().map_or_else(
            |_| String::new(),
            |f| format!(" · n = {}, {} = {}", f.n, T::Events.get(lang), f.n_events),
        )
    };
    let head = [
        T::Term.get(lang).to_owned(),
        format!("{}{}", T::Crude.get(lang), n(&m.crude)),
        format!("{}{}", T::Adjusted.get(lang), n(&m.adjusted)),
    ];
    let mut out = text_el("h3", T::CoxTitle.get(lang));
    out.push(table("cox-table", &head, &rows));
    let factors: Vec<String> = r
        .factors
        .iter()
        .map(|f| factor_label(f).get(lang).to_owned())
        .collect();
    let sep = if lang == Lang::ZhCn { "、" } else { ", " };
    let space = if lang == Lang::ZhCn { "" } else { " " };
    out.push(para(
        "note",
        &format!("{}{space}{}", T::CoxNote.get(lang), factors.join(sep)),
    ));
    out
}

fn response(r: &StudyReport, lang: Lang) -> Html {
    let mut out = text_el("h2", T::ResponseTitle.get(lang));
    let nr = T::NotReached.get(lang);
    for s in &r.response {
        let head = [T::Group, T::Orr, T::Dcr, T::Dor].map(|h| h.get(lang).to_owned());
        let rows: Vec<Vec<Html>> = s
            .summary
            .rates
            .iter()
            .zip(&s.duration_of_response)
            .map(|(rates, dor)| {
                let name = if rates.group == "overall" {
                    T::Overall.get(lang).to_owned()
                } else {
                    group_label(&rates.group).get(lang).to_owned()
                };
                let dor = dor.map_or_else(
                    || "–".to_owned(),
                    |d| {
                        let m = d.median;
                        format!("{} · n = {}", ci(m.estimate, m.lower, m.upper, nr, 1), d.n)
                    },
                );
                let (orr, dcr) = (rate(&rates.orr), rate(&rates.dcr));
                vec![
                    Html::text(&name),
                    over(&orr.0, &orr.1),
                    over(&dcr.0, &dcr.1),
                    Html::text(&dor),
                ]
            })
            .collect();
        out.push(text_el("h3", s.summary.criteria.label()));
        out.push(table_html(
            &format!("response-{}", s.summary.criteria.name()),
            &head,
            &rows,
        ));
    }
    out.push(para("note", T::RatesNote.get(lang)));
    Html::el(
        "section",
        &[("class", "major"), ("data-testid", "response")],
        out,
    )
}

fn safety_section(t: &SafetyTables, lang: Lang) -> Html {
    let mut head = vec![String::new()];
    head.extend(safety_heads(t, lang));
    let rows = |rows: &[&Row], term: bool| -> Vec<Vec<Html>> {
        rows.iter()
            .map(|r| {
                let label = if term {
                    super::format::ae_term(&r.label, lang)
                } else {
                    summary_label(&r.label).get(lang).to_owned()
                };
                std::iter::once(Html::text(&label))
                    .chain(r.cells.iter().map(|c| {
                        let (n, ci) = count(c);
                        over(&n, &ci)
                    }))
                    .collect()
            })
            .collect()
    };
    // The terms by overall frequency (the core sorts them by organ class first).
    let top = |all: &[Row]| -> Vec<Vec<Html>> {
        let mut sorted: Vec<&Row> = all.iter().collect();
        sorted.sort_by_key(|r| std::cmp::Reverse(r.cells.last().map_or(0, |c| c.x)));
        sorted.truncate(TOP_TERMS);
        rows(&sorted, true)
    };
    let mut out = text_el("h2", T::SafetyTitle.get(lang));
    out.push(para("note", T::SafetyNote.get(lang)));
    out.push(text_el("h3", T::SafetySummary.get(lang)));
    let summary: Vec<&Row> = t.summary.iter().collect();
    out.push(table_html("safety-summary", &head, &rows(&summary, false)));
    for (title, all, id) in [
        (T::FrequentTerms, &t.by_term_any_grade, "safety-terms"),
        (T::FrequentTermsG3, &t.by_term_grade_3, "safety-terms-g3"),
    ] {
        out.push(text_el("h3", title.get(lang)));
        if all.is_empty() {
            out.push(para("", T::NoEvents.get(lang)));
        } else {
            out.push(table_html(id, &head, &top(all)));
        }
    }
    out.push(para("note", T::TermsNote.get(lang)));
    Html::el(
        "section",
        &[("class", "major"), ("data-testid", "safety")],
        out,
    )
}
