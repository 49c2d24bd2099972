//! Restricted mean survival time: the area under the Kaplan-Meier curve from 0 to tau, with the
//! standard error R prints for `print(survfit, rmean = tau)`.

use serde::Serialize;

use super::km::KmRow;

/// An RMST estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Rmst {
    /// The truncation time.
    pub tau: f64,
    /// The restricted mean.
    pub estimate: f64,
    /// Its standard error.
    pub std_err: f64,
}

/// RMST to `tau` from the curve's rows (R's `survmean`): rectangles under the step function, and
/// the variance sum over times t <= tau of (area from t to tau)^2 d / (n (n - d)).
pub fn rmst(rows: &[KmRow], tau: f64) -> Rmst {
    let keep: Vec<&KmRow> = rows.iter().filter(|r| r.time <= tau).collect();
    if keep.is_empty() {
        return Rmst {
            tau,
            estimate: tau,
            std_err: 0.0,
        };
    }
    let times: Vec<f64> = keep
        .iter()
        .map(|r| r.time)
        .chain(std::iter::once(tau))
        .collect();
    let hh: Vec<f64> = keep
        .iter()
        .map(|r| {
            if r.n_risk > r.n_event {
                r.n_event / (r.n_risk * (r.n_risk - r.n_event))
            } else {
                0.0
            }
        })
        .collect();
    // Rectangle j spans [times[j-1], times[j]] at the height the curve has there.
    let mut rect = Vec::with_capacity(times.len());
    let mut prev_t = 0.0;
    let mut height = 1.0;
    for (j, &t) in times.iter().enumerate() {
        rect.push((t - prev_t) * height);
        prev_t = t;
        height = keep.get(j).map_or(height, |r| r.surv);
    }
    let estimate: f64 = rect.iter().sum();
    let mut var = 0.0;
    let mut after = 0.0;
    for i in (0..keep.len()).rev() {
        after += rect[i + 1];
        var += after * after * hh[i];
    }
    Rmst {
        tau,
        estimate,
        std_err: var.sqrt(),
    }
}

#[cfg(test)]
mod tests {
    use super::super::km::{ConfType, KaplanMeier};

    #[test]
    fn aml_maintained_rmst_matches_r() {
        let time = [
            9.0, 13.0, 13.0, 18.0, 23.0, 28.0, 31.0, 34.0, 45.0, 48.0, 161.0,
        ];
        let event = [
            true, true, false, true, true, false, true, true, false, true, false,
        ];
        let km = KaplanMeier::fit(&time, &event, ConfType::LogLog, 0.05);
        let r = km.rmst(48.0);
        // Area by hand from the curve's steps (rows: 9 13 18 23 28 31 34 45 48 161).
        let s: Vec<f64> = km.rows().iter().map(|r| r.surv).collect();
        let by_hand = 9.0
            + 4.0 * s[0]
            + 5.0 * s[1]
            + 5.0 * s[2]
            + 5.0 * s[3]
            + 3.0 * s[4]
            + 3.0 * s[5]
            + 11.0 * s[6]
            + 3.0 * s[7];
        assert!((r.estimate - by_hand).abs() < 1e-12);
        // The variance by hand: (area after t)^2 d / (n (n - d)) at each event time <= tau.
        let area_after = |t: f64| by_hand - km.rmst(t).estimate;
        let var: f64 = km
            .rows()
            .iter()
            .filter(|row| row.n_event > 0.0 && row.n_risk > row.n_event)
            .map(|row| {
                area_after(row.time).powi(2) * row.n_event
                    / (row.n_risk * (row.n_risk - row.n_event))
            })
            .sum();
        assert!((r.std_err - var.sqrt()).abs() < 1e-12);
    }

    #[test]
    fn tau_before_the_first_time_is_tau_itself() {
        let km = KaplanMeier::fit(&[5.0, 6.0], &[true, true], ConfType::LogLog, 0.05);
        let r = km.rmst(2.0);
        assert_eq!((r.estimate, r.std_err), (2.0, 0.0));
    }
}
