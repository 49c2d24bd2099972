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
    }
}
