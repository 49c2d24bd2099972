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

/// For each term (column of `cols`), whether the information matrix `info` (p x p, row-major,
/// at the start) carries information about it. The test is R's `cholesky2` tolerance
/// (`toler.chol`) applied to columns on one scale, as `coxph` scales its covariates before the
/// fit: the term's information is compared with `toler.chol` x the number of events x the
/// column's variance over all rows, so a column on a large scale (AFP in ng/mL) cannot make
/// another term look empty. A column constant over all rows has no information.
pub fn informative(info: &[f64], cols: &[Vec<f64>], n_events: f64) -> Vec<bool> {
    let p = cols.len();
    (0..p)
        .map(|j| {
            let x = &cols[j];
            let n = x.len() as f64;
            let mean = x.iter().sum::<f64>() / n;
            let var = x.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n;
            let d = info[j * p + j];
            var > 0.0 && d.is_finite() && d > TOLER_CHOL * n_events * var
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_diagonal_is_not_informative() {
        let binary = vec![0.0, 1.0, 0.0, 1.0];
        let info = [2.0, 0.0, 0.0, 0.0];
        assert_eq!(
            informative(&info, &[binary.clone(), binary.clone()], 4.0),
            vec![true, false]
        );
        // A column constant over all rows has no information.
        assert_eq!(informative(&[0.0], &[vec![3.0; 4]], 4.0), vec![false]);
        assert_eq!(
            informative(&[1.0, 1e-13, 1e-13, 1e-13], &[binary.clone(), binary], 4.0),
            vec![true, false]
        );
    }

    #[test]
    fn a_large_scale_column_does_not_hide_a_binary_term() {
        // AFP in ng/mL (variance ~1e12) beside a 0/1 group: the group's information (0.5) is
        // far below 1.8e-12 x the AFP diagonal, yet it is informative on its own scale.
        let group = vec![0.0, 1.0, 0.0, 1.0, 0.0, 1.0];
        let afp = vec![1e6, 2e6, 5e3, 3e6, 10.0, 4e5];
        let info = [0.5, 0.0, 0.0, 1e12];
        assert_eq!(informative(&info, &[group, afp], 6.0), vec![true, true]);
    }
}
