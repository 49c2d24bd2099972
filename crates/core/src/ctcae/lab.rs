//! Laboratory values graded by CTCAE v5.0, from the value alone: a grade whose definition needs
//! symptoms or an intervention is never given from a number. Thresholds are the v5.0 SI values;
//! conventional units are converted first. Each term is graded on its own: a missing limit of
//! normal or baseline leaves ungraded only the terms whose grade depends on it for this value
//! (the rule is in [`bands`] and `docs/ctcae.md`).

mod bands;

use serde::{Deserialize, Serialize};

pub use bands::Limit;
use bands::{above, above_absolute, below, liver};

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

/// A term and the grade the value reaches (0: not abnormal in that direction), or, when the
/// grade depends on a limit that is missing, no grade and the limit it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct TermGrade {
    /// The CTCAE v5.0 term.
    pub term: &'static str,
    /// 0-4, or `None` when the grade depends on the missing limit `needs`.
    pub grade: Option<u8>,
    /// `lln`, `uln` or `baseline`: the limit the grade depends on, when it is missing.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs: Option<Limit>,
}

impl TermGrade {
    fn new(term: &'static str, grade: Result<u8, Limit>) -> TermGrade {
        TermGrade {
            term,
            grade: grade.ok(),
            needs: grade.err(),
        }
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
    let t = TermGrade::new;
    Ok(match test.as_str() {
        "NEUT" => vec![t(
            "Neutrophil count decreased",
            below(v, lln, &[(4, 0.5), (3, 1.0), (2, 1.5)]),
        )],
        "PLAT" => vec![t(
            "Platelet count decreased",
            below(v, lln, &[(4, 25.0), (3, 50.0), (2, 75.0)]),
        )],
        "WBC" => vec![
            t(
                "White blood cell decreased",
                below(v, lln, &[(4, 1.0), (3, 2.0), (2, 3.0)]),
            ),
            t(
                "Leukocytosis",
                Ok(above_absolute(v, &[(3, 100.0)]).unwrap_or(0)),
            ),
        ],
        "LYM" => vec![
            t(
                "Lymphocyte count decreased",
                below(v, lln, &[(4, 0.2), (3, 0.5), (2, 0.8)]),
            ),
            t(
                "Lymphocyte count increased",
                Ok(above_absolute(v, &[(3, 20.0), (2, 4.0)]).unwrap_or(0)),
            ),
        ],
        "HGB" => vec![
            t("Anemia", below(v, lln, &[(3, 80.0), (2, 100.0)])),
            // An increase above the ULN (g/L): > 0, > 20, > 40; every band is the ULN's.
            t(
                "Hemoglobin increased",
                uln.ok_or("uln")
                    .and_then(|u| above(v, Some(u), &[(3, u + 40.0), (2, u + 20.0)])),
            ),
        ],
        "ALB" => vec![t("Hypoalbuminemia", below(v, lln, &[(3, 20.0), (2, 30.0)]))],
        "ALT" => vec![t(
            "Alanine aminotransferase increased",
            liver(v, uln, baseline, [3.0, 5.0, 20.0], (1.5, true)),
        )],
        "AST" => vec![t(
            "Aspartate aminotransferase increased",
            liver(v, uln, baseline, [3.0, 5.0, 20.0], (1.5, true)),
        )],
        "ALP" => vec![t(
            "Alkaline phosphatase increased",
            liver(v, uln, baseline, [2.5, 5.0, 20.0], (2.0, true)),
        )],
        "GGT" => vec![t(
            "GGT increased",
            liver(v, uln, baseline, [2.5, 5.0, 20.0], (2.0, true)),
        )],
        "BILI" => vec![t(
            "Blood bilirubin increased",
            liver(v, uln, baseline, [1.5, 3.0, 10.0], (1.0, false)),
        )],
        "CREAT" => {
            // The worse of the ULN rule and the baseline rule. The most severe band (> 6 x ULN)
            // is the ULN's, so without the ULN the grade is not known even from a baseline.
            let grade = uln.ok_or("uln").and_then(|u| {
                let by_uln = above(v, Some(u), &[(4, 6.0 * u), (3, 3.0 * u), (2, 1.5 * u)])?;
                let by_baseline = baseline
                    .and_then(|b| above_absolute(v, &[(3, 3.0 * b), (2, 1.5 * b)]))
                    .unwrap_or(0);
                Ok(by_uln.max(by_baseline))
            });
            vec![t("Creatinine increased", grade)]
        }
        "INR" => {
            let grade = if lab.on_anticoagulation {
                baseline
                    .ok_or("baseline")
                    .map(|b| above_absolute(v, &[(3, 2.5 * b), (2, 1.5 * b), (1, b)]).unwrap_or(0))
            } else {
                Ok(above_absolute(v, &[(3, 2.5), (2, 1.5), (1, 1.2)]).unwrap_or(0))
            };
            vec![t("INR increased", grade)]
        }
        "SODIUM" => vec![
            t(
                "Hypernatremia",
                above(v, uln, &[(4, 160.0), (3, 155.0), (2, 150.0)]),
            ),
            t(
                "Hyponatremia",
                below(v, lln, &[(4, 120.0), (3, 125.0), (2, 130.0)]),
            ),
        ],
        "K" => vec![
            t(
                "Hyperkalemia",
                above(v, uln, &[(4, 7.0), (3, 6.0), (2, 5.5)]),
            ),
            // Grade 2 needs symptoms: a value alone gives 1, 3 or 4.
            t("Hypokalemia", below(v, lln, &[(4, 2.5), (3, 3.0)])),
        ],
        _ => return Err(LabError::UnknownTest(lab.test.clone())),
    })
}

#[cfg(test)]
mod tests;
