//! The distributions the tests need, from `statrs` (not hand-written).

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// The standard normal quantile at `p`.
pub fn normal_quantile(p: f64) -> f64 {
    Normal::standard().inverse_cdf(p)
}

/// The two-sided p-value of a standard normal statistic `z`.
pub fn normal_two_sided_p(z: f64) -> f64 {
    2.0 * Normal::standard().sf(z.abs())
}

/// The upper tail of a chi-square with `df` degrees of freedom at `x`.
pub fn chisq_sf(x: f64, df: f64) -> f64 {
    if df <= 0.0 || x.is_nan() {
        return f64::NAN;
    }
    match ChiSquared::new(df) {
        Ok(d) => d.sf(x.max(0.0)),
        Err(_) => f64::NAN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values() {
        // R: qnorm(0.975) = 1.959963984540054; pchisq(3.84, 1, lower.tail = FALSE) = 0.05004352
        assert!((normal_quantile(0.975) - 1.959_963_984_540_054).abs() < 1e-12);
        assert!((chisq_sf(3.84, 1.0) - 0.050_043_521_248_705_2).abs() < 1e-9);
        let p = normal_two_sided_p(1.959_963_984_540_054);
        // statrs is accurate to about 5e-11 relative here; the analyses need 1e-6.
        assert!((p - 0.05).abs() < 1e-10, "{p}");
    }
}
