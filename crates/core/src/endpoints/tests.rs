//! Endpoint derivation, rule by rule, on small hand-made logs and on the demo study.

use serde_json::json;

use super::*;

use crate::log::testing::LogBuilder as Log;

fn derived(log: &Log) -> Vec<PatientEndpoints> {
    derive(&log.state(), 730)
}

/// A baseline lesion table (one enhancing 40 mm liver target, 30 mm viable) on 2023-03-20 and
/// follow-ups given as (date, diameter, viable diameter).
fn imaging(log: &mut Log, p: &str, follow: &[(&str, f64, f64)]) {
    log.form(
        p,
        "tumor_assessment",
        json!({"date": "2023-03-20", "lesions": {"timepoint": "baseline", "targets": [
            {"id": "T1", "organ": "liver", "diameter_mm": 40, "viable_diameter_mm": 30,
             "arterial_enhancement": true}]}}),
    );
    for (date, d, v) in follow {
        log.form(
            p,
            "tumor_assessment",
            json!({"date": date, "lesions": {"timepoint": "follow_up",
                "targets": {"T1": {"diameter_mm": d, "viable_diameter_mm": v}}}}),
        );
    }
}

fn enrol(log: &mut Log, p: &str) {
    log.form(
        p,
        "eligibility",
        json!({"enrollment_date": "2023-03-27", "consent_date": "2023-03-20"}),
    );
}

#[test]
fn progression_then_death_pfs_stops_at_progression_os_at_death() {
    let mut log = Log::new();
    enrol(&mut log, "P1");
    // Viable 30 -> 20 (nadir) -> 24 mm: mRECIST PD (+20%); the diameter 40 -> 38 -> 41 mm is
    // RECIST 1.1 SD.
    imaging(
        &mut log,
        "P1",
        &[("2023-05-08", 38.0, 20.0), ("2023-07-05", 41.0, 24.0)],
    );
    log.form(
        "P1",
        "progression",
        json!({"date": "2023-07-05", "criteria": ["mrecist"]}),
    );
    log.form(
        "P1",
        "survival",
        json!({"contact_date": "2024-01-21", "status": "dead", "death_date": "2024-01-21"}),
    );
    let e = &derived(&log)[0];
    assert_eq!(
        (
            e.pfs_mrecist.days,
            e.pfs_mrecist.event,
            e.pfs_mrecist.reason
        ),
        (100, true, "progression")
    );
    // RECIST 1.1 did not record this progression: its PFS runs to the death.
    assert_eq!(
        (
            e.pfs_recist11.days,
            e.pfs_recist11.event,
            e.pfs_recist11.reason
        ),
        (300, true, "death")
    );
    assert_eq!((e.os.days, e.os.event), (300, true));
    assert_eq!((e.ttp_mrecist.days, e.ttp_mrecist.event), (100, true));
}

#[test]
fn no_event_is_censored_at_the_last_date_known_alive() {
    let mut log = Log::new();
    enrol(&mut log, "P2");
    log.form("P2", "clinical", json!({"date": "2023-10-13"}));
    log.form("P2", "labs", json!({"date": "2023-08-01"}));
    let e = &derived(&log)[0];
    assert_eq!(
        (e.os.days, e.os.event, e.os.reason),
        (200, false, "last_known_alive")
    );
    assert_eq!((e.pfs_mrecist.days, e.pfs_mrecist.event), (200, false));
}

#[test]
fn death_without_progression_is_a_pfs_event_and_censors_ttp() {
    let mut log = Log::new();
    enrol(&mut log, "P3");
    log.form("P3", "end_of_study", json!({"date": "2023-05-06", "reason": "death", "death_date": "2023-05-06", "last_known_alive": "2023-05-05"}));
    let e = &derived(&log)[0];
    assert_eq!(
        (
            e.pfs_mrecist.days,
            e.pfs_mrecist.event,
            e.pfs_mrecist.reason
        ),
        (40, true, "death")
    );
    assert_eq!((e.ttp_mrecist.days, e.ttp_mrecist.event), (40, false));
}

#[test]
fn events_after_24_months_are_censored_at_the_cutoff() {
    let mut log = Log::new();
    enrol(&mut log, "P4");
    log.form(
        "P4",
        "survival",
        json!({"contact_date": "2025-06-01", "status": "dead", "death_date": "2025-06-01"}),
    );
    let e = &derived(&log)[0];
    assert_eq!((e.os.days, e.os.event, e.os.reason), (730, false, "cutoff"));
}

#[test]
fn clinical_progression_counts_for_both_criteria() {
    let mut log = Log::new();
    enrol(&mut log, "P5");
    log.form(
        "P5",
        "progression",
        json!({"date": "2023-05-06", "criteria": ["clinical"]}),
    );
    let e = &derived(&log)[0];
    assert!(e.pfs_mrecist.event && e.pfs_recist11.event);
}

#[test]
fn the_group_comes_from_agents_started_before_progression() {
    assert_eq!(treatment_group(&["tki", "pd1"]), "tace_tki_pd1");
    assert_eq!(treatment_group(&["vegf", "pd1"]), "tace_vegf_pd1");
    assert_eq!(treatment_group(&["tki"]), "tace_tki");
    assert_eq!(treatment_group(&["pd1"]), "tace_pd1");
    assert_eq!(treatment_group(&[]), "tace_other");
    let mut log = Log::new();
    enrol(&mut log, "P6");
    log.form(
        "P6",
        "systemic",
        json!({"agent": "lenvatinib", "start_date": "2023-03-28"}),
    );
    imaging(&mut log, "P6", &[("2023-07-05", 60.0, 45.0)]);
    log.form(
        "P6",
        "progression",
        json!({"date": "2023-07-05", "criteria": ["mrecist"]}),
    );
    log.form(
        "P6",
        "systemic",
        json!({"agent": "sintilimab", "start_date": "2023-07-20"}),
    );
    assert_eq!(derived(&log)[0].group, Some("tace_tki"));
}

#[test]
fn a_patient_without_systemic_therapy_has_no_group() {
    let mut log = Log::new();
    enrol(&mut log, "P9");
    log.form("P9", "tace", json!({"date": "2023-03-29"}));
    let e = derived(&log);
    assert_eq!(e[0].group, None, "TACE alone: not yet treated");
    assert_eq!(group_code(e[0].group), NOT_YET_TREATED);
    // A therapy recorded without a start date has not started either.
    log.form("P9", "systemic", json!({"agent": "lenvatinib"}));
    assert_eq!(derived(&log)[0].group, None);
    log.form(
        "P9",
        "systemic",
        json!({"agent": "lenvatinib", "start_date": "2023-04-02"}),
    );
    assert_eq!(derived(&log)[0].group, Some("tace_tki"));
}

#[test]
fn the_demo_study_gives_plausible_endpoints() {
    let demo = crate::demo::generate(120, 2026);
    let e = derive(&State::from_commits(&demo.commits), 730);
    assert_eq!(e.len(), 120);
    let events = e.iter().filter(|p| p.pfs_mrecist.event).count();
    assert!((60..=115).contains(&events), "{events} PFS events");
    assert!(e
        .iter()
        .all(|p| p.pfs_mrecist.days <= p.os.days && p.os.days <= 730 && p.pfs_mrecist.days >= 0));
    assert!(
        e.iter()
            .all(|p| p.baseline["bclc"].is_some() && p.baseline["age"].is_some()),
        "baseline factors derivable"
    );
    let groups: std::collections::BTreeSet<&str> = e.iter().filter_map(|p| p.group).collect();
    // A patient who progressed before the first agent started has no group, as the rule says.
    for g in ["tace_tki", "tace_pd1", "tace_tki_pd1", "tace_vegf_pd1"] {
        assert!(groups.contains(g), "{g}");
    }
}

#[test]
fn pfs_takes_progression_from_the_imaging_series_without_a_form() {
    // The week-12 assessment shows an unequivocal new lesion: PD by both criteria, no form.
    let mut log = Log::new();
    enrol(&mut log, "P7");
    imaging(&mut log, "P7", &[("2023-05-08", 38.0, 20.0)]);
    log.form(
        "P7",
        "tumor_assessment",
        json!({"date": "2023-06-19", "lesions": {"timepoint": "follow_up",
            "targets": {"T1": {"diameter_mm": 38, "viable_diameter_mm": 20}},
            "new_lesions": [{"id": "N1", "organ": "lung", "size_mm": 15}]}}),
    );
    let e = &derived(&log)[0];
    for ep in [&e.pfs_mrecist, &e.pfs_recist11, &e.ttp_mrecist] {
        assert_eq!((ep.days, ep.event, ep.reason), (84, true, "progression"));
    }
    assert_eq!(
        e.pfs_mrecist.source,
        Some(ProgressionSource::ImagingMrecist)
    );
    assert_eq!(
        e.pfs_recist11.source,
        Some(ProgressionSource::ImagingRecist11)
    );
    // The record raises a data query for each criterion: PD in the series, no form.
    let record = crate::record::record(&log.state(), "P7");
    let queries = record.progression_queries();
    assert_eq!(queries.len(), 2);
    assert!(queries
        .iter()
        .all(|q| q.form.is_none() && q.imaging.is_some()));
    assert!(queries[0].message().en.contains("no Progression form"));
    // The patient's status follows the imaging.
    let today = time::macros::date!(2023 - 07 - 01);
    assert_eq!(
        record.summary(today).status,
        crate::schedule::Status::Progressed
    );
}

#[test]
fn clinical_progression_before_the_imaging_pd_wins() {
    let mut log = Log::new();
    enrol(&mut log, "P8");
    imaging(&mut log, "P8", &[("2023-07-05", 60.0, 45.0)]);
    log.form(
        "P8",
        "progression",
        json!({"date": "2023-06-01", "criteria": ["clinical"]}),
    );
    let e = &derived(&log)[0];
    assert_eq!(e.pfs_mrecist.source, Some(ProgressionSource::Clinical));
    assert_eq!(e.pfs_mrecist.date, time::macros::date!(2023 - 06 - 01));
}

#[test]
fn a_form_progression_without_pd_in_the_series_is_a_query_not_an_event() {
    let mut log = Log::new();
    enrol(&mut log, "P9");
    imaging(&mut log, "P9", &[("2023-05-08", 38.0, 28.0)]);
    log.form(
        "P9",
        "progression",
        json!({"date": "2023-05-08", "criteria": ["mrecist", "recist11"]}),
    );
    let e = &derived(&log)[0];
    assert!(!e.pfs_mrecist.event && !e.pfs_recist11.event);
    let queries = crate::record::record(&log.state(), "P9").progression_queries();
    assert_eq!(queries.len(), 2);
    assert!(queries[1].message().zh.contains("没有对应的 PD"));
    // Dates that differ are a query too; the imaging date is the event.
    let mut log = Log::new();
    enrol(&mut log, "P10");
    imaging(&mut log, "P10", &[("2023-07-05", 60.0, 45.0)]);
    log.form(
        "P10",
        "progression",
        json!({"date": "2023-07-20", "criteria": ["mrecist", "recist11"]}),
    );
    let e = &derived(&log)[0];
    assert_eq!(e.pfs_mrecist.date, time::macros::date!(2023 - 07 - 05));
    let q = crate::record::record(&log.state(), "P10").progression_queries();
    assert_eq!(q.len(), 2);
    assert!(q[0]
        .message()
        .en
        .contains("the Progression form says 2023-07-20"));
}

#[test]
fn the_demo_study_progressions_agree_with_its_imaging() {
    let demo = crate::demo::generate(120, 2026);
    let state = State::from_commits(&demo.commits);
    let records = crate::record::records(&state);
    let with_query = records
        .values()
        .filter(|r| !r.progression_queries().is_empty())
        .count();
    assert_eq!(
        with_query, 0,
        "demo patients whose form and imaging disagree"
    );
}

#[test]
fn a_series_the_criterion_refuses_falls_back_to_the_form_with_a_query() {
    // A portal vein thrombus chosen as a target: RECIST 1.1 reads it, mRECIST refuses the
    // baseline. The form's mRECIST progression stands in (source "form"), with a query naming why.
    let mut log = Log::new();
    enrol(&mut log, "P11");
    log.form(
        "P11",
        "tumor_assessment",
        json!({"date": "2023-03-20", "lesions": {"timepoint": "baseline", "targets": [
            {"id": "T1", "organ": "portal vein", "kind": "tumor_thrombus", "diameter_mm": 30,
             "viable_diameter_mm": 30}]}}),
    );
    log.form(
        "P11",
        "tumor_assessment",
        json!({"date": "2023-07-05", "lesions": {"timepoint": "follow_up",
            "targets": {"T1": {"diameter_mm": 45, "viable_diameter_mm": 45}}}}),
    );
    log.form(
        "P11",
        "progression",
        json!({"date": "2023-07-05", "criteria": ["mrecist", "recist11"]}),
    );
    let e = &derived(&log)[0];
    assert!(e.pfs_mrecist.event);
    assert_eq!(e.pfs_mrecist.source, Some(ProgressionSource::Form));
    assert_eq!(
        e.pfs_recist11.source,
        Some(ProgressionSource::ImagingRecist11)
    );
    let q = crate::record::record(&log.state(), "P11").progression_queries();
    assert_eq!(q.len(), 1);
    assert!(q[0].message().en.contains("cannot be evaluated"));
    assert!(q[0].message().en.contains("tumor thrombus"));
}
