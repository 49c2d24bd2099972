//! Validation of one form's values against the study definition: every finding at once, each
//! with its field, severity and message in both languages. Types, required fields (when visible),
//! hard ranges (refused) and soft ranges (need confirmation), each naming the likely unit when
//! the value looks like the field's other unit, code lists, date rules (a baseline form's visit
//! date from screening on, a follow-up form's dates from enrollment on) and the date orders
//! within a form.

use std::collections::BTreeMap;

use serde_json::Value;
use time::Date;

use super::model::{Field, FieldKind, Form, Study, Timing};
use crate::dates;
use crate::finding::{date_message, Finding, Severity};
use crate::i18n::Text;

/// What validation needs to know beyond the form: today and the patient's key dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Context {
    /// Today's date on the device.
    pub today: Date,
    /// Date of birth, when known.
    pub birth: Option<Date>,
    /// Enrollment date, when known.
    pub enrollment: Option<Date>,
    /// Informed consent date, when known (opens screening, with the 28 days before enrollment).
    pub consent: Option<Date>,
}

fn finding(field: &str, severity: Severity, en: String, zh: String) -> Finding {
    Finding {
        field: field.to_owned(),
        severity,
        message: Text::new(en, zh),
    }
}

fn error(field: &str, en: impl Into<String>, zh: impl Into<String>) -> Finding {
    finding(field, Severity::Error, en.into(), zh.into())
}

/// Whether `field` is shown given the form's values.
pub fn is_visible(field: &Field, values: &BTreeMap<String, Value>) -> bool {
    let Some(cond) = field.visible_if else {
        return true;
    };
    let matches = |v: &Value| match v {
        Value::String(s) => cond.any_of.contains(&s.as_str()),
        Value::Bool(b) => cond.any_of.contains(&if *b { "yes" } else { "no" }),
        Value::Array(items) => items
            .iter()
            .any(|i| i.as_str().is_some_and(|s| cond.any_of.contains(&s))),
        _ => false,
    };
    values.get(cond.field).is_some_and(matches)
}

/// A finding for a number outside its range, with the unit hint when the value looks like the
/// field's other unit (`units::likely_other_unit`).
fn range_finding(f: &Field, n: f64, severity: Severity, en: String, zh: String) -> Finding {
    match super::units::likely_other_unit(f, n) {
        Some(hint) => finding(
            f.id,
            severity,
            format!("{en} {}", hint.message.en),
            format!("{zh}{}", hint.message.zh),
        ),
        None => finding(f.id, severity, en, zh),
    }
}

fn check_number(f: &Field, n: f64, range: super::model::Range, unit: &str, out: &mut Vec<Finding>) {
    let (lo, hi) = range.hard;
    if n < lo || n > hi {
        out.push(range_finding(
            f,
            n,
            Severity::Error,
            format!("{} must lie between {lo} and {hi} {unit}.", f.label.en),
            format!("{}须在 {lo} 至 {hi} {unit} 之间。", f.label.zh),
        ));
    } else if let Some((slo, shi)) = range.soft {
        if n < slo || n > shi {
            out.push(range_finding(
                f,
                n,
                Severity::Warning,
                format!(
                    "{} = {n} {unit} is unusual (expected {slo} - {shi}); confirm it.",
                    f.label.en
                ),
                format!(
                    "{} = {n} {unit} 超出常见范围（{slo} - {shi}），请确认。",
                    f.label.zh
                ),
            ));
        }
    }
}

fn check_date(
    f: &Field,
    text: &str,
    follow_up: bool,
    ctx: &Context,
    out: &mut Vec<Finding>,
) -> Option<Date> {
    let date = match dates::parse_date(text) {
        Ok(d) => d,
        Err(e) => {
            out.push(Finding {
                field: f.id.into(),
                severity: Severity::Error,
                message: date_message(e),
            });
            return None;
        }
    };
    let mut checks = vec![dates::not_in_future(date, ctx.today)];
    if f.id != "birth_date" {
        if let Some(b) = ctx.birth {
            checks.push(dates::not_before_birth(date, b));
        }
    }
    if follow_up {
        if let Some(e) = ctx.enrollment {
            checks.push(dates::not_before_enrollment(date, e));
        }
    } else if f.id == "date" {
        // A baseline form's visit date (labs, clinical assessment, baseline imaging) lies in
        // screening or later; the eligibility form's own dates are ordered by `ORDERS`.
        if let Some(start) = dates::screening_start(ctx.consent, ctx.enrollment) {
            checks.push(dates::not_before_screening(date, start));
        }
    }
    if let Some(Err(e)) = checks.into_iter().find(Result::is_err) {
        out.push(Finding {
            field: f.id.into(),
            severity: Severity::Error,
            message: date_message(e),
        });
        return None;
    }
    Some(date)
}

/// Date orders within a form: (earlier field, later field).
const ORDERS: &[(&str, &str, &str)] = &[
    ("eligibility", "consent_date", "enrollment_date"),
    ("systemic", "start_date", "stop_date"),
    ("adverse_event", "onset_date", "resolution_date"),
    ("survival", "death_date", "contact_date"),
    ("end_of_study", "death_date", "date"),
    ("end_of_study", "last_known_alive", "date"),
];

/// Every finding for `values` of `form`.
pub fn validate(
    study: &Study,
    form: &Form,
    values: &BTreeMap<String, Value>,
    ctx: &Context,
) -> Vec<Finding> {
    let mut out = Vec::new();
    let mut dates_seen: BTreeMap<&str, Date> = BTreeMap::new();
    // A baseline tumor assessment (its lesion table says so) is imaging before enrollment.
    let baseline_imaging = values
        .get("lesions")
        .and_then(|l| l.get("timepoint"))
        .and_then(Value::as_str)
        == Some("baseline");
    let follow_up = form.timing == Timing::FollowUp && !baseline_imaging;
    for id in values.keys() {
        if form.field(id).is_none() {
            out.push(error(
                id,
                format!("Unknown field {id}."),
                format!("未知字段 {id}。"),
            ));
        }
    }
    for f in &form.fields {
        if !is_visible(f, values) {
            continue;
        }
        let Some(v) = values.get(f.id).filter(|v| !v.is_null()) else {
            if f.required {
                out.push(error(
                    f.id,
                    format!("{} is required.", f.label.en),
                    format!("{}为必填项。", f.label.zh),
                ));
            }
            continue;
        };
        let wrong_type = || {
            error(
                f.id,
                format!("{}: wrong kind of value.", f.label.en),
                format!("{}：数值类型不正确。", f.label.zh),
            )
        };
        match f.kind {
            FieldKind::Integer { range } => match v.as_f64().filter(|n| n.fract() == 0.0) {
                Some(n) => check_number(f, n, range, "", &mut out),
                None => out.push(wrong_type()),
            },
            FieldKind::Decimal {
                unit,
                decimals,
                range,
            } => match v.as_f64() {
                Some(n) => {
                    // The range first: its finding may name the likely unit, and the form shows
                    // a field's first finding.
                    check_number(f, n, range, unit, &mut out);
                    let scale = 10f64.powi(i32::from(decimals));
                    if ((n * scale).round() - n * scale).abs() > 1e-6 {
                        out.push(error(
                            f.id,
                            format!("{}: at most {decimals} decimals.", f.label.en),
                            format!("{}：最多 {decimals} 位小数。", f.label.zh),
                        ));
                    }
                }
                None => out.push(wrong_type()),
            },
            FieldKind::Date => match v.as_str() {
                Some(s) => {
                    if let Some(d) = check_date(f, s, follow_up, ctx, &mut out) {
                        dates_seen.insert(f.id, d);
                    }
                }
                None => out.push(wrong_type()),
            },
            FieldKind::Choice { list } => {
                let known = study
                    .code_list(list)
                    .is_some_and(|l| l.codes.iter().any(|c| Some(c.code) == v.as_str()));
                if !known {
                    out.push(error(
                        f.id,
                        format!("{}: choose from the list.", f.label.en),
                        format!("{}：请从列表中选择。", f.label.zh),
                    ));
                }
            }
            FieldKind::MultiChoice { list } => {
                let codes = study
                    .code_list(list)
                    .map(|l| l.codes.clone())
                    .unwrap_or_default();
                let ok = v.as_array().is_some_and(|items| {
                    items
                        .iter()
                        .all(|i| codes.iter().any(|c| Some(c.code) == i.as_str()))
                });
                if !ok {
                    out.push(error(
                        f.id,
                        format!("{}: choose from the list.", f.label.en),
                        format!("{}：请从列表中选择。", f.label.zh),
                    ));
                }
            }
            FieldKind::Text => {
                if !v.is_string() {
                    out.push(wrong_type());
                }
            }
            FieldKind::YesNo => {
                if !v.is_boolean() {
                    out.push(wrong_type());
                }
            }
            FieldKind::AgentTable => {
                let code_in = |list: &str, v: Option<&Value>| {
                    study.code_list(list).is_some_and(|l| {
                        l.codes
                            .iter()
                            .any(|c| Some(c.code) == v.and_then(Value::as_str))
                    })
                };
                let ok = v.as_array().is_some_and(|rows| {
                    rows.iter().all(|r| {
                        code_in("systemic_agent", r.get("agent"))
                            && r.get("relation")
                                .is_none_or(|x| code_in("relation", Some(x)))
                            && r.get("action")
                                .is_none_or(|x| code_in("ae_action", Some(x)))
                    })
                });
                if !ok {
                    out.push(error(
                        f.id,
                        format!("{}: choose from the lists.", f.label.en),
                        format!("{}：请从列表中选择。", f.label.zh),
                    ));
                }
            }
            FieldKind::Lesions => {
                // The parser's own message names Rust types; a person is told what is wrong.
                if serde_json::from_value::<crate::response::model::FormLesions>(v.clone()).is_err()
                {
                    out.push(error(
                        f.id,
                        format!(
                            "{}: the lesion table is not a baseline or follow-up table (an unknown lesion kind, measurement or field).",
                            f.label.en
                        ),
                        format!(
                            "{}：病灶表既不是基线表也不是随访表（病灶类型、测量值或字段无法识别）。",
                            f.label.zh
                        ),
                    ));
                }
            }
        }
    }
    for &(form_id, earlier, later) in ORDERS {
        if form_id != form.id {
            continue;
        }
        if let (Some(a), Some(b)) = (dates_seen.get(earlier), dates_seen.get(later)) {
            if dates::in_order(*a, *b).is_err() {
                let name = |id: &str| {
                    form.field(id)
                        .map(|f| f.label)
                        .unwrap_or(super::model::l("", ""))
                };
                let (ea, eb) = (name(earlier), name(later));
                out.push(Finding {
                    field: later.to_owned(),
                    severity: Severity::Error,
                    message: Text::new(
                        format!("{} may not precede {}.", eb.en, ea.en.to_lowercase()),
                        format!("{}不能早于{}。", eb.zh, ea.zh),
                    ),
                });
            }
        }
    }
    out
}
