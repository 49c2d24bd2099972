//! What the derived values say to a reader, in both languages: the name of each input a value
//! lacks, and the rule behind Child-Pugh and ALBI (Pugh 1973; Johnson, J Clin Oncol 2015).

use crate::i18n::Text;

use super::Derived;

/// The reader's name of a derived value's input (as named in [`Derived::missing`]); the name
/// itself for one this table does not know (none today: a test checks every input).
pub fn input_label(name: &str) -> Text {
    let (en, zh) = match name {
        "bilirubin_umol_l" => ("total bilirubin", "总胆红素"),
        "albumin_g_l" => ("albumin", "白蛋白"),
        "inr" => ("INR", "INR"),
        "ascites" => ("ascites", "腹水"),
        "encephalopathy" => ("hepatic encephalopathy", "肝性脑病"),
        "ecog" => ("ECOG performance status", "ECOG 体能状态"),
        "tumor_count" => ("number of tumors", "肿瘤数目"),
        "largest_tumor_mm" => ("largest tumor diameter", "最大肿瘤直径"),
        "macrovascular_invasion" => ("macrovascular invasion", "大血管侵犯"),
        "extrahepatic_spread" => ("extrahepatic spread", "肝外转移"),
        "height_cm" => ("height", "身高"),
        "weight_kg" => ("weight", "体重"),
        "neutrophils" => ("neutrophils", "中性粒细胞"),
        "lymphocytes" => ("lymphocytes", "淋巴细胞"),
        "platelets" => ("platelets", "血小板"),
        other => (other, other),
    };
    Text::new(en, zh)
}

/// "needs total bilirubin, INR" / "缺少 总胆红素、INR" for a value `Derived::missing` lists.
pub fn lacking(derived: &Derived, value: &str) -> Option<Text> {
    let names = derived.missing.get(value)?;
    let en: Vec<String> = names.iter().map(|n| input_label(n).en).collect();
    let zh: Vec<String> = names.iter().map(|n| input_label(n).zh).collect();
    Some(Text::new(
        format!("needs {}", en.join(", ")),
        format!("缺少{}", zh.join("、")),
    ))
}

/// The Child-Pugh rule (Pugh et al., Br J Surg 1973): five items scored 1 to 3.
pub fn child_pugh_rule() -> Text {
    Text::new(
        "Child-Pugh: bilirubin, albumin, INR, ascites and encephalopathy, 1 to 3 points each; \
         A 5-6, B 7-9, C 10-15",
        "Child-Pugh：胆红素、白蛋白、INR、腹水、肝性脑病各计 1–3 分；A 级：5–6 分，B 级：7–9 分，\
         C 级：10–15 分",
    )
}

/// The ALBI rule (Johnson et al., J Clin Oncol 2015): bilirubin in umol/L, albumin in g/L.
pub fn albi_rule() -> Text {
    Text::new(
        "ALBI = 0.66 log10(bilirubin) - 0.085 albumin; grade 1 <= -2.60 < grade 2 <= -1.39 < \
         grade 3",
        "ALBI = 0.66 × log10(胆红素) − 0.085 × 白蛋白；≤ −2.60 为 1 级，−2.60 至 −1.39 为 2 级，\
         > −1.39 为 3 级",
    )
}

/// A grade as read aloud: "grade 2" / "2 级" (CTCAE, ALBI).
pub fn grade(g: impl std::fmt::Display) -> Text {
    Text::new(format!("grade {g}"), format!("{g} 级"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::derived::DeriveInput;

    #[test]
    fn every_lacking_input_has_a_name_in_both_languages() {
        let d = DeriveInput::default().derive();
        assert!(!d.missing.is_empty());
        for (value, names) in &d.missing {
            for name in names {
                let label = input_label(name);
                assert!(!label.en.contains('_'), "{value}: {name} has no label");
                assert!(!label.zh.contains('_'), "{value}: {name} has no label");
            }
            let text = lacking(&d, value).unwrap();
            assert!(text.zh.starts_with("缺少"), "{}", text.zh);
            assert!(!text.zh.is_ascii());
        }
        assert_eq!(grade(1).zh, "1 级");
        assert_eq!(grade(3).en, "grade 3");
    }
}
