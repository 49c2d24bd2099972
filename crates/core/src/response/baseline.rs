//! Baseline rules: at most 5 targets and 2 per organ (all lymph nodes together are one organ);
//! only measurable kinds (no effusion, bone without soft tissue, infiltrative lesion, nor in
//! mRECIST tumor thrombus); measurable sizes (non-nodal at least 10 mm, nodes at least 15 mm short
//! axis, in mRECIST porta hepatis nodes at least 20 mm); for mRECIST, liver targets with typical
//! arterial enhancement and a viable diameter of at least 10 mm.

use super::model::{BaselineTarget, LesionKind, Series};
use super::Criteria;

/// Why a baseline cannot be evaluated.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum BaselineError {
    /// More than 5 targets.
    #[error("{0} target lesions at baseline; at most 5 are allowed")]
    TooManyTargets(usize),
    /// More than 2 targets in one organ.
    #[error("{count} target lesions in {organ:?}; at most 2 per organ are allowed")]
    TooManyInOrgan {
        /// The organ.
        organ: String,
        /// How many.
        count: usize,
    },
    /// Two targets with one id.
    #[error("target id {0:?} is used twice")]
    DuplicateId(String),
    /// A target's measurement for this criterion is missing.
    #[error("target {id}: {field} is missing")]
    Missing {
        /// The target.
        id: String,
        /// The missing field.
        field: &'static str,
    },
    /// A target below the measurable size.
    #[error("target {id}: {size} mm is below the measurable size of {min} mm ({what})")]
    NotMeasurable {
        /// The target.
        id: String,
        /// Its size.
        size: f64,
        /// The minimum.
        min: f64,
        /// Which rule.
        what: &'static str,
    },
    /// A target of a kind that is never measurable by the criterion.
    #[error("target {id}: {rule}")]
    NotMeasurableKind {
        /// The target.
        id: String,
        /// Its kind.
        kind: LesionKind,
        /// The rule, in words.
        rule: &'static str,
    },
    /// `nodal: true` with a `kind` other than `node`.
    #[error("target {0}: \"nodal\": true contradicts its kind")]
    NodalKindConflict(String),
    /// An mRECIST liver target without typical arterial enhancement.
    #[error("target {0}: an mRECIST target in the liver must show typical arterial enhancement")]
    NotEnhancing(String),
    /// A follow-up refers to a lesion the baseline does not have.
    #[error("assessment {date}: unknown {what} {id:?}")]
    UnknownLesion {
        /// The assessment date.
        date: String,
        /// Target or non-target.
        what: &'static str,
        /// The id.
        id: String,
    },
    /// Assessments out of date order, or before the baseline.
    #[error("assessment {0}: dates must increase and follow the baseline")]
    DateOrder(String),
    /// A negative or non-finite measurement.
    #[error("assessment {date}: target {id} has an invalid measurement")]
    BadMeasure {
        /// The assessment date.
        date: String,
        /// The target.
        id: String,
    },
}

impl BaselineError {
    /// The message in both languages (the English one is the `Display` text).
    pub fn message(&self) -> crate::i18n::Text {
        let en = self.to_string();
        let zh = match self {
            BaselineError::TooManyTargets(n) => format!("基线靶病灶 {n} 个；最多 5 个"),
            BaselineError::TooManyInOrgan { organ, count } => {
                format!("{organ} 有 {count} 个靶病灶；每个器官最多 2 个")
            }
            BaselineError::DuplicateId(id) => format!("靶病灶编号 {id} 重复"),
            BaselineError::Missing { id, field } => format!("靶病灶 {id}：缺少 {field}"),
            BaselineError::NotMeasurable {
                id,
                size,
                min,
                what,
            } => {
                format!("靶病灶 {id}：{size} mm 小于可测量的最小径 {min} mm（{what}）")
            }
            BaselineError::NotMeasurableKind { id, kind, .. } => {
                let rule = match kind {
                    LesionKind::TumorThrombus => "mRECIST：门静脉或肝静脉癌栓只能作为非靶病灶",
                    LesionKind::Effusion => "积液和腹水不可测量，只能作为非靶病灶",
                    LesionKind::BoneWithoutSoftTissue => {
                        "无软组织成分的骨病灶不可测量，只能作为非靶病灶"
                    }
                    _ => "边界不清的浸润性病灶不可测量，只能作为非靶病灶",
                };
                format!("靶病灶 {id}：{rule}")
            }
            BaselineError::NodalKindConflict(id) => {
                format!("靶病灶 {id}：标为淋巴结，但类型不是淋巴结")
            }
            BaselineError::NotEnhancing(id) => {
                format!("靶病灶 {id}：mRECIST 肝内靶病灶须有典型动脉期强化")
            }
            BaselineError::UnknownLesion { date, what, id } => {
                format!("{date} 的评估：未知的{what} {id}")
            }
            BaselineError::DateOrder(d) => format!("{d} 的评估：日期须递增且晚于基线"),
            BaselineError::BadMeasure { date, id } => {
                format!("{date} 的评估：靶病灶 {id} 的测量值无效")
            }
        };
        crate::i18n::Text::new(en, zh)
    }
}

/// The baseline as the evaluation uses it.
#[derive(Debug, Clone)]
pub struct Checked {
    /// Target ids in baseline order.
    pub ids: Vec<String>,
    /// Which targets are nodes.
    pub nodal: Vec<bool>,
    /// Baseline sum.
    pub sum: f64,
}

/// Whether a target is in the liver (mRECIST's enhancement rule applies to HCC lesions).
pub fn is_liver(organ: &str) -> bool {
    organ.trim().eq_ignore_ascii_case("liver")
}

/// Whether a place names the porta hepatis (hepatic hilum), in English or Chinese.
pub fn is_porta_hepatis(place: &str) -> bool {
    let p = place.to_lowercase();
    p.contains("porta")
        || p.contains("hepatic hil")
        || p.contains("liver hil")
        || p.contains("肝门")
}

/// Why a kind is never a target by `criteria`, in words (`None`: it may be one).
fn kind_rule(kind: LesionKind, criteria: Criteria) -> Option<&'static str> {
    if kind.is_measurable(criteria) {
        return None;
    }
    Some(match kind {
        LesionKind::TumorThrombus => {
            "mRECIST: tumor thrombus of the portal or hepatic veins is always a non-target"
        }
        LesionKind::Effusion => "effusions and ascites are not measurable (RECIST 1.1 3.1.2); record them as non-targets",
        LesionKind::BoneWithoutSoftTissue => "bone lesions without a soft-tissue component are not measurable (RECIST 1.1 3.1.2); record them as non-targets",
        _ => "infiltrative lesions without definable margins are not measurable (RECIST 1.1 3.1.2); record them as non-targets",
    })
}

/// The organ a target counts in for the 2-per-organ rule: all lymph nodes are one organ
/// (RECIST 1.1 3.2.1), whatever their station.
fn organ_key(t: &BaselineTarget) -> String {
    if t.is_node() {
        "lymph nodes".to_owned()
    } else {
        t.organ.trim().to_lowercase()
    }
}

/// The measurement a criterion reads from a baseline target.
fn size(t: &BaselineTarget, criteria: Criteria) -> Result<f64, BaselineError> {
    let (value, field) = match criteria {
        Criteria::Recist11 => (t.diameter_mm, "diameter_mm"),
        Criteria::Mrecist => (t.viable_diameter_mm, "viable_diameter_mm"),
    };
    match value {
        Some(v) if v.is_finite() && v >= 0.0 => Ok(v),
        _ => Err(BaselineError::Missing {
            id: t.id.clone(),
            field,
        }),
    }
}

/// Validates the baseline (and the references of every follow-up) for `criteria`.
pub fn check(series: &Series, criteria: Criteria) -> Result<Checked, BaselineError> {
    let targets = &series.baseline.targets;
    if targets.len() > 5 {
        return Err(BaselineError::TooManyTargets(targets.len()));
    }
    let mut organs: Vec<(String, usize)> = Vec::new();
    for t in targets {
        if t.nodal && t.kind.is_some_and(|k| k != LesionKind::Node) {
            return Err(BaselineError::NodalKindConflict(t.id.clone()));
        }
        if let Some(rule) = kind_rule(t.kind(), criteria) {
            return Err(BaselineError::NotMeasurableKind {
                id: t.id.clone(),
                kind: t.kind(),
                rule,
            });
        }
        let organ = organ_key(t);
        match organs.iter_mut().find(|(o, _)| *o == organ) {
            Some((_, n)) => *n += 1,
            None => organs.push((organ, 1)),
        }
    }
    if let Some((organ, count)) = organs.into_iter().find(|(_, n)| *n > 2) {
        return Err(BaselineError::TooManyInOrgan { organ, count });
    }
    let mut sizes = Vec::new();
    for (i, t) in targets.iter().enumerate() {
        if targets[..i].iter().any(|o| o.id == t.id) {
            return Err(BaselineError::DuplicateId(t.id.clone()));
        }
        if criteria == Criteria::Mrecist
            && is_liver(&t.organ)
            && t.arterial_enhancement != Some(true)
        {
            return Err(BaselineError::NotEnhancing(t.id.clone()));
        }
        let s = size(t, criteria)?;
        let porta = |t: &BaselineTarget| {
            is_porta_hepatis(&t.organ) || t.site.as_deref().is_some_and(is_porta_hepatis)
        };
        let (min, what) = if t.is_node() && criteria == Criteria::Mrecist && porta(t) {
            (20.0, "mRECIST porta hepatis lymph node short axis")
        } else if t.is_node() {
            (15.0, "lymph node short axis")
        } else {
            (10.0, "longest diameter")
        };
        if s < min {
            return Err(BaselineError::NotMeasurable {
                id: t.id.clone(),
                size: s,
                min,
                what,
            });
        }
        sizes.push(s);
    }
    let mut last = series.baseline.date;
    for a in &series.assessments {
        let date = crate::dates::format_date(a.date);
        if a.date <= last {
            return Err(BaselineError::DateOrder(date));
        }
        last = a.date;
        for id in a.targets.keys() {
            if !targets.iter().any(|t| &t.id == id) {
                return Err(BaselineError::UnknownLesion {
                    date,
                    what: "target",
                    id: id.clone(),
                });
            }
        }
        for id in a.non_targets.keys() {
            if !series.baseline.non_targets.iter().any(|t| &t.id == id) {
                return Err(BaselineError::UnknownLesion {
                    date,
                    what: "non-target",
                    id: id.clone(),
                });
            }
        }
    }
    Ok(Checked {
        ids: targets.iter().map(|t| t.id.clone()).collect(),
        nodal: targets.iter().map(BaselineTarget::is_node).collect(),
        sum: sizes.iter().sum(),
    })
}
