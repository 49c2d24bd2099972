//! The shape of a study definition: forms, fields, field kinds, ranges, code lists, visibility.

use serde::Serialize;

/// A label in both languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Label {
    /// English.
    pub en: &'static str,
    /// Simplified Chinese.
    pub zh: &'static str,
}

/// A plausible range: outside `hard` a value is refused; outside `soft` it needs confirmation.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Range {
    /// Refused outside.
    pub hard: (f64, f64),
    /// Needs confirmation outside.
    pub soft: Option<(f64, f64)>,
}

/// What a field holds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FieldKind {
    /// A whole number.
    Integer {
        /// Its range.
        range: Range,
    },
    /// A decimal with a unit and a precision.
    Decimal {
        /// Unit, as shown.
        unit: &'static str,
        /// Decimals kept.
        decimals: u8,
        /// Its range.
        range: Range,
    },
    /// A calendar date.
    Date,
    /// One code from a code list.
    Choice {
        /// The code list's id.
        list: &'static str,
    },
    /// Several codes from a code list.
    MultiChoice {
        /// The code list's id.
        list: &'static str,
    },
    /// Free text.
    Text,
    /// Yes or no.
    YesNo,
    /// The lesion table of a tumor assessment (the shape of `response::model::FormLesions`).
    Lesions,
    /// Per systemic agent: the relation of an adverse event to it and the action taken with it,
    /// `[{"agent": code, "relation": code, "action": code}]` (code lists `systemic_agent`,
    /// `relation`, `ae_action`).
    AgentTable,
}

/// Show a field only when another field of the form has one of some codes (or is yes).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Condition {
    /// The field it depends on.
    pub field: &'static str,
    /// The codes that make it visible (`"yes"` for a yes/no field).
    pub any_of: &'static [&'static str],
}

/// Another unit a value is commonly reported in (a unit mix-up to catch): `1 unit = factor` of
/// the field's unit.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AltUnit {
    /// The other unit, as labs print it.
    pub unit: &'static str,
    /// Its value in the field's unit.
    pub factor: f64,
}

/// A field.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Field {
    /// Stable id within the form.
    pub id: &'static str,
    /// Its label.
    pub label: Label,
    /// What it holds.
    pub kind: FieldKind,
    /// Whether it must be filled (when visible).
    pub required: bool,
    /// When it is shown.
    pub visible_if: Option<Condition>,
    /// A decimal's common other unit, whose values validation recognises (`study::units`).
    pub alt_unit: Option<AltUnit>,
}

/// Which dates rules apply to a form's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timing {
    /// Recorded at screening (eligibility, demographics, history, baseline disease), or at
    /// screening and at every visit (labs, clinical assessment): the visit date may not precede
    /// screening (`dates::screening_start`: consent, or 28 days before enrollment).
    Baseline,
    /// After enrollment: dates may not precede it.
    FollowUp,
}

/// A form (CRF).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Form {
    /// Stable id.
    pub id: &'static str,
    /// Its title.
    pub label: Label,
    /// Whether a patient may have several.
    pub repeatable: bool,
    /// Date rules.
    pub timing: Timing,
    /// Its fields, in order.
    pub fields: Vec<Field>,
    /// The date field that places an instance on the patient's timeline; `None` for a baseline
    /// form without a date of its own, and for the internal forms (not on the timeline).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dated_by: Option<&'static str>,
    /// Whether the date in [`Form::dated_by`] proves the patient alive that day (a visit, a
    /// sample, a scan, a procedure, an onset, a start): the dates the last date known alive
    /// is taken from (STUDY.md "Endpoints"), with the enrollment date, an alive survival
    /// contact and the end of study's last date known alive.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub proves_alive: bool,
    /// Kept by the app itself (e.g. decisions on proposed adverse events), not a CRF the user
    /// opens: not offered as a form, not on the timeline.
    pub internal: bool,
}

/// One code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Code {
    /// Stable code.
    pub code: &'static str,
    /// Its label.
    pub label: Label,
}

/// A code list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeList {
    /// Stable id.
    pub id: &'static str,
    /// Its codes.
    pub codes: Vec<Code>,
}

/// The whole study definition.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Study {
    /// Forms.
    pub forms: Vec<Form>,
    /// Code lists.
    pub code_lists: Vec<CodeList>,
}

impl Study {
    /// A form by id.
    pub fn form(&self, id: &str) -> Option<&Form> {
        self.forms.iter().find(|f| f.id == id)
    }

    /// A code list by id.
    pub fn code_list(&self, id: &str) -> Option<&CodeList> {
        self.code_lists.iter().find(|l| l.id == id)
    }
}

impl Form {
    /// A field by id.
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }
}

/// `Label` shorthand.
pub const fn l(en: &'static str, zh: &'static str) -> Label {
    Label { en, zh }
}

fn field(id: &'static str, label: Label, kind: FieldKind) -> Field {
    Field {
        id,
        label,
        kind,
        required: false,
        visible_if: None,
        alt_unit: None,
    }
}

/// An integer field.
pub fn int(id: &'static str, label: Label, min: f64, max: f64) -> Field {
    field(
        id,
        label,
        FieldKind::Integer {
            range: Range {
                hard: (min, max),
                soft: None,
            },
        },
    )
}

/// A decimal field with a hard and an optional soft range.
pub fn dec(
    id: &'static str,
    label: Label,
    unit: &'static str,
    decimals: u8,
    hard: (f64, f64),
    soft: Option<(f64, f64)>,
) -> Field {
    field(
        id,
        label,
        FieldKind::Decimal {
            unit,
            decimals,
            range: Range { hard, soft },
        },
    )
}

/// A date field.
pub fn date(id: &'static str, label: Label) -> Field {
    field(id, label, FieldKind::Date)
}

/// A single-choice field.
pub fn choice(id: &'static str, label: Label, list: &'static str) -> Field {
    field(id, label, FieldKind::Choice { list })
}

/// A multiple-choice field.
pub fn multi(id: &'static str, label: Label, list: &'static str) -> Field {
    field(id, label, FieldKind::MultiChoice { list })
}

/// A yes/no field.
pub fn yes_no(id: &'static str, label: Label) -> Field {
    field(id, label, FieldKind::YesNo)
}

/// A lesion table.
pub fn lesions(id: &'static str, label: Label) -> Field {
    field(id, label, FieldKind::Lesions)
}

/// A per-agent relation and action table.
pub fn agent_table(id: &'static str, label: Label) -> Field {
    field(id, label, FieldKind::AgentTable)
}

/// A free-text field.
pub fn text(id: &'static str, label: Label) -> Field {
    field(id, label, FieldKind::Text)
}

impl Field {
    /// Makes it required.
    pub fn req(mut self) -> Field {
        self.required = true;
        self
    }

    /// Recognises values entered in `unit`, `1 unit = factor` of the field's unit.
    pub fn alt(mut self, unit: &'static str, factor: f64) -> Field {
        self.alt_unit = Some(AltUnit { unit, factor });
        self
    }

    /// Shows it only when `field` has one of `any_of`.
    pub fn when(mut self, field: &'static str, any_of: &'static [&'static str]) -> Field {
        self.visible_if = Some(Condition { field, any_of });
        self
    }
}

/// A code list from (code, English, Chinese) triples.
pub fn list(id: &'static str, codes: &[(&'static str, &'static str, &'static str)]) -> CodeList {
    CodeList {
        id,
        codes: codes
            .iter()
            .map(|&(code, en, zh)| Code {
                code,
                label: l(en, zh),
            })
            .collect(),
    }
}
