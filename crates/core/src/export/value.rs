//! One stored value as the exports write it: the coded text of a field's value (shared by the
//! ODM `ItemData/@Value` and the flat tables' cells, so that the two always agree) and the
//! labels of its codes.

use serde_json::Value;

use crate::i18n::Lang;
use crate::study::{FieldKind, Label, Study};

/// What separates the codes of a multi-select value (and their labels): `hbv;alcohol`. No code
/// of the study contains it (checked in the tests).
pub(crate) const MULTI_SEPARATOR: &str = ";";

/// The code of `true` in a yes/no field (the code that visibility conditions use too).
pub(crate) const YES: &str = "yes";
/// The code of `false` in a yes/no field.
pub(crate) const NO: &str = "no";

/// The labels of the yes/no codes.
pub(crate) const YES_NO_LABELS: [(&str, Label); 2] = [
    (
        YES,
        Label {
            en: "Yes",
            zh: "是",
        },
    ),
    (
        NO,
        Label {
            en: "No", zh: "否"
        },
    ),
];

/// Whether a field holds codes (and so has labels): a choice, a multi-select or a yes/no.
pub(crate) fn is_coded(kind: &FieldKind) -> bool {
    matches!(
        kind,
        FieldKind::Choice { .. } | FieldKind::MultiChoice { .. } | FieldKind::YesNo
    )
}

/// The value as text: a string as it is (codes, ISO dates, free text), a number as stored
/// (`36`, `1.25`), a yes/no as `yes`/`no`, a multi-select's codes in the stored order joined by
/// [`MULTI_SEPARATOR`], a lesion or agent table (and anything else structured) as canonical JSON
/// (object keys sorted, numbers as stored), `null` as the empty string.
pub(crate) fn coded(kind: &FieldKind, value: &Value) -> String {
    match (kind, value) {
        (FieldKind::Lesions | FieldKind::AgentTable, v) => json(v),
        (FieldKind::MultiChoice { .. }, Value::Array(items)) => {
            match items
                .iter()
                .map(Value::as_str)
                .collect::<Option<Vec<&str>>>()
            {
                Some(codes) => codes.join(MULTI_SEPARATOR),
                None => json(value),
            }
        }
        (_, Value::String(s)) => s.clone(),
        (_, Value::Number(n)) => n.to_string(),
        (_, Value::Bool(b)) => if *b { YES } else { NO }.to_owned(),
        (_, Value::Null) => String::new(),
        (_, v) => json(v),
    }
}

/// The labels of a coded value in `lang` (`None` for a field that holds no codes): a choice's
/// label, a yes/no's `Yes`/`是`, a multi-select's labels joined by [`MULTI_SEPARATOR`]. A code
/// the list does not have gets an empty label.
pub(crate) fn labels(study: &Study, kind: &FieldKind, value: &Value, lang: Lang) -> Option<String> {
    let label_of = |list: &str, code: &str| {
        study
            .code_list(list)
            .and_then(|l| l.codes.iter().find(|c| c.code == code))
            .map(|c| in_lang(c.label, lang).to_owned())
            .unwrap_or_default()
    };
    match kind {
        FieldKind::Choice { list } => Some(
            value
                .as_str()
                .map(|c| label_of(list, c))
                .unwrap_or_default(),
        ),
        FieldKind::MultiChoice { list } => Some(
            value
                .as_array()
                .map(|items| {
                    items
                        .iter()
                        .map(|i| i.as_str().map(|c| label_of(list, c)).unwrap_or_default())
                        .collect::<Vec<_>>()
                        .join(MULTI_SEPARATOR)
                })
                .unwrap_or_default(),
        ),
        FieldKind::YesNo => Some(
            value
                .as_bool()
                .map(|b| {
                    let code = if b { YES } else { NO };
                    YES_NO_LABELS
                        .iter()
                        .find(|(c, _)| *c == code)
                        .map(|(_, l)| in_lang(*l, lang).to_owned())
                        .unwrap_or_default()
                })
                .unwrap_or_default(),
        ),
        _ => None,
    }
}

/// A label in `lang`.
pub(crate) fn in_lang(label: Label, lang: Lang) -> &'static str {
    match lang {
        Lang::En => label.en,
        Lang::ZhCn => label.zh,
    }
}

/// Canonical JSON: `serde_json` writes object keys sorted, and stored numbers are canonical
/// already (`log::canonical`).
fn json(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}
