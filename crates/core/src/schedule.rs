//! The visit schedule (STUDY.md "Schedule") and each patient's status, for the patient list:
//! follow-up visits every 6 weeks (+-7 days) to week 24, then every 8-12 weeks (a visit due 10
//! weeks after the last, +-14 days) to month 24; after progression, survival contacts every 3
//! months (+-14 days). Today is an argument.

use serde::Serialize;
use time::{Date, Duration};

/// What a scheduled contact is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitKind {
    /// A follow-up visit with imaging and labs.
    FollowUp,
    /// A survival contact after progression.
    SurvivalContact,
}

/// Where a scheduled contact stands today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VisitState {
    /// A contact happened within the window.
    Done,
    /// The window is open, the target date not yet passed.
    Due,
    /// The target date has passed; the window is still open.
    Overdue,
    /// The window closed without a contact.
    Missed,
    /// The window has not opened.
    Upcoming,
}

/// One scheduled contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Visit {
    /// Follow-up or survival contact.
    pub kind: VisitKind,
    /// Target day after enrollment.
    pub day: i64,
    /// Target date.
    #[serde(with = "crate::dates::iso")]
    pub target: Date,
    /// First day of the window.
    #[serde(with = "crate::dates::iso")]
    pub opens: Date,
    /// Last day of the window.
    #[serde(with = "crate::dates::iso")]
    pub closes: Date,
    /// Its state today.
    pub state: VisitState,
}

/// The end of follow-up: 24 months.
pub const FOLLOW_UP_DAYS: i64 = 730;

/// The target days of the follow-up visits.
pub fn follow_up_days() -> Vec<(i64, i64)> {
    let mut days: Vec<(i64, i64)> = [42, 84, 126, 168].iter().map(|&d| (d, 7)).collect();
    let mut d = 168 + 70;
    while d <= FOLLOW_UP_DAYS {
        days.push((d, 14));
        d += 70;
    }
    days
}

/// The schedule of one patient: follow-up visits until progression (or the end of study), then
/// survival contacts every 91 days; `contacts` are the dates of recorded visits or contacts.
pub fn schedule(
    enrolled: Date,
    progression: Option<Date>,
    ended: Option<Date>,
    contacts: &[Date],
    today: Date,
) -> Vec<Visit> {
    let stop = ended.unwrap_or(enrolled + Duration::days(FOLLOW_UP_DAYS));
    let mut slots: Vec<(VisitKind, i64, i64)> = Vec::new();
    let switch = progression.map(|p| (p - enrolled).whole_days());
    for (day, window) in follow_up_days() {
        if switch.is_none_or(|s| day < s) {
            slots.push((VisitKind::FollowUp, day, window));
        }
    }
    if let Some(s) = switch {
        let mut day = s + 91;
        while day <= FOLLOW_UP_DAYS {
            slots.push((VisitKind::SurvivalContact, day, 14));
            day += 91;
        }
    }
    slots
        .into_iter()
        .filter_map(|(kind, day, window)| {
            let target = enrolled + Duration::days(day);
            if target > stop {
                return None;
            }
            let (opens, closes) = (
                target - Duration::days(window),
                target + Duration::days(window),
            );
            let state = if contacts.iter().any(|c| *c >= opens && *c <= closes) {
                VisitState::Done
            } else if today > closes {
                VisitState::Missed
            } else if today < opens {
                VisitState::Upcoming
            } else if today > target {
                VisitState::Overdue
            } else {
                VisitState::Due
            };
            Some(Visit {
                kind,
                day,
                target,
                opens,
                closes,
                state,
            })
        })
        .collect()
}

/// A patient's status in the study, most final first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Not enrolled yet.
    Screening,
    /// Enrolled, awaiting treatment: no TACE session and no systemic therapy started yet.
    Enrolled,
    /// Enrolled, on study treatment.
    OnTreatment,
    /// Enrolled, every systemic therapy stopped, no progression.
    InFollowUp,
    /// Progressed, followed for survival.
    Progressed,
    /// Died.
    Dead,
    /// Completed 24 months.
    Completed,
    /// Withdrew consent.
    Withdrawn,
    /// Lost to follow-up.
    Lost,
}

impl Status {
    /// The status for readers, in both languages.
    pub fn label(self) -> crate::i18n::Text {
        let (en, zh) = match self {
            Status::Screening => ("Screening", "筛选中"),
            Status::Enrolled => ("Enrolled, awaiting treatment", "已入组，待治疗"),
            Status::OnTreatment => ("On treatment", "治疗中"),
            Status::InFollowUp => ("In follow-up", "随访中"),
            Status::Progressed => ("Progressed", "已进展"),
            Status::Dead => ("Dead", "死亡"),
            Status::Completed => ("Completed", "完成研究"),
            Status::Withdrawn => ("Withdrawn", "撤回知情同意"),
            Status::Lost => ("Lost to follow-up", "失访"),
        };
        crate::i18n::Text::new(en, zh)
    }
}

/// What decides a status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StatusFacts<'a> {
    /// Enrolled.
    pub enrolled: bool,
    /// A death is recorded.
    pub dead: bool,
    /// The end-of-study reason, when the form exists.
    pub end_reason: Option<&'a str>,
    /// A progression is recorded.
    pub progressed: bool,
    /// Some systemic therapy has no stop date.
    pub on_therapy: bool,
    /// A TACE session or a systemic therapy start is recorded.
    pub treated: bool,
}

/// The status from the facts; death and the end of study come first.
pub fn status(f: StatusFacts<'_>) -> Status {
    if f.dead || f.end_reason == Some("death") {
        return Status::Dead;
    }
    match f.end_reason {
        Some("completed") => return Status::Completed,
        Some("withdrawal") => return Status::Withdrawn,
        Some("lost") => return Status::Lost,
        _ => {}
    }
    if !f.enrolled {
        Status::Screening
    } else if f.progressed {
        Status::Progressed
    } else if f.on_therapy {
        Status::OnTreatment
    } else if !f.treated {
        Status::Enrolled
    } else {
        Status::InFollowUp
    }
}

#[cfg(test)]
mod tests {
    use time::macros::date;

    use super::*;

    const ENROLLED: Date = date!(2024 - 01 - 01);

    fn states(contacts: &[Date], today: Date) -> Vec<(i64, VisitState)> {
        schedule(ENROLLED, None, None, contacts, today)
            .into_iter()
            .map(|v| (v.day, v.state))
            .take(5)
            .collect()
    }

    #[test]
    fn six_weekly_to_week_24_then_ten_weekly_to_month_24() {
        let days: Vec<i64> = follow_up_days().iter().map(|d| d.0).collect();
        assert_eq!(
            days,
            [42, 84, 126, 168, 238, 308, 378, 448, 518, 588, 658, 728]
        );
    }

    #[test]
    fn window_edges_plus_minus_7_days() {
        // Week 6 is 2024-02-12; its window 02-05 .. 02-19.
        let at = |today| states(&[], today)[0].1;
        assert_eq!(at(date!(2024 - 02 - 04)), VisitState::Upcoming);
        assert_eq!(at(date!(2024 - 02 - 05)), VisitState::Due);
        assert_eq!(at(date!(2024 - 02 - 12)), VisitState::Due);
        assert_eq!(at(date!(2024 - 02 - 13)), VisitState::Overdue);
        assert_eq!(at(date!(2024 - 02 - 16)), VisitState::Overdue);
        assert_eq!(at(date!(2024 - 02 - 19)), VisitState::Overdue);
        assert_eq!(at(date!(2024 - 02 - 20)), VisitState::Missed);
        let done = states(&[date!(2024 - 02 - 19)], date!(2024 - 03 - 01));
        assert_eq!(done[0].1, VisitState::Done);
        let too_late = states(&[date!(2024 - 02 - 20)], date!(2024 - 03 - 01));
        assert_eq!(too_late[0].1, VisitState::Missed);
    }

    #[test]
    fn after_progression_survival_contacts_every_3_months() {
        let v = schedule(
            ENROLLED,
            Some(date!(2024 - 04 - 10)),
            None,
            &[],
            date!(2024 - 04 - 11),
        );
        let kinds: Vec<(VisitKind, i64)> = v.iter().map(|v| (v.kind, v.day)).collect();
        assert_eq!(
            &kinds[..3],
            [
                (VisitKind::FollowUp, 42),
                (VisitKind::FollowUp, 84),
                (VisitKind::SurvivalContact, 191)
            ]
        );
        assert!(v.iter().all(|v| v.day <= FOLLOW_UP_DAYS));
    }

    #[test]
    fn nothing_is_scheduled_after_the_end_of_study() {
        let v = schedule(
            ENROLLED,
            None,
            Some(date!(2024 - 03 - 01)),
            &[],
            date!(2024 - 06 - 01),
        );
        assert_eq!(v.len(), 1);
    }

    #[test]
    fn status_order() {
        let f = StatusFacts {
            enrolled: true,
            treated: true,
            ..Default::default()
        };
        assert_eq!(
            status(StatusFacts {
                enrolled: false,
                ..f
            }),
            Status::Screening
        );
        assert_eq!(
            status(StatusFacts {
                on_therapy: true,
                ..f
            }),
            Status::OnTreatment
        );
        assert_eq!(status(f), Status::InFollowUp);
        assert_eq!(
            status(StatusFacts {
                treated: false,
                ..f
            }),
            Status::Enrolled,
            "enrolled, awaiting treatment"
        );
        assert_eq!(
            status(StatusFacts {
                treated: false,
                progressed: true,
                ..f
            }),
            Status::Progressed
        );
        assert_eq!(
            status(StatusFacts {
                progressed: true,
                on_therapy: true,
                ..f
            }),
            Status::Progressed
        );
        assert_eq!(
            status(StatusFacts {
                progressed: true,
                dead: true,
                ..f
            }),
            Status::Dead
        );
        assert_eq!(
            status(StatusFacts {
                end_reason: Some("lost"),
                ..f
            }),
            Status::Lost
        );
        assert_eq!(
            status(StatusFacts {
                end_reason: Some("death"),
                ..f
            }),
            Status::Dead
        );
        assert_eq!(
            status(StatusFacts {
                end_reason: Some("withdrawal"),
                ..f
            }),
            Status::Withdrawn
        );
        assert_eq!(
            status(StatusFacts {
                end_reason: Some("completed"),
                ..f
            }),
            Status::Completed
        );
    }
}
