//! The adverse event form (`adverse_event` of the study definition) read once into types, for
//! every reader of adverse events: the safety tables, the ADaM ADAE dataset, the patient report
//! and the patient page. What a field holds is decided here, not at each reader.

use serde_json::Value;
use time::Date;

use super::values::{codes, date_of, flag, rows, text};
use super::{Instance, Record, Values};
use crate::i18n::Lang;
use crate::study::display::code_label;

/// The relations to a treatment that count as related (the CTCAE convention: possible or
/// stronger; codes of the `relation` list).
pub const RELATED: [&str; 3] = ["possible", "probable", "definite"];

/// One systemic agent's row of an adverse event: its relation to the event and the action
/// taken with it (codes of the `relation` and `action` lists).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentRelation {
    /// The agent's code (the `systemic_agent` list).
    pub agent: String,
    /// Its relation to the event, when given.
    pub relation: Option<String>,
    /// The action taken with it, when given (`withdrawn`, ...).
    pub action: Option<String>,
}

impl AgentRelation {
    /// Reads one row of an agent table (`{"agent", "relation", "action"}`); `None` for a row
    /// that names no agent. Empty codes read as absent.
    pub fn read(row: &Value) -> Option<AgentRelation> {
        let code = |k: &str| {
            row.get(k)
                .and_then(Value::as_str)
                .filter(|c| !c.is_empty())
                .map(str::to_owned)
        };
        Some(AgentRelation {
            agent: code("agent")?,
            relation: code("relation"),
            action: code("action"),
        })
    }
}

impl AgentRelation {
    /// The row as a reader reads it in `lang`: "agent: relation, action" with the code lists'
    /// labels (the agent alone when neither is given).
    pub fn describe(&self, lang: Lang) -> String {
        let agent = code_label("systemic_agent", &self.agent, lang);
        let details = [(&self.relation, "relation"), (&self.action, "ae_action")]
            .into_iter()
            .filter_map(|(code, list)| code.as_deref().map(|c| code_label(list, c, lang)))
            .collect::<Vec<_>>()
            .join(if lang == Lang::ZhCn { "，" } else { ", " });
        if details.is_empty() {
            agent
        } else {
            let colon = if lang == Lang::ZhCn { "：" } else { ": " };
            format!("{agent}{colon}{details}")
        }
    }
}

/// An adverse event as recorded. Codes stay codes (labels are the reader's language); dates
/// are dates (a stored text that is not an ISO date reads as absent).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AdverseEvent {
    /// The CTCAE v5.0 term as stored (empty when missing).
    pub term: String,
    /// The text of "Other, specify", when not blank.
    pub term_other: Option<String>,
    /// The grade's code (`"1"` to `"5"`, the `ae_grade` list).
    pub grade: Option<String>,
    /// Onset.
    pub onset: Option<Date>,
    /// Resolution; `None` while ongoing.
    pub resolution: Option<Date>,
    /// Whether it is serious, when answered.
    pub serious: Option<bool>,
    /// The seriousness criteria (codes of the `sae_criterion` list).
    pub sae_criteria: Vec<String>,
    /// The relation to TACE (a code of the `relation` list).
    pub relation_tace: Option<String>,
    /// Each systemic agent's relation and action, in the order entered.
    pub agents: Vec<AgentRelation>,
    /// The outcome (a code of the `ae_outcome` list).
    pub outcome: Option<String>,
}

impl AdverseEvent {
    /// Reads an `adverse_event` form's values.
    pub fn read(v: &Values) -> AdverseEvent {
        let agents = rows(v, "agents")
            .iter()
            .filter_map(AgentRelation::read)
            .collect();
        let text = |k: &str| text(v, k).map(str::to_owned);
        AdverseEvent {
            term: text("term").unwrap_or_default(),
            term_other: text("term_other").filter(|o| !o.trim().is_empty()),
            grade: text("grade"),
            onset: date_of(v, "onset_date"),
            resolution: date_of(v, "resolution_date"),
            serious: flag(v, "serious"),
            sae_criteria: codes(v, "sae_criteria"),
            relation_tace: text("relation_tace"),
            agents,
            outcome: text("outcome"),
        }
    }

    /// The grade as a number, 1 to 5.
    pub fn grade_number(&self) -> Option<u8> {
        self.grade
            .as_deref()?
            .parse()
            .ok()
            .filter(|g| (1..=5).contains(g))
    }

    /// Whether any agent was withdrawn for it (a discontinuation).
    pub fn any_agent_withdrawn(&self) -> bool {
        self.agents
            .iter()
            .any(|a| a.action.as_deref() == Some("withdrawn"))
    }

    /// Whether it is related to TACE or to any agent ([`RELATED`]).
    pub fn related(&self) -> bool {
        let related = |r: Option<&str>| r.is_some_and(|r| RELATED.contains(&r));
        related(self.relation_tace.as_deref())
            || self.agents.iter().any(|a| related(a.relation.as_deref()))
    }
}

impl Record {
    /// The patient's adverse events with their form instances, in the record's order.
    pub fn adverse_events(&self) -> impl Iterator<Item = (&Instance, AdverseEvent)> + '_ {
        self.of("adverse_event")
            .map(|i| (i, AdverseEvent::read(&i.values)))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::dates::parse_date;

    fn values(v: Value) -> Values {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_recorded_event_reads_into_its_types() {
        let ae = AdverseEvent::read(&values(json!({
            "term": "Hypertension", "term_other": "  ", "grade": "3",
            "onset_date": "2026-03-02", "resolution_date": "not a date", "serious": true,
            "sae_criteria": ["hospitalisation"], "relation_tace": "unlikely",
            "agents": [
                {"agent": "lenvatinib", "relation": "probable", "action": "withdrawn"},
                {"relation": "possible"},
                {"agent": "atezolizumab"}
            ],
            "outcome": "recovering"
        })));
        assert_eq!(ae.term, "Hypertension");
        assert_eq!(ae.term_other, None);
        assert_eq!(ae.grade_number(), Some(3));
        assert_eq!(ae.onset, parse_date("2026-03-02").ok());
        assert_eq!(ae.resolution, None);
        assert_eq!(ae.serious, Some(true));
        assert_eq!(ae.sae_criteria, ["hospitalisation"]);
        // A row without an agent is no agent's.
        assert_eq!(ae.agents.len(), 2);
        assert_eq!(ae.agents[1].relation, None);
        assert!(ae.any_agent_withdrawn());
        assert!(ae.related());
    }

    #[test]
    fn an_empty_form_reads_as_nothing_known() {
        let ae = AdverseEvent::read(&Values::new());
        assert_eq!(ae, AdverseEvent::default());
        assert_eq!(ae.grade_number(), None);
        assert!(!ae.any_agent_withdrawn());
        assert!(!ae.related());
        let grade_6 = AdverseEvent {
            grade: Some("6".into()),
            relation_tace: Some("definite".into()),
            ..AdverseEvent::default()
        };
        assert_eq!(grade_6.grade_number(), None);
        assert!(grade_6.related());
    }
}
