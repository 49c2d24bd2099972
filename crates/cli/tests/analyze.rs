//! `ecrf analyze`: the study report, checked against `ecrf endpoints` + `ecrf survival` run by
//! hand on the same export (another path through the core to the same numbers), and its refusals.

mod common;

use std::path::{Path, PathBuf};

use common::{assert_bad_input, ecrf, stdout_json};
use serde_json::Value;

/// A demo export in a fresh folder.
fn demo(tag: &str, patients: &str) -> (PathBuf, PathBuf) {
    let dir = std::env::temp_dir().join(format!("ecrf-analyze-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("demo.json");
    let args = ["demo", "--patients", patients, "--seed", "2026", "--out"];
    let out = ecrf(&[&args[..], &[file.to_str().unwrap()]].concat());
    assert!(out.status.success());
    (dir, file)
}

fn analyze(file: &Path, extra: &[&str]) -> Value {
    stdout_json(&ecrf(
        &[&["analyze", "--commits", file.to_str().unwrap()], extra].concat(),
    ))
}

fn close(a: &Value, b: f64, what: &str) {
    let a = a.as_f64().unwrap_or_else(|| panic!("{what}: {a}"));
    assert!(
        (a - b).abs() <= 1e-9 * b.abs().max(1.0),
        "{what}: {a} vs {b}"
    );
}

#[test]
fn analyze_agrees_with_endpoints_and_survival() {
    let (dir, file) = demo("agree", "120");
    // The endpoints table of the treated patients with a known BCLC stage B or C.
    let out = ecrf(&["endpoints", "--commits", file.to_str().unwrap()]);
    assert!(out.status.success());
    let table = String::from_utf8(out.stdout).unwrap();
    let mut lines = table.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let kept: Vec<&str> = lines
        .filter(|l| {
            let cells: Vec<&str> = l.split(',').collect();
            cells[col("group")] != "not_yet_treated" && ["B", "C"].contains(&cells[col("bclc")])
        })
        .collect();
    let csv = dir.join("endpoints.csv");
    std::fs::write(&csv, format!("{}\n{}\n", header.join(","), kept.join("\n"))).unwrap();
    let by_hand = stdout_json(&ecrf(&[
        "survival",
        "--csv",
        csv.to_str().unwrap(),
        "--time",
        "os_days",
        "--event",
        "os_event",
        "--group",
        "group",
        "--reference",
        "tace_tki",
        "--tau",
        "730.5",
    ]));
    let report = analyze(&file, &["--endpoint", "os", "--bclc", "B,C"]);
    assert_eq!(report["endpoint"], "os");
    assert_eq!(report["bclc"], serde_json::json!(["B", "C"]));
    assert_eq!(
        report["patients"]["selected"].as_u64().unwrap() as usize,
        kept.len()
    );
    let curves = report["survival"]["curves"].as_array().unwrap();
    // `ecrf survival` lists the pooled curve first, then the groups (reference first).
    let theirs = &by_hand["curves"].as_array().unwrap()[1..];
    assert_eq!(curves.len(), theirs.len());
    for c in curves {
        let t = theirs.iter().find(|t| t["group"] == c["group"]).unwrap();
        assert_eq!(c["n"], t["n"]);
        assert_eq!(c["n_events"], t["n_events"]);
        for q in ["estimate", "lower", "upper"] {
            match t["median"][q].as_f64() {
                Some(days) => close(&c["median"][q], days / 30.4375, q),
                None => assert!(c["median"][q].is_null()),
            }
        }
        // RMST to 24 months = RMST to 730.5 days, in months.
        close(
            &c["rmst"]["estimate"],
            t["rmst"]["estimate"].as_f64().unwrap() / 30.4375,
            "rmst",
        );
    }
    // The log-rank test and the hazard ratios do not depend on the unit of time.
    for k in ["chisq", "p_value"] {
        close(
            &report["survival"]["logrank"][k],
            by_hand["logrank"][k].as_f64().unwrap(),
            k,
        );
    }
    let crude = report["models"]["crude"]["terms"].as_array().unwrap();
    for t in by_hand["cox"]["terms"].as_array().unwrap() {
        let ours = crude.iter().find(|o| o["name"] == t["name"]).unwrap();
        for k in ["hr", "hr_lower", "hr_upper", "p_value"] {
            close(&ours[k], t[k].as_f64().unwrap(), k);
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn analyze_defaults_sections_and_choices() {
    let (dir, file) = demo("defaults", "60");
    let report = analyze(&file, &[]);
    assert_eq!(report["endpoint"], "pfs_mrecist");
    assert_eq!(report["cutoff_days"], 730);
    assert_eq!(report["reference_group"], "tace_tki");
    assert_eq!(
        report["factors"],
        serde_json::json!(["bclc_c_d", "afp_ge_400", "mvi", "albi_2_3"])
    );
    assert_eq!(report["patients"]["enrolled"], 60);
    let univariable = report["models"]["univariable"].as_array().unwrap();
    assert_eq!(univariable.len(), 4);
    assert_eq!(univariable[1]["factor"], "afp_ge_400");
    let adjusted = report["models"]["adjusted"]["terms"].as_array().unwrap();
    assert_eq!(
        adjusted.len(),
        report["models"]["crude"]["terms"].as_array().unwrap().len() + 4
    );
    for r in report["response"].as_array().unwrap() {
        let rates = r["rates"].as_array().unwrap();
        assert_eq!(rates.last().unwrap()["group"], "overall");
        assert_eq!(
            r["duration_of_response"].as_array().unwrap().len(),
            rates.len()
        );
    }
    // Landmarks: 0, 6, 12, 18, 24 months, numbers at risk never rising.
    for c in report["survival"]["curves"].as_array().unwrap() {
        let l = c["landmarks"].as_array().unwrap();
        assert_eq!(l.len(), 5);
        assert_eq!(l[0]["n_risk"], c["n"]);
        assert!(l
            .windows(2)
            .all(|w| w[1]["n_risk"].as_u64() <= w[0]["n_risk"].as_u64()));
    }
    // No factors, one group, TTP: one curve, no log-rank, no group model.
    let one = analyze(
        &file,
        &[
            "--endpoint",
            "ttp_mrecist",
            "--factors",
            "",
            "--groups",
            "tace_tki_pd1",
        ],
    );
    assert_eq!(one["factors"], serde_json::json!([]));
    assert_eq!(one["survival"]["curves"].as_array().unwrap().len(), 1);
    assert!(one["survival"]["logrank"].is_null());
    assert!(
        one["models"]["crude"]["no_estimate"].is_string(),
        "{}",
        one["models"]["crude"]
    );
    // A shorter cut-off changes the follow-up.
    let short = analyze(&file, &["--cutoff-days", "180"]);
    for c in short["survival"]["curves"].as_array().unwrap() {
        let last = c["table"].as_array().unwrap().last().unwrap()["time"]
            .as_f64()
            .unwrap();
        assert!(last <= 180.0 / 30.4375 + 1e-9, "{last}");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn analyze_refuses_unknown_names_before_reading() {
    let missing = "/nonexistent/commits.json";
    for (args, needle) in [
        (vec!["--endpoint", "pfs"], "unknown endpoint \"pfs\""),
        (vec!["--factors", "mvi,age"], "unknown factor \"age\""),
        (vec!["--factors", "mvi,mvi"], "named twice"),
        (vec!["--factors", "mvi,"], "an empty name"),
        (vec!["--bclc", "E"], "unknown BCLC stage \"E\""),
        (vec!["--bclc", "B,B"], "BCLC stage \"B\" is named twice"),
        (
            vec!["--groups", "tace_tki,tace_tki"],
            "group \"tace_tki\" is named twice",
        ),
        (vec!["--cutoff-days", "-5"], "positive number of days"),
        (vec!["--groups", "tace"], "unknown group \"tace\""),
        (vec!["--cutoff-days", "0"], "positive number of days"),
    ] {
        let out = ecrf(&[&["analyze", "--commits", missing], &args[..]].concat());
        assert_bad_input(&out, needle);
    }
    assert_bad_input(&ecrf(&["analyze", "--commits", missing]), "cannot read");
}
