//! Liver function: Child-Pugh points and class, ALBI score and grade (STUDY.md "Derived values").

use serde::{Deserialize, Serialize};

/// Ascites as the Child-Pugh score grades it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Ascites {
    /// None: 1 point.
    None,
    /// Mild: 2 points.
    Mild,
    /// Moderate to severe: 3 points.
    ModerateSevere,
}

/// Hepatic encephalopathy as the Child-Pugh score grades it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encephalopathy {
    /// None: 1 point.
    None,
    /// West Haven grade 1-2: 2 points.
    #[serde(rename = "grade_1_2")]
    Grade12,
    /// West Haven grade 3-4: 3 points.
    #[serde(rename = "grade_3_4")]
    Grade34,
}

/// Child-Pugh class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ChildPughClass {
    /// 5-6 points.
    A,
    /// 7-9 points.
    B,
    /// 10-15 points.
    C,
}

/// A Child-Pugh result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChildPugh {
    /// Total points, 5-15.
    pub points: u8,
    /// The class the points fall in.
    pub class: ChildPughClass,
}

/// Bilirubin points: < 34 umol/L 1, 34-50 2, > 50 3.
pub fn bilirubin_points(umol_l: f64) -> u8 {
    if umol_l < 34.0 {
        1
    } else if umol_l <= 50.0 {
        2
    } else {
        3
    }
}

/// Albumin points: > 35 g/L 1, 28-35 2, < 28 3.
pub fn albumin_points(g_l: f64) -> u8 {
    if g_l > 35.0 {
        1
    } else if g_l >= 28.0 {
        2
    } else {
        3
    }
}

/// INR points: < 1.7 1, 1.7-2.3 2, > 2.3 3.
pub fn inr_points(inr: f64) -> u8 {
    if inr < 1.7 {
        1
    } else if inr <= 2.3 {
        2
    } else {
        3
    }
}

/// The Child-Pugh score from its five inputs.
pub fn child_pugh(
    bilirubin_umol_l: f64,
    albumin_g_l: f64,
    inr: f64,
    ascites: Ascites,
    encephalopathy: Encephalopathy,
) -> ChildPugh {
    let ascites = match ascites {
        Ascites::None => 1,
        Ascites::Mild => 2,
        Ascites::ModerateSevere => 3,
    };
    let enceph = match encephalopathy {
        Encephalopathy::None => 1,
        Encephalopathy::Grade12 => 2,
        Encephalopathy::Grade34 => 3,
    };
    let points = bilirubin_points(bilirubin_umol_l)
        + albumin_points(albumin_g_l)
        + inr_points(inr)
        + ascites
        + enceph;
    let class = match points {
        ..=6 => ChildPughClass::A,
        7..=9 => ChildPughClass::B,
        _ => ChildPughClass::C,
    };
    ChildPugh { points, class }
}

/// An ALBI result.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Albi {
    /// 0.66 x log10(bilirubin umol/L) - 0.085 x albumin g/L.
    pub score: f64,
    /// "1" (<= -2.60), "2" (-2.60, -1.39], "3" (> -1.39).
    pub grade: AlbiGrade,
}

/// ALBI grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AlbiGrade {
    /// Score <= -2.60.
    #[serde(rename = "1")]
    G1,
    /// Score in (-2.60, -1.39].
    #[serde(rename = "2")]
    G2,
    /// Score > -1.39.
    #[serde(rename = "3")]
    G3,
}

/// The ALBI score (Johnson et al., J Clin Oncol 2015) and grade. Bilirubin must be positive.
///
/// A score that equals a cut-off up to floating-point noise (1e-9) counts as on the cut-off, so
/// inputs that give exactly -2.60 on paper are grade 1 here too.
pub fn albi(bilirubin_umol_l: f64, albumin_g_l: f64) -> Albi {
    const NOISE: f64 = 1e-9;
    let score = 0.66 * bilirubin_umol_l.log10() - 0.085 * albumin_g_l;
    let grade = if score <= -2.60 + NOISE {
        AlbiGrade::G1
    } else if score <= -1.39 + NOISE {
        AlbiGrade::G2
    } else {
        AlbiGrade::G3
    };
    Albi { score, grade }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bilirubin_boundaries_34_and_50_score_two() {
        assert_eq!(bilirubin_points(33.9), 1);
        assert_eq!(bilirubin_points(34.0), 2);
        assert_eq!(bilirubin_points(50.0), 2);
        assert_eq!(bilirubin_points(50.1), 3);
    }

    #[test]
    fn albumin_boundaries_35_and_28_score_two() {
        assert_eq!(albumin_points(35.1), 1);
        assert_eq!(albumin_points(35.0), 2);
        assert_eq!(albumin_points(28.0), 2);
        assert_eq!(albumin_points(27.9), 3);
    }

    #[test]
    fn inr_boundaries_1_7_and_2_3_score_two() {
        assert_eq!(inr_points(1.69), 1);
        assert_eq!(inr_points(1.7), 2);
        assert_eq!(inr_points(2.3), 2);
        assert_eq!(inr_points(2.31), 3);
    }

    #[test]
    fn class_boundaries_6_7_9_10() {
        use Ascites as A;
        use Encephalopathy as E;
        let cp = |b, al, inr, a, e| child_pugh(b, al, inr, a, e);
        assert_eq!(
            cp(20.0, 40.0, 1.0, A::None, E::None),
            ChildPugh {
                points: 5,
                class: ChildPughClass::A
            }
        );
        assert_eq!(
            cp(40.0, 40.0, 1.0, A::None, E::None),
            ChildPugh {
                points: 6,
                class: ChildPughClass::A
            }
        );
        assert_eq!(
            cp(40.0, 30.0, 1.0, A::None, E::None),
            ChildPugh {
                points: 7,
                class: ChildPughClass::B
            }
        );
        assert_eq!(
            cp(60.0, 30.0, 2.0, A::None, E::None),
            ChildPugh {
                points: 9,
                class: ChildPughClass::B
            }
        );
        assert_eq!(
            cp(60.0, 30.0, 2.0, A::Mild, E::None),
            ChildPugh {
                points: 10,
                class: ChildPughClass::C
            }
        );
        assert_eq!(
            cp(60.0, 20.0, 3.0, A::ModerateSevere, E::Grade34),
            ChildPugh {
                points: 15,
                class: ChildPughClass::C
            }
        );
        assert_eq!(cp(20.0, 40.0, 1.0, A::None, E::Grade12).points, 6);
    }

    #[test]
    fn albi_matches_the_formula() {
        // Python: 0.66*math.log10(17) - 0.085*42 = -2.7579037118903393
        let a = albi(17.0, 42.0);
        assert!((a.score - (0.66 * 17f64.log10() - 3.57)).abs() < 1e-12);
        assert!((a.score - -2.757_903_711_890_339).abs() < 1e-12);
        assert_eq!(a.grade, AlbiGrade::G1);
    }

    #[test]
    fn albi_boundary_minus_2_60_is_grade_1() {
        // Solve 0.66 log10(b) - 0.085 * 40 = -2.60 for b: log10(b) = 0.8 / 0.66.
        let b = 10f64.powf(0.8 / 0.66);
        assert_eq!(albi(b, 40.0).grade, AlbiGrade::G1);
        assert_eq!(albi(b * 1.0001, 40.0).grade, AlbiGrade::G2);
    }

    #[test]
    fn albi_boundary_minus_1_39_is_grade_2() {
        // 0.66 log10(b) - 0.085 * 30 = -1.39: log10(b) = 1.16 / 0.66.
        let b = 10f64.powf(1.16 / 0.66);
        assert_eq!(albi(b, 30.0).grade, AlbiGrade::G2);
        assert_eq!(albi(b * 1.0001, 30.0).grade, AlbiGrade::G3);
    }
}
