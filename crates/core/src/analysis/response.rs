//! Study-level response: for every enrolled patient with a baseline lesion table, the best
//! overall response, the best percentage change of the target sum (the waterfall plot), the
//! change at every timepoint (the spider plot); and by treatment group, the objective response
//! rate (confirmed CR or PR) and the disease control rate (confirmed CR, PR or SD), with exact
//! Clopper-Pearson intervals; and each confirmed responder's duration of response.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::endpoints::{derive, PatientEndpoints};
use crate::log::State;
use crate::record::{records, Record};
use crate::response::{evaluate, Criteria, Response};
use crate::stats::binomial::{clopper_pearson, Proportion};

/// One patient's response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientResponse {
    /// Subject ID.
    pub subject: String,
    /// Treatment group code.
    pub group: String,
    /// Best overall response, confirmed.
    pub best_confirmed: Response,
    /// Best overall response, unconfirmed.
    pub best_unconfirmed: Response,
    /// The largest decrease of the target sum from baseline, % (`None` without a measured
    /// follow-up).
    pub best_pct_change: Option<f64>,
    /// (days from enrollment, % change from baseline) at every measured timepoint.
    pub changes: Vec<(i64, f64)>,
    /// Duration of response, for a confirmed responder: days from the first CR or PR to
    /// progression or death (an event), or to the last assessment (censored).
    pub duration_of_response: Option<Duration>,
}

/// A duration of response.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Duration {
    /// Days.
    pub days: i64,
    /// True when it ended in progression or death; false when censored.
    pub event: bool,
}

/// ORR and DCR of one group (or overall).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rates {
    /// Group code, or `overall`.
    pub group: String,
    /// Objective response: confirmed CR or PR.
    pub orr: Proportion,
    /// Disease control: confirmed CR, PR or SD.
    pub dcr: Proportion,
}

/// The study's response by one criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseSummary {
    /// The criterion.
    pub criteria: Criteria,
    /// Every evaluable patient, by subject ID.
    pub patients: Vec<PatientResponse>,
    /// Enrolled patients with a baseline table the criterion refuses (not evaluable).
    pub invalid_baseline: usize,
    /// Per group (sorted by code), then overall.
    pub rates: Vec<Rates>,
}

/// Summarises every enrolled patient's tumor response by `criteria`.
pub fn summarize(state: &State, criteria: Criteria, alpha: f64) -> ResponseSummary {
    summarize_records(&records(state), &derive(state, i64::MAX), criteria, alpha)
}

/// [`summarize`] from the patients' records and endpoints already derived (the app derives
/// them once for all its analyses).
pub fn summarize_records(
    records: &BTreeMap<String, Record>,
    endpoints: &[PatientEndpoints],
    criteria: Criteria,
    alpha: f64,
) -> ResponseSummary {
    let endpoints: BTreeMap<&str, &PatientEndpoints> =
        endpoints.iter().map(|e| (e.subject.as_str(), e)).collect();
    let mut patients = Vec::new();
    let mut invalid_baseline = 0;
    for (subject, record) in records {
        let subject = subject.clone();
        let group = endpoints
            .get(subject.as_str())
            .map(|e| crate::endpoints::group_code(e.group));
        let (Some(series), Some(group)) = (record.response_series(), group) else {
            continue;
        };
        let Ok(eval) = evaluate(&series, criteria) else {
            invalid_baseline += 1;
            continue;
        };
        let changes = eval
            .timepoints
            .iter()
            .filter_map(|t| {
                t.pct_change_from_baseline
                    .map(|p| ((t.date - series.enrollment_date).whole_days(), p))
            })
            .collect();
        let responder = matches!(
            eval.best_overall_response.confirmed,
            Response::Cr | Response::Pr
        );
        let first_response = eval
            .timepoints
            .iter()
            .find(|t| matches!(t.overall, Response::Cr | Response::Pr))
            .map(|t| t.date);
        let death = endpoints
            .get(subject.as_str())
            .filter(|e| e.os.event)
            .map(|e| e.os.date);
        let duration_of_response = first_response.filter(|_| responder).map(|start| {
            let end = match (eval.progression_date, death) {
                (Some(p), Some(d)) => Some(p.min(d)),
                (p, d) => p.or(d),
            };
            match end {
                Some(e) => Duration {
                    days: (e - start).whole_days(),
                    event: true,
                },
                None => Duration {
                    days: eval
                        .timepoints
                        .last()
                        .map_or(0, |t| (t.date - start).whole_days()),
                    event: false,
                },
            }
        });
        patients.push(PatientResponse {
            duration_of_response,
            subject,
            group: group.to_owned(),
            best_confirmed: eval.best_overall_response.confirmed,
            best_unconfirmed: eval.best_overall_response.unconfirmed,
            best_pct_change: eval.best_pct_change,
            changes,
        });
    }
    let mut codes: Vec<String> = patients.iter().map(|p| p.group.clone()).collect();
    codes.sort();
    codes.dedup();
    // Patients not yet treated are a row of their own after the groups, in none of them.
    if let Some(i) = codes
        .iter()
        .position(|c| c == crate::endpoints::NOT_YET_TREATED)
    {
        let c = codes.remove(i);
        codes.push(c);
    }
    codes.push("overall".to_owned());
    let rates = codes
        .into_iter()
        .map(|g| {
            let of: Vec<&PatientResponse> = patients
                .iter()
                .filter(|p| g == "overall" || p.group == g)
                .collect();
            let n = of.len() as u64;
            let count = |ok: &[Response]| {
                of.iter().filter(|p| ok.contains(&p.best_confirmed)).count() as u64
            };
            Rates {
                orr: clopper_pearson(count(&[Response::Cr, Response::Pr]), n, alpha),
                dcr: clopper_pearson(count(&[Response::Cr, Response::Pr, Response::Sd]), n, alpha),
                group: g,
            }
        })
        .collect();
    ResponseSummary {
        criteria,
        patients,
        invalid_baseline,
        rates,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::generate;

    #[test]
    fn the_demo_study_summarises_consistently_under_both_criteria() {
        let demo = generate(120, 2026);
        let state = State::from_commits(&demo.commits);
        let m = summarize(&state, Criteria::Mrecist, 0.05);
        let r = summarize(&state, Criteria::Recist11, 0.05);
        assert_eq!(m.patients.len() + m.invalid_baseline, 120);
        assert_eq!(m.invalid_baseline, 0);
        let overall = |s: &ResponseSummary| s.rates.last().cloned().expect("overall");
        let (mo, ro) = (overall(&m), overall(&r));
        assert_eq!(mo.orr.n, m.patients.len() as u64);
        // Group rows add up to the overall row.
        let sum: u64 = m.rates[..m.rates.len() - 1].iter().map(|g| g.orr.x).sum();
        assert_eq!(sum, mo.orr.x);
        assert!(mo.orr.x <= mo.dcr.x);
        // Viable tumor responds more than its size: mRECIST finds more responders.
        assert!(mo.orr.x > ro.orr.x, "{} vs {}", mo.orr.x, ro.orr.x);
        assert!(mo.orr.x > 0 && mo.orr.x < 120);
        // Every confirmed responder has a duration of response, and only they do.
        for p in &m.patients {
            let responder = matches!(p.best_confirmed, Response::Cr | Response::Pr);
            assert_eq!(p.duration_of_response.is_some(), responder, "{p:?}");
            assert!(p.duration_of_response.is_none_or(|d| d.days >= 28));
        }
        assert!(m
            .patients
            .iter()
            .any(|p| p.duration_of_response.is_some_and(|d| d.event)));
        // Every responder's best change is a decrease of at least 30%.
        for p in &m.patients {
            if matches!(p.best_confirmed, Response::Pr) {
                assert!(p.best_pct_change.is_some_and(|c| c <= -30.0), "{p:?}");
            }
        }
    }
}
