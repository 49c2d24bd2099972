//! Subject identifiers in the study's format, `HCC-<site>-<nnnn>` (e.g. `HCC-001-0007`).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a text is not a subject ID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SubjectIdError {
    /// Nothing was entered.
    #[error("the subject ID is empty")]
    Empty,
    /// The text does not start with the study prefix `HCC-`.
    #[error("the subject ID must start with HCC-")]
    Prefix,
    /// The site code is not exactly three digits.
    #[error("the site code must be three digits (e.g. HCC-001-0007)")]
    Site,
    /// The sequence number is not exactly four digits.
    #[error("the sequence number must be four digits (e.g. HCC-001-0007)")]
    Sequence,
    /// Site or sequence is all zeros, which the study never assigns.
    #[error("site code and sequence number start at 001 and 0001")]
    Zero,
}

/// A validated subject ID: site code (three digits) and sequence number (four digits).
///
/// Its existence proves the text was in the study's format; it always displays canonically.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SubjectId {
    site: u16,
    sequence: u16,
}

impl SubjectId {
    /// The three-digit site code as a number.
    pub fn site(self) -> u16 {
        self.site
    }

    /// The four-digit sequence number as a number.
    pub fn sequence(self) -> u16 {
        self.sequence
    }
}

fn digits(text: &str, len: usize) -> Option<u16> {
    (text.len() == len && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

impl FromStr for SubjectId {
    type Err = SubjectIdError;

    /// Accepts surrounding white space and a lower-case prefix (tablet keyboards capitalise
    /// inconsistently), nothing else.
    fn from_str(text: &str) -> Result<SubjectId, SubjectIdError> {
        let text = text.trim();
        if text.is_empty() {
            return Err(SubjectIdError::Empty);
        }
        let rest = text
            .get(..4)
            .filter(|p| p.eq_ignore_ascii_case("HCC-"))
            .map(|_| &text[4..])
            .ok_or(SubjectIdError::Prefix)?;
        let (site, sequence) = rest.split_once('-').ok_or(SubjectIdError::Site)?;
        let site = digits(site, 3).ok_or(SubjectIdError::Site)?;
        let sequence = digits(sequence, 4).ok_or(SubjectIdError::Sequence)?;
        if site == 0 || sequence == 0 {
            return Err(SubjectIdError::Zero);
        }
        Ok(SubjectId { site, sequence })
    }
}

impl fmt::Display for SubjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HCC-{:03}-{:04}", self.site, self.sequence)
    }
}

impl Serialize for SubjectId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for SubjectId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<SubjectId, D::Error> {
        let text = String::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: Result<&str, SubjectIdError>) {
        let got = text.parse::<SubjectId>().map(|id| id.to_string());
        assert_eq!(
            got.as_deref().map_err(Clone::clone),
            expected,
            "input {text:?}"
        );
    }

    #[test]
    fn canonical_id_round_trips() {
        check("HCC-001-0007", Ok("HCC-001-0007"));
    }

    #[test]
    fn white_space_and_lower_case_prefix_are_forgiven() {
        check("  hcc-012-3456 ", Ok("HCC-012-3456"));
    }

    #[test]
    fn empty_is_refused() {
        check("   ", Err(SubjectIdError::Empty));
    }

    #[test]
    fn wrong_prefix_is_refused() {
        check("HCX-001-0007", Err(SubjectIdError::Prefix));
        check("001-0007", Err(SubjectIdError::Prefix));
    }

    #[test]
    fn site_needs_exactly_three_digits() {
        check("HCC-01-0007", Err(SubjectIdError::Site));
        check("HCC-0001-0007", Err(SubjectIdError::Site));
        check("HCC-0a1-0007", Err(SubjectIdError::Site));
        check("HCC-0010007", Err(SubjectIdError::Site));
    }

    #[test]
    fn sequence_needs_exactly_four_digits() {
        check("HCC-001-007", Err(SubjectIdError::Sequence));
        check("HCC-001-00007", Err(SubjectIdError::Sequence));
        check("HCC-001-+007", Err(SubjectIdError::Sequence));
    }

    #[test]
    fn zero_site_or_sequence_is_refused() {
        check("HCC-000-0007", Err(SubjectIdError::Zero));
        check("HCC-001-0000", Err(SubjectIdError::Zero));
    }

    #[test]
    fn non_ascii_does_not_panic() {
        check("HC中-001-0007", Err(SubjectIdError::Prefix));
        check("中", Err(SubjectIdError::Prefix));
    }

    #[test]
    fn ids_order_by_site_then_sequence() {
        let a: SubjectId = "HCC-001-0009".parse().unwrap();
        let b: SubjectId = "HCC-002-0001".parse().unwrap();
        assert!(a < b);
    }
}
