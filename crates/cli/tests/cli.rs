//! The `ecrf` binary run on files, as a statistician runs it: output, exit codes, messages.

use std::path::PathBuf;

use serde_json::Value;

mod common;

use common::{assert_bad_input, data, ecrf, ecrf_on, stdout_json};

#[test]
fn derive_contract_example() {
    let out = stdout_json(&ecrf(&[
        "derive",
        "--input",
        data("derive_example.json").to_str().unwrap(),
    ]));
    assert_eq!(
        out["child_pugh"],
        serde_json::json!({"points": 5, "class": "A"})
    );
    assert_eq!(out["albi"]["grade"], "2");
    assert_eq!(out["albi"]["score"], -2.09);
    assert_eq!(out["bclc"]["stage"], "B");
    assert_eq!(out["cnlc"]["stage"], "IIa");
    assert_eq!(
        out["up_to_seven"],
        serde_json::json!({"value": 6.5, "within": true})
    );
    assert_eq!(out["bmi"], 22.5);
    assert_eq!(out["nlr"], 2.58);
    assert_eq!(out["plr"], 125.0);
    assert_eq!(out["missing"], serde_json::json!({}));
}

#[test]
fn derive_names_missing_inputs() {
    let out = stdout_json(&ecrf_on(
        r#"{"bilirubin_umol_l": 17, "albumin_g_l": 42}"#,
        &["derive", "--input", "{}"],
    ));
    assert_eq!(out["albi"]["grade"], "1");
    assert_eq!(out["child_pugh"], Value::Null);
    assert_eq!(
        out["missing"]["child_pugh"],
        serde_json::json!(["inr", "ascites", "encephalopathy"])
    );
    assert_eq!(out["bmi"], Value::Null);
}

#[test]
fn derive_refuses_out_of_range_with_status_2() {
    let out = ecrf_on(r#"{"albumin_g_l": 360}"#, &["derive", "--input", "{}"]);
    assert_bad_input(&out, "albumin_g_l");
}

#[test]
fn derive_refuses_a_lab_value_in_the_other_unit_naming_it() {
    // Bilirubin 1.2 is mg/dL: accepted as umol/L it would move ALBI from grade 2 to grade 1.
    let out = ecrf_on(
        r#"{"bilirubin_umol_l": 1.2, "albumin_g_l": 36}"#,
        &["derive", "--input", "{}"],
    );
    assert_bad_input(&out, "bilirubin_umol_l: 1.2 looks like mg/dL");
    assert_bad_input(&out, "20.5 umol/L");
    for (input, unit) in [
        (r#"{"albumin_g_l": 3.6}"#, "looks like g/dL"),
        (r#"{"platelets": 150000}"#, "looks like /mm3"),
        (
            r#"{"neutrophils": 3100, "lymphocytes": 1.2}"#,
            "looks like /mm3",
        ),
    ] {
        assert_bad_input(&ecrf_on(input, &["derive", "--input", "{}"]), unit);
    }
}

#[test]
fn derive_refuses_malformed_and_unknown_input_with_status_2() {
    assert_bad_input(
        &ecrf_on(r#"{"albumin_g_l": "high"}"#, &["derive", "--input", "{}"]),
        "invalid input",
    );
    assert_bad_input(
        &ecrf_on(r#"{"albumin": 36}"#, &["derive", "--input", "{}"]),
        "unknown field",
    );
    assert_bad_input(
        &ecrf_on(r#"{"ascites": "lots"}"#, &["derive", "--input", "{}"]),
        "unknown variant",
    );
    assert_bad_input(
        &ecrf(&["derive", "--input", "/nonexistent/x.json"]),
        "cannot read",
    );
}

#[test]
fn subject_id_prints_canonical_and_flags_bad_ones() {
    let out = ecrf(&["subject-id", " hcc-001-0007", "HCC-1-7"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "HCC-001-0007\n");
    assert_bad_input(&out, "three digits");
}

fn rossi() -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../core/tests/data/survival/rossi.csv")
        .to_string_lossy()
        .into_owned()
}

fn fixtures() -> Value {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../core/tests/data/survival/fixtures.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn close(got: &Value, want: &Value) {
    let (g, w) = (got.as_f64().unwrap(), want.as_f64().unwrap());
    assert!(
        (g - w).abs() <= 1e-6 * w.abs().max(1e-3),
        "got {g}, reference {w}"
    );
}

/// The Rossi data by financial aid with age and priors: the numbers of the lifelines fixtures
/// (`crates/core/tests/data/survival/make_fixtures.py`).
#[test]
fn survival_on_rossi_matches_the_reference() {
    let rossi = rossi();
    let out = stdout_json(&ecrf(&[
        "survival",
        "--csv",
        &rossi,
        "--time",
        "week",
        "--event",
        "arrest",
        "--group",
        "fin",
        "--covariates",
        "age,prio",
        "--tau",
        "52",
        "--at",
        "10,26,52",
    ]));
    let fx = fixtures();
    assert_eq!(out["n"], 432);
    assert_eq!(out["n_events"], 114);
    let curves = out["curves"].as_array().unwrap();
    assert_eq!(curves.len(), 3);
    assert_eq!(curves[0]["group"], Value::Null);
    assert_eq!(curves[1]["group"], "0");
    for (curve, km) in curves.iter().zip(fx["km"].as_array().unwrap()) {
        let table = curve["table"].as_array().unwrap();
        assert_eq!(table.len(), km["time"].as_array().unwrap().len());
        for (i, row) in table.iter().enumerate() {
            close(&row["surv"], &km["surv"][i]);
            close(&row["std_err"], &km["std_err"][i]);
            close(&row["lower"], &km["lower"][i]);
            close(&row["upper"], &km["upper"][i]);
        }
        assert_eq!(
            curve["median"]["estimate"],
            Value::Null,
            "not reached in 52 weeks"
        );
        close(&curve["rmst"]["estimate"], &km["rmst"]);
        close(&curve["rmst"]["std_err"], &km["rmst_std_err"]);
        for (j, at) in curve["at"].as_array().unwrap().iter().enumerate() {
            close(&at["surv"], &km["surv_at"][j]);
        }
    }
    close(&out["logrank"]["chisq"], &fx["logrank"][0]["chisq"]);
    close(&out["logrank"]["p_value"], &fx["logrank"][0]["p_value"]);
    let cox = &out["cox"];
    let reference = &fx["cox"][1];
    assert_eq!(cox["ties"], "efron");
    let names: Vec<&str> = cox["terms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["group=1", "age", "prio"]);
    for (j, term) in cox["terms"].as_array().unwrap().iter().enumerate() {
        close(&term["coef"], &reference["coef"][j]);
        close(&term["std_err"], &reference["std_err"][j]);
        let hr = term["hr"].as_f64().unwrap();
        assert!((hr - term["coef"].as_f64().unwrap().exp()).abs() < 1e-12);
        assert!(term["hr_lower"].as_f64().unwrap() < hr && hr < term["hr_upper"].as_f64().unwrap());
    }
    close(&cox["loglik"], &reference["loglik"]);
    close(&cox["lrt"]["chisq"], &reference["lrt"]);
    close(&cox["wald"]["chisq"], &reference["wald"]);
    close(&cox["score"]["chisq"], &reference["score"]);
    close(&cox["concordance"], &reference["concordance"]);
}

#[test]
fn survival_stratified_log_rank_and_reference_level() {
    let rossi = rossi();
    let out = stdout_json(&ecrf(&[
        "survival",
        "--csv",
        &rossi,
        "--time",
        "week",
        "--event",
        "arrest",
        "--group",
        "fin",
        "--reference",
        "1",
        "--strata",
        "race",
    ]));
    close(&out["logrank"]["chisq"], &fixtures()["logrank"][2]["chisq"]);
    assert_eq!(out["curves"][1]["group"], "1");
    assert_eq!(out["cox"]["terms"][0]["name"], "group=0");
    let pooled = stdout_json(&ecrf(&[
        "survival", "--csv", &rossi, "--time", "week", "--event", "arrest",
    ]));
    assert!(pooled.get("logrank").is_none() && pooled.get("cox").is_none());
    assert_eq!(pooled["curves"].as_array().unwrap().len(), 1);
}

#[test]
fn survival_bad_input_names_row_and_column() {
    let base = ["survival", "--csv", "{}", "--time", "t", "--event", "e"];
    let run = |csv: &str, extra: &[&str]| {
        let mut args: Vec<&str> = base.to_vec();
        args.extend_from_slice(extra);
        ecrf_on(csv, &args)
    };
    assert_bad_input(&run("t,e\n1,1\nx,0\n", &[]), "row 2, column \"t\"");
    assert_bad_input(&run("t,e\n1,1\n-2,0\n", &[]), "negative");
    assert_bad_input(&run("t,e\n1,1\n2,2\n", &[]), "event must be 0 or 1");
    assert_bad_input(&run("t,x\n1,1\n", &[]), "no column named \"e\"");
    assert_bad_input(
        &run(
            "t,e,g\n1,1,a\n2,0,b\n",
            &["--group", "g", "--reference", "c"],
        ),
        "\"c\" has no observations",
    );
    assert_bad_input(&run("t,e\n", &[]), "no data rows");
    assert_bad_input(&run("t,e\n1,1\n", &["--conf-type", "logit"]), "--conf-type");
}

/// A group with no one at risk at any event time (arm C, censored at 0.5 before the first event)
/// is left out of the log-rank test and its Cox term is not estimable, as R does. R 4.x with
/// `survival` 3.5-3: `survdiff` chisq 0.0588235294118 on 1 df, p 0.808365155915; `coxph` armB
/// -0.34657359028 (se 1.43549997276), armC NA.
#[test]
fn survival_group_without_expected_events_is_left_out() {
    let csv = "time,event,arm\n1,1,A\n2,1,B\n3,0,A\n4,0,B\n0.5,0,C\n";
    let args = [
        "survival", "--csv", "{}", "--time", "time", "--event", "event", "--group", "arm",
    ];
    let out = stdout_json(&ecrf_on(csv, &args));
    let lr = &out["logrank"];
    assert!((lr["chisq"].as_f64().unwrap() - 0.058_823_529_411_8).abs() < 1e-10);
    assert_eq!(lr["df"], 1.0);
    assert!((lr["p_value"].as_f64().unwrap() - 0.808_365_155_915).abs() < 1e-10);
    let terms = out["cox"]["terms"].as_array().unwrap();
    assert_eq!(terms[0]["name"], "group=B");
    assert_eq!(terms[0]["estimable"], true);
    assert_eq!(terms[0]["reason"], Value::Null);
    assert!((terms[0]["coef"].as_f64().unwrap() + 0.346_573_590_28).abs() < 1e-8);
    assert!((terms[0]["std_err"].as_f64().unwrap() - 1.435_499_972_76).abs() < 1e-8);
    assert_eq!(terms[1]["name"], "group=C");
    assert_eq!(terms[1]["estimable"], false);
    assert!(terms[1]["reason"]
        .as_str()
        .unwrap()
        .contains("no information"));
    for key in [
        "coef", "std_err", "hr", "hr_lower", "hr_upper", "z", "p_value",
    ] {
        assert_eq!(terms[1][key], Value::Null, "{key}");
    }
    assert_eq!(out["cox"]["lrt"]["df"], 1.0);
}

/// A time written with full float precision by another tool ties with its rounded twin (R's
/// `aeqSurv`): one row at 365 with two events.
#[test]
fn survival_times_within_tolerance_tie() {
    let csv = "t,e\n365.00000000001,1\n365,1\n200,0\n400,1\n365,0\n";
    let out = stdout_json(&ecrf_on(
        csv,
        &["survival", "--csv", "{}", "--time", "t", "--event", "e"],
    ));
    let table = out["curves"][0]["table"].as_array().unwrap();
    let times: Vec<f64> = table.iter().map(|r| r["time"].as_f64().unwrap()).collect();
    assert_eq!(times, [200.0, 365.0, 400.0]);
    assert_eq!(table[1]["n_event"], 2.0);
    assert_eq!(table[1]["surv"], 0.5);
}

/// Compact by default; `--pretty` indents the same document.
#[test]
fn survival_output_is_compact_unless_pretty() {
    let csv = "t,e\n1,1\n2,0\n";
    let args = ["survival", "--csv", "{}", "--time", "t", "--event", "e"];
    let compact = ecrf_on(csv, &args);
    let text = String::from_utf8(compact.stdout.clone()).unwrap();
    assert_eq!(text.lines().count(), 1);
    let mut pretty_args = args.to_vec();
    pretty_args.push("--pretty");
    let pretty = ecrf_on(csv, &pretty_args);
    assert!(
        String::from_utf8(pretty.stdout.clone())
            .unwrap()
            .lines()
            .count()
            > 10
    );
    assert_eq!(stdout_json(&compact), stdout_json(&pretty));
}

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
fn demo_is_deterministic_and_complete() {
    let dir = std::env::temp_dir().join(format!("ecrf-demo-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (a, b, c) = (dir.join("a.json"), dir.join("b.json"), dir.join("c.json"));
    for (path, seed) in [(&a, "5"), (&b, "5"), (&c, "6")] {
        let out = ecrf(&[
            "demo",
            "--patients",
            "30",
            "--seed",
            seed,
            "--out",
            path.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let read = |p: &PathBuf| std::fs::read(p).unwrap();
    assert_eq!(read(&a), read(&b));
    assert_ne!(read(&a), read(&c));
    let json: Value = serde_json::from_slice(&read(&a)).unwrap();
    assert_eq!(json["format"], "ecrf-commits");
    assert_eq!(json["demo"], true);
    assert_eq!(json["patients"], 30);
    let commits = json["commits"].as_array().unwrap();
    let patients: std::collections::BTreeSet<&str> = commits
        .iter()
        .filter_map(|c| c["ops"][0]["patient"].as_str())
        .collect();
    assert_eq!(patients.len(), 30);
    assert_bad_input(
        &ecrf(&["demo", "--patients", "0", "--out", a.to_str().unwrap()]),
        "--patients",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The statistician's path: demo study -> endpoints CSV -> survival analysis.
#[test]
fn demo_to_endpoints_to_survival() {
    let dir = std::env::temp_dir().join(format!("ecrf-e2s-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let demo = dir.join("demo.json");
    assert!(ecrf(&[
        "demo",
        "--patients",
        "80",
        "--seed",
        "11",
        "--out",
        demo.to_str().unwrap()
    ])
    .status
    .success());
    let out = ecrf(&["endpoints", "--commits", demo.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let csv = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 81);
    assert!(
        lines[0].starts_with("subject,group,enrollment_date,pfs_mrecist_days,pfs_mrecist_event")
    );
    let table = dir.join("endpoints.csv");
    std::fs::write(&table, &csv).unwrap();
    let analysis = stdout_json(&ecrf(&[
        "survival",
        "--csv",
        table.to_str().unwrap(),
        "--time",
        "pfs_mrecist_days",
        "--event",
        "pfs_mrecist_event",
        "--group",
        "group",
        "--covariates",
        "age,afp_ge_400,mvi",
        "--at",
        "183,365",
        "--tau",
        "730",
    ]));
    assert_eq!(analysis["n"], 80);
    assert!(analysis["logrank"]["chisq"].as_f64().unwrap() >= 0.0);
    // This seed has one "tace_other" patient who progressed on day 1: the group model has no
    // finite answer and says so, while the rest of the document stands.
    let cox = &analysis["cox"];
    assert!(
        cox["terms"].as_array().is_some_and(|t| t.len() >= 5)
            || cox["error"].as_str().unwrap().contains("monotone"),
        "{cox}"
    );
    let adjusted = stdout_json(&ecrf(&[
        "survival",
        "--csv",
        table.to_str().unwrap(),
        "--time",
        "os_days",
        "--event",
        "os_event",
        "--covariates",
        "age,afp_ge_400,mvi",
    ]));
    assert_eq!(adjusted["cox"]["terms"].as_array().unwrap().len(), 3);
    let safety = stdout_json(&ecrf(&["safety", "--commits", demo.to_str().unwrap()]));
    assert_eq!(safety["n"].as_array().unwrap().last().unwrap(), 80);
    assert_eq!(safety["summary"][0]["label"], "Any adverse event");
    assert!(safety["by_term_any_grade"].as_array().unwrap().len() >= 5);
    // A cut-off far beyond any calendar does not overflow.
    assert!(ecrf(&[
        "endpoints",
        "--commits",
        demo.to_str().unwrap(),
        "--cutoff-days",
        "9223372036854775807"
    ])
    .status
    .success());
    // A tampered export is refused.
    let mut export: Value = serde_json::from_slice(&std::fs::read(&demo).unwrap()).unwrap();
    export["commits"][3]["user"] = "mallory".into();
    let tampered = dir.join("tampered.json");
    std::fs::write(&tampered, serde_json::to_vec(&export).unwrap()).unwrap();
    assert_bad_input(
        &ecrf(&["endpoints", "--commits", tampered.to_str().unwrap()]),
        "not intact",
    );
    std::fs::remove_dir_all(&dir).unwrap();
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

#[test]
fn endpoints_name_the_source_of_each_progression_date() {
    let demo = std::env::temp_dir().join(format!("ecrf-endpoints-src-{}.json", std::process::id()));
    let demo_path = demo.to_str().unwrap();
    let out = ecrf(&[
        "demo",
        "--patients",
        "30",
        "--seed",
        "7",
        "--out",
        demo_path,
    ]);
    assert!(out.status.success());
    let out = ecrf(&["endpoints", "--commits", demo_path]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut rows = csv::Reader::from_reader(text.as_bytes());
    let header = rows.headers().unwrap().clone();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut sources = std::collections::BTreeSet::new();
    for row in rows.records() {
        let row = row.unwrap();
        let (reason, source) = (
            &row[col("pfs_mrecist_reason")],
            &row[col("pfs_mrecist_source")],
        );
        assert_eq!(reason == "progression", !source.is_empty(), "{row:?}");
        sources.insert(source.to_owned());
        assert!(["", "imaging_recist11", "clinical"].contains(&&row[col("pfs_recist11_source")]));
    }
    assert!(sources.contains("imaging_mrecist"), "{sources:?}");
    std::fs::remove_file(demo).ok();
}

#[test]
fn input_errors_name_the_json_path_and_never_a_rust_type() {
    let response = ["response", "--criteria", "recist11", "--input", "{}"];
    let base = r#""enrollment_date": "2023-03-27", "baseline": {"date": "2023-03-17", "targets": [{"id": "T1", "organ": "liver", "diameter_mm": 30}]}"#;
    let cases: Vec<(String, Vec<&str>, &str)> = vec![
        (r#"{"albumin_g_l": "high"}"#.into(), vec!["derive", "--input", "{}"], "albumin_g_l: expected a number"),
        (r#"{"ascites": 3}"#.into(), vec!["derive", "--input", "{}"], "ascites: expected one of none, mild"),
        (r#"[1, 2]"#.into(), vec!["derive", "--input", "{}"], "expected an object"),
        (r#"{"ecog": 300}"#.into(), vec!["derive", "--input", "{}"], "ecog: expected a whole number"),
        ("5".into(), response.to_vec(), "expected an object with enrollment_date and baseline"),
        (
            r#"{"enrollment_date": "2023-03-27", "baseline": {"date": "2023-03-17", "targets": [5]}}"#.into(),
            response.to_vec(),
            "baseline.targets[0]: expected an object with id",
        ),
        (
            format!(r#"{{{base}, "assessments": [{{"date": "2023-05-08", "targets": {{"T1": 7}}}}]}}"#),
            response.to_vec(),
            "assessments[0].targets.T1: expected an object",
        ),
        (
            format!(r#"{{{base}, "assessments": [{{"date": "2023-05-08", "targets": {{"T1": {{"diameter_mm": "big"}}}}}}]}}"#),
            response.to_vec(),
            "assessments[0].targets.T1.diameter_mm",
        ),
        (r#"[3]"#.into(), vec!["ctcae-lab", "--input", "{}"], "element 0: expected an object with test, value and unit"),
        (r#"[{"test": 5, "value": 1, "unit": "U/L"}]"#.into(), vec!["ctcae-lab", "--input", "{}"], "element 0: test: expected a string"),
        (r#"{"commits": [5]}"#.into(), vec!["endpoints", "--commits", "{}"], "commits[0]: expected an object with id"),
        (r#"{"commits": 3}"#.into(), vec!["safety", "--commits", "{}"], "commits: expected a list"),
    ];
    for (json, args, needle) in &cases {
        let out = ecrf_on(json, args);
        assert_bad_input(&out, needle);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !err.contains("struct ") && !err.contains("enum "),
            "a Rust type in {err:?}"
        );
    }
}

#[test]
fn demo_device_and_site_name_the_commits_and_subjects() {
    let file = std::env::temp_dir().join(format!("ecrf-demo-site-{}.json", std::process::id()));
    let path = file.to_str().unwrap();
    let out = ecrf(&[
        "demo",
        "--patients",
        "3",
        "--seed",
        "5",
        "--device",
        "tablet-7",
        "--site",
        "042",
        "--out",
        path,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let demo: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let first = &demo["commits"][0];
    assert_eq!(first["device"], "tablet-7");
    assert_eq!(first["hlc"]["device"], "tablet-7");
    assert_eq!(first["ops"][0]["instance"], "tablet-7-1");
    assert_eq!(first["ops"][0]["patient"], "HCC-042-0001");
    // The file is still a valid export: its chain checks and its endpoints derive.
    let endpoints = ecrf(&["endpoints", "--commits", path]);
    assert!(endpoints.status.success());
    assert!(String::from_utf8_lossy(&endpoints.stdout).contains("HCC-042-0003"));
    for bad in [["--site", "42"], ["--site", "000"], ["--device", "a b"]] {
        let mut args = vec!["demo", "--patients", "3", "--out", path];
        args.extend(bad);
        assert_bad_input(&ecrf(&args), bad[0]);
    }
    std::fs::remove_file(file).ok();
}
