//! Safety tables (STUDY.md "Safety"): patients with any adverse event, any grade >= 3, grade >= 3
//! hematologic and non-hematologic, serious, and leading to discontinuation; and by system organ
//! class and term with each patient's worst grade. By treatment group and overall, as counts,
//! percentages and exact (Clopper-Pearson) 95% intervals. Denominators: enrolled patients; those
//! not yet treated (no systemic therapy started) are in a column of their own, in no group, and
//! counted overall.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::ctcae::catalogue;
use crate::endpoints::{derive_patient, group_code, NOT_YET_TREATED};
use crate::log::State;
use crate::stats::binomial::{clopper_pearson, Proportion};

/// Investigations terms that are blood counts: hematologic, with the Blood and lymphatic system
/// disorders SOC.
const HEMATOLOGIC_INVESTIGATIONS: &[&str] = &[
    "Neutrophil count decreased",
    "Platelet count decreased",
    "White blood cell decreased",
    "Lymphocyte count decreased",
    "Lymphocyte count increased",
    "Hemoglobin increased",
];

/// Whether a term is hematologic.
pub fn is_hematologic(term: &str) -> bool {
    HEMATOLOGIC_INVESTIGATIONS.contains(&term)
        || catalogue::find(term).is_some_and(|t| t.soc == "Blood and lymphatic system disorders")
}

/// A summary row's label (as [`tables`] names them, in English) for readers, in both languages;
/// any other label is its own.
pub fn summary_label(label: &str) -> crate::i18n::Text {
    let zh = match label {
        "Any adverse event" => "任何不良事件",
        "Any grade >= 3" => "任何 3 级及以上",
        "Grade >= 3 hematologic" => "3 级及以上血液学毒性",
        "Grade >= 3 non-hematologic" => "3 级及以上非血液学毒性",
        "Serious adverse event" => "严重不良事件",
        "Leading to discontinuation" => "导致停药",
        "Grade 5 (fatal)" => "5 级（死亡）",
        other => other,
    };
    crate::i18n::Text::new(label, zh)
}

/// One row: a proportion per group and overall.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    /// What is counted.
    pub label: String,
    /// System organ class (term rows).
    pub soc: Option<String>,
    /// Per group (in group order), then overall last.
    pub cells: Vec<Proportion>,
}

/// The tables.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SafetyTables {
    /// Group codes, in column order, `not_yet_treated` last when any patient is (overall is the
    /// last cell of each row).
    pub groups: Vec<String>,
    /// Patients per group, then overall.
    pub n: Vec<u64>,
    /// The summary rows.
    pub summary: Vec<Row>,
    /// Any grade, by SOC and term (sorted by SOC, then by overall frequency).
    pub by_term_any_grade: Vec<Row>,
    /// Grade >= 3, by SOC and term.
    pub by_term_grade_3: Vec<Row>,
}

/// One patient's adverse events: (term, grade, serious, led to discontinuation).
type Events = Vec<(String, u8, bool, bool)>;

/// Builds the tables from the folded log.
pub fn tables(state: &State, alpha: f64) -> SafetyTables {
    let records = crate::record::records(state);
    let endpoints: Vec<_> = records
        .values()
        .filter_map(|r| derive_patient(r, i64::MAX).map(|e| (e, r)))
        .collect();
    // The treatment groups in code order, then the patients not yet treated (in no group).
    let mut groups: Vec<String> = endpoints
        .iter()
        .filter_map(|(e, _)| e.group.map(str::to_owned))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if endpoints.iter().any(|(e, _)| e.group.is_none()) {
        groups.push(NOT_YET_TREATED.to_owned());
    }
    let patients: Vec<(usize, Events)> = endpoints
        .iter()
        .map(|(e, record)| {
            let code = group_code(e.group);
            let g = groups.iter().position(|x| x == code).unwrap_or(0);
            let events = record
                .adverse_events()
                .filter_map(|(_, ae)| {
                    let grade = ae.grade_number()?;
                    let serious = ae.serious.unwrap_or(false);
                    // Discontinuation: any agent withdrawn.
                    let stopped = ae.any_agent_withdrawn();
                    (!ae.term.is_empty()).then_some((ae.term, grade, serious, stopped))
                })
                .collect();
            (g, events)
        })
        .collect();
    let k = groups.len();
    let mut n = vec![0u64; k + 1];
    for (g, _) in &patients {
        n[*g] += 1;
        n[k] += 1;
    }
    let row = |label: String, soc: Option<String>, has: &dyn Fn(&Events) -> bool| {
        let mut x = vec![0u64; k + 1];
        for (g, ev) in &patients {
            if has(ev) {
                x[*g] += 1;
                x[k] += 1;
            }
        }
        Row {
            label,
            soc,
            cells: (0..=k)
                .map(|i| clopper_pearson(x[i], n[i], alpha))
                .collect(),
        }
    };
    let summary = vec![
        row("Any adverse event".into(), None, &|e| !e.is_empty()),
        row("Any grade >= 3".into(), None, &|e| {
            e.iter().any(|a| a.1 >= 3)
        }),
        row("Grade >= 3 hematologic".into(), None, &|e| {
            e.iter().any(|a| a.1 >= 3 && is_hematologic(&a.0))
        }),
        row("Grade >= 3 non-hematologic".into(), None, &|e| {
            e.iter().any(|a| a.1 >= 3 && !is_hematologic(&a.0))
        }),
        row("Serious adverse event".into(), None, &|e| {
            e.iter().any(|a| a.2)
        }),
        row("Leading to discontinuation".into(), None, &|e| {
            e.iter().any(|a| a.3)
        }),
        row("Grade 5 (fatal)".into(), None, &|e| {
            e.iter().any(|a| a.1 == 5)
        }),
    ];
    let all_terms: BTreeSet<String> = patients
        .iter()
        .flat_map(|(_, e)| e.iter().map(|a| a.0.clone()))
        .collect();
    let by_term = |min_grade: u8| {
        let mut rows: Vec<Row> = all_terms
            .iter()
            .map(|term| {
                let soc = catalogue::find(term)
                    .map_or("(not a CTCAE term)".to_owned(), |t| t.soc.to_owned());
                row(term.clone(), Some(soc), &|e| {
                    e.iter().any(|a| &a.0 == term && a.1 >= min_grade)
                })
            })
            .filter(|r| r.cells[k].x > 0)
            .collect();
        rows.sort_by(|a, b| {
            a.soc
                .cmp(&b.soc)
                .then(b.cells[k].x.cmp(&a.cells[k].x))
                .then(a.label.cmp(&b.label))
        });
        rows
    };
    let (by_term_any_grade, by_term_grade_3) = (by_term(1), by_term(3));
    SafetyTables {
        groups,
        n: n.clone(),
        summary,
        by_term_any_grade,
        by_term_grade_3,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::log::testing::LogBuilder;

    fn state(aes: &[(&str, &str, &str, bool, &str)]) -> State {
        let mut log = LogBuilder::new();
        for p in ["P1", "P2", "P3", "P4"] {
            log.form(p, "eligibility", json!({"enrollment_date": "2023-03-27"}));
            let agent = if p < "P3" { "lenvatinib" } else { "sintilimab" };
            log.form(
                p,
                "systemic",
                json!({"agent": agent, "start_date": "2023-03-28"}),
            );
        }
        for &(p, term, grade, serious, action) in aes {
            let agent = if p < "P3" { "lenvatinib" } else { "sintilimab" };
            log.form(
                p,
                "adverse_event",
                json!({"term": term, "grade": grade, "serious": serious,
                       "agents": [{"agent": agent, "relation": "possible", "action": action}]}),
            );
        }
        log.state()
    }

    #[test]
    fn patients_are_counted_once_at_their_worst_grade() {
        let s = state(&[
            ("P1", "Platelet count decreased", "3", false, "interrupted"),
            ("P1", "Platelet count decreased", "1", false, "none"),
            ("P1", "Hypertension", "2", false, "none"),
            ("P2", "Hypertension", "3", true, "withdrawn"),
            ("P3", "Fever", "1", false, "none"),
        ]);
        let t = tables(&s, 0.05);
        assert_eq!(t.groups, ["tace_pd1", "tace_tki"]);
        assert_eq!(t.n, [2, 2, 4]);
        let x = |rows: &[Row], label: &str| {
            rows.iter()
                .find(|r| r.label == label)
                .map(|r| r.cells.iter().map(|c| c.x).collect::<Vec<_>>())
        };
        assert_eq!(x(&t.summary, "Any adverse event"), Some(vec![1, 2, 3]));
        assert_eq!(x(&t.summary, "Any grade >= 3"), Some(vec![0, 2, 2]));
        assert_eq!(x(&t.summary, "Grade >= 3 hematologic"), Some(vec![0, 1, 1]));
        assert_eq!(
            x(&t.summary, "Grade >= 3 non-hematologic"),
            Some(vec![0, 1, 1])
        );
        assert_eq!(x(&t.summary, "Serious adverse event"), Some(vec![0, 1, 1]));
        assert_eq!(
            x(&t.summary, "Leading to discontinuation"),
            Some(vec![0, 1, 1])
        );
        assert_eq!(
            x(&t.by_term_any_grade, "Platelet count decreased"),
            Some(vec![0, 1, 1]),
            "twice, one patient"
        );
        assert_eq!(x(&t.by_term_grade_3, "Hypertension"), Some(vec![0, 1, 1]));
        assert_eq!(x(&t.by_term_grade_3, "Fever"), None);
        let overall = &t.summary[0].cells[2];
        assert_eq!((overall.x, overall.n, overall.estimate), (3, 4, Some(0.75)));
        assert!(overall.lower.unwrap() < 0.75 && overall.upper.unwrap() > 0.75);
    }

    #[test]
    fn a_patient_not_yet_treated_is_in_no_group_but_counted_overall() {
        let mut log = LogBuilder::new();
        log.form(
            "P1",
            "eligibility",
            json!({"enrollment_date": "2023-03-27"}),
        );
        log.form(
            "P1",
            "systemic",
            json!({"agent": "lenvatinib", "start_date": "2023-03-28"}),
        );
        log.form(
            "P2",
            "eligibility",
            json!({"enrollment_date": "2023-03-27"}),
        );
        log.form(
            "P2",
            "adverse_event",
            json!({"term": "Fever", "grade": "1"}),
        );
        let t = tables(&log.state(), 0.05);
        assert_eq!(t.groups, ["tace_tki", NOT_YET_TREATED]);
        assert_eq!(t.n, [1, 1, 2]);
        let any: Vec<u64> = t.summary[0].cells.iter().map(|c| c.x).collect();
        assert_eq!(any, [0, 1, 1], "not counted as TACE + other");
    }

    #[test]
    fn hematologic_covers_the_blood_soc_and_blood_counts() {
        assert!(is_hematologic("Anemia"));
        assert!(is_hematologic("Febrile neutropenia"));
        assert!(is_hematologic("Neutrophil count decreased"));
        assert!(!is_hematologic("Alanine aminotransferase increased"));
        assert!(!is_hematologic("Hypertension"));
    }
}
