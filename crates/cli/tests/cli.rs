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
