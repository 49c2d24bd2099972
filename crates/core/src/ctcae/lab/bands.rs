//! The bands of a CTCAE v5.0 lab term, checked from the most severe down, as CTCAE lists them
//! and as pharmaverse admiral's grading metadata (`atoxgr_criteria_ctcv5`) evaluates them: the
//! bands with absolute edges first, then the band whose edge is a limit of normal (or a multiple
//! of the ULN or of the baseline). A missing limit stops the walk only when it reaches a band
//! defined by that limit: the value has not fallen in any absolute band, so whether it is in the
//! limit's band (or normal) depends on the limit, and the term is ungraded, naming the limit.
//!
//! This is exact under the assumption CTCAE's texts make: in "<LLN - 1.5 x 10^9/L" the LLN is
//! not below 1.5 (the absolute edge of the next band), and in ">ULN - 5.5 mmol/L" the ULN is not
//! above 5.5. A value beyond the absolute edge is then beyond the limit too, whatever it is.
//!
//! Comparisons are made at 8 significant digits (as admiral does), so that values exactly on a
//! boundary fall where the text puts them despite floating point.

/// A limit a band is defined by: `"lln"`, `"uln"` or `"baseline"`.
pub type Limit = &'static str;

/// Rounds to 8 significant digits.
fn signif(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 8 - 1 - x.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

/// `a > b` at 8 significant digits.
pub(super) fn gt(a: f64, b: f64) -> bool {
    signif(a) > signif(b)
}

/// `a < b` at 8 significant digits.
pub(super) fn lt(a: f64, b: f64) -> bool {
    signif(a) < signif(b)
}

/// `a >= b` at 8 significant digits.
pub(super) fn ge(a: f64, b: f64) -> bool {
    signif(a) >= signif(b)
}

/// A "decreased" term: the highest grade whose absolute edge the value is below (`absolute`:
/// (grade, edge) from the most severe down), else grade 1 below the LLN, else 0.
///
/// # Errors
/// `"lln"` when the value is in no absolute band and the LLN is missing.
pub(super) fn below(v: f64, lln: Option<f64>, absolute: &[(u8, f64)]) -> Result<u8, Limit> {
    if let Some(&(g, _)) = absolute.iter().find(|(_, t)| lt(v, *t)) {
        return Ok(g);
    }
    lln.map(|l| u8::from(lt(v, l))).ok_or("lln")
}

/// An "increased" term: the highest grade whose absolute edge the value is above (`absolute`:
/// (grade, edge) from the most severe down), else grade 1 above the ULN, else 0.
///
/// # Errors
/// `"uln"` when the value is in no absolute band and the ULN is missing.
pub(super) fn above(v: f64, uln: Option<f64>, absolute: &[(u8, f64)]) -> Result<u8, Limit> {
    if let Some(g) = above_absolute(v, absolute) {
        return Ok(g);
    }
    uln.map(|u| u8::from(gt(v, u))).ok_or("uln")
}

/// An "increased" term with absolute bands only (no band at the ULN): the highest grade whose
/// edge the value is above, if any.
pub(super) fn above_absolute(v: f64, absolute: &[(u8, f64)]) -> Option<u8> {
    absolute.iter().find(|(_, t)| gt(v, *t)).map(|(g, _)| *g)
}

/// Multiples of the ULN, or of an abnormal baseline (above the ULN): the liver tests. `steps`
/// are the grade 2, 3 and 4 multiples; `g1_baseline` is the grade-1 multiple of an abnormal
/// baseline and whether it is inclusive. Without a baseline, the baseline is taken as normal.
///
/// # Errors
/// `"uln"` when the ULN is missing: every band (and whether the baseline is abnormal) is
/// defined by it.
pub(super) fn liver(
    v: f64,
    uln: Option<f64>,
    baseline: Option<f64>,
    steps: [f64; 3],
    g1_baseline: (f64, bool),
) -> Result<u8, Limit> {
    let uln = uln.ok_or("uln")?;
    let abnormal = baseline.filter(|b| gt(*b, uln));
    let (reference, (g1, inclusive)) = match abnormal {
        Some(b) => (b, g1_baseline),
        None => (uln, (1.0, false)),
    };
    let [s2, s3, s4] = steps;
    Ok(if gt(v, s4 * reference) {
        4
    } else if gt(v, s3 * reference) {
        3
    } else if gt(v, s2 * reference) {
        2
    } else if (inclusive && ge(v, g1 * reference)) || (!inclusive && gt(v, g1 * reference)) {
        1
    } else {
        0
    })
}
