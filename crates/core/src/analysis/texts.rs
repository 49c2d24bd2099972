//! The analyses' words for readers (the app's pages, the printed reports): a model term's name
//! and why a Cox model has no answer, in English and Chinese.

use super::factor_label;
use crate::i18n::Text;
use crate::study::plan::group_label;
use crate::survival::cox::CoxError;

/// A Cox term's name: a group's (`group=CODE`) or an adjustment factor's.
pub fn term_label(name: &str) -> Text {
    match name.strip_prefix("group=") {
        Some(group) => group_label(group),
        None => factor_label(name),
    }
}

/// Why a Cox model has no answer, naming the term at fault.
pub fn cox_error_text(e: &CoxError) -> Text {
    match e {
        CoxError::Collinear(t) => {
            let t = term_label(t);
            Text::new(
                format!(
                    "no estimate: {} is collinear with the other terms (or constant)",
                    t.en
                ),
                format!("无法估计：{} 与其他变量共线（或为常数）", t.zh),
            )
        }
        CoxError::MonotoneLikelihood(t) => {
            let t = term_label(t);
            Text::new(
                format!(
                    "no estimate: the coefficient of {} runs to infinity (monotone likelihood)",
                    t.en
                ),
                format!("无法估计：{} 的系数趋于无穷（单调似然）", t.zh),
            )
        }
        CoxError::NoEvents => Text::new("no estimate: there are no events", "无法估计：没有事件"),
        CoxError::NoTerms => Text::new(
            "no estimate: the model has no terms",
            "无法估计：模型没有变量",
        ),
        CoxError::NotConverged(n) => Text::new(
            format!("no estimate: did not converge in {n} iterations"),
            format!("无法估计：{n} 次迭代未收敛"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn terms_and_model_failures_are_named_in_both_languages() {
        assert_eq!(term_label("group=tace_tki").en, "TACE + TKI");
        assert_eq!(term_label("afp_ge_400").en, "AFP >= 400 ng/mL");
        let e = cox_error_text(&CoxError::Collinear("mvi".into()));
        assert_eq!(
            e.en,
            "no estimate: Macrovascular invasion is collinear with the other terms (or constant)"
        );
        assert!(e.zh.contains("大血管侵犯"));
        assert!(
            cox_error_text(&CoxError::MonotoneLikelihood("group=tace_pd1".into()))
                .zh
                .contains("抗 PD-(L)1")
        );
    }
}
