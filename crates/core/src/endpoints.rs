//! Endpoints derived from the folded log, exactly as the seed defines them (STUDY.md
//! "Endpoints"), with the dates and the rule behind each:
//!
//! - **PFS**: enrollment to progression or death from any cause, whichever first; otherwise
//!   censored at the last date known alive. Derived twice: progression by mRECIST (primary) and
//!   by RECIST 1.1 (sensitivity). The progression date by a criterion is the first PD of that
//!   criterion's evaluated imaging series (a PD back-dated to the visit that first showed an
//!   equivocal lesion included), or a clinical progression recorded on the Progression form,
//!   whichever is first ([`progression`]); the form's own radiological dates are checked
//!   against the series (a disagreement is a data query), not used.
//! - **OS**: enrollment to death from any cause; otherwise censored at the last date known alive.
//! - **TTP**: enrollment to progression; death without progression is censored.
//! - An administrative cut-off (default 24 months = 730 days after enrollment) applies to all:
//!   an event after it is censored at it.
//!
//! Also: the treatment group from the classes of systemic agents started between enrollment and
//! the first progression (none, "not yet treated", before a systemic therapy starts), and the
//! baseline factors the analyses adjust for.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use time::Date;

use crate::dates::days_between;
use crate::log::State;
use crate::record::baseline::LabPanel;
use crate::record::vital::{EndOfStudy, SurvivalContact};
use crate::record::Record;
use crate::response::Criteria;

mod progression;

pub use progression::{ProgressionDates, ProgressionQuery, ProgressionSource, SeriesState};

/// One time-to-event endpoint of one patient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Endpoint {
    /// Days from enrollment.
    pub days: i64,
    /// True for an event, false when censored.
    pub event: bool,
    /// The date the time runs to.
    #[serde(with = "crate::dates::iso")]
    pub date: Date,
    /// Why: `progression`, `death`, `last_known_alive`, `cutoff`.
    pub reason: &'static str,
    /// Where a progression event's date comes from; `None` for any other reason.
    pub source: Option<ProgressionSource>,
}

impl Endpoint {
    /// Whether it says anything yet: an event, or time at risk after enrollment. A patient seen
    /// only on the day of enrollment is "0 days, censored", which informs no one.
    pub fn is_informative(&self) -> bool {
        self.event || self.days > 0
    }
}

/// Why an endpoint's time ends ([`Endpoint::reason`]), for readers, in both languages: "progression
/// on", "death on", "24-month cut-off on", "last known alive on" (a date follows).
pub fn reason_label(reason: &str) -> crate::i18n::Text {
    let (en, zh) = match reason {
        "progression" => ("progression on", "进展于"),
        "death" => ("death on", "死亡于"),
        "cutoff" => ("24-month cut-off on", "24 个月截止于"),
        "last_known_alive" => ("last known alive on", "最后确认存活于"),
        other => (other, other),
    };
    crate::i18n::Text::new(en, zh)
}

/// Everything derived for one patient.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PatientEndpoints {
    /// Subject ID.
    pub subject: String,
    /// Treatment group code; `None` until a systemic therapy has started (not yet treated:
    /// counted overall, in no group).
    pub group: Option<&'static str>,
    /// Enrollment date.
    #[serde(with = "crate::dates::iso")]
    pub enrollment: Date,
    /// PFS, progression by mRECIST.
    pub pfs_mrecist: Endpoint,
    /// PFS, progression by RECIST 1.1.
    pub pfs_recist11: Endpoint,
    /// Overall survival.
    pub os: Endpoint,
    /// Time to progression (mRECIST).
    pub ttp_mrecist: Endpoint,
    /// Baseline factors, by name (`age`, `bclc`, `afp_ge_400`, ...); `None` when not derivable.
    pub baseline: BTreeMap<&'static str, Option<Value>>,
}

impl PatientEndpoints {
    /// Whether any endpoint is informative yet (see [`Endpoint::is_informative`]): there is
    /// follow-up after enrollment, or an event.
    pub fn has_follow_up(&self) -> bool {
        [
            &self.pfs_mrecist,
            &self.pfs_recist11,
            &self.os,
            &self.ttp_mrecist,
        ]
        .iter()
        .any(|e| e.is_informative())
    }
}

/// The treatment group from the agent classes: `tace_tki`, `tace_pd1`, `tace_tki_pd1`,
/// `tace_vegf_pd1`, `tace_other`.
pub fn treatment_group(classes: &[&str]) -> &'static str {
    let has = |c: &str| classes.contains(&c);
    match (has("tki"), has("pd1"), has("vegf")) {
        (true, true, _) => "tace_tki_pd1",
        (_, true, true) => "tace_vegf_pd1",
        (true, false, false) => "tace_tki",
        (false, true, false) => "tace_pd1",
        _ => "tace_other",
    }
}

pub use crate::study::plan::NOT_YET_TREATED;

/// A group's code in a by-group table: the group, or [`NOT_YET_TREATED`].
pub fn group_code(group: Option<&'static str>) -> &'static str {
    group.unwrap_or(NOT_YET_TREATED)
}

/// The treatment group of one patient: the classes of the systemic agents started between
/// enrollment and `until` (the first progression); `None` (not yet treated) when no systemic
/// therapy started in that time. The one derivation every screen and the CLI use.
pub(crate) fn group_of(record: &Record, enrolled: Date, until: Date) -> Option<&'static str> {
    let classes: Vec<&str> = record
        .systemic_therapies()
        .filter(|(_, t)| t.start.is_some_and(|d| d >= enrolled && d <= until))
        .map(|(_, t)| t.class)
        .collect();
    (!classes.is_empty()).then(|| treatment_group(&classes))
}

/// What an event is: its date, its reason and (progression) the source of the date.
type Event = (Date, &'static str, Option<ProgressionSource>);

fn endpoint(enrolled: Date, event: Option<Event>, last_alive: Date, cutoff: Date) -> Endpoint {
    let (date, event, reason, source) = match event {
        Some((d, why, source)) if d <= cutoff => (d, true, why, source),
        Some(_) => (cutoff, false, "cutoff", None),
        None if last_alive > cutoff => (cutoff, false, "cutoff", None),
        None => (last_alive, false, "last_known_alive", None),
    };
    Endpoint {
        days: days_between(enrolled, date),
        event,
        date,
        reason,
        source,
    }
}

/// Derives every patient's endpoints; patients without an enrollment date are skipped.
pub fn derive(state: &State, cutoff_days: i64) -> Vec<PatientEndpoints> {
    crate::record::records(state)
        .values()
        .filter_map(|record| derive_patient(record, cutoff_days))
        .collect()
}

/// One patient's endpoints from their record; `None` before enrollment.
pub(crate) fn derive_patient(record: &Record, cutoff_days: i64) -> Option<PatientEndpoints> {
    {
        let enrolled = record.enrolled()?;
        // Clamped: a cut-off beyond 10,000 years means "none", and cannot overflow the calendar.
        let cutoff = enrolled
            .checked_add(time::Duration::days(cutoff_days.clamp(0, 3_650_000)))
            .unwrap_or(Date::MAX);
        let progression = ProgressionDates::of(record, enrolled);
        let first_progression = |c: Criteria| {
            progression
                .first(c)
                .map(|(d, source)| (d, "progression", Some(source)))
        };
        let contacts: Vec<SurvivalContact> = record
            .of("survival")
            .filter_map(|i| SurvivalContact::read(&i.values))
            .collect();
        let ends: Vec<EndOfStudy> = record
            .of("end_of_study")
            .map(|i| EndOfStudy::read(&i.values))
            .collect();
        let death = contacts
            .iter()
            .filter_map(SurvivalContact::died_on)
            .chain(ends.iter().filter_map(|e| e.death))
            .min();
        // Last date known alive: every dated contact, never after a death.
        let mut alive = vec![enrolled];
        // A visit, a sample, a scan, a procedure, an onset or a start proves them alive that
        // day (the study definition's `Form::proves_alive`).
        let study = crate::study::study();
        alive.extend(
            record
                .instances
                .iter()
                .filter(|i| study.form(&i.form).is_some_and(|f| f.proves_alive))
                .filter_map(|i| i.date),
        );
        alive.extend(ends.iter().filter_map(|e| e.last_known_alive));
        alive.extend(contacts.iter().filter_map(SurvivalContact::alive_on));
        let last_alive = alive
            .into_iter()
            .filter(|d| death.is_none_or(|dd| *d <= dd))
            .max()
            .unwrap_or(enrolled);
        let pfs = |criterion: Criteria| {
            let prog = first_progression(criterion);
            let dead = death.map(|d| (d, "death", None));
            let event = match (prog, dead) {
                (Some(p), Some(d)) => Some(if d.0 < p.0 { d } else { p }),
                (p, d) => p.or(d),
            };
            endpoint(enrolled, event, last_alive, cutoff)
        };
        let pfs_mrecist = pfs(Criteria::Mrecist);
        let pfs_recist11 = pfs(Criteria::Recist11);
        let os = endpoint(
            enrolled,
            death.map(|d| (d, "death", None)),
            last_alive,
            cutoff,
        );
        // TTP: a death without progression censors at the death date.
        let ttp_mrecist = endpoint(
            enrolled,
            first_progression(Criteria::Mrecist),
            death.unwrap_or(last_alive),
            cutoff,
        );
        let until = first_progression(Criteria::Mrecist).map_or(Date::MAX, |p| p.0);
        Some(PatientEndpoints {
            group: group_of(record, enrolled, until),
            baseline: baseline_factors(record, enrolled),
            subject: record.subject.clone(),
            enrollment: enrolled,
            pfs_mrecist,
            pfs_recist11,
            os,
            ttp_mrecist,
        })
    }
}

impl Record {
    /// PFS (both criteria), OS and TTP with the dates and the rule behind each (see
    /// [`crate::endpoints`]), with the administrative cut-off `cutoff_days` after enrollment;
    /// `None` before enrollment.
    pub fn endpoints(&self, cutoff_days: i64) -> Option<PatientEndpoints> {
        derive_patient(self, cutoff_days)
    }

    /// [`Record::endpoints`] once there is something to show: `None` before enrollment and
    /// until there is follow-up after it (or an event), rather than "0.0 months, censored".
    pub fn endpoints_to_show(&self, cutoff_days: i64) -> Option<PatientEndpoints> {
        self.endpoints(cutoff_days).filter(|e| e.has_follow_up())
    }

    /// The data queries where the Progression form and the imaging series disagree (see
    /// [`ProgressionDates::queries`]); empty before enrollment.
    pub fn progression_queries(&self) -> Vec<ProgressionQuery> {
        self.enrolled()
            .map(|e| ProgressionDates::of(self, e).queries())
            .unwrap_or_default()
    }
}

/// Baseline factors for the Cox models: age, BCLC, CNLC, Child-Pugh class, ALBI grade,
/// AFP >= 400 ng/mL, macrovascular invasion, extrahepatic spread, up-to-seven.
fn baseline_factors(record: &Record, enrolled: Date) -> BTreeMap<&'static str, Option<Value>> {
    let birth = record.birth();
    let input = record.baseline_input(enrolled);
    let afp = record
        .baseline_labs(enrolled)
        .and_then(|i| LabPanel::read(&i.values).value("afp"));
    let d = input.derive();
    let mut out = BTreeMap::new();
    out.insert(
        "age",
        birth.map(|b| Value::from(crate::derived::age_years(b, enrolled))),
    );
    out.insert("bclc", d.bclc.map(|s| Value::from(s.stage)));
    out.insert("cnlc", d.cnlc.map(|s| Value::from(s.stage)));
    out.insert(
        "child_pugh",
        d.child_pugh
            .map(|c| serde_json::to_value(c.class).unwrap_or(Value::Null)),
    );
    out.insert(
        "albi_grade",
        d.albi
            .map(|a| serde_json::to_value(a.grade).unwrap_or(Value::Null)),
    );
    out.insert("afp_ge_400", afp.map(|a| Value::from(u8::from(a >= 400.0))));
    out.insert(
        "mvi",
        input
            .macrovascular_invasion
            .map(|m| Value::from(u8::from(m))),
    );
    out.insert(
        "ehs",
        input.extrahepatic_spread.map(|m| Value::from(u8::from(m))),
    );
    out.insert(
        "up_to_seven_within",
        d.up_to_seven.map(|u| Value::from(u8::from(u.within))),
    );
    out
}

#[cfg(test)]
mod tests;
