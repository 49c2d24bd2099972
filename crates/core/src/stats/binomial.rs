//! Proportions with exact (Clopper-Pearson) confidence intervals, for response rates and the
//! safety tables. Beta quantiles from `statrs`.

use serde::Serialize;
use statrs::distribution::{Beta, ContinuousCDF};

/// A proportion with its exact interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Proportion {
    /// Successes.
    pub x: u64,
    /// Trials.
    pub n: u64,
    /// x / n (`None` when n = 0).
    pub estimate: Option<f64>,
    /// Lower limit.
    pub lower: Option<f64>,
    /// Upper limit.
    pub upper: Option<f64>,
}

/// x / n with its two-sided (1 - alpha) Clopper-Pearson interval:
/// lower = Beta(x, n - x + 1) quantile at alpha/2 (0 when x = 0),
/// upper = Beta(x + 1, n - x) quantile at 1 - alpha/2 (1 when x = n).
pub fn clopper_pearson(x: u64, n: u64, alpha: f64) -> Proportion {
    if n == 0 || x > n {
        return Proportion {
            x,
            n,
            estimate: None,
            lower: None,
            upper: None,
        };
    }
    let (xf, nf) = (x as f64, n as f64);
    let quantile = |a: f64, b: f64, p: f64| Beta::new(a, b).ok().map(|d| d.inverse_cdf(p));
    let lower = if x == 0 {
        Some(0.0)
    } else {
        quantile(xf, nf - xf + 1.0, alpha / 2.0)
    };
    let upper = if x == n {
        Some(1.0)
    } else {
        quantile(xf + 1.0, nf - xf, 1.0 - alpha / 2.0)
    };
    Proportion {
        x,
        n,
        estimate: Some(xf / nf),
        lower,
        upper,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// scipy.stats.beta.ppf(0.025, x, n-x+1) and beta.ppf(0.975, x+1, n-x) (scipy 1.x).
    #[test]
    fn matches_scipy() {
        let cases = [
            (7, 20, 0.153_909_204_784_541_18, 0.592_188_534_532_828_2),
            (0, 15, 0.0, 0.218_019_360_910_534),
            (15, 15, 0.781_980_639_089_465_9, 1.0),
            (
                1,
                120,
                0.000_210_959_478_121_709_12,
                0.045_555_513_233_592_98,
            ),
            (60, 120, 0.407_369_267_440_197_2, 0.592_630_732_559_802_8),
        ];
        for (x, n, lo, hi) in cases {
            let p = clopper_pearson(x, n, 0.05);
            let (l, u) = (p.lower.unwrap(), p.upper.unwrap());
            assert!(
                (l - lo).abs() <= 1e-6 * lo.max(1e-3),
                "{x}/{n} lower {l} vs {lo}"
            );
            assert!(
                (u - hi).abs() <= 1e-6 * hi.max(1e-3),
                "{x}/{n} upper {u} vs {hi}"
            );
        }
    }

    #[test]
    fn empty_denominator_is_undefined() {
        assert_eq!(clopper_pearson(0, 0, 0.05).estimate, None);
    }
}
