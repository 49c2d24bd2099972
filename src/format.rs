//! How stored values read on screen: code-list labels in the UI language, numbers with their
//! units, yes/no, times of the audit trail in the device's local time.

use ecrf_core::i18n::Lang;
use ecrf_core::study::{study, Field, FieldKind, Label};
use serde_json::Value;

use crate::i18n::Msg;

/// A label in `lang`.
pub fn label(l: Label, lang: Lang) -> &'static str {
    match lang {
        Lang::En => l.en,
        Lang::ZhCn => l.zh,
    }
}

/// A number as typed: no trailing `.0`.
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

/// The label of `code` in code list `list`, or the code itself.
pub fn code_label(list: &str, code: &str, lang: Lang) -> String {
    study()
        .code_list(list)
        .and_then(|l| l.codes.iter().find(|c| c.code == code))
        .map(|c| label(c.label, lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

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
            .map(|r| {
                let code = |k: &str| r.get(k).and_then(Value::as_str).unwrap_or("");
                format!(
                    "{}: {}, {}",
                    code_label("systemic_agent", code("agent"), lang),
                    code_label("relation", code("relation"), lang),
                    code_label("ae_action", code("action"), lang)
                )
            })
            .collect::<Vec<_>>()
            .join("; "),
        (_, Value::Bool(b)) => if *b { Msg::Yes } else { Msg::No }.text(lang).to_owned(),
        (_, Value::String(s)) => s.clone(),
        (_, other) => other.to_string(),
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
