//! Flat tables, one CSV per form, for a statistician's spreadsheet or R/SAS/Stata import: one
//! row per form instance, one column per field (and a label column per coded field).
//!
//! The shape of a table (RFC 4180 CSV, UTF-8 without byte-order mark, CRLF line ends, fields
//! quoted only when they must be by the `csv` crate):
//!
//! - header: `subject`, `instance`, then for each field of the form in the form's order its id
//!   (`<field>`) and, for a coded field (choice, multi-select, yes/no), `<field>_label`;
//! - one row per form instance that is not deleted, sorted by subject, then by the form's date
//!   field (`record::date_field`; undated rows last), then by instance id;
//! - a cell holds the field's current value (`State::value`, the winner of a conflict), empty when
//!   the field is unset or cleared: codes as stored, a yes/no as `yes`/`no`, a multi-select's codes
//!   in the stored order joined by `;` (no code contains one), dates as stored (ISO 8601
//!   `YYYY-MM-DD`), numbers as stored (`36`, `1.25`, in the field's unit of `study::forms`), free
//!   text as entered (newlines, commas and quotes kept, quoted), a lesion or agent table as
//!   canonical JSON (sorted keys) in one cell;
//! - a label cell holds the code's label in the language asked for, several joined by `;`.
//!
//! The app's byte-order mark for Excel is the caller's (the CLI's `--bom`): the core returns
//! the bare UTF-8 text.

use std::cmp::Ordering;

use time::Date;

use super::value::{coded, is_coded, labels};
use crate::i18n::Lang;
use crate::log::State;
use crate::record::{instance_date, instance_values, Values};
use crate::study::{study, Form};

/// One form's table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlatTable {
    /// The form's id in the study definition (`labs`): the caller writes the table to
    /// `DIR/<form>.csv`.
    pub form: String,
    /// The CSV text (see the module documentation for its columns and cells).
    pub csv: String,
}

/// One table per form of the study definition, in the definition's order (the app's internal
/// forms, such as `ae_review`, included), each with its header even when it has no row. Form
/// instances of a form the study does not define, and values of fields a form does not define,
/// are left out.
pub fn form_tables(state: &State, lang: Lang) -> Vec<FlatTable> {
    let study = study();
    study
        .forms
        .iter()
        .map(|form| FlatTable {
            form: form.id.to_owned(),
            csv: table(state, form, lang),
        })
        .collect()
}

/// The header of a form's table.
pub fn header(form: &Form) -> Vec<String> {
    let mut out = vec!["subject".to_owned(), "instance".to_owned()];
    for f in &form.fields {
        out.push(f.id.to_owned());
        if is_coded(&f.kind) {
            out.push(format!("{}_label", f.id));
        }
    }
    out
}

/// One row to write, with what it is sorted by.
struct Row {
    subject: String,
    date: Option<Date>,
    instance: String,
    values: Values,
}

fn by_subject_date_instance(a: &Row, b: &Row) -> Ordering {
    // Undated rows last: `None < Some` in `Option`'s order, so compare "is undated" first.
    (&a.subject, a.date.is_none(), a.date, &a.instance).cmp(&(
        &b.subject,
        b.date.is_none(),
        b.date,
        &b.instance,
    ))
}

fn table(state: &State, form: &Form, lang: Lang) -> String {
    let mut rows: Vec<Row> = state
        .forms()
        .filter(|(_, f)| !f.deleted && f.form == form.id)
        .map(|(id, f)| {
            let values = instance_values(state, id, form);
            Row {
                subject: f.patient,
                date: instance_date(form.id, &values),
                instance: id.clone(),
                values,
            }
        })
        .collect();
    rows.sort_by(by_subject_date_instance);
    // Writing into a Vec<u8> cannot fail, nor can its bytes (all from `&str`) be other than UTF-8.
    write(form, &rows, lang)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_default()
}

fn write(form: &Form, rows: &[Row], lang: Lang) -> Result<Vec<u8>, csv::Error> {
    let study = study();
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(header(form))?;
    for row in rows {
        let mut record = vec![row.subject.clone(), row.instance.clone()];
        for f in &form.fields {
            let v = row.values.get(f.id);
            record.push(v.map(|v| coded(&f.kind, v)).unwrap_or_default());
            if is_coded(&f.kind) {
                record.push(
                    v.and_then(|v| labels(study, &f.kind, v, lang))
                        .unwrap_or_default(),
                );
            }
        }
        w.write_record(&record)?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}
