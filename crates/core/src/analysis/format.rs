//! The analyses' numbers as people read them, the same on the app's page and in the printed
//! report: an estimate with its interval, p-values, a hazard ratio or why a model has none.

use super::texts::{cox_error_text, term_label};
use crate::i18n::Lang;
use crate::survival::cox::{CoxError, CoxFit, Term};

/// An estimate with its interval, `digits` decimals: "5.5 (1.4 – 11.7)"; a missing value reads
/// `missing` (a median not reached).
pub fn estimate_ci(
    est: Option<f64>,
    lo: Option<f64>,
    hi: Option<f64>,
    missing: &str,
    digits: usize,
) -> String {
    let f = |v: Option<f64>| v.map_or_else(|| missing.to_owned(), |v| format!("{v:.digits$}"));
    format!("{} ({} – {})", f(est), f(lo), f(hi))
}

/// A p-value: 4 decimals, or "< 0.0001".
pub fn p_value(p: f64) -> String {
    if p < 1e-4 {
        "< 0.0001".to_owned()
    } else {
        format!("{p:.4}")
    }
}

/// A model term's name in `lang`: a group's or an adjustment factor's.
pub fn term_name(name: &str, lang: Lang) -> String {
    term_label(name).get(lang).to_owned()
}

/// A term's hazard ratio with its interval and p-value, `1.58 (0.86 – 2.91), 0.1386`, or why
/// it has none.
pub fn hr_text(t: &Term, lang: Lang) -> String {
    if let Some(why) = t.not_estimable {
        return why.message().get(lang).to_owned();
    }
    format!(
        "{:.2} ({:.2} – {:.2}), {}",
        t.hr,
        t.hr_lower,
        t.hr_upper,
        p_value(t.p_value)
    )
}

/// The hazard ratio of the term `name` in `fit` (empty when the model lacks it), or why the
/// model has no answer.
pub fn hr_cell(fit: &Result<CoxFit, CoxError>, name: &str, lang: Lang) -> String {
    match fit {
        Ok(f) => f
            .terms
            .iter()
            .find(|t| t.name == name)
            .map_or_else(String::new, |t| hr_text(t, lang)),
        Err(e) => cox_error_text(e).get(lang).to_owned(),
    }
}
