//! Tests of what the record gives clinically: proposed adverse events, the response series and its queries, adverse events and agents, baseline rules.

use super::*;

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
