//! The lesion model: one patient's baseline and follow-up assessments, in the shape the app
//! stores and `ecrf response` reads.

use serde::{Deserialize, Serialize};
use time::Date;

/// Parameters with their published defaults; every one can be overridden.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Parameters {
    /// A CR/PR is confirmed by a later assessment at least this many days after (RECIST 1.1: 4
    /// weeks).
    pub confirmation_min_days: i64,
    /// SD counts for the best response only when assessed at least this many days after
    /// enrollment (the study's first imaging window: 6 weeks).
    pub min_sd_days: i64,
    /// The diameter given to a lesion "too small to measure" (RECIST 1.1: 5 mm).
    pub too_small_mm: f64,
    /// How many NE assessments may stand between a response and the assessment that confirms
    /// it (pharmaverse admiralonco `derive_param_confirmed_bor`, `max_nr_ne`: 1).
    pub max_ne_between: u32,
    /// Whether one SD between a PR and the assessment that confirms it is accepted
    /// (admiralonco `accept_sd`: false).
    pub accept_sd_between: bool,
}

impl Default for Parameters {
    fn default() -> Parameters {
        Parameters {
            confirmation_min_days: 28,
            min_sd_days: 42,
            too_small_mm: 5.0,
            max_ne_between: 1,
            accept_sd_between: false,
        }
    }
}

/// A target lesion chosen at baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineTarget {
    /// Identity kept across visits (`T1`...).
    pub id: String,
    /// Organ (`liver`, `lung`, `lymph node`...).
    pub organ: String,
    /// Site within the organ (liver segment...).
    #[serde(default)]
    pub site: Option<String>,
    /// A lymph node (measured by its short axis); the same as `kind: node`.
    #[serde(default)]
    pub nodal: bool,
    /// What the lesion is (default: `node` when `nodal`, else `lesion`); only a lesion or a
    /// node is measurable, see [`LesionKind::is_measurable`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<LesionKind>,
    /// RECIST 1.1 longest diameter (short axis for nodes), mm.
    #[serde(default)]
    pub diameter_mm: Option<f64>,
    /// mRECIST longest viable (arterially enhancing) diameter, mm.
    #[serde(default)]
    pub viable_diameter_mm: Option<f64>,
    /// Typical intratumoral arterial enhancement.
    #[serde(default)]
    pub arterial_enhancement: Option<bool>,
}

impl BaselineTarget {
    /// What the target is: its `kind`, else a node when `nodal`, else a lesion.
    pub fn kind(&self) -> LesionKind {
        self.kind.unwrap_or(if self.nodal {
            LesionKind::Node
        } else {
            LesionKind::Lesion
        })
    }

    /// Whether the target is a lymph node (by `kind` or `nodal`).
    pub fn is_node(&self) -> bool {
        self.kind() == LesionKind::Node
    }
}

/// What a lesion is: the same values for targets, non-targets and new lesions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LesionKind {
    /// A (soft-tissue) lesion.
    #[default]
    Lesion,
    /// A lymph node.
    Node,
    /// Tumor thrombus of the portal or hepatic veins (mRECIST: always a non-target).
    TumorThrombus,
    /// Effusion or ascites (never measurable).
    Effusion,
    /// A bone lesion without a soft-tissue component (never measurable).
    BoneWithoutSoftTissue,
    /// An infiltrative lesion without definable margins (never measurable).
    Infiltrative,
}

impl LesionKind {
    /// Every kind, in the order the lesion editor offers them.
    pub const ALL: [LesionKind; 6] = [
        LesionKind::Lesion,
        LesionKind::Node,
        LesionKind::TumorThrombus,
        LesionKind::Effusion,
        LesionKind::BoneWithoutSoftTissue,
        LesionKind::Infiltrative,
    ];

    /// The code used in files.
    pub fn code(self) -> &'static str {
        match self {
            LesionKind::Lesion => "lesion",
            LesionKind::Node => "node",
            LesionKind::TumorThrombus => "tumor_thrombus",
            LesionKind::Effusion => "effusion",
            LesionKind::BoneWithoutSoftTissue => "bone_without_soft_tissue",
            LesionKind::Infiltrative => "infiltrative",
        }
    }

    /// The kind of a code; `None` for an unknown code.
    pub fn from_code(code: &str) -> Option<LesionKind> {
        LesionKind::ALL.into_iter().find(|k| k.code() == code)
    }

    /// The kind's name in both languages.
    pub fn label(self) -> crate::i18n::Text {
        let (en, zh) = match self {
            LesionKind::Lesion => ("Lesion", "病灶"),
            LesionKind::Node => ("Lymph node", "淋巴结"),
            LesionKind::TumorThrombus => ("Tumor thrombus", "癌栓"),
            LesionKind::Effusion => ("Effusion / ascites", "积液 / 腹水"),
            LesionKind::BoneWithoutSoftTissue => {
                ("Bone, no soft-tissue part", "骨病灶（无软组织成分）")
            }
            LesionKind::Infiltrative => {
                ("Infiltrative, no definable margins", "浸润性（边界不清）")
            }
        };
        crate::i18n::Text::new(en.to_owned(), zh.to_owned())
    }

    /// Whether a lesion of this kind may be a target by `criteria` (RECIST 1.1 section 3.1.2:
    /// effusions, bone lesions without a soft-tissue component and infiltrative lesions are
    /// non-measurable; mRECIST (Lencioni & Llovet 2010): portal or hepatic vein tumor thrombus
    /// is always a non-target). The size rules come on top ([`super::baseline`]).
    pub fn is_measurable(self, criteria: super::Criteria) -> bool {
        match self {
            LesionKind::Lesion | LesionKind::Node => true,
            LesionKind::TumorThrombus => criteria == super::Criteria::Recist11,
            LesionKind::Effusion | LesionKind::BoneWithoutSoftTissue | LesionKind::Infiltrative => {
                false
            }
        }
    }
}

/// A non-target lesion recorded at baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BaselineNonTarget {
    /// Identity kept across visits.
    pub id: String,
    /// Organ.
    #[serde(default)]
    pub organ: Option<String>,
    /// Kind.
    #[serde(default)]
    pub kind: LesionKind,
}

/// The baseline assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Imaging date.
    #[serde(with = "crate::dates::iso")]
    pub date: Date,
    /// Target lesions.
    #[serde(default)]
    pub targets: Vec<BaselineTarget>,
    /// Non-target lesions.
    #[serde(default)]
    pub non_targets: Vec<BaselineNonTarget>,
}

/// One measurement at follow-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Measure {
    /// A diameter in mm (0: disappeared).
    Mm(f64),
    /// `"too_small"` or `"not_evaluated"`.
    Flag(MeasureFlag),
    /// A lesion that split: its fragments are summed.
    Fragments {
        /// Fragment diameters, mm.
        fragments: Vec<f64>,
    },
    /// A lesion merged into another: counted 0 here, the other carries the combined diameter.
    Merged {
        /// The lesion it merged into.
        merged_into: String,
    },
}

/// The flags a measurement may carry instead of a number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureFlag {
    /// Present but too small to measure (counts as `too_small_mm`).
    TooSmall,
    /// Not evaluated at this visit.
    NotEvaluated,
}

/// A target's measurements at follow-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct TargetMeasure {
    /// RECIST 1.1 diameter.
    #[serde(default)]
    pub diameter_mm: Option<Measure>,
    /// mRECIST viable diameter.
    #[serde(default)]
    pub viable_diameter_mm: Option<Measure>,
}

/// A non-target's status at follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NonTargetStatus {
    /// Still present.
    Present,
    /// Gone (nodes: back to normal size).
    Absent,
    /// Unequivocal progression.
    UnequivocalProgression,
    /// Not evaluated.
    NotEvaluated,
}

/// How sure the reader is that a new lesion is real.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    /// Definitely a new lesion.
    #[default]
    Unequivocal,
    /// Possibly a new lesion.
    Equivocal,
}

/// A new lesion seen at follow-up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLesion {
    /// Identity, so that a later visit can confirm an equivocal lesion.
    #[serde(default)]
    pub id: Option<String>,
    /// Organ.
    #[serde(default)]
    pub organ: Option<String>,
    /// Kind (`lesion`, `node`, `tumor_thrombus`).
    #[serde(default)]
    pub kind: LesionKind,
    /// Longest diameter, mm.
    #[serde(default)]
    pub size_mm: Option<f64>,
    /// Short axis (nodes), mm.
    #[serde(default)]
    pub short_axis_mm: Option<f64>,
    /// Arterial hyperenhancement with washout (the typical HCC pattern).
    #[serde(default)]
    pub typical_hcc_pattern: Option<bool>,
    /// Arterial enhancement.
    #[serde(default)]
    pub arterial_enhancement: Option<bool>,
    /// The reader's certainty.
    #[serde(default)]
    pub certainty: Certainty,
}

/// Change of an effusion or ascites.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EffusionChange {
    /// Newly appeared.
    New,
    /// Increased.
    Increased,
    /// Unchanged.
    Stable,
}

/// Cytology of an effusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Cytology {
    /// Malignant cells found.
    Positive,
    /// No malignant cells.
    Negative,
    /// Not done.
    #[default]
    NotDone,
}

/// An effusion or ascites at follow-up.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Effusion {
    /// `ascites` or `pleural`.
    #[serde(default)]
    pub kind: Option<EffusionKind>,
    /// New, increased or stable.
    pub change: EffusionChange,
    /// Cytology.
    #[serde(default)]
    pub cytology: Cytology,
}

/// Which effusion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EffusionKind {
    /// Ascites.
    Ascites,
    /// Pleural effusion.
    Pleural,
}

/// One follow-up assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// Imaging date.
    #[serde(with = "crate::dates::iso")]
    pub date: Date,
    /// Target measurements by target id (a target not listed is not evaluated).
    #[serde(default)]
    pub targets: std::collections::BTreeMap<String, TargetMeasure>,
    /// Non-target status by id (a non-target not listed is not evaluated).
    #[serde(default)]
    pub non_targets: std::collections::BTreeMap<String, NonTargetStatus>,
    /// New lesions.
    #[serde(default)]
    pub new_lesions: Vec<NewLesion>,
    /// Effusion or ascites.
    #[serde(default)]
    pub effusion: Option<Effusion>,
}

/// One patient's tumor assessments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Series {
    /// Enrollment date (the origin for the SD duration rule).
    #[serde(with = "crate::dates::iso")]
    pub enrollment_date: Date,
    /// Parameters; defaults when absent.
    #[serde(default)]
    pub parameters: Parameters,
    /// Baseline.
    pub baseline: Baseline,
    /// Follow-up assessments.
    #[serde(default)]
    pub assessments: Vec<Assessment>,
}

/// A tumor assessment form's lesion table, as stored in its `lesions` field: at baseline the
/// lesions chosen (targets with their diameters, non-targets); at follow-up the measurements of
/// the baseline lesions by id, the non-targets' status, new lesions and effusion.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FormLesions {
    /// A baseline assessment.
    Baseline(BaselineLesions),
    /// A follow-up assessment.
    FollowUp(FollowUpLesions),
}

/// The lesions chosen at baseline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct BaselineLesions {
    /// Always `"baseline"`.
    pub timepoint: BaselineTag,
    /// Target lesions.
    #[serde(default)]
    pub targets: Vec<BaselineTarget>,
    /// Non-target lesions.
    #[serde(default)]
    pub non_targets: Vec<BaselineNonTarget>,
}

/// The tag of a baseline lesion table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum BaselineTag {
    /// Baseline.
    #[default]
    Baseline,
}

/// The tag of a follow-up lesion table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum FollowUpTag {
    /// Follow-up.
    #[default]
    FollowUp,
}

/// The measurements of one follow-up assessment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct FollowUpLesions {
    /// Always `"follow_up"`.
    pub timepoint: FollowUpTag,
    /// Each baseline target's measurements, by id.
    #[serde(default)]
    pub targets: std::collections::BTreeMap<String, TargetMeasure>,
    /// Each baseline non-target's status, by id.
    #[serde(default)]
    pub non_targets: std::collections::BTreeMap<String, NonTargetStatus>,
    /// New lesions.
    #[serde(default)]
    pub new_lesions: Vec<NewLesion>,
    /// A new or increased effusion.
    #[serde(default)]
    pub effusion: Option<Effusion>,
}

/// A patient's series from the lesion tables of their tumor assessment forms, each with its
/// imaging date: the latest baseline table and every follow-up table dated after it, in date
/// order. `None` without a baseline table.
pub fn series_from_tables(
    enrollment_date: Date,
    tables: impl IntoIterator<Item = (Date, FormLesions)>,
) -> Option<Series> {
    let tables: Vec<(Date, FormLesions)> = tables.into_iter().collect();
    let (base_date, base) = tables
        .iter()
        .filter_map(|(d, l)| match l {
            FormLesions::Baseline(b) => Some((*d, b)),
            FormLesions::FollowUp(_) => None,
        })
        .max_by_key(|(d, _)| *d)?;
    let mut assessments: Vec<Assessment> = tables
        .iter()
        .filter(|(d, _)| *d > base_date)
        .filter_map(|(d, l)| match l {
            FormLesions::FollowUp(f) => Some(Assessment {
                date: *d,
                targets: f.targets.clone(),
                non_targets: f.non_targets.clone(),
                new_lesions: f.new_lesions.clone(),
                effusion: f.effusion,
            }),
            FormLesions::Baseline(_) => None,
        })
        .collect();
    assessments.sort_by_key(|a| a.date);
    Some(Series {
        enrollment_date,
        parameters: Parameters::default(),
        baseline: Baseline {
            date: base_date,
            targets: base.targets.clone(),
            non_targets: base.non_targets.clone(),
        },
        assessments,
    })
}
