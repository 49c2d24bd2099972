//! What the demo draws from: the treatment groups and their effect on the hazards, lab values
//! by liver stress, adverse event rates, and the lesions of a patient with how they change.

use serde_json::{json, Value};

use super::patient::Group;
use super::rng::{round, Rng};

/// Treatment groups and their weights, agents and effect on the hazards.
pub(super) const GROUPS: &[Group] = &[
    ("tki", 0.30, &["lenvatinib"], 1.0),
    ("pd1", 0.15, &["camrelizumab"], 1.1),
    ("tki_pd1", 0.40, &["lenvatinib", "sintilimab"], 0.75),
    ("vegf_pdl1", 0.15, &["bevacizumab", "atezolizumab"], 0.8),
];

pub(super) fn labs(rng: &mut Rng, liver_stress: f64) -> Vec<(&'static str, Value)> {
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
pub(super) const AES: &[(&str, i64, f64)] = &[
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
pub(super) struct DemoLesions {
    /// (longest diameter, viable diameter) of each target at baseline, mm.
    targets: Vec<(f64, f64)>,
    pvtt: bool,
    /// Fraction of viable tumor gone at the deepest response (>= 1: none left).
    depth: f64,
}

impl DemoLesions {
    pub(super) fn draw(rng: &mut Rng, pvtt: bool) -> DemoLesions {
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

    pub(super) fn baseline(&self) -> Value {
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
    pub(super) fn follow_up(&self, day: f64, progression_day: f64) -> Value {
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
pub(super) fn scan_on_or_after(day: f64) -> f64 {
    let mut scan = 42.0;
    while scan < day {
        scan += if scan < 168.0 { 42.0 } else { 63.0 };
    }
    scan
}
