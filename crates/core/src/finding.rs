//! What validation reports: a finding on one field (an error that refuses the value, or a
//! warning that asks for a confirmation) with its message in both languages, and the messages
//! of the date rules. Shared by the patient register, the study's form validation and the save
//! gate, below all of them.

use serde::{Deserialize, Serialize};

use crate::dates::DateError;
use crate::i18n::Text;

/// How serious a validation finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The value is refused; nothing is saved until it is corrected.
    Error,
    /// The value is unusual; saving needs an explicit confirmation.
    Warning,
}

/// One problem with one field, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The field's id.
    pub field: String,
    /// Whether the value is refused or only needs confirmation.
    pub severity: Severity,
    /// What is wrong, for the user.
    pub message: Text,
}

impl Finding {
    /// An error finding on `field`.
    pub fn error(field: &str, message: Text) -> Finding {
        Finding {
            field: field.to_owned(),
            severity: Severity::Error,
            message,
        }
    }
}

/// The user-facing message for a date rule, naming what the date is.
pub fn date_message(err: DateError) -> Text {
    match err {
        DateError::Format => Text::new(
            "Enter a date as YYYY-MM-DD.",
            "请按 YYYY-MM-DD 格式输入日期。",
        ),
        DateError::Future => Text::new("The date may not lie in the future.", "日期不能晚于今天。"),
        DateError::BeforeBirth => Text::new(
            "The date may not precede the date of birth.",
            "日期不能早于出生日期。",
        ),
        DateError::BeforeEnrollment => Text::new(
            "The date may not precede enrollment.",
            "日期不能早于入组日期。",
        ),
        DateError::BeforeScreening => Text::new(
            "The date may not precede screening (informed consent, or 28 days before enrollment, whichever is earlier).",
            "日期不能早于筛选期（知情同意日或入组前 28 天，以较早者为准）。",
        ),
        _ => Text::new("The dates are out of order.", "日期先后顺序有误。"),
    }
}
