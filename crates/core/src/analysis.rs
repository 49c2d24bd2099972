//! The analysis pages' computation: one endpoint's Kaplan-Meier curves by treatment group, with
//! medians, landmark rates, numbers at risk and the log-rank test, from derived endpoints.

use serde::{Deserialize, Serialize};

use crate::endpoints::{Endpoint, PatientEndpoints};
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
}

impl Which {
    fn of(self, p: &PatientEndpoints) -> &Endpoint {
        match self {
            Which::PfsMrecist => &p.pfs_mrecist,
            Which::PfsRecist11 => &p.pfs_recist11,
            Which::Os => &p.os,
        }
    }
}

/// Days per month, as the study reports time.
pub const DAYS_PER_MONTH: f64 = 30.4375;

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
}

/// One endpoint analysed by group.
#[derive(Debug, Clone)]
pub struct EndpointAnalysis {
    /// The curves, in group order.
    pub curves: Vec<GroupCurve>,
    /// The log-rank test across groups (`None` with one group).
    pub logrank: Option<LogRank>,
}

/// Landmarks, months.
pub const LANDMARKS: [f64; 5] = [0.0, 6.0, 12.0, 18.0, 24.0];

/// Analyses `which` by treatment group (log-log intervals, 95%).
pub fn by_group(patients: &[PatientEndpoints], which: Which) -> Option<EndpointAnalysis> {
    let time: Vec<f64> = patients
        .iter()
        .map(|p| which.of(p).days as f64 / DAYS_PER_MONTH)
        .collect();
    let event: Vec<bool> = patients.iter().map(|p| which.of(p).event).collect();
    let groups: Vec<String> = patients.iter().map(|p| p.group.to_owned()).collect();
    let data = SurvivalData::new(time, event)
        .ok()?
        .with_groups(&groups, None)
        .ok()?;
    let curves = (0..data.group_levels().len())
        .map(|g| {
            let sub = data.subset_group(g);
            let km = KaplanMeier::fit(sub.time(), sub.event(), ConfType::LogLog, 0.05);
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
                km,
            }
        })
        .collect::<Vec<_>>();
    let logrank = (curves.len() > 1).then(|| logrank(&data, 0.0));
    Some(EndpointAnalysis { curves, logrank })
}

/// The baseline factors a Cox model can adjust for, as 0/1 indicators from the endpoints'
/// baseline values: BCLC C or D, AFP >= 400 ng/mL, macrovascular invasion, ALBI grade 2-3.
pub const ADJUSTMENTS: [&str; 4] = ["bclc_c_d", "afp_ge_400", "mvi", "albi_2_3"];

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
    let complete: Vec<(&PatientEndpoints, Vec<f64>)> = patients
        .iter()
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
    let groups: Vec<String> = complete.iter().map(|(p, _)| p.group.to_owned()).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_pfs_by_group() {
        let demo = crate::demo::generate(120, 2026);
        let patients =
            crate::endpoints::derive(&crate::log::State::from_commits(&demo.commits), 730);
        let a = by_group(&patients, Which::PfsMrecist).unwrap();
        assert_eq!(a.curves.iter().map(|c| c.n).sum::<usize>(), 120);
        assert!(a.logrank.as_ref().unwrap().p_value >= 0.0);
        for c in &a.curves {
            assert_eq!(c.at_risk[0], c.n);
            assert!(c.at_risk.windows(2).all(|w| w[0] >= w[1]));
        }
        let crude = cox_by_group(&patients, Which::PfsMrecist, "tace_tki", &[]).unwrap();
        assert!(crude
            .terms
            .iter()
            .all(|t| t.name.starts_with("group=") && t.name != "group=tace_tki"));
        let adjusted =
            cox_by_group(&patients, Which::PfsMrecist, "tace_tki", &ADJUSTMENTS).unwrap();
        assert_eq!(adjusted.terms.len(), crude.terms.len() + 4);
        assert!(
            adjusted.n <= 120 && adjusted.n > 100,
            "complete cases: {}",
            adjusted.n
        );
    }
}
