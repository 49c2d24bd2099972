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

mod best;

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
