//! The tumor assessment and progression forms (`tumor_assessment`, `progression` of the study
//! definition) read once into types: the lesion table and the investigator's readings, and the
//! criteria a progression was judged by, for the response series, the reading queries and the
//! progression dates.

use time::Date;

use super::values::{codes, date_of, text};
use super::Values;
use crate::response::model::FormLesions;
use crate::response::Criteria;

/// A tumor assessment as recorded.
#[derive(Debug, Clone, PartialEq)]
pub struct TumorAssessment {
    /// The assessment's date.
    pub date: Option<Date>,
    /// The lesion table (baseline or follow-up), when it reads as one.
    pub lesions: Option<FormLesions>,
    /// The investigator's overall response by mRECIST (a code of the response list).
    pub investigator_mrecist: Option<String>,
    /// The investigator's overall response by RECIST 1.1.
    pub investigator_recist11: Option<String>,
}

impl TumorAssessment {
    /// Reads a `tumor_assessment` form's values.
    pub fn read(v: &Values) -> TumorAssessment {
        let text = |k: &str| text(v, k).map(str::to_owned);
        TumorAssessment {
            date: date_of(v, "date"),
            lesions: v
                .get("lesions")
                .and_then(|l| serde_json::from_value(l.clone()).ok()),
            investigator_mrecist: text("investigator_mrecist"),
            investigator_recist11: text("investigator_recist11"),
        }
    }

    /// The investigator's reading by `criteria`.
    pub fn reading(&self, criteria: Criteria) -> Option<&str> {
        match criteria {
            Criteria::Mrecist => self.investigator_mrecist.as_deref(),
            Criteria::Recist11 => self.investigator_recist11.as_deref(),
        }
    }

    /// The dated lesion table, when both are recorded (what a response series is made of).
    pub fn table(self) -> Option<(Date, FormLesions)> {
        Some((self.date?, self.lesions?))
    }
}

/// A progression as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgressionForm {
    /// The date of progression.
    pub date: Option<Date>,
    /// The criteria it was judged by (codes of the `progression_criteria` list: `mrecist`,
    /// `recist11`, `clinical`).
    pub criteria: Vec<String>,
}

impl ProgressionForm {
    /// Reads a `progression` form's values.
    pub fn read(v: &Values) -> ProgressionForm {
        ProgressionForm {
            date: date_of(v, "date"),
            criteria: codes(v, "criteria"),
        }
    }

    /// Whether it was judged by `criterion`.
    pub fn by(&self, criterion: &str) -> bool {
        self.criteria.iter().any(|c| c == criterion)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::dates::parse_date;

    #[test]
    fn an_assessment_and_a_progression_read_into_their_types() {
        let v: Values = serde_json::from_value(json!({
            "date": "2026-04-01", "investigator_mrecist": "PR", "lesions": {"not": "a table"}
        }))
        .unwrap();
        let a = TumorAssessment::read(&v);
        assert_eq!(a.date, parse_date("2026-04-01").ok());
        assert_eq!(a.reading(Criteria::Mrecist), Some("PR"));
        assert_eq!(a.reading(Criteria::Recist11), None);
        // A lesion table that does not read is no table.
        assert_eq!(a.lesions, None);
        assert_eq!(a.table(), None);
        let p = ProgressionForm::read(
            &serde_json::from_value(json!({"date": "2026-05-01", "criteria": ["mrecist", 3]}))
                .unwrap(),
        );
        assert_eq!(p.date, parse_date("2026-05-01").ok());
        assert!(p.by("mrecist"));
        assert!(!p.by("recist11"));
        assert!(!ProgressionForm::read(&Values::new()).by("clinical"));
    }
}
