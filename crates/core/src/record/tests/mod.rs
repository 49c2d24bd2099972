//! Tests of the patient record: the read model, draft validation, edits, confirmations, proposals.

use super::*;
use crate::finding::Severity;
use crate::log::{Commit, DeviceLog, Op};
use crate::schedule::{Status, VisitState};
use serde_json::json;
use time::macros::date;

mod clinical;

const TODAY: Date = date!(2025 - 03 - 01);

fn values(v: serde_json::Value) -> Values {
    v.as_object()
        .map(|o| o.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
        .unwrap_or_default()
}

/// A device entering forms for one patient, as the app does.
struct Tablet {
    log: DeviceLog,
    state: State,
    commits: Vec<Commit>,
    clock: u64,
}

impl Tablet {
    fn new() -> Tablet {
        Tablet {
            log: DeviceLog::new("tab-1"),
            state: State::default(),
            commits: Vec::new(),
            clock: 1_000,
        }
    }

    fn commit(&mut self, reason: Option<&str>, ops: Vec<Op>) {
        self.clock += 1_000;
        let c = self
            .log
            .commit(self.clock, "dr.li", reason.map(String::from), ops);
        self.state.apply(&c);
        self.commits.push(c);
    }

    fn create(&mut self, form: &str, v: serde_json::Value) -> String {
        let id = format!("tab-1-{}", self.log.seq + 1);
        let form = study().form(form).expect("form");
        let ops = create_ops(&id, form, "HCC-001-0001", &values(v));
        self.commit(None, ops);
        id
    }

    fn record(&self) -> Record {
        let r = record(&self.state, "HCC-001-0001");
        assert_eq!(Some(&r), records(&self.state).get("HCC-001-0001"));
        r
    }
}

fn enrolled_patient() -> Tablet {
    let mut t = Tablet::new();
    t.create(
        "eligibility",
        json!({"diagnosis_basis": "histology", "unresectable": true, "measurable_lesion": true,
               "child_pugh_ok": true, "ecog_ok": true, "planned_combination": true,
               "consent_date": "2024-12-30", "enrollment_date": "2025-01-02"}),
    );
    t.create(
        "demographics",
        json!({"sex": "male", "birth_date": "1960-05-01", "height_cm": 170.0, "weight_kg": 65.0}),
    );
    t.create(
        "labs",
        json!({"date": "2024-12-31", "bili": 30.0, "alb": 36.0, "inr": 1.1,
               "neut": 3.1, "lym": 1.2, "plt": 150.0}),
    );
    t.create(
        "baseline_disease",
        json!({"tumor_number": "2", "largest_tumor_mm": 45.0, "distribution": "unilobar",
               "vascular_invasion": "none", "extrahepatic_spread": false,
               "ascites": "none", "encephalopathy": "none"}),
    );
    t
}

#[test]
fn a_record_holds_the_patients_forms_in_creation_order() {
    let t = enrolled_patient();
    let r = t.record();
    let forms: Vec<&str> = r.instances.iter().map(|i| i.form.as_str()).collect();
    assert_eq!(
        forms,
        ["eligibility", "demographics", "labs", "baseline_disease"]
    );
    assert_eq!(r.enrolled(), Some(date!(2025 - 01 - 02)));
    assert_eq!(r.birth(), Some(date!(1960 - 05 - 01)));
    // Undated baseline forms first, then by date.
    let timeline: Vec<&str> = r.timeline().iter().map(|i| i.form.as_str()).collect();
    assert_eq!(
        timeline,
        ["demographics", "baseline_disease", "labs", "eligibility"]
    );
}

#[test]
fn derived_values_at_baseline_match_the_worked_example() {
    // The inputs of the `ecrf derive` example: Child-Pugh A5; ALBI = 0.66 log10(30) - 0.085 x 36
    // = -2.085 (grade 2: above -2.60); up-to-seven 4.5 + 2 = 6.5 within; BMI 65 / 1.7^2 = 22.49;
    // NLR 3.1 / 1.2 = 2.583; PLR 150 / 1.2 = 125; BCLC B (2 tumors, ECOG 0, Child-Pugh A).
    let (input, d, age) = enrolled_patient().record().derived(TODAY);
    assert_eq!(input.tumor_count, Some(2));
    let cp = d.child_pugh.expect("Child-Pugh");
    assert_eq!(cp.points, 5);
    let albi = d.albi.expect("ALBI");
    assert!((albi.score - -2.0851).abs() < 1e-4, "{}", albi.score);
    assert_eq!(d.bclc.expect("BCLC").stage, "B");
    assert_eq!(d.up_to_seven.expect("up-to-seven").value, 6.5);
    assert!((d.bmi.expect("BMI") - 22.49).abs() < 0.01);
    assert!((d.nlr.expect("NLR") - 2.583).abs() < 0.001);
    assert_eq!(d.plr, Some(125.0));
    assert_eq!(age, Some(64));
}

#[test]
fn labs_after_enrollment_are_not_baseline() {
    let mut t = enrolled_patient();
    t.create(
        "labs",
        json!({"date": "2025-02-10", "bili": 60.0, "alb": 28.0, "inr": 2.0}),
    );
    let (input, _, _) = t.record().derived(TODAY);
    assert_eq!(input.bilirubin_umol_l, Some(30.0));
}

#[test]
fn a_draft_is_validated_in_the_context_of_the_record() {
    let r = enrolled_patient().record();
    let form = study().form("clinical").expect("form");
    // An assessment before screening is refused (consent 2024-12-30, so screening opens 28
    // days before the enrollment on 2025-01-02); one in screening or after it is fine.
    let early = values(json!({"date": "2024-12-01", "ecog": "0", "ascites": "none",
                              "encephalopathy": "none"}));
    let findings = r.validate_draft(form, "new", &early, TODAY);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].field, "date");
    let screening = values(json!({"date": "2024-12-20", "ecog": "1", "ascites": "none",
                                  "encephalopathy": "none"}));
    assert!(r.validate_draft(form, "new", &screening, TODAY).is_empty());
    let ok = values(json!({"date": "2025-02-01", "ecog": "0", "ascites": "none",
                           "encephalopathy": "none"}));
    assert!(r.validate_draft(form, "new", &ok, TODAY).is_empty());
    // A birth date after the consent is caught on the demographics form itself.
    let demo = r.of("demographics").next().expect("demographics").clone();
    let mut later = demo.values.clone();
    later.insert("birth_date".into(), json!("2026-01-01"));
    let form = study().form("demographics").expect("form");
    assert!(!r.validate_draft(form, &demo.id, &later, TODAY).is_empty());
}

#[test]
fn death_dates_must_agree_across_forms() {
    let mut t = enrolled_patient();
    t.create(
        "survival",
        json!({"contact_date": "2025-02-20", "status": "dead", "death_date": "2025-02-20",
               "death_cause": "progression"}),
    );
    let r = t.record();
    let form = study().form("end_of_study").expect("form");
    let eos = values(
        json!({"date": "2025-02-25", "reason": "death", "death_date": "2025-02-19",
                            "last_known_alive": "2025-02-19"}),
    );
    let findings = r.validate_draft(form, "new", &eos, TODAY);
    assert!(
        findings.iter().any(|f| f.field == "death_date"),
        "{findings:?}"
    );
}

#[test]
fn the_date_of_death_agrees_across_forms_and_no_alive_contact_follows_it() {
    let record = |eos_death: &str, alive_contact: &str| {
        let instance = |n: u64, form: &str, v: serde_json::Value| Instance {
            id: format!("i-{n}"),
            form: form.to_owned(),
            date: None,
            created_ms: n,
            values: values(v),
        };
        Record {
            subject: "HCC-001-0001".into(),
            instances: vec![
                instance(
                    1,
                    "survival",
                    json!({"contact_date": "2024-05-01", "status": "dead", "death_date": "2024-05-01"}),
                ),
                instance(
                    2,
                    "survival",
                    json!({"contact_date": alive_contact, "status": "alive"}),
                ),
                instance(
                    3,
                    "end_of_study",
                    json!({"date": "2024-05-01", "reason": "death", "death_date": eos_death}),
                ),
            ],
        }
    };
    assert!(record("2024-05-01", "2024-02-01")
        .cross_form_findings()
        .is_empty());
    let f = record("2024-05-02", "2024-02-01").cross_form_findings();
    assert_eq!(f.len(), 1);
    assert!(f[0].message.en.contains("2024-05-01, 2024-05-02"));
    let f = record("2024-05-01", "2024-06-01").cross_form_findings();
    assert_eq!(f[0].field, "contact_date");
}

#[test]
fn an_edit_changes_only_what_changed_and_supersedes_what_it_saw() {
    let mut t = enrolled_patient();
    let labs = t.record().of("labs").next().expect("labs").id.clone();
    assert!(needs_reason(&t.state, &labs));
    let form = study().form("labs").expect("form");
    let mut v = instance_values(&t.state, &labs, form);
    v.insert("bili".into(), json!(34.0));
    v.remove("plt");
    let ops = edit_ops(&t.state, &labs, form, &v);
    assert_eq!(ops.len(), 2, "{ops:?}");
    let first_bili = t.state.heads(&labs, "bili");
    assert!(matches!(&ops[0], Op::SetField { field, supersedes, .. }
        if field == "bili" && *supersedes == first_bili));
    assert!(matches!(&ops[1], Op::ClearField { field, .. } if field == "plt"));
    t.commit(Some("transcription error"), ops);
    assert_eq!(t.state.value(&labs, "bili"), Some(&json!(34)));
    assert_eq!(t.state.value(&labs, "plt"), None);
    let history = t.state.history(&labs, "bili");
    assert_eq!(history.len(), 2);
    assert_eq!(history[1].reason.as_deref(), Some("transcription error"));
    assert!(t.state.conflicts().is_empty());
    // Saving the same values again changes nothing.
    let v = instance_values(&t.state, &labs, form);
    assert!(edit_ops(&t.state, &labs, form, &v).is_empty());
}

#[test]
fn hidden_fields_are_not_saved_and_an_empty_instance_needs_no_reason() {
    let mut t = Tablet::new();
    let id = t.create("survival", json!({}));
    assert!(!needs_reason(&t.state, &id));
    let form = study().form("survival").expect("form");
    let v = values(json!({"contact_date": "2025-01-01", "status": "alive",
                          "death_date": "2024-12-01"}));
    let ops = edit_ops(&t.state, &id, form, &v);
    assert_eq!(ops.len(), 2, "death date hidden while alive: {ops:?}");
}

#[test]
fn a_conflict_is_resolved_by_a_write_that_supersedes_both() {
    let mut a = enrolled_patient();
    let labs = a.record().of("labs").next().expect("labs").id.clone();
    let base = a.commits.clone();
    let form = study().form("labs").expect("form");
    let edit = |t: &mut Tablet, device: &str, bili: f64| {
        let mut log = DeviceLog::new(device);
        let mut v = instance_values(&t.state, &labs, form);
        v.insert("bili".into(), json!(bili));
        let ops = edit_ops(&t.state, &labs, form, &v);
        log.commit(99_000, "nurse", Some("recheck".into()), ops)
    };
    let c1 = edit(&mut a, "tab-2", 31.0);
    let c2 = edit(&mut a, "tab-3", 32.0);
    let mut state = State::from_commits(base.iter().chain([&c1, &c2]));
    assert_eq!(state.conflicts().len(), 1);
    state.apply(&DeviceLog::new("tab-4").commit(
        100_000,
        "dr.li",
        Some("conflict resolved".into()),
        vec![resolve_op(&state, &labs, "bili", Some(json!(31.0)))],
    ));
    assert!(state.conflicts().is_empty());
    assert_eq!(state.value(&labs, "bili"), Some(&json!(31)));
}

#[test]
fn summary_status_group_and_next_visit() {
    let mut t = enrolled_patient();
    // Nothing followed yet: no endpoint to show ("0.0 months censored" informs no one).
    let e = t.record().endpoints(730).expect("enrolled");
    assert!(!e.os.is_informative() && !e.has_follow_up());
    assert_eq!(t.record().endpoints_to_show(730), None);
    let s = t.record().summary(date!(2025 - 02 - 10));
    // Enrolled with no treatment yet: awaiting it, in no group.
    assert_eq!(s.status, Status::Enrolled);
    assert_eq!(s.group, None);
    assert_eq!(t.record().endpoints(730).expect("enrolled").group, None);
    // Week 6 after 2025-01-02 is 2025-02-13; its window opened 02-06.
    let next = s.next_visit.expect("a visit");
    assert_eq!((next.day, next.state), (42, VisitState::Due));
    t.create(
        "systemic",
        json!({"agent": "lenvatinib", "start_date": "2025-01-05", "dose": "8 mg qd"}),
    );
    t.create(
        "clinical",
        json!({"date": "2025-02-12", "ecog": "0", "ascites": "none", "encephalopathy": "none"}),
    );
    let s = t.record().summary(date!(2025 - 02 - 14));
    assert_eq!(s.status, Status::OnTreatment);
    assert_eq!(s.group, Some("tace_tki"));
    // The list, the patient page and the analyses read one group.
    assert_eq!(t.record().endpoints(730).expect("enrolled").group, s.group);
    let next = s.next_visit.expect("a visit");
    assert_eq!((next.day, next.state), (84, VisitState::Upcoming));
    assert_eq!(s.missed, 0);
    // The patient's endpoints are the study's, computed from this record alone.
    let own = t.record().endpoints(730).expect("enrolled");
    assert_eq!(Some(&own), crate::endpoints::derive(&t.state, 730).first());
    assert_eq!(own.os.reason, "last_known_alive");
    assert!(own.has_follow_up());
    assert_eq!(t.record().endpoints_to_show(730), Some(own));
    // Unenrolled: screening, no schedule.
    let mut u = Tablet::new();
    u.create("eligibility", json!({}));
    let s = u.record().summary(TODAY);
    assert_eq!((s.status, s.next_visit), (Status::Screening, None));
    assert_eq!(s.group_code(), None);
}

#[test]
fn only_eligibility_saved_is_enrolled_not_in_follow_up() {
    let mut t = Tablet::new();
    t.create(
        "eligibility",
        json!({"consent_date": "2025-01-01", "enrollment_date": "2025-01-02"}),
    );
    let s = t.record().summary(TODAY);
    assert_eq!((s.status, s.group), (Status::Enrolled, None));
    assert_eq!(s.group_code(), Some("not_yet_treated"));
    // A TACE session is treatment; the group waits for a systemic therapy.
    t.create("tace", json!({"date": "2025-01-05"}));
    let s = t.record().summary(TODAY);
    assert_eq!((s.status, s.group), (Status::InFollowUp, None));
}

#[test]
fn a_soft_range_confirmation_is_stored_with_its_value_and_not_asked_again() {
    let mut t = enrolled_patient();
    let labs = t.create("labs", json!({"date": "2025-02-01", "afp": 150000.0}));
    let afp = json!(150000.0);
    let ops = confirm_ops(&t.state, &labs, &[("afp", &afp)]);
    assert_eq!(ops.len(), 1);
    t.commit(None, ops);
    // Reopened: the saved value is confirmed (in any numeric spelling), a different one is not,
    // and confirming again makes no operation.
    assert!(t.state.is_confirmed(&labs, "afp", &json!(150000)));
    assert!(!t.state.is_confirmed(&labs, "afp", &json!(160000.0)));
    assert!(confirm_ops(&t.state, &labs, &[("afp", &afp)]).is_empty());
    // The confirmation is in the field's audit trail: who, when, which value.
    let trail = t.state.confirmations(&labs, "afp");
    assert_eq!(trail.len(), 1);
    assert_eq!(
        (trail[0].user.as_str(), &trail[0].value),
        ("dr.li", &json!(150000))
    );
    // The fold is the same whatever the order of the commits.
    let mut reversed = t.commits.clone();
    reversed.reverse();
    assert_eq!(State::from_commits(&reversed), t.state);
}

#[test]
fn an_edit_saves_only_what_the_user_changed_and_never_reverts_a_change_made_meanwhile() {
    let mut t = enrolled_patient();
    let labs = t.create(
        "labs",
        json!({"date": "2025-02-01", "bili": 30.0, "alb": 36.0}),
    );
    let form = study().form("labs").unwrap();
    // Opened here; then another tab changes albumin.
    let opened = instance_values(&t.state, &labs, form);
    let mut theirs = opened.clone();
    theirs.insert("alb".into(), json!(38.0));
    let ops = edit_ops_since(&t.state, &labs, form, &opened, &theirs);
    t.commit(Some("recheck"), ops);
    // This form, still showing albumin 36, changes bilirubin only: albumin stays 38.
    let mut mine = opened.clone();
    mine.insert("bili".into(), json!(31.0));
    let ops = edit_ops_since(&t.state, &labs, form, &opened, &mine);
    assert_eq!(ops.len(), 1, "{ops:?}");
    t.commit(Some("typo"), ops);
    assert_eq!(t.state.value(&labs, "alb"), Some(&json!(38)));
    assert_eq!(t.state.value(&labs, "bili"), Some(&json!(31)));
    assert_eq!(t.state.conflict_count(), 0);
    // Both changed albumin: the second write does not supersede the first; it is a conflict.
    let mut again = instance_values(&t.state, &labs, form);
    let opened = again.clone();
    again.insert("alb".into(), json!(40.0));
    t.commit(
        Some("a"),
        edit_ops_since(&t.state, &labs, form, &opened, &again),
    );
    let mut stale = opened.clone();
    stale.insert("alb".into(), json!(41.0));
    t.commit(
        Some("b"),
        edit_ops_since(&t.state, &labs, form, &opened, &stale),
    );
    assert_eq!(t.state.conflict_count(), 1);
}

#[test]
fn the_subjects_and_a_page_of_records_are_those_of_every_record() {
    let commits = crate::demo::generate(12, 4).commits;
    let state = State::from_commits(&commits);
    let all = records(&state);
    let subjects = subjects(&state);
    assert_eq!(
        subjects.iter().collect::<Vec<_>>(),
        all.keys().collect::<Vec<_>>()
    );
    let page: std::collections::BTreeSet<String> =
        subjects.iter().skip(3).take(4).cloned().collect();
    let some = records_of(&state, &page);
    assert_eq!(some.len(), 4);
    for (subject, r) in &some {
        assert_eq!(Some(r), all.get(subject));
    }
}
