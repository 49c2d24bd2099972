//! The analysis pages' computation: one endpoint's Kaplan-Meier curves by treatment group, with
//! medians, landmark rates, numbers at risk and the log-rank test, from derived endpoints.

pub mod format;
pub mod report;
pub mod response;
pub mod texts;

use serde::{Deserialize, Serialize};

use crate::endpoints::{group_code, Endpoint, PatientEndpoints};
use crate::study::plan;
use crate::survival::logrank::{logrank, LogRank};
use crate::survival::quantile::Quantile;
use crate::survival::{ConfType, KaplanMeier, SurvAt, SurvivalData};

/// Which endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Which {
    /// PFS by mRECIST (primary).
    PfsMrecist,
    /// PFS by RECIST 1.1.
    PfsRecist11,
    /// Overall survival.
    Os,
    /// Time to progression by mRECIST (deaths censored).
    TtpMrecist,
}

impl Which {
    /// Every endpoint, in the report's order.
    pub const ALL: [Which; 4] = [
        Which::PfsMrecist,
        Which::PfsRecist11,
        Which::Os,
        Which::TtpMrecist,
    ];

    /// The endpoint's name for readers, in both languages.
    pub fn label(self) -> crate::i18n::Text {
        let (en, zh) = match self {
            Which::PfsMrecist => ("PFS (mRECIST)", "无进展生存期（mRECIST）"),
            Which::PfsRecist11 => ("PFS (RECIST 1.1)", "无进展生存期（RECIST 1.1）"),
            Which::Os => ("Overall survival", "总生存期"),
            Which::TtpMrecist => ("Time to progression (mRECIST)", "疾病进展时间（mRECIST）"),
        };
        crate::i18n::Text::new(en, zh)
    }

    fn of(self, p: &PatientEndpoints) -> &Endpoint {
        match self {
            Which::PfsMrecist => &p.pfs_mrecist,
            Which::PfsRecist11 => &p.pfs_recist11,
            Which::Os => &p.os,
            Which::TtpMrecist => &p.ttp_mrecist,
        }
    }
}

/// Days per month, as the study reports time (the analysis plan's).
pub const DAYS_PER_MONTH: f64 = crate::study::plan::DAYS_PER_MONTH;

/// One group's curve.
#[derive(Debug, Clone)]
pub struct GroupCurve {
    /// Group code.
    pub group: String,
    /// Patients.
    pub n: usize,
    /// Events.
    pub events: usize,
    /// The fitted curve (time in months).
    pub km: KaplanMeier,
    /// Median in months with its interval.
    pub median: Quantile,
    /// Survival at 6, 12, 18 and 24 months.
    pub rates: Vec<SurvAt>,
    /// Numbers at risk at 0, 6, 12, 18 and 24 months.
    pub at_risk: Vec<usize>,
    /// Restricted mean survival time to 24 months (R's `rmean`), with its standard error.
    pub rmst: crate::survival::rmst::Rmst,
}

/// One endpoint analysed by group.
#[derive(Debug, Clone)]
pub struct EndpointAnalysis {
    /// The curves, in group order.
    pub curves: Vec<GroupCurve>,
    /// The log-rank test across groups (`None` with one group).
    pub logrank: Option<LogRank>,
}

/// Landmarks, months (the analysis plan's).
pub const LANDMARKS: [f64; 5] = crate::study::plan::LANDMARK_MONTHS;

/// Analyses `which` by treatment group (log-log intervals, 95%).
pub fn by_group(patients: &[PatientEndpoints], which: Which) -> Option<EndpointAnalysis> {
    let patients = treated(patients);
    let time: Vec<f64> = patients
        .iter()
        .map(|p| which.of(p).days as f64 / DAYS_PER_MONTH)
        .collect();
    let event: Vec<bool> = patients.iter().map(|p| which.of(p).event).collect();
    let groups: Vec<String> = patients
        .iter()
        .filter_map(|p| p.group.map(str::to_owned))
        .collect();
    let data = SurvivalData::new(time, event)
        .ok()?
        .with_groups(&groups, None)
        .ok()?;
    let curves = (0..data.group_levels().len())
        .map(|g| {
            let sub = data.subset_group(g);
            let km = KaplanMeier::fit(sub.time(), sub.event(), ConfType::LogLog, plan::ALPHA);
            GroupCurve {
                group: data.group_levels()[g].clone(),
                n: sub.len(),
                events: sub.n_events(),
                median: km.median(),
                rates: LANDMARKS[1..].iter().map(|&t| km.at(t)).collect(),
                at_risk: LANDMARKS
                    .iter()
                    .map(|&t| sub.time().iter().filter(|&&x| x >= t).count())
                    .collect(),
                rmst: crate::survival::rmst::rmst(km.rows(), plan::RMST_TAU_MONTHS),
                km,
            }
        })
        .collect::<Vec<_>>();
    let logrank = (curves.len() > 1).then(|| logrank(&data, 0.0));
    Some(EndpointAnalysis { curves, logrank })
}

/// The baseline factors a Cox model can adjust for by default, as 0/1 indicators from the
/// endpoints' baseline values: BCLC C or D, AFP >= 400 ng/mL, macrovascular invasion, ALBI grade
/// 2-3.
pub const ADJUSTMENTS: [&str; 4] = ["bclc_c_d", "afp_ge_400", "mvi", "albi_2_3"];

/// Every baseline factor the user may choose (STUDY.md's list): the defaults, then
/// extrahepatic spread, Child-Pugh B, beyond up-to-seven, and age >= 65 years.
pub const FACTORS: [&str; 8] = [
    "bclc_c_d",
    "afp_ge_400",
    "mvi",
    "albi_2_3",
    "ehs",
    "child_pugh_b",
    "beyond_up_to_seven",
    "age_ge_65",
];

/// A baseline factor's name for readers (one of [`FACTORS`]), in both languages; any other name
/// is its own.
pub fn factor_label(name: &str) -> crate::i18n::Text {
    let (en, zh) = match name {
        "bclc_c_d" => ("BCLC C-D", "BCLC C-D 期"),
        "afp_ge_400" => ("AFP >= 400 ng/mL", "AFP ≥ 400 ng/mL"),
        "mvi" => ("Macrovascular invasion", "大血管侵犯"),
        "albi_2_3" => ("ALBI grade 2-3", "ALBI 2-3 级"),
        "ehs" => ("Extrahepatic spread", "肝外转移"),
        "child_pugh_b" => ("Child-Pugh B", "Child-Pugh B 级"),
        "beyond_up_to_seven" => ("Beyond up-to-seven", "超出 up-to-seven 标准"),
        "age_ge_65" => ("Age >= 65 years", "年龄 ≥ 65 岁"),
        other => (other, other),
    };
    crate::i18n::Text::new(en, zh)
}

/// The patients in a treatment group: comparisons by group leave out those not yet treated.
fn treated(patients: &[PatientEndpoints]) -> Vec<&PatientEndpoints> {
    patients.iter().filter(|p| p.group.is_some()).collect()
}

/// The patients whose baseline BCLC stage is among `stages` (all when empty; a patient whose
/// stage is not derivable is then left out) and whose group is among `groups` (all when empty).
pub fn filter(
    patients: &[PatientEndpoints],
    stages: &[String],
    groups: &[String],
) -> Vec<PatientEndpoints> {
    patients
        .iter()
        .filter(|p| {
            stages.is_empty()
                || p.baseline
                    .get("bclc")
                    .cloned()
                    .flatten()
                    .is_some_and(|b| stages.iter().any(|s| b.as_str() == Some(s.as_str())))
        })
        .filter(|p| groups.is_empty() || groups.iter().any(|g| Some(g.as_str()) == p.group))
        .cloned()
        .collect()
}

fn indicator(p: &PatientEndpoints, factor: &str) -> Option<f64> {
    let v = |k: &str| p.baseline.get(k).cloned().flatten();
    match factor {
        "bclc_c_d" => v("bclc").and_then(|b| {
            b.as_str()
                .map(|s| f64::from(u8::from(s == "C" || s == "D")))
        }),
        "albi_2_3" => {
            v("albi_grade").and_then(|g| g.as_str().map(|s| f64::from(u8::from(s != "1"))))
        }
        "child_pugh_b" => {
            v("child_pugh").and_then(|c| c.as_str().map(|s| f64::from(u8::from(s != "A"))))
        }
        "beyond_up_to_seven" => v("up_to_seven_within")
            .and_then(|w| w.as_f64())
            .map(|w| 1.0 - w),
        "age_ge_65" => v("age")
            .and_then(|a| a.as_f64())
            .map(|a| f64::from(u8::from(a >= 65.0))),
        other => v(other).and_then(|x| x.as_f64()),
    }
}

/// A Cox model of `which` on the treatment group (reference `reference` when present) and the
/// given adjustment factors, on the patients with every factor known (complete cases).
pub fn cox_by_group(
    patients: &[PatientEndpoints],
    which: Which,
    reference: &str,
    adjust: &[&str],
) -> Result<crate::survival::cox::CoxFit, crate::survival::cox::CoxError> {
    use crate::survival::cox::{self, CoxError, CoxOptions};
    let complete: Vec<(&PatientEndpoints, Vec<f64>)> = treated(patients)
        .into_iter()
        .filter_map(|p| {
            adjust
                .iter()
                .map(|f| indicator(p, f))
                .collect::<Option<Vec<f64>>>()
                .map(|x| (p, x))
        })
        .collect();
    let time: Vec<f64> = complete
        .iter()
        .map(|(p, _)| which.of(p).days as f64 / DAYS_PER_MONTH)
        .collect();
    let event: Vec<bool> = complete.iter().map(|(p, _)| which.of(p).event).collect();
    let groups: Vec<String> = complete
        .iter()
        .map(|(p, _)| group_code(p.group).to_owned())
        .collect();
    let reference = groups.iter().any(|g| g == reference).then_some(reference);
    let mut data = SurvivalData::new(time, event)
        .and_then(|d| d.with_groups(&groups, reference))
        .map_err(|_| CoxError::NoEvents)?;
    for (j, name) in adjust.iter().enumerate() {
        let column = complete.iter().map(|(_, x)| x[j]).collect();
        data = data
            .with_covariate(name, column)
            .map_err(|_| CoxError::NoEvents)?;
    }
    let (names, design) = cox::design(&data, true);
    cox::fit(&data, &names, &design, CoxOptions::default())
}

/// The univariable Cox model of `which` on one baseline factor alone (complete cases).
pub fn cox_factor(
    patients: &[PatientEndpoints],
    which: Which,
    factor: &str,
) -> Result<crate::survival::cox::CoxFit, crate::survival::cox::CoxError> {
    use crate::survival::cox::{self, CoxError, CoxOptions};
    let known: Vec<(&PatientEndpoints, f64)> = patients
        .iter()
        .filter_map(|p| indicator(p, factor).map(|x| (p, x)))
        .collect();
    let time = known
        .iter()
        .map(|(p, _)| which.of(p).days as f64 / DAYS_PER_MONTH)
        .collect();
    let event = known.iter().map(|(p, _)| which.of(p).event).collect();
    let data = SurvivalData::new(time, event)
        .and_then(|d| d.with_covariate(factor, known.iter().map(|(_, x)| *x).collect()))
        .map_err(|_| CoxError::NoEvents)?;
    let (names, design) = cox::design(&data, false);
    cox::fit(&data, &names, &design, CoxOptions::default())
}

/// One group's IPTW-adjusted comparison with the reference group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IptwContrast {
    /// The group compared with the reference.
    pub group: String,
    /// Patients of the two groups with every factor known.
    pub n: usize,
    /// The weighted Cox model's term (HR with robust CI and p), or why there is none.
    pub term: Result<crate::survival::cox::Term, crate::i18n::Text>,
    /// The largest |standardized mean difference| over the factors, before weighting.
    pub max_smd_before: f64,
    /// The same after weighting.
    pub max_smd_after: f64,
}

/// One pair of groups for IPTW: the patients of `group` and `reference` with every factor
/// known (complete cases), whether each is in `group`, the factor columns, and the stabilized
/// weights truncated at the 1st and 99th percentiles (or why the propensity has no answer).
struct PairDesign<'a> {
    patients: Vec<&'a PatientEndpoints>,
    treated: Vec<bool>,
    cols: Vec<Vec<f64>>,
    weights: Result<Vec<f64>, crate::i18n::Text>,
}

fn no_estimate(e: &crate::i18n::Text) -> crate::i18n::Text {
    crate::i18n::Text::new(
        format!("no estimate: {}", e.en),
        format!("无法估计：{}", e.zh),
    )
}

fn pair_design<'a>(
    patients: &'a [PatientEndpoints],
    reference: &str,
    group: &str,
    factors: &[&str],
) -> PairDesign<'a> {
    use crate::survival::iptw::{propensity, stabilized_weights, trim};
    let (patients, rows): (Vec<&PatientEndpoints>, Vec<Vec<f64>>) = patients
        .iter()
        .filter(|p| p.group == Some(group) || p.group == Some(reference))
        .filter_map(|p| {
            factors
                .iter()
                .map(|f| indicator(p, f))
                .collect::<Option<Vec<f64>>>()
                .map(|x| (p, x))
        })
        .unzip();
    let treated: Vec<bool> = patients.iter().map(|p| p.group == Some(group)).collect();
    let cols: Vec<Vec<f64>> = (0..factors.len())
        .map(|j| rows.iter().map(|x| x[j]).collect())
        .collect();
    let weights = propensity(&treated, &cols)
        .map(|m| trim(&stabilized_weights(&treated, &m.ps), 1.0, 99.0))
        .map_err(|e| no_estimate(&e.message()));
    PairDesign {
        patients,
        treated,
        cols,
        weights,
    }
}

/// IPTW-adjusted hazard ratios of each group against `reference`: within each pair of groups,
/// the propensity of belonging to the group from the `factors` (logistic regression, complete
/// cases), stabilized weights truncated at the 1st and 99th percentiles, and a weighted Cox
/// model with robust standard errors.
pub fn iptw_by_group(
    patients: &[PatientEndpoints],
    which: Which,
    reference: &str,
    factors: &[&str],
) -> Vec<IptwContrast> {
    use crate::survival::cox::{self, CoxOptions};
    use crate::survival::iptw::smd;
    let mut groups: Vec<&str> = patients.iter().filter_map(|p| p.group).collect();
    groups.sort_unstable();
    groups.dedup();
    groups
        .into_iter()
        .filter(|g| *g != reference)
        .map(|g| {
            let PairDesign {
                patients: pair,
                treated,
                cols,
                weights,
            } = pair_design(patients, reference, g, factors);
            let max_smd = |w: Option<&[f64]>| {
                cols.iter()
                    .map(|c| smd(c, &treated, w).abs())
                    .filter(|v| v.is_finite())
                    .fold(0.0, f64::max)
            };
            let max_smd_before = max_smd(None);
            let max_smd_after = weights.as_ref().map_or(f64::NAN, |w| max_smd(Some(w)));
            let plain = |e: String| no_estimate(&crate::i18n::Text::new(e.clone(), e));
            let term = weights.and_then(|w| {
                let time: Vec<f64> = pair
                    .iter()
                    .map(|p| which.of(p).days as f64 / DAYS_PER_MONTH)
                    .collect();
                let event: Vec<bool> = pair.iter().map(|p| which.of(p).event).collect();
                let data = SurvivalData::new(time, event).map_err(|e| plain(e.to_string()))?;
                let x: Vec<f64> = treated.iter().map(|&t| f64::from(u8::from(t))).collect();
                cox::fit_weighted(
                    &data,
                    &[format!("group={g}")],
                    &[x],
                    &w,
                    CoxOptions::default(),
                )
                .map(|f| f.fit.terms[0].clone())
                .map_err(|e| plain(e.to_string()))
            });
            IptwContrast {
                group: g.to_owned(),
                n: pair.len(),
                term,
                max_smd_before,
                max_smd_after,
            }
        })
        .collect()
}

/// IPTW-weighted Kaplan-Meier curves of `group` and `reference` (months, survival), with the
/// propensity from `factors` within the pair (complete cases), stabilized weights truncated at
/// the 1st and 99th percentiles: (reference curve, group curve).
pub type WeightedCurves = (Vec<(f64, f64)>, Vec<(f64, f64)>);

/// See [`WeightedCurves`].
pub fn iptw_curves(
    patients: &[PatientEndpoints],
    which: Which,
    reference: &str,
    group: &str,
    factors: &[&str],
) -> Result<WeightedCurves, crate::i18n::Text> {
    use crate::survival::iptw::weighted_km;
    let design = pair_design(patients, reference, group, factors);
    let w = design.weights?;
    let (pair, treated) = (design.patients, design.treated);
    let curve = |arm: bool| {
        let idx: Vec<usize> = (0..pair.len()).filter(|&i| treated[i] == arm).collect();
        weighted_km(
            &idx.iter()
                .map(|&i| which.of(pair[i]).days as f64 / DAYS_PER_MONTH)
                .collect::<Vec<_>>(),
            &idx.iter()
                .map(|&i| which.of(pair[i]).event)
                .collect::<Vec<_>>(),
            &idx.iter().map(|&i| w[i]).collect::<Vec<_>>(),
        )
    };
    Ok((curve(false), curve(true)))
}

#[cfg(test)]
mod tests;
