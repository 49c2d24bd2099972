//! `ecrf survival`: Kaplan-Meier per group, log-rank and Cox over a CSV file (contract in
//! `docs/cli.md`).

use std::path::PathBuf;

use clap::Args;
use ecrf_core::survival::cox::{self, CoxOptions, Ties};
use ecrf_core::survival::logrank::logrank;
use ecrf_core::survival::{ConfType, KaplanMeier, SurvivalData};
use serde_json::{json, Value};

use crate::input::{bad_input, print_json, read_text, BadInput};

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
}

/// A number, or `null` when not finite (JSON has no NaN).
fn num(x: f64) -> Value {
    if x.is_finite() {
        json!(x)
    } else {
        Value::Null
    }
}

fn opt(x: Option<f64>) -> Value {
    x.map_or(Value::Null, num)
}

/// The columns the command reads, from the CSV.
struct Columns {
    time: Vec<f64>,
    event: Vec<bool>,
    group: Option<Vec<String>>,
    strata: Option<Vec<String>>,
    covariates: Vec<(String, Vec<f64>)>,
}

fn read_columns(a: &SurvivalArgs) -> anyhow::Result<Columns> {
    let text = read_text(&a.csv)?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let headers = match reader.headers() {
        Ok(h) => h.clone(),
        Err(err) => bad_input!("{}: cannot read the header row: {err}", a.csv.display()),
    };
    let find = |name: &str| -> anyhow::Result<usize> {
        match headers.iter().position(|h| h == name) {
            Some(i) => Ok(i),
            None => bad_input!("{}: no column named {name:?}", a.csv.display()),
        }
    };
    let time_col = find(&a.time)?;
    let event_col = find(&a.event)?;
    let group_col = a.group.as_deref().map(find).transpose()?;
    let strata_col = a.strata.as_deref().map(find).transpose()?;
    let cov_cols = a
        .covariates
        .iter()
        .map(|c| find(c))
        .collect::<anyhow::Result<Vec<usize>>>()?;
    let mut cols = Columns {
        time: Vec::new(),
        event: Vec::new(),
        group: group_col.map(|_| Vec::new()),
        strata: strata_col.map(|_| Vec::new()),
        covariates: a
            .covariates
            .iter()
            .map(|c| (c.clone(), Vec::new()))
            .collect(),
    };
    for (row_idx, record) in reader.records().enumerate() {
        let row = row_idx + 1;
        let record = match record {
            Ok(r) => r,
            Err(err) => bad_input!("row {row}: {err}"),
        };
        let field = |col: usize| record.get(col).unwrap_or("");
        let number = |col: usize, name: &str| -> anyhow::Result<f64> {
            match field(col).parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => bad_input!(
                    "row {row}, column {name:?}: {:?} is not a number",
                    field(col)
                ),
            }
        };
        let t = number(time_col, &a.time)?;
        if t < 0.0 {
            bad_input!("row {row}, column {:?}: time {t} is negative", a.time);
        }
        let e = match field(event_col).parse::<f64>() {
            Ok(0.0) => false,
            Ok(1.0) => true,
            _ => bad_input!(
                "row {row}, column {:?}: event must be 0 or 1, not {:?}",
                a.event,
                field(event_col)
            ),
        };
        cols.time.push(t);
        cols.event.push(e);
        for (col, out, name) in [
            (group_col, &mut cols.group, &a.group),
            (strata_col, &mut cols.strata, &a.strata),
        ] {
            if let (Some(col), Some(out)) = (col, out.as_mut()) {
                let label = field(col);
                if label.is_empty() {
                    bad_input!(
                        "row {row}, column {:?}: empty value",
                        name.as_deref().unwrap_or("")
                    );
                }
                out.push(label.to_owned());
            }
        }
        for (j, &col) in cov_cols.iter().enumerate() {
            let v = number(col, &a.covariates[j])?;
            cols.covariates[j].1.push(v);
        }
    }
    if cols.time.is_empty() {
        bad_input!("{}: no data rows", a.csv.display());
    }
    Ok(cols)
}

fn curve(km: &KaplanMeier, group: Value, a: &SurvivalArgs, n: usize, n_events: usize) -> Value {
    let table: Vec<Value> = km
        .rows()
        .iter()
        .map(|r| {
            json!({
                "time": r.time, "n_risk": r.n_risk, "n_event": r.n_event, "n_censor": r.n_censor,
                "surv": num(r.surv), "std_err": opt(r.std_err), "lower": opt(r.lower),
                "upper": opt(r.upper), "cumhaz": num(r.cumhaz),
            })
        })
        .collect();
    let median = km.median();
    let at: Vec<Value> =
        a.at.iter()
            .map(|&t| {
                let s = km.at(t);
                json!({"time": t, "surv": opt(s.surv), "std_err": opt(s.std_err),
                   "lower": opt(s.lower), "upper": opt(s.upper)})
            })
            .collect();
    let rmst = a.tau.map_or(Value::Null, |tau| {
        let r = km.rmst(tau);
        json!({"tau": tau, "estimate": num(r.estimate), "std_err": num(r.std_err)})
    });
    json!({
        "group": group, "n": n, "n_events": n_events, "table": table,
        "median": {"estimate": opt(median.estimate), "lower": opt(median.lower), "upper": opt(median.upper)},
        "at": at, "rmst": rmst,
    })
}

/// Runs the analysis and prints one JSON document.
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
    let mut curves = vec![curve(
        &KaplanMeier::fit(data.time(), data.event(), conf_type, a.alpha),
        Value::Null,
        a,
        data.len(),
        data.n_events(),
    )];
    if a.group.is_some() {
        for (level, name) in data.group_levels().iter().enumerate() {
            let sub = data.subset_group(level);
            let km = KaplanMeier::fit(sub.time(), sub.event(), conf_type, a.alpha);
            curves.push(curve(&km, json!(name), a, sub.len(), sub.n_events()));
        }
    }
    let mut out = json!({
        "n": data.len(), "n_events": data.n_events(), "conf_type": conf_type.name(), "curves": curves,
    });
    if a.group.is_some() {
        let lr = logrank(&data, 0.0);
        out["logrank"] = json!({"chisq": num(lr.chisq), "df": lr.df, "p_value": num(lr.p_value)});
    }
    if a.group.is_some() || !a.covariates.is_empty() {
        let (names, design) = cox::design(&data, a.group.is_some());
        let opts = CoxOptions {
            ties,
            alpha: a.alpha,
            ..CoxOptions::default()
        };
        out["cox"] = match cox::fit(&data, &names, &design, opts) {
            Ok(f) => {
                let test = |t: cox::ChisqTest| json!({"chisq": num(t.chisq), "df": t.df, "p_value": num(t.p_value)});
                let terms: Vec<Value> = f
                    .terms
                    .iter()
                    .map(|t| {
                        json!({"name": t.name, "coef": num(t.coef), "std_err": num(t.std_err), "hr": num(t.hr),
                               "hr_lower": num(t.hr_lower), "hr_upper": num(t.hr_upper), "z": num(t.z),
                               "p_value": num(t.p_value)})
                    })
                    .collect();
                json!({"ties": f.ties.name(), "n": f.n, "n_events": f.n_events, "terms": terms,
                       "loglik": num(f.loglik), "loglik_null": num(f.loglik_null), "lrt": test(f.lrt),
                       "wald": test(f.wald), "score": test(f.score), "concordance": num(f.concordance),
                       "iterations": f.iterations})
            }
            Err(err) => json!({"ties": ties.name(), "error": err.to_string()}),
        };
    }
    print_json(&out)
}
