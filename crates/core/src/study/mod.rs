//! The study definition (STUDY.md "Forms"): every form and field, declaratively, and the
//! validation of a form's values against it.

mod codelists;
pub mod display;
mod forms;
pub mod model;
pub mod plan;
pub mod units;
pub mod validate;

use std::sync::OnceLock;

pub use model::{AltUnit, Code, CodeList, Field, FieldKind, Form, Label, Range, Study, Timing};

/// The study definition, built once.
pub fn study() -> &'static Study {
    static STUDY: OnceLock<Study> = OnceLock::new();
    STUDY.get_or_init(|| Study {
        forms: forms::forms(),
        code_lists: codelists::code_lists(),
    })
}

#[cfg(test)]
mod tests;
