//! Analysis data sets in the spirit of CDISC ADaM (ADaMIG v1.3 naming): ADSL (one row per
//! subject), ADTTE (time to event), ADRS (tumor response), ADAE (adverse events), ADLB (labs with
//! their CTCAE grades), and `define` (the data dictionary). Every data set carries `STUDYID`,
//! `USUBJID` and `TRT01P` (the treatment group, coded as `ecrf endpoints` codes it); dates are ISO
//! 8601 (`YYYY-MM-DD`), times in days. The numbers are the app's: every value comes from the
//! core's derivations (endpoints, response criteria, CTCAE grading), never recomputed here.

mod adae;
mod adlb;
mod adrs;
mod adsl;
mod adtte;
#[cfg(test)]
mod tests;

use time::Date;

use crate::endpoints::{group_code, PatientEndpoints};
use crate::log::State;
use crate::record::{records, Record};

/// The study identifier written as `STUDYID` in every data set.
pub const STUDY_ID: &str = crate::study::plan::STUDY_ID;

/// A variable's type, as the data dictionary states it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text.
    Char,
    /// A number.
    Num,
    /// An ISO 8601 date (`YYYY-MM-DD`), text in the CSV.
    Date,
}

impl Kind {
    /// The name written in the dictionary.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Char => "Char",
            Kind::Num => "Num",
            Kind::Date => "Date",
        }
    }
}

/// One variable (column) of a data set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variable {
    /// Its name (upper case, <= 8 characters, as ADaM names them).
    pub name: &'static str,
    /// Its label.
    pub label: &'static str,
    /// Its type.
    pub kind: Kind,
    /// Its codes and what they mean (`0 = event; 1 = ...`), `list:<id>` for a code list of the
    /// study definition (written out in full in the dictionary), or "" when free.
    pub codes: &'static str,
}

/// Shorthand for a variable.
const fn var(name: &'static str, label: &'static str, kind: Kind, codes: &'static str) -> Variable {
    Variable {
        name,
        label,
        kind,
        codes,
    }
}

/// The variables every data set starts with.
const KEYS: [Variable; 3] = [
    var("STUDYID", "Study Identifier", Kind::Char, ""),
    var("USUBJID", "Unique Subject Identifier", Kind::Char, ""),
    var(
        "TRT01P",
        "Planned Treatment for Period 01 (derived group)",
        Kind::Char,
        "tace_tki; tace_pd1; tace_tki_pd1; tace_vegf_pd1; tace_other; not_yet_treated",
    ),
];

/// One data set: its variables and its rows (one text cell per variable; "" when missing).
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    /// Its name in lower case (`adtte`), which is also the file's (`adtte.csv`).
    pub name: &'static str,
    /// Its label.
    pub label: &'static str,
    /// The variables, in column order.
    pub variables: Vec<Variable>,
    /// The rows.
    pub rows: Vec<Vec<String>>,
}

impl Dataset {
    fn new(name: &'static str, label: &'static str, own: &[Variable]) -> Dataset {
        Dataset {
            name,
            label,
            variables: KEYS.iter().chain(own).copied().collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row: the keys of `subject`, then `cells` (one per own variable).
    fn push(&mut self, subject: &Subject, cells: Vec<String>) {
        debug_assert_eq!(cells.len() + KEYS.len(), self.variables.len());
        let mut row = vec![
            STUDY_ID.to_owned(),
            subject.record.subject.clone(),
            subject.group().to_owned(),
        ];
        row.extend(cells);
        self.rows.push(row);
    }

    /// The data set as CSV (RFC 4180: a header row of variable names, then the rows; fields
    /// quoted when they hold a comma, a quote or a line break; CRLF line ends; UTF-8 without a
    /// byte-order mark).
    pub fn to_csv(&self) -> String {
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        let header: Vec<&str> = self.variables.iter().map(|v| v.name).collect();
        // Writing into memory cannot fail.
        w.write_record(&header).expect("in memory");
        for row in &self.rows {
            w.write_record(row).expect("in memory");
        }
        let bytes = w.into_inner().expect("in memory");
        String::from_utf8(bytes).expect("every cell is UTF-8")
    }
}

/// One subject: the record and, once enrolled, the endpoints.
struct Subject {
    record: Record,
    endpoints: Option<PatientEndpoints>,
}

impl Subject {
    fn group(&self) -> &'static str {
        self.endpoints.as_ref().map_or("", |e| group_code(e.group))
    }

    fn enrolled(&self) -> Option<Date> {
        self.endpoints.as_ref().map(|e| e.enrollment)
    }
}

/// A date as ISO 8601, "" when missing.
fn date(d: Option<Date>) -> String {
    d.map(crate::dates::format_date).unwrap_or_default()
}

/// `Y` / `N`, "" when unknown.
fn flag(v: Option<bool>) -> String {
    v.map(|b| if b { "Y" } else { "N" }.to_owned())
        .unwrap_or_default()
}

/// A number in its shortest round-trip form, "" when missing.
fn num(v: Option<f64>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

/// Every analysis data set of the study and its data dictionary, in the order ADSL, ADTTE,
/// ADRS, ADAE, ADLB, DEFINE. `cutoff_days` is the administrative cut-off of the endpoints
/// (the analysis plan's is [`crate::study::plan::CUTOFF_DAYS`]).
pub fn datasets(state: &State, cutoff_days: i64) -> Vec<Dataset> {
    let subjects: Vec<Subject> = records(state)
        .into_values()
        .map(|record| Subject {
            endpoints: record.endpoints(cutoff_days),
            record,
        })
        .collect();
    let mut sets = vec![
        adsl::build(&subjects),
        adtte::build(&subjects),
        adrs::build(&subjects),
        adae::build(&subjects),
        adlb::build(&subjects),
    ];
    sets.push(define(&sets));
    sets
}

/// A variable's codes as the dictionary writes them: a study code list in full (`code = label;
/// ...`), else as given.
fn codes(codes: &str) -> String {
    match codes
        .strip_prefix("list:")
        .and_then(|id| crate::study::study().code_list(id))
    {
        Some(list) => list
            .codes
            .iter()
            .map(|c| format!("{} = {}", c.code, c.label.en))
            .collect::<Vec<_>>()
            .join("; "),
        None => codes.to_owned(),
    }
}

/// The data dictionary: one row per variable of each data set (`DATASET`, `VARIABLE`, `LABEL`,
/// `TYPE`, `CODES`), the data set's own label on a row with an empty `VARIABLE`.
pub fn define(sets: &[Dataset]) -> Dataset {
    let mut rows = Vec::new();
    for s in sets {
        rows.push(vec![
            s.name.to_uppercase(),
            String::new(),
            s.label.to_owned(),
            String::new(),
            String::new(),
        ]);
        for v in &s.variables {
            rows.push(vec![
                s.name.to_uppercase(),
                v.name.to_owned(),
                v.label.to_owned(),
                v.kind.name().to_owned(),
                codes(v.codes),
            ]);
        }
    }
    Dataset {
        name: "define",
        label: "Data dictionary of the analysis data sets",
        variables: vec![
            var("DATASET", "Data set", Kind::Char, ""),
            var("VARIABLE", "Variable name", Kind::Char, ""),
            var("LABEL", "Variable label", Kind::Char, ""),
            var("TYPE", "Type", Kind::Char, "Char; Num; Date (ISO 8601)"),
            var("CODES", "Codes and their meaning", Kind::Char, ""),
        ],
        rows,
    }
}
