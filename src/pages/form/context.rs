//! What every field's widget of the form page shares (signals, so it is `Copy`), and the small
//! helpers that read and write the draft through it.

use std::collections::{BTreeMap, BTreeSet};

use ecrf_core::finding::Finding;
use ecrf_core::record::{Record, Values};
use ecrf_core::study::Form;
use leptos::prelude::*;
use serde_json::Value;

/// Everything a field's widget needs; all signals, so it is `Copy`.
#[derive(Clone, Copy)]
pub(super) struct Ctx {
    pub(crate) form: &'static Form,
    /// The patient's record as saved (the lesion editor reads the baseline lesions from it).
    pub(crate) rec: Memo<Record>,
    pub(crate) draft: RwSignal<Values>,
    /// Numbers as typed (so `12.` stays `12.` while typing).
    pub(crate) raw: RwSignal<BTreeMap<String, String>>,
    pub(crate) findings: Memo<Vec<Finding>>,
    pub(crate) attempted: RwSignal<bool>,
    /// Soft-range warnings confirmed, as `field=value`.
    pub(crate) confirmed: RwSignal<BTreeSet<String>>,
    pub(crate) instance: RwSignal<Option<String>>,
    pub(crate) history: RwSignal<Option<&'static str>>,
}

pub(super) fn set_value(ctx: Ctx, field: &str, v: Option<Value>) {
    ctx.draft.update(|d| match v {
        Some(v) => {
            d.insert(field.to_owned(), v);
        }
        None => {
            d.remove(field);
        }
    });
}

pub(super) fn raw_number(text: &str, integer: bool) -> Option<Value> {
    let t = text.trim().replace(',', ".");
    if t.is_empty() {
        return None;
    }
    let parsed = if integer {
        t.parse::<i64>().ok().map(Value::from)
    } else {
        t.parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .and_then(|n| serde_json::Number::from_f64(n).map(Value::Number))
    };
    // Not a number: kept as text, which validation reports as the wrong kind of value.
    Some(parsed.unwrap_or(Value::String(t)))
}
