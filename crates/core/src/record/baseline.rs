//! The screening forms (`eligibility`, `demographics`, `baseline_disease`), the clinical
//! assessment and the labs (`clinical`, `labs` of the study definition) read once into types,
//! and what the record derives from them at baseline: the enrollment date, the date of birth,
//! the baseline labs (the last on or before enrollment) and the inputs of the derived values
//! (Child-Pugh, ALBI, BCLC, CNLC, up-to-seven, BMI, NLR; `crate::derived`).

use std::collections::BTreeMap;

use serde_json::Value;
use time::Date;

use super::values::{date_of, flag, number, text};
use super::{Instance, Record, Values};
use crate::derived::{Ascites, DeriveInput, Encephalopathy};

/// The dates of the eligibility form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Eligibility {
    /// Informed consent.
    pub consent: Option<Date>,
    /// Enrollment: the origin of every endpoint.
    pub enrollment: Option<Date>,
}

impl Eligibility {
    /// Reads an `eligibility` form's values.
    pub fn read(v: &Values) -> Eligibility {
        Eligibility {
            consent: date_of(v, "consent_date"),
            enrollment: date_of(v, "enrollment_date"),
        }
    }
}

/// The demographics the derivations, the dates rules and the analysis data sets read.
#[derive(Debug, Clone, PartialEq)]
pub struct Demographics {
    /// Sex (a code of the `sex` list).
    pub sex: Option<String>,
    /// Date of birth.
    pub birth: Option<Date>,
    /// Height, cm.
    pub height_cm: Option<f64>,
    /// Weight at screening, kg.
    pub weight_kg: Option<f64>,
}

impl Demographics {
    /// Reads a `demographics` form's values.
    pub fn read(v: &Values) -> Demographics {
        Demographics {
            sex: text(v, "sex").map(str::to_owned),
            birth: date_of(v, "birth_date"),
            height_cm: number(v, "height_cm"),
            weight_kg: number(v, "weight_kg"),
        }
    }
}

/// The baseline disease as the staging systems read it.
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineDisease {
    /// The number of intrahepatic tumors: the `tumor_number` code (`1`, `2`, `3`), or the
    /// count recorded for `gt3`.
    pub tumor_count: Option<u32>,
    /// The largest tumor's diameter, mm.
    pub largest_tumor_mm: Option<f64>,
    /// The vascular invasion's code (the `vascular_invasion` list; `none` when absent).
    pub vascular_invasion: Option<String>,
    /// Extrahepatic spread.
    pub extrahepatic_spread: Option<bool>,
    /// Ascites, as Child-Pugh grades it.
    pub ascites: Option<Ascites>,
    /// Hepatic encephalopathy, as Child-Pugh grades it.
    pub encephalopathy: Option<Encephalopathy>,
}

/// A code read as one of the derivations' enums (their serde names are the code lists' codes).
fn code_as<T: serde::de::DeserializeOwned>(v: &Values, field: &str) -> Option<T> {
    text(v, field).and_then(|c| serde_json::from_value(Value::String(c.to_owned())).ok())
}

impl BaselineDisease {
    /// Reads a `baseline_disease` form's values.
    pub fn read(v: &Values) -> BaselineDisease {
        let tumor_count = match text(v, "tumor_number") {
            // The form's range keeps the count small (a cast saturates: never a wrap).
            Some("gt3") => number(v, "tumor_count").map(|c| c as u32),
            Some(n) => n.parse().ok(),
            None => None,
        };
        BaselineDisease {
            tumor_count,
            largest_tumor_mm: number(v, "largest_tumor_mm"),
            vascular_invasion: text(v, "vascular_invasion").map(str::to_owned),
            extrahepatic_spread: flag(v, "extrahepatic_spread"),
            ascites: code_as(v, "ascites"),
            encephalopathy: code_as(v, "encephalopathy"),
        }
    }

    /// Macrovascular invasion: any vascular invasion but `none`.
    pub fn macrovascular_invasion(&self) -> Option<bool> {
        self.vascular_invasion.as_deref().map(|v| v != "none")
    }
}

/// What the derivations read of a clinical assessment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClinicalAssessment {
    /// The visit's date.
    pub date: Option<Date>,
    /// ECOG performance status, 0 to 5 (the `ecog` list's codes).
    pub ecog: Option<u8>,
}

impl ClinicalAssessment {
    /// Reads a `clinical` form's values.
    pub fn read(v: &Values) -> ClinicalAssessment {
        ClinicalAssessment {
            date: date_of(v, "date"),
            ecog: text(v, "ecog").and_then(|e| e.parse().ok()),
        }
    }
}

/// One labs form: its date and its numeric values, by field id (each test in the unit of the
/// study definition, and its limits of normal as `{test}_lln`, `{test}_uln`).
#[derive(Debug, Clone, PartialEq)]
pub struct LabPanel {
    /// The sample's date.
    pub date: Option<Date>,
    /// The numeric values, by field id.
    pub values: BTreeMap<String, f64>,
}

impl LabPanel {
    /// Reads a `labs` form's values.
    pub fn read(v: &Values) -> LabPanel {
        LabPanel {
            date: date_of(v, "date"),
            values: v
                .iter()
                .filter_map(|(k, x)| x.as_f64().map(|n| (k.clone(), n)))
                .collect(),
        }
    }

    /// The value of `test` (a field id: `bili`, `alb`, `afp`, ...).
    pub fn value(&self, test: &str) -> Option<f64> {
        self.values.get(test).copied()
    }
}

impl Record {
    /// The enrollment date, once the eligibility form records it.
    pub fn enrolled(&self) -> Option<Date> {
        self.of("eligibility")
            .find_map(|i| Eligibility::read(&i.values).enrollment)
    }

    /// The date of informed consent, once the eligibility form records it.
    pub fn consented(&self) -> Option<Date> {
        self.of("eligibility")
            .find_map(|i| Eligibility::read(&i.values).consent)
    }

    /// The date of birth, once the demographics form records it.
    pub fn birth(&self) -> Option<Date> {
        self.of("demographics")
            .find_map(|i| Demographics::read(&i.values).birth)
    }

    /// The baseline labs: the last labs form dated on or before `on` (enrollment); of two on
    /// the same day, the one created later.
    pub fn baseline_labs(&self, on: Date) -> Option<&Instance> {
        self.of("labs")
            .filter(|i| i.date.is_some_and(|d| d <= on))
            .max_by_key(|i| i.date)
    }

    /// The numeric values of the baseline labs ([`Record::baseline_labs`]), by field; empty
    /// without one.
    pub fn baseline_lab_values(&self, on: Date) -> BTreeMap<String, f64> {
        self.baseline_labs(on)
            .map(|i| LabPanel::read(&i.values).values)
            .unwrap_or_default()
    }

    /// The inputs of the derived values at `on` (enrollment): the baseline labs
    /// ([`Record::baseline_labs`]), the first baseline disease form, the earliest clinical
    /// assessment's ECOG (else 0: eligibility requires ECOG 0-1), height and weight from the
    /// first demographics form.
    pub fn baseline_input(&self, on: Date) -> DeriveInput {
        let labs = self.baseline_labs(on).map(|i| LabPanel::read(&i.values));
        let lab = |test: &str| labs.as_ref().and_then(|l| l.value(test));
        let disease = self
            .of("baseline_disease")
            .next()
            .map(|i| BaselineDisease::read(&i.values));
        let clinical = self
            .of("clinical")
            .map(|i| ClinicalAssessment::read(&i.values))
            .min_by_key(|c| c.date);
        let demographics = self
            .of("demographics")
            .next()
            .map(|i| Demographics::read(&i.values));
        DeriveInput {
            bilirubin_umol_l: lab("bili"),
            albumin_g_l: lab("alb"),
            inr: lab("inr"),
            ascites: disease.as_ref().and_then(|d| d.ascites),
            encephalopathy: disease.as_ref().and_then(|d| d.encephalopathy),
            ecog: Some(clinical.and_then(|c| c.ecog).unwrap_or(0)),
            tumor_count: disease.as_ref().and_then(|d| d.tumor_count),
            largest_tumor_mm: disease.as_ref().and_then(|d| d.largest_tumor_mm),
            macrovascular_invasion: disease
                .as_ref()
                .and_then(BaselineDisease::macrovascular_invasion),
            extrahepatic_spread: disease.as_ref().and_then(|d| d.extrahepatic_spread),
            height_cm: demographics.as_ref().and_then(|d| d.height_cm),
            weight_kg: demographics.as_ref().and_then(|d| d.weight_kg),
            neutrophils: lab("neut"),
            lymphocytes: lab("lym"),
            platelets: lab("plt"),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::dates::parse_date;

    fn values(v: Value) -> Values {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn the_screening_forms_read_into_their_types() {
        let e = Eligibility::read(&values(
            json!({"consent_date": "2026-01-02", "enrollment_date": "2026-01-09"}),
        ));
        assert_eq!(e.consent, parse_date("2026-01-02").ok());
        assert_eq!(e.enrollment, parse_date("2026-01-09").ok());
        let d = Demographics::read(&values(
            json!({"birth_date": "1960-05-01", "height_cm": 170, "weight_kg": "65"}),
        ));
        assert_eq!(d.birth, parse_date("1960-05-01").ok());
        assert_eq!(d.height_cm, Some(170.0));
        // A stored text is not a number.
        assert_eq!(d.weight_kg, None);
        let disease = BaselineDisease::read(&values(json!({
            "tumor_number": "gt3", "tumor_count": 5, "largest_tumor_mm": 62.5,
            "vascular_invasion": "pvtt", "extrahepatic_spread": false,
            "ascites": "mild", "encephalopathy": "none"
        })));
        assert_eq!(disease.tumor_count, Some(5));
        assert_eq!(disease.macrovascular_invasion(), Some(true));
        assert_eq!(disease.extrahepatic_spread, Some(false));
        assert_eq!(disease.ascites, Some(Ascites::Mild));
        assert_eq!(disease.encephalopathy, Some(Encephalopathy::None));
        let few = BaselineDisease::read(&values(
            json!({"tumor_number": "2", "vascular_invasion": "none", "ascites": "gallons"}),
        ));
        assert_eq!(few.tumor_count, Some(2));
        assert_eq!(few.macrovascular_invasion(), Some(false));
        assert_eq!(few.ascites, None);
        assert_eq!(BaselineDisease::read(&Values::new()).tumor_count, None);
        let c = ClinicalAssessment::read(&values(json!({"date": "2026-02-01", "ecog": "1"})));
        assert_eq!(c.ecog, Some(1));
        let labs = LabPanel::read(&values(
            json!({"date": "2026-01-05", "bili": 17.1, "alb": 38, "afp_uln": 7}),
        ));
        assert_eq!(labs.date, parse_date("2026-01-05").ok());
        assert_eq!(labs.value("alb"), Some(38.0));
        assert_eq!(labs.value("afp_uln"), Some(7.0));
        assert_eq!(labs.value("date"), None);
    }

    fn instance(n: u64, form: &str, v: Value) -> Instance {
        let values = values(v);
        let date = crate::record::date_field(form).and_then(|f| date_of(&values, f));
        Instance {
            id: format!("i-{n}"),
            form: form.into(),
            date,
            created_ms: n,
            values,
        }
    }

    #[test]
    fn the_baseline_is_the_last_labs_on_or_before_enrollment_and_the_first_visit() {
        let record = Record {
            subject: "HCC-001-0001".into(),
            instances: vec![
                instance(1, "eligibility", json!({"enrollment_date": "2026-01-10"})),
                instance(
                    2,
                    "labs",
                    json!({"date": "2026-01-03", "bili": 30, "afp": 500}),
                ),
                instance(3, "labs", json!({"date": "2026-01-08", "bili": 20})),
                instance(4, "labs", json!({"date": "2026-01-08", "bili": 18})),
                instance(5, "labs", json!({"date": "2026-01-11", "bili": 99})),
                instance(6, "clinical", json!({"date": "2026-02-10", "ecog": "2"})),
                instance(7, "clinical", json!({"date": "2026-01-09", "ecog": "1"})),
                instance(
                    8,
                    "demographics",
                    json!({"height_cm": 160, "weight_kg": 64}),
                ),
            ],
        };
        let on = record.enrolled().expect("enrolled");
        // Of two labs on the same day, the one created later.
        assert_eq!(record.baseline_labs(on).map(|i| i.id.as_str()), Some("i-4"));
        assert_eq!(record.baseline_lab_values(on).get("bili"), Some(&18.0));
        let input = record.baseline_input(on);
        assert_eq!(input.bilirubin_umol_l, Some(18.0));
        assert_eq!(input.ecog, Some(1));
        assert_eq!(
            (input.height_cm, input.weight_kg),
            (Some(160.0), Some(64.0))
        );
        // Without a clinical assessment, ECOG 0 (eligibility requires 0-1).
        let bare = Record {
            subject: record.subject.clone(),
            instances: record.instances[..5].to_vec(),
        };
        assert_eq!(bare.baseline_input(on).ecog, Some(0));
        assert_eq!(bare.baseline_labs(parse_date("2026-01-01").unwrap()), None);
    }
}
