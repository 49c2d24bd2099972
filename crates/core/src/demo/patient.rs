//! One demo patient: the course drawn first (treatment group, BCLC stage, when the tumor
//! progresses, death, loss to follow-up, the end of follow-up), and the screening forms. The
//! forms after enrollment are in [`super::visits`]. Every draw comes from one stream in a fixed
//! order (the same seed gives the same study); the lesions from their own.

use serde_json::{json, Value};
use time::{Date, Duration};

use super::draws::{labs, scan_on_or_after, DemoLesions, GROUPS};
use super::rng::{iso, round, Rng};
use super::writer::Writer;

/// A treatment group of the demo: its code, weight, agents and effect on the hazards.
pub(super) type Group = (&'static str, f64, &'static [&'static str], f64);

/// One patient's course, drawn before any of their forms is written.
pub(super) struct Course {
    pub(super) subject: String,
    pub(super) enrolled: Date,
    pub(super) group: &'static Group,
    pub(super) bclc_c: bool,
    /// Days from enrollment to the scan that finds progression.
    pub(super) pfs_days: f64,
    /// Days from enrollment to the end of follow-up (death, loss, 24 months or the data cut).
    pub(super) end_days: f64,
    pub(super) dead: bool,
    pub(super) progressed: bool,
    /// Days to loss to follow-up, when lost.
    pub(super) lost: Option<f64>,
    /// 24 months after enrollment, or the data cut if earlier.
    pub(super) horizon: Date,
    pub(super) data_cut: Date,
}

impl Course {
    /// Draws the course of the `i`-th patient (0-based) of site `site`, enrolled `offset` days
    /// after `first`.
    pub(super) fn draw(
        rng: &mut Rng,
        i: usize,
        site: usize,
        first: Date,
        offset: i64,
        data_cut: Date,
    ) -> Course {
        let subject = format!("HCC-{:03}-{:04}", site + i / 9999, 1 + i % 9999);
        let enrolled = first + Duration::days(offset);
        let group = {
            let u = rng.f();
            let mut acc = 0.0;
            GROUPS
                .iter()
                .find(|g| {
                    acc += g.1;
                    u < acc
                })
                .unwrap_or(&GROUPS[0])
        };
        let bclc_c = rng.chance(0.45);
        let risk = group.3 * if bclc_c { 1.5 } else { 1.0 };
        // Progression is found at imaging: the first scheduled scan on or after it grows
        // (every 6 weeks to week 24, then every 9 weeks).
        let grows = rng.exp_median(240.0 / risk);
        let pfs_days = scan_on_or_after(grows);
        let death_after = rng.exp_median(240.0 / risk);
        let os_days = pfs_days + death_after;
        let lost = rng.chance(0.05).then(|| rng.range(60.0, 600.0));
        let horizon = (enrolled + Duration::days(730)).min(data_cut);
        let last_possible = (horizon - enrolled).whole_days() as f64;
        let end_days = [os_days, lost.unwrap_or(f64::INFINITY), last_possible]
            .into_iter()
            .fold(f64::INFINITY, f64::min);
        let dead = os_days <= end_days;
        let progressed = pfs_days <= end_days;
        Course {
            subject,
            enrolled,
            group,
            bclc_c,
            pfs_days,
            end_days,
            dead,
            progressed,
            lost,
            horizon,
            data_cut,
        }
    }

    /// The date `d` days after enrollment.
    pub(super) fn at(&self, d: f64) -> Date {
        self.enrolled + Duration::days(d.floor() as i64)
    }
}

/// The screening forms: eligibility, demographics, history, baseline disease, labs and the
/// baseline tumor assessment, whose lesions (drawn from `lesion_rng`) are returned for the
/// follow-up scans.
pub(super) fn screening(
    w: &mut Writer,
    rng: &mut Rng,
    lesion_rng: &mut Rng,
    c: &Course,
) -> DemoLesions {
    let Course {
        ref subject,
        enrolled,
        bclc_c,
        ..
    } = *c;
    let birth = enrolled - Duration::days(rng.int(35 * 365, 80 * 365));
    let consent = enrolled - Duration::days(rng.int(1, 14));
    w.form(
        subject,
        "eligibility",
        consent,
        vec![
            (
                "diagnosis_basis",
                json!(if rng.chance(0.3) {
                    "histology"
                } else {
                    "clinical"
                }),
            ),
            ("unresectable", json!(true)),
            ("measurable_lesion", json!(true)),
            ("child_pugh_ok", json!(true)),
            ("ecog_ok", json!(true)),
            ("planned_combination", json!(true)),
            ("consent_date", iso(consent)),
            ("enrollment_date", iso(enrolled)),
        ],
    );
    let height = rng.normal(167.0, 7.0).clamp(145.0, 195.0);
    w.form(
        subject,
        "demographics",
        consent,
        vec![
            (
                "sex",
                json!(if rng.chance(0.82) { "male" } else { "female" }),
            ),
            ("birth_date", iso(birth)),
            ("height_cm", json!(round(height, 1))),
            (
                "weight_kg",
                json!(round(
                    (height / 100.0).powi(2) * rng.normal(22.5, 2.8).clamp(16.0, 34.0),
                    1
                )),
            ),
        ],
    );
    let hbv = rng.chance(0.85);
    w.form(
        subject,
        "history",
        consent,
        vec![
            (
                "etiology",
                json!(if hbv {
                    vec!["hbv"]
                } else {
                    vec![*rng.pick(&["hcv", "alcohol", "masld"])]
                }),
            ),
            ("antiviral", json!(hbv)),
            ("cirrhosis", json!(rng.chance(0.8))),
            (
                "prior_treatment",
                json!(if rng.chance(0.3) {
                    vec!["resection"]
                } else {
                    Vec::<&str>::new()
                }),
            ),
        ],
    );
    let count = if bclc_c { rng.int(1, 6) } else { rng.int(2, 6) };
    let pvtt = bclc_c && rng.chance(0.6);
    let ehs = bclc_c && !pvtt;
    w.form(
        subject,
        "baseline_disease",
        consent,
        vec![
            (
                "tumor_number",
                json!(if count > 3 {
                    "gt3".to_owned()
                } else {
                    count.to_string()
                }),
            ),
            (
                "tumor_count",
                if count > 3 { json!(count) } else { Value::Null },
            ),
            ("largest_tumor_mm", json!(rng.int(25, 140))),
            (
                "distribution",
                json!(if count > 2 && rng.chance(0.6) {
                    "bilobar"
                } else {
                    "unilobar"
                }),
            ),
            (
                "vascular_invasion",
                json!(if pvtt { "pvtt" } else { "none" }),
            ),
            (
                "cheng_type",
                if pvtt {
                    json!(*rng.pick(&["I", "II", "III"]))
                } else {
                    Value::Null
                },
            ),
            ("extrahepatic_spread", json!(ehs)),
            (
                "extrahepatic_sites",
                if ehs {
                    json!([*rng.pick(&["lung", "bone", "lymph_node"])])
                } else {
                    Value::Null
                },
            ),
            (
                "ascites",
                json!(if rng.chance(0.15) { "mild" } else { "none" }),
            ),
            ("encephalopathy", json!("none")),
        ],
    );
    let mut base_labs = labs(rng, 1.0);
    base_labs.insert(0, ("date", iso(consent)));
    w.form(subject, "labs", consent, base_labs);
    let lesions = DemoLesions::draw(lesion_rng, pvtt);
    w.form(
        subject,
        "tumor_assessment",
        consent,
        vec![
            ("date", iso(consent)),
            (
                "modality",
                json!(if rng.chance(0.6) { "ct" } else { "mri" }),
            ),
            ("lesions", lesions.baseline()),
        ],
    );
    lesions
}
