//! Laboratory values graded by CTCAE v5.0, from the value alone: a grade whose definition needs
//! symptoms or an intervention is never given from a number. Thresholds are the v5.0 SI values;
//! conventional units are converted first. Comparisons are made at 8 significant digits (as the
//! admiral rule set does), so that values exactly on a boundary fall where the text puts them.

use serde::{Deserialize, Serialize};

/// Why a value could not be graded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum LabError {
    /// The test code is not one this grader knows.
    #[error("unknown test {0:?}")]
    UnknownTest(String),
    /// The unit does not fit the test.
    #[error("unit {unit:?} is not accepted for {test} (accepted: {accepted})")]
    UnknownUnit {
        /// Test code.
        test: String,
        /// The unit given.
        unit: String,
        /// The units accepted.
        accepted: String,
    },
    /// A limit or baseline the rule needs is missing.
    #[error("{test}: {what} is needed to grade {term}")]
    MissingLimit {
        /// Test code.
        test: String,
        /// `lln`, `uln` or `baseline`.
        what: &'static str,
        /// The term that needs it.
        term: &'static str,
    },
    /// A value that is negative or not a number.
    #[error("{test}: {what} must be a finite non-negative number")]
    BadValue {
        /// Test code.
        test: String,
        /// Which value.
        what: &'static str,
    },
}

/// One lab result to grade; `lln`, `uln` and `baseline` are in the value's unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabValue {
    /// CDISC test code (`NEUT`, `PLAT`, `WBC`, `LYM`, `HGB`, `ALT`, `AST`, `ALP`, `GGT`, `BILI`,
    /// `CREAT`, `ALB`, `INR`, `SODIUM`, `K`).
    pub test: String,
    /// The result.
    pub value: f64,
    /// Its unit.
    pub unit: String,
    /// Lower limit of normal.
    #[serde(default)]
    pub lln: Option<f64>,
    /// Upper limit of normal.
    #[serde(default)]
    pub uln: Option<f64>,
    /// The patient's baseline value.
    #[serde(default)]
    pub baseline: Option<f64>,
    /// On anticoagulation (changes the INR rule).
    #[serde(default)]
    pub on_anticoagulation: bool,
}

/// A term and the grade the value reaches (0: not abnormal in that direction).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TermGrade {
    /// The CTCAE v5.0 term.
    pub term: &'static str,
    /// 0-4.
    pub grade: u8,
}

/// Rounds to 8 significant digits.
fn signif(x: f64) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    let digits = 8 - 1 - x.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits);
    (x * scale).round() / scale
}

fn gt(a: f64, b: f64) -> bool {
    signif(a) > signif(b)
}

fn lt(a: f64, b: f64) -> bool {
    signif(a) < signif(b)
}

fn ge(a: f64, b: f64) -> bool {
    signif(a) >= signif(b)
}

/// The highest grade whose "below" threshold the value is under; grade 1 below the LLN.
/// `thresholds` are (grade, value) from the highest grade down.
fn low(v: f64, lln: f64, thresholds: &[(u8, f64)]) -> u8 {
    thresholds
        .iter()
        .find(|(_, t)| lt(v, *t))
        .map(|(g, _)| *g)
        .unwrap_or(if lt(v, lln) { 1 } else { 0 })
}

/// The highest grade whose "above" threshold the value exceeds; grade 1 above the ULN when
/// `uln` is given.
fn high(v: f64, uln: Option<f64>, thresholds: &[(u8, f64)]) -> u8 {
    thresholds
        .iter()
        .find(|(_, t)| gt(v, *t))
        .map(|(g, _)| *g)
        .unwrap_or(if uln.is_some_and(|u| gt(v, u)) { 1 } else { 0 })
}

/// Multiples of the ULN, or of an abnormal baseline (baseline above the ULN): the liver tests.
/// `g1_baseline` is the grade-1 multiple of an abnormal baseline and whether it is inclusive.
fn liver(v: f64, uln: f64, baseline: Option<f64>, steps: [f64; 3], g1_baseline: (f64, bool)) -> u8 {
    let abnormal = baseline.filter(|b| gt(*b, uln));
    let (reference, g1) = match abnormal {
        Some(b) => (b, g1_baseline),
        None => (uln, (1.0, false)),
    };
    let [s2, s3, s4] = steps;
    if gt(v, s4 * reference) {
        4
    } else if gt(v, s3 * reference) {
        3
    } else if gt(v, s2 * reference) {
        2
    } else if (g1.1 && ge(v, g1.0 * reference)) || (!g1.1 && gt(v, g1.0 * reference)) {
        1
    } else {
        0
    }
}

/// Units a test accepts, with the factor to SI.
fn unit_factor(test: &str, unit: &str) -> Option<Option<f64>> {
    let u = unit.trim();
    let f = match test {
        "NEUT" | "PLAT" | "WBC" | "LYM" => match u {
            "10^9/L" => 1.0,
            "/mm3" => 1e-3,
            _ => return Some(None),
        },
        "HGB" | "ALB" => match u {
            "g/L" => 1.0,
            "g/dL" => 10.0,
            _ => return Some(None),
        },
        "BILI" => match u {
            "umol/L" => 1.0,
            "mg/dL" => 17.104,
            _ => return Some(None),
        },
        "CREAT" => match u {
            "umol/L" => 1.0,
            "mg/dL" => 88.42,
            _ => return Some(None),
        },
        "ALT" | "AST" | "ALP" | "GGT" => match u {
            "U/L" => 1.0,
            _ => return Some(None),
        },
        "SODIUM" | "K" => match u {
            "mmol/L" => 1.0,
            _ => return Some(None),
        },
        "INR" => match u {
            "ratio" => 1.0,
            _ => return Some(None),
        },
        _ => return None,
    };
    Some(Some(f))
}

fn accepted_units(test: &str) -> &'static str {
    match test {
        "NEUT" | "PLAT" | "WBC" | "LYM" => "10^9/L, /mm3",
        "HGB" | "ALB" => "g/L, g/dL",
        "BILI" | "CREAT" => "umol/L, mg/dL",
        "ALT" | "AST" | "ALP" | "GGT" => "U/L",
        "SODIUM" | "K" => "mmol/L",
        _ => "ratio",
    }
}

/// The test codes this grader knows.
pub const TESTS: &[&str] = &[
    "NEUT", "PLAT", "WBC", "LYM", "HGB", "ALT", "AST", "ALP", "GGT", "BILI", "CREAT", "ALB", "INR",
    "SODIUM", "K",
];

/// Grades one value under every CTCAE term its test is graded by (both directions).
pub fn grade(lab: &LabValue) -> Result<Vec<TermGrade>, LabError> {
    let test = lab.test.trim().to_ascii_uppercase();
    let factor = match unit_factor(&test, &lab.unit) {
        None => return Err(LabError::UnknownTest(lab.test.clone())),
        Some(None) => {
            return Err(LabError::UnknownUnit {
                test: test.clone(),
                unit: lab.unit.clone(),
                accepted: accepted_units(&test).into(),
            })
        }
        Some(Some(f)) => f,
    };
    let check = |x: Option<f64>, what: &'static str| -> Result<Option<f64>, LabError> {
        match x {
            Some(v) if !(v.is_finite() && v >= 0.0) => Err(LabError::BadValue {
                test: test.clone(),
                what,
            }),
            other => Ok(other.map(|v| v * factor)),
        }
    };
    let v = check(Some(lab.value), "value")?.unwrap_or(0.0);
    let (lln, uln, baseline) = (
        check(lab.lln, "lln")?,
        check(lab.uln, "uln")?,
        check(lab.baseline, "baseline")?,
    );
    let need = |x: Option<f64>, what: &'static str, term: &'static str| {
        x.ok_or_else(|| LabError::MissingLimit {
            test: test.clone(),
            what,
            term,
        })
    };
    let g = |term: &'static str, grade: u8| TermGrade { term, grade };
    Ok(match test.as_str() {
        "NEUT" => {
            let t = "Neutrophil count decreased";
            vec![g(
                t,
                low(v, need(lln, "lln", t)?, &[(4, 0.5), (3, 1.0), (2, 1.5)]),
            )]
        }
        "PLAT" => {
            let t = "Platelet count decreased";
            vec![g(
                t,
                low(v, need(lln, "lln", t)?, &[(4, 25.0), (3, 50.0), (2, 75.0)]),
            )]
        }
        "WBC" => {
            let t = "White blood cell decreased";
            vec![
                g(
                    t,
                    low(v, need(lln, "lln", t)?, &[(4, 1.0), (3, 2.0), (2, 3.0)]),
                ),
                g("Leukocytosis", high(v, None, &[(3, 100.0)])),
            ]
        }
        "LYM" => {
            let t = "Lymphocyte count decreased";
            vec![
                g(
                    t,
                    low(v, need(lln, "lln", t)?, &[(4, 0.2), (3, 0.5), (2, 0.8)]),
                ),
                g(
                    "Lymphocyte count increased",
                    high(v, None, &[(3, 20.0), (2, 4.0)]),
                ),
            ]
        }
        "HGB" => {
            let t = "Anemia";
            let up = "Hemoglobin increased";
            let u = need(uln, "uln", up)?;
            vec![
                g(t, low(v, need(lln, "lln", t)?, &[(3, 80.0), (2, 100.0)])),
                // An increase above the ULN (g/L): > 0, > 20, > 40.
                g(up, high(v, Some(u), &[(3, u + 40.0), (2, u + 20.0)])),
            ]
        }
        "ALB" => {
            let t = "Hypoalbuminemia";
            vec![g(t, low(v, need(lln, "lln", t)?, &[(3, 20.0), (2, 30.0)]))]
        }
        "ALT" | "AST" => {
            let t = if test == "ALT" {
                "Alanine aminotransferase increased"
            } else {
                "Aspartate aminotransferase increased"
            };
            vec![g(
                t,
                liver(
                    v,
                    need(uln, "uln", t)?,
                    baseline,
                    [3.0, 5.0, 20.0],
                    (1.5, true),
                ),
            )]
        }
        "ALP" | "GGT" => {
            let t = if test == "ALP" {
                "Alkaline phosphatase increased"
            } else {
                "GGT increased"
            };
            vec![g(
                t,
                liver(
                    v,
                    need(uln, "uln", t)?,
                    baseline,
                    [2.5, 5.0, 20.0],
                    (2.0, true),
                ),
            )]
        }
        "BILI" => {
            let t = "Blood bilirubin increased";
            vec![g(
                t,
                liver(
                    v,
                    need(uln, "uln", t)?,
                    baseline,
                    [1.5, 3.0, 10.0],
                    (1.0, false),
                ),
            )]
        }
        "CREAT" => {
            let t = "Creatinine increased";
            let u = need(uln, "uln", t)?;
            let by_uln = high(v, Some(u), &[(4, 6.0 * u), (3, 3.0 * u), (2, 1.5 * u)]);
            let by_baseline = baseline.map_or(0, |b| high(v, None, &[(3, 3.0 * b), (2, 1.5 * b)]));
            vec![g(t, by_uln.max(by_baseline))]
        }
        "INR" => {
            let t = "INR increased";
            let grade = if lab.on_anticoagulation {
                let b = need(baseline, "baseline", t)?;
                high(v, None, &[(3, 2.5 * b), (2, 1.5 * b), (1, b)])
            } else {
                high(v, None, &[(3, 2.5), (2, 1.5), (1, 1.2)])
            };
            vec![g(t, grade)]
        }
        "SODIUM" => {
            let lo = "Hyponatremia";
            let hi = "Hypernatremia";
            vec![
                g(
                    hi,
                    high(
                        v,
                        Some(need(uln, "uln", hi)?),
                        &[(4, 160.0), (3, 155.0), (2, 150.0)],
                    ),
                ),
                g(
                    lo,
                    low(
                        v,
                        need(lln, "lln", lo)?,
                        &[(4, 120.0), (3, 125.0), (2, 130.0)],
                    ),
                ),
            ]
        }
        "K" => {
            let lo = "Hypokalemia";
            let hi = "Hyperkalemia";
            vec![
                g(
                    hi,
                    high(
                        v,
                        Some(need(uln, "uln", hi)?),
                        &[(4, 7.0), (3, 6.0), (2, 5.5)],
                    ),
                ),
                // Grade 2 needs symptoms: a value alone gives 1, 3 or 4.
                g(lo, low(v, need(lln, "lln", lo)?, &[(4, 2.5), (3, 3.0)])),
            ]
        }
        _ => return Err(LabError::UnknownTest(lab.test.clone())),
    })
}

#[cfg(test)]
mod tests;
