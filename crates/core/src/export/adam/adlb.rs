//! ADLB: one row per lab value of an enrolled subject (every test of the labs form), with its
//! normal range, the baseline flag (the last labs on or before enrollment) and, for the tests
//! CTCAE v5.0 grades, one row per term the value is graded on, with its grade.

use super::{date, num, var, Dataset, Kind, Subject};
use crate::ctcae::proposals::grade_labs;
use crate::record::baseline::LabPanel;
use crate::study::{study, FieldKind};

/// Builds ADLB.
pub(super) fn build(subjects: &[Subject]) -> Dataset {
    let mut d = Dataset::new(
        "adlb",
        "Laboratory Analysis Dataset",
        &[
            var("PARAMCD", "Parameter Code (the labs form's field, upper case)", Kind::Char, ""),
            var("PARAM", "Parameter (test and unit)", Kind::Char, ""),
            var(
                "LBTESTCD",
                "CDISC Lab Test Code of the graded tests",
                Kind::Char,
                "NEUT; PLAT; WBC; LYM; HGB; ALT; AST; ALP; GGT; BILI; CREAT; ALB; INR; SODIUM; K",
            ),
            var("ADT", "Analysis Date (sample date)", Kind::Date, ""),
            var("ADY", "Analysis Relative Day (days from enrollment)", Kind::Num, ""),
            var("AVAL", "Analysis Value", Kind::Num, ""),
            var("AVALU", "Analysis Value Unit", Kind::Char, ""),
            var("ANRLO", "Analysis Normal Range Lower Limit", Kind::Num, ""),
            var("ANRHI", "Analysis Normal Range Upper Limit", Kind::Num, ""),
            var("ABLFL", "Baseline Record Flag", Kind::Char, "Y"),
            var("ATOXTERM", "CTCAE v5.0 Term Graded", Kind::Char, ""),
            var(
                "ATOXGR",
                "CTCAE Grade (0 = not abnormal in that direction; empty when a limit it needs is missing)",
                Kind::Num,
                "0; 1; 2; 3; 4",
            ),
        ],
    );
    let Some(form) = study().form("labs") else {
        return d;
    };
    // The tests: the labs form's decimals that are not a limit of another.
    let tests: Vec<(&str, &str, &str)> = form
        .fields
        .iter()
        .filter(|f| !f.id.ends_with("_lln") && !f.id.ends_with("_uln"))
        .filter_map(|f| match f.kind {
            FieldKind::Decimal { unit, .. } => Some((f.id, f.label.en, unit)),
            _ => None,
        })
        .collect();
    for s in subjects {
        let Some(enrolled) = s.enrolled() else {
            continue;
        };
        let baseline_values = s.record.baseline_lab_values(enrolled);
        // The baseline labs: the last on or before enrollment (the derivations' rule).
        let baseline = s.record.baseline_labs(enrolled).map(|l| l.id.as_str());
        let mut labs: Vec<_> = s.record.of("labs").collect();
        labs.sort_by_key(|l| (l.date, l.created_ms));
        for l in labs {
            let panel = LabPanel::read(&l.values);
            let graded = grade_labs(&panel.values, &baseline_values);
            let value = |k: &str| panel.value(k);
            for &(field, label, unit) in &tests {
                let Some(v) = value(field) else { continue };
                let common = |term: &str, grade: String, test: &str| {
                    vec![
                        field.to_uppercase(),
                        if unit.is_empty() {
                            label.to_owned()
                        } else {
                            format!("{label} ({unit})")
                        },
                        test.to_owned(),
                        date(l.date),
                        l.date
                            .map(|x| (x - enrolled).whole_days().to_string())
                            .unwrap_or_default(),
                        num(Some(v)),
                        unit.to_owned(),
                        num(value(&format!("{field}_lln"))),
                        num(value(&format!("{field}_uln"))),
                        if baseline == Some(l.id.as_str()) {
                            "Y"
                        } else {
                            ""
                        }
                        .to_owned(),
                        term.to_owned(),
                        grade,
                    ]
                };
                match graded.iter().find(|g| g.field == field) {
                    Some(g) => match &g.grades {
                        Ok(terms) => {
                            for t in terms {
                                let grade = t.grade.map(|x| x.to_string()).unwrap_or_default();
                                d.push(s, common(t.term, grade, &g.lab.test));
                            }
                        }
                        Err(_) => d.push(s, common("", String::new(), &g.lab.test)),
                    },
                    None => d.push(s, common("", String::new(), "")),
                }
            }
        }
    }
    d
}
