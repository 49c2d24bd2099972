//! Times equal up to floating-point noise are ties: R `survival`'s `aeqSurv` (the `timefix = TRUE`
//! default of `survfit`, `survdiff` and `coxph`).

/// R's default tolerance, `sqrt(.Machine$double.eps)`.
pub const TOLERANCE: f64 = 1.490_116_119_384_765_6e-8;

/// The times with near-ties merged, by R `survival`'s `aeqSurv` (survival 3.5-3): sort the
/// distinct finite times `y`; a time is tied to the one before it when their difference `dy`
/// satisfies `dy <= tol` or `dy / mean(|y|) <= tol` (`tol` = [`TOLERANCE`]); each run of tied
/// times becomes its first (smallest) member. A chain of small steps merges as a whole, as in R.
///
/// Same length and order as `time`; times are returned unchanged when nothing is tied.
/// O(n log n): one sort, then a binary search per observation (R's `findInterval`).
pub fn merge_near_ties(time: &[f64]) -> Vec<f64> {
    let mut y: Vec<f64> = time.iter().copied().filter(|t| t.is_finite()).collect();
    y.sort_by(f64::total_cmp);
    y.dedup();
    if y.len() < 2 {
        return time.to_vec();
    }
    let mean_abs = y.iter().map(|v| v.abs()).sum::<f64>() / y.len() as f64;
    let tied = |dy: f64| dy <= TOLERANCE || dy / mean_abs <= TOLERANCE;
    let mut cuts = Vec::with_capacity(y.len());
    cuts.push(y[0]);
    let mut any_tied = false;
    for w in y.windows(2) {
        if tied(w[1] - w[0]) {
            any_tied = true;
        } else {
            cuts.push(w[1]);
        }
    }
    if !any_tied {
        return time.to_vec();
    }
    time.iter()
        .map(|&t| {
            if !t.is_finite() {
                return t;
            }
            // The last cut <= t (R's `findInterval`).
            let k = cuts.partition_point(|&c| c <= t);
            cuts[k.saturating_sub(1)]
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_within_tolerance_tie() {
        // A time written with full float precision by another tool ties with its rounded twin.
        let t = merge_near_ties(&[365.000_000_000_01, 200.0, 365.0, 400.0]);
        assert_eq!(t, vec![365.0, 200.0, 365.0, 400.0]);
    }

    #[test]
    fn distinct_times_are_unchanged() {
        let time = [0.001, 0.002, 1.0, 1.0 + 1e-6, 3.0];
        assert_eq!(merge_near_ties(&time), time.to_vec());
    }

    /// R: `aeqSurv(Surv(c(1, 1 + 1e-9, 1 + 2e-8, 1 + 3e-8, 2), rep(1, 5)))[, 1]` is
    /// 1, 1, 1.00000002, 1.00000002, 2: each time is compared with the previous distinct time,
    /// and a run maps to its first member.
    #[test]
    fn chains_follow_r_consecutive_differences() {
        let t = merge_near_ties(&[1.0, 1.0 + 1e-9, 1.0 + 2e-8, 1.0 + 3e-8, 2.0]);
        assert_eq!(t, vec![1.0, 1.0, 1.0 + 2e-8, 1.0 + 2e-8, 2.0]);
    }

    #[test]
    fn absolute_tolerance_applies_near_zero() {
        assert_eq!(merge_near_ties(&[0.0, 1e-9, 5.0]), vec![0.0, 0.0, 5.0]);
    }
}
