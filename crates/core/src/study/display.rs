//! How the study definition's words and stored numbers read for people, in either language: a
//! label, a code's label, a number as typed. The app's screens and the printed reports share it.

use super::{study, Label};
use crate::i18n::Lang;

/// A label in `lang`.
pub fn label(l: Label, lang: Lang) -> &'static str {
    match lang {
        Lang::En => l.en,
        Lang::ZhCn => l.zh,
    }
}

/// A number as typed: no trailing `.0`.
pub fn number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{n:.0}")
    } else {
        format!("{n}")
    }
}

/// The label of `code` in the code list `list`, or the code itself.
pub fn code_label(list: &str, code: &str, lang: Lang) -> String {
    study()
        .code_list(list)
        .and_then(|l| l.codes.iter().find(|c| c.code == code))
        .map_or_else(|| code.to_owned(), |c| label(c.label, lang).to_owned())
}
