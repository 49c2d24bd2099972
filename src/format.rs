//! How stored values read on screen: code-list labels in the UI language, numbers with their
//! units, yes/no, lesion tables and agent tables as labelled text (never raw JSON), times of the
//! audit trail in the device's local time.

pub use ecrf_core::analysis::format::{estimate_ci, term_name as model_term};
use ecrf_core::i18n::Lang;
use ecrf_core::response::model::FormLesions;
use ecrf_core::response::{Criteria, Timepoint};
pub use ecrf_core::study::display::{code_label, label, number};
use ecrf_core::study::{Field, FieldKind};
use serde_json::Value;

use crate::i18n::Msg;

/// A field's value as the user reads it.
pub fn value(field: &Field, v: &Value, lang: Lang) -> String {
    match (field.kind, v) {
        (FieldKind::Decimal { unit, .. }, Value::Number(n)) => {
            let n = number(n.as_f64().unwrap_or(f64::NAN));
            if unit.is_empty() {
                n
            } else {
                format!("{n} {unit}")
            }
        }
        (FieldKind::Integer { .. }, Value::Number(n)) => number(n.as_f64().unwrap_or(f64::NAN)),
        (FieldKind::Choice { list }, Value::String(code)) => code_label(list, code, lang),
        (FieldKind::MultiChoice { list }, Value::Array(codes)) => codes
            .iter()
            .filter_map(Value::as_str)
            .map(|c| code_label(list, c, lang))
            .collect::<Vec<_>>()
            .join(", "),
        (FieldKind::AgentTable, Value::Array(rows)) => rows
            .iter()
            .filter_map(ecrf_core::record::adverse_event::AgentRelation::read)
            .map(|r| r.describe(lang))
            .collect::<Vec<_>>()
            .join("; "),
        (FieldKind::Lesions, v) => lesions(v, &[], lang),
        (_, v) => plain(v, lang),
    }
}

/// A tumor assessment's lesion table in one line (the core's summary), with each criterion's
/// response on its date when `evaluated` gives them.
pub fn lesions(v: &Value, evaluated: &[(Criteria, &Timepoint)], lang: Lang) -> String {
    serde_json::from_value::<FormLesions>(v.clone())
        .map(|l| l.summary(evaluated).get(lang).to_owned())
        .unwrap_or_else(|_| plain(v, lang))
}

/// Any other value as text: lists joined, records as `key: value`, never JSON punctuation.
pub fn plain(v: &Value, lang: Lang) -> String {
    match v {
        Value::Null => "—".to_owned(),
        Value::Bool(b) => if *b { Msg::Yes } else { Msg::No }.text(lang).to_owned(),
        Value::Number(n) => number(n.as_f64().unwrap_or(f64::NAN)),
        Value::String(s) => s.clone(),
        Value::Array(items) => items
            .iter()
            .map(|i| plain(i, lang))
            .collect::<Vec<_>>()
            .join(", "),
        Value::Object(fields) => fields
            .iter()
            .map(|(k, v)| format!("{}: {}", k.replace('_', " "), plain(v, lang)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// A hybrid-logical-clock time (ms since the epoch) in the device's local time,
/// `YYYY-MM-DD HH:MM`.
pub fn time_ms(ms: u64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}
