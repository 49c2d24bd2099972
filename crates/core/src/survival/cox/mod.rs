//! Cox proportional hazards: Efron (default) or Breslow ties, strata, Newton-Raphson with step
//! halving (R's `coxph.fit` rules: start at 0, stop when the relative change of the
//! log-likelihood is <= 1e-9), Wald, score and likelihood-ratio tests, and concordance.

mod concordance;
mod estimable;
mod likelihood;
mod residuals;

use serde::{Deserialize, Serialize};

pub use concordance::concordance;
pub use estimable::NotEstimable;
use likelihood::Prepared;

use super::data::SurvivalData;
use super::dist::{chisq_sf, normal_quantile, normal_two_sided_p};
use super::linalg::{cholesky, inverse, quad_form, solve};

/// How tied event times are handled (R's `ties`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Ties {
    /// Efron's approximation (R's default).
    #[default]
    Efron,
    /// Breslow's approximation.
    Breslow,
}

impl Ties {
    /// R's name.
    pub fn name(self) -> &'static str {
        match self {
            Ties::Efron => "efron",
            Ties::Breslow => "breslow",
        }
    }
}

/// Why a Cox model has no answer.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CoxError {
    /// The model has no terms.
    #[error("the model has no terms")]
    NoTerms,
    /// There are no events.
    #[error("there are no events")]
    NoEvents,
    /// A term is a linear combination of others (or constant).
    #[error("term {0:?} is collinear with the others (or constant)")]
    Collinear(String),
    /// The likelihood keeps rising as a coefficient grows without bound.
    #[error("monotone likelihood: the coefficient of {0:?} may be infinite")]
    MonotoneLikelihood(String),
    /// Newton-Raphson did not converge.
    #[error("did not converge in {0} iterations")]
    NotConverged(usize),
}

/// Fitting options (named as R's).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CoxOptions {
    /// Tie handling.
    pub ties: Ties,
    /// 1 - confidence level of the hazard-ratio intervals.
    pub alpha: f64,
    /// Relative change of the log-likelihood that counts as converged.
    pub eps: f64,
    /// Newton-Raphson iterations at most.
    pub iter_max: usize,
}

impl Default for CoxOptions {
    fn default() -> CoxOptions {
        CoxOptions {
            ties: Ties::Efron,
            alpha: 0.05,
            eps: 1e-9,
            iter_max: 30,
        }
    }
}

/// One coefficient. A term the data cannot estimate (R's `NA` coefficient) has
/// `not_estimable` set and NaN for every number.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Term {
    /// `group=LEVEL` or the covariate's name.
    pub name: String,
    /// Why the term has no estimate; `None` when it has one.
    pub not_estimable: Option<NotEstimable>,
    /// Log hazard ratio.
    pub coef: f64,
    /// Its standard error (inverse information).
    pub std_err: f64,
    /// Hazard ratio.
    pub hr: f64,
    /// Lower confidence limit of the hazard ratio.
    pub hr_lower: f64,
    /// Upper confidence limit of the hazard ratio.
    pub hr_upper: f64,
    /// Wald z.
    pub z: f64,
    /// Two-sided p-value of z.
    pub p_value: f64,
}

/// A chi-square test.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ChisqTest {
    /// The statistic.
    pub chisq: f64,
    /// Degrees of freedom.
    pub df: f64,
    /// Upper-tail p-value.
    pub p_value: f64,
}

impl ChisqTest {
    fn new(chisq: f64, df: usize) -> ChisqTest {
        ChisqTest {
            chisq,
            df: df as f64,
            p_value: chisq_sf(chisq, df as f64),
        }
    }
}

/// A fitted model.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CoxFit {
    /// Tie handling used.
    pub ties: Ties,
    /// Observations used.
    pub n: usize,
    /// Events.
    pub n_events: usize,
    /// The coefficients.
    pub terms: Vec<Term>,
    /// Log partial likelihood at the estimate.
    pub loglik: f64,
    /// Log partial likelihood at zero.
    pub loglik_null: f64,
    /// Likelihood-ratio test.
    pub lrt: ChisqTest,
    /// Wald test of all coefficients.
    pub wald: ChisqTest,
    /// Score (log-rank) test at zero.
    pub score: ChisqTest,
    /// Concordance of the linear predictor.
    pub concordance: f64,
    /// Newton-Raphson iterations used.
    pub iterations: usize,
    /// Variance matrix of the coefficients (p x p over all terms, row-major; NaN in the rows and
    /// columns of terms that are not estimable).
    #[serde(skip)]
    pub var: Vec<f64>,
}

/// The design: group indicator columns (`group=LEVEL`, not for the reference level) when
/// `use_group`, then the covariates.
pub fn design(data: &SurvivalData, use_group: bool) -> (Vec<String>, Vec<Vec<f64>>) {
    let mut names = Vec::new();
    let mut cols = Vec::new();
    if use_group {
        for (level_idx, level) in data.group_levels().iter().enumerate().skip(1) {
            names.push(format!("group={level}"));
            cols.push(
                data.group()
                    .iter()
                    .map(|&g| if g == level_idx { 1.0 } else { 0.0 })
                    .collect(),
            );
        }
    }
    for (name, values) in data.covariates() {
        names.push(name.clone());
        cols.push(values.clone());
    }
    (names, cols)
}

/// The model's rows laid out in the order the likelihood walks them (by stratum, then by
/// decreasing time), so every pass reads memory sequentially.
fn prepare(data: &SurvivalData, cols: &[Vec<f64>]) -> Prepared {
    let (n, p) = (data.len(), cols.len());
    let means: Vec<f64> = cols
        .iter()
        .map(|col| col.iter().sum::<f64>() / n as f64)
        .collect();
    let mut obs = Vec::with_capacity(n);
    let mut order = Vec::with_capacity(data.n_strata());
    for idx in data.by_stratum() {
        let start = obs.len();
        obs.extend(idx.iter().rev());
        order.push((start..obs.len()).collect());
    }
    let mut x = Vec::with_capacity(n * p);
    for &i in &obs {
        x.extend(cols.iter().zip(&means).map(|(col, mean)| col[i] - mean));
    }
    Prepared {
        p,
        x,
        order,
        time: obs.iter().map(|&i| data.time()[i]).collect(),
        event: obs.iter().map(|&i| data.event()[i]).collect(),
        weight: vec![1.0; n],
        obs,
    }
}

/// A weighted fit (inverse probability weights): the model, and the robust (sandwich, Lin-Wei)
/// standard error of each coefficient.
#[derive(Debug, Clone, PartialEq)]
pub struct WeightedFit {
    /// The fit; its terms' standard errors, intervals and tests are the robust ones.
    pub fit: CoxFit,
    /// The model-based standard errors (inverse of the weighted information), for reference.
    pub naive_std_err: Vec<f64>,
}

/// Fits the model with case `weights` (e.g. stabilized IPTW weights) and robust standard errors:
/// `V (sum_i w_i^2 U_i U_i') V`, with `U_i` the score residuals (exact without tied event times;
/// with ties the residuals take the Breslow form while the estimates use `opts.ties`).
pub fn fit_weighted(
    data: &SurvivalData,
    names: &[String],
    cols: &[Vec<f64>],
    weights: &[f64],
    opts: CoxOptions,
) -> Result<WeightedFit, CoxError> {
    let mut model = prepare(data, cols);
    model.weight = model.obs.iter().map(|&i| weights[i]).collect();
    let mut fit = fit_prepared(data, names, cols, &model, opts)?;
    // The sandwich over the estimable terms; the others keep NaN.
    let keep: Vec<usize> = (0..cols.len())
        .filter(|&j| fit.terms[j].not_estimable.is_none())
        .collect();
    let p = keep.len();
    let beta: Vec<f64> = keep.iter().map(|&j| fit.terms[j].coef).collect();
    let resid = model.select(&keep).score_residuals(&beta);
    let mut meat = vec![0.0; p * p];
    for (i, u) in resid.iter().enumerate() {
        let w2 = weights[i] * weights[i];
        for j in 0..p {
            for l in 0..p {
                meat[j * p + l] += w2 * u[j] * u[l];
            }
        }
    }
    let v: Vec<f64> = keep
        .iter()
        .flat_map(|&j| keep.iter().map(move |&l| (j, l)))
        .map(|(j, l)| fit.var[j * cols.len() + l])
        .collect();
    let mut vm = vec![0.0; p * p];
    for j in 0..p {
        for l in 0..p {
            vm[j * p + l] = (0..p).map(|k| v[j * p + k] * meat[k * p + l]).sum();
        }
    }
    let mut robust = vec![0.0; p * p];
    for j in 0..p {
        for l in 0..p {
            robust[j * p + l] = (0..p).map(|k| vm[j * p + k] * v[k * p + l]).sum();
        }
    }
    let naive_std_err = (0..cols.len())
        .map(|j| fit.var[j * cols.len() + j].sqrt())
        .collect();
    let z_crit = normal_quantile(1.0 - opts.alpha / 2.0);
    for (a, &j) in keep.iter().enumerate() {
        let t = &mut fit.terms[j];
        let se = robust[a * p + a].sqrt();
        t.std_err = se;
        t.z = t.coef / se;
        t.p_value = normal_two_sided_p(t.z);
        t.hr_lower = (t.coef - z_crit * se).exp();
        t.hr_upper = (t.coef + z_crit * se).exp();
    }
    fit.var = expand(&robust, &keep, cols.len());
    Ok(WeightedFit { fit, naive_std_err })
}

/// Fits the model with the given columns (named `names`) on `data` (its strata are used).
pub fn fit(
    data: &SurvivalData,
    names: &[String],
    cols: &[Vec<f64>],
    opts: CoxOptions,
) -> Result<CoxFit, CoxError> {
    fit_prepared(data, names, cols, &prepare(data, cols), opts)
}

fn fit_prepared(
    data: &SurvivalData,
    names: &[String],
    cols: &[Vec<f64>],
    model: &Prepared,
    opts: CoxOptions,
) -> Result<CoxFit, CoxError> {
    let p_all = cols.len();
    if p_all == 0 {
        return Err(CoxError::NoTerms);
    }
    if data.n_events() == 0 {
        return Err(CoxError::NoEvents);
    }
    // Terms without information are left out of the fit and reported (R's NA coefficients).
    let start = model.derivs(&vec![0.0; p_all], opts.ties);
    let keep: Vec<usize> = estimable::informative(&start.info, cols, data.n_events() as f64)
        .iter()
        .enumerate()
        .filter_map(|(j, &ok)| ok.then_some(j))
        .collect();
    if keep.is_empty() {
        return Err(CoxError::Collinear(names[0].clone()));
    }
    let reduced;
    let model = if keep.len() == p_all {
        model
    } else {
        reduced = model.select(&keep);
        &reduced
    };
    let p = keep.len();
    let collinear = |j: usize| CoxError::Collinear(names[keep[j]].clone());
    let mut beta = vec![0.0; p];
    let mut cur = model.derivs(&beta, opts.ties);
    let loglik_null = cur.loglik;
    let l0 = cholesky(&cur.info, p).map_err(collinear)?;
    let score_test = ChisqTest::new(quad_form(&inverse(&l0, p), p, &cur.score), p);
    let mut chol = l0;
    let mut iterations = 0;
    let mut converged = false;
    let mut step = solve(&chol, p, &cur.score);
    while iterations < opts.iter_max {
        iterations += 1;
        let mut trial: Vec<f64> = beta.iter().zip(&step).map(|(b, s)| b + s).collect();
        let mut next = model.derivs(&trial, opts.ties);
        // Step halving while the likelihood got worse (or overflowed).
        let mut halvings = 0;
        while (!next.loglik.is_finite() || next.loglik < cur.loglik) && halvings < 30 {
            trial = beta
                .iter()
                .zip(&trial)
                .map(|(b, t)| (b + t) / 2.0)
                .collect();
            next = model.derivs(&trial, opts.ties);
            halvings += 1;
        }
        let done = (1.0 - cur.loglik / next.loglik).abs() <= opts.eps;
        beta = trial;
        cur = next;
        // Information that vanishes while iterating (it did not at zero) means coefficients
        // running off to infinity, not collinear terms.
        chol = cholesky(&cur.info, p)
            .map_err(|j| CoxError::MonotoneLikelihood(names[keep[j]].clone()))?;
        step = solve(&chol, p, &cur.score);
        if done {
            converged = true;
            break;
        }
    }
    if !converged {
        return Err(CoxError::NotConverged(iterations));
    }
    // R's check for infinite coefficients: the next Newton step is still large.
    for j in 0..p {
        if step[j].abs() > opts.eps
            && step[j].abs() > opts.eps.sqrt() * beta[j].abs().max(1.0) * 1e3
        {
            return Err(CoxError::MonotoneLikelihood(names[keep[j]].clone()));
        }
    }
    let var = inverse(&chol, p);
    let z_crit = normal_quantile(1.0 - opts.alpha / 2.0);
    let mut terms: Vec<Term> = names
        .iter()
        .map(|name| Term {
            name: name.clone(),
            not_estimable: Some(NotEstimable::NoInformation),
            coef: f64::NAN,
            std_err: f64::NAN,
            hr: f64::NAN,
            hr_lower: f64::NAN,
            hr_upper: f64::NAN,
            z: f64::NAN,
            p_value: f64::NAN,
        })
        .collect();
    for (a, &j) in keep.iter().enumerate() {
        let (coef, se) = (beta[a], var[a * p + a].sqrt());
        let z = coef / se;
        terms[j] = Term {
            name: names[j].clone(),
            not_estimable: None,
            coef,
            std_err: se,
            hr: coef.exp(),
            hr_lower: (coef - z_crit * se).exp(),
            hr_upper: (coef + z_crit * se).exp(),
            z,
            p_value: normal_two_sided_p(z),
        };
    }
    let wald = ChisqTest::new(quad_form(&cur.info, p, &beta), p);
    let lrt = ChisqTest::new(2.0 * (cur.loglik - loglik_null), p);
    let lp: Vec<f64> = (0..data.len())
        .map(|i| keep.iter().zip(&beta).map(|(&j, b)| cols[j][i] * b).sum())
        .collect();
    Ok(CoxFit {
        ties: opts.ties,
        n: data.len(),
        n_events: data.n_events(),
        terms,
        loglik: cur.loglik,
        loglik_null,
        lrt,
        wald,
        score: score_test,
        concordance: concordance(data.time(), data.event(), data.strata(), &lp),
        iterations,
        var: expand(&var, &keep, p_all),
    })
}

/// The `keep.len()`-square matrix `m` placed at the rows and columns `keep` of a `p`-square one,
/// NaN elsewhere.
fn expand(m: &[f64], keep: &[usize], p: usize) -> Vec<f64> {
    let mut out = vec![f64::NAN; p * p];
    let k = keep.len();
    for (a, &j) in keep.iter().enumerate() {
        for (b, &l) in keep.iter().enumerate() {
            out[j * p + l] = m[a * k + b];
        }
    }
    out
}

#[cfg(test)]
mod tests;
