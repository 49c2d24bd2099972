//! Tests of the chemistry terms: liver enzymes, bilirubin, creatinine, INR, electrolytes.

use super::*;

#[test]
fn alt_baseline_normal_uses_multiples_of_uln() {
    check(
        "ALT",
        "U/L",
        None,
        Some(40.0),
        "Alanine aminotransferase increased",
        &[
            (40.0, 0),
            (40.1, 1),
            (120.0, 1),
            (120.1, 2),
            (200.0, 2),
            (200.1, 3),
            (800.0, 3),
            (800.1, 4),
        ],
    );
}

#[test]
fn alt_baseline_abnormal_uses_multiples_of_baseline() {
    let at = |value: f64| {
        let mut l = lab("ALT", value, "U/L", None, Some(40.0));
        l.baseline = Some(80.0);
        grade_of(&l, "Alanine aminotransferase increased")
    };
    // 1.5 x 80 = 120 (inclusive), 3 x = 240, 5 x = 400, 20 x = 1600.
    assert_eq!(
        [
            at(119.9),
            at(120.0),
            at(240.0),
            at(240.1),
            at(400.1),
            at(1600.1)
        ],
        [0, 1, 1, 2, 3, 4]
    );
    // A baseline at the ULN is normal.
    let mut l = lab("ALT", 100.0, "U/L", None, Some(40.0));
    l.baseline = Some(40.0);
    assert_eq!(grade_of(&l, "Alanine aminotransferase increased"), 1);
}

#[test]
fn ast_follows_the_alt_rule() {
    check(
        "AST",
        "U/L",
        None,
        Some(35.0),
        "Aspartate aminotransferase increased",
        &[(105.0, 1), (105.1, 2)],
    );
}

#[test]
fn alp_and_ggt_2_5_5_20() {
    for (test, term) in [
        ("ALP", "Alkaline phosphatase increased"),
        ("GGT", "GGT increased"),
    ] {
        check(
            test,
            "U/L",
            None,
            Some(100.0),
            term,
            &[
                (100.0, 0),
                (100.1, 1),
                (250.0, 1),
                (250.1, 2),
                (500.0, 2),
                (500.1, 3),
                (2000.0, 3),
                (2000.1, 4),
            ],
        );
        let mut l = lab(test, 399.9, "U/L", None, Some(100.0));
        l.baseline = Some(200.0);
        assert_eq!(grade_of(&l, term), 0, "{test}: below 2 x baseline");
        l.value = 400.0;
        assert_eq!(grade_of(&l, term), 1, "{test}: 2 x baseline");
        l.value = 500.1;
        assert_eq!(grade_of(&l, term), 2, "{test}: above 2.5 x baseline");
    }
}

#[test]
fn bilirubin_1_5_3_10_and_abnormal_baseline() {
    check(
        "BILI",
        "umol/L",
        None,
        Some(20.0),
        "Blood bilirubin increased",
        &[
            (20.0, 0),
            (20.1, 1),
            (30.0, 1),
            (30.1, 2),
            (60.0, 2),
            (60.1, 3),
            (200.0, 3),
            (200.1, 4),
        ],
    );
    let mut l = lab("BILI", 40.0, "umol/L", None, Some(20.0));
    l.baseline = Some(40.0);
    assert_eq!(
        grade_of(&l, "Blood bilirubin increased"),
        0,
        "equal to an abnormal baseline"
    );
    l.value = 40.1;
    assert_eq!(grade_of(&l, "Blood bilirubin increased"), 1);
    check(
        "BILI",
        "mg/dL",
        None,
        Some(1.2),
        "Blood bilirubin increased",
        &[(1.9, 2)],
    );
}

#[test]
fn creatinine_by_uln_or_baseline() {
    check(
        "CREAT",
        "umol/L",
        None,
        Some(100.0),
        "Creatinine increased",
        &[
            (100.0, 0),
            (100.1, 1),
            (150.0, 1),
            (150.1, 2),
            (300.0, 2),
            (300.1, 3),
            (600.0, 3),
            (600.1, 4),
        ],
    );
    let mut l = lab("CREAT", 90.0, "umol/L", None, Some(100.0));
    l.baseline = Some(50.0);
    assert_eq!(
        grade_of(&l, "Creatinine increased"),
        2,
        "> 1.5 x baseline though below the ULN"
    );
    l.value = 150.1;
    assert_eq!(grade_of(&l, "Creatinine increased"), 3, "> 3 x baseline");
}

#[test]
fn inr_absolute_or_baseline_on_anticoagulation() {
    check(
        "INR",
        "ratio",
        None,
        None,
        "INR increased",
        &[
            (1.2, 0),
            (1.21, 1),
            (1.5, 1),
            (1.51, 2),
            (2.5, 2),
            (2.51, 3),
        ],
    );
    let mut l = lab("INR", 2.0, "ratio", None, None);
    l.on_anticoagulation = true;
    l.baseline = Some(2.0);
    assert_eq!(grade_of(&l, "INR increased"), 0);
    l.value = 3.1;
    assert_eq!(grade_of(&l, "INR increased"), 2);
    l.baseline = None;
    assert_eq!(outcome(&l, "INR increased"), Err("baseline"));
}

#[test]
fn sodium_both_directions() {
    check(
        "SODIUM",
        "mmol/L",
        Some(135.0),
        Some(145.0),
        "Hyponatremia",
        &[
            (135.0, 0),
            (134.0, 1),
            (130.0, 1),
            (129.9, 2),
            (125.0, 2),
            (124.9, 3),
            (120.0, 3),
            (119.9, 4),
        ],
    );
    check(
        "SODIUM",
        "mmol/L",
        Some(135.0),
        Some(145.0),
        "Hypernatremia",
        &[
            (145.0, 0),
            (146.0, 1),
            (150.0, 1),
            (150.1, 2),
            (155.1, 3),
            (160.1, 4),
        ],
    );
}

#[test]
fn potassium_both_directions_and_no_grade_2_hypokalemia_from_a_value() {
    check(
        "K",
        "mmol/L",
        Some(3.5),
        Some(5.3),
        "Hypokalemia",
        &[(3.5, 0), (3.4, 1), (3.0, 1), (2.99, 3), (2.5, 3), (2.49, 4)],
    );
    check(
        "K",
        "mmol/L",
        Some(3.5),
        Some(5.3),
        "Hyperkalemia",
        &[
            (5.3, 0),
            (5.4, 1),
            (5.5, 1),
            (5.51, 2),
            (6.0, 2),
            (6.01, 3),
            (7.0, 3),
            (7.01, 4),
        ],
    );
    let terms: Vec<&str> = grade(&lab("K", 4.0, "mmol/L", Some(3.5), Some(5.3)))
        .unwrap()
        .iter()
        .map(|g| g.term)
        .collect();
    assert_eq!(terms, ["Hyperkalemia", "Hypokalemia"]);
}
