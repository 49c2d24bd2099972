//! ADAE: one row per adverse event form of an enrolled subject: the CTCAE v5.0 term and its
//! system organ class, grade, dates, seriousness, relation to TACE and to each systemic agent
//! with the action taken, outcome, and the treatment-emergent flag.

use serde_json::Value;

use super::{date, flag, var, Dataset, Kind, Subject};
use crate::ctcae::catalogue;

/// The relations that count as related (the CTCAE convention: possible or stronger).
const RELATED: [&str; 3] = ["possible", "probable", "definite"];

/// Builds ADAE.
pub(super) fn build(subjects: &[Subject]) -> Dataset {
    let mut d = Dataset::new(
        "adae",
        "Adverse Events Analysis Dataset",
        &[
            var(
                "AESEQ",
                "Sequence Number (per subject, by onset)",
                Kind::Num,
                "",
            ),
            var(
                "AETERM",
                "Reported Term (with the other-specify text)",
                Kind::Char,
                "",
            ),
            var("AEDECOD", "CTCAE v5.0 Term", Kind::Char, ""),
            var(
                "AEBODSYS",
                "System Organ Class (CTCAE v5.0)",
                Kind::Char,
                "",
            ),
            var("AETOXGR", "CTCAE Grade", Kind::Num, "1; 2; 3; 4; 5"),
            var("ASTDT", "Analysis Start Date (onset)", Kind::Date, ""),
            var("AENDT", "Analysis End Date (resolution)", Kind::Date, ""),
            var(
                "ASTDY",
                "Analysis Start Relative Day (days from enrollment)",
                Kind::Num,
                "",
            ),
            var("AESER", "Serious Event", Kind::Char, "Y; N"),
            var(
                "AESCRIT",
                "Seriousness Criteria (codes, ';'-separated)",
                Kind::Char,
                "list:sae_criterion",
            ),
            var(
                "AERELTAC",
                "Relation to TACE",
                Kind::Char,
                "unrelated; unlikely; possible; probable; definite",
            ),
            var(
                "AERELAGT",
                "Relation to Each Systemic Agent ('agent: relation', ';'-separated)",
                Kind::Char,
                "",
            ),
            var(
                "AEACNAGT",
                "Action Taken with Each Systemic Agent ('agent: action', ';'-separated)",
                Kind::Char,
                "",
            ),
            var(
                "AREL",
                "Related to Any Study Treatment (possible, probable or definite)",
                Kind::Char,
                "Y; N",
            ),
            var(
                "TRTEMFL",
                "Treatment-Emergent Flag (onset on or after the first TACE or systemic therapy)",
                Kind::Char,
                "Y; N",
            ),
            var(
                "AEOUT",
                "Outcome",
                Kind::Char,
                "recovered; recovering; not_recovered; sequelae; fatal; unknown",
            ),
        ],
    );
    for s in subjects {
        let Some(enrolled) = s.enrolled() else {
            continue;
        };
        // The first study treatment: the earliest TACE or systemic therapy start.
        let first_treatment = s
            .record
            .of("tace")
            .chain(s.record.of("systemic"))
            .filter_map(|i| i.date)
            .min();
        let mut events: Vec<_> = s.record.of("adverse_event").collect();
        events.sort_by_key(|i| (i.date, i.created_ms));
        for (seq, ae) in events.into_iter().enumerate() {
            let v = &ae.values;
            let text = |k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default();
            let term = text("term");
            let reported = match text("term_other") {
                "" => term.to_owned(),
                other => format!("{term}: {other}"),
            };
            let soc = catalogue::find(term).map_or("", |t| t.soc);
            let agents: Vec<&Value> = v
                .get("agents")
                .and_then(Value::as_array)
                .map(|a| a.iter().collect())
                .unwrap_or_default();
            let per_agent = |k: &str| {
                agents
                    .iter()
                    .filter_map(|r| {
                        let agent = r.get("agent")?.as_str()?;
                        let x = r.get(k).and_then(Value::as_str).unwrap_or_default();
                        Some(format!("{agent}: {x}"))
                    })
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let related = RELATED.contains(&text("relation_tace"))
                || agents.iter().any(|r| {
                    r.get("relation")
                        .and_then(Value::as_str)
                        .is_some_and(|x| RELATED.contains(&x))
                });
            let criteria = v
                .get("sae_criteria")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(Value::as_str)
                        .collect::<Vec<_>>()
                        .join(";")
                })
                .unwrap_or_default();
            let resolution = v
                .get("resolution_date")
                .and_then(Value::as_str)
                .and_then(|x| crate::dates::parse_date(x).ok());
            d.push(
                s,
                vec![
                    (seq + 1).to_string(),
                    reported,
                    term.to_owned(),
                    soc.to_owned(),
                    text("grade").to_owned(),
                    date(ae.date),
                    date(resolution),
                    ae.date
                        .map(|o| (o - enrolled).whole_days().to_string())
                        .unwrap_or_default(),
                    flag(v.get("serious").and_then(Value::as_bool)),
                    criteria,
                    text("relation_tace").to_owned(),
                    per_agent("relation"),
                    per_agent("action"),
                    flag(Some(related)),
                    flag(Some(
                        matches!((ae.date, first_treatment), (Some(o), Some(t)) if o >= t),
                    )),
                    text("outcome").to_owned(),
                ],
            );
        }
    }
    d
}
