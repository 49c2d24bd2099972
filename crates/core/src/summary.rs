//! What the patient list shows of one patient: status, enrollment, treatment group, the next
//! visit and the missed ones.

use time::Date;

use crate::endpoints::{group_of, ProgressionDates};
use crate::response::Criteria;
use crate::schedule::{self, Status, StatusFacts, Visit, VisitState};

use crate::record::Record;

/// What the patient list shows of one patient.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Subject ID.
    pub subject: String,
    /// Status in the study.
    pub status: Status,
    /// Enrollment date.
    pub enrolled: Option<Date>,
    /// Treatment group code, once enrolled with a systemic therapy started (the derivation of
    /// [`crate::endpoints`]); `None`: not yet treated.
    pub group: Option<&'static str>,
    /// The next contact: the first due or overdue one, else the next upcoming one.
    pub next_visit: Option<Visit>,
    /// Contacts whose window closed without one.
    pub missed: usize,
}

impl Summary {
    /// The group as the screens name it: the treatment group, `not_yet_treated` for an enrolled
    /// patient who has not started systemic therapy, nothing before enrollment.
    pub fn group_code(&self) -> Option<&'static str> {
        self.enrolled
            .map(|_| crate::endpoints::group_code(self.group))
    }
}

impl Record {
    /// Status, group and next visit on `today`.
    pub fn summary(&self, today: Date) -> Summary {
        let enrolled = self.enrolled();
        let end = self
            .of("end_of_study")
            .next()
            .map(|e| crate::record::vital::EndOfStudy::read(&e.values));
        let end_reason = end.as_ref().and_then(|e| e.reason.as_deref());
        let dead = self.of("survival").any(|s| {
            crate::record::vital::SurvivalContact::read(&s.values)
                .is_some_and(|c| c.status == crate::record::vital::VitalStatus::Dead)
        });
        let dates = enrolled.map(|e| ProgressionDates::of(self, e));
        let progression = dates.as_ref().and_then(ProgressionDates::earliest);
        let on_therapy = self
            .systemic_therapies()
            .any(|(_, t)| t.start.is_some() && t.stop.is_none());
        let treated = self.of("tace").next().is_some()
            || self.systemic_therapies().any(|(_, t)| t.start.is_some());
        let status = schedule::status(StatusFacts {
            enrolled: enrolled.is_some(),
            dead,
            end_reason,
            progressed: progression.is_some(),
            on_therapy,
            treated,
        });
        let until = dates
            .as_ref()
            .and_then(|d| d.first(Criteria::Mrecist))
            .map_or(Date::MAX, |p| p.0);
        let group = enrolled.and_then(|e| group_of(self, e, until));
        let (next_visit, missed) = match enrolled {
            Some(e)
                if !matches!(
                    status,
                    Status::Dead | Status::Completed | Status::Withdrawn | Status::Lost
                ) =>
            {
                let contacts: Vec<Date> = self
                    .instances
                    .iter()
                    .filter(|i| {
                        matches!(
                            i.form.as_str(),
                            "clinical" | "tumor_assessment" | "labs" | "survival"
                        )
                    })
                    .filter_map(|i| i.date)
                    .collect();
                let ended = end.as_ref().and_then(|e| e.date);
                let visits = schedule::schedule(e, progression, ended, &contacts, today);
                let missed = visits
                    .iter()
                    .filter(|v| v.state == VisitState::Missed)
                    .count();
                let next = visits
                    .iter()
                    .find(|v| matches!(v.state, VisitState::Due | VisitState::Overdue))
                    .or_else(|| visits.iter().find(|v| v.state == VisitState::Upcoming))
                    .copied();
                (next, missed)
            }
            _ => (None, 0),
        };
        Summary {
            subject: self.subject.clone(),
            status,
            enrolled,
            group,
            next_visit,
            missed,
        }
    }
}
