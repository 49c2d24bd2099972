//! ADRS: tumor response by mRECIST and by RECIST 1.1, as the core's criteria evaluate each
//! enrolled subject's imaging series: the overall response at every timepoint, then the best
//! overall response confirmed (CR/PR confirmed >= 4 weeks later) and unconfirmed.

use super::{date, num, var, Dataset, Kind, Subject};
use crate::response::Criteria;

/// Builds ADRS (subjects whose series a criterion cannot evaluate have no rows for it).
pub(super) fn build(subjects: &[Subject]) -> Dataset {
    let mut d = Dataset::new(
        "adrs",
        "Tumor Response Analysis Dataset",
        &[
            var(
                "PARAMCD",
                "Parameter Code",
                Kind::Char,
                "OVRLRESP = overall response at the timepoint; BOR = best overall response, CR/PR confirmed; BORU = best overall response, unconfirmed",
            ),
            var("PARAM", "Parameter", Kind::Char, ""),
            var("PARCAT1", "Response Criteria", Kind::Char, "MRECIST; RECIST 1.1"),
            var("ADT", "Analysis Date (imaging date)", Kind::Date, ""),
            var("ADY", "Analysis Relative Day (days from enrollment)", Kind::Num, ""),
            var(
                "AVALC",
                "Analysis Value (response)",
                Kind::Char,
                "CR; PR; SD; PD; NE; NON-CR/NON-PD; NA",
            ),
            var(
                "PCHG",
                "Percent Change of the Target Sum from Baseline",
                Kind::Num,
                "",
            ),
        ],
    );
    for s in subjects {
        let (Some(enrolled), Some(evaluations)) = (s.enrolled(), s.record.responses()) else {
            continue;
        };
        for (criteria, evaluation) in evaluations {
            let Ok(e) = evaluation else { continue };
            let category = match criteria {
                Criteria::Mrecist => "MRECIST",
                Criteria::Recist11 => "RECIST 1.1",
            };
            for t in &e.timepoints {
                d.push(
                    s,
                    vec![
                        "OVRLRESP".to_owned(),
                        format!("Overall Response by {category}"),
                        category.to_owned(),
                        date(Some(t.date)),
                        (t.date - enrolled).whole_days().to_string(),
                        t.overall.code().to_owned(),
                        num(t.pct_change_from_baseline),
                    ],
                );
            }
            let best = e.best_overall_response;
            for (code, label, value) in [
                ("BOR", "Best Overall Response (confirmed)", best.confirmed),
                (
                    "BORU",
                    "Best Overall Response (unconfirmed)",
                    best.unconfirmed,
                ),
            ] {
                d.push(
                    s,
                    vec![
                        code.to_owned(),
                        format!("{label} by {category}"),
                        category.to_owned(),
                        String::new(),
                        String::new(),
                        value.code().to_owned(),
                        String::new(),
                    ],
                );
            }
        }
    }
    d
}
