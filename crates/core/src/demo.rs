//! The demo study: a seeded, deterministic generator of a realistic synthetic study (patients
//! enrolled March 2023 to March 2025, followed to 24 months or a fixed data cut, with labs, TACE
//! sessions, systemic therapy lines, assessments, adverse events, progressions and deaths at
//! plausible rates), written as commits of one demo device, exactly as the app stores them. It is
//! loaded into a separate, clearly labelled database and never synced.

use serde::Serialize;
use serde_json::{json, Value};
use time::{Date, Duration, Month};

use crate::log::{Commit, DeviceLog, Op};

/// The demo device and user: every demo commit carries them.
pub const DEMO_DEVICE: &str = "demo";
/// The demo user.
pub const DEMO_USER: &str = "demo";

/// The demo file: the commits and how they were made.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DemoStudy {
    /// `"ecrf-commits"`: what the file is.
    pub format: &'static str,
    /// Format version.
    pub version: u32,
    /// Always true: the app keeps it apart and never syncs it.
    pub demo: bool,
    /// The seed.
    pub seed: u64,
    /// Number of patients.
    pub patients: usize,
    /// The data cut: no date after it.
    #[serde(with = "crate::dates::iso")]
    pub data_cut: Date,
    /// The commits, in the order they were made.
    pub commits: Vec<Commit>,
}

/// SplitMix64: small, fast, and the same on every platform.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    fn f(&mut self) -> f64 {
        (self.u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.f()
    }

    fn int(&mut self, lo: i64, hi: i64) -> i64 {
        lo + (self.u64() % (hi - lo + 1) as u64) as i64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.f() < p
    }

    /// Exponential with the given median.
    fn exp_median(&mut self, median: f64) -> f64 {
        -(1.0 - self.f()).ln() * median / std::f64::consts::LN_2
    }

    /// Normal by Box-Muller.
    fn normal(&mut self, mean: f64, sd: f64) -> f64 {
        let (u1, u2) = (1.0 - self.f(), self.f());
        mean + sd * (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    /// One of `items`, the same on every platform: the remainder is taken in 64 bits (a `usize`
    /// is 32 bits in the browser, where truncating first would pick another item).
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.u64() % items.len() as u64;
        &items[usize::try_from(i).unwrap_or(0)]
    }
}

fn day(y: i32, m: Month, d: u8) -> Date {
    Date::from_calendar_date(y, m, d).unwrap_or(Date::MIN)
}

fn iso(d: Date) -> Value {
    json!(crate::dates::format_date(d))
}

fn round(x: f64, dp: i32) -> f64 {
    let s = 10f64.powi(dp);
    (x * s).round() / s
}

/// Milliseconds at 09:00 UTC of a date (the demo's clock).
fn ms(d: Date) -> u64 {
    let days = (d - day(1970, Month::January, 1)).whole_days().max(0) as u64;
    days * 86_400_000 + 9 * 3_600_000
}

/// Writes one form instance as one commit.
struct Writer {
    device: String,
    log: DeviceLog,
    commits: Vec<Commit>,
    forms: u64,
    clock: u64,
}

impl Writer {
    fn form(&mut self, patient: &str, form: &str, on: Date, fields: Vec<(&str, Value)>) {
        self.forms += 1;
        let instance = format!("{}-{}", self.device, self.forms);
        let mut ops = vec![Op::CreateForm {
            instance: instance.clone(),
            form: form.into(),
            patient: patient.into(),
        }];
        ops.extend(
            fields
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(field, value)| Op::SetField {
                    instance: instance.clone(),
                    field: field.into(),
                    value,
                    supersedes: Vec::new(),
                }),
        );
        // Forms of one patient are entered in date order; the clock never goes back.
        self.clock = self.clock.max(ms(on)) + 1;
        let commit = self.log.commit(self.clock, DEMO_USER, None, ops);
        self.commits.push(commit);
    }
}

/// Treatment groups and their weights, agents and effect on the hazards.
const GROUPS: &[(&str, f64, &[&str], f64)] = &[
    ("tki", 0.30, &["lenvatinib"], 1.0),
    ("pd1", 0.15, &["camrelizumab"], 1.1),
    ("tki_pd1", 0.40, &["lenvatinib", "sintilimab"], 0.75),
    ("vegf_pdl1", 0.15, &["bevacizumab", "atezolizumab"], 0.8),
];

fn labs(rng: &mut Rng, liver_stress: f64) -> Vec<(&'static str, Value)> {
    let bili = (rng.normal(17.0, 6.0) * liver_stress).clamp(4.0, 300.0);
    let alb = (rng.normal(38.0, 4.0) / liver_stress.sqrt()).clamp(18.0, 52.0);
    let plt = (rng.normal(150.0, 55.0) / liver_stress).clamp(15.0, 450.0);
    let neut = rng.normal(3.4, 1.2).clamp(0.3, 12.0);
    let lym = rng.normal(1.4, 0.5).clamp(0.15, 4.0);
    vec![
        ("afp", json!(round(rng.exp_median(120.0), 1))),
        ("afp_uln", json!(7.0)),
        ("bili", json!(round(bili, 1))),
        ("bili_uln", json!(21.0)),
        ("alb", json!(round(alb, 1))),
        ("alb_lln", json!(35.0)),
        (
            "alt",
            json!(round(
                (rng.normal(38.0, 15.0) * liver_stress).clamp(6.0, 900.0),
                0
            )),
        ),
        ("alt_uln", json!(40.0)),
        (
            "ast",
            json!(round(
                (rng.normal(45.0, 18.0) * liver_stress).clamp(8.0, 900.0),
                0
            )),
        ),
        ("ast_uln", json!(40.0)),
        (
            "inr",
            json!(round(rng.normal(1.1, 0.12).clamp(0.8, 3.0), 2)),
        ),
        ("inr_uln", json!(1.2)),
        ("neut", json!(round(neut, 2))),
        ("neut_lln", json!(1.8)),
        ("lym", json!(round(lym, 2))),
        ("lym_lln", json!(1.1)),
        ("plt", json!(round(plt, 0))),
        ("plt_lln", json!(125.0)),
        (
            "hgb",
            json!(round(rng.normal(128.0, 16.0).clamp(60.0, 175.0), 0)),
        ),
        ("hgb_lln", json!(115.0)),
    ]
}

/// Common adverse events of TACE, TKIs and checkpoint inhibitors: (term, max grade, probability).
const AES: &[(&str, i64, f64)] = &[
    ("Abdominal pain", 3, 0.35),
    ("Fever", 2, 0.30),
    ("Alanine aminotransferase increased", 3, 0.30),
    ("Platelet count decreased", 4, 0.20),
    ("Hypertension", 3, 0.25),
    ("Palmar-plantar erythrodysesthesia syndrome", 3, 0.20),
    ("Diarrhea", 3, 0.15),
    ("Hypothyroidism", 2, 0.12),
    ("Fatigue", 3, 0.25),
    ("Proteinuria", 3, 0.12),
];

/// One demo patient's tumor burden: one or two enhancing liver targets (a portal vein thrombus
/// as non-target when there is one), and how deep the viable tumor responds before progression.
struct DemoLesions {
    /// (longest diameter, viable diameter) of each target at baseline, mm.
    targets: Vec<(f64, f64)>,
    pvtt: bool,
    /// Fraction of viable tumor gone at the deepest response (>= 1: none left).
    depth: f64,
}

impl DemoLesions {
    fn draw(rng: &mut Rng, pvtt: bool) -> DemoLesions {
        let t1 = rng.range(30.0, 110.0).round();
        let mut targets = vec![(t1, (t1 * rng.range(0.7, 1.0)).round())];
        if rng.chance(0.5) {
            // Measurable under both criteria: viable part at least 10 mm.
            let t2 = rng.range(15.0, 45.0).round();
            targets.push((t2, (t2 * rng.range(0.7, 1.0)).round().max(10.0)));
        }
        DemoLesions {
            targets,
            pvtt,
            depth: rng.range(-0.1, 1.15),
        }
    }

    fn baseline(&self) -> Value {
        let targets: Vec<Value> = self
            .targets
            .iter()
            .enumerate()
            .map(|(k, (d, v))| {
                json!({"id": format!("T{}", k + 1), "organ": "liver", "diameter_mm": d,
                       "viable_diameter_mm": v, "arterial_enhancement": true})
            })
            .collect();
        let non_targets: Vec<Value> = if self.pvtt {
            vec![json!({"id": "NT1", "organ": "portal vein", "kind": "tumor_thrombus"})]
        } else {
            Vec::new()
        };
        json!({"timepoint": "baseline", "targets": targets, "non_targets": non_targets})
    }

    /// The measurements at `day`: the response deepens over 12 weeks; at and after the
    /// progression scan the viable tumor has regrown by 40% over its nadir (the deepest
    /// response at the scans before it, or the baseline), so the imaging computes the PD that
    /// the Progression form records.
    fn follow_up(&self, day: f64, progression_day: f64) -> Value {
        let gone_at = |d: f64| (self.depth * (d / 84.0).min(1.0)).clamp(-0.15, 1.0);
        let progressed = day >= progression_day;
        let gone = if !progressed {
            gone_at(day)
        } else if progression_day <= 42.0 {
            0.0
        } else {
            let previous_scan =
                progression_day - if progression_day <= 168.0 { 42.0 } else { 63.0 };
            gone_at(previous_scan).max(0.0)
        };
        let regrow = if progressed { 1.4 } else { 1.0 };
        let mut targets = serde_json::Map::new();
        for (k, (d, v)) in self.targets.iter().enumerate() {
            let viable = if gone >= 1.0 && regrow == 1.0 {
                0.0
            } else {
                (v * (1.0 - gone).max(0.1) * regrow).round()
            };
            // Necrotic tumor keeps much of its size: the longest diameter shrinks far less.
            let diameter = (d * (1.0 - 0.45 * gone.max(0.0)) * regrow).round();
            targets.insert(
                format!("T{}", k + 1),
                json!({"diameter_mm": diameter, "viable_diameter_mm": viable}),
            );
        }
        let non_targets = if self.pvtt {
            json!({"NT1": if regrow > 1.0 { "present" } else if gone >= 1.0 { "absent" } else { "present" }})
        } else {
            json!({})
        };
        json!({"timepoint": "follow_up", "targets": targets, "non_targets": non_targets})
    }
}

/// The first imaging day of the schedule on or after `day`.
fn scan_on_or_after(day: f64) -> f64 {
    let mut scan = 42.0;
    while scan < day {
        scan += if scan < 168.0 { 42.0 } else { 63.0 };
    }
    scan
}

/// What a demo study is generated from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// Number of patients.
    pub patients: usize,
    /// The seed: the same options give the same study.
    pub seed: u64,
    /// The device that makes the commits (its id, its instance ids' prefix).
    pub device: String,
    /// The site code of the subject IDs (`HCC-<site>-<nnnn>`), 1..=999; a study of more than
    /// 9,999 patients continues at the next site codes.
    pub site: u16,
}

/// Generates `patients` patients from `seed`, on the device `demo` at site 001.
pub fn generate(patients: usize, seed: u64) -> DemoStudy {
    generate_with(&DemoOptions {
        patients,
        seed,
        device: DEMO_DEVICE.to_owned(),
        site: 1,
    })
}

/// Generates the demo study of `o` (the caller checks that the site codes stay within 999).
pub fn generate_with(o: &DemoOptions) -> DemoStudy {
    let (patients, seed, site) = (o.patients, o.seed, usize::from(o.site));
    let mut rng = Rng(seed);
    let data_cut = day(2026, Month::March, 31);
    let first = day(2023, Month::March, 1);
    let span = (day(2025, Month::March, 31) - first).whole_days();
    let mut w = Writer {
        device: o.device.clone(),
        log: DeviceLog::new(&o.device),
        commits: Vec::new(),
        forms: 0,
        clock: 0,
    };
    // Patients in enrollment order, as a site would register them.
    let mut enrollments: Vec<i64> = (0..patients).map(|_| rng.int(0, span)).collect();
    enrollments.sort_unstable();
    for (i, offset) in enrollments.into_iter().enumerate() {
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
        let at = |d: f64| enrolled + Duration::days(d.floor() as i64);

        let birth = enrolled - Duration::days(rng.int(35 * 365, 80 * 365));
        let consent = enrolled - Duration::days(rng.int(1, 14));
        w.form(
            &subject,
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
            &subject,
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
            &subject,
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
            &subject,
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
        let mut base_labs = labs(&mut rng, 1.0);
        base_labs.insert(0, ("date", iso(consent)));
        w.form(&subject, "labs", consent, base_labs);
        // Lesions come from their own stream, so adding them changed no other demo value.
        let mut lrng = Rng(seed ^ 0x6c65_7369_6f6e_7321 ^ (i as u64).wrapping_mul(0x9e37_79b9));
        let lesions = DemoLesions::draw(&mut lrng, pvtt);
        w.form(
            &subject,
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
        for agent in group.2 {
            let start = enrolled + Duration::days(rng.int(0, 10));
            let stop = progressed.then(|| at(pfs_days + rng.range(0.0, 30.0)).min(horizon));
            w.form(
                &subject,
                "systemic",
                start,
                vec![
                    ("agent", json!(agent)),
                    ("start_date", iso(start)),
                    ("dose", json!("per label")),
                    ("stop_date", stop.map_or(Value::Null, iso)),
                    (
                        "stop_reason",
                        if stop.is_some() {
                            json!("progression")
                        } else {
                            Value::Null
                        },
                    ),
                ],
            );
        }
        // TACE on demand: the first at enrollment, more every 6-10 weeks until progression.
        let mut t = 0.0;
        for session in 0..rng.int(1, 4) {
            if t > end_days.min(pfs_days) {
                break;
            }
            let d = at(t);
            w.form(
                &subject,
                "tace",
                d,
                vec![
                    ("date", iso(d)),
                    (
                        "technique",
                        json!(if rng.chance(0.75) {
                            "ctace"
                        } else {
                            "deb_tace"
                        }),
                    ),
                    ("chemo_agents", json!(["epirubicin"])),
                    ("chemo_dose_mg", json!(rng.int(20, 60))),
                    ("lipiodol_ml", json!(rng.int(3, 15))),
                    (
                        "selectivity",
                        json!(if session == 0 {
                            "segmental"
                        } else {
                            "subsegmental"
                        }),
                    ),
                ],
            );
            t += rng.range(42.0, 70.0);
        }
        // Follow-up every 6 weeks to week 24, then every 9 weeks.
        let mut visit = 42.0;
        while visit <= end_days {
            let d = at(visit);
            let stress = if visit > pfs_days { 1.4 } else { 1.0 };
            w.form(
                &subject,
                "clinical",
                d,
                vec![
                    ("date", iso(d)),
                    (
                        "ecog",
                        json!(if stress > 1.0 && rng.chance(0.4) {
                            "2"
                        } else {
                            *rng.pick(&["0", "1"])
                        }),
                    ),
                    (
                        "ascites",
                        json!(if stress > 1.0 && rng.chance(0.3) {
                            "mild"
                        } else {
                            "none"
                        }),
                    ),
                    ("encephalopathy", json!("none")),
                ],
            );
            let mut l = labs(&mut rng, stress);
            l.insert(0, ("date", iso(d)));
            w.form(&subject, "labs", d, l);
            let reading = if visit >= pfs_days {
                "PD"
            } else if rng.chance(0.45) {
                "PR"
            } else if rng.chance(0.1) {
                "CR"
            } else {
                "SD"
            };
            w.form(
                &subject,
                "tumor_assessment",
                d,
                vec![
                    ("date", iso(d)),
                    ("modality", json!("ct")),
                    ("lesions", lesions.follow_up(visit, pfs_days)),
                    ("investigator_mrecist", json!(reading)),
                    (
                        "investigator_recist11",
                        json!(if reading == "CR" {
                            "PR"
                        } else if reading == "PR" && rng.chance(0.5) {
                            "SD"
                        } else {
                            reading
                        }),
                    ),
                ],
            );
            visit += if visit < 168.0 { 42.0 } else { 63.0 };
        }
        for &(term, max_grade, p) in AES {
            if rng.chance(p) {
                let onset_day = rng.range(1.0, end_days.clamp(2.0, 400.0));
                let onset = at(onset_day);
                let grade = rng
                    .int(1, max_grade)
                    .min(if rng.chance(0.7) { 2 } else { max_grade });
                let resolved = at(onset_day + rng.range(3.0, 60.0));
                let serious = grade >= 3 && rng.chance(0.4);
                w.form(
                    &subject,
                    "adverse_event",
                    onset,
                    vec![
                        ("term", json!(term)),
                        ("grade", json!(grade.to_string())),
                        ("onset_date", iso(onset)),
                        (
                            "resolution_date",
                            if resolved <= horizon {
                                iso(resolved)
                            } else {
                                Value::Null
                            },
                        ),
                        ("serious", json!(serious)),
                        (
                            "sae_criteria",
                            if serious {
                                json!(["hospitalization"])
                            } else {
                                Value::Null
                            },
                        ),
                        (
                            "relation_tace",
                            json!(if term == "Abdominal pain" || term == "Fever" {
                                "probable"
                            } else {
                                "unlikely"
                            }),
                        ),
                        ("agents", {
                            let relation = *rng.pick(&["possible", "probable", "unlikely"]);
                            let action = if grade >= 3 { "interrupted" } else { "none" };
                            Value::Array(
                                group
                                    .2
                                    .iter()
                                    .map(|a| json!({"agent": a, "relation": relation, "action": action}))
                                    .collect(),
                            )
                        }),
                        (
                            "outcome",
                            json!(if resolved <= horizon {
                                "recovered"
                            } else {
                                "recovering"
                            }),
                        ),
                    ],
                );
            }
        }
        if progressed {
            let d = at(pfs_days);
            w.form(
                &subject,
                "progression",
                d,
                vec![
                    ("date", iso(d)),
                    ("criteria", json!(["mrecist", "recist11"])),
                    (
                        "sites",
                        json!([*rng.pick(&[
                            "intrahepatic_growth",
                            "new_intrahepatic",
                            "vascular_invasion",
                            "extrahepatic"
                        ])]),
                    ),
                ],
            );
            let mut c = pfs_days + 91.0;
            while c < end_days {
                w.form(
                    &subject,
                    "survival",
                    at(c),
                    vec![("contact_date", iso(at(c))), ("status", json!("alive"))],
                );
                c += 91.0;
            }
        }
        let end = at(end_days);
        if dead {
            w.form(
                &subject,
                "survival",
                end,
                vec![
                    ("contact_date", iso(end)),
                    ("status", json!("dead")),
                    ("death_date", iso(end)),
                    (
                        "death_cause",
                        json!(if rng.chance(0.8) {
                            "hcc"
                        } else {
                            "liver_failure"
                        }),
                    ),
                ],
            );
        }
        let reason = if dead {
            Some("death")
        } else if lost.is_some_and(|l| l <= end_days) {
            Some("lost")
        } else if horizon < data_cut || end_days >= 730.0 {
            Some("completed")
        } else {
            None // still in follow-up at the data cut
        };
        if let Some(reason) = reason {
            w.form(
                &subject,
                "end_of_study",
                end,
                vec![
                    ("date", iso(end)),
                    ("reason", json!(reason)),
                    ("death_date", if dead { iso(end) } else { Value::Null }),
                    (
                        "last_known_alive",
                        iso(if dead { end - Duration::days(1) } else { end }),
                    ),
                ],
            );
        }
    }
    DemoStudy {
        format: "ecrf-commits",
        version: 1,
        demo: true,
        seed,
        patients,
        data_cut,
        commits: w.commits,
    }
}

/// Why a demo file cannot be loaded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum DemoFileError {
    /// Not JSON, or not the demo file's shape.
    #[error("not a demo file: {0}")]
    NotDemoFile(String),
    /// A file of study data, not a demo: the study's data arrives only through sync.
    #[error("the file holds study data, not a demo")]
    NotDemo,
    /// A commit was altered or the chain is broken.
    #[error("the file is damaged: {0}")]
    Damaged(String),
}

impl DemoFileError {
    /// The message for the user.
    pub fn message(&self) -> crate::i18n::Text {
        use crate::i18n::Text;
        match self {
            DemoFileError::NotDemoFile(e) => Text::new(
                format!("This is not a demo file made by the ecrf command-line tool ({e})."),
                format!("这不是 ecrf 命令行工具生成的演示文件（{e}）。"),
            ),
            DemoFileError::NotDemo => Text::new(
                "This file holds study data, not a demo: it is not loaded into the demo database.",
                "此文件包含研究数据而非演示数据：不会载入演示数据库。",
            ),
            DemoFileError::Damaged(e) => Text::new(
                format!("The file is damaged and was not loaded ({e})."),
                format!("文件已损坏，未载入（{e}）。"),
            ),
        }
    }
}

/// Reads a demo file as `ecrf demo` writes it: checks its kind, that it is marked demo, and that
/// every commit is intact and every device's chain whole; returns the commits.
pub fn read_file(text: &str) -> Result<Vec<Commit>, DemoFileError> {
    #[derive(serde::Deserialize)]
    struct File {
        format: String,
        version: u32,
        demo: bool,
        commits: Vec<Commit>,
    }
    let file: File =
        serde_json::from_str(text).map_err(|e| DemoFileError::NotDemoFile(e.to_string()))?;
    if file.format != "ecrf-commits" || file.version != 1 {
        return Err(DemoFileError::NotDemoFile(format!(
            "format {} version {}",
            file.format, file.version
        )));
    }
    if !file.demo {
        return Err(DemoFileError::NotDemo);
    }
    crate::log::chain::verify(&file.commits).map_err(|e| DemoFileError::Damaged(e.to_string()))?;
    Ok(file.commits)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::log::{chain, State};

    #[test]
    fn a_demo_file_reads_back_and_damage_or_study_data_is_refused() {
        let demo = generate(5, 3);
        let text = serde_json::to_string(&demo).unwrap();
        assert_eq!(read_file(&text).unwrap(), demo.commits);
        let study = text.replacen("\"demo\":true", "\"demo\":false", 1);
        assert_eq!(read_file(&study), Err(DemoFileError::NotDemo));
        let altered = text.replacen("\"user\":\"demo\"", "\"user\":\"mallory\"", 1);
        assert!(matches!(
            read_file(&altered),
            Err(DemoFileError::Damaged(_))
        ));
        assert!(matches!(
            read_file("{}"),
            Err(DemoFileError::NotDemoFile(_))
        ));
    }
    use crate::study::{study, validate};
    use std::collections::BTreeMap;

    #[test]
    fn same_seed_same_study_other_seed_other_study() {
        let a = serde_json::to_string(&generate(12, 7)).unwrap();
        let b = serde_json::to_string(&generate(12, 7)).unwrap();
        let c = serde_json::to_string(&generate(12, 8)).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn the_demo_is_a_valid_chain_and_every_form_passes_validation() {
        let demo = generate(120, 2026);
        assert_eq!(chain::verify(&demo.commits), Ok(()));
        let state = State::from_commits(&demo.commits);
        assert_eq!(state.commit_count(), demo.commits.len());
        let s = study();
        let mut per_form: BTreeMap<String, usize> = BTreeMap::new();
        let mut patients = std::collections::BTreeSet::new();
        for c in &demo.commits {
            let Some(Op::CreateForm {
                instance,
                form,
                patient,
            }) = c.body.ops.first()
            else {
                panic!("every demo commit creates one form");
            };
            patients.insert(patient.clone());
            *per_form.entry(form.clone()).or_default() += 1;
            let values: BTreeMap<String, serde_json::Value> = c.body.ops[1..]
                .iter()
                .filter_map(|op| match op {
                    Op::SetField {
                        field,
                        value,
                        instance: i,
                        ..
                    } if i == instance => Some((field.clone(), value.clone())),
                    _ => None,
                })
                .collect();
            let ctx = validate::Context {
                today: demo.data_cut,
                birth: None,
                enrollment: None,
                consent: None,
            };
            let errors: Vec<_> = validate::validate(s, s.form(form).unwrap(), &values, &ctx)
                .into_iter()
                .filter(|f| f.severity == crate::finding::Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{form} of {patient}: {errors:?}");
        }
        assert_eq!(patients.len(), 120);
        // Plausible rates: most progress within 24 months, many die, every patient has labs.
        let progressions = per_form["progression"];
        let deaths = demo.commits.iter().filter(|c| c.body.ops.iter().any(|o| matches!(o, Op::SetField { field, value, .. } if field == "status" && value == "dead"))).count();
        assert!(
            (50..=110).contains(&progressions),
            "{progressions} progressions"
        );
        assert!((25..=100).contains(&deaths), "{deaths} deaths");
        assert!(per_form["labs"] >= 240);
    }
}
