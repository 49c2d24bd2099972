//! The demo's random numbers (SplitMix64, the same on every platform) and its dates.

use serde_json::{json, Value};
use time::{Date, Month};

/// SplitMix64: small, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub(super) struct Rng(pub(super) u64);

impl Rng {
    pub(super) fn u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub(super) fn f(&mut self) -> f64 {
        (self.u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub(super) fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f()
    }

    pub(super) fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.u64() % (hi - lo + 1) as u64) as i64
    }

    pub(super) fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }

    /// Exponential with the given median.
    pub(super) fn exp_median(&mut self, median: f64) -> f64 {
        -(1.0 - self.f()).ln() * median / std::f64::consts::LN_2
    }

    /// Normal by Box-Muller.
    pub(super) fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let (u1, u2) = (1.0 - self.f(), self.f());
        mean + sd * (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    /// One of `items`, the same on every platform: the remainder is taken in 64 bits (a `usize`
    /// is 32 bits in the browser, where truncating first would pick another item).
    pub(super) fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.u64() % items.len() as u64;
        &items[usize::try_from(i).unwrap_or(0)]
    }
}

pub(super) fn day(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).unwrap_or(Date::MIN)
}

pub(super) fn iso(d: Date) -> Value {
    json!(crate::dates::format_date(d))
}

pub(super) fn round(x: f64, dp: i32) -> f64 {
    let s = 10f64.powi(dp);
    (x * s).round() / s
}

/// Milliseconds at 09:00 UTC of a date (the demo's clock).
pub(super) fn ms(d: Date) -> u64 {
    let days = (d - day(1970, Month::January, 1)).whole_days().max(0) as u64;
    days * 86_400_000 + 9 * 3_600_000
}
