//! Tumor response by RECIST 1.1 (Eisenhauer et al., Eur J Cancer 2009;45:228-247) and mRECIST
//! for HCC (Lencioni & Llovet, Semin Liver Dis 2010;30:52-60): baseline rules, per-timepoint
//! target / non-target / new-lesion / overall response, best overall response (unconfirmed and
//! confirmed), progression date, and the study-level rates with exact confidence intervals.
//!
//! Every choice the publications leave open is written in `docs/response.md`.

mod baseline;
mod best;
mod describe;
pub mod model;
mod timepoint;

use serde::{Deserialize, Serialize};
use time::Date;

pub use baseline::BaselineError;
pub use best::BestResponse;
pub use model::{Parameters, Series};
pub use timepoint::NewLesionCall;

/// Which criteria.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Criteria {
    /// RECIST 1.1: longest diameters.
    #[serde(rename = "recist11")]
    Recist11,
    /// mRECIST: longest viable (arterially enhancing) diameters.
    #[serde(rename = "mrecist")]
    Mrecist,
}

impl Criteria {
    /// The criterion as people write it.
    pub fn label(self) -> &'static str {
        match self {
            Criteria::Recist11 => "RECIST 1.1",
            Criteria::Mrecist => "mRECIST",
        }
    }

    /// The name used in files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Criteria::Recist11 => "recist11",
            Criteria::Mrecist => "mrecist",
        }
    }
}

/// A response category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Response {
    /// Complete response.
    #[serde(rename = "CR")]
    Cr,
    /// Partial response.
    #[serde(rename = "PR")]
    Pr,
    /// Stable disease.
    #[serde(rename = "SD")]
    Sd,
    /// Progressive disease.
    #[serde(rename = "PD")]
    Pd,
    /// Not evaluable.
    #[serde(rename = "NE")]
    Ne,
    /// Non-target (or non-target-only overall): neither CR nor PD.
    #[serde(rename = "NON-CR/NON-PD")]
    NonCrNonPd,
    /// No lesions of that kind.
    #[serde(rename = "NA")]
    Na,
}

impl Response {
    /// The code as printed.
    pub fn code(self) -> &'static str {
        match self {
            Response::Cr => "CR",
            Response::Pr => "PR",
            Response::Sd => "SD",
            Response::Pd => "PD",
            Response::Ne => "NE",
            Response::NonCrNonPd => "NON-CR/NON-PD",
            Response::Na => "NA",
        }
    }
}

/// The evaluation of one timepoint.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timepoint {
    /// Imaging date.
    #[serde(with = "crate::dates::iso")]
    pub date: Date,
    /// Sum of target diameters (viable diameters for mRECIST); `None` when a target was not
    /// evaluated.
    pub sum_mm: Option<f64>,
    /// The smallest sum before this timepoint, baseline included.
    pub nadir_mm: f64,
    /// Change of the sum from baseline, %.
    pub pct_change_from_baseline: Option<f64>,
    /// Change of the sum from the nadir, %.
    pub pct_change_from_nadir: Option<f64>,
    /// Target response.
    pub target: Response,
    /// Non-target response.
    pub non_target: Response,
    /// New lesions.
    pub new_lesions: NewLesionCall,
    /// Overall response.
    pub overall: Response,
    /// Each new lesion's call, for confirming equivocal ones later.
    #[serde(skip)]
    pub lesion_calls: timepoint::LesionCalls,
}

/// The whole evaluation of a series by one criterion.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Evaluation {
    /// The criteria used.
    pub criteria: Criteria,
    /// The baseline sum.
    pub baseline_sum_mm: f64,
    /// Every follow-up timepoint.
    pub timepoints: Vec<Timepoint>,
    /// Best overall response.
    pub best_overall_response: BestResponse,
    /// Date of the first progression (an equivocal new lesion confirmed later dates it back).
    #[serde(with = "crate::dates::iso_option")]
    pub progression_date: Option<Date>,
    /// The largest decrease (most negative change) of the sum from baseline, % (the waterfall
    /// plot's bar).
    pub best_pct_change: Option<f64>,
}

/// Evaluates `series` by `criteria`.
pub fn evaluate(series: &Series, criteria: Criteria) -> Result<Evaluation, BaselineError> {
    let base = baseline::check(series, criteria)?;
    let mut timepoints = timepoint::evaluate_all(series, &base, criteria)?;
    timepoint::backdate_confirmed_equivocal(series, criteria, &mut timepoints);
    let progression_date = timepoints
        .iter()
        .find(|t| t.overall == Response::Pd)
        .map(|t| t.date);
    let best_overall_response = best::best_response(series, &timepoints);
    let best_pct_change = timepoints
        .iter()
        .take_while(|t| t.overall != Response::Pd)
        .chain(timepoints.iter().find(|t| t.overall == Response::Pd))
        .filter_map(|t| t.pct_change_from_baseline)
        .min_by(f64::total_cmp);
    Ok(Evaluation {
        criteria,
        baseline_sum_mm: base.sum,
        timepoints,
        best_overall_response,
        progression_date,
        best_pct_change,
    })
}

#[cfg(test)]
mod tests;
