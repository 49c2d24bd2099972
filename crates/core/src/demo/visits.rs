//! One demo patient's forms after enrollment, in the order a site would enter them:
//! treatments, follow-up visits, adverse events, and the outcome.

use serde_json::{json, Value};
use time::Duration;

use super::draws::{labs, DemoLesions, AES};
use super::patient::Course;
use super::rng::{iso, Rng};
use super::writer::Writer;

/// The systemic therapy lines of the group, and TACE on demand.
pub(super) fn treatments(w: &mut Writer, rng: &mut Rng, c: &Course) {
    let Course {
        ref subject,
        enrolled,
        group,
        pfs_days,
        end_days,
        progressed,
        horizon,
        ..
    } = *c;
    let at = |d: f64| c.at(d);
    for agent in group.2 {
        let start = enrolled + Duration::days(rng.int(0, 10));
        let stop = progressed.then(|| at(pfs_days + rng.range(0.0, 30.0)).min(horizon));
        w.form(
            subject,
            "systemic",
            start,
            vec![
                ("agent", json!(agent)),
                ("start_date", iso(start)),
                ("dose", json!("per label")),
                ("stop_date", stop.map_or(Value::Null, iso)),
                (
                    "stop_reason",
                    if stop.is_some() {
                        json!("progression")
                    } else {
                        Value::Null
                    },
                ),
            ],
        );
    }
    // TACE on demand: the first at enrollment, more every 6-10 weeks until progression.
    let mut t = 0.0;
    for session in 0..rng.int(1, 4) {
        if t > end_days.min(pfs_days) {
            break;
        }
        let d = at(t);
        w.form(
            subject,
            "tace",
            d,
            vec![
                ("date", iso(d)),
                (
                    "technique",
                    json!(if rng.chance(0.75) {
                        "ctace"
                    } else {
                        "deb_tace"
                    }),
                ),
                ("chemo_agents", json!(["epirubicin"])),
                ("chemo_dose_mg", json!(rng.int(20, 60))),
                ("lipiodol_ml", json!(rng.int(3, 15))),
                (
                    "selectivity",
                    json!(if session == 0 {
                        "segmental"
                    } else {
                        "subsegmental"
                    }),
                ),
            ],
        );
        t += rng.range(42.0, 70.0);
    }
}

/// The follow-up visits: clinical assessment, labs and tumor assessment.
pub(super) fn follow_up(w: &mut Writer, rng: &mut Rng, lesions: &DemoLesions, c: &Course) {
    let Course {
        ref subject,
        pfs_days,
        end_days,
        ..
    } = *c;
    let at = |d: f64| c.at(d);
    // Follow-up every 6 weeks to week 24, then every 9 weeks.
    let mut visit = 42.0;
    while visit <= end_days {
        let d = at(visit);
        let stress = if visit > pfs_days { 1.4 } else { 1.0 };
        w.form(
            subject,
            "clinical",
            d,
            vec![
                ("date", iso(d)),
                (
                    "ecog",
                    json!(if stress > 1.0 && rng.chance(0.4) {
                        "2"
                    } else {
                        *rng.pick(&["0", "1"])
                    }),
                ),
                (
                    "ascites",
                    json!(if stress > 1.0 && rng.chance(0.3) {
                        "mild"
                    } else {
                        "none"
                    }),
                ),
                ("encephalopathy", json!("none")),
            ],
        );
        let mut l = labs(rng, stress);
        l.insert(0, ("date", iso(d)));
        w.form(subject, "labs", d, l);
        let reading = if visit >= pfs_days {
            "PD"
        } else if rng.chance(0.45) {
            "PR"
        } else if rng.chance(0.1) {
            "CR"
        } else {
            "SD"
        };
        w.form(
            subject,
            "tumor_assessment",
            d,
            vec![
                ("date", iso(d)),
                ("modality", json!("ct")),
                ("lesions", lesions.follow_up(visit, pfs_days)),
                ("investigator_mrecist", json!(reading)),
                (
                    "investigator_recist11",
                    json!(if reading == "CR" {
                        "PR"
                    } else if reading == "PR" && rng.chance(0.5) {
                        "SD"
                    } else {
                        reading
                    }),
                ),
            ],
        );
        visit += if visit < 168.0 { 42.0 } else { 63.0 };
    }
}

/// The adverse events, each at its rate.
pub(super) fn adverse_events(w: &mut Writer, rng: &mut Rng, c: &Course) {
    let Course {
        ref subject,
        group,
        end_days,
        horizon,
        ..
    } = *c;
    let at = |d: f64| c.at(d);
    for &(term, max_grade, p) in AES {
        if rng.chance(p) {
            let onset_day = rng.range(1.0, end_days.clamp(2.0, 400.0));
            let onset = at(onset_day);
            let grade = rng
                .int(1, max_grade)
                .min(if rng.chance(0.7) { 2 } else { max_grade });
            let resolved = at(onset_day + rng.range(3.0, 60.0));
            let serious = grade >= 3 && rng.chance(0.4);
            w.form(
                subject,
                "adverse_event",
                onset,
                vec![
                    ("term", json!(term)),
                    ("grade", json!(grade.to_string())),
                    ("onset_date", iso(onset)),
                    (
                        "resolution_date",
                        if resolved <= horizon {
                            iso(resolved)
                        } else {
                            Value::Null
                        },
                    ),
                    ("serious", json!(serious)),
                    (
                        "sae_criteria",
                        if serious {
                            json!(["hospitalization"])
                        } else {
                            Value::Null
                        },
                    ),
                    (
                        "relation_tace",
                        json!(if term == "Abdominal pain" || term == "Fever" {
                            "probable"
                        } else {
                            "unlikely"
                        }),
                    ),
                    ("agents", {
                        let relation = *rng.pick(&["possible", "probable", "unlikely"]);
                        let action = if grade >= 3 { "interrupted" } else { "none" };
                        Value::Array(
                            group
                                .2
                                .iter()
                                .map(
                                    |a| json!({"agent": a, "relation": relation, "action": action}),
                                )
                                .collect(),
                        )
                    }),
                    (
                        "outcome",
                        json!(if resolved <= horizon {
                            "recovered"
                        } else {
                            "recovering"
                        }),
                    ),
                ],
            );
        }
    }
}

/// Progression, survival contacts, death and the end of study.
pub(super) fn outcome(w: &mut Writer, rng: &mut Rng, c: &Course) {
    let Course {
        ref subject,
        pfs_days,
        end_days,
        dead,
        progressed,
        lost,
        horizon,
        data_cut,
        ..
    } = *c;
    let at = |d: f64| c.at(d);
    if progressed {
        let d = at(pfs_days);
        w.form(
            subject,
            "progression",
            d,
            vec![
                ("date", iso(d)),
                ("criteria", json!(["mrecist", "recist11"])),
                (
                    "sites",
                    json!([*rng.pick(&[
                        "intrahepatic_growth",
                        "new_intrahepatic",
                        "vascular_invasion",
                        "extrahepatic"
                    ])]),
                ),
            ],
        );
        let mut contact = pfs_days + 91.0;
        while contact < end_days {
            w.form(
                subject,
                "survival",
                at(contact),
                vec![
                    ("contact_date", iso(at(contact))),
                    ("status", json!("alive")),
                ],
            );
            contact += 91.0;
        }
    }
    let end = at(end_days);
    if dead {
        w.form(
            subject,
            "survival",
            end,
            vec![
                ("contact_date", iso(end)),
                ("status", json!("dead")),
                ("death_date", iso(end)),
                (
                    "death_cause",
                    json!(if rng.chance(0.8) {
                        "hcc"
                    } else {
                        "liver_failure"
                    }),
                ),
            ],
        );
    }
    let reason = if dead {
        Some("death")
    } else if lost.is_some_and(|l| l <= end_days) {
        Some("lost")
    } else if horizon < data_cut || end_days >= 730.0 {
        Some("completed")
    } else {
        None // still in follow-up at the data cut
    };
    if let Some(reason) = reason {
        w.form(
            subject,
            "end_of_study",
            end,
            vec![
                ("date", iso(end)),
                ("reason", json!(reason)),
                ("death_date", if dead { iso(end) } else { Value::Null }),
                (
                    "last_known_alive",
                    iso(if dead { end - Duration::days(1) } else { end }),
                ),
            ],
        );
    }
}
