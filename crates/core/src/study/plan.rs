//! The statistical analysis plan's constants (STUDY.md "Endpoints" and "Statistical analysis"):
//! the administrative cut-off, the treatment groups and their reference arm, the landmarks, the
//! RMST horizon and how days become months. The app, the CLI and the reports read them here.

/// Administrative cut-off of every endpoint: 24 months after enrollment, in days.
pub const CUTOFF_DAYS: i64 = 730;

/// The treatment groups compared, in display order (STUDY.md "Groups").
pub const GROUPS: [&str; 5] = [
    "tace_tki",
    "tace_pd1",
    "tace_tki_pd1",
    "tace_vegf_pd1",
    "tace_other",
];

/// The class of every code of the `systemic_agent` code list, as STUDY.md "Groups" combines
/// them into treatment groups: `tki`, `vegf` (anti-VEGF), `pd1` (anti-PD-1 or anti-PD-L1), and
/// `other` (anti-CTLA-4, and "other"). A test holds that every code of the list is named here,
/// so an agent added to the list cannot fall into `other` unnoticed.
pub const AGENT_CLASSES: [(&str, &str); 20] = [
    ("lenvatinib", "tki"),
    ("sorafenib", "tki"),
    ("donafenib", "tki"),
    ("apatinib", "tki"),
    ("regorafenib", "tki"),
    ("cabozantinib", "tki"),
    ("bevacizumab", "vegf"),
    ("camrelizumab", "pd1"),
    ("sintilimab", "pd1"),
    ("tislelizumab", "pd1"),
    ("toripalimab", "pd1"),
    ("atezolizumab", "pd1"),
    ("durvalumab", "pd1"),
    ("pembrolizumab", "pd1"),
    ("nivolumab", "pd1"),
    ("serplulimab", "pd1"),
    ("penpulimab", "pd1"),
    ("tremelimumab", "other"),
    ("ipilimumab", "other"),
    ("other", "other"),
];

/// The class of a systemic agent code ([`AGENT_CLASSES`]); `other` for a code not listed.
pub fn agent_class(agent: &str) -> &'static str {
    AGENT_CLASSES
        .iter()
        .find(|(a, _)| *a == agent)
        .map_or("other", |&(_, c)| c)
}

/// The reference arm of the hazard ratios and IPTW contrasts: TACE + TKI.
pub const REFERENCE_GROUP: &str = "tace_tki";

/// Days per month (365.25 / 12), as the study reports time.
pub const DAYS_PER_MONTH: f64 = 30.4375;

/// Landmarks of the survival rates and the numbers at risk, in whole days: enrollment and 6,
/// 12, 18 and 24 months. The 24-month landmark is the cut-off day itself (24 months of
/// 30.4375 days are 730.5 days, after the cut-off: the curve, censored at day 730, would have
/// no value there), and the others are the same whole days (`ecrf survival --at
/// 183,365,548,730`).
pub const LANDMARK_DAYS: [i64; 5] = [0, 183, 365, 548, 730];

/// [`LANDMARK_DAYS`] in months (days / [`DAYS_PER_MONTH`]), where the curves are read.
pub const LANDMARK_MONTHS: [f64; 5] = [
    0.0,
    183.0 / DAYS_PER_MONTH,
    365.0 / DAYS_PER_MONTH,
    548.0 / DAYS_PER_MONTH,
    730.0 / DAYS_PER_MONTH,
];

/// The landmarks' names in months, as tables head them.
pub const LANDMARK_LABELS: [u32; 5] = [0, 6, 12, 18, 24];

/// Horizon of the restricted mean survival time, in months.
pub const RMST_TAU_MONTHS: f64 = 24.0;

/// 1 - the confidence level of every interval (95%).
pub const ALPHA: f64 = 0.05;

/// The BCLC stages a user may restrict the analyses to.
pub const BCLC_STAGES: [&str; 5] = ["0", "A", "B", "C", "D"];

/// The study's identifier in exports (CDISC `STUDYID`, ODM `Study OID`): the protocol's short
/// name, prospective observational study of TACE plus systemic therapy in unresectable HCC.
pub const STUDY_ID: &str = "HCC-TACE-SYS";

/// The code by-group tables (safety, response) and the CLI's `group` column use for a patient
/// with no group yet.
pub const NOT_YET_TREATED: &str = "not_yet_treated";

/// A treatment group's name for readers, in both languages: the groups of [`GROUPS`], and
/// [`NOT_YET_TREATED`] for an enrolled patient in no group yet; any other code
/// is its own name.
pub fn group_label(code: &str) -> crate::i18n::Text {
    let (en, zh) = match code {
        "tace_tki" => ("TACE + TKI", "TACE + TKI"),
        "tace_pd1" => ("TACE + anti-PD-(L)1", "TACE + 抗 PD-(L)1"),
        "tace_tki_pd1" => ("TACE + TKI + anti-PD-(L)1", "TACE + TKI + 抗 PD-(L)1"),
        "tace_vegf_pd1" => (
            "TACE + anti-VEGF + anti-PD-(L)1",
            "TACE + 抗 VEGF + 抗 PD-(L)1",
        ),
        "tace_other" => ("TACE + other", "TACE + 其他"),
        NOT_YET_TREATED => ("Not yet treated", "尚未治疗"),
        other => (other, other),
    };
    crate::i18n::Text::new(en, zh)
}
