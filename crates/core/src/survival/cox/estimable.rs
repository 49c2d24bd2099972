//! Terms the data cannot estimate. A term whose column does not vary within any risk set at the
//! event times (e.g. a group whose patients were all censored before the first event) has score
//! and information 0 at every coefficient vector: R's `coxph` reports its coefficient as `NA`
//! and fits the others. The rule is R's `cholesky2` test on the information at the start
//! (`coxph.control(toler.chol = .Machine$double.eps^0.75)`): a diagonal element at or below
//! `toler.chol` times the largest one.

use serde::Serialize;

/// R's `toler.chol`: `.Machine$double.eps^0.75`.
const TOLER_CHOL: f64 = 1.818_989_403_545_856_5e-12;

/// Why a term has no estimate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NotEstimable {
    /// Its information is 0: the term is constant within every risk set at the event times.
    NoInformation,
}

impl NotEstimable {
    /// Why, for a person, in both languages (the app shows it in place of the hazard ratio).
    pub fn message(self) -> crate::i18n::Text {
        match self {
            NotEstimable::NoInformation => crate::i18n::Text::new(
                "no estimate: no information (the term does not vary within any risk set at the event times)",
                "无法估计：无信息（该项在各事件时间的风险集中均不变）",
            ),
        }
    }

    /// The reason in words (English; the CLI prints it).
    pub fn reason(self) -> &'static str {
        match self {
            NotEstimable::NoInformation => {
                "no information: the term does not vary within any risk set at the event times"
            }
        }
    }
}

/// For each of the `p` terms, whether the information matrix `info` (p x p, row-major, at the
/// start) carries information about it: diagonal > `toler.chol` x the largest diagonal (or >
/// `toler.chol` when every diagonal is 0).
pub fn informative(info: &[f64], p: usize) -> Vec<bool> {
    let largest = (0..p).map(|j| info[j * p + j]).fold(0.0, f64::max);
    let eps = if largest > 0.0 {
        TOLER_CHOL * largest
    } else {
        TOLER_CHOL
    };
    (0..p)
        .map(|j| {
            let d = info[j * p + j];
            d.is_finite() && d > eps
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_diagonal_is_not_informative() {
        let info = [2.0, 0.0, 0.0, 0.0];
        assert_eq!(informative(&info, 2), vec![true, false]);
        assert_eq!(informative(&[0.0], 1), vec![false]);
        assert_eq!(
            informative(&[1.0, 1e-13, 1e-13, 1e-13], 2),
            vec![true, false]
        );
    }
}
