//! BCLC (2022 update, Reig et al., J Hepatol 2022;76:681-693) and CNLC (China liver cancer
//! staging, 2022 edition of the national guideline) stages, each with the rule that decided it.

use serde::{Deserialize, Serialize};

use super::liver::ChildPughClass;
use crate::i18n::Text;

/// What both staging systems read.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StagingInput {
    /// Number of intrahepatic tumors (at least 1).
    pub tumor_count: u32,
    /// Largest tumor diameter, mm.
    pub largest_tumor_mm: f64,
    /// Macrovascular invasion (portal vein tumor thrombus, hepatic vein or IVC).
    pub macrovascular_invasion: bool,
    /// Extrahepatic spread.
    pub extrahepatic_spread: bool,
    /// ECOG performance status 0-4.
    pub ecog: u8,
    /// Child-Pugh class.
    pub child_pugh: ChildPughClass,
}

/// A stage and the rule that decided it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// The stage's name (`"0"`, `"A"`, ... for BCLC; `"Ia"`, ... for CNLC).
    pub stage: String,
    /// The criterion that decided it, for the user.
    pub rule: Text,
}

fn stage(stage: &str, en: &str, zh: &str) -> Stage {
    Stage {
        stage: stage.to_owned(),
        rule: Text::new(en, zh),
    }
}

/// BCLC 2022. Rules in order; the first that applies decides.
///
/// 1. Child-Pugh C (end-stage liver function) or ECOG 3-4: D.
/// 2. Macrovascular invasion or extrahepatic spread: C.
/// 3. ECOG 1-2 (cancer-related symptoms): C.
/// 4. ECOG 0: single tumor <= 2 cm: 0; single tumor > 2 cm or 2-3 nodules each <= 3 cm: A;
///    otherwise (multinodular): B.
pub fn bclc(i: &StagingInput) -> Stage {
    if i.child_pugh == ChildPughClass::C {
        return stage(
            "D",
            "end-stage liver function (Child-Pugh C)",
            "终末期肝功能（Child-Pugh C 级）",
        );
    }
    if i.ecog >= 3 {
        return stage("D", "ECOG PS 3-4", "ECOG PS 3-4 分");
    }
    if i.macrovascular_invasion {
        return stage("C", "macrovascular invasion", "大血管侵犯");
    }
    if i.extrahepatic_spread {
        return stage("C", "extrahepatic spread", "肝外转移");
    }
    if i.ecog >= 1 {
        return stage(
            "C",
            "ECOG PS 1-2 (cancer-related symptoms)",
            "ECOG PS 1-2 分（肿瘤相关症状）",
        );
    }
    match i.tumor_count {
        1 if i.largest_tumor_mm <= 20.0 => stage(
            "0",
            "single tumor <= 2 cm, ECOG 0",
            "单个肿瘤 ≤ 2 cm，ECOG 0 分",
        ),
        1 => stage(
            "A",
            "single tumor > 2 cm, ECOG 0",
            "单个肿瘤 > 2 cm，ECOG 0 分",
        ),
        2 | 3 if i.largest_tumor_mm <= 30.0 => stage(
            "A",
            "2-3 nodules, each <= 3 cm, ECOG 0",
            "2-3 个结节，均 ≤ 3 cm，ECOG 0 分",
        ),
        2 | 3 => stage(
            "B",
            "2-3 nodules, largest > 3 cm (multinodular)",
            "2-3 个结节，最大 > 3 cm（多结节）",
        ),
        _ => stage(
            "B",
            "more than 3 nodules (multinodular)",
            "多于 3 个结节（多结节）",
        ),
    }
}

/// CNLC 2022. Rules in order; the first that applies decides.
///
/// 1. Child-Pugh C or ECOG 3-4: IV.
/// 2. Extrahepatic spread: IIIb. 3. Macrovascular invasion: IIIa.
/// 4. Single tumor <= 5 cm: Ia; single > 5 cm, or 2-3 tumors with the largest <= 3 cm: Ib;
///    2-3 tumors with the largest > 3 cm: IIa; 4 or more: IIb.
pub fn cnlc(i: &StagingInput) -> Stage {
    if i.child_pugh == ChildPughClass::C {
        return stage("IV", "Child-Pugh C", "Child-Pugh C 级");
    }
    if i.ecog >= 3 {
        return stage("IV", "ECOG PS 3-4", "ECOG PS 3-4 分");
    }
    if i.extrahepatic_spread {
        return stage("IIIb", "extrahepatic spread", "肝外转移");
    }
    if i.macrovascular_invasion {
        return stage(
            "IIIa",
            "macrovascular invasion, no extrahepatic spread",
            "血管侵犯，无肝外转移",
        );
    }
    match i.tumor_count {
        1 if i.largest_tumor_mm <= 50.0 => stage("Ia", "single tumor <= 5 cm", "单个肿瘤 ≤ 5 cm"),
        1 => stage("Ib", "single tumor > 5 cm", "单个肿瘤 > 5 cm"),
        2 | 3 if i.largest_tumor_mm <= 30.0 => stage(
            "Ib",
            "2-3 tumors, largest <= 3 cm",
            "2-3 个肿瘤，最大 ≤ 3 cm",
        ),
        2 | 3 => stage(
            "IIa",
            "2-3 tumors, largest > 3 cm",
            "2-3 个肿瘤，最大 > 3 cm",
        ),
        _ => stage("IIb", "4 or more tumors", "≥ 4 个肿瘤"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(count: u32, largest: f64) -> StagingInput {
        StagingInput {
            tumor_count: count,
            largest_tumor_mm: largest,
            macrovascular_invasion: false,
            extrahepatic_spread: false,
            ecog: 0,
            child_pugh: ChildPughClass::A,
        }
    }

    fn check(i: StagingInput, bclc_stage: &str, cnlc_stage: &str) {
        assert_eq!(bclc(&i).stage, bclc_stage, "BCLC of {i:?}");
        assert_eq!(cnlc(&i).stage, cnlc_stage, "CNLC of {i:?}");
    }

    #[test]
    fn single_tumor_boundaries_2_and_5_cm() {
        check(input(1, 20.0), "0", "Ia");
        check(input(1, 21.0), "A", "Ia");
        check(input(1, 50.0), "A", "Ia");
        check(input(1, 51.0), "A", "Ib");
    }

    #[test]
    fn two_or_three_nodules_boundary_3_cm() {
        check(input(3, 30.0), "A", "Ib");
        check(input(2, 31.0), "B", "IIa");
        check(input(2, 45.0), "B", "IIa");
    }

    #[test]
    fn four_or_more_nodules() {
        check(input(4, 15.0), "B", "IIb");
    }

    #[test]
    fn vascular_invasion_and_spread() {
        check(
            StagingInput {
                macrovascular_invasion: true,
                ..input(1, 30.0)
            },
            "C",
            "IIIa",
        );
        check(
            StagingInput {
                extrahepatic_spread: true,
                ..input(1, 30.0)
            },
            "C",
            "IIIb",
        );
        check(
            StagingInput {
                extrahepatic_spread: true,
                macrovascular_invasion: true,
                ..input(1, 30.0)
            },
            "C",
            "IIIb",
        );
    }

    #[test]
    fn performance_status() {
        check(
            StagingInput {
                ecog: 1,
                ..input(1, 15.0)
            },
            "C",
            "Ia",
        );
        check(
            StagingInput {
                ecog: 2,
                ..input(4, 80.0)
            },
            "C",
            "IIb",
        );
        check(
            StagingInput {
                ecog: 3,
                ..input(1, 15.0)
            },
            "D",
            "IV",
        );
    }

    #[test]
    fn child_pugh_c_is_terminal_and_b_is_not() {
        check(
            StagingInput {
                child_pugh: ChildPughClass::C,
                ..input(1, 15.0)
            },
            "D",
            "IV",
        );
        check(
            StagingInput {
                child_pugh: ChildPughClass::B,
                ..input(1, 15.0)
            },
            "0",
            "Ia",
        );
    }

    #[test]
    fn the_deciding_rule_is_named() {
        let s = bclc(&StagingInput {
            macrovascular_invasion: true,
            ..input(1, 30.0)
        });
        assert_eq!(s.rule.en, "macrovascular invasion");
        assert_eq!(s.rule.zh, "大血管侵犯");
    }
}
