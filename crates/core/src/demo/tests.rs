//! The demo generator: deterministic, a valid chain, every form valid; demo files read back.

use std::collections::BTreeMap;

use super::*;
use crate::log::{chain, Op, State};
use crate::study::{study, validate};

#[test]
fn a_demo_file_reads_back_and_damage_or_study_data_is_refused() {
    let demo = generate(5, 3);
    let text = serde_json::to_string(&demo).unwrap();
    assert_eq!(read_file(&text).unwrap(), demo.commits);
    let study = text.replacen("\"demo\":true", "\"demo\":false", 1);
    assert_eq!(read_file(&study), Err(DemoFileError::NotDemo));
    let altered = text.replacen("\"user\":\"demo\"", "\"user\":\"mallory\"", 1);
    assert!(matches!(
        read_file(&altered),
        Err(DemoFileError::Damaged(_))
    ));
    assert!(matches!(
        read_file("{}"),
        Err(DemoFileError::NotDemoFile(_))
    ));
}

#[test]
fn same_seed_same_study_other_seed_other_study() {
    let a = serde_json::to_string(&generate(12, 7)).unwrap();
    let b = serde_json::to_string(&generate(12, 7)).unwrap();
    let c = serde_json::to_string(&generate(12, 8)).unwrap();
    assert_eq!(a, b);
    assert_ne!(a, c);
}

#[test]
fn the_demo_is_a_valid_chain_and_every_form_passes_validation() {
    let demo = generate(120, 2026);
    assert_eq!(chain::verify(&demo.commits), Ok(()));
    let state = State::from_commits(&demo.commits);
    assert_eq!(state.commit_count(), demo.commits.len());
    let s = study();
    let mut per_form: BTreeMap<String, usize> = BTreeMap::new();
    let mut patients = std::collections::BTreeSet::new();
    for c in &demo.commits {
        let Some(Op::CreateForm {
            instance,
            form,
            patient,
        }) = c.body.ops.first()
        else {
            panic!("every demo commit creates one form");
        };
        patients.insert(patient.clone());
        *per_form.entry(form.clone()).or_default() += 1;
        let values: BTreeMap<String, serde_json::Value> = c.body.ops[1..]
            .iter()
            .filter_map(|op| match op {
                Op::SetField {
                    field,
                    value,
                    instance: i,
                    ..
                } if i == instance => Some((field.clone(), value.clone())),
                _ => None,
            })
            .collect();
        let ctx = validate::Context {
            today: demo.data_cut,
            birth: None,
            enrollment: None,
            consent: None,
        };
        let errors: Vec<_> = validate::validate(s, s.form(form).unwrap(), &values, &ctx)
            .into_iter()
            .filter(|f| f.severity == crate::finding::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{form} of {patient}: {errors:?}");
    }
    assert_eq!(patients.len(), 120);
    // Plausible rates: most progress within 24 months, many die, every patient has labs.
    let progressions = per_form["progression"];
    let deaths = demo.commits.iter().filter(|c| c.body.ops.iter().any(|o| matches!(o, Op::SetField { field, value, .. } if field == "status" && value == "dead"))).count();
    assert!(
        (50..=110).contains(&progressions),
        "{progressions} progressions"
    );
    assert!((25..=100).contains(&deaths), "{deaths} deaths");
    assert!(per_form["labs"] >= 240);
}
