//! The analyses on the demo study: curves, Cox, IPTW and filters.

use super::*;

#[test]
fn demo_pfs_by_group() {
    let demo = crate::demo::generate(120, 2026);
    let patients = crate::endpoints::derive(&crate::log::State::from_commits(&demo.commits), 730);
    let a = by_group(&patients, Which::PfsMrecist).unwrap();
    assert_eq!(a.curves.iter().map(|c| c.n).sum::<usize>(), 120);
    assert!(a.logrank.as_ref().unwrap().p_value >= 0.0);
    for c in &a.curves {
        assert_eq!(c.at_risk[0], c.n);
        assert!(c.at_risk.windows(2).all(|w| w[0] >= w[1]));
    }
    let crude = cox_by_group(&patients, Which::PfsMrecist, "tace_tki", &[]).unwrap();
    assert!(crude
        .terms
        .iter()
        .all(|t| t.name.starts_with("group=") && t.name != "group=tace_tki"));
    let adjusted = cox_by_group(&patients, Which::PfsMrecist, "tace_tki", &ADJUSTMENTS).unwrap();
    assert_eq!(adjusted.terms.len(), crude.terms.len() + 4);
    assert!(
        adjusted.n <= 120 && adjusted.n > 100,
        "complete cases: {}",
        adjusted.n
    );
    // Every factor the user can choose is derivable for most patients.
    for f in FACTORS {
        let known = patients
            .iter()
            .filter(|p| indicator(p, f).is_some())
            .count();
        assert!(known > 100, "{f}: {known}");
    }
    let all = cox_by_group(&patients, Which::Os, "tace_tki", &FACTORS).unwrap();
    assert_eq!(all.terms.len(), crude.terms.len() + FACTORS.len());
    // RMST to 24 months lies between 0 and 24.
    for c in &a.curves {
        assert!(c.rmst.estimate > 0.0 && c.rmst.estimate <= 24.0);
    }
    // IPTW: each group against TACE + TKI, balance improved by the weights.
    let iptw = iptw_by_group(&patients, Which::Os, "tace_tki", &ADJUSTMENTS);
    assert_eq!(iptw.len(), crude.terms.len());
    for c in &iptw {
        let t = c.term.as_ref().expect("a weighted model");
        assert!(t.hr > 0.0 && t.hr_lower < t.hr && t.hr < t.hr_upper);
        assert!(c.max_smd_after < c.max_smd_before, "{c:?}");
    }
    let (reference, group) = iptw_curves(
        &patients,
        Which::Os,
        "tace_tki",
        "tace_tki_pd1",
        &ADJUSTMENTS,
    )
    .unwrap();
    for curve in [&reference, &group] {
        assert_eq!(curve[0], (0.0, 1.0));
        assert!(curve
            .windows(2)
            .all(|w| w[1].1 <= w[0].1 && w[1].0 >= w[0].0));
    }
    let uni = cox_factor(&patients, Which::Os, "afp_ge_400").unwrap();
    assert_eq!(uni.terms.len(), 1);
    assert_eq!(uni.terms[0].name, "afp_ge_400");
    // Filters.
    let stage_c = filter(&patients, &["C".to_owned()], &[]);
    assert!(!stage_c.is_empty() && stage_c.len() < 120);
    let tki = filter(&patients, &[], &["tace_tki".to_owned()]);
    assert!(tki.iter().all(|p| p.group == Some("tace_tki")));
}

#[test]
fn report_assembles_every_section_and_checks_its_options() {
    use super::report::{report, OptionsError, ReportOptions};
    let demo = crate::demo::generate(60, 7);
    let state = crate::log::State::from_commits(&demo.commits);
    let records = crate::record::records(&state);
    let r = report(&records, &ReportOptions::default()).unwrap();
    assert_eq!(r.patients.enrolled, 60);
    assert_eq!(r.models.univariable.len(), ADJUSTMENTS.len());
    assert_eq!(r.response.len(), 2);
    let survival = r.survival.as_ref().unwrap();
    // The same curves as the analysis by group of the same patients.
    let direct = by_group(&crate::endpoints::derive(&state, 730), Which::PfsMrecist).unwrap();
    assert_eq!(survival.curves.len(), direct.curves.len());
    for (a, b) in survival.curves.iter().zip(&direct.curves) {
        assert_eq!(a.median, b.median);
    }
    let bad = |o: ReportOptions| report(&records, &o).unwrap_err();
    let d = ReportOptions::default;
    assert_eq!(
        bad(ReportOptions {
            factors: vec!["x".into()],
            ..d()
        }),
        OptionsError::UnknownFactor("x".into())
    );
    assert_eq!(
        bad(ReportOptions {
            bclc: vec!["E".into()],
            ..d()
        }),
        OptionsError::UnknownStage("E".into())
    );
    assert_eq!(
        bad(ReportOptions {
            groups: vec!["tace".into()],
            ..d()
        }),
        OptionsError::UnknownGroup("tace".into())
    );
    assert_eq!(
        bad(ReportOptions {
            cutoff_days: 0,
            ..d()
        }),
        OptionsError::Cutoff(0)
    );
    // A stage filter keeps only that stage.
    let c = report(
        &records,
        &ReportOptions {
            bclc: vec!["C".into()],
            ..d()
        },
    )
    .unwrap();
    assert!(c.patients.selected < 60 && c.patients.selected > 0);
}

#[test]
fn the_24_month_rate_is_read_at_the_cut_off_day() {
    // Follow-up ends at the cut-off (day 730 = 23.98 months): a rate at 24.0 months would lie
    // after every curve's last time and never be shown; the landmark is the cut-off day.
    let demo = crate::demo::generate(120, 2026);
    let patients = crate::endpoints::derive(&crate::log::State::from_commits(&demo.commits), 730);
    let a = by_group(&patients, Which::Os).unwrap();
    assert!(
        a.curves.iter().all(|c| c.rates[3].surv.is_some()),
        "{:?}",
        a.curves.iter().map(|c| c.rates[3]).collect::<Vec<_>>()
    );
    assert_eq!(LANDMARKS[4] * DAYS_PER_MONTH, 730.0);
}
