//! One study report: everything the analysis page shows for one endpoint (Kaplan-Meier by group
//! with medians, landmark rates, numbers at risk and RMST; the log-rank test; Cox models crude,
//! univariable and adjusted; IPTW contrasts with their balance; tumor response by group for
//! both criteria), assembled from the patients' records by one function, so that the tablet and
//! `ecrf analyze` give the same numbers for the same data.

use std::collections::BTreeMap;

use serde::{Serialize, Serializer};

use super::{
    by_group, cox_by_group, cox_factor, filter, iptw_by_group, EndpointAnalysis, IptwContrast,
    Which, ADJUSTMENTS, FACTORS,
};
use crate::analysis::response::{summarize_records, ResponseSummary};
use crate::endpoints::PatientEndpoints;
use crate::record::Record;
use crate::response::Criteria;
use crate::study::plan;
use crate::survival::cox::{CoxError, CoxFit};
use crate::survival::quantile::Quantile;
use crate::survival::{ConfType, KaplanMeier};

/// What to analyse: the endpoint, the adjustment factors, the population.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    /// The endpoint.
    pub endpoint: Which,
    /// Baseline factors of the adjusted Cox model and the IPTW propensity (names of
    /// [`FACTORS`]), in the order given.
    pub factors: Vec<String>,
    /// Baseline BCLC stages kept (every patient when empty).
    pub bclc: Vec<String>,
    /// Treatment groups kept (every group when empty).
    pub groups: Vec<String>,
    /// Administrative cut-off, days after enrollment.
    pub cutoff_days: i64,
}

impl Default for ReportOptions {
    /// The analysis page's defaults: PFS by mRECIST, the four default factors, everyone, the
    /// plan's cut-off.
    fn default() -> ReportOptions {
        ReportOptions {
            endpoint: Which::PfsMrecist,
            factors: ADJUSTMENTS.iter().map(|f| f.to_string()).collect(),
            bclc: Vec::new(),
            groups: Vec::new(),
            cutoff_days: plan::CUTOFF_DAYS,
        }
    }
}

/// Why options cannot be analysed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OptionsError {
    /// A factor that is not one of [`FACTORS`].
    #[error("unknown factor {0:?} (known: {known})", known = FACTORS.join(", "))]
    UnknownFactor(String),
    /// A factor named twice.
    #[error("factor {0:?} is named twice")]
    RepeatedFactor(String),
    /// A stage that is not a BCLC stage.
    #[error("unknown BCLC stage {0:?} (known: {known})", known = plan::BCLC_STAGES.join(", "))]
    UnknownStage(String),
    /// A stage named twice.
    #[error("BCLC stage {0:?} is named twice")]
    RepeatedStage(String),
    /// A group named twice.
    #[error("group {0:?} is named twice")]
    RepeatedGroup(String),
    /// A group that is not a treatment group.
    #[error("unknown group {0:?} (known: {known})", known = plan::GROUPS.join(", "))]
    UnknownGroup(String),
    /// A cut-off of zero days or fewer.
    #[error("the cut-off must be a positive number of days, not {0}")]
    Cutoff(i64),
}

impl ReportOptions {
    /// Checks every name against the study's lists.
    ///
    /// # Errors
    /// The first unknown or repeated name, or a non-positive cut-off.
    pub fn check(&self) -> Result<(), OptionsError> {
        for (i, f) in self.factors.iter().enumerate() {
            if !FACTORS.contains(&f.as_str()) {
                return Err(OptionsError::UnknownFactor(f.clone()));
            }
            if self.factors[..i].contains(f) {
                return Err(OptionsError::RepeatedFactor(f.clone()));
            }
        }
        for (i, s) in self.bclc.iter().enumerate() {
            if !plan::BCLC_STAGES.contains(&s.as_str()) {
                return Err(OptionsError::UnknownStage(s.clone()));
            }
            if self.bclc[..i].contains(s) {
                return Err(OptionsError::RepeatedStage(s.clone()));
            }
        }
        for (i, g) in self.groups.iter().enumerate() {
            if !plan::GROUPS.contains(&g.as_str()) {
                return Err(OptionsError::UnknownGroup(g.clone()));
            }
            if self.groups[..i].contains(g) {
                return Err(OptionsError::RepeatedGroup(g.clone()));
            }
        }
        if self.cutoff_days <= 0 {
            return Err(OptionsError::Cutoff(self.cutoff_days));
        }
        Ok(())
    }

    fn factor_names(&self) -> Vec<&str> {
        self.factors.iter().map(String::as_str).collect()
    }
}

/// The patients' endpoints, once, for every section of the report.
#[derive(Debug, Clone)]
pub struct Population {
    /// Every enrolled patient's endpoints.
    pub all: Vec<PatientEndpoints>,
    /// Those kept by the options' stage and group filters.
    pub selected: Vec<PatientEndpoints>,
}

/// Derives every enrolled patient's endpoints and applies the filters.
pub fn population(records: &BTreeMap<String, Record>, options: &ReportOptions) -> Population {
    let all: Vec<PatientEndpoints> = records
        .values()
        .filter_map(|r| r.endpoints(options.cutoff_days))
        .collect();
    let selected = filter(&all, &options.bclc, &options.groups);
    Population { all, selected }
}

/// How many patients the report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Enrolled patients in the study.
    pub enrolled: usize,
    /// Enrolled patients kept by the filters ("analysed" on the page).
    pub selected: usize,
    /// Of those, patients with no treatment group yet: in no group's curve or model.
    pub not_yet_treated: usize,
}

/// A Cox model, or why it has none.
pub type Model = Result<CoxFit, CoxError>;

/// The Cox models and IPTW contrasts of the endpoint by group against the reference arm.
#[derive(Debug, Clone, Serialize)]
pub struct Models {
    /// Groups only.
    #[serde(serialize_with = "model")]
    pub crude: Model,
    /// Each chosen factor alone (univariable), in the order chosen.
    #[serde(serialize_with = "univariable")]
    pub univariable: Vec<(String, Model)>,
    /// Groups and every chosen factor, complete cases.
    #[serde(serialize_with = "model")]
    pub adjusted: Model,
    /// Each group against the reference, weighted by the inverse probability of treatment.
    #[serde(serialize_with = "iptw")]
    pub iptw: Vec<IptwContrast>,
}

/// Fits the models of the selected patients.
pub fn models(population: &Population, options: &ReportOptions) -> Models {
    let data = &population.selected;
    let which = options.endpoint;
    let factors = options.factor_names();
    let reference = plan::REFERENCE_GROUP;
    Models {
        crude: cox_by_group(data, which, reference, &[]),
        univariable: factors
            .iter()
            .map(|f| (f.to_string(), cox_factor(data, which, f)))
            .collect(),
        adjusted: cox_by_group(data, which, reference, &factors),
        iptw: iptw_by_group(data, which, reference, &factors),
    }
}

/// The duration of response of one group's confirmed responders (Kaplan-Meier, months).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ResponseDuration {
    /// Confirmed responders.
    pub n: usize,
    /// Median duration with its interval, months (`None` when not reached).
    pub median: Quantile,
}

/// Tumor response by one criterion, with each group's duration of response.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResponseReport {
    /// Best responses, rates and changes.
    #[serde(flatten)]
    pub summary: ResponseSummary,
    /// Per entry of `summary.rates` (same order: groups, then overall): the duration of
    /// response, `None` without a confirmed responder.
    pub duration_of_response: Vec<Option<ResponseDuration>>,
}

/// Tumor response by `criteria` of every enrolled patient (the filters apply to the survival
/// analyses only, as on the page).
pub fn response(
    records: &BTreeMap<String, Record>,
    population: &Population,
    criteria: Criteria,
) -> ResponseReport {
    let summary = summarize_records(records, &population.all, criteria, plan::ALPHA);
    let duration_of_response = summary
        .rates
        .iter()
        .map(|r| {
            let (times, events): (Vec<f64>, Vec<bool>) = summary
                .patients
                .iter()
                .filter(|p| r.group == "overall" || p.group == r.group)
                .filter_map(|p| p.duration_of_response)
                .map(|d| (d.days as f64 / plan::DAYS_PER_MONTH, d.event))
                .unzip();
            (!times.is_empty()).then(|| ResponseDuration {
                n: times.len(),
                median: KaplanMeier::fit(&times, &events, ConfType::LogLog, plan::ALPHA).median(),
            })
        })
        .collect();
    ResponseReport {
        summary,
        duration_of_response,
    }
}

/// The whole report of one endpoint.
#[derive(Debug, Clone, Serialize)]
pub struct StudyReport {
    /// The endpoint.
    pub endpoint: Which,
    /// Unit of every time below.
    pub time_unit: &'static str,
    /// Days per month used to convert.
    pub days_per_month: f64,
    /// Administrative cut-off, days after enrollment.
    pub cutoff_days: i64,
    /// The reference arm of the hazard ratios.
    pub reference_group: &'static str,
    /// Confidence level of every interval.
    pub conf_level: f64,
    /// Intervals of the survival curves.
    pub conf_type: ConfType,
    /// BCLC stages kept (all when empty).
    pub bclc: Vec<String>,
    /// Groups kept (all when empty).
    pub groups: Vec<String>,
    /// The factors chosen.
    pub factors: Vec<String>,
    /// Patients covered.
    pub patients: Counts,
    /// Kaplan-Meier by group and the log-rank test; `None` when there are too few patients.
    #[serde(serialize_with = "survival")]
    pub survival: Option<EndpointAnalysis>,
    /// Cox models and IPTW contrasts.
    pub models: Models,
    /// Tumor response, by mRECIST then RECIST 1.1.
    pub response: Vec<ResponseReport>,
}

/// The counts of the selected population.
pub fn counts(population: &Population) -> Counts {
    Counts {
        enrolled: population.all.len(),
        selected: population.selected.len(),
        not_yet_treated: population
            .selected
            .iter()
            .filter(|p| p.group.is_none())
            .count(),
    }
}

/// Assembles the report from its sections (the page computes them one at a time, to stay
/// responsive, then calls this).
pub fn assemble(
    options: &ReportOptions,
    population: &Population,
    survival: Option<EndpointAnalysis>,
    models: Models,
    response: Vec<ResponseReport>,
) -> StudyReport {
    StudyReport {
        endpoint: options.endpoint,
        time_unit: "months",
        days_per_month: plan::DAYS_PER_MONTH,
        cutoff_days: options.cutoff_days,
        reference_group: plan::REFERENCE_GROUP,
        conf_level: 1.0 - plan::ALPHA,
        conf_type: ConfType::LogLog,
        bclc: options.bclc.clone(),
        groups: options.groups.clone(),
        factors: options.factors.clone(),
        patients: counts(population),
        survival,
        models,
        response,
    }
}

/// The report of `options.endpoint` over the patients' records (see [`crate::record::records`]).
///
/// # Errors
/// Options naming an unknown factor, stage or group, or a non-positive cut-off.
pub fn report(
    records: &BTreeMap<String, Record>,
    options: &ReportOptions,
) -> Result<StudyReport, OptionsError> {
    options.check()?;
    let population = population(records, options);
    let survival = by_group(&population.selected, options.endpoint);
    let models = models(&population, options);
    let response = [Criteria::Mrecist, Criteria::Recist11]
        .into_iter()
        .map(|c| response(records, &population, c))
        .collect();
    Ok(assemble(options, &population, survival, models, response))
}

/// A model as JSON: the fit, or `{"no_estimate": reason}`.
fn model<S: Serializer>(m: &Model, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct NoEstimate {
        no_estimate: String,
    }
    match m {
        Ok(fit) => fit.serialize(s),
        Err(e) => NoEstimate {
            no_estimate: e.to_string(),
        }
        .serialize(s),
    }
}

fn univariable<S: Serializer>(models: &[(String, Model)], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Entry<'a> {
        factor: &'a str,
        #[serde(serialize_with = "model")]
        model: &'a Model,
    }
    s.collect_seq(models.iter().map(|(factor, model)| Entry { factor, model }))
}

fn iptw<S: Serializer>(contrasts: &[IptwContrast], s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Entry<'a> {
        group: &'a str,
        n: usize,
        #[serde(flatten, skip_serializing_if = "Option::is_none")]
        term: Option<&'a crate::survival::cox::Term>,
        #[serde(skip_serializing_if = "Option::is_none")]
        no_estimate: Option<&'a str>,
        max_smd_before: f64,
        max_smd_after: f64,
    }
    s.collect_seq(contrasts.iter().map(|c| Entry {
        group: &c.group,
        n: c.n,
        term: c.term.as_ref().ok(),
        no_estimate: c.term.as_ref().err().map(|e| e.en.as_str()),
        max_smd_before: c.max_smd_before,
        max_smd_after: c.max_smd_after,
    }))
}

fn survival<S: Serializer>(a: &Option<EndpointAnalysis>, s: S) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    struct Landmark {
        days: i64,
        months: f64,
        surv: Option<f64>,
        std_err: Option<f64>,
        lower: Option<f64>,
        upper: Option<f64>,
        n_risk: usize,
    }
    #[derive(Serialize)]
    struct Curve<'a> {
        group: &'a str,
        n: usize,
        n_events: usize,
        median: Quantile,
        landmarks: Vec<Landmark>,
        rmst: crate::survival::rmst::Rmst,
        table: &'a [crate::survival::KmRow],
    }
    #[derive(Serialize)]
    struct Out<'a> {
        curves: Vec<Curve<'a>>,
        logrank: Option<&'a crate::survival::logrank::LogRank>,
    }
    let Some(a) = a else {
        return s.serialize_none();
    };
    let curves = a
        .curves
        .iter()
        .map(|c| Curve {
            group: &c.group,
            n: c.n,
            n_events: c.events,
            median: c.median,
            landmarks: super::LANDMARKS
                .iter()
                .zip(plan::LANDMARK_DAYS)
                .zip(&c.at_risk)
                .map(|((&months, days), &n_risk)| {
                    // S(0) = 1 exactly; the rates at the later landmarks come from the curve.
                    let at = c.rates.iter().find(|r| r.time == months);
                    Landmark {
                        days,
                        months,
                        surv: at.map_or(Some(1.0), |r| r.surv),
                        std_err: at.map_or(Some(0.0), |r| r.std_err),
                        lower: at.map_or(Some(1.0), |r| r.lower),
                        upper: at.map_or(Some(1.0), |r| r.upper),
                        n_risk,
                    }
                })
                .collect(),
            rmst: c.rmst,
            table: c.km.rows(),
        })
        .collect();
    Out {
        curves,
        logrank: a.logrank.as_ref(),
    }
    .serialize(s)
}
