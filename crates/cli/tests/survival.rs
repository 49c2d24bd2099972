//! `ecrf survival` run on files, as a statistician runs it: Kaplan-Meier, log-rank and Cox on
//! the Rossi data against the R reference, stratification, bad input, ties and output form.

use std::path::PathBuf;

use serde_json::Value;

mod common;

use common::{assert_bad_input, ecrf, ecrf_on, stdout_json};

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
