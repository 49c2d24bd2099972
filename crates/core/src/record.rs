//! One patient's record, the typed patient layer every reader goes through: the patient's form
//! instances read once from the folded log, each form read into types, the derived values at
//! baseline, the validation of a form being entered in the context of the rest of the record,
//! and the operations a save turns into. Built on `log`, the study definition and the clinical
//! rules (`response`, `ctcae`, `derived`); the endpoints, the patient list's summary, safety, the
//! analyses and the exports read it.
//!
//! By concept: [`values`] is the one place raw values are read by field id; [`adverse_event`],
//! [`baseline`], [`systemic`], [`tumor`] and [`vital`] read the forms into types; [`draft`]
//! validates a form being entered in the context of the record; [`clinical`] gives the tumor
//! response series, the agents received and the adverse events proposed from labs; [`ops`] the
//! operations a save turns into, and [`save`] the save gate.

pub mod adverse_event;
pub mod baseline;
mod clinical;
mod draft;
mod ops;
pub mod save;
pub mod systemic;
pub mod tumor;
mod values;
pub mod vital;

pub use ops::{
    confirm_ops, confirm_proposal_ops, create_ops, dismiss_proposal_ops, edit_ops, edit_ops_since,
    needs_reason, proposal_confirmed_ops, proposal_draft, resolve_op, visible_values,
};

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use time::Date;

use crate::derived::{age_years, DeriveInput, Derived};
use crate::log::State;
use crate::study::validate::Context;
use crate::study::{study, Form};
use values::date_of;

/// A form's values, by field id.
pub type Values = BTreeMap<String, Value>;

/// One form instance of a patient.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Its id.
    pub id: String,
    /// The form's id.
    pub form: String,
    /// The date that places it on the timeline (see [`date_field`]).
    pub date: Option<Date>,
    /// When it was created (hybrid logical clock, milliseconds).
    pub created_ms: u64,
    /// Its current values.
    pub values: Values,
}

/// The field whose date places a form on the patient's timeline (the study definition's
/// `Form::dated_by`); `None` for baseline forms without a date of their own, and for an
/// unknown form.
pub fn date_field(form: &str) -> Option<&'static str> {
    crate::study::study().form(form).and_then(|f| f.dated_by)
}

/// The date that places an instance of `form` with `values` on the timeline (its
/// [`date_field`]); `None` without one.
pub fn instance_date(form: &str, values: &Values) -> Option<Date> {
    date_field(form).and_then(|f| date_of(values, f))
}

/// The current values of an instance of `form` (fields the form does not define are left out).
pub fn instance_values(state: &State, instance: &str, form: &Form) -> Values {
    state
        .values_of(instance)
        .filter(|(field, _)| form.field(field).is_some())
        .map(|(field, v)| (field.to_owned(), v.clone()))
        .collect()
}

/// One patient's record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Record {
    /// Subject ID.
    pub subject: String,
    /// Form instances not deleted, in creation order.
    pub instances: Vec<Instance>,
}

/// Every patient's record, by subject ID. A form whose id the study does not define is skipped.
pub fn records(state: &State) -> BTreeMap<String, Record> {
    collect(state, |_| true)
}

/// The subject IDs that [`records`] would give, without reading any value (cheap: what a list
/// of 2,000 patients needs before it shows a page of them).
pub fn subjects(state: &State) -> BTreeSet<String> {
    let study = study();
    state
        .forms()
        .filter(|(_, f)| !f.deleted && study.form(&f.form).is_some())
        .map(|(_, f)| f.patient)
        .collect()
}

/// The records of the patients in `wanted` (one pass over the state, whatever their number).
pub fn records_of(state: &State, wanted: &BTreeSet<String>) -> BTreeMap<String, Record> {
    collect(state, |subject| wanted.contains(subject))
}

/// One patient's record (empty when the patient has no form).
pub fn record(state: &State, subject: &str) -> Record {
    collect(state, |s| s == subject)
        .remove(subject)
        .unwrap_or_else(|| Record {
            subject: subject.to_owned(),
            instances: Vec::new(),
        })
}

fn collect(state: &State, keep: impl Fn(&str) -> bool) -> BTreeMap<String, Record> {
    let mut out: BTreeMap<String, Record> = BTreeMap::new();
    let study = study();
    for (id, f) in state.forms() {
        if f.deleted || !keep(&f.patient) {
            continue;
        }
        let Some(form) = study.form(&f.form) else {
            continue;
        };
        let values = instance_values(state, id, form);
        let date = instance_date(form.id, &values);
        let record = out.entry(f.patient.clone()).or_insert_with(|| Record {
            subject: f.patient.clone(),
            instances: Vec::new(),
        });
        record.instances.push(Instance {
            id: id.clone(),
            form: f.form,
            date,
            created_ms: f.created_hlc.wall_ms,
            values,
        });
    }
    for r in out.values_mut() {
        r.instances
            .sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
    }
    out
}

impl Record {
    /// The instances of one form.
    pub fn of<'a>(&'a self, form: &'a str) -> impl Iterator<Item = &'a Instance> + 'a {
        self.instances.iter().filter(move |i| i.form == form)
    }

    /// What validation of this patient's forms needs.
    pub fn context(&self, today: Date) -> Context {
        Context {
            today,
            birth: self.birth(),
            enrollment: self.enrolled(),
            consent: self.consented(),
        }
    }

    /// The record as it would be with `values` saved in `instance` of `form` (a new instance
    /// when `instance` is not one of the record's).
    pub fn with_draft(&self, instance: &str, form: &str, values: &Values) -> Record {
        let mut r = self.clone();
        let date = instance_date(form, values);
        match r.instances.iter_mut().find(|i| i.id == instance) {
            Some(i) => {
                i.values = values.clone();
                i.date = date;
            }
            None => r.instances.push(Instance {
                id: instance.to_owned(),
                form: form.to_owned(),
                date,
                created_ms: u64::MAX,
                values: values.clone(),
            }),
        }
        r
    }

    /// The derived values at baseline (enrollment; before it, as of `today`), their inputs,
    /// and the age at that date.
    pub fn derived(&self, today: Date) -> (DeriveInput, Derived, Option<i32>) {
        let on = self.enrolled().unwrap_or(today);
        let input = self.baseline_input(on);
        let age = self.birth().map(|b| age_years(b, on));
        // Inputs come from validated forms; a value outside the derivation's ranges is dropped
        // rather than derived from.
        let derived = match input.check_ranges() {
            Ok(()) => input.derive(),
            Err(_) => DeriveInput::default().derive(),
        };
        (input, derived, age)
    }

    /// The instances in date order: baseline forms without a date first, then by date; forms the
    /// app keeps for itself are left out.
    pub fn timeline(&self) -> Vec<&Instance> {
        let internal = |form: &str| study().form(form).is_some_and(|f| f.internal);
        let mut items: Vec<&Instance> = self
            .instances
            .iter()
            .filter(|i| !internal(&i.form))
            .collect();
        items.sort_by_key(|i| (i.date.is_some(), i.date, i.created_ms));
        items
    }
}

#[cfg(test)]
mod tests;
