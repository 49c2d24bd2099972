//! Every lab rule at and on both sides of every threshold (CTCAE v5.0 texts in
//! `crates/core/data/ctcae_v5_terms.tsv`).

use super::*;

mod chemistry;

fn lab(test: &str, value: f64, unit: &str, lln: Option<f64>, uln: Option<f64>) -> LabValue {
    LabValue {
        test: test.into(),
        value,
        unit: unit.into(),
        lln,
        uln,
        baseline: None,
        on_anticoagulation: false,
    }
}

/// The grade of `term` for `lab`.
fn grade_of(lab: &LabValue, term: &str) -> u8 {
    grade(lab)
        .unwrap()
        .into_iter()
        .find(|g| g.term == term)
        .unwrap()
        .grade
        .unwrap_or_else(|| panic!("{term} ungraded for {lab:?}"))
}

/// The grade (or the limit it needs) of `term` for `lab`.
fn outcome(lab: &LabValue, term: &str) -> Result<u8, &'static str> {
    let g = grade(lab)
        .unwrap()
        .into_iter()
        .find(|g| g.term == term)
        .unwrap();
    g.grade.ok_or_else(|| g.needs.unwrap())
}

/// Checks (value, grade) pairs for one test and term.
fn check(
    test: &str,
    unit: &str,
    lln: Option<f64>,
    uln: Option<f64>,
    term: &str,
    cases: &[(f64, u8)],
) {
    for &(value, expected) in cases {
        let got = grade_of(&lab(test, value, unit, lln, uln), term);
        assert_eq!(got, expected, "{test} {value} {unit}: {term}");
    }
}

#[test]
fn neutrophils_lln_1_5_1_0_0_5() {
    check(
        "NEUT",
        "10^9/L",
        Some(1.8),
        None,
        "Neutrophil count decreased",
        &[
            (1.8, 0),
            (1.79, 1),
            (1.5, 1),
            (1.49, 2),
            (1.0, 2),
            (0.99, 3),
            (0.5, 3),
            (0.49, 4),
        ],
    );
}

#[test]
fn platelets_lln_75_50_25() {
    check(
        "PLAT",
        "10^9/L",
        Some(100.0),
        None,
        "Platelet count decreased",
        &[
            (100.0, 0),
            (99.0, 1),
            (75.0, 1),
            (74.9, 2),
            (50.0, 2),
            (49.9, 3),
            (40.0, 3),
            (25.0, 3),
            (24.9, 4),
        ],
    );
}

#[test]
fn platelets_in_per_mm3_are_converted() {
    check(
        "PLAT",
        "/mm3",
        Some(100_000.0),
        None,
        "Platelet count decreased",
        &[(40_000.0, 3), (75_000.0, 1)],
    );
}

#[test]
fn white_cells_both_directions() {
    check(
        "WBC",
        "10^9/L",
        Some(3.5),
        Some(9.5),
        "White blood cell decreased",
        &[
            (3.5, 0),
            (3.4, 1),
            (3.0, 1),
            (2.9, 2),
            (2.0, 2),
            (1.9, 3),
            (1.0, 3),
            (0.9, 4),
        ],
    );
    check(
        "WBC",
        "10^9/L",
        Some(3.5),
        Some(9.5),
        "Leukocytosis",
        &[(100.0, 0), (100.1, 3)],
    );
}

#[test]
fn lymphocytes_both_directions() {
    check(
        "LYM",
        "10^9/L",
        Some(1.1),
        Some(3.2),
        "Lymphocyte count decreased",
        &[
            (1.1, 0),
            (1.0, 1),
            (0.8, 1),
            (0.79, 2),
            (0.5, 2),
            (0.49, 3),
            (0.2, 3),
            (0.19, 4),
        ],
    );
    check(
        "LYM",
        "10^9/L",
        Some(1.1),
        Some(3.2),
        "Lymphocyte count increased",
        &[(4.0, 0), (4.01, 2), (20.0, 2), (20.01, 3)],
    );
}

#[test]
fn anemia_lln_100_80_and_g_per_dl() {
    check(
        "HGB",
        "g/L",
        Some(130.0),
        Some(175.0),
        "Anemia",
        &[
            (130.0, 0),
            (129.0, 1),
            (100.0, 1),
            (99.0, 2),
            (80.0, 2),
            (79.0, 3),
        ],
    );
    check(
        "HGB",
        "g/dL",
        Some(13.0),
        Some(17.5),
        "Anemia",
        &[(7.9, 3), (10.0, 1)],
    );
}

#[test]
fn hemoglobin_increased_above_uln_by_20_and_40() {
    check(
        "HGB",
        "g/L",
        Some(130.0),
        Some(175.0),
        "Hemoglobin increased",
        &[
            (175.0, 0),
            (176.0, 1),
            (195.0, 1),
            (196.0, 2),
            (215.0, 2),
            (216.0, 3),
        ],
    );
}

#[test]
fn albumin_lln_30_20() {
    check(
        "ALB",
        "g/L",
        Some(35.0),
        None,
        "Hypoalbuminemia",
        &[
            (35.0, 0),
            (34.9, 1),
            (30.0, 1),
            (29.9, 2),
            (20.0, 2),
            (19.9, 3),
        ],
    );
    check(
        "ALB",
        "g/dL",
        Some(3.5),
        None,
        "Hypoalbuminemia",
        &[(2.9, 2)],
    );
}

#[test]
fn unknown_tests_units_and_bad_values_are_errors() {
    assert!(matches!(
        grade(&lab("XYZ", 1.0, "U/L", None, None)),
        Err(LabError::UnknownTest(_))
    ));
    assert!(matches!(
        grade(&lab("ALT", 1.0, "ukat/L", None, Some(40.0))),
        Err(LabError::UnknownUnit { .. })
    ));
    assert!(matches!(
        grade(&lab("NEUT", -1.0, "10^9/L", Some(1.8), None)),
        Err(LabError::BadValue { .. })
    ));
}

#[test]
fn every_graded_term_is_a_ctcae_v5_term() {
    let tsv = include_str!("../../../../data/ctcae_v5_terms.tsv");
    let terms: Vec<&str> = tsv
        .lines()
        .skip(1)
        .map(|l| l.split('\t').nth(2).unwrap())
        .collect();
    for test in TESTS {
        let l = LabValue {
            test: test.to_string(),
            value: 1.0,
            unit: accepted_units(test).split(", ").next().unwrap().into(),
            lln: Some(1.0),
            uln: Some(1.0),
            baseline: Some(1.0),
            on_anticoagulation: false,
        };
        for g in grade(&l).unwrap() {
            assert!(
                terms.contains(&g.term),
                "{} is not in the CTCAE v5.0 table",
                g.term
            );
        }
    }
}

// Missing limits: a term is ungraded only when its grade depends on the missing limit
// (`bands`: absolute bands first, the limit's band last; CTCAE v5.0 texts, admiral's
// `atoxgr_criteria_ctcv5`).

#[test]
fn absolute_band_grades_without_lln() {
    let no_limits = |test: &str, value: f64, unit: &str, term: &str| {
        outcome(&lab(test, value, unit, None, None), term)
    };
    // The three cases: each is grade 2 whatever the LLN.
    assert_eq!(
        no_limits("NEUT", 1200.0, "/mm3", "Neutrophil count decreased"),
        Ok(2)
    );
    assert_eq!(no_limits("HGB", 9.9, "g/dL", "Anemia"), Ok(2));
    assert_eq!(no_limits("ALB", 2.9, "g/dL", "Hypoalbuminemia"), Ok(2));
    // Every decreased term, at each absolute band.
    for (test, term, cases) in [
        (
            "NEUT",
            "Neutrophil count decreased",
            &[(1.49, 2), (0.99, 3), (0.49, 4)][..],
        ),
        (
            "PLAT",
            "Platelet count decreased",
            &[(74.9, 2), (49.9, 3), (24.9, 4)],
        ),
        (
            "WBC",
            "White blood cell decreased",
            &[(2.9, 2), (1.9, 3), (0.9, 4)],
        ),
        (
            "LYM",
            "Lymphocyte count decreased",
            &[(0.79, 2), (0.49, 3), (0.19, 4)],
        ),
        ("HGB", "Anemia", &[(99.0, 2), (79.0, 3)]),
        ("ALB", "Hypoalbuminemia", &[(29.9, 2), (19.9, 3)]),
        (
            "SODIUM",
            "Hyponatremia",
            &[(129.9, 2), (124.9, 3), (119.9, 4)],
        ),
        ("K", "Hypokalemia", &[(2.99, 3), (2.49, 4)]),
    ] {
        let unit = accepted_units(test).split(", ").next().unwrap();
        for &(value, expected) in cases {
            assert_eq!(
                no_limits(test, value, unit, term),
                Ok(expected),
                "{test} {value}"
            );
        }
    }
}

#[test]
fn grade_0_or_1_depends_on_the_lln_so_it_needs_it() {
    for (test, value, term) in [
        ("NEUT", 1.8, "Neutrophil count decreased"),
        ("NEUT", 1.5, "Neutrophil count decreased"),
        ("PLAT", 75.0, "Platelet count decreased"),
        ("WBC", 3.0, "White blood cell decreased"),
        ("LYM", 0.8, "Lymphocyte count decreased"),
        ("HGB", 100.0, "Anemia"),
        ("ALB", 30.0, "Hypoalbuminemia"),
        ("SODIUM", 130.0, "Hyponatremia"),
        ("K", 3.0, "Hypokalemia"),
    ] {
        let unit = accepted_units(test).split(", ").next().unwrap();
        assert_eq!(
            outcome(&lab(test, value, unit, None, Some(1000.0)), term),
            Err("lln"),
            "{test} {value}"
        );
    }
    assert_eq!(
        outcome(
            &lab("NEUT", 1800.0, "/mm3", None, None),
            "Neutrophil count decreased"
        ),
        Err("lln")
    );
}

#[test]
fn absolute_band_grades_without_uln() {
    let no_limits =
        |test: &str, value: f64, term: &str| outcome(&lab(test, value, "mmol/L", None, None), term);
    for (value, expected) in [(5.51, 2), (6.01, 3), (7.01, 4)] {
        assert_eq!(no_limits("K", value, "Hyperkalemia"), Ok(expected));
    }
    for (value, expected) in [(150.1, 2), (155.1, 3), (160.1, 4)] {
        assert_eq!(no_limits("SODIUM", value, "Hypernatremia"), Ok(expected));
    }
    assert_eq!(no_limits("K", 5.5, "Hyperkalemia"), Err("uln"));
    assert_eq!(no_limits("SODIUM", 150.0, "Hypernatremia"), Err("uln"));
}

#[test]
fn missing_uln_leaves_only_the_increased_term_ungraded() {
    let g = grade(&lab("HGB", 9.9, "g/dL", Some(13.0), None)).unwrap();
    assert_eq!(
        g,
        [
            TermGrade {
                term: "Anemia",
                grade: Some(2),
                needs: None
            },
            TermGrade {
                term: "Hemoglobin increased",
                grade: None,
                needs: Some("uln")
            },
        ]
    );
    // And the other way round: a missing LLN leaves only the decreased term ungraded.
    let k = grade(&lab("K", 6.2, "mmol/L", None, Some(5.3))).unwrap();
    assert_eq!(
        (k[0].grade, k[1].grade, k[1].needs),
        (Some(3), None, Some("lln"))
    );
    // Terms with absolute bands only (leukocytosis) never need a limit.
    let w = grade(&lab("WBC", 120.0, "10^9/L", None, None)).unwrap();
    assert_eq!(
        (w[0].needs, w[1].grade, w[1].needs),
        (Some("lln"), Some(3), None)
    );
}

#[test]
fn multiples_of_the_uln_need_the_uln_even_with_a_baseline() {
    for (test, term) in [
        ("ALT", "Alanine aminotransferase increased"),
        ("AST", "Aspartate aminotransferase increased"),
        ("ALP", "Alkaline phosphatase increased"),
        ("GGT", "GGT increased"),
        ("BILI", "Blood bilirubin increased"),
        ("CREAT", "Creatinine increased"),
    ] {
        let unit = accepted_units(test).split(", ").next().unwrap();
        let mut l = lab(test, 900.0, unit, None, None);
        assert_eq!(outcome(&l, term), Err("uln"), "{test}");
        // Whether a baseline is abnormal, and the > 6 x ULN band of creatinine, are the ULN's.
        l.baseline = Some(100.0);
        assert_eq!(outcome(&l, term), Err("uln"), "{test} with a baseline");
    }
}
