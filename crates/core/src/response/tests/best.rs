//! Tests of the best overall response: the 42-day SD rule, confirmation and its parameters, progression ends counting, baseline rules, reappearance after CR, target eligibility.

use super::*;

#[test]
fn sd_counts_for_best_response_only_from_42_days_after_enrollment() {
    // Enrollment 2023-03-27: 41 days is 2023-05-07, 42 days is 2023-05-08.
    let early = series(30.0, &[("2023-05-07", json!(28.0))]);
    let e = evaluate(&early, Criteria::Recist11).unwrap();
    assert_eq!(e.best_overall_response.unconfirmed, Ne);
    let on_time = series(30.0, &[("2023-05-08", json!(28.0))]);
    assert_eq!(
        evaluate(&on_time, Criteria::Recist11)
            .unwrap()
            .best_overall_response
            .unconfirmed,
        Sd
    );
    let then_pd = series(
        30.0,
        &[("2023-05-07", json!(28.0)), ("2023-06-19", json!(40.0))],
    );
    assert_eq!(
        evaluate(&then_pd, Criteria::Recist11)
            .unwrap()
            .best_overall_response
            .unconfirmed,
        Pd
    );
}

#[test]
fn confirmation_needs_a_later_response_at_least_28_days_after() {
    // PR on 05-08, PR again 27 days later (06-04): unconfirmed; 28 days later (06-05): confirmed.
    let s = |second: &str| series(50.0, &[("2023-05-08", json!(30.0)), (second, json!(30.0))]);
    let b = |s: &Series| {
        evaluate(s, Criteria::Recist11)
            .unwrap()
            .best_overall_response
    };
    assert_eq!(
        b(&s("2023-06-04")),
        BestResponse {
            unconfirmed: Pr,
            confirmed: Sd
        }
    );
    assert_eq!(
        b(&s("2023-06-05")),
        BestResponse {
            unconfirmed: Pr,
            confirmed: Pr
        }
    );
    // CR confirmed by CR; CR followed only by PR confirms a PR.
    let cr = series(
        50.0,
        &[("2023-05-08", json!(0.0)), ("2023-06-19", json!(0.0))],
    );
    assert_eq!(
        b(&cr),
        BestResponse {
            unconfirmed: Cr,
            confirmed: Cr
        }
    );
    // An unconfirmed CR followed by PD (0 -> 20 mm over a nadir of 0) is SD when the SD
    // duration is met (RECIST 1.1 table 3), here exactly 42 days after enrollment.
    let cr_pd = series(
        50.0,
        &[("2023-05-08", json!(0.0)), ("2023-06-19", json!(20.0))],
    );
    assert_eq!(
        b(&cr_pd),
        BestResponse {
            unconfirmed: Cr,
            confirmed: Sd
        }
    );
}

#[test]
fn responses_after_progression_do_not_count() {
    let s = series(
        50.0,
        &[("2023-05-08", json!(70.0)), ("2023-06-19", json!(20.0))],
    );
    let e = evaluate(&s, Criteria::Recist11).unwrap();
    assert_eq!(e.best_overall_response.unconfirmed, Pd);
    assert_eq!(e.best_pct_change, Some(40.0));
}

#[test]
fn baseline_rules_are_enforced() {
    let target = |id: &str, organ: &str, mm: f64| json!({"id": id, "organ": organ, "diameter_mm": mm, "viable_diameter_mm": mm, "arterial_enhancement": true});
    let base = |targets: Vec<Value>| {
        from(json!({"enrollment_date": "2023-03-27",
        "baseline": {"date": "2023-03-17", "targets": targets}}))
    };
    let six: Vec<Value> = ["liver", "liver", "lung", "lung", "bone", "adrenal"]
        .iter()
        .enumerate()
        .map(|(i, o)| target(&format!("T{i}"), o, 20.0))
        .collect();
    assert!(matches!(
        evaluate(&base(six), Criteria::Recist11),
        Err(BaselineError::TooManyTargets(6))
    ));
    let three_liver = vec![
        target("A", "liver", 20.0),
        target("B", "Liver", 20.0),
        target("C", "liver", 20.0),
    ];
    assert!(matches!(
        evaluate(&base(three_liver), Criteria::Recist11),
        Err(BaselineError::TooManyInOrgan { .. })
    ));
    assert!(matches!(
        evaluate(&base(vec![target("A", "liver", 9.9)]), Criteria::Recist11),
        Err(BaselineError::NotMeasurable { .. })
    ));
    assert!(evaluate(&base(vec![target("A", "liver", 10.0)]), Criteria::Recist11).is_ok());
    let node =
        |axis: f64| json!({"id": "N", "organ": "lymph node", "nodal": true, "diameter_mm": axis});
    assert!(matches!(
        evaluate(&base(vec![node(14.9)]), Criteria::Recist11),
        Err(BaselineError::NotMeasurable { .. })
    ));
    assert!(evaluate(&base(vec![node(15.0)]), Criteria::Recist11).is_ok());
    let flat = json!({"id": "A", "organ": "liver", "diameter_mm": 30, "viable_diameter_mm": 30, "arterial_enhancement": false});
    assert!(matches!(
        evaluate(&base(vec![flat.clone()]), Criteria::Mrecist),
        Err(BaselineError::NotEnhancing(_))
    ));
    assert!(evaluate(&base(vec![flat]), Criteria::Recist11).is_ok());
}

/// The overall responses of a series given directly, for the confirmation rules (50 mm target
/// and a non-target: CR = target gone and non-target absent; PR = 30 mm, or a CR whose non-target
/// was not evaluated; SD = 35.5 mm, within 20% of a 30 mm nadir; NE = target not evaluated).
fn by_overall(follow: &[(&str, Response)], params: Value) -> BestResponse {
    let mut gone = false;
    let assessments: Vec<Value> = follow
        .iter()
        .map(|(d, r)| {
            let (mm, nt) = match r {
                Cr => (json!(0.0), "absent"),
                Pr if gone => (json!(0.0), "not_evaluated"),
                Pr => (json!(30.0), "present"),
                Sd => (json!(35.5), "present"),
                Ne => (json!("not_evaluated"), "present"),
                _ => unreachable!("only CR, PR, SD, NE are used"),
            };
            gone |= *r == Cr;
            json!({"date": d, "targets": {"T1": {"diameter_mm": mm, "viable_diameter_mm": mm}},
                   "non_targets": {"NT1": nt}})
        })
        .collect();
    let s = from(json!({
        "enrollment_date": "2023-01-02", "parameters": params,
        "baseline": {"date": "2023-01-01", "targets": [{"id": "T1", "organ": "liver",
            "diameter_mm": 50, "viable_diameter_mm": 50, "arterial_enhancement": true}],
            "non_targets": [{"id": "NT1", "organ": "lung"}]},
        "assessments": assessments}));
    let e = evaluate(&s, Criteria::Recist11).unwrap();
    let got: Vec<Response> = e.timepoints.iter().map(|t| t.overall).collect();
    assert_eq!(
        got,
        follow.iter().map(|f| f.1).collect::<Vec<_>>(),
        "fixture"
    );
    e.best_overall_response
}

#[test]
fn confirmation_is_broken_by_an_sd_between_unless_accepted() {
    let visits = [("2023-03-01", Pr), ("2023-03-15", Sd), ("2023-04-12", Pr)];
    assert_eq!(by_overall(&visits, json!({})).confirmed, Sd);
    let accepted = by_overall(&visits, json!({"accept_sd_between": true}));
    assert_eq!(accepted.confirmed, Pr);
    // Accepting SD accepts one, not two.
    let two = [
        ("2023-03-01", Pr),
        ("2023-03-15", Sd),
        ("2023-03-22", Sd),
        ("2023-04-12", Pr),
    ];
    assert_eq!(
        by_overall(&two, json!({"accept_sd_between": true})).confirmed,
        Sd
    );
}

#[test]
fn confirmation_allows_at_most_max_ne_between() {
    let one = [("2023-03-01", Pr), ("2023-03-20", Ne), ("2023-04-12", Pr)];
    assert_eq!(by_overall(&one, json!({})).confirmed, Pr);
    let two = [
        ("2023-03-01", Cr),
        ("2023-03-10", Ne),
        ("2023-03-20", Ne),
        ("2023-04-12", Cr),
    ];
    assert_eq!(by_overall(&two, json!({})).confirmed, Sd);
    assert_eq!(by_overall(&two, json!({"max_ne_between": 2})).confirmed, Cr);
    assert_eq!(by_overall(&one, json!({"max_ne_between": 0})).confirmed, Sd);
}

#[test]
fn confirmation_of_a_cr_needs_only_cr_or_ne_between() {
    // CR, PR, CR: the PR between breaks the CR's confirmation; the PR itself is confirmed by
    // the CR 28 days after it.
    let v = [("2023-03-01", Cr), ("2023-03-15", Pr), ("2023-04-12", Cr)];
    assert_eq!(by_overall(&v, json!({})).confirmed, Pr);
    // With the last CR too early to confirm the PR, nothing is confirmed.
    let v = [("2023-03-01", Cr), ("2023-03-20", Pr), ("2023-04-12", Cr)];
    assert_eq!(by_overall(&v, json!({})).confirmed, Sd);
    // PR then CR 28 days later confirms the PR; a CR then PR is not a confirmed PR.
    let pr_cr = [("2023-03-01", Pr), ("2023-03-29", Cr)];
    assert_eq!(by_overall(&pr_cr, json!({})).confirmed, Pr);
    let pr_cr_pr = [("2023-03-01", Pr), ("2023-03-10", Cr), ("2023-03-29", Pr)];
    assert_eq!(by_overall(&pr_cr_pr, json!({})).confirmed, Sd);
}

#[test]
fn confirmation_parameters_are_echoed_with_their_defaults() {
    let p = Parameters::default();
    assert_eq!((p.max_ne_between, p.accept_sd_between), (1, false));
    let v = serde_json::to_value(p).unwrap();
    assert_eq!(v["max_ne_between"], json!(1));
    assert_eq!(v["accept_sd_between"], json!(false));
}

#[test]
fn reappearance_after_cr_is_pd() {
    // The case: a liver target gone and a hilar node at 8 mm (CR), then the node at 12 mm:
    // PD on 2024-06-24 though the sum is only 4 mm above the nadir; best response stays CR.
    let s = from(json!({
        "enrollment_date": "2024-01-08",
        "baseline": {"date": "2024-01-03", "targets": [
            {"id": "T1", "organ": "liver", "diameter_mm": 30},
            {"id": "T2", "organ": "lymph node", "site": "hilum", "nodal": true, "diameter_mm": 18}]},
        "assessments": [
            {"date": "2024-03-04", "targets": {"T1": {"diameter_mm": 0}, "T2": {"diameter_mm": 8}}},
            {"date": "2024-04-29", "targets": {"T1": {"diameter_mm": 0}, "T2": {"diameter_mm": 8}}},
            {"date": "2024-06-24", "targets": {"T1": {"diameter_mm": 0}, "T2": {"diameter_mm": 12}}}]}));
    let e = evaluate(&s, Criteria::Recist11).unwrap();
    assert_eq!(targets(&s, Criteria::Recist11), [Cr, Cr, Pd]);
    assert_eq!(
        e.progression_date,
        Some(time::macros::date!(2024 - 06 - 24))
    );
    assert_eq!(
        e.best_overall_response,
        BestResponse {
            unconfirmed: Cr,
            confirmed: Cr
        }
    );
    // A non-nodal target reappearing, even too small to measure, is PD after a CR.
    let back = series(
        50.0,
        &[
            ("2023-05-08", json!(0.0)),
            ("2023-06-19", json!("too_small")),
        ],
    );
    assert_eq!(targets(&back, Criteria::Recist11), [Cr, Pd]);
    // mRECIST: viable tumor reappearing after an mRECIST CR.
    assert_eq!(targets(&back, Criteria::Mrecist), [Cr, Pd]);
    // Without a CR before, the same values follow the sum rules.
    let no_cr = series(
        50.0,
        &[("2023-05-08", json!(3.0)), ("2023-06-19", json!(5.0))],
    );
    assert_eq!(targets(&no_cr, Criteria::Recist11), [Pr, Pr]);
}

#[test]
fn only_measurable_kinds_may_be_targets() {
    let base = |target: Value| {
        from(json!({"enrollment_date": "2023-03-27",
            "baseline": {"date": "2023-03-17", "targets": [target]}}))
    };
    for kind in ["effusion", "bone_without_soft_tissue", "infiltrative"] {
        let t = json!({"id": "T1", "organ": "liver", "kind": kind, "diameter_mm": 40,
                       "viable_diameter_mm": 40, "arterial_enhancement": true});
        for c in [Criteria::Recist11, Criteria::Mrecist] {
            let err = evaluate(&base(t.clone()), c).unwrap_err();
            assert!(
                matches!(err, BaselineError::NotMeasurableKind { .. }),
                "{kind}"
            );
            assert!(err.to_string().contains("not measurable"), "{err}");
        }
    }
    // Tumor thrombus: always a non-target in mRECIST.
    let pvtt = json!({"id": "T1", "organ": "portal vein", "kind": "tumor_thrombus",
                      "diameter_mm": 25, "viable_diameter_mm": 25});
    let err = evaluate(&base(pvtt.clone()), Criteria::Mrecist).unwrap_err();
    assert!(err.to_string().contains("tumor thrombus"), "{err}");
    assert!(evaluate(&base(pvtt), Criteria::Recist11).is_ok());
    // `nodal: true` is `kind: node`; a contradiction is refused.
    let node = json!({"id": "N1", "organ": "lymph node", "kind": "node", "diameter_mm": 15});
    assert!(evaluate(&base(node), Criteria::Recist11).is_ok());
    let both = json!({"id": "N1", "organ": "lymph node", "nodal": true, "kind": "lesion", "diameter_mm": 15});
    assert!(evaluate(&base(both), Criteria::Recist11).is_err());
    // Unknown kinds are refused when read.
    assert!(serde_json::from_value::<Series>(json!({"enrollment_date": "2023-03-27",
        "baseline": {"date": "2023-03-17", "targets": [{"id": "T1", "organ": "liver", "kind": "cyst"}]}})).is_err());
}

#[test]
fn all_lymph_nodes_are_one_organ() {
    let node = |id: &str, organ: &str| json!({"id": id, "organ": organ, "nodal": true, "diameter_mm": 20, "viable_diameter_mm": 20});
    let s = from(json!({"enrollment_date": "2023-03-27",
        "baseline": {"date": "2023-03-17", "targets": [
            node("N1", "hilum"), node("N2", "celiac"), node("N3", "retroperitoneum")]}}));
    assert!(matches!(
        evaluate(&s, Criteria::Recist11),
        Err(BaselineError::TooManyInOrgan { .. })
    ));
}

#[test]
fn mrecist_porta_hepatis_target_node_needs_20_mm() {
    let s = |axis: f64| {
        from(json!({"enrollment_date": "2023-03-27",
            "baseline": {"date": "2023-03-17", "targets": [{"id": "N1", "organ": "lymph node",
                "site": "porta hepatis", "nodal": true, "diameter_mm": axis, "viable_diameter_mm": axis}]}}))
    };
    assert!(matches!(
        evaluate(&s(18.0), Criteria::Mrecist),
        Err(BaselineError::NotMeasurable { min, .. }) if min == 20.0
    ));
    assert!(evaluate(&s(20.0), Criteria::Mrecist).is_ok());
    assert!(evaluate(&s(18.0), Criteria::Recist11).is_ok());
}

#[test]
fn mrecist_bland_new_thrombus_is_not_a_new_lesion() {
    let s = |enhancing: Option<bool>| {
        from(json!({"enrollment_date": "2023-03-27",
            "baseline": {"date": "2023-03-17", "targets": [{"id": "T1", "organ": "liver",
                "diameter_mm": 40, "viable_diameter_mm": 40, "arterial_enhancement": true}]},
            "assessments": [{"date": "2023-05-08", "targets": {"T1": {"diameter_mm": 40, "viable_diameter_mm": 40}},
                "new_lesions": [{"id": "V1", "organ": "portal vein", "kind": "tumor_thrombus",
                                 "arterial_enhancement": enhancing}]}]}))
    };
    assert_eq!(overall(&s(Some(false)), Criteria::Mrecist), [Sd]);
    assert_eq!(overall(&s(None), Criteria::Mrecist), [Sd]);
    assert_eq!(overall(&s(Some(true)), Criteria::Mrecist), [Pd]);
    // RECIST 1.1 has no enhancement rule: the reader's certainty decides.
    assert_eq!(overall(&s(Some(false)), Criteria::Recist11), [Pd]);
}
