//! `ecrf response` and `ecrf ctcae-lab` run on files: both criteria's responses, refused
//! baselines and targets, reappearance after CR, and lab grades with missing limits and errors.

mod common;

use common::{assert_bad_input, data, ecrf, ecrf_on, stdout_json};

/// The worked example in `docs/cli.md`, by both criteria.
#[test]
fn response_example_by_both_criteria() {
    let file = data("response_example.json");
    let file = file.to_str().unwrap();
    let recist = stdout_json(&ecrf(&[
        "response",
        "--criteria",
        "recist11",
        "--input",
        file,
    ]));
    assert_eq!(recist["criteria"], "recist11");
    let tp = &recist["timepoints"];
    assert_eq!(tp[0]["sum_mm"], 25.0);
    assert_eq!(tp[0]["nadir_mm"], 35.0);
    assert_eq!(tp[0]["pct_change_from_baseline"], -28.57);
    assert_eq!(tp[0]["target"], "SD");
    assert_eq!(tp[0]["non_target"], "NON-CR/NON-PD");
    assert_eq!(tp[0]["new_lesions"], "no");
    assert_eq!(tp[1]["target"], "PR");
    assert_eq!(tp[2]["new_lesions"], "yes");
    assert_eq!(tp[2]["overall"], "PD");
    assert_eq!(
        recist["best_overall_response"],
        serde_json::json!({"unconfirmed": "PR", "confirmed": "SD"})
    );
    assert_eq!(recist["progression_date"], "2023-08-14");

    let mrecist = stdout_json(&ecrf(&[
        "response",
        "--criteria",
        "mrecist",
        "--input",
        file,
    ]));
    let tp = &mrecist["timepoints"];
    assert_eq!(tp[0]["target"], "PR");
    assert_eq!(tp[1]["target"], "CR");
    assert_eq!(
        tp[1]["overall"], "PR",
        "the tumor thrombus is still present"
    );
    assert_eq!(tp[2]["overall"], "PD");
    assert_eq!(
        mrecist["best_overall_response"],
        serde_json::json!({"unconfirmed": "PR", "confirmed": "PR"})
    );
    // A longer confirmation window leaves the PRs unconfirmed.
    let strict = stdout_json(&ecrf(&[
        "response",
        "--criteria",
        "mrecist",
        "--input",
        file,
        "--confirm-days",
        "60",
    ]));
    assert_eq!(strict["best_overall_response"]["confirmed"], "SD");
}

#[test]
fn response_refuses_invalid_baselines_with_status_2() {
    let bad = r#"{"enrollment_date": "2023-03-27", "baseline": {"date": "2023-03-17", "targets": [
        {"id": "T1", "organ": "liver", "diameter_mm": 35, "viable_diameter_mm": 30, "arterial_enhancement": false}]}}"#;
    assert_bad_input(
        &ecrf_on(bad, &["response", "--criteria", "mrecist", "--input", "{}"]),
        "arterial enhancement",
    );
    let small = r#"{"enrollment_date": "2023-03-27", "baseline": {"date": "2023-03-17", "targets": [
        {"id": "T1", "organ": "lung", "diameter_mm": 8}]}}"#;
    assert_bad_input(
        &ecrf_on(
            small,
            &["response", "--criteria", "recist11", "--input", "{}"],
        ),
        "below the measurable size",
    );
    assert_bad_input(
        &ecrf_on(
            "{}",
            &["response", "--criteria", "recist11", "--input", "{}"],
        ),
        "invalid input",
    );
    assert_bad_input(
        &ecrf_on(small, &["response", "--criteria", "who", "--input", "{}"]),
        "--criteria",
    );
    let unknown = r#"{"enrollment_date": "2023-03-27", "baseline": {"date": "2023-03-17", "targets": [
        {"id": "T1", "organ": "lung", "diameter_mm": 18}]},
        "assessments": [{"date": "2023-05-08", "targets": {"T9": {"diameter_mm": 3}}}]}"#;
    assert_bad_input(
        &ecrf_on(
            unknown,
            &["response", "--criteria", "recist11", "--input", "{}"],
        ),
        "unknown target \"T9\"",
    );
}

#[test]
fn ctcae_lab_contract_example() {
    let input = r#"[
        {"test": "NEUT", "value": 0.8, "unit": "10^9/L", "lln": 1.8, "uln": 6.3, "baseline": null, "on_anticoagulation": false},
        {"test": "PLAT", "value": 40, "unit": "10^9/L", "lln": 100, "uln": 300},
        {"test": "K", "value": 6.2, "unit": "mmol/L", "lln": 3.5, "uln": 5.3},
        {"test": "ALT", "value": 250, "unit": "U/L", "lln": 0, "uln": 40, "baseline": 100},
        {"test": "HGB", "value": 7.5, "unit": "g/dL", "lln": 13, "uln": 17.5}
    ]"#;
    let out = stdout_json(&ecrf_on(input, &["ctcae-lab", "--input", "{}"]));
    assert_eq!(
        out[0],
        serde_json::json!({"test": "NEUT", "grades": [{"term": "Neutrophil count decreased", "grade": 3}]})
    );
    assert_eq!(
        out[1]["grades"][0],
        serde_json::json!({"term": "Platelet count decreased", "grade": 3})
    );
    assert_eq!(
        out[2]["grades"],
        serde_json::json!([{"term": "Hyperkalemia", "grade": 3}, {"term": "Hypokalemia", "grade": 0}])
    );
    assert_eq!(
        out[3]["grades"][0]["grade"], 1,
        "2.5 x an abnormal baseline"
    );
    assert_eq!(
        out[4]["grades"][0],
        serde_json::json!({"term": "Anemia", "grade": 3})
    );
}

#[test]
fn ctcae_lab_grades_each_term_on_its_own_when_limits_are_missing() {
    let input = r#"[
        {"test": "NEUT", "value": 1200, "unit": "/mm3"},
        {"test": "NEUT", "value": 1800, "unit": "/mm3"},
        {"test": "HGB", "value": 9.9, "unit": "g/dL", "lln": 13},
        {"test": "ALB", "value": 2.9, "unit": "g/dL"},
        {"test": "ALT", "value": 100, "unit": "U/L"}
    ]"#;
    let out = stdout_json(&ecrf_on(input, &["ctcae-lab", "--input", "{}"]));
    assert_eq!(
        out[0]["grades"],
        serde_json::json!([{"term": "Neutrophil count decreased", "grade": 2}])
    );
    assert_eq!(
        out[1]["grades"],
        serde_json::json!([{"term": "Neutrophil count decreased", "grade": null, "needs": "lln"}])
    );
    assert_eq!(
        out[2]["grades"],
        serde_json::json!([
            {"term": "Anemia", "grade": 2},
            {"term": "Hemoglobin increased", "grade": null, "needs": "uln"}
        ])
    );
    assert_eq!(out[3]["grades"][0]["grade"], 2);
    assert_eq!(out[4]["grades"][0]["needs"], "uln");
}

#[test]
fn ctcae_lab_errors_name_the_element() {
    let run = |s: &str| ecrf_on(s, &["ctcae-lab", "--input", "{}"]);
    assert_bad_input(
        &run(
            r#"[{"test": "NEUT", "value": 1, "unit": "10^9/L", "lln": 1.8}, {"test": "FOO", "value": 1, "unit": "U/L"}]"#,
        ),
        "element 1 (FOO): unknown test",
    );
    assert_bad_input(
        &run(r#"[{"test": "ALT", "value": 1, "unit": "ukat/L", "uln": 40}]"#),
        "element 0 (ALT): unit",
    );
    assert_bad_input(
        &run(r#"[{"test": "ALT", "unit": "U/L"}]"#),
        "element 0: missing field `value`",
    );
    assert_bad_input(&run(r#"{"test": "ALT"}"#), "invalid input");
}

#[test]
fn response_reappearance_after_cr_is_pd_and_parameters_are_echoed() {
    let series = r#"{"enrollment_date": "2024-01-08",
      "baseline": {"date": "2024-01-03", "targets": [
        {"id": "T1", "organ": "liver", "diameter_mm": 30},
        {"id": "T2", "organ": "lymph node", "site": "hilum", "nodal": true, "diameter_mm": 18}]},
      "assessments": [
        {"date": "2024-03-04", "targets": {"T1": {"diameter_mm": 0}, "T2": {"diameter_mm": 8}}},
        {"date": "2024-04-29", "targets": {"T1": {"diameter_mm": 0}, "T2": {"diameter_mm": 8}}},
        {"date": "2024-06-24", "targets": {"T1": {"diameter_mm": 0}, "T2": {"diameter_mm": 12}}}]}"#;
    let out = stdout_json(&ecrf_on(
        series,
        &["response", "--criteria", "recist11", "--input", "{}"],
    ));
    assert_eq!(out["timepoints"][2]["overall"], "PD");
    assert_eq!(out["progression_date"], "2024-06-24");
    assert_eq!(
        out["best_overall_response"],
        serde_json::json!({"unconfirmed": "CR", "confirmed": "CR"})
    );
    assert_eq!(out["parameters"]["max_ne_between"], 1);
    assert_eq!(out["parameters"]["accept_sd_between"], false);
}

#[test]
fn response_refuses_non_measurable_targets_naming_the_rule() {
    let with_kind = |kind: &str| {
        format!(
            r#"{{"enrollment_date": "2023-03-27", "baseline": {{"date": "2023-03-17", "targets": [
            {{"id": "T1", "organ": "liver", "kind": "{kind}", "diameter_mm": 35,
              "viable_diameter_mm": 30, "arterial_enhancement": true}}]}}}}"#
        )
    };
    for kind in ["effusion", "bone_without_soft_tissue", "infiltrative"] {
        assert_bad_input(
            &ecrf_on(
                &with_kind(kind),
                &["response", "--criteria", "recist11", "--input", "{}"],
            ),
            "not measurable",
        );
    }
    assert_bad_input(
        &ecrf_on(
            &with_kind("tumor_thrombus"),
            &["response", "--criteria", "mrecist", "--input", "{}"],
        ),
        "tumor thrombus",
    );
}
