//! Calendar dates and the study's date rules (no future dates, nothing before birth, screening
//! not before its window, follow-up not before enrollment). "Today" is always an argument: the core has no clock.

use time::macros::format_description;
use time::Date;

/// Why a date was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DateError {
    /// Not a calendar date in `YYYY-MM-DD` form.
    #[error("not a date in YYYY-MM-DD form")]
    Format,
    /// Later than today.
    #[error("the date lies in the future")]
    Future,
    /// Earlier than the date of birth.
    #[error("the date precedes the date of birth")]
    BeforeBirth,
    /// Earlier than the enrollment date, for a visit that follows enrollment.
    #[error("the date precedes enrollment")]
    BeforeEnrollment,
    /// Earlier than screening: before informed consent and more than 28 days before enrollment.
    #[error("the date precedes screening")]
    BeforeScreening,
    /// Earlier than an event it must follow (a stop before its start, enrollment before consent).
    #[error("the date precedes the date it must follow")]
    OutOfOrder,
}

/// Parses an ISO 8601 calendar date (`2023-03-27`), the only form the study stores.
pub fn parse_date(text: &str) -> Result<Date, DateError> {
    Date::parse(text.trim(), format_description!("[year]-[month]-[day]"))
        .map_err(|_| DateError::Format)
}

/// Formats a date as `YYYY-MM-DD`.
pub fn format_date(date: Date) -> String {
    // A `Date` always formats with this description; the fallback is unreachable in practice.
    date.format(format_description!("[year]-[month]-[day]"))
        .unwrap_or_default()
}

/// Serde for a `Date` as `YYYY-MM-DD`, the one form dates take in storage, JSON and the CLI.
pub mod iso {
    use serde::{Deserialize, Deserializer, Serializer};
    use time::Date;

    /// Writes `YYYY-MM-DD`.
    pub fn serialize<S: Serializer>(date: &Date, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&super::format_date(*date))
    }

    /// Reads `YYYY-MM-DD`.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Date, D::Error> {
        let text = String::deserialize(d)?;
        super::parse_date(&text).map_err(serde::de::Error::custom)
    }
}

/// Serde for an optional `Date` as `YYYY-MM-DD` or `null`.
pub mod iso_option {
    use serde::Serializer;
    use time::Date;

    /// Writes `YYYY-MM-DD` or `null`.
    pub fn serialize<S: Serializer>(date: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match date {
            Some(d) => s.collect_str(&super::format_date(*d)),
            None => s.serialize_none(),
        }
    }
}

/// Refuses a date after `today`.
pub fn not_in_future(date: Date, today: Date) -> Result<(), DateError> {
    if date > today {
        Err(DateError::Future)
    } else {
        Ok(())
    }
}

/// Refuses a date before the date of birth.
pub fn not_before_birth(date: Date, birth: Date) -> Result<(), DateError> {
    if date < birth {
        Err(DateError::BeforeBirth)
    } else {
        Ok(())
    }
}

/// Refuses a follow-up date before enrollment (the same day is allowed).
pub fn not_before_enrollment(date: Date, enrollment: Date) -> Result<(), DateError> {
    if date < enrollment {
        Err(DateError::BeforeEnrollment)
    } else {
        Ok(())
    }
}

/// The screening window before enrollment (STUDY.md "Schedule": within 28 days before it).
pub const SCREENING_DAYS: i64 = 28;

/// The first day a baseline (screening) form may be dated: the earlier of the informed consent
/// date and 28 days before enrollment, either when only one is known; `None` when neither is.
/// Both open screening: study procedures start at consent, and routine results from the 28 days
/// before enrollment (the protocol's window) count as baseline even when taken before consent.
pub fn screening_start(consent: Option<Date>, enrollment: Option<Date>) -> Option<Date> {
    let window = enrollment.map(|e| e - time::Duration::days(SCREENING_DAYS));
    match (consent, window) {
        (Some(c), Some(w)) => Some(c.min(w)),
        (c, w) => c.or(w),
    }
}

/// Refuses a baseline date before screening opened (see [`screening_start`]).
pub fn not_before_screening(date: Date, start: Date) -> Result<(), DateError> {
    if date < start {
        Err(DateError::BeforeScreening)
    } else {
        Ok(())
    }
}

/// Refuses `later` when it precedes `earlier` (equal dates are in order).
pub fn in_order(earlier: Date, later: Date) -> Result<(), DateError> {
    if later < earlier {
        Err(DateError::OutOfOrder)
    } else {
        Ok(())
    }
}

/// Whole days from `start` to `end` (negative when `end` is earlier).
pub fn days_between(start: Date, end: Date) -> i64 {
    (end - start).whole_days()
}

/// Days shown as months, as the study reports time (days / 30.4375).
pub fn days_to_months(days: f64) -> f64 {
    days / 30.4375
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn parses_iso_dates_only() {
        assert_eq!(parse_date("2023-03-27"), Ok(date!(2023 - 03 - 27)));
        assert_eq!(parse_date(" 2024-02-29 "), Ok(date!(2024 - 02 - 29)));
        assert_eq!(parse_date("2023-02-29"), Err(DateError::Format));
        assert_eq!(parse_date("27/03/2023"), Err(DateError::Format));
        assert_eq!(parse_date(""), Err(DateError::Format));
    }

    #[test]
    fn format_round_trips() {
        assert_eq!(format_date(date!(2023 - 03 - 07)), "2023-03-07");
    }

    #[test]
    fn today_is_not_the_future_but_tomorrow_is() {
        let today = date!(2026 - 11 - 23);
        assert_eq!(not_in_future(today, today), Ok(()));
        assert_eq!(
            not_in_future(date!(2026 - 11 - 24), today),
            Err(DateError::Future)
        );
    }

    #[test]
    fn birthday_itself_is_allowed_the_day_before_is_not() {
        let birth = date!(1960 - 05 - 01);
        assert_eq!(not_before_birth(birth, birth), Ok(()));
        assert_eq!(
            not_before_birth(date!(1960 - 04 - 30), birth),
            Err(DateError::BeforeBirth)
        );
    }

    #[test]
    fn follow_up_on_enrollment_day_is_allowed() {
        let enrolled = date!(2023 - 03 - 27);
        assert_eq!(not_before_enrollment(enrolled, enrolled), Ok(()));
        assert_eq!(
            not_before_enrollment(date!(2023 - 03 - 26), enrolled),
            Err(DateError::BeforeEnrollment)
        );
    }

    #[test]
    fn screening_opens_at_consent_or_28_days_before_enrollment_whichever_first() {
        let enrolled = date!(2024 - 03 - 29);
        let window = date!(2024 - 03 - 01);
        assert_eq!(screening_start(None, Some(enrolled)), Some(window));
        assert_eq!(
            screening_start(Some(date!(2024 - 03 - 20)), Some(enrolled)),
            Some(window)
        );
        assert_eq!(
            screening_start(Some(date!(2024 - 02 - 20)), Some(enrolled)),
            Some(date!(2024 - 02 - 20))
        );
        assert_eq!(
            screening_start(Some(date!(2024 - 02 - 20)), None),
            Some(date!(2024 - 02 - 20))
        );
        assert_eq!(screening_start(None, None), None);
        assert_eq!(not_before_screening(window, window), Ok(()));
        assert_eq!(
            not_before_screening(date!(2024 - 02 - 29), window),
            Err(DateError::BeforeScreening)
        );
    }

    #[test]
    fn stop_before_start_is_out_of_order() {
        assert_eq!(
            in_order(date!(2023 - 01 - 02), date!(2023 - 01 - 02)),
            Ok(())
        );
        assert_eq!(
            in_order(date!(2023 - 01 - 02), date!(2023 - 01 - 01)),
            Err(DateError::OutOfOrder)
        );
    }

    #[test]
    fn days_and_months() {
        assert_eq!(
            days_between(date!(2023 - 03 - 27), date!(2024 - 03 - 27)),
            366
        );
        assert!((days_to_months(365.25) - 12.0).abs() < 1e-12);
    }
}
