//! The study definition is self-consistent, and validation applies each rule.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Value};
use time::macros::date;

use super::model::FieldKind;
use super::validate::{validate, Context};
use super::*;
use crate::finding::Severity;

#[test]
fn every_systemic_agent_has_its_class_in_the_analysis_plan() {
    let codes: BTreeSet<&str> = study()
        .code_list("systemic_agent")
        .expect("the agents' code list")
        .codes
        .iter()
        .map(|c| c.code)
        .collect();
    let classed: BTreeSet<&str> = plan::AGENT_CLASSES.iter().map(|(a, _)| *a).collect();
    assert_eq!(
        codes, classed,
        "every agent code, and only those, has a class"
    );
    assert_eq!(plan::agent_class("lenvatinib"), "tki");
    assert_eq!(plan::agent_class("bevacizumab"), "vegf");
    assert_eq!(plan::agent_class("atezolizumab"), "pd1");
    assert_eq!(plan::agent_class("ipilimumab"), "other");
    assert_eq!(plan::agent_class("not-a-code"), "other");
    let classes: BTreeSet<&str> = plan::AGENT_CLASSES.iter().map(|(_, c)| *c).collect();
    assert_eq!(classes, BTreeSet::from(["other", "pd1", "tki", "vegf"]));
}

#[test]
fn the_dates_that_prove_a_patient_alive_are_those_of_visits_samples_scans_and_treatments() {
    let proving: BTreeMap<&str, &str> = study()
        .forms
        .iter()
        .filter(|f| f.proves_alive)
        .map(|f| (f.id, f.dated_by.expect("a form proving alive has a date")))
        .collect();
    // Not a survival contact (lost or dead ones prove nothing), not the end of study (its own
    // last date known alive does): those are read by their status.
    assert_eq!(
        proving,
        BTreeMap::from([
            ("adverse_event", "onset_date"),
            ("clinical", "date"),
            ("labs", "date"),
            ("progression", "date"),
            ("systemic", "start_date"),
            ("tace", "date"),
            ("tumor_assessment", "date")
        ])
    );
}

#[test]
fn every_follow_up_form_is_dated_by_one_of_its_date_fields() {
    let dated: BTreeMap<&str, &str> = study()
        .forms
        .iter()
        .filter_map(|f| f.dated_by.map(|d| (f.id, d)))
        .collect();
    for (form, field) in &dated {
        let form = study().form(form).expect("a form");
        assert_eq!(
            form.field(field).map(|f| f.kind),
            Some(FieldKind::Date),
            "{} is dated by {field}, a date field of its own",
            form.id
        );
    }
    for form in study().forms.iter().filter(|f| !f.internal) {
        if form.timing == model::Timing::FollowUp {
            assert!(dated.contains_key(form.id), "{} has no date", form.id);
        }
    }
    assert_eq!(dated.get("eligibility"), Some(&"enrollment_date"));
    assert_eq!(dated.get("systemic"), Some(&"start_date"));
    assert_eq!(dated.get("adverse_event"), Some(&"onset_date"));
    assert_eq!(dated.get("survival"), Some(&"contact_date"));
    assert_eq!(dated.get("demographics"), None);
    assert_eq!(crate::record::date_field("labs"), Some("date"));
    assert_eq!(crate::record::date_field("no such form"), None);
}

#[test]
fn every_form_of_study_md_is_defined() {
    let ids: Vec<&str> = study()
        .forms
        .iter()
        .filter(|f| !f.internal)
        .map(|f| f.id)
        .collect();
    assert_eq!(
        ids,
        [
            "eligibility",
            "demographics",
            "history",
            "baseline_disease",
            "labs",
            "clinical",
            "tace",
            "systemic",
            "tumor_assessment",
            "adverse_event",
            "progression",
            "survival",
            "end_of_study",
        ]
    );
    let internal: Vec<&str> = study()
        .forms
        .iter()
        .filter(|f| f.internal)
        .map(|f| f.id)
        .collect();
    assert_eq!(internal, ["ae_review"]);
}

#[test]
fn ids_are_unique_and_every_reference_resolves() {
    let s = study();
    let mut forms = BTreeSet::new();
    for form in &s.forms {
        assert!(forms.insert(form.id), "form {} twice", form.id);
        let mut fields = BTreeSet::new();
        for f in &form.fields {
            assert!(fields.insert(f.id), "{}.{} twice", form.id, f.id);
            if let FieldKind::Choice { list } | FieldKind::MultiChoice { list } = f.kind {
                assert!(
                    s.code_list(list).is_some(),
                    "{}.{}: no code list {list}",
                    form.id,
                    f.id
                );
            }
            if let Some(cond) = f.visible_if {
                let target = form.field(cond.field).unwrap_or_else(|| {
                    panic!("{}.{}: condition on unknown {}", form.id, f.id, cond.field)
                });
                for code in cond.any_of {
                    let ok = match target.kind {
                        FieldKind::YesNo => *code == "yes" || *code == "no",
                        FieldKind::Choice { list } | FieldKind::MultiChoice { list } => s
                            .code_list(list)
                            .unwrap()
                            .codes
                            .iter()
                            .any(|c| c.code == *code),
                        _ => false,
                    };
                    assert!(
                        ok,
                        "{}.{}: condition code {code} is not a value of {}",
                        form.id, f.id, cond.field
                    );
                }
            }
            assert!(
                !f.label.en.is_empty() && !f.label.zh.is_empty(),
                "{}.{} label",
                form.id,
                f.id
            );
            if let FieldKind::Integer { range } | FieldKind::Decimal { range, .. } = f.kind {
                assert!(range.hard.0 <= range.hard.1);
                if let Some(soft) = range.soft {
                    assert!(
                        range.hard.0 <= soft.0 && soft.1 <= range.hard.1,
                        "{}.{} soft inside hard",
                        form.id,
                        f.id
                    );
                }
            }
        }
    }
}

#[test]
fn every_code_list_has_both_languages_and_unique_codes() {
    let mut lists = BTreeSet::new();
    for list in &study().code_lists {
        assert!(lists.insert(list.id), "list {} twice", list.id);
        let mut codes = BTreeSet::new();
        for c in &list.codes {
            assert!(codes.insert(c.code), "{}: {} twice", list.id, c.code);
            assert!(
                !c.label.en.is_empty() && !c.label.zh.is_empty(),
                "{}: {}",
                list.id,
                c.code
            );
        }
    }
}

fn ctx() -> Context {
    Context {
        today: date!(2026 - 11 - 23),
        birth: Some(date!(1960 - 05 - 01)),
        enrollment: Some(date!(2023 - 03 - 27)),
        consent: None,
    }
}

fn values(v: Value) -> BTreeMap<String, Value> {
    serde_json::from_value(v).unwrap()
}

fn findings(form: &str, v: Value) -> Vec<(String, Severity)> {
    let s = study();
    validate(s, s.form(form).unwrap(), &values(v), &ctx())
        .into_iter()
        .map(|f| (f.field, f.severity))
        .collect()
}

#[test]
fn required_fields_are_reported_all_at_once() {
    let f = findings("demographics", json!({}));
    let fields: Vec<&str> = f.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(fields, ["sex", "birth_date", "height_cm", "weight_kg"]);
}

#[test]
fn hard_range_is_refused_and_soft_range_needs_confirmation() {
    let base = |h: f64| json!({"sex": "male", "birth_date": "1960-05-01", "height_cm": h, "weight_kg": 60});
    assert_eq!(findings("demographics", base(170.0)), []);
    assert_eq!(
        findings("demographics", base(231.0)),
        [("height_cm".into(), Severity::Error)]
    );
    assert_eq!(
        findings("demographics", base(205.0)),
        [("height_cm".into(), Severity::Warning)]
    );
    assert_eq!(
        findings("demographics", base(170.25)),
        [("height_cm".into(), Severity::Error)],
        "one decimal"
    );
}

#[test]
fn a_lab_value_in_the_other_unit_names_it_soft_or_hard() {
    let s = study();
    let labs = |v: Value| validate(s, s.form("labs").unwrap(), &values(v), &ctx());
    // Bilirubin: the units' ranges overlap (2-50), so 1.2 "umol/L" needs confirmation.
    let f = labs(json!({"date": "2024-05-06", "bili": 1.2}));
    assert_eq!(
        (f[0].field.as_str(), f[0].severity),
        ("bili", Severity::Warning)
    );
    assert!(
        f[0].message
            .en
            .ends_with("1.2 looks like mg/dL: 1 mg/dL = 17.1 umol/L, i.e. 20.5 umol/L."),
        "{}",
        f[0].message.en
    );
    assert!(f[0].message.zh.contains("mg/dL"), "{}", f[0].message.zh);
    // Albumin, haemoglobin, creatinine and counts: no overlap in real patients, so refused.
    for (field, value, unit) in [
        ("alb", 3.5, "g/dL"),
        ("hgb", 9.9, "g/dL"),
        ("creat", 1.1, "mg/dL"),
        ("plt", 150_000.0, "/mm3"),
        ("neut", 1800.0, "/mm3"),
        ("alb_lln", 3.5, "g/dL"),
    ] {
        // The first finding (the one the form shows) names the unit.
        let f = labs(json!({"date": "2024-05-06", field: value}));
        assert_eq!(f[0].severity, Severity::Error, "{field}");
        assert!(
            f[0].message.en.contains(&format!("looks like {unit}")),
            "{field}: {}",
            f[0].message.en
        );
    }
    assert_eq!(
        labs(json!({"date": "2024-05-06", "bili": 20.5, "alb": 35})),
        []
    );
}

#[test]
fn hidden_fields_are_not_required_and_visible_ones_are() {
    let alive = json!({"contact_date": "2024-01-10", "status": "alive"});
    assert_eq!(findings("survival", alive), []);
    let dead = json!({"contact_date": "2024-01-10", "status": "dead"});
    let fields: Vec<String> = findings("survival", dead)
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(fields, ["death_date", "death_cause"]);
}

#[test]
fn date_rules_future_birth_enrollment_and_order() {
    let e = |consent: &str, enrolled: &str| {
        findings(
            "eligibility",
            json!({
        "diagnosis_basis": "clinical", "unresectable": true, "measurable_lesion": true, "child_pugh_ok": true,
        "ecog_ok": true, "planned_combination": true, "consent_date": consent, "enrollment_date": enrolled}),
        )
    };
    assert_eq!(e("2023-03-20", "2023-03-27"), []);
    assert_eq!(
        e("2023-03-27", "2023-03-27"),
        [],
        "consent on the day of enrollment"
    );
    assert_eq!(
        e("2023-03-28", "2023-03-27"),
        [("enrollment_date".into(), Severity::Error)]
    );
    assert_eq!(
        e("1950-01-01", "2023-03-27"),
        [("consent_date".into(), Severity::Error)],
        "before birth"
    );
    assert_eq!(
        e("2023-03-20", "2027-01-01"),
        [("enrollment_date".into(), Severity::Error)],
        "future"
    );
    let visit = |d: &str| {
        findings(
            "clinical",
            json!({"date": d, "ecog": "0", "ascites": "none", "encephalopathy": "none"}),
        )
    };
    assert_eq!(visit("2023-03-27"), []);
    // A clinical assessment is a baseline form (ECOG at screening): the 28 days before
    // enrollment are screening; before them, it is refused.
    assert_eq!(visit("2023-03-26"), [], "screening");
    assert_eq!(visit("2023-02-27"), [], "first day of the 28-day window");
    assert_eq!(
        visit("2023-02-26"),
        [("date".into(), Severity::Error)],
        "before screening"
    );
    // A follow-up form keeps its rule: not before enrollment.
    let tace = |d: &str| {
        findings(
            "tace",
            json!({"date": d, "technique": "ctace", "selectivity": "segmental"}),
        )
        .into_iter()
        .filter(|(f, _)| f == "date")
        .collect::<Vec<_>>()
    };
    assert_eq!(tace("2023-03-27"), []);
    assert_eq!(tace("2023-03-26"), [("date".into(), Severity::Error)]);
}

#[test]
fn screening_opens_at_consent_when_it_is_earlier_than_the_window() {
    let s = study();
    let labs = |consent: Option<time::Date>, d: &str| {
        let ctx = Context { consent, ..ctx() };
        validate(
            s,
            s.form("labs").unwrap(),
            &values(json!({"date": d})),
            &ctx,
        )
        .into_iter()
        .map(|f| (f.field, f.message.en))
        .collect::<Vec<_>>()
    };
    assert!(labs(Some(date!(2023 - 02 - 01)), "2023-02-10").is_empty());
    let refused = labs(None, "2023-02-10");
    assert_eq!(refused.len(), 1);
    assert_eq!(refused[0].0, "date");
    assert!(
        refused[0].1.contains("precede screening"),
        "{}",
        refused[0].1
    );
}

#[test]
fn codes_types_and_unknown_fields() {
    let f = findings(
        "demographics",
        json!({"sex": "x", "birth_date": 19600501, "height_cm": "tall", "weight_kg": 60, "shoe": 42}),
    );
    let fields: Vec<&str> = f.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(fields, ["shoe", "sex", "birth_date", "height_cm"]);
    assert!(f.iter().all(|(_, s)| *s == Severity::Error));
}

#[test]
fn stop_before_start_is_refused() {
    let f = findings(
        "systemic",
        json!({"agent": "lenvatinib", "start_date": "2023-04-01", "dose": "8 mg qd", "stop_date": "2023-03-30"}),
    );
    assert_eq!(f, [("stop_date".into(), Severity::Error)]);
}
