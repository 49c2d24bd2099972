//! The systemic therapy form (`systemic` of the study definition) read once into types: the
//! agent with its class from the analysis plan (`study::plan::AGENT_CLASSES`, which makes the
//! treatment group), and the dates, for every reader (the treatment group, the agents received,
//! the patient list's status).

use time::Date;

use super::values::{date_of, text};
use super::{Instance, Record, Values};

/// One systemic therapy as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemicTherapy {
    /// The agent's code (the `systemic_agent` list; `other` with `agent_other` for the rest).
    pub agent: String,
    /// Its class in the analysis plan (`tki`, `vegf`, `pd1`, `other`).
    pub class: &'static str,
    /// Start.
    pub start: Option<Date>,
    /// Stop; `None` while it goes on.
    pub stop: Option<Date>,
}

impl SystemicTherapy {
    /// Reads a `systemic` form's values; `None` when no agent is recorded.
    pub fn read(v: &Values) -> Option<SystemicTherapy> {
        let agent = text(v, "agent")?.to_owned();
        Some(SystemicTherapy {
            class: crate::study::plan::agent_class(&agent),
            agent,
            start: date_of(v, "start_date"),
            stop: date_of(v, "stop_date"),
        })
    }
}

impl Record {
    /// The patient's systemic therapies (those that name an agent) with their form instances,
    /// in the record's order.
    pub fn systemic_therapies(&self) -> impl Iterator<Item = (&Instance, SystemicTherapy)> + '_ {
        self.of("systemic")
            .filter_map(|i| SystemicTherapy::read(&i.values).map(|t| (i, t)))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_therapy_reads_with_its_class_and_dates() {
        let v: Values = serde_json::from_value(json!({
            "agent": "lenvatinib", "start_date": "2026-01-05", "dose": "8 mg daily"
        }))
        .unwrap();
        let t = SystemicTherapy::read(&v).unwrap();
        assert_eq!(t.agent, "lenvatinib");
        assert_eq!(t.class, "tki");
        assert_eq!(t.start, crate::dates::parse_date("2026-01-05").ok());
        assert_eq!(t.stop, None);
        let other: Values = serde_json::from_value(json!({"agent": "other"})).unwrap();
        assert_eq!(SystemicTherapy::read(&other).unwrap().class, "other");
        assert_eq!(SystemicTherapy::read(&Values::new()), None);
    }
}
