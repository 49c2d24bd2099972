//! A tumor assessment's lesion table in one line, in both languages: how many lesions it holds,
//! their sums, and, when the series has been evaluated, each criterion's response on that date.

use super::model::{BaselineLesions, FollowUpLesions, FormLesions};
use super::{Criteria, Timepoint};
use crate::i18n::Text;

/// `n` of a countable noun in English: `1 target`, `2 targets`.
fn count_en(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("{n} {one}")
    } else {
        format!("{n} {many}")
    }
}

/// A length in mm as typed: no trailing `.0`.
fn mm(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{v:.0} mm")
    } else {
        format!("{:.1} mm", v)
    }
}

/// The sum of the values present, `None` when none is.
fn sum(values: impl Iterator<Item = Option<f64>>) -> Option<f64> {
    values
        .flatten()
        .fold(None, |acc, v| Some(acc.unwrap_or(0.0) + v))
}

impl FormLesions {
    /// The table in one line: at baseline the targets with the sums of their diameters and
    /// viable diameters, and the non-targets; at follow-up the lesions assessed and the new
    /// lesions, then each criterion's response and sum on that date from `evaluated` (empty
    /// when the series cannot be evaluated; give the timepoint of this table's date).
    pub fn summary(&self, evaluated: &[(Criteria, &Timepoint)]) -> Text {
        match self {
            FormLesions::Baseline(b) => baseline_summary(b),
            FormLesions::FollowUp(f) => follow_up_summary(f, evaluated),
        }
    }
}

fn baseline_summary(b: &BaselineLesions) -> Text {
    let diameter = sum(b.targets.iter().map(|t| t.diameter_mm));
    let viable = sum(b.targets.iter().map(|t| t.viable_diameter_mm));
    let mut en = vec![count_en(b.targets.len(), "target", "targets")];
    let mut zh = vec![format!("{} 个靶病灶", b.targets.len())];
    if let Some(d) = diameter {
        en.push(format!("sum {}", mm(d)));
        zh.push(format!("径线和 {}", mm(d)));
    }
    if let Some(v) = viable {
        en.push(format!("viable {}", mm(v)));
        zh.push(format!("存活径线和 {}", mm(v)));
    }
    en.push(count_en(b.non_targets.len(), "non-target", "non-targets"));
    zh.push(format!("{} 个非靶病灶", b.non_targets.len()));
    Text::new(
        format!("Baseline: {}", en.join(", ")),
        format!("基线：{}", zh.join("，")),
    )
}

fn follow_up_summary(f: &FollowUpLesions, evaluated: &[(Criteria, &Timepoint)]) -> Text {
    let new = f.new_lesions.len();
    let mut en = vec![
        count_en(f.targets.len(), "target measured", "targets measured"),
        count_en(f.non_targets.len(), "non-target", "non-targets"),
        count_en(new, "new lesion", "new lesions"),
    ];
    let mut zh = vec![
        format!("已测量 {} 个靶病灶", f.targets.len()),
        format!("{} 个非靶病灶", f.non_targets.len()),
        format!("{new} 个新病灶"),
    ];
    for (criteria, t) in evaluated {
        let name = criteria.label();
        let overall = t.overall.code();
        match t.sum_mm {
            Some(s) => {
                en.push(format!("{name} {overall} (sum {})", mm(s)));
                zh.push(format!("{name} {overall}（径线和 {}）", mm(s)));
            }
            None => {
                en.push(format!("{name} {overall}"));
                zh.push(format!("{name} {overall}"));
            }
        }
    }
    Text::new(
        format!("Follow-up: {}", en.join(", ")),
        format!("随访：{}", zh.join("，")),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::response::model::{Series, TargetMeasure};
    use crate::response::{evaluate, model::Measure};

    fn table(json: serde_json::Value) -> FormLesions {
        serde_json::from_value(json).expect("a lesion table")
    }

    fn baseline() -> FormLesions {
        table(serde_json::json!({
            "timepoint": "baseline",
            "targets": [
                {"id": "T1", "organ": "liver", "diameter_mm": 50, "viable_diameter_mm": 40, "arterial_enhancement": true},
                {"id": "T2", "organ": "liver", "diameter_mm": 35, "viable_diameter_mm": 30, "arterial_enhancement": true}
            ],
            "non_targets": [{"id": "NT1", "organ": "lung"}]
        }))
    }

    #[test]
    fn baseline_counts_and_sums_in_both_languages() {
        let s = baseline().summary(&[]);
        assert_eq!(
            s.en,
            "Baseline: 2 targets, sum 85 mm, viable 70 mm, 1 non-target"
        );
        assert_eq!(
            s.zh,
            "基线：2 个靶病灶，径线和 85 mm，存活径线和 70 mm，1 个非靶病灶"
        );
    }

    #[test]
    fn an_empty_baseline_names_no_sum() {
        let s = table(serde_json::json!({"timepoint": "baseline"})).summary(&[]);
        assert_eq!(s.en, "Baseline: 0 targets, 0 non-targets");
    }

    #[test]
    fn follow_up_shows_each_criterion_response_and_sum() {
        let FormLesions::Baseline(b) = baseline() else {
            unreachable!()
        };
        let mut follow = FollowUpLesions::default();
        for (id, d, v) in [("T1", 30.0, 10.0), ("T2", 20.0, 10.0)] {
            follow.targets.insert(
                id.to_owned(),
                TargetMeasure {
                    diameter_mm: Some(Measure::Mm(d)),
                    viable_diameter_mm: Some(Measure::Mm(v)),
                },
            );
        }
        let d = |s: &str| crate::dates::parse_date(s).expect("a date");
        let series = crate::response::model::series_from_tables(
            d("2025-01-01"),
            [
                (d("2025-01-02"), FormLesions::Baseline(b)),
                (d("2025-03-01"), FormLesions::FollowUp(follow.clone())),
            ],
        )
        .expect("a series");
        let series: Series = series;
        let m = evaluate(&series, Criteria::Mrecist).expect("evaluable");
        let r = evaluate(&series, Criteria::Recist11).expect("evaluable");
        let s = FormLesions::FollowUp(follow).summary(&[
            (Criteria::Mrecist, &m.timepoints[0]),
            (Criteria::Recist11, &r.timepoints[0]),
        ]);
        assert_eq!(
            s.en,
            "Follow-up: 2 targets measured, 0 non-targets, 0 new lesions, mRECIST PR (sum 20 mm), RECIST 1.1 PR (sum 50 mm)"
        );
        assert_eq!(
            s.zh,
            "随访：已测量 2 个靶病灶，0 个非靶病灶，0 个新病灶，mRECIST PR（径线和 20 mm），RECIST 1.1 PR（径线和 50 mm）"
        );
    }

    #[test]
    fn one_new_lesion_is_singular() {
        let s = table(serde_json::json!({
            "timepoint": "follow_up",
            "new_lesions": [{"organ": "liver", "size_mm": 15}]
        }))
        .summary(&[]);
        assert_eq!(
            s.en,
            "Follow-up: 0 targets measured, 0 non-targets, 1 new lesion"
        );
    }
}
