//! Tests of the patient record: the read model, draft validation, edits, confirmations, proposals.

use super::*;
use crate::finding::Severity;
use crate::log::{Commit, DeviceLog, Op};
use crate::schedule::{Status, VisitState};
use serde_json::json;
use time::macros::date;

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
fn lab_values_after_enrollment_propose_adverse_events_until_decided() {
    let mut t = enrolled_patient();
    // Baseline labs are history, not AEs: nothing proposed yet.
    assert!(t.record().ae_proposals().is_empty());
    t.create(
        "labs",
        json!({"date": "2025-02-10", "plt": 40.0, "plt_lln": 125.0, "plt_uln": 350.0}),
    );
    let proposals = t.record().ae_proposals();
    assert_eq!(proposals.len(), 1, "{proposals:?}");
    let (_, p) = &proposals[0];
    assert_eq!(
        (p.term, p.grade, p.date.as_deref()),
        ("Platelet count decreased", 3, Some("2025-02-10"))
    );
    // Confirming creates the AE (term, grade, onset) and answers the proposal.
    let ae = format!("tab-1-{}", t.log.seq + 1);
    let ops = confirm_proposal_ops(&ae, &format!("{ae}-r"), "HCC-001-0001", p);
    t.commit(None, ops);
    let r = t.record();
    assert!(r.ae_proposals().is_empty());
    let ae = r.of("adverse_event").next().expect("the AE");
    assert_eq!(ae.values.get("grade"), Some(&json!("3")));
    assert_eq!(ae.date, Some(date!(2025 - 02 - 10)));
    assert!(!r.timeline().iter().any(|i| i.form == "ae_review"));
    // A dismissed proposal does not come back for the same value; a new value proposes again.
    t.create(
        "labs",
        json!({"date": "2025-03-10", "alt": 100.0, "alt_uln": 40.0}),
    );
    let (_, p) = t.record().ae_proposals().remove(0);
    assert_eq!((p.term, p.grade), ("Alanine aminotransferase increased", 1));
    let id = format!("tab-1-{}", t.log.seq + 1);
    t.commit(
        Some("Known fatty liver"),
        dismiss_proposal_ops(&id, "HCC-001-0001", &p, "Known fatty liver"),
    );
    assert!(t.record().ae_proposals().is_empty());
}

#[test]
fn lesion_tables_make_a_response_series_and_a_disagreement_raises_a_query() {
    let mut t = enrolled_patient();
    t.create(
        "tumor_assessment",
        json!({"date": "2024-12-28", "modality": "ct", "lesions": {"timepoint": "baseline",
            "targets": [
                {"id": "T1", "organ": "liver", "diameter_mm": 40, "viable_diameter_mm": 35, "arterial_enhancement": true},
                {"id": "T2", "organ": "liver", "diameter_mm": 30, "viable_diameter_mm": 30, "arterial_enhancement": true}],
            "non_targets": [{"id": "NT1", "organ": "portal vein", "kind": "tumor_thrombus"}]}}),
    );
    let follow_up = values(json!({"date": "2025-02-14", "modality": "ct",
        "investigator_mrecist": "PR", "investigator_recist11": "PR",
        "lesions": {"timepoint": "follow_up",
            "targets": {"T1": {"diameter_mm": 30, "viable_diameter_mm": 20},
                        "T2": {"diameter_mm": 25, "viable_diameter_mm": 15}},
            "non_targets": {"NT1": "present"}}}));
    let form = study().form("tumor_assessment").expect("form");
    // The baseline scan precedes enrollment and is accepted as baseline imaging.
    let r = t.record();
    let base = r.of("tumor_assessment").next().expect("baseline").clone();
    assert!(r
        .validate_draft(form, &base.id, &base.values, TODAY)
        .is_empty());
    // RECIST: 55 vs 70 mm = -21.4% (SD); mRECIST: 35 vs 65 = -46.2% (PR). Reading PR under both
    // disagrees with RECIST: a query on the answer field, until answered.
    let findings = r.validate_draft(form, "new", &follow_up, TODAY);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].field, "query_answer");
    assert!(findings[0].message.en.contains("RECIST 1.1 reading (PR)"));
    assert!(findings[0].message.en.contains("computed response (SD)"));
    let mut answered = follow_up.clone();
    answered.insert(
        "query_answer".into(),
        json!("Reader used the arterial phase; re-read"),
    );
    assert!(r.validate_draft(form, "new", &answered, TODAY).is_empty());
    t.create(
        "tumor_assessment",
        serde_json::to_value(&answered).expect("json"),
    );
    let responses = t.record().responses().expect("a series");
    let codes: Vec<(&str, &str)> = responses
        .iter()
        .map(|(c, e)| {
            let e = e.as_ref().expect("valid baseline");
            (c.name(), e.timepoints[0].overall.code())
        })
        .collect();
    assert_eq!(codes, [("mrecist", "PR"), ("recist11", "SD")]);
    // A visit date before enrollment is still refused for a follow-up table.
    let mut early = answered.clone();
    early.insert("date".into(), json!("2024-12-20"));
    assert!(r
        .validate_draft(form, "new", &early, TODAY)
        .iter()
        .any(|f| f.field == "date"));
}

#[test]
fn an_adverse_event_names_relation_and_action_for_every_agent_received_by_its_onset() {
    let mut t = enrolled_patient();
    t.create(
        "systemic",
        json!({"agent": "lenvatinib", "start_date": "2025-01-05", "dose": "8 mg"}),
    );
    t.create(
        "systemic",
        json!({"agent": "sintilimab", "start_date": "2025-03-01", "dose": "200 mg"}),
    );
    let r = t.record();
    assert_eq!(r.agents_received(None), ["lenvatinib", "sintilimab"]);
    let form = study().form("adverse_event").expect("form");
    let mut ae = values(
        json!({"term": "Hypertension", "grade": "3", "onset_date": "2025-02-01",
        "serious": true, "sae_criteria": ["hospitalization"], "relation_tace": "unlikely",
        "outcome": "recovering"}),
    );
    let findings = r.validate_draft(form, "new", &ae, TODAY);
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].field, "agents");
    // Sintilimab started after the onset: only lenvatinib is asked for.
    assert!(
        findings[0].message.en.ends_with("Lenvatinib (TKI)."),
        "{}",
        findings[0].message.en
    );
    ae.insert(
        "agents".into(),
        json!([{"agent": "lenvatinib", "relation": "probable", "action": "reduced"}]),
    );
    assert!(r.validate_draft(form, "new", &ae, TODAY).is_empty());
    // Serious needs its criteria.
    ae.remove("sae_criteria");
    let findings = r.validate_draft(form, "new", &ae, TODAY);
    assert_eq!(findings[0].field, "sae_criteria");
    // An unknown code is refused.
    ae.insert("sae_criteria".into(), json!(["hospitalization"]));
    ae.insert(
        "agents".into(),
        json!([{"agent": "lenvatinib", "relation": "sure", "action": "reduced"}]),
    );
    assert!(r
        .validate_draft(form, "new", &ae, TODAY)
        .iter()
        .any(|f| f.field == "agents"));
}

#[test]
fn baseline_rules_are_enforced_as_targets_are_chosen() {
    let r = enrolled_patient().record();
    let form = study().form("tumor_assessment").expect("form");
    let baseline = |targets: serde_json::Value| {
        values(json!({"date": "2024-12-28", "modality": "ct",
                      "lesions": {"timepoint": "baseline", "targets": targets}}))
    };
    let ok = baseline(json!([{"id": "T1", "organ": "liver", "diameter_mm": 40,
                               "viable_diameter_mm": 35, "arterial_enhancement": true}]));
    assert!(r.validate_draft(form, "new", &ok, TODAY).is_empty());
    // Three liver targets: RECIST allows two per organ.
    let three: Vec<serde_json::Value> = (1..=3)
        .map(|k| {
            json!({"id": format!("T{k}"), "organ": "liver", "diameter_mm": 30,
                        "viable_diameter_mm": 30, "arterial_enhancement": true})
        })
        .collect();
    let f = r.validate_draft(form, "new", &baseline(json!(three)), TODAY);
    assert_eq!((f.len(), f[0].severity), (1, Severity::Error), "{f:?}");
    // No arterial enhancement: not an mRECIST target, still a RECIST one: a warning.
    let plain = baseline(json!([{"id": "T1", "organ": "liver", "diameter_mm": 40,
                                  "viable_diameter_mm": 35, "arterial_enhancement": false}]));
    let f = r.validate_draft(form, "new", &plain, TODAY);
    assert_eq!((f.len(), f[0].severity), (1, Severity::Warning), "{f:?}");
}

#[test]
fn baseline_messages_come_in_both_languages() {
    let r = enrolled_patient().record();
    let form = study().form("tumor_assessment").expect("form");
    let six: Vec<serde_json::Value> = (1..=6)
        .map(|k| {
            json!({"id": format!("T{k}"), "organ": format!("organ {k}"), "diameter_mm": 30,
                        "viable_diameter_mm": 30, "arterial_enhancement": true})
        })
        .collect();
    let v = values(json!({"date": "2024-12-28", "modality": "ct",
                          "lesions": {"timepoint": "baseline", "targets": six}}));
    let f = r.validate_draft(form, "new", &v, TODAY);
    assert_eq!(
        f[0].message.en,
        "Baseline not valid for RECIST 1.1: 6 target lesions at baseline; at most 5 are allowed."
    );
    assert_eq!(
        f[0].message.zh,
        "基线不符合 RECIST 1.1：基线靶病灶 6 个；最多 5 个。"
    );
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
