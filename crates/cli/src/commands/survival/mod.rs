//! `ecrf survival`: Kaplan-Meier per group, log-rank and Cox over a CSV file (contract in
//! `docs/cli.md`).

mod columns;
mod output;

use std::path::PathBuf;

use clap::Args;
use ecrf_core::survival::cox::{self, CoxOptions, Ties};
use ecrf_core::survival::logrank::logrank;
use ecrf_core::survival::{ConfType, SurvivalData};

use crate::input::{bad_input, write_json, BadInput};
use columns::read_columns;
use output::{CoxFitOut, CoxOut, Curves, Document, TestOut};

/// The options of `ecrf survival`.
#[derive(Debug, Args)]
pub struct SurvivalArgs {
    /// The CSV file (header row, comma-separated).
    #[arg(long)]
    csv: PathBuf,
    /// Column of follow-up times (non-negative numbers).
    #[arg(long)]
    time: String,
    /// Column of event indicators: 1 event, 0 censored.
    #[arg(long)]
    event: String,
    /// Column of groups: a curve per group, the log-rank test, and group terms in the Cox model.
    #[arg(long)]
    group: Option<String>,
    /// The reference group (default: the first level in sorted order).
    #[arg(long, requires = "group")]
    reference: Option<String>,
    /// Column of strata for the log-rank test and the Cox model.
    #[arg(long)]
    strata: Option<String>,
    /// Numeric covariate columns for the Cox model, comma-separated.
    #[arg(long, value_delimiter = ',')]
    covariates: Vec<String>,
    /// Confidence interval transform: log-log, log or plain.
    #[arg(long, default_value = "log-log")]
    conf_type: String,
    /// Tie handling in the Cox model: efron or breslow.
    #[arg(long, default_value = "efron")]
    ties: String,
    /// Restricted mean survival time up to this time.
    #[arg(long)]
    tau: Option<f64>,
    /// Times at which to report survival, comma-separated.
    #[arg(long, value_delimiter = ',')]
    at: Vec<f64>,
    /// 1 - confidence level.
    #[arg(long, default_value_t = 0.05)]
    alpha: f64,
    /// Indent the JSON output (default: compact, one line).
    #[arg(long)]
    pretty: bool,
}

/// Runs the analysis and writes one JSON document on standard output (compact, or indented
/// with `--pretty`); the curves are written as they are fitted.
pub fn run(a: &SurvivalArgs) -> anyhow::Result<()> {
    let Some(conf_type) = ConfType::parse(&a.conf_type) else {
        bad_input!(
            "--conf-type must be log-log, log or plain, not {:?}",
            a.conf_type
        );
    };
    let ties = match a.ties.as_str() {
        "efron" => Ties::Efron,
        "breslow" => Ties::Breslow,
        other => bad_input!("--ties must be efron or breslow, not {other:?}"),
    };
    if !(a.alpha > 0.0 && a.alpha < 1.0) {
        bad_input!("--alpha must lie strictly between 0 and 1, not {}", a.alpha);
    }
    if let Some(tau) = a.tau.filter(|t| !(t.is_finite() && *t > 0.0)) {
        bad_input!("--tau must be a positive number, not {tau}");
    }
    let cols = read_columns(a)?;
    let to_bad = |e: ecrf_core::survival::InputError| anyhow::Error::new(BadInput(e.to_string()));
    let mut data = SurvivalData::new(cols.time, cols.event).map_err(to_bad)?;
    if let Some(g) = &cols.group {
        data = data
            .with_groups(g, a.reference.as_deref())
            .map_err(to_bad)?;
    }
    if let Some(s) = &cols.strata {
        data = data.with_strata(s).map_err(to_bad)?;
    }
    for (name, values) in cols.covariates {
        data = data.with_covariate(&name, values).map_err(to_bad)?;
    }
    let logrank = a
        .group
        .is_some()
        .then(|| TestOut::from(&logrank(&data, 0.0)));
    let cox = (a.group.is_some() || !a.covariates.is_empty()).then(|| {
        let (names, design) = cox::design(&data, a.group.is_some());
        let opts = CoxOptions {
            ties,
            alpha: a.alpha,
            ..CoxOptions::default()
        };
        match cox::fit(&data, &names, &design, opts) {
            Ok(f) => CoxOut::Fit(Box::new(CoxFitOut::from(&f))),
            Err(err) => CoxOut::Error {
                ties: ties.name(),
                error: err.to_string(),
            },
        }
    });
    let doc = Document {
        n: data.len(),
        n_events: data.n_events(),
        conf_type: conf_type.name(),
        curves: Curves {
            data: &data,
            by_group: a.group.is_some(),
            conf_type,
            alpha: a.alpha,
            at: &a.at,
            tau: a.tau,
        },
        logrank,
        cox,
    };
    write_json(&doc, a.pretty)
}
