//! ADSL: one row per subject with the enrollment flag and date, the derived treatment group,
//! demographics, the baseline factors the analyses adjust for, and death.

use serde_json::Value;

use super::{date, flag, var, Dataset, Kind, Subject};
use crate::record::baseline::Demographics;

/// Builds ADSL (every subject with a record, enrolled or not).
pub(super) fn build(subjects: &[Subject]) -> Dataset {
    let mut d = Dataset::new(
        "adsl",
        "Subject-Level Analysis Dataset",
        &[
            var("SUBJID", "Subject Identifier for the Study", Kind::Char, ""),
            var("SITEID", "Study Site Identifier", Kind::Char, ""),
            var("ENRLFL", "Enrolled Population Flag", Kind::Char, "Y; N"),
            var("ENRLDT", "Date of Enrollment", Kind::Date, ""),
            var("AGE", "Age at Enrollment", Kind::Num, ""),
            var("AGEU", "Age Units", Kind::Char, "YEARS"),
            var("SEX", "Sex", Kind::Char, "M = male; F = female"),
            var(
                "BCLC",
                "Baseline BCLC Stage (2022)",
                Kind::Char,
                "0; A; B; C; D",
            ),
            var(
                "CNLC",
                "Baseline CNLC Stage (2022)",
                Kind::Char,
                "Ia; Ib; IIa; IIb; IIIa; IIIb; IV",
            ),
            var(
                "CHILDPGH",
                "Baseline Child-Pugh Class",
                Kind::Char,
                "A; B; C",
            ),
            var("ALBIGR", "Baseline ALBI Grade", Kind::Char, "1; 2; 3"),
            var(
                "AFP400FL",
                "Baseline AFP >= 400 ng/mL Flag",
                Kind::Char,
                "Y; N",
            ),
            var("MVIFL", "Macrovascular Invasion Flag", Kind::Char, "Y; N"),
            var("EHSFL", "Extrahepatic Spread Flag", Kind::Char, "Y; N"),
            var("UPTO7FL", "Within Up-to-Seven Flag", Kind::Char, "Y; N"),
            var(
                "DTHFL",
                "Subject Death Flag (within the cut-off)",
                Kind::Char,
                "Y; N",
            ),
            var("DTHDT", "Date of Death", Kind::Date, ""),
            var(
                "LSTALVDT",
                "Last Date Known Alive (or the cut-off)",
                Kind::Date,
                "",
            ),
        ],
    );
    for s in subjects {
        let id = &s.record.subject;
        // HCC-<site>-<nnnn>.
        let mut parts = id.splitn(3, '-').skip(1);
        let site = parts.next().unwrap_or_default().to_owned();
        let number = parts.next().unwrap_or_default().to_owned();
        let sex = s
            .record
            .of("demographics")
            .find_map(|i| Demographics::read(&i.values).sex)
            .map(|x| match x.as_str() {
                "male" => "M".to_owned(),
                "female" => "F".to_owned(),
                other => other.to_owned(),
            })
            .unwrap_or_default();
        let e = s.endpoints.as_ref();
        let base = |k: &str| e.and_then(|e| e.baseline.get(k).cloned().flatten());
        let text = |k: &str| {
            base(k)
                .map(|v| match v {
                    Value::String(s) => s,
                    other => other.to_string(),
                })
                .unwrap_or_default()
        };
        let yes = |k: &str| flag(base(k).and_then(|v| v.as_u64()).map(|x| x == 1));
        let death = e.filter(|e| e.os.event).map(|e| e.os.date);
        d.push(
            s,
            vec![
                number,
                site,
                flag(Some(e.is_some())),
                date(s.enrolled()),
                text("age"),
                if base("age").is_some() {
                    "YEARS".to_owned()
                } else {
                    String::new()
                },
                sex,
                text("bclc"),
                text("cnlc"),
                text("child_pugh"),
                text("albi_grade"),
                yes("afp_ge_400"),
                yes("mvi"),
                yes("ehs"),
                yes("up_to_seven_within"),
                e.map(|_| flag(Some(death.is_some()))).unwrap_or_default(),
                date(death),
                date(e.filter(|e| !e.os.event).map(|e| e.os.date)),
            ],
        );
    }
    d
}
