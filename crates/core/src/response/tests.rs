//! Rule-by-rule tests, each named after the rule it pins, both sides of every boundary.

use serde_json::{json, Value};

use super::*;

/// A series with one liver target of `base` mm (RECIST and viable alike) and follow-ups given as
/// (date, target mm) pairs; `extra` is merged into the baseline.
fn series(base: f64, follow: &[(&str, Value)]) -> Series {
    let assessments: Vec<Value> = follow
        .iter()
        .map(|(date, t1)| json!({"date": date, "targets": {"T1": {"diameter_mm": t1, "viable_diameter_mm": t1}}}))
        .collect();
    serde_json::from_value(json!({
        "enrollment_date": "2023-03-27",
        "baseline": {"date": "2023-03-17", "targets": [
            {"id": "T1", "organ": "liver", "nodal": false, "diameter_mm": base,
             "viable_diameter_mm": base, "arterial_enhancement": true}]},
        "assessments": assessments,
    }))
    .unwrap()
}

fn from(v: Value) -> Series {
    serde_json::from_value(v).unwrap()
}

fn targets(s: &Series, c: Criteria) -> Vec<Response> {
    evaluate(s, c)
        .unwrap()
        .timepoints
        .iter()
        .map(|t| t.target)
        .collect()
}

fn overall(s: &Series, c: Criteria) -> Vec<Response> {
    evaluate(s, c)
        .unwrap()
        .timepoints
        .iter()
        .map(|t| t.overall)
        .collect()
}

use Response::*;

#[test]
fn pr_needs_30_percent_decrease_from_baseline() {
    // 50 -> 35 is exactly -30%; 35.5 is -29%.
    let s = series(
        50.0,
        &[("2023-05-08", json!(35.0)), ("2023-06-19", json!(35.5))],
    );
    assert_eq!(targets(&s, Criteria::Recist11), [Pr, Sd]);
}

#[test]
fn pd_needs_20_percent_and_5_mm() {
    // Nadir 20: 24 is +20% but only +4 mm (RECIST SD; mRECIST, without the 5 mm rule, PD).
    let s = series(20.0, &[("2023-05-08", json!(24.0))]);
    assert_eq!(targets(&s, Criteria::Recist11), [Sd]);
    assert_eq!(targets(&s, Criteria::Mrecist), [Pd]);
    // Nadir 50: 59.9 is +19.8% (SD), 60 is +20% and +10 mm (PD).
    assert_eq!(
        targets(
            &series(50.0, &[("2023-05-08", json!(59.9))]),
            Criteria::Recist11
        ),
        [Sd]
    );
    assert_eq!(
        targets(
            &series(50.0, &[("2023-05-08", json!(60.0))]),
            Criteria::Recist11
        ),
        [Pd]
    );
}

#[test]
fn pd_is_measured_from_the_nadir_not_the_baseline() {
    // 50 -> 30 (PR, nadir 30) -> 36 (+20% and +6 mm over the nadir, still -28% from baseline).
    let s = series(
        50.0,
        &[("2023-05-08", json!(30.0)), ("2023-06-19", json!(36.0))],
    );
    let e = evaluate(&s, Criteria::Recist11).unwrap();
    assert_eq!(
        e.timepoints.iter().map(|t| t.target).collect::<Vec<_>>(),
        [Pr, Pd]
    );
    assert_eq!(e.timepoints[1].nadir_mm, 30.0);
    assert!((e.timepoints[1].pct_change_from_nadir.unwrap() - 20.0).abs() < 1e-9);
    assert!((e.timepoints[1].pct_change_from_baseline.unwrap() + 28.0).abs() < 1e-9);
    assert_eq!(
        e.progression_date,
        Some(time::macros::date!(2023 - 06 - 19))
    );
}

#[test]
fn cr_needs_every_non_nodal_target_gone_and_nodes_below_10_mm() {
    let s = |node: f64| {
        from(json!({"enrollment_date": "2023-03-27",
            "baseline": {"date": "2023-03-17", "targets": [
                {"id": "T1", "organ": "liver", "diameter_mm": 30, "viable_diameter_mm": 30, "arterial_enhancement": true},
                {"id": "N1", "organ": "lymph node", "nodal": true, "diameter_mm": 18, "viable_diameter_mm": 18}]},
            "assessments": [{"date": "2023-05-08", "targets": {
                "T1": {"diameter_mm": 0, "viable_diameter_mm": 0},
                "N1": {"diameter_mm": node, "viable_diameter_mm": node}}}]}))
    };
    assert_eq!(targets(&s(9.9), Criteria::Recist11), [Cr]);
    assert_eq!(targets(&s(10.0), Criteria::Recist11), [Pr]);
    let e = evaluate(&s(9.0), Criteria::Recist11).unwrap();
    assert_eq!(
        e.timepoints[0].sum_mm,
        Some(9.0),
        "node short axes stay in the sum"
    );
}

#[test]
fn too_small_counts_5_mm_and_is_not_cr() {
    let s = series(30.0, &[("2023-05-08", json!("too_small"))]);
    let e = evaluate(&s, Criteria::Recist11).unwrap();
    assert_eq!(e.timepoints[0].sum_mm, Some(5.0));
    assert_eq!(e.timepoints[0].target, Pr);
}

#[test]
fn not_evaluated_target_is_ne_unless_the_rest_already_proves_pd() {
    let two = |t2: Value| {
        from(json!({"enrollment_date": "2023-03-27",
            "baseline": {"date": "2023-03-17", "targets": [
                {"id": "T1", "organ": "liver", "diameter_mm": 30, "viable_diameter_mm": 30, "arterial_enhancement": true},
                {"id": "T2", "organ": "lung", "diameter_mm": 20, "viable_diameter_mm": 20}]},
            "assessments": [{"date": "2023-05-08", "targets": {
                "T1": {"diameter_mm": t2.clone(), "viable_diameter_mm": t2},
                "T2": {"diameter_mm": "not_evaluated", "viable_diameter_mm": "not_evaluated"}}}]}))
    };
    assert_eq!(targets(&two(json!(40)), Criteria::Recist11), [Ne]);
    // 60 alone is already >= 1.2 x 50 and +10 mm.
    let e = evaluate(&two(json!(60)), Criteria::Recist11).unwrap();
    assert_eq!(e.timepoints[0].target, Pd);
    assert_eq!(e.timepoints[0].sum_mm, None);
}

#[test]
fn split_lesions_are_summed_and_merged_ones_count_zero() {
    let s = from(json!({"enrollment_date": "2023-03-27",
        "baseline": {"date": "2023-03-17", "targets": [
            {"id": "T1", "organ": "liver", "diameter_mm": 30, "viable_diameter_mm": 30, "arterial_enhancement": true},
            {"id": "T2", "organ": "liver", "diameter_mm": 20, "viable_diameter_mm": 20, "arterial_enhancement": true}]},
        "assessments": [
            {"date": "2023-05-08", "targets": {"T1": {"diameter_mm": {"fragments": [12, 8]}}, "T2": {"diameter_mm": 15}}},
            {"date": "2023-06-19", "targets": {"T1": {"diameter_mm": 40}, "T2": {"diameter_mm": {"merged_into": "T1"}}}}]}));
    let e = evaluate(&s, Criteria::Recist11).unwrap();
    assert_eq!(e.timepoints[0].sum_mm, Some(35.0));
    assert_eq!(e.timepoints[1].sum_mm, Some(40.0));
}

#[test]
fn unequivocal_new_lesion_is_pd_and_equivocal_is_not() {
    let s = |certainty: &str| {
        from(json!({"enrollment_date": "2023-03-27",
            "baseline": {"date": "2023-03-17", "targets": [
                {"id": "T1", "organ": "lung", "diameter_mm": 30, "viable_diameter_mm": 30}]},
            "assessments": [{"date": "2023-05-08", "targets": {"T1": {"diameter_mm": 20, "viable_diameter_mm": 20}},
                "new_lesions": [{"id": "N1", "organ": "bone", "kind": "lesion", "certainty": certainty}]}]}))
    };
    let e = evaluate(&s("unequivocal"), Criteria::Recist11).unwrap();
    assert_eq!(
        (e.timepoints[0].new_lesions, e.timepoints[0].overall),
        (NewLesionCall::Yes, Pd)
    );
    let e = evaluate(&s("equivocal"), Criteria::Recist11).unwrap();
    assert_eq!(
        (e.timepoints[0].new_lesions, e.timepoints[0].overall),
        (NewLesionCall::Equivocal, Pr)
    );
}

#[test]
fn new_equivocal_lesion_backdates_pd_when_confirmed() {
    let s = from(json!({"enrollment_date": "2023-03-27",
        "baseline": {"date": "2023-03-17", "targets": [
            {"id": "T1", "organ": "lung", "diameter_mm": 30, "viable_diameter_mm": 30}]},
        "assessments": [
            {"date": "2023-05-08", "targets": {"T1": {"diameter_mm": 28}},
             "new_lesions": [{"id": "N1", "organ": "bone", "certainty": "equivocal"}]},
            {"date": "2023-06-19", "targets": {"T1": {"diameter_mm": 28}},
             "new_lesions": [{"id": "N1", "organ": "bone", "certainty": "unequivocal"}]}]}));
    let e = evaluate(&s, Criteria::Recist11).unwrap();
    assert_eq!(
        e.progression_date,
        Some(time::macros::date!(2023 - 05 - 08))
    );
    assert_eq!(e.timepoints[0].overall, Pd);
    assert_eq!(e.best_overall_response.unconfirmed, Pd);
}

#[test]
fn mrecist_new_liver_lesion_needs_10_mm_and_the_typical_pattern() {
    let s = |size: f64, typical: bool| {
        from(json!({"enrollment_date": "2023-03-27",
            "baseline": {"date": "2023-03-17", "targets": [
                {"id": "T1", "organ": "liver", "diameter_mm": 30, "viable_diameter_mm": 30, "arterial_enhancement": true}]},
            "assessments": [{"date": "2023-05-08", "targets": {"T1": {"diameter_mm": 30, "viable_diameter_mm": 30}},
                "new_lesions": [{"id": "N1", "organ": "liver", "size_mm": size, "typical_hcc_pattern": typical}]}]}))
    };
    let call = |s: &Series, c| evaluate(s, c).unwrap().timepoints[0].new_lesions;
    assert_eq!(call(&s(10.0, true), Criteria::Mrecist), NewLesionCall::Yes);
    assert_eq!(
        call(&s(9.0, true), Criteria::Mrecist),
        NewLesionCall::Equivocal
    );
    assert_eq!(
        call(&s(15.0, false), Criteria::Mrecist),
        NewLesionCall::Equivocal
    );
    assert_eq!(call(&s(9.0, true), Criteria::Recist11), NewLesionCall::Yes);
}

#[test]
fn mrecist_atypical_lesion_growing_10_mm_is_pd() {
    let visits = |sizes: &[(&str, f64)]| {
        let assessments: Vec<Value> = sizes
            .iter()
            .map(|(date, size)| json!({"date": date, "targets": {"T1": {"viable_diameter_mm": 30}},
                "new_lesions": [{"id": "N1", "organ": "liver", "size_mm": size, "typical_hcc_pattern": false}]}))
            .collect();
        from(json!({"enrollment_date": "2023-03-27",
            "baseline": {"date": "2023-03-17", "targets": [
                {"id": "T1", "organ": "liver", "diameter_mm": 30, "viable_diameter_mm": 30, "arterial_enhancement": true}]},
            "assessments": assessments}))
    };
    let calls = |s: &Series| {
        evaluate(s, Criteria::Mrecist)
            .unwrap()
            .timepoints
            .iter()
            .map(|t| t.new_lesions)
            .collect::<Vec<_>>()
    };
    // 8 -> 17.9 mm is 9.9 mm of growth: still equivocal, no progression.
    let two = visits(&[("2023-05-08", 8.0), ("2023-06-19", 17.9)]);
    assert_eq!(
        calls(&two),
        [NewLesionCall::Equivocal, NewLesionCall::Equivocal]
    );
    assert_eq!(
        evaluate(&two, Criteria::Mrecist).unwrap().progression_date,
        None
    );
    // 8 -> 18 mm: 10 mm of growth proves the lesion, and progression dates back to its first visit.
    let three = visits(&[
        ("2023-05-08", 8.0),
        ("2023-06-19", 17.9),
        ("2023-08-01", 18.0),
    ]);
    assert_eq!(calls(&three), [NewLesionCall::Yes; 3]);
    assert_eq!(
        evaluate(&three, Criteria::Mrecist)
            .unwrap()
            .progression_date,
        Some(time::macros::date!(2023 - 05 - 08))
    );
}

#[test]
fn mrecist_porta_hepatis_node_is_malignant_from_20_mm() {
    let s = |axis: f64| {
        from(json!({"enrollment_date": "2023-03-27",
            "baseline": {"date": "2023-03-17", "targets": [
                {"id": "T1", "organ": "liver", "diameter_mm": 30, "viable_diameter_mm": 30, "arterial_enhancement": true}]},
            "assessments": [{"date": "2023-05-08", "targets": {"T1": {"diameter_mm": 30, "viable_diameter_mm": 30}},
                "new_lesions": [{"organ": "porta hepatis", "kind": "node", "short_axis_mm": axis}]}]}))
    };
    let call = |s: &Series, c| evaluate(s, c).unwrap().timepoints[0].new_lesions;
    assert_eq!(call(&s(19.0), Criteria::Mrecist), NewLesionCall::No);
    assert_eq!(call(&s(20.0), Criteria::Mrecist), NewLesionCall::Yes);
    assert_eq!(call(&s(10.0), Criteria::Recist11), NewLesionCall::Yes);
    assert_eq!(call(&s(9.0), Criteria::Recist11), NewLesionCall::No);
}

#[test]
fn effusion_is_pd_only_with_positive_cytology() {
    let s = |cytology: &str| {
        from(json!({"enrollment_date": "2023-03-27",
            "baseline": {"date": "2023-03-17", "targets": [
                {"id": "T1", "organ": "liver", "diameter_mm": 30, "viable_diameter_mm": 30, "arterial_enhancement": true}]},
            "assessments": [{"date": "2023-05-08", "targets": {"T1": {"diameter_mm": 30, "viable_diameter_mm": 30}},
                "effusion": {"kind": "ascites", "change": "new", "cytology": cytology}}]}))
    };
    assert_eq!(overall(&s("negative"), Criteria::Mrecist), [Sd]);
    assert_eq!(overall(&s("not_done"), Criteria::Mrecist), [Sd]);
    assert_eq!(overall(&s("positive"), Criteria::Mrecist), [Pd]);
}

#[test]
fn non_target_statuses_and_the_overall_table() {
    let s = |t1: f64, nt: &str| {
        from(json!({"enrollment_date": "2023-03-27",
            "baseline": {"date": "2023-03-17",
                "targets": [{"id": "T1", "organ": "liver", "diameter_mm": 30, "viable_diameter_mm": 30, "arterial_enhancement": true}],
                "non_targets": [{"id": "NT1", "organ": "portal vein", "kind": "tumor_thrombus"}]},
            "assessments": [{"date": "2023-05-08", "targets": {"T1": {"diameter_mm": t1, "viable_diameter_mm": t1}},
                "non_targets": {"NT1": nt}}]}))
    };
    let tp = |s: &Series| {
        let t = &evaluate(s, Criteria::Mrecist).unwrap().timepoints[0];
        (t.target, t.non_target, t.overall)
    };
    assert_eq!(tp(&s(0.0, "absent")), (Cr, Cr, Cr));
    assert_eq!(tp(&s(0.0, "present")), (Cr, NonCrNonPd, Pr));
    assert_eq!(tp(&s(0.0, "not_evaluated")), (Cr, Ne, Pr));
    assert_eq!(tp(&s(20.0, "present")), (Pr, NonCrNonPd, Pr));
    assert_eq!(tp(&s(28.0, "not_evaluated")), (Sd, Ne, Sd));
    assert_eq!(tp(&s(20.0, "unequivocal_progression")), (Pr, Pd, Pd));
}

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
