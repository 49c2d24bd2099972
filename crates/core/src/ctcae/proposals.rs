//! Adverse events proposed from a labs form: every value that reaches CTCAE grade >= 1 is
//! proposed (term, grade, date) for the user to confirm or dismiss; nothing is ever added
//! silently. A proposal's key names the form instance, the field and the value, so that a dismissal
//! is remembered for that value and comes back only if the value changes.

use std::collections::BTreeMap;

use serde::Serialize;
use time::Date;

use super::lab::{grade, LabValue};

/// The labs form's fields that CTCAE grades, with their test code and unit.
const GRADED: &[(&str, &str, &str)] = &[
    ("neut", "NEUT", "10^9/L"),
    ("plt", "PLAT", "10^9/L"),
    ("wbc", "WBC", "10^9/L"),
    ("lym", "LYM", "10^9/L"),
    ("hgb", "HGB", "g/L"),
    ("alt", "ALT", "U/L"),
    ("ast", "AST", "U/L"),
    ("alp", "ALP", "U/L"),
    ("ggt", "GGT", "U/L"),
    ("bili", "BILI", "umol/L"),
    ("creat", "CREAT", "umol/L"),
    ("alb", "ALB", "g/L"),
    ("inr", "INR", "ratio"),
    ("sodium", "SODIUM", "mmol/L"),
    ("potassium", "K", "mmol/L"),
];

/// One proposed adverse event.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Proposal {
    /// Remembers a dismissal: `<instance>/<field>/<value>`.
    pub key: String,
    /// The labs field.
    pub field: &'static str,
    /// The CTCAE term.
    pub term: &'static str,
    /// The grade the value reaches.
    pub grade: u8,
    /// The sample date (the AE's onset).
    pub date: Option<String>,
}

impl Proposal {
    /// The lab's name in both languages, from the study definition (the labs form's field),
    /// for showing instead of the field id (`plt`).
    pub fn lab_label(&self) -> Option<crate::study::Label> {
        crate::study::study()
            .form("labs")
            .and_then(|f| f.field(self.field))
            .map(|f| f.label)
    }
}

/// One graded value of a labs form: the field, its CDISC test code and unit, the value with
/// its limits, and its CTCAE grades (or why the value cannot be graded).
#[derive(Debug, Clone, PartialEq)]
pub struct GradedLab {
    /// The labs field (`plt`).
    pub field: &'static str,
    /// The value as graded (test code, value, unit, limits, baseline).
    pub lab: LabValue,
    /// The terms and grades the value reaches, or the grading's refusal.
    pub grades: Result<Vec<super::lab::TermGrade>, super::lab::LabError>,
}

/// Grades every CTCAE-graded value of one labs form instance (`values`: its numeric values by
/// field id, each test with its limits `{field}_lln`, `{field}_uln`, as `record::baseline::LabPanel`
/// reads them); `baseline` holds the patient's baseline values by field (for the
/// baseline-dependent rules). Fields without a value are left out.
pub fn grade_labs(
    values: &BTreeMap<String, f64>,
    baseline: &BTreeMap<String, f64>,
) -> Vec<GradedLab> {
    let num = |k: &str| values.get(k).copied();
    GRADED
        .iter()
        .filter_map(|&(field, test, unit)| {
            let lab = LabValue {
                test: test.into(),
                value: num(field)?,
                unit: unit.into(),
                lln: num(&format!("{field}_lln")),
                uln: num(&format!("{field}_uln")),
                baseline: baseline.get(field).copied(),
                on_anticoagulation: false,
            };
            let grades = grade(&lab);
            Some(GradedLab { field, lab, grades })
        })
        .collect()
}

/// The proposals for one labs form instance sampled on `date` (its numeric values as
/// [`grade_labs`] reads them); `baseline` holds the patient's baseline values by
/// field (for the baseline-dependent rules). A term whose grade depends on a limit the form
/// lacks is not graded and proposes nothing; a value in an absolute band (neutrophils below
/// 1.5 x 10^9/L, haemoglobin below 100 g/L, ...) is graded without its limits.
pub fn from_labs(
    instance: &str,
    date: Option<Date>,
    values: &BTreeMap<String, f64>,
    baseline: &BTreeMap<String, f64>,
) -> Vec<Proposal> {
    let date = date.map(crate::dates::format_date);
    let mut out = Vec::new();
    for g in grade_labs(values, baseline) {
        let Ok(grades) = g.grades else { continue };
        for t in grades {
            let Some(grade) = t.grade.filter(|&x| x >= 1) else {
                continue;
            };
            out.push(Proposal {
                key: format!("{instance}/{}/{}", g.field, g.lab.value),
                field: g.field,
                term: t.term,
                grade,
                date: date.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A labs form's numeric values (what `record::baseline::LabPanel` reads).
    fn values(v: serde_json::Value) -> BTreeMap<String, f64> {
        v.as_object()
            .unwrap()
            .iter()
            .filter_map(|(k, x)| x.as_f64().map(|n| (k.clone(), n)))
            .collect()
    }

    /// The proposals of a form sampled on 2024-05-06.
    fn from_labs(
        instance: &str,
        values: &BTreeMap<String, f64>,
        baseline: &BTreeMap<String, f64>,
    ) -> Vec<Proposal> {
        super::from_labs(
            instance,
            crate::dates::parse_date("2024-05-06").ok(),
            values,
            baseline,
        )
    }

    #[test]
    fn platelets_of_40_propose_a_grade_3_ae() {
        let v = values(json!({"date": "2024-05-06", "plt": 40, "plt_lln": 125}));
        let p = from_labs("f7", &v, &BTreeMap::new());
        assert_eq!(p.len(), 1);
        assert_eq!(
            (p[0].term, p[0].grade, p[0].date.as_deref()),
            ("Platelet count decreased", 3, Some("2024-05-06"))
        );
        assert_eq!(p[0].key, "f7/plt/40");
        let lab = p[0].lab_label().expect("a labs field");
        assert_eq!((lab.en, lab.zh), ("Platelets", "血小板"));
    }

    #[test]
    fn normal_values_and_ungradable_fields_propose_nothing() {
        let v = values(json!({"date": "2024-05-06", "plt": 180, "plt_lln": 125, "alt": 300}));
        assert!(
            from_labs("f7", &v, &BTreeMap::new()).is_empty(),
            "ALT without its ULN cannot be graded"
        );
    }

    #[test]
    fn absolute_band_values_propose_without_their_limits() {
        let v =
            values(json!({"date": "2024-05-06", "neut": 1.2, "hgb": 99, "alb": 29, "plt": 180}));
        let p: Vec<(&str, u8)> = from_labs("f7", &v, &BTreeMap::new())
            .iter()
            .map(|p| (p.term, p.grade))
            .collect();
        assert_eq!(
            p,
            [
                ("Neutrophil count decreased", 2),
                ("Anemia", 2),
                ("Hypoalbuminemia", 2)
            ],
            "platelets of 180 without an LLN: grade 0 or 1, not known"
        );
    }

    #[test]
    fn a_changed_value_gets_a_new_key() {
        let a = from_labs(
            "f7",
            &values(json!({"neut": 0.9, "neut_lln": 1.8})),
            &BTreeMap::new(),
        );
        let b = from_labs(
            "f7",
            &values(json!({"neut": 0.8, "neut_lln": 1.8})),
            &BTreeMap::new(),
        );
        assert_ne!(a[0].key, b[0].key);
        assert_eq!((a[0].grade, b[0].grade), (3, 3));
    }

    #[test]
    fn the_baseline_rule_applies() {
        let v = values(json!({"alt": 100, "alt_uln": 40}));
        let abnormal_baseline = BTreeMap::from([("alt".to_owned(), 80.0)]);
        assert_eq!(from_labs("f", &v, &BTreeMap::new())[0].grade, 1);
        assert!(
            from_labs("f", &v, &abnormal_baseline).is_empty(),
            "1.25 x an abnormal baseline"
        );
    }
}
