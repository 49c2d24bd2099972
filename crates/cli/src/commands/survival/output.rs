//! The JSON document of `ecrf survival` (shape in `docs/cli.md`), as `Serialize` types written
//! straight to the output: the curves are fitted one at a time while they are written, so no
//! document tree is built.

use ecrf_core::survival::cox::{ChisqTest, CoxFit, Term};
use ecrf_core::survival::logrank::LogRank;
use ecrf_core::survival::quantile::Quantile;
use ecrf_core::survival::{ConfType, KaplanMeier, KmRow, SurvivalData};
use serde::ser::{SerializeSeq, Serializer};
use serde::Serialize;

/// A number, or `null` when not finite (JSON has no NaN).
#[derive(Debug, Clone, Copy)]
pub struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0.is_finite() {
            s.serialize_f64(self.0)
        } else {
            s.serialize_none()
        }
    }
}

fn opt(x: Option<f64>) -> Option<Num> {
    x.map(Num)
}

/// The whole document.
#[derive(Serialize)]
pub struct Document<'a> {
    pub n: usize,
    pub n_events: usize,
    pub conf_type: &'static str,
    pub curves: Curves<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logrank: Option<TestOut>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cox: Option<CoxOut>,
}

/// What the curves need: the data and the options; each curve is fitted as it is written.
pub struct Curves<'a> {
    pub data: &'a SurvivalData,
    pub by_group: bool,
    pub conf_type: ConfType,
    pub alpha: f64,
    pub at: &'a [f64],
    pub tau: Option<f64>,
}

impl Serialize for Curves<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(None)?;
        let d = self.data;
        let km = KaplanMeier::fit(d.time(), d.event(), self.conf_type, self.alpha);
        seq.serialize_element(&self.curve(&km, None, d))?;
        drop(km);
        if self.by_group {
            for (level, name) in d.group_levels().iter().enumerate() {
                let sub = d.subset_group(level);
                let km = KaplanMeier::fit(sub.time(), sub.event(), self.conf_type, self.alpha);
                seq.serialize_element(&self.curve(&km, Some(name), &sub))?;
            }
        }
        seq.end()
    }
}

impl<'a> Curves<'a> {
    fn curve<'k>(
        &self,
        km: &'k KaplanMeier,
        group: Option<&'k str>,
        data: &SurvivalData,
    ) -> Curve<'k> {
        Curve {
            group,
            n: data.len(),
            n_events: data.n_events(),
            table: Table(km.rows()),
            median: QuantileOut::from(km.median()),
            at: self
                .at
                .iter()
                .map(|&t| {
                    let s = km.at(t);
                    AtOut {
                        time: Num(t),
                        surv: opt(s.surv),
                        std_err: opt(s.std_err),
                        lower: opt(s.lower),
                        upper: opt(s.upper),
                    }
                })
                .collect(),
            rmst: self.tau.map(|tau| {
                let r = km.rmst(tau);
                RmstOut {
                    tau: Num(tau),
                    estimate: Num(r.estimate),
                    std_err: Num(r.std_err),
                }
            }),
        }
    }
}

#[derive(Serialize)]
struct Curve<'k> {
    group: Option<&'k str>,
    n: usize,
    n_events: usize,
    table: Table<'k>,
    median: QuantileOut,
    at: Vec<AtOut>,
    rmst: Option<RmstOut>,
}

/// The rows of a curve, written one by one.
struct Table<'k>(&'k [KmRow]);

impl Serialize for Table<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|r| RowOut {
            time: Num(r.time),
            n_risk: Num(r.n_risk),
            n_event: Num(r.n_event),
            n_censor: Num(r.n_censor),
            surv: Num(r.surv),
            std_err: opt(r.std_err),
            lower: opt(r.lower),
            upper: opt(r.upper),
            cumhaz: Num(r.cumhaz),
        }))
    }
}

#[derive(Serialize)]
struct RowOut {
    time: Num,
    n_risk: Num,
    n_event: Num,
    n_censor: Num,
    surv: Num,
    std_err: Option<Num>,
    lower: Option<Num>,
    upper: Option<Num>,
    cumhaz: Num,
}

#[derive(Serialize)]
struct QuantileOut {
    estimate: Option<Num>,
    lower: Option<Num>,
    upper: Option<Num>,
}

impl From<Quantile> for QuantileOut {
    fn from(q: Quantile) -> QuantileOut {
        QuantileOut {
            estimate: opt(q.estimate),
            lower: opt(q.lower),
            upper: opt(q.upper),
        }
    }
}

#[derive(Serialize)]
struct AtOut {
    time: Num,
    surv: Option<Num>,
    std_err: Option<Num>,
    lower: Option<Num>,
    upper: Option<Num>,
}

#[derive(Serialize)]
struct RmstOut {
    tau: Num,
    estimate: Num,
    std_err: Num,
}

/// A chi-square test: the log-rank test, or one of the Cox model's.
#[derive(Serialize)]
pub struct TestOut {
    chisq: Num,
    df: Num,
    p_value: Num,
}

impl From<&LogRank> for TestOut {
    fn from(t: &LogRank) -> TestOut {
        TestOut {
            chisq: Num(t.chisq),
            df: Num(t.df),
            p_value: Num(t.p_value),
        }
    }
}

impl From<ChisqTest> for TestOut {
    fn from(t: ChisqTest) -> TestOut {
        TestOut {
            chisq: Num(t.chisq),
            df: Num(t.df),
            p_value: Num(t.p_value),
        }
    }
}

/// The Cox model, or why it has no answer.
#[derive(Serialize)]
#[serde(untagged)]
pub enum CoxOut {
    Fit(Box<CoxFitOut>),
    Error { ties: &'static str, error: String },
}

#[derive(Serialize)]
pub struct CoxFitOut {
    ties: &'static str,
    n: usize,
    n_events: usize,
    terms: Vec<TermOut>,
    loglik: Num,
    loglik_null: Num,
    lrt: TestOut,
    wald: TestOut,
    score: TestOut,
    concordance: Num,
    iterations: usize,
}

impl From<&CoxFit> for CoxFitOut {
    fn from(f: &CoxFit) -> CoxFitOut {
        CoxFitOut {
            ties: f.ties.name(),
            n: f.n,
            n_events: f.n_events,
            terms: f.terms.iter().map(TermOut::from).collect(),
            loglik: Num(f.loglik),
            loglik_null: Num(f.loglik_null),
            lrt: f.lrt.into(),
            wald: f.wald.into(),
            score: f.score.into(),
            concordance: Num(f.concordance),
            iterations: f.iterations,
        }
    }
}

/// One term; a term without an estimate has `estimable: false`, the reason, and `null` numbers.
#[derive(Serialize)]
struct TermOut {
    name: String,
    estimable: bool,
    reason: Option<&'static str>,
    coef: Num,
    std_err: Num,
    hr: Num,
    hr_lower: Num,
    hr_upper: Num,
    z: Num,
    p_value: Num,
}

impl From<&Term> for TermOut {
    fn from(t: &Term) -> TermOut {
        TermOut {
            name: t.name.clone(),
            estimable: t.not_estimable.is_none(),
            reason: t.not_estimable.map(|r| r.reason()),
            coef: Num(t.coef),
            std_err: Num(t.std_err),
            hr: Num(t.hr),
            hr_lower: Num(t.hr_lower),
            hr_upper: Num(t.hr_upper),
            z: Num(t.z),
            p_value: Num(t.p_value),
        }
    }
}
