//! The Cox partial log-likelihood with its score vector and information matrix, Efron or Breslow
//! ties, within strata. One pass from the longest time down accumulates the risk-set sums.

use super::Ties;

/// The model matrix prepared for repeated evaluation: centred columns, rows sorted by stratum
/// and, within each, by decreasing time (row `k` is observation `obs[k]`).
#[derive(Debug, Clone)]
pub struct Prepared {
    /// Number of terms.
    pub p: usize,
    /// Centred covariates, row-major (n x p).
    pub x: Vec<f64>,
    /// Per stratum: its rows, by decreasing time.
    pub order: Vec<Vec<usize>>,
    /// The observation of each row (its index in the data).
    pub obs: Vec<usize>,
    /// Times.
    pub time: Vec<f64>,
    /// Event indicators.
    pub event: Vec<bool>,
    /// Case weights (all 1 for an ordinary fit).
    pub weight: Vec<f64>,
}

/// Log-likelihood, score and information at one coefficient vector.
#[derive(Debug, Clone)]
pub struct Derivs {
    /// Partial log-likelihood.
    pub loglik: f64,
    /// Score vector.
    pub score: Vec<f64>,
    /// Information matrix (p x p, row-major).
    pub info: Vec<f64>,
}

impl Prepared {
    /// The model restricted to the terms `keep` (indices into the columns, in order).
    pub fn select(&self, keep: &[usize]) -> Prepared {
        let n = self.time.len();
        let mut x = Vec::with_capacity(n * keep.len());
        for i in 0..n {
            x.extend(keep.iter().map(|&j| self.x[i * self.p + j]));
        }
        Prepared {
            p: keep.len(),
            x,
            order: self.order.clone(),
            obs: self.obs.clone(),
            time: self.time.clone(),
            event: self.event.clone(),
            weight: self.weight.clone(),
        }
    }

    /// Evaluates the likelihood and its derivatives at `beta`.
    pub fn derivs(&self, beta: &[f64], ties: Ties) -> Derivs {
        let p = self.p;
        let mut loglik = 0.0;
        let mut score = vec![0.0; p];
        let mut info = vec![0.0; p * p];
        let eta = |i: usize| -> f64 { (0..p).map(|j| self.x[i * p + j] * beta[j]).sum() };
        let mut s1 = vec![0.0; p];
        let mut s2 = vec![0.0; p * p];
        let mut t1 = vec![0.0; p];
        let mut t2 = vec![0.0; p * p];
        let mut a = vec![0.0; p];
        for order in &self.order {
            let mut s0 = 0.0;
            s1.iter_mut().for_each(|v| *v = 0.0);
            s2.iter_mut().for_each(|v| *v = 0.0);
            let mut k = 0;
            while k < order.len() {
                let t = self.time[order[k]];
                let (mut t0, mut d, mut eta_sum) = (0.0, 0usize, 0.0);
                t1.iter_mut().for_each(|v| *v = 0.0);
                t2.iter_mut().for_each(|v| *v = 0.0);
                let mut dw = 0.0;
                while k < order.len() && self.time[order[k]] == t {
                    let i = order[k];
                    let w = self.weight[i];
                    let e = eta(i);
                    let r = w * e.exp();
                    let xi = &self.x[i * p..(i + 1) * p];
                    s0 += r;
                    for j in 0..p {
                        s1[j] += r * xi[j];
                        for l in 0..=j {
                            s2[j * p + l] += r * xi[j] * xi[l];
                        }
                    }
                    if self.event[i] {
                        d += 1;
                        dw += w;
                        eta_sum += w * e;
                        t0 += r;
                        for j in 0..p {
                            t1[j] += r * xi[j];
                            score[j] += w * xi[j];
                            for l in 0..=j {
                                t2[j * p + l] += r * xi[j] * xi[l];
                            }
                        }
                    }
                    k += 1;
                }
                if d == 0 {
                    continue;
                }
                // Tied events share their mean weight (R's convention for weighted Efron).
                let meanw = dw / d as f64;
                loglik += eta_sum;
                for m in 0..d {
                    let f = match ties {
                        Ties::Efron => m as f64 / d as f64,
                        Ties::Breslow => 0.0,
                    };
                    let denom = s0 - f * t0;
                    loglik -= meanw * denom.ln();
                    for j in 0..p {
                        a[j] = (s1[j] - f * t1[j]) / denom;
                        score[j] -= meanw * a[j];
                    }
                    for j in 0..p {
                        for l in 0..=j {
                            info[j * p + l] +=
                                meanw * ((s2[j * p + l] - f * t2[j * p + l]) / denom - a[j] * a[l]);
                        }
                    }
                }
            }
        }
        for j in 0..p {
            for l in 0..j {
                info[l * p + j] = info[j * p + l];
            }
        }
        Derivs {
            loglik,
            score,
            info,
        }
    }
}
