//! Reading a form's raw values by field id: a date, a number, a code or a text, a yes/no, a
//! list. The typed readers of the forms ([`super::adverse_event`], [`super::baseline`],
//! [`super::systemic`], [`super::tumor`], [`super::vital`]) are built on these; outside them,
//! raw values are read only where a value is checked or shown as entered (the form validation,
//! a draft's lesion table and query answer, the exports' field-by-field tables).

use serde_json::Value;
use time::Date;

use super::Values;
use crate::dates::parse_date;

/// The date in `field` (ISO 8601, `YYYY-MM-DD`); `None` when absent or not a date.
pub(crate) fn date_of(v: &Values, field: &str) -> Option<Date> {
    v.get(field)
        .and_then(Value::as_str)
        .and_then(|s| parse_date(s).ok())
}

/// The number in `field`, in the field's unit; `None` when absent or not a number.
pub(crate) fn number(v: &Values, field: &str) -> Option<f64> {
    v.get(field).and_then(Value::as_f64)
}

/// The code or text in `field`; `None` when absent or not a string.
pub(crate) fn text<'a>(v: &'a Values, field: &str) -> Option<&'a str> {
    v.get(field).and_then(Value::as_str)
}

/// The yes/no in `field`; `None` when absent or not a boolean.
pub(crate) fn flag(v: &Values, field: &str) -> Option<bool> {
    v.get(field).and_then(Value::as_bool)
}

/// The codes of a multiple choice in `field`, in the order stored; empty when absent.
pub(crate) fn codes(v: &Values, field: &str) -> Vec<String> {
    rows(v, field)
        .iter()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect()
}

/// The rows of a table or the items of a list in `field`; empty when absent or not a list.
pub(crate) fn rows<'a>(v: &'a Values, field: &str) -> &'a [Value] {
    v.get(field)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}
