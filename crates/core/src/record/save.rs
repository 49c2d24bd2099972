//! The save gate of a form being entered: whether a save may happen, and the operations it
//! turns into. Every field with an error or an unusual value not yet confirmed, and a missing
//! reason for change, are refused at once (all counted, so the screen can say how many); an
//! edit writes only what the user changed since opening the form; confirmed unusual values are
//! recorded with the save; a new adverse event drafted from a proposal decides that proposal in
//! the same commit.

use std::collections::BTreeSet;

use serde_json::Value;

use super::ops::{confirm_ops, create_ops, edit_ops_since, needs_reason, proposal_confirmed_ops};
use super::Values;
use crate::finding::{Finding, Severity};
use crate::log::{canonical, Op, State};
use crate::study::Form;

/// What a soft-range confirmation is for: the field and its value as it will be stored
/// (`field=value`, the value canonical as commits store it; `field=` without one).
pub fn confirm_key(field: &str, value: Option<&Value>) -> String {
    let value = value
        .map(|v| {
            let mut v = v.clone();
            canonical(&mut v);
            v.to_string()
        })
        .unwrap_or_default();
    format!("{field}={value}")
}

/// A save of a form as entered.
#[derive(Debug, Clone, Copy)]
pub struct SaveRequest<'a> {
    /// The form.
    pub form: &'a Form,
    /// The patient's subject ID.
    pub patient: &'a str,
    /// The instance edited; `None` for a new one.
    pub existing: Option<&'a str>,
    /// The id a new instance gets (ignored for an edit).
    pub new_instance: &'a str,
    /// The values when the form was opened (an edit writes only what differs from them).
    pub opened: &'a Values,
    /// The values to save (the visible ones: [`super::visible_values`]).
    pub values: &'a Values,
    /// The findings of the draft ([`super::Record::validate_draft`]).
    pub findings: &'a [Finding],
    /// The unusual values the user confirmed, as [`confirm_key`]s.
    pub confirmed: &'a BTreeSet<String>,
    /// The reason for change typed (surrounding blanks ignored).
    pub reason: &'a str,
    /// The proposed adverse event (its key) a new adverse event was drafted from.
    pub proposal: Option<&'a str>,
}

/// Why a save does not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveRefusal {
    /// Fields with an error or an unusual value not confirmed (in field id order), and whether
    /// a reason for change is missing (an edit of a form saved with values, changing any).
    Problems {
        /// The fields.
        fields: Vec<String>,
        /// The reason is missing.
        reason_missing: bool,
    },
    /// Nothing to save: the values are those saved and nothing new is confirmed.
    NoChanges,
}

impl SaveRefusal {
    /// How many problems the screen names (each field, and the missing reason).
    pub fn count(&self) -> usize {
        match self {
            SaveRefusal::Problems {
                fields,
                reason_missing,
            } => fields.len() + usize::from(*reason_missing),
            SaveRefusal::NoChanges => 0,
        }
    }
}

/// The operations of a save, or why it is refused.
///
/// # Errors
/// [`SaveRefusal::Problems`] while a finding is an error or an unconfirmed warning, or a reason
/// is needed and missing; [`SaveRefusal::NoChanges`] when nothing would be written.
pub fn prepare_save(state: &State, r: &SaveRequest) -> Result<Vec<Op>, SaveRefusal> {
    let fields: BTreeSet<&str> = r
        .findings
        .iter()
        .filter(|f| {
            f.severity == Severity::Error
                || !r
                    .confirmed
                    .contains(&confirm_key(&f.field, r.values.get(&f.field)))
        })
        .map(|f| f.field.as_str())
        .collect();
    // Only what the user changed since opening the form is written (another tab's or device's
    // change meanwhile is never reverted); a reason explains such a change, so saving an
    // unchanged form, or only confirming a value, needs none.
    let edits = r
        .existing
        .map(|i| edit_ops_since(state, i, r.form, r.opened, r.values))
        .unwrap_or_default();
    let reason_missing = r.existing.is_some_and(|i| needs_reason(state, i))
        && r.reason.trim().is_empty()
        && !edits.is_empty();
    if !fields.is_empty() || reason_missing {
        return Err(SaveRefusal::Problems {
            fields: fields.into_iter().map(str::to_owned).collect(),
            reason_missing,
        });
    }
    // The unusual values confirmed: recorded with the save, so that reopening the form does not
    // ask again and the audit trail shows who confirmed what.
    let to_confirm: Vec<(&str, &Value)> = r
        .findings
        .iter()
        .filter(|f| f.severity != Severity::Error)
        .filter_map(|f| r.values.get_key_value(f.field.as_str()))
        .map(|(k, v)| (k.as_str(), v))
        .collect();
    let instance = r.existing.unwrap_or(r.new_instance);
    let mut ops = match r.existing {
        Some(_) => edits,
        None => create_ops(r.new_instance, r.form, r.patient, r.values),
    };
    ops.extend(confirm_ops(state, instance, &to_confirm));
    // The proposal this event was drafted from is decided with the event, in one commit.
    if let (None, Some(key)) = (r.existing, r.proposal) {
        ops.extend(proposal_confirmed_ops(
            &format!("{instance}-r"),
            r.patient,
            key,
            instance,
        ));
    }
    if ops.is_empty() {
        return Err(SaveRefusal::NoChanges);
    }
    Ok(ops)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::i18n::Text;
    use crate::log::DeviceLog;
    use crate::study::study;

    fn values(v: Value) -> Values {
        serde_json::from_value(v).unwrap()
    }

    fn labs() -> &'static Form {
        study().form("labs").unwrap()
    }

    fn request<'a>(
        existing: Option<&'a str>,
        opened: &'a Values,
        values: &'a Values,
        findings: &'a [Finding],
        confirmed: &'a BTreeSet<String>,
        reason: &'a str,
    ) -> SaveRequest<'a> {
        SaveRequest {
            form: labs(),
            patient: "HCC-001-0001",
            existing,
            new_instance: "tab-1-new",
            opened,
            values,
            findings,
            confirmed,
            reason,
            proposal: None,
        }
    }

    fn warning(field: &str) -> Finding {
        Finding {
            field: field.to_owned(),
            severity: Severity::Warning,
            message: Text::new("unusual".to_owned(), "异常".to_owned()),
        }
    }

    #[test]
    fn every_problem_is_counted_at_once_and_nothing_is_written() {
        let state = State::default();
        let v = values(json!({"date": "2025-01-02", "plt": 40, "alt": 900}));
        let findings = [
            Finding::error("date", Text::new("bad".to_owned(), "错".to_owned())),
            warning("plt"),
            warning("alt"),
        ];
        let confirmed: BTreeSet<String> = [confirm_key("alt", v.get("alt"))].into();
        let empty = Values::new();
        let refused = prepare_save(
            &state,
            &request(None, &empty, &v, &findings, &confirmed, ""),
        );
        let expected = SaveRefusal::Problems {
            fields: vec!["date".into(), "plt".into()],
            reason_missing: false,
        };
        assert_eq!(refused, Err(expected.clone()));
        assert_eq!(expected.count(), 2);
    }

    #[test]
    fn a_new_form_is_created_with_its_confirmations_and_an_edit_needs_a_reason() {
        let mut log = DeviceLog::new("tab-1");
        let mut state = State::default();
        let v = values(json!({"date": "2025-01-02", "plt": 40}));
        let findings = [warning("plt")];
        let confirmed: BTreeSet<String> = [confirm_key("plt", Some(&json!(40.0)))].into();
        let empty = Values::new();
        let ops = prepare_save(
            &state,
            &request(None, &empty, &v, &findings, &confirmed, ""),
        )
        .unwrap();
        assert!(matches!(&ops[0], Op::CreateForm { instance, .. } if instance == "tab-1-new"));
        assert!(ops
            .iter()
            .any(|o| matches!(o, Op::ConfirmValue { field, .. } if field == "plt")));
        state.apply(&log.commit(1, "u", None, ops));

        // Unchanged: nothing to save (the confirmation is already recorded).
        let again = request(Some("tab-1-new"), &v, &v, &findings, &confirmed, "");
        assert_eq!(prepare_save(&state, &again), Err(SaveRefusal::NoChanges));
        // Changed after the first save: a reason is needed, then only the change is written.
        let changed = values(json!({"date": "2025-01-02", "plt": 45}));
        let none = BTreeSet::new();
        let no_reason = request(Some("tab-1-new"), &v, &changed, &[], &none, "  ");
        assert_eq!(
            prepare_save(&state, &no_reason),
            Err(SaveRefusal::Problems {
                fields: vec![],
                reason_missing: true
            })
        );
        let with_reason = request(Some("tab-1-new"), &v, &changed, &[], &none, "typo");
        let ops = prepare_save(&state, &with_reason).unwrap();
        assert_eq!(ops.len(), 1);
        assert!(matches!(&ops[0], Op::SetField { field, .. } if field == "plt"));
    }

    #[test]
    fn a_new_adverse_event_from_a_proposal_decides_it_in_the_same_save() {
        let form = study().form("adverse_event").unwrap();
        let v = values(json!({"term": "Platelet count decreased", "grade": 3}));
        let (empty, none) = (Values::new(), BTreeSet::new());
        let r = SaveRequest {
            form,
            proposal: Some("plt:tab-1-lab"),
            ..request(None, &empty, &v, &[], &none, "")
        };
        let ops = prepare_save(&State::default(), &r).unwrap();
        assert!(matches!(&ops[0], Op::CreateForm { instance, .. } if instance == "tab-1-new"));
        let decided = ops.iter().any(|o| {
            matches!(o, Op::CreateForm { instance, form, .. }
                if instance == "tab-1-new-r" && form != "adverse_event")
        });
        assert!(decided, "{ops:?}");
    }
}
