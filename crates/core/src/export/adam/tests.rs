//! The analysis data sets of the demo study against the core's own derivations, and their CSV.

use std::collections::BTreeMap;

use super::*;
use crate::log::State;

fn demo() -> State {
    State::from_commits(&crate::demo::generate(40, 2026).commits)
}

/// A data set's rows as maps from variable name to cell.
fn rows(d: &Dataset) -> Vec<BTreeMap<&str, &str>> {
    d.rows
        .iter()
        .map(|r| {
            d.variables
                .iter()
                .map(|v| v.name)
                .zip(r.iter().map(String::as_str))
                .collect()
        })
        .collect()
}

fn set<'a>(sets: &'a [Dataset], name: &str) -> &'a Dataset {
    sets.iter().find(|d| d.name == name).unwrap()
}

#[test]
fn every_data_set_is_rectangular_and_keyed() {
    let sets = datasets(&demo(), 730);
    let names: Vec<&str> = sets.iter().map(|d| d.name).collect();
    assert_eq!(names, ["adsl", "adtte", "adrs", "adae", "adlb", "define"]);
    for d in &sets {
        assert!(!d.rows.is_empty(), "{}", d.name);
        assert!(
            d.rows.iter().all(|r| r.len() == d.variables.len()),
            "{}",
            d.name
        );
        if d.name != "define" {
            let keys: Vec<&str> = d.variables.iter().take(3).map(|v| v.name).collect();
            assert_eq!(keys, ["STUDYID", "USUBJID", "TRT01P"]);
            assert!(d.rows.iter().all(|r| r[0] == STUDY_ID));
        }
        for v in &d.variables {
            assert!(
                v.name.len() <= 8 && v.name == v.name.to_uppercase(),
                "{}",
                v.name
            );
        }
    }
    // The dictionary has a row per variable of every data set.
    let define = set(&sets, "define");
    let listed = define.rows.iter().filter(|r| !r[1].is_empty()).count();
    // A code list of the study definition is written out.
    let aescrit = define.rows.iter().find(|r| r[1] == "AESCRIT").unwrap();
    assert!(
        aescrit[4].starts_with("death = Results in death; "),
        "{aescrit:?}"
    );
    let variables: usize = sets[..5].iter().map(|d| d.variables.len()).sum();
    assert_eq!(listed, variables);
}

#[test]
fn adtte_is_the_endpoints_derivation() {
    let state = demo();
    let sets = datasets(&state, 730);
    let adtte = rows(set(&sets, "adtte"));
    let endpoints = crate::endpoints::derive(&state, 730);
    assert_eq!(adtte.len(), 4 * endpoints.len());
    for p in &endpoints {
        for (code, e) in [
            ("OS", &p.os),
            ("PFSMR", &p.pfs_mrecist),
            ("PFSRC", &p.pfs_recist11),
            ("TTP", &p.ttp_mrecist),
        ] {
            let row = adtte
                .iter()
                .find(|r| r["USUBJID"] == p.subject && r["PARAMCD"] == code)
                .unwrap();
            assert_eq!(row["AVAL"], e.days.to_string());
            assert_eq!(row["CNSR"] == "0", e.event, "{code} {row:?}");
            assert_eq!(row["TRT01P"], crate::endpoints::group_code(p.group));
            assert_eq!(row["ADT"], crate::dates::format_date(e.date));
            assert_eq!(row["STARTDT"], crate::dates::format_date(p.enrollment));
            if e.event {
                assert!(row["CNSDTDSC"].is_empty() && !row["EVNTDESC"].is_empty());
            } else {
                assert_eq!(row["EVNTDESC"], row["CNSDTDSC"]);
            }
        }
        // TTP censored at a death before progression says so.
        if p.os.event && !p.ttp_mrecist.event && p.ttp_mrecist.date == p.os.date {
            let ttp = adtte
                .iter()
                .find(|r| r["USUBJID"] == p.subject && r["PARAMCD"] == "TTP")
                .unwrap();
            assert_eq!(ttp["CNSR"], "3");
        }
    }
    assert!(adtte.iter().any(|r| r["CNSR"] == "0"));
    assert!(adtte.iter().any(|r| r["CNSR"] != "0"));
}

#[test]
fn adsl_adrs_adae_adlb_follow_the_records() {
    let state = demo();
    let sets = datasets(&state, 730);
    let records = crate::record::records(&state);
    let adsl = rows(set(&sets, "adsl"));
    assert_eq!(adsl.len(), records.len());
    assert!(adsl
        .iter()
        .all(|r| r["SITEID"] == "001" && r["SUBJID"].len() == 4));
    assert!(adsl.iter().all(|r| ["M", "F", ""].contains(&r["SEX"])));
    // Best overall response: one confirmed and one unconfirmed row per evaluable subject and
    // criterion, as the study-level summary counts them.
    let adrs = rows(set(&sets, "adrs"));
    for (criteria, category) in [
        (crate::response::Criteria::Mrecist, "MRECIST"),
        (crate::response::Criteria::Recist11, "RECIST 1.1"),
    ] {
        let summary = crate::analysis::response::summarize(&state, criteria, 0.05);
        let bor: Vec<_> = adrs
            .iter()
            .filter(|r| r["PARCAT1"] == category && r["PARAMCD"] == "BOR")
            .collect();
        assert_eq!(bor.len(), summary.patients.len());
        for p in &summary.patients {
            let row = bor.iter().find(|r| r["USUBJID"] == p.subject).unwrap();
            assert_eq!(row["AVALC"], p.best_confirmed.code());
        }
    }
    // One ADAE row per adverse event form of an enrolled subject, grades as recorded.
    let adae = rows(set(&sets, "adae"));
    let forms: usize = records
        .values()
        .filter(|r| r.enrolled().is_some())
        .map(|r| r.of("adverse_event").count())
        .sum();
    assert_eq!(adae.len(), forms);
    assert!(adae
        .iter()
        .all(|r| ["1", "2", "3", "4", "5"].contains(&r["AETOXGR"])));
    assert!(adae.iter().any(|r| !r["AEBODSYS"].is_empty()));
    // ADLB: a baseline row per subject with labs at enrollment; grades where CTCAE grades.
    let adlb = rows(set(&sets, "adlb"));
    assert!(adlb.iter().any(|r| r["ABLFL"] == "Y"));
    let plt: Vec<_> = adlb.iter().filter(|r| r["PARAMCD"] == "PLT").collect();
    assert!(!plt.is_empty());
    assert!(plt
        .iter()
        .all(|r| r["LBTESTCD"] == "PLAT" && r["ATOXTERM"] == "Platelet count decreased"));
    assert!(adlb
        .iter()
        .filter(|r| r["PARAMCD"] == "AFP")
        .all(|r| r["ATOXTERM"].is_empty() && r["ATOXGR"].is_empty()));
}

#[test]
fn csv_quotes_what_it_must_and_reads_back_equal() {
    let d = Dataset {
        name: "x",
        label: "x",
        variables: vec![var("A", "a", Kind::Char, ""), var("B", "b", Kind::Char, "")],
        rows: vec![
            vec!["a, b".into(), "say \"hi\"".into()],
            vec!["两行\n文字".into(), String::new()],
        ],
    };
    let text = d.to_csv();
    assert!(text.starts_with("A,B\r\n\"a, b\",\"say \"\"hi\"\"\"\r\n"));
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let back: Vec<Vec<String>> = r
        .records()
        .map(|x| x.unwrap().iter().map(String::from).collect())
        .collect();
    assert_eq!(back, d.rows);
    // Every data set of the demo reads back equal.
    for d in datasets(&demo(), 730) {
        let text = d.to_csv();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = r.headers().unwrap().iter().map(String::from).collect();
        assert_eq!(
            header,
            d.variables.iter().map(|v| v.name).collect::<Vec<_>>()
        );
        let back: Vec<Vec<String>> = r
            .records()
            .map(|x| x.unwrap().iter().map(String::from).collect())
            .collect();
        assert_eq!(back, d.rows, "{}", d.name);
    }
}
