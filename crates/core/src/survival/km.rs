//! Kaplan-Meier with Greenwood variance and `log-log` / `log` / `plain` confidence intervals, as
//! R's `survfit`, and the Nelson-Aalen cumulative hazard (sum of d/n).

use serde::{Deserialize, Serialize};

use super::dist::normal_quantile;
use super::quantile::{find_quantile, Quantile};
use super::rmst::{rmst, Rmst};
use super::table::EventTable;

/// The transform under which the confidence interval is symmetric (R's `conf.type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ConfType {
    /// log(-log S): the study's default.
    #[default]
    #[serde(rename = "log-log")]
    LogLog,
    /// log S; the upper limit is capped at 1.
    #[serde(rename = "log")]
    Log,
    /// S itself, clipped to [0, 1].
    #[serde(rename = "plain")]
    Plain,
}

impl ConfType {
    /// R's name.
    pub fn name(self) -> &'static str {
        match self {
            ConfType::LogLog => "log-log",
            ConfType::Log => "log",
            ConfType::Plain => "plain",
        }
    }

    /// Parses R's name.
    pub fn parse(name: &str) -> Option<ConfType> {
        match name {
            "log-log" => Some(ConfType::LogLog),
            "log" => Some(ConfType::Log),
            "plain" => Some(ConfType::Plain),
            _ => None,
        }
    }
}

/// One row of the curve: at a distinct time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct KmRow {
    /// The time.
    pub time: f64,
    /// Number at risk just before it.
    pub n_risk: f64,
    /// Events at it.
    pub n_event: f64,
    /// Censorings at it.
    pub n_censor: f64,
    /// S(t), right-continuous.
    pub surv: f64,
    /// Greenwood standard error of S(t); `None` where S = 0.
    pub std_err: Option<f64>,
    /// Lower confidence limit; `None` where undefined.
    pub lower: Option<f64>,
    /// Upper confidence limit; `None` where undefined.
    pub upper: Option<f64>,
    /// Nelson-Aalen cumulative hazard (sum of d/n).
    pub cumhaz: f64,
}

/// The curve's value at a requested time.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SurvAt {
    /// The requested time.
    pub time: f64,
    /// S(t); `None` beyond the last observed time (R's `extend = FALSE`).
    pub surv: Option<f64>,
    /// Its standard error.
    pub std_err: Option<f64>,
    /// Lower confidence limit.
    pub lower: Option<f64>,
    /// Upper confidence limit.
    pub upper: Option<f64>,
}

/// A fitted Kaplan-Meier curve.
#[derive(Debug, Clone, PartialEq)]
pub struct KaplanMeier {
    rows: Vec<KmRow>,
    /// Running Greenwood sums, sum d / (n (n - d)), per row.
    greenwood: Vec<f64>,
    z: f64,
    conf_type: ConfType,
}

/// (standard error of S, lower, upper) at survival `s` with Greenwood sum `gw`.
fn interval(
    s: f64,
    gw: f64,
    z: f64,
    conf_type: ConfType,
) -> (Option<f64>, Option<f64>, Option<f64>) {
    if s <= 0.0 || !gw.is_finite() {
        return (None, None, None);
    }
    let se_log = gw.sqrt();
    let se = s * se_log;
    if gw == 0.0 {
        return (Some(0.0), Some(s), Some(s));
    }
    let (lower, upper) = match conf_type {
        ConfType::Plain => ((s - z * se).max(0.0), (s + z * se).min(1.0)),
        ConfType::Log => (s * (-z * se_log).exp(), (s * (z * se_log).exp()).min(1.0)),
        ConfType::LogLog => {
            let a = -s.ln();
            (
                (-a * (z * se_log / a).exp()).exp(),
                (-a * (-z * se_log / a).exp()).exp(),
            )
        }
    };
    (Some(se), Some(lower), Some(upper))
}

impl KaplanMeier {
    /// Fits the curve; `alpha` gives (1 - alpha) confidence intervals.
    pub fn fit(time: &[f64], event: &[bool], conf_type: ConfType, alpha: f64) -> KaplanMeier {
        Self::from_table(&EventTable::new(time, event, None), conf_type, alpha)
    }

    /// Fits the curve from an event table.
    pub fn from_table(t: &EventTable, conf_type: ConfType, alpha: f64) -> KaplanMeier {
        let z = normal_quantile(1.0 - alpha / 2.0);
        let (mut s, mut gw, mut h) = (1.0, 0.0, 0.0);
        let mut rows = Vec::with_capacity(t.len());
        let mut greenwood = Vec::with_capacity(t.len());
        for i in 0..t.len() {
            let (n, d) = (t.n_risk[i], t.n_event[i]);
            if d > 0.0 {
                s *= 1.0 - d / n;
                gw += if n > d {
                    d / (n * (n - d))
                } else {
                    f64::INFINITY
                };
                h += d / n;
            }
            let (std_err, lower, upper) = interval(s, gw, z, conf_type);
            rows.push(KmRow {
                time: t.time[i],
                n_risk: n,
                n_event: d,
                n_censor: t.n_censor[i],
                surv: s,
                std_err,
                lower,
                upper,
                cumhaz: h,
            });
            greenwood.push(gw);
        }
        KaplanMeier {
            rows,
            greenwood,
            z,
            conf_type,
        }
    }

    /// Every row.
    pub fn rows(&self) -> &[KmRow] {
        &self.rows
    }

    /// The interval type used.
    pub fn conf_type(&self) -> ConfType {
        self.conf_type
    }

    /// The curve at `time`: right-continuous (events at `time` included), 1 before the first
    /// time, undefined after the last.
    pub fn at(&self, time: f64) -> SurvAt {
        let last = self.rows.last().map_or(f64::NEG_INFINITY, |r| r.time);
        if time > last || time.is_nan() {
            return SurvAt {
                time,
                surv: None,
                std_err: None,
                lower: None,
                upper: None,
            };
        }
        let idx = self.rows.partition_point(|r| r.time <= time);
        if idx == 0 {
            return SurvAt {
                time,
                surv: Some(1.0),
                std_err: Some(0.0),
                lower: Some(1.0),
                upper: Some(1.0),
            };
        }
        let r = &self.rows[idx - 1];
        SurvAt {
            time,
            surv: Some(r.surv),
            std_err: r.std_err,
            lower: r.lower,
            upper: r.upper,
        }
    }

    /// The `p` quantile of the survival time (0.5: the median) with its confidence limits, by
    /// R's `quantile.survfit` rules.
    pub fn quantile(&self, p: f64) -> Quantile {
        let x: Vec<f64> = std::iter::once(0.0)
            .chain(self.rows.iter().map(|r| r.time))
            .collect();
        let curve = |f: &dyn Fn(&KmRow) -> Option<f64>| -> Vec<Option<f64>> {
            std::iter::once(Some(0.0))
                .chain(self.rows.iter().map(|r| f(r).map(|s| 1.0 - s)))
                .collect()
        };
        Quantile {
            estimate: find_quantile(&x, &curve(&|r| Some(r.surv)), p),
            lower: find_quantile(&x, &curve(&|r| r.lower), p),
            upper: find_quantile(&x, &curve(&|r| r.upper), p),
        }
    }

    /// The median survival time with its confidence limits.
    pub fn median(&self) -> Quantile {
        self.quantile(0.5)
    }

    /// Restricted mean survival time to `tau`, with R's standard error.
    pub fn rmst(&self, tau: f64) -> Rmst {
        rmst(&self.rows, tau)
    }

    /// The z quantile the intervals use.
    pub fn z(&self) -> f64 {
        self.z
    }

    /// Greenwood sums per row (the variance of log S).
    pub fn greenwood(&self) -> &[f64] {
        &self.greenwood
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The AML "maintained" arm (R `survival::aml`, x == "Maintained"):
    /// times 9 13 13+ 18 23 28+ 31 34 45+ 48 161+.
    fn aml() -> KaplanMeier {
        let time = [
            9.0, 13.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 161.0,
        ];
        let event = [
            true, true, false, true, true, false, true, true, false, true, false,
        ];
        KaplanMeier::fit(&time, &event, ConfType::LogLog, 0.05)
    }

    #[test]
    fn aml_maintained_product_limit_and_greenwood_by_hand() {
        let km = aml();
        // S(9) = 10/11; Greenwood: se = S sqrt(1 / (11 * 10)).
        let at9 = km.at(9.0);
        assert!((at9.surv.unwrap() - 10.0 / 11.0).abs() < 1e-15);
        assert!((at9.std_err.unwrap() - 10.0 / 11.0 * (1.0f64 / 110.0).sqrt()).abs() < 1e-15);
        // S(13) = 10/11 * 9/10 (13+ is at risk at 13); S(18) = S(13) * 7/8 (one censored at 13).
        let s13 = 10.0 / 11.0 * 9.0 / 10.0;
        assert!((km.at(13.0).surv.unwrap() - s13).abs() < 1e-15);
        assert!((km.at(17.9).surv.unwrap() - s13).abs() < 1e-15);
        assert!((km.at(18.0).surv.unwrap() - s13 * 7.0 / 8.0).abs() < 1e-15);
        // S(23) = .614 > .5 and S(31) = .491 < .5: the median is 31.
        assert_eq!(km.median().estimate, Some(31.0));
        // log-log limits bracket the estimate.
        for r in km.rows() {
            assert!(r.lower.unwrap() <= r.surv && r.surv <= r.upper.unwrap());
        }
    }

    #[test]
    fn before_first_event_the_interval_is_a_point_and_after_the_last_time_undefined() {
        let km = aml();
        let at = km.at(5.0);
        assert_eq!(
            (at.surv, at.std_err, at.lower, at.upper),
            (Some(1.0), Some(0.0), Some(1.0), Some(1.0))
        );
        assert_eq!(km.at(161.0).surv, Some(km.rows().last().unwrap().surv));
        assert_eq!(km.at(162.0).surv, None);
    }

    #[test]
    fn where_s_is_zero_se_and_limits_are_undefined() {
        let km = KaplanMeier::fit(&[1.0, 2.0], &[true, true], ConfType::Log, 0.05);
        let last = km.rows()[1];
        assert_eq!(last.surv, 0.0);
        assert_eq!((last.std_err, last.lower, last.upper), (None, None, None));
    }

    #[test]
    fn log_upper_limit_is_capped_at_one() {
        let km = KaplanMeier::fit(
            &[1.0, 2.0, 3.0, 4.0],
            &[true, false, false, false],
            ConfType::Log,
            0.05,
        );
        assert_eq!(km.rows()[0].upper, Some(1.0));
        assert!(km.rows()[0].lower.unwrap() < 0.75);
    }

    #[test]
    fn nelson_aalen_is_sum_of_d_over_n() {
        let km = KaplanMeier::fit(
            &[1.0, 1.0, 2.0, 3.0],
            &[true, true, false, true],
            ConfType::LogLog,
            0.05,
        );
        let h: Vec<f64> = km.rows().iter().map(|r| r.cumhaz).collect();
        assert_eq!(h, vec![0.5, 0.5, 1.5]);
    }

    proptest::proptest! {
        #[test]
        fn km_never_increases_and_stays_in_the_unit_interval(
            obs in proptest::collection::vec((0u16..50, proptest::bool::ANY), 1..60)
        ) {
            let time: Vec<f64> = obs.iter().map(|o| f64::from(o.0)).collect();
            let event: Vec<bool> = obs.iter().map(|o| o.1).collect();
            let km = KaplanMeier::fit(&time, &event, ConfType::LogLog, 0.05);
            let mut prev = 1.0;
            for r in km.rows() {
                proptest::prop_assert!(r.surv <= prev && (0.0..=1.0).contains(&r.surv));
                if let (Some(lo), Some(hi)) = (r.lower, r.upper) {
                    proptest::prop_assert!(lo <= r.surv + 1e-12 && r.surv <= hi + 1e-12);
                }
                prev = r.surv;
            }
        }

        #[test]
        fn without_censoring_km_is_one_minus_the_empirical_cdf(
            times in proptest::collection::vec(0u16..30, 1..50)
        ) {
            let time: Vec<f64> = times.iter().map(|&t| f64::from(t)).collect();
            let km = KaplanMeier::fit(&time, &vec![true; time.len()], ConfType::Plain, 0.05);
            for r in km.rows() {
                let ecdf = time.iter().filter(|&&t| t <= r.time).count() as f64 / time.len() as f64;
                proptest::prop_assert!((r.surv - (1.0 - ecdf)).abs() < 1e-12);
            }
        }
    }
}
