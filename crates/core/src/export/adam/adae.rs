//! ADAE: one row per adverse event form of an enrolled subject: the CTCAE v5.0 term and its
//! system organ class, grade, dates, seriousness, relation to TACE and to each systemic agent
//! with the action taken, outcome, and the treatment-emergent flag.

use super::{date, flag, var, Dataset, Kind, Subject};
use crate::ctcae::catalogue;
use crate::record::adverse_event::AgentRelation;

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
            .filter_map(|i| i.date)
            .chain(s.record.systemic_therapies().filter_map(|(_, t)| t.start))
            .min();
        let mut events: Vec<_> = s.record.adverse_events().collect();
        events.sort_by_key(|(i, _)| (i.date, i.created_ms));
        for (seq, (instance, ae)) in events.into_iter().enumerate() {
            let term = ae.term.as_str();
            let reported = match &ae.term_other {
                None => term.to_owned(),
                Some(other) => format!("{term}: {other}"),
            };
            let soc = catalogue::find(term).map_or("", |t| t.soc);
            let per_agent = |pick: fn(&AgentRelation) -> Option<&String>| {
                ae.agents
                    .iter()
                    .map(|a| format!("{}: {}", a.agent, pick(a).map_or("", String::as_str)))
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            let criteria = ae.sae_criteria.join(";");
            d.push(
                s,
                vec![
                    (seq + 1).to_string(),
                    reported,
                    term.to_owned(),
                    soc.to_owned(),
                    ae.grade.clone().unwrap_or_default(),
                    date(instance.date),
                    date(ae.resolution),
                    instance
                        .date
                        .map(|o| (o - enrolled).whole_days().to_string())
                        .unwrap_or_default(),
                    flag(ae.serious),
                    criteria,
                    ae.relation_tace.clone().unwrap_or_default(),
                    per_agent(|a| a.relation.as_ref()),
                    per_agent(|a| a.action.as_ref()),
                    flag(Some(ae.related())),
                    flag(Some(
                        matches!((instance.date, first_treatment), (Some(o), Some(t)) if o >= t),
                    )),
                    ae.outcome.clone().unwrap_or_default(),
                ],
            );
        }
    }
    d
}
