//! Numbers and values as the app shows them: medians to 1 decimal with "(lo – hi)", rates to 2,
//! hazard ratios to 2, p-values to 4 or "< 0.0001", proportions with their exact intervals, and
//! the forms' values with their code labels and units.

use serde_json::Value;

use super::texts::T;
pub(crate) use crate::analysis::format::{
    estimate_ci as ci, hr_cell, p_value, term_name as term_label,
};
use crate::i18n::Lang;
use crate::record::adverse_event::AgentRelation;
use crate::stats::binomial::Proportion;
pub(crate) use crate::study::display::{code_label, label, number};
use crate::study::{Field, FieldKind};

/// The colon between a name and its value: ": " in English, "：" in Chinese.
pub(crate) fn colon(lang: Lang) -> &'static str {
    match lang {
        Lang::En => ": ",
        Lang::ZhCn => "：",
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

/// A CTCAE term: the project's Chinese name where there is one, else the term as recorded.
pub(crate) fn ae_term(term: &str, lang: Lang) -> String {
    match (lang, crate::ctcae::catalogue::find(term).and_then(|t| t.zh)) {
        (Lang::ZhCn, Some(zh)) => zh.to_owned(),
        _ => term.to_owned(),
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
            .filter_map(AgentRelation::read)
            .map(|r| r.describe(lang))
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
