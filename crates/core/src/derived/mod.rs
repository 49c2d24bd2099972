//! Derived values (STUDY.md "Derived values"): BMI, Child-Pugh, ALBI, NLR, PLR, up-to-seven, BCLC
//! and CNLC, each from whichever inputs are present; what cannot be derived names what it lacks.

pub mod liver;
pub mod staging;
pub mod texts;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::Date;

pub use liver::{
    albi, child_pugh, Albi, AlbiGrade, Ascites, ChildPugh, ChildPughClass, Encephalopathy,
};
pub use staging::{bclc, cnlc, Stage, StagingInput};

/// The inputs of every derived value; all optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeriveInput {
    /// Total bilirubin, umol/L.
    pub bilirubin_umol_l: Option<f64>,
    /// Albumin, g/L.
    pub albumin_g_l: Option<f64>,
    /// INR.
    pub inr: Option<f64>,
    /// Ascites.
    pub ascites: Option<Ascites>,
    /// Hepatic encephalopathy.
    pub encephalopathy: Option<Encephalopathy>,
    /// ECOG performance status, 0-4.
    pub ecog: Option<u8>,
    /// Number of intrahepatic tumors.
    pub tumor_count: Option<u32>,
    /// Largest tumor diameter, mm.
    pub largest_tumor_mm: Option<f64>,
    /// Macrovascular invasion present.
    pub macrovascular_invasion: Option<bool>,
    /// Extrahepatic spread present.
    pub extrahepatic_spread: Option<bool>,
    /// Height, cm.
    pub height_cm: Option<f64>,
    /// Weight, kg.
    pub weight_kg: Option<f64>,
    /// Neutrophils, 10^9/L.
    pub neutrophils: Option<f64>,
    /// Lymphocytes, 10^9/L.
    pub lymphocytes: Option<f64>,
    /// Platelets, 10^9/L.
    pub platelets: Option<f64>,
}

/// A value outside its plausible range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field} = {value} is outside the plausible range {min}..={max}")]
pub struct RangeError {
    /// The input's name.
    pub field: &'static str,
    /// The value given.
    pub value: f64,
    /// The smallest accepted.
    pub min: f64,
    /// The largest accepted.
    pub max: f64,
}

/// A lab input that looks like it was entered in its quantity's other unit (bilirubin 1.2
/// "umol/L" is 1.2 mg/dL): the study definition's rule, `study::units::likely_other_unit`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{field}: {}", hint.message.en)]
pub struct UnitError {
    /// The input's name.
    pub field: &'static str,
    /// The unit it is likely in, the conversion and the message.
    pub hint: crate::study::units::UnitHint,
}

/// The lab inputs and the labs form's fields whose units and ranges they share.
const LAB_FIELDS: &[(&str, &str)] = &[
    ("bilirubin_umol_l", "bili"),
    ("albumin_g_l", "alb"),
    ("neutrophils", "neut"),
    ("lymphocytes", "lym"),
    ("platelets", "plt"),
];

/// Hard plausible ranges of the numeric inputs (values outside are refused).
pub const RANGES: &[(&str, f64, f64)] = &[
    ("bilirubin_umol_l", 0.1, 1000.0),
    ("albumin_g_l", 10.0, 80.0),
    ("inr", 0.5, 10.0),
    ("ecog", 0.0, 4.0),
    ("tumor_count", 1.0, 100.0),
    ("largest_tumor_mm", 1.0, 300.0),
    ("height_cm", 100.0, 230.0),
    ("weight_kg", 25.0, 250.0),
    ("neutrophils", 0.0, 100.0),
    ("lymphocytes", 0.01, 100.0),
    ("platelets", 0.0, 2000.0),
];

/// Up-to-seven: largest tumor (cm) + number of tumors; "within" when <= 7.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct UpToSeven {
    /// Largest tumor in cm plus the tumor count.
    pub value: f64,
    /// Whether the value is at most 7.
    pub within: bool,
}

/// Everything derivable, and for each value that is not, the inputs it lacks.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Derived {
    /// Child-Pugh points and class.
    pub child_pugh: Option<ChildPugh>,
    /// ALBI score and grade.
    pub albi: Option<Albi>,
    /// BCLC stage.
    pub bclc: Option<Stage>,
    /// CNLC stage.
    pub cnlc: Option<Stage>,
    /// Up-to-seven.
    pub up_to_seven: Option<UpToSeven>,
    /// Body-mass index, kg/m^2.
    pub bmi: Option<f64>,
    /// Neutrophil-to-lymphocyte ratio.
    pub nlr: Option<f64>,
    /// Platelet-to-lymphocyte ratio.
    pub plr: Option<f64>,
    /// For each value that is `None`: the inputs it lacks, by name.
    pub missing: BTreeMap<&'static str, Vec<&'static str>>,
}

impl DeriveInput {
    /// Refuses the first value outside its plausible range (or not finite).
    pub fn check_ranges(&self) -> Result<(), RangeError> {
        let values = [
            self.bilirubin_umol_l,
            self.albumin_g_l,
            self.inr,
            self.ecog.map(f64::from),
            self.tumor_count.map(f64::from),
            self.largest_tumor_mm,
            self.height_cm,
            self.weight_kg,
            self.neutrophils,
            self.lymphocytes,
            self.platelets,
        ];
        for (&(field, min, max), value) in RANGES.iter().zip(values) {
            if let Some(value) = value {
                if !value.is_finite() || value < min || value > max {
                    return Err(RangeError {
                        field,
                        value,
                        min,
                        max,
                    });
                }
            }
        }
        Ok(())
    }

    /// Refuses the first lab input that looks like its quantity's other unit (the labs form's
    /// rule: outside the usual range, inside it once converted). The command line cannot ask
    /// for a confirmation, so a value the form would only warn about is refused here.
    pub fn check_units(&self) -> Result<(), UnitError> {
        let values = [
            self.bilirubin_umol_l,
            self.albumin_g_l,
            self.neutrophils,
            self.lymphocytes,
            self.platelets,
        ];
        let labs = crate::study::study().form("labs");
        for (&(field, id), value) in LAB_FIELDS.iter().zip(values) {
            let (Some(value), Some(f)) = (value, labs.and_then(|l| l.field(id))) else {
                continue;
            };
            if let Some(hint) = crate::study::units::likely_other_unit(f, value) {
                return Err(UnitError { field, hint });
            }
        }
        Ok(())
    }

    /// Derives every value the inputs allow. Call [`check_ranges`](Self::check_ranges) first.
    pub fn derive(&self) -> Derived {
        let mut missing = BTreeMap::new();
        let mut need = |name: &'static str, inputs: Vec<(&'static str, bool)>| -> bool {
            let lacking: Vec<&'static str> = inputs
                .into_iter()
                .filter(|(_, present)| !present)
                .map(|(n, _)| n)
                .collect();
            let ok = lacking.is_empty();
            if !ok {
                missing.insert(name, lacking);
            }
            ok
        };
        let cp_inputs = vec![
            ("bilirubin_umol_l", self.bilirubin_umol_l.is_some()),
            ("albumin_g_l", self.albumin_g_l.is_some()),
            ("inr", self.inr.is_some()),
            ("ascites", self.ascites.is_some()),
            ("encephalopathy", self.encephalopathy.is_some()),
        ];
        let child_pugh = match (
            self.bilirubin_umol_l,
            self.albumin_g_l,
            self.inr,
            self.ascites,
            self.encephalopathy,
        ) {
            (Some(b), Some(a), Some(i), Some(asc), Some(enc)) => {
                Some(child_pugh(b, a, i, asc, enc))
            }
            _ => None,
        };
        need("child_pugh", cp_inputs.clone());
        let albi = match (self.bilirubin_umol_l, self.albumin_g_l) {
            (Some(b), Some(a)) => Some(albi(b, a)),
            _ => None,
        };
        need(
            "albi",
            vec![
                ("bilirubin_umol_l", self.bilirubin_umol_l.is_some()),
                ("albumin_g_l", self.albumin_g_l.is_some()),
            ],
        );
        let staging = match (
            self.tumor_count,
            self.largest_tumor_mm,
            self.macrovascular_invasion,
            self.extrahepatic_spread,
            self.ecog,
            child_pugh,
        ) {
            (Some(count), Some(largest), Some(mvi), Some(ehs), Some(ecog), Some(cp)) => {
                Some(StagingInput {
                    tumor_count: count,
                    largest_tumor_mm: largest,
                    macrovascular_invasion: mvi,
                    extrahepatic_spread: ehs,
                    ecog,
                    child_pugh: cp.class,
                })
            }
            _ => None,
        };
        let mut stage_inputs = vec![
            ("tumor_count", self.tumor_count.is_some()),
            ("largest_tumor_mm", self.largest_tumor_mm.is_some()),
            (
                "macrovascular_invasion",
                self.macrovascular_invasion.is_some(),
            ),
            ("extrahepatic_spread", self.extrahepatic_spread.is_some()),
            ("ecog", self.ecog.is_some()),
        ];
        stage_inputs.extend(cp_inputs);
        need("bclc", stage_inputs.clone());
        need("cnlc", stage_inputs);
        let up_to_seven = match (self.tumor_count, self.largest_tumor_mm) {
            (Some(count), Some(mm)) => Some(up_to_seven(count, mm)),
            _ => None,
        };
        need(
            "up_to_seven",
            vec![
                ("largest_tumor_mm", self.largest_tumor_mm.is_some()),
                ("tumor_count", self.tumor_count.is_some()),
            ],
        );
        let bmi = self.height_cm.zip(self.weight_kg).map(|(h, w)| bmi(h, w));
        need(
            "bmi",
            vec![
                ("height_cm", self.height_cm.is_some()),
                ("weight_kg", self.weight_kg.is_some()),
            ],
        );
        let nlr = self.neutrophils.zip(self.lymphocytes).map(|(n, l)| n / l);
        need(
            "nlr",
            vec![
                ("neutrophils", self.neutrophils.is_some()),
                ("lymphocytes", self.lymphocytes.is_some()),
            ],
        );
        let plr = self.platelets.zip(self.lymphocytes).map(|(p, l)| p / l);
        need(
            "plr",
            vec![
                ("platelets", self.platelets.is_some()),
                ("lymphocytes", self.lymphocytes.is_some()),
            ],
        );
        Derived {
            child_pugh,
            albi,
            bclc: staging.as_ref().map(bclc),
            cnlc: staging.as_ref().map(cnlc),
            up_to_seven,
            bmi,
            nlr,
            plr,
            missing,
        }
    }
}

/// Up-to-seven from the tumor count and the largest diameter in mm.
pub fn up_to_seven(tumor_count: u32, largest_tumor_mm: f64) -> UpToSeven {
    let value = largest_tumor_mm / 10.0 + f64::from(tumor_count);
    UpToSeven {
        value,
        within: value <= 7.0 + 1e-9,
    }
}

/// BMI = weight kg / (height m)^2.
pub fn bmi(height_cm: f64, weight_kg: f64) -> f64 {
    let m = height_cm / 100.0;
    weight_kg / (m * m)
}

/// Age in completed years on `on` (a birthday on 29 February counts on 1 March in other years).
pub fn age_years(birth: Date, on: Date) -> i32 {
    let mut age = on.year() - birth.year();
    if (on.month() as u8, on.day()) < (birth.month() as u8, birth.day()) {
        age -= 1;
    }
    age
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// The example of the `ecrf derive` contract (issue 3).
    fn example() -> DeriveInput {
        serde_json::from_str(
            r#"{"bilirubin_umol_l": 30, "albumin_g_l": 36, "inr": 1.1, "ascites": "none",
                "encephalopathy": "none", "ecog": 0, "tumor_count": 2, "largest_tumor_mm": 45,
                "macrovascular_invasion": false, "extrahepatic_spread": false, "height_cm": 170,
                "weight_kg": 65, "neutrophils": 3.1, "lymphocytes": 1.2, "platelets": 150}"#,
        )
        .unwrap()
    }

    #[test]
    fn contract_example_derives_everything() {
        let d = example().derive();
        assert_eq!(
            d.child_pugh,
            Some(ChildPugh {
                points: 5,
                class: ChildPughClass::A
            })
        );
        assert_eq!(d.bclc.unwrap().stage, "B");
        assert_eq!(d.cnlc.unwrap().stage, "IIa");
        assert_eq!(
            d.up_to_seven,
            Some(UpToSeven {
                value: 6.5,
                within: true
            })
        );
        assert!((d.bmi.unwrap() - 22.491349).abs() < 1e-6);
        assert!((d.nlr.unwrap() - 2.583333).abs() < 1e-6);
        assert!((d.plr.unwrap() - 125.0).abs() < 1e-9);
        assert!((d.albi.unwrap().score - (0.66 * 30f64.log10() - 0.085 * 36.0)).abs() < 1e-12);
        assert!(d.missing.is_empty());
    }

    #[test]
    fn missing_inputs_are_named() {
        let input = DeriveInput {
            inr: None,
            height_cm: None,
            ..example()
        };
        let d = input.derive();
        assert_eq!(d.child_pugh, None);
        assert_eq!(d.bclc, None);
        assert_eq!(d.missing["child_pugh"], vec!["inr"]);
        assert_eq!(d.missing["bclc"], vec!["inr"]);
        assert_eq!(d.missing["bmi"], vec!["height_cm"]);
        assert!(d.albi.is_some());
    }

    #[test]
    fn empty_input_derives_nothing_and_names_everything() {
        let d = DeriveInput::default().derive();
        assert_eq!(d.missing.len(), 8);
        assert_eq!(d.missing["nlr"], vec!["neutrophils", "lymphocytes"]);
    }

    #[test]
    fn out_of_range_is_refused() {
        let bad = DeriveInput {
            albumin_g_l: Some(400.0),
            ..example()
        };
        let err = bad.check_ranges().unwrap_err();
        assert_eq!(err.field, "albumin_g_l");
        assert!(DeriveInput {
            bilirubin_umol_l: Some(0.0),
            ..example()
        }
        .check_ranges()
        .is_err());
        assert!(DeriveInput {
            ecog: Some(5),
            ..example()
        }
        .check_ranges()
        .is_err());
        assert!(DeriveInput {
            tumor_count: Some(0),
            ..example()
        }
        .check_ranges()
        .is_err());
        assert!(example().check_ranges().is_ok());
    }

    #[test]
    fn lab_inputs_in_the_other_unit_are_refused_naming_it() {
        let mg_dl = DeriveInput {
            bilirubin_umol_l: Some(1.2),
            ..example()
        };
        assert!(mg_dl.check_ranges().is_ok(), "1.2 umol/L is not impossible");
        let err = mg_dl.check_units().unwrap_err();
        assert_eq!(
            (err.field, err.hint.likely_unit),
            ("bilirubin_umol_l", "mg/dL")
        );
        assert_eq!(
            err.to_string(),
            "bilirubin_umol_l: 1.2 looks like mg/dL: 1 mg/dL = 17.1 umol/L, i.e. 20.5 umol/L."
        );
        let g_dl = DeriveInput {
            albumin_g_l: Some(3.5),
            ..example()
        };
        assert_eq!(g_dl.check_units().unwrap_err().hint.likely_unit, "g/dL");
        assert!(
            g_dl.check_ranges().is_err(),
            "albumin below 10 g/L is refused"
        );
        let per_mm3 = DeriveInput {
            platelets: Some(150_000.0),
            ..example()
        };
        assert_eq!(per_mm3.check_units().unwrap_err().field, "platelets");
        assert!(example().check_units().is_ok());
    }

    #[test]
    fn unknown_input_names_are_refused() {
        assert!(serde_json::from_str::<DeriveInput>(r#"{"bilirubin": 30}"#).is_err());
    }

    #[test]
    fn up_to_seven_boundary_is_within() {
        assert!(up_to_seven(3, 40.0).within);
        assert!(!up_to_seven(3, 41.0).within);
    }

    #[test]
    fn age_counts_completed_years() {
        assert_eq!(age_years(date!(1960 - 05 - 01), date!(2023 - 04 - 30)), 62);
        assert_eq!(age_years(date!(1960 - 05 - 01), date!(2023 - 05 - 01)), 63);
        assert_eq!(age_years(date!(1960 - 02 - 29), date!(2023 - 02 - 28)), 62);
        assert_eq!(age_years(date!(1960 - 02 - 29), date!(2023 - 03 - 01)), 63);
    }
}
