//! Inverse probability of treatment weighting, the building blocks: the propensity score by
//! logistic regression on baseline factors, stabilized weights (optionally truncated at
//! percentiles), standardized mean differences before and after weighting, and the weighted
//! Kaplan-Meier estimate. (The weighted Cox model with robust standard errors builds on these.)
//!
//! Checked against `statsmodels` and `lifelines` on the Rossi data
//! (`tests/data/survival/make_iptw_fixtures.py`).

use super::linalg::{cholesky, solve};

/// Why a propensity model has no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum IptwError {
    /// Fewer rows than terms, or a covariate column of the wrong length.
    #[error("the design is not valid: {0}")]
    Design(String),
    /// Everyone (or no one) is treated.
    #[error("both arms must have patients")]
    OneArm,
    /// The factors are collinear (the information matrix is singular).
    #[error("the baseline factors are collinear (term {0})")]
    Collinear(usize),
    /// The factors separate the arms perfectly: the estimates run off to infinity.
    #[error("the baseline factors separate the arms completely")]
    Separation,
}

impl IptwError {
    /// The message in both languages.
    pub fn message(&self) -> crate::i18n::Text {
        let zh = match self {
            IptwError::Design(d) => format!("设计矩阵无效：{d}"),
            IptwError::OneArm => "两组都须有患者".to_owned(),
            IptwError::Collinear(j) => format!("基线因素共线（第 {j} 项）"),
            IptwError::Separation => "基线因素将两组完全分开".to_owned(),
        };
        crate::i18n::Text::new(self.to_string(), zh)
    }
}

/// A fitted logistic regression of treatment on the factors.
#[derive(Debug, Clone, PartialEq)]
pub struct Propensity {
    /// Intercept, then one coefficient per factor.
    pub coef: Vec<f64>,
    /// The fitted probability of treatment of each patient.
    pub ps: Vec<f64>,
    /// Newton-Raphson iterations used.
    pub iterations: usize,
}

fn sigmoid(eta: f64) -> f64 {
    1.0 / (1.0 + (-eta).exp())
}

/// Fits `P(treated) = logistic(b0 + x b)` by Newton-Raphson (iteratively reweighted least
/// squares) to a relative change of the log-likelihood below 1e-12. `factors` are columns.
pub fn propensity(treated: &[bool], factors: &[Vec<f64>]) -> Result<Propensity, IptwError> {
    let n = treated.len();
    let p = factors.len() + 1;
    if factors.iter().any(|c| c.len() != n) {
        return Err(IptwError::Design("factor columns differ in length".into()));
    }
    if n <= p {
        return Err(IptwError::Design(format!("{n} patients for {p} terms")));
    }
    let n1 = treated.iter().filter(|t| **t).count();
    if n1 == 0 || n1 == n {
        return Err(IptwError::OneArm);
    }
    let x = |i: usize, j: usize| if j == 0 { 1.0 } else { factors[j - 1][i] };
    let loglik = |beta: &[f64]| -> f64 {
        (0..n)
            .map(|i| {
                let eta: f64 = (0..p).map(|j| x(i, j) * beta[j]).sum();
                // log(1 + e^eta) computed stably.
                let log1pexp = if eta > 0.0 {
                    eta + (-eta).exp().ln_1p()
                } else {
                    eta.exp().ln_1p()
                };
                if treated[i] {
                    eta - log1pexp
                } else {
                    -log1pexp
                }
            })
            .sum()
    };
    let mut beta = vec![0.0; p];
    let mut ll = loglik(&beta);
    for iteration in 1..=100 {
        let mut score = vec![0.0; p];
        let mut info = vec![0.0; p * p];
        for (i, &t) in treated.iter().enumerate() {
            let eta: f64 = (0..p).map(|j| x(i, j) * beta[j]).sum();
            let mu = sigmoid(eta);
            let resid = f64::from(u8::from(t)) - mu;
            let v = mu * (1.0 - mu);
            for j in 0..p {
                score[j] += x(i, j) * resid;
                for k in 0..=j {
                    info[j * p + k] += v * x(i, j) * x(i, k);
                }
            }
        }
        for j in 0..p {
            for k in 0..j {
                info[k * p + j] = info[j * p + k];
            }
        }
        let chol = cholesky(&info, p).map_err(IptwError::Collinear)?;
        let step = solve(&chol, p, &score);
        let mut next: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + s).collect();
        let mut next_ll = loglik(&next);
        let mut halvings = 0;
        while (!next_ll.is_finite() || next_ll < ll) && halvings < 30 {
            next = beta.iter().zip(&next).map(|(b, t)| (b + t) / 2.0).collect();
            next_ll = loglik(&next);
            halvings += 1;
        }
        let done = (next_ll - ll).abs() <= 1e-12 * ll.abs().max(1.0);
        beta = next;
        ll = next_ll;
        if beta.iter().any(|b| b.abs() > 30.0) {
            return Err(IptwError::Separation);
        }
        if done {
            let ps = (0..n)
                .map(|i| sigmoid((0..p).map(|j| x(i, j) * beta[j]).sum()))
                .collect();
            return Ok(Propensity {
                coef: beta,
                ps,
                iterations: iteration,
            });
        }
    }
    Err(IptwError::Separation)
}

/// Stabilized weights: `P(T=1) / ps` for the treated, `P(T=0) / (1 - ps)` for the others, with
/// `P(T=1)` the proportion treated.
pub fn stabilized_weights(treated: &[bool], ps: &[f64]) -> Vec<f64> {
    let p1 = treated.iter().filter(|t| **t).count() as f64 / treated.len().max(1) as f64;
    treated
        .iter()
        .zip(ps)
        .map(|(&t, &e)| if t { p1 / e } else { (1.0 - p1) / (1.0 - e) })
        .collect()
}

/// The `q`-th percentile (0-100) with linear interpolation between order statistics (numpy's
/// default).
pub fn percentile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() {
        return f64::NAN;
    }
    let pos = q / 100.0 * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

/// Truncates the weights at their `lower` and `upper` percentiles (e.g. 1 and 99).
pub fn trim(weights: &[f64], lower: f64, upper: f64) -> Vec<f64> {
    let (lo, hi) = (percentile(weights, lower), percentile(weights, upper));
    weights.iter().map(|w| w.clamp(lo, hi)).collect()
}

/// The standardized mean difference of `x` between the arms, `(m1 - m0) / sqrt((v1 + v0) / 2)`,
/// with means and variances weighted by `weights` (all 1 when `None`): variances are
/// `sum(w (x - m)^2) / sum(w)`.
pub fn smd(x: &[f64], treated: &[bool], weights: Option<&[f64]>) -> f64 {
    let w = |i: usize| weights.map_or(1.0, |w| w[i]);
    let moments = |arm: bool| {
        let idx: Vec<usize> = (0..x.len()).filter(|&i| treated[i] == arm).collect();
        let sw: f64 = idx.iter().map(|&i| w(i)).sum();
        let m = idx.iter().map(|&i| w(i) * x[i]).sum::<f64>() / sw;
        let v = idx.iter().map(|&i| w(i) * (x[i] - m).powi(2)).sum::<f64>() / sw;
        (m, v)
    };
    let ((m1, v1), (m0, v0)) = (moments(true), moments(false));
    (m1 - m0) / ((v1 + v0) / 2.0).sqrt()
}

/// The weighted Kaplan-Meier estimate at time 0 and at every distinct time:
/// `S(t) = prod (1 - d_w / n_w)` over event times up to `t`, with `d_w` the weight of the events
/// and `n_w` the weight at risk. Times equal up to floating-point noise are one time (R's
/// `aeqSurv`, [`merge_near_ties`](super::timefix::merge_near_ties)).
pub fn weighted_km(time: &[f64], event: &[bool], weights: &[f64]) -> Vec<(f64, f64)> {
    let time = &super::timefix::merge_near_ties(time)[..];
    let mut order: Vec<usize> = (0..time.len()).collect();
    order.sort_by(|&a, &b| time[a].total_cmp(&time[b]));
    let mut at_risk: f64 = weights.iter().sum();
    let mut surv = 1.0;
    let mut out = vec![(0.0, 1.0)];
    let mut k = 0;
    while k < order.len() {
        let t = time[order[k]];
        let (mut died, mut left) = (0.0, 0.0);
        while k < order.len() && time[order[k]] == t {
            let i = order[k];
            left += weights[i];
            if event[i] {
                died += weights[i];
            }
            k += 1;
        }
        if at_risk > 0.0 {
            surv *= 1.0 - died / at_risk;
        }
        if t > 0.0 {
            out.push((t, surv));
        } else {
            out[0].1 = surv;
        }
        at_risk -= left;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_interpolate_as_numpy() {
        let v = [1.0, 2.0, 3.0, 4.0, 10.0];
        assert_eq!(percentile(&v, 50.0), 3.0);
        assert!((percentile(&v, 99.0) - 9.76).abs() < 1e-12);
        assert_eq!(trim(&v, 0.0, 75.0), [1.0, 2.0, 3.0, 4.0, 4.0]);
    }

    #[test]
    fn unweighted_km_is_the_ordinary_product_limit() {
        let t = [1.0, 2.0, 2.0, 3.0, 4.0];
        let e = [true, true, false, true, false];
        let km = weighted_km(&t, &e, &[1.0; 5]);
        assert_eq!(km[1], (1.0, 0.8));
        assert!((km[2].1 - 0.6).abs() < 1e-12);
        assert!((km[3].1 - 0.3).abs() < 1e-12);
    }

    proptest::proptest! {
        #[test]
        fn equal_weights_give_the_ordinary_kaplan_meier(
            obs in proptest::collection::vec((0u16..40, proptest::bool::ANY), 1..50),
            c in 0.1f64..10.0,
        ) {
            let time: Vec<f64> = obs.iter().map(|o| f64::from(o.0) + 1.0).collect();
            let event: Vec<bool> = obs.iter().map(|o| o.1).collect();
            let weighted = weighted_km(&time, &event, &vec![c; time.len()]);
            let plain = crate::survival::KaplanMeier::fit(
                &time, &event, crate::survival::ConfType::Plain, 0.05);
            for r in plain.rows() {
                let w = weighted.iter().find(|(t, _)| *t == r.time).map(|(_, s)| *s);
                proptest::prop_assert!(w.is_some_and(|s| (s - r.surv).abs() < 1e-12));
            }
        }
    }

    #[test]
    fn one_arm_and_separation_are_refused() {
        assert_eq!(
            propensity(&[true, true, true], &[vec![1.0, 2.0, 3.0]]),
            Err(IptwError::OneArm)
        );
        let x = vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let t = [false, false, false, true, true, true];
        assert_eq!(propensity(&t, &[x]), Err(IptwError::Separation));
    }
}
