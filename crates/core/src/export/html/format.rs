//! Numbers and values as the app shows them: medians to 1 decimal with "(lo – hi)", rates to 2,
//! hazard ratios to 2, p-values to 4 or "< 0.0001", proportions with their exact intervals, and
//! the forms' values with their code labels and units.

use serde_json::Value;

use super::texts::T;
use crate::i18n::Lang;
use crate::stats::binomial::Proportion;
use crate::study::{study, Field, FieldKind, Label};
use crate::survival::cox::{CoxError, CoxFit, Term};

/// An estimate with its interval, `digits` decimals: "5.5 (1.4 – 11.7)"; a missing value reads
/// `missing` (a median not reached).
pub(crate) fn ci(
    est: Option<f64>,
    lo: Option<f64>,
    hi: Option<f64>,
    missing: &str,
    digits: usize,
) -> String {
    let f = |v: Option<f64>| v.map_or_else(|| missing.to_owned(), |v| format!("{v:.digits$}"));
    format!("{} ({} – {})", f(est), f(lo), f(hi))
}

/// The colon between a name and its value: ": " in English, "：" in Chinese.
pub(crate) fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::En => ": ",
        Lang::ZhCn => "：",
    }
}

/// A p-value: 4 decimals, or "< 0.0001".
pub(crate) fn p_value(p: f64) -> String {
    if p < 1e-4 {
        "< 0.0001".to_owned()
    } else {
        format!("{p:.4}")
    }
}

/// A Cox term's name: a group's or a factor's.
pub(crate) fn term_label(name: &str, lang: Lang) -> String {
    match name.strip_prefix("group=") {
        Some(group) => crate::study::plan::group_label(group).get(lang).to_owned(),
        None => crate::analysis::factor_label(name).get(lang).to_owned(),
    }
}

/// A term's hazard ratio with its interval and p-value, or why it has none.
pub(crate) fn hr(t: &Term, lang: Lang) -> String {
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

/// Why a model has no answer.
fn cox_error(e: &CoxError, lang: Lang) -> String {
    let zh = lang == Lang::ZhCn;
    match e {
        CoxError::Collinear(t) => {
            let t = term_label(t, lang);
            if zh {
                format!("无法估计：{t} 与其他变量共线（或为常数）")
            } else {
                format!("no estimate: {t} is collinear with the other terms (or constant)")
            }
        }
        CoxError::MonotoneLikelihood(t) => {
            let t = term_label(t, lang);
            if zh {
                format!("无法估计：{t} 的系数趋于无穷（单调似然）")
            } else {
                format!(
                    "no estimate: the coefficient of {t} runs to infinity (monotone likelihood)"
                )
            }
        }
        CoxError::NoEvents if zh => "无法估计：没有事件".to_owned(),
        CoxError::NoTerms if zh => "无法估计：模型没有变量".to_owned(),
        CoxError::NotConverged(n) if zh => format!("无法估计：{n} 次迭代未收敛"),
        other => format!("no estimate: {other}"),
    }
}

/// The hazard ratio of the term `name` in `fit`, or why there is none.
pub(crate) fn hr_cell(fit: &Result<CoxFit, CoxError>, name: &str, lang: Lang) -> String {
    match fit {
        Ok(f) => f
            .terms
            .iter()
            .find(|t| t.name == name)
            .map_or_else(String::new, |t| hr(t, lang)),
        Err(e) => cox_error(e, lang),
    }
}

/// A rate: "x/n (e%)" (percent to 1 decimal) and its interval "[lo–hi]" (empty without an
/// estimate).
pub(crate) fn rate(p: &Proportion) -> (String, String) {
    let (pct, ci) = percent_ci(p);
    (format!("{}/{}{pct}", p.x, p.n), ci)
}

/// A count of patients: "x (e%)" and its interval "[lo–hi]" (empty without an estimate).
pub(crate) fn count(p: &Proportion) -> (String, String) {
    let (pct, ci) = percent_ci(p);
    (format!("{}{pct}", p.x), ci)
}

fn percent_ci(p: &Proportion) -> (String, String) {
    match (p.estimate, p.lower, p.upper) {
        (Some(e), Some(lo), Some(hi)) => (
            format!(" ({:.1}%)", e * 100.0),
            format!("[{:.1}–{:.1}]", lo * 100.0, hi * 100.0),
        ),
        _ => (String::new(), String::new()),
    }
}

/// A label in `lang`.
pub(crate) fn label(l: Label, lang: Lang) -> &'static str {
    match lang {
        Lang::En => l.en,
        Lang::ZhCn => l.zh,
    }
}

/// A number as typed: no trailing `.0`.
pub(crate) fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

/// The label of `code` in the code list `list`, or the code itself.
pub(crate) fn code_label(list: &str, code: &str, lang: Lang) -> String {
    study()
        .code_list(list)
        .and_then(|l| l.codes.iter().find(|c| c.code == code))
        .map_or_else(|| code.to_owned(), |c| label(c.label, lang).to_owned())
}

/// A CTCAE term: the project's Chinese name where there is one, else the term as recorded.
pub(crate) fn ae_term(term: &str, lang: Lang) -> String {
    match (lang, crate::ctcae::catalogue::find(term).and_then(|t| t.zh)) {
        (Lang::ZhCn, Some(zh)) => zh.to_owned(),
        _ => term.to_owned(),
    }
}

/// One row of an adverse event's agent table: "agent: relation, action".
pub(crate) fn agent_row(r: &Value, lang: Lang) -> String {
    let code = |k: &str| r.get(k).and_then(Value::as_str).filter(|c| !c.is_empty());
    let agent = code("agent").map(|c| code_label("systemic_agent", c, lang));
    let details = [("relation", "relation"), ("action", "ae_action")]
        .into_iter()
        .filter_map(|(k, list)| code(k).map(|c| code_label(list, c, lang)))
        .collect::<Vec<_>>()
        .join(if lang == Lang::ZhCn { "，" } else { ", " });
    match (agent, details.is_empty()) {
        (Some(a), false) => format!("{a}{}{details}", colon(lang)),
        (Some(a), true) => a,
        (None, _) => details,
    }
}

/// A field's value as a reader reads it: code labels, numbers with their unit, yes / no.
pub(crate) fn value(field: &Field, v: &Value, lang: Lang) -> String {
    match (field.kind, v) {
        (FieldKind::Decimal { unit, .. }, Value::Number(n)) => {
            let n = number(n.as_f64().unwrap_or(f64::NAN));
            if unit.is_empty() {
                n
            } else {
                format!("{n} {unit}")
            }
        }
        (FieldKind::Choice { list }, Value::String(code)) => code_label(list, code, lang),
        (FieldKind::YesNo, Value::String(s)) if s == "yes" || s == "no" => {
            if s == "yes" { T::Yes } else { T::No }.get(lang).to_owned()
        }
        (FieldKind::MultiChoice { list }, Value::Array(codes)) => codes
            .iter()
            .filter_map(Value::as_str)
            .map(|c| code_label(list, c, lang))
            .collect::<Vec<_>>()
            .join(", "),
        (FieldKind::AgentTable, Value::Array(rows)) => rows
            .iter()
            .map(|r| agent_row(r, lang))
            .collect::<Vec<_>>()
            .join("; "),
        (_, v) => plain(v, lang),
    }
}

/// Any other value as text: yes / no, numbers as typed, lists joined.
pub(crate) fn plain(v: &Value, lang: Lang) -> String {
    match v {
        Value::Null => "—".to_owned(),
        Value::Bool(b) => if *b { T::Yes } else { T::No }.get(lang).to_owned(),
        Value::Number(n) => number(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| plain(i, lang))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| format!("{k}: {}", plain(v, lang)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}
