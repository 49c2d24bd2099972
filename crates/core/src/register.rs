//! The patient register: the first record a coordinator creates for a subject (subject ID and
//! enrollment date), validated with every finding reported at once.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::dates;
use crate::finding::{date_message, Finding};
use crate::i18n::Text;
use crate::subject::{SubjectId, SubjectIdError};

/// What a coordinator typed to register a patient, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PatientDraft {
    /// The subject ID as typed.
    pub subject_id: String,
    /// The enrollment date as typed (`YYYY-MM-DD`).
    pub enrollment_date: String,
}

/// A registered patient; its existence proves the fields were valid when it was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Patient {
    /// The subject ID, canonical.
    pub subject_id: SubjectId,
    /// The enrollment date: the origin of PFS and OS.
    #[serde(with = "crate::dates::iso")]
    pub enrollment_date: Date,
}

/// The message for a malformed subject ID.
pub fn subject_message(err: &SubjectIdError) -> Text {
    match err {
        SubjectIdError::Empty => Text::new("Enter the subject ID.", "请输入受试者编号。"),
        SubjectIdError::Prefix => Text::new(
            "The subject ID must start with HCC- (e.g. HCC-001-0007).",
            "受试者编号须以 HCC- 开头（如 HCC-001-0007）。",
        ),
        SubjectIdError::Site => Text::new(
            "The site code must be three digits (e.g. HCC-001-0007).",
            "中心编号须为三位数字（如 HCC-001-0007）。",
        ),
        SubjectIdError::Sequence => Text::new(
            "The sequence number must be four digits (e.g. HCC-001-0007).",
            "顺序号须为四位数字（如 HCC-001-0007）。",
        ),
        _ => Text::new(
            "Site code and sequence number start at 001 and 0001.",
            "中心编号和顺序号分别从 001 和 0001 开始。",
        ),
    }
}

impl PatientDraft {
    /// Validates the draft against `today`, returning the patient or every finding at once.
    pub fn validate(&self, today: Date) -> Result<Patient, Vec<Finding>> {
        let mut findings = Vec::new();
        let subject_id = self
            .subject_id
            .parse::<SubjectId>()
            .map_err(|e| findings.push(Finding::error("subject_id", subject_message(&e))))
            .ok();
        let enrollment_date = dates::parse_date(&self.enrollment_date)
            .and_then(|d| dates::not_in_future(d, today).map(|()| d))
            .map_err(|e| findings.push(Finding::error("enrollment_date", date_message(e))))
            .ok();
        match (subject_id, enrollment_date) {
            (Some(subject_id), Some(enrollment_date)) => Ok(Patient {
                subject_id,
                enrollment_date,
            }),
            _ => Err(findings),
        }
    }
}

/// Checks that a new patient's subject ID is not already registered.
pub fn check_unique<'a>(
    patient: &Patient,
    existing: impl IntoIterator<Item = &'a SubjectId>,
) -> Result<(), Finding> {
    if existing.into_iter().any(|id| *id == patient.subject_id) {
        Err(already_registered(&patient.subject_id))
    } else {
        Ok(())
    }
}

/// The finding of a subject ID registered already.
pub fn already_registered(id: &SubjectId) -> Finding {
    Finding::error(
        "subject_id",
        Text::new(
            format!("{id} is already registered."),
            format!("{id} 已登记。"),
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Severity;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 23);

    fn draft(id: &str, date: &str) -> PatientDraft {
        PatientDraft {
            subject_id: id.into(),
            enrollment_date: date.into(),
        }
    }

    fn fields(findings: &[Finding]) -> Vec<&str> {
        findings.iter().map(|f| f.field.as_str()).collect()
    }

    #[test]
    fn valid_draft_becomes_a_patient() {
        let p = draft("HCC-001-0007", "2023-03-27").validate(TODAY).unwrap();
        assert_eq!(p.subject_id.to_string(), "HCC-001-0007");
        assert_eq!(p.enrollment_date, date!(2023 - 03 - 27));
    }

    #[test]
    fn every_finding_is_reported_at_once() {
        let findings = draft("X", "2027-01-01").validate(TODAY).unwrap_err();
        assert_eq!(fields(&findings), ["subject_id", "enrollment_date"]);
        assert!(findings.iter().all(|f| f.severity == Severity::Error));
    }

    #[test]
    fn enrollment_today_is_allowed_tomorrow_is_not() {
        assert!(draft("HCC-001-0001", "2026-11-23").validate(TODAY).is_ok());
        let findings = draft("HCC-001-0001", "2026-11-24")
            .validate(TODAY)
            .unwrap_err();
        assert_eq!(
            findings[0].message.en,
            "The date may not lie in the future."
        );
        assert_eq!(findings[0].message.zh, "日期不能晚于今天。");
    }

    #[test]
    fn patient_serialises_with_plain_strings() {
        let p = draft("HCC-001-0007", "2023-03-27").validate(TODAY).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"subject_id":"HCC-001-0007","enrollment_date":"2023-03-27"}"#
        );
        assert_eq!(serde_json::from_str::<Patient>(&json).unwrap(), p);
    }

    #[test]
    fn duplicate_subject_is_refused() {
        let p = draft("HCC-001-0001", "2023-03-27").validate(TODAY).unwrap();
        let other: SubjectId = "HCC-001-0002".parse().unwrap();
        assert!(check_unique(&p, [&other]).is_ok());
        let finding = check_unique(&p, [&other, &p.subject_id]).unwrap_err();
        assert_eq!(finding.field, "subject_id");
    }
}
