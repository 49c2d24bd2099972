//! Tests of the Cox model: fits, ties, weights and failures, against R `survival`.

use super::*;

fn data_with(time: &[f64], event: &[bool], x: &[f64]) -> SurvivalData {
    SurvivalData::new(time.to_vec(), event.to_vec())
        .unwrap()
        .with_covariate("x", x.to_vec())
        .unwrap()
}

#[test]
fn without_ties_efron_equals_breslow() {
    let time = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0];
    let event = [true, true, false, true, true, true, false, true];
    let x = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0];
    let d = data_with(&time, &event, &x);
    let (names, cols) = design(&d, false);
    let e = fit(&d, &names, &cols, CoxOptions::default()).unwrap();
    let b = fit(
        &d,
        &names,
        &cols,
        CoxOptions {
            ties: Ties::Breslow,
            ..Default::default()
        },
    )
    .unwrap();
    assert!((e.terms[0].coef - b.terms[0].coef).abs() < 1e-12);
    assert!((e.loglik - b.loglik).abs() < 1e-12);
}

#[test]
fn one_binary_covariate_score_test_is_the_log_rank_without_ties() {
    let time = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0];
    let event = [true, true, false, true, true, true, false, true, true, true];
    let x = [1.0, 0.0, 1.0, 1.0, 0.0, 0.0, 1.0, 0.0, 1.0, 0.0];
    let d = data_with(&time, &event, &x);
    let (names, cols) = design(&d, false);
    let f = fit(&d, &names, &cols, CoxOptions::default()).unwrap();
    let groups: Vec<String> = x.iter().map(|v| v.to_string()).collect();
    let lr = crate::survival::logrank::logrank(&d.clone().with_groups(&groups, None).unwrap(), 0.0);
    assert!((f.score.chisq - lr.chisq).abs() < 1e-10);
    // At the estimate the score is zero: the fit is a maximum.
    assert!(f.lrt.chisq >= 0.0 && f.iterations < 10);
}

#[test]
fn constant_covariate_is_collinear() {
    let d = data_with(&[1.0, 2.0, 3.0], &[true, true, true], &[1.0, 1.0, 1.0]);
    let (names, cols) = design(&d, false);
    assert_eq!(
        fit(&d, &names, &cols, CoxOptions::default()).unwrap_err(),
        CoxError::Collinear("x".into())
    );
}

#[test]
fn perfect_separation_is_monotone_likelihood() {
    // Every event in x = 1 happens before any in x = 0.
    let d = data_with(
        &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        &[true; 6],
        &[1.0, 1.0, 1.0, 0.0, 0.0, 0.0],
    );
    let (names, cols) = design(&d, false);
    let err = fit(&d, &names, &cols, CoxOptions::default()).unwrap_err();
    assert!(
        matches!(
            err,
            CoxError::MonotoneLikelihood(_) | CoxError::NotConverged(_)
        ),
        "{err:?}"
    );
}

/// R `coxph(Surv(time, event) ~ arm)` on the log-rank example (arm C censored before the
/// first event): armB -0.34657359028 (se 1.43549997276), armC NA; loglik -2.48490664979,
/// -2.45589435460; score 0.0588235294118; Wald 0.0582887247128; concordance 0.6.
#[test]
fn cox_term_without_information_is_not_estimable() {
    let groups: Vec<String> = ["A", "B", "A", "B", "C"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    let d = SurvivalData::new(
        vec![1.0, 2.0, 3.0, 4.0, 0.5],
        vec![true, true, false, false, false],
    )
    .unwrap()
    .with_groups(&groups, None)
    .unwrap();
    let (names, cols) = design(&d, true);
    let f = fit(&d, &names, &cols, CoxOptions::default()).unwrap();
    let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-8, "{a} vs {b}");
    assert_eq!(f.terms[0].not_estimable, None);
    close(f.terms[0].coef, -0.346_573_590_28);
    close(f.terms[0].std_err, 1.435_499_972_76);
    let c = &f.terms[1];
    assert_eq!(c.name, "group=C");
    assert_eq!(c.not_estimable, Some(NotEstimable::NoInformation));
    assert!(c.coef.is_nan() && c.std_err.is_nan() && c.hr.is_nan());
    close(f.loglik_null, -2.484_906_649_79);
    close(f.loglik, -2.455_894_354_60);
    close(f.score.chisq, 0.058_823_529_411_8);
    close(f.wald.chisq, 0.058_288_724_712_8);
    assert_eq!((f.lrt.df, f.wald.df, f.score.df), (1.0, 1.0, 1.0));
    close(f.concordance, 0.6);
    assert!(f.var[3].is_nan() && f.var[0] > 0.0);
    // The weighted fit (all weights 1) leaves the same term out.
    let w = fit_weighted(&d, &names, &cols, &[1.0; 5], CoxOptions::default()).unwrap();
    assert_eq!(
        w.fit.terms[1].not_estimable,
        Some(NotEstimable::NoInformation)
    );
    close(w.fit.terms[0].coef, -0.346_573_590_28);
    assert!(w.fit.terms[0].std_err.is_finite());
}
