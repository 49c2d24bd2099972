//! The survival contact and end-of-study forms (`survival`, `end_of_study` of the study
//! definition) read once into types: what OS and the last date known alive are derived from
//! (`crate::endpoints`), and what the patient list's status reads.

use time::Date;

use super::values::{date_of, text};
use super::Values;

/// The vital status at a survival contact (the `vital_status` list).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VitalStatus {
    /// Alive at the contact.
    Alive,
    /// Dead.
    Dead,
    /// Lost to follow-up.
    Lost,
}

/// One survival contact as recorded; `None` from [`SurvivalContact::read`] without a known
/// status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurvivalContact {
    /// The contact's date.
    pub contact: Option<Date>,
    /// The status.
    pub status: VitalStatus,
    /// The date of death (a dead patient's).
    pub death: Option<Date>,
}

impl SurvivalContact {
    /// Reads a `survival` form's values.
    pub fn read(v: &Values) -> Option<SurvivalContact> {
        let status = match text(v, "status")? {
            "alive" => VitalStatus::Alive,
            "dead" => VitalStatus::Dead,
            "lost" => VitalStatus::Lost,
            _ => return None,
        };
        Some(SurvivalContact {
            contact: date_of(v, "contact_date"),
            status,
            death: date_of(v, "death_date"),
        })
    }

    /// The date the patient is known alive by this contact (an `alive` one's date).
    pub fn alive_on(&self) -> Option<Date> {
        (self.status == VitalStatus::Alive)
            .then_some(self.contact)
            .flatten()
    }

    /// The date of death this contact records (a `dead` one's).
    pub fn died_on(&self) -> Option<Date> {
        (self.status == VitalStatus::Dead)
            .then_some(self.death)
            .flatten()
    }
}

/// The end of study as recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndOfStudy {
    /// The end of study's date.
    pub date: Option<Date>,
    /// The reason's code (the `eos_reason` list: `completed`, `death`, `lost`, ...).
    pub reason: Option<String>,
    /// The date of death, when the reason is death.
    pub death: Option<Date>,
    /// The last date the patient was known alive.
    pub last_known_alive: Option<Date>,
}

impl EndOfStudy {
    /// Reads an `end_of_study` form's values.
    pub fn read(v: &Values) -> EndOfStudy {
        EndOfStudy {
            date: date_of(v, "date"),
            reason: text(v, "reason").map(str::to_owned),
            death: date_of(v, "death_date"),
            last_known_alive: date_of(v, "last_known_alive"),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::dates::parse_date;

    fn values(v: Value) -> Values {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn a_contact_gives_a_date_alive_or_a_death_by_its_status() {
        let alive = SurvivalContact::read(&values(
            json!({"contact_date": "2026-05-01", "status": "alive"}),
        ))
        .unwrap();
        assert_eq!(alive.alive_on(), parse_date("2026-05-01").ok());
        assert_eq!(alive.died_on(), None);
        let dead = SurvivalContact::read(&values(json!({
            "contact_date": "2026-06-02", "status": "dead", "death_date": "2026-05-28"
        })))
        .unwrap();
        assert_eq!(dead.alive_on(), None);
        assert_eq!(dead.died_on(), parse_date("2026-05-28").ok());
        // A death date under another status is no death; no status, no contact.
        let odd = SurvivalContact::read(&values(
            json!({"status": "lost", "death_date": "2026-05-28"}),
        ))
        .unwrap();
        assert_eq!((odd.alive_on(), odd.died_on()), (None, None));
        assert_eq!(
            SurvivalContact::read(&values(json!({"contact_date": "2026-05-01"}))),
            None
        );
        assert_eq!(
            SurvivalContact::read(&values(json!({"status": "maybe"}))),
            None
        );
    }

    #[test]
    fn the_end_of_study_reads_its_reason_and_dates() {
        let end = EndOfStudy::read(&values(json!({
            "date": "2026-06-02", "reason": "death", "death_date": "2026-05-28",
            "last_known_alive": "2026-05-27"
        })));
        assert_eq!(end.date, parse_date("2026-06-02").ok());
        assert_eq!(end.reason.as_deref(), Some("death"));
        assert_eq!(end.death, parse_date("2026-05-28").ok());
        assert_eq!(end.last_known_alive, parse_date("2026-05-27").ok());
    }
}
