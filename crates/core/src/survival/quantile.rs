//! Quantiles of a survival curve by R's `quantile.survfit` rules: the first time the curve is at
//! or below 1 - p, except that a flat step exactly at the level gives the midpoint of that step
//! (to the next drop, or to the last observed time when the curve ends on the level).

use std::collections::HashSet;

use serde::Serialize;

/// A quantile and its confidence limits; `None` when not reached.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Quantile {
    /// The estimate.
    pub estimate: Option<f64>,
    /// Its lower confidence limit (the quantile of the lower curve).
    pub lower: Option<f64>,
    /// Its upper confidence limit (the quantile of the upper curve).
    pub upper: Option<f64>,
}

/// R's tolerance for "exactly on the level", `sqrt(.Machine$double.eps)`.
const TOL: f64 = 1.490_116_119_384_765_6e-8;

/// The `p` quantile of a cumulative distribution given as steps: `x` the times (starting at the
/// origin), `y` the distribution (1 - S, starting at 0; `None` where undefined). Linear in the
/// number of points.
pub fn find_quantile(x: &[f64], y: &[Option<f64>], p: f64) -> Option<f64> {
    find_quantile_counted(x, y, p, &mut 0)
}

/// A value's key for "the same level" (`==` on floats: 0 and -0 are one level).
fn level_key(v: f64) -> u64 {
    if v == 0.0 {
        0
    } else {
        v.to_bits()
    }
}

/// [`find_quantile`], adding to `steps` one per point visited (by each pass and each lookup of a
/// level already seen), so that tests can check the work is linear.
fn find_quantile_counted(x: &[f64], y: &[Option<f64>], p: f64, steps: &mut usize) -> Option<f64> {
    let xmax = *x.last()?;
    *steps += y.len();
    let max_y = y
        .iter()
        .flatten()
        .copied()
        .fold(f64::NEG_INFINITY, f64::max);
    if max_y < p {
        return None;
    }
    // Keep the first point of each level (censorings repeat the level; R's `!duplicated(y)`);
    // drop undefined points.
    // A non-decreasing curve (the usual case) repeats a level only right after itself, so
    // comparing with the last level kept is enough; otherwise a hash set remembers them all.
    *steps += y.len();
    let monotone = y
        .iter()
        .flatten()
        .try_fold(f64::NEG_INFINITY, |prev, &v| (v >= prev).then_some(v))
        .is_some();
    let mut seen = HashSet::with_capacity(if monotone { 0 } else { y.len() });
    let mut xs = Vec::new();
    let mut ys: Vec<f64> = Vec::new();
    let mut seen_none = false;
    for (&xi, &yi) in x.iter().zip(y) {
        *steps += 1;
        match yi {
            Some(v) => {
                let new_level = if monotone {
                    ys.last() != Some(&v)
                } else {
                    seen.insert(level_key(v))
                };
                if new_level {
                    xs.push(xi);
                    ys.push(v);
                }
            }
            None => seen_none = true,
        }
    }
    if p == 0.0 {
        return xs.first().copied();
    }
    let mut first_at_least = |shift: f64| {
        let found = ys.iter().position(|&v| v + shift >= p);
        *steps += found.map_or(ys.len(), |i| i + 1);
        found
    };
    let i1 = first_at_least(TOL)?;
    let last_defined = y.last().copied().flatten().is_some() && !seen_none;
    let n = ys.len();
    if last_defined && (p - ys[n - 1]).abs() < TOL {
        return Some((xs[i1] + xmax) / 2.0);
    }
    let i2 = first_at_least(-TOL)?;
    Some((xs[i1] + xs[i2]) / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(times: &[f64], surv: &[f64], p: f64) -> Option<f64> {
        let x: Vec<f64> = std::iter::once(0.0).chain(times.iter().copied()).collect();
        let y: Vec<Option<f64>> = std::iter::once(Some(0.0))
            .chain(surv.iter().map(|s| Some(1.0 - s)))
            .collect();
        find_quantile(&x, &y, p)
    }

    #[test]
    fn first_time_at_or_below_the_level() {
        assert_eq!(q(&[1.0, 2.0, 3.0], &[0.8, 0.4, 0.2], 0.5), Some(2.0));
    }

    #[test]
    fn flat_step_exactly_on_the_level_gives_the_midpoint() {
        // R: survfit(Surv(1:4) ~ 1) has S = .75 .5 .25 0; median = (2 + 3) / 2.
        assert_eq!(
            q(&[1.0, 2.0, 3.0, 4.0], &[0.75, 0.5, 0.25, 0.0], 0.5),
            Some(2.5)
        );
    }

    #[test]
    fn a_curve_ending_on_the_level_uses_the_last_time() {
        // S drops to .5 at 2 and stays, censored at 5 (the last time).
        assert_eq!(q(&[1.0, 2.0, 5.0], &[0.75, 0.5, 0.5], 0.5), Some(3.5));
    }

    #[test]
    fn not_reached_is_none() {
        assert_eq!(q(&[1.0, 2.0], &[0.9, 0.8], 0.5), None);
    }

    /// A curve of `n` distinct event times with censorings between them (each level repeated).
    fn long_curve(n: usize) -> (Vec<f64>, Vec<Option<f64>>) {
        let mut x = vec![0.0];
        let mut y = vec![Some(0.0)];
        for i in 0..n {
            let f = (i + 1) as f64 / n as f64;
            x.extend([i as f64 + 1.0, i as f64 + 1.5]);
            y.extend([Some(f * 0.9), Some(f * 0.9)]);
        }
        (x, y)
    }

    #[test]
    fn quantile_search_is_linear() {
        let count = |n: usize| {
            let (x, y) = long_curve(n);
            let mut steps = 0;
            let q = find_quantile_counted(&x, &y, 0.5, &mut steps);
            assert!(q.is_some());
            steps
        };
        for n in [1_000, 10_000, 100_000] {
            let (one, two) = (count(n), count(2 * n));
            // The points are 2n + 1: a linear search does a few passes over them.
            assert!(one <= 8 * n, "n = {n}: {one} steps");
            let ratio = two as f64 / one as f64;
            assert!((1.8..=2.2).contains(&ratio), "n = {n}: ratio {ratio}");
        }
    }

    #[test]
    fn repeated_levels_keep_their_first_time() {
        // 1 - S: 0, .2 (at 1, again at 2), .6 at 3: the quantile .1 is at the first .2 (time 1).
        let x = [0.0, 1.0, 2.0, 3.0];
        let y = [Some(0.0), Some(0.2), Some(0.2), Some(0.6)];
        assert_eq!(find_quantile(&x, &y, 0.1), Some(1.0));
        assert_eq!(find_quantile(&x, &y, 0.5), Some(3.0));
        // Not monotone (a confidence limit can wiggle): a level seen earlier is still skipped,
        // as R's `!duplicated` does.
        let y = [Some(0.0), Some(0.3), Some(0.2), Some(0.3), Some(0.6)];
        let x = [0.0, 1.0, 2.0, 3.0, 4.0];
        assert_eq!(find_quantile(&x, &y, 0.25), Some(1.0));
        assert_eq!(find_quantile(&x, &y, 0.5), Some(4.0));
    }
}
