//! The log-rank test for k groups, stratified when strata are given, and the Fleming-Harrington
//! G-rho family (rho = 1: Peto-Peto), as R's `survdiff`.

use serde::Serialize;

use super::data::SurvivalData;
use super::dist::chisq_sf;
use super::linalg::{cholesky, inverse, quad_form};

/// A log-rank test result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LogRank {
    /// The chi-square statistic.
    pub chisq: f64,
    /// Degrees of freedom (groups with expected events > 0, minus one; R `survdiff`).
    pub df: f64,
    /// Upper-tail p-value.
    pub p_value: f64,
    /// Observed (weighted) events per group.
    pub observed: Vec<f64>,
    /// Expected (weighted) events per group.
    pub expected: Vec<f64>,
}

/// The test across `data`'s groups, within its strata, with weights S(t-)^rho (pooled
/// Kaplan-Meier within the stratum, just before t).
///
/// Groups whose expected count is 0 (no one at risk at any event time, e.g. everyone censored
/// before the first event) carry no information and are left out of the test, as R's `survdiff`
/// does: `df` is the number of groups with expected > 0 (summed over strata), minus one; with
/// fewer than two such groups there is no test (`chisq` 0, `df` 0, `p_value` 1, R's
/// `pchisq(0, 0, lower.tail = FALSE)`). `observed` and `expected` still list every group.
pub fn logrank(data: &SurvivalData, rho: f64) -> LogRank {
    let k = data.group_levels().len();
    let mut observed = vec![0.0; k];
    let mut expected = vec![0.0; k];
    let mut var = vec![0.0; k * k];
    let (time, event, group) = (data.time(), data.event(), data.group());
    let mut at_risk = vec![0.0; k];
    let mut d = vec![0.0; k];
    let mut leaving = vec![0.0; k];
    for idx in data.by_stratum() {
        at_risk.iter_mut().for_each(|v| *v = 0.0);
        for &i in &idx {
            at_risk[group[i]] += 1.0;
        }
        let mut km: f64 = 1.0;
        let mut j = 0;
        while j < idx.len() {
            let t = time[idx[j]];
            d.iter_mut().for_each(|v| *v = 0.0);
            leaving.iter_mut().for_each(|v| *v = 0.0);
            while j < idx.len() && time[idx[j]] == t {
                let i = idx[j];
                if event[i] {
                    d[group[i]] += 1.0;
                }
                leaving[group[i]] += 1.0;
                j += 1;
            }
            let n: f64 = at_risk.iter().sum();
            let dt: f64 = d.iter().sum();
            if dt > 0.0 {
                let w = km.powf(rho);
                for g in 0..k {
                    let e = dt * at_risk[g] / n;
                    observed[g] += w * d[g];
                    expected[g] += w * e;
                }
                if n > 1.0 {
                    let c = w * w * dt * (n - dt) / (n - 1.0);
                    for g in 0..k {
                        for h in 0..k {
                            let delta = if g == h { 1.0 } else { 0.0 };
                            var[g * k + h] += c * at_risk[g] / n * (delta - at_risk[h] / n);
                        }
                    }
                }
                km *= 1.0 - dt / n;
            }
            for g in 0..k {
                at_risk[g] -= leaving[g];
            }
        }
    }
    let (chisq, df) = statistic(&observed, &expected, &var);
    LogRank {
        chisq,
        df,
        p_value: if df == 0.0 { 1.0 } else { chisq_sf(chisq, df) },
        observed,
        expected,
    }
}

/// The chi-square and its degrees of freedom over the groups with expected > 0 (R `survdiff`):
/// the first of them is dropped, since the remaining differences carry all the information.
fn statistic(observed: &[f64], expected: &[f64], var: &[f64]) -> (f64, f64) {
    let k = observed.len();
    let informative: Vec<usize> = (0..k).filter(|&g| expected[g] > 0.0).collect();
    if informative.len() < 2 {
        return (0.0, 0.0);
    }
    let kept = &informative[1..];
    let m = kept.len();
    let diff: Vec<f64> = kept.iter().map(|&g| observed[g] - expected[g]).collect();
    let sub: Vec<f64> = kept
        .iter()
        .flat_map(|&g| kept.iter().map(move |&h| var[g * k + h]))
        .collect();
    let chisq = match cholesky(&sub, m) {
        Ok(l) => quad_form(&inverse(&l, m), m, &diff),
        Err(_) => f64::NAN,
    };
    (chisq, m as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(time: &[f64], event: &[bool], groups: &[&str]) -> SurvivalData {
        let g: Vec<String> = groups.iter().map(|s| s.to_string()).collect();
        SurvivalData::new(time.to_vec(), event.to_vec())
            .unwrap()
            .with_groups(&g, None)
            .unwrap()
    }

    #[test]
    fn two_groups_by_hand() {
        // Times 1 (A, event), 2 (B, event), 3 (A, censored), 4 (B, event).
        // t=1: n=4, nA=2, d=1: E_A = .5, V = 1*3/3 * .5 * .5 = .25
        // t=2: n=3, nA=1, d=1: E_A = 1/3, V = 1*2/2 * 1/3 * 2/3 = 2/9
        // t=4: n=1: E_A = 0, no variance. O_A = 1, E_A = 5/6; O_B = 2, E_B = 13/6.
        let d = data(
            &[1.0, 2.0, 3.0, 4.0],
            &[true, true, false, true],
            &["A", "B", "A", "B"],
        );
        let lr = logrank(&d, 0.0);
        assert!((lr.expected[0] - 5.0 / 6.0).abs() < 1e-12);
        let v = 0.25 + 2.0 / 9.0;
        let chisq = (2.0 - 13.0 / 6.0_f64).powi(2) / v;
        assert!((lr.chisq - chisq).abs() < 1e-12);
        assert_eq!(lr.df, 1.0);
    }

    #[test]
    fn invariant_to_relabelling_groups() {
        let time = [3.0, 5.0, 7.0, 2.0, 8.0, 4.0, 6.0, 9.0, 1.0, 10.0];
        let event = [
            true, true, false, true, true, true, false, true, true, false,
        ];
        let a = logrank(
            &data(
                &time,
                &event,
                &["x", "y", "z", "x", "y", "z", "x", "y", "z", "x"],
            ),
            0.0,
        );
        let b = logrank(
            &data(
                &time,
                &event,
                &["c", "a", "b", "c", "a", "b", "c", "a", "b", "c"],
            ),
            0.0,
        );
        assert!((a.chisq - b.chisq).abs() < 1e-10);
        assert_eq!(a.df, 2.0);
    }

    /// R 4.x `survival` 3.5-3: `survdiff(Surv(time, event) ~ arm)` on the rows below gives
    /// chisq 0.0588235294118 on 1 df, p 0.808365155915 (arm C: expected 0).
    #[test]
    fn logrank_drops_groups_with_no_expected_events() {
        let d = data(
            &[1.0, 2.0, 3.0, 4.0, 0.5],
            &[true, true, false, false, false],
            &["A", "B", "A", "B", "C"],
        );
        let lr = logrank(&d, 0.0);
        assert_eq!(lr.expected[2], 0.0);
        assert!((lr.chisq - 0.058_823_529_411_8).abs() < 1e-12);
        assert_eq!(lr.df, 1.0);
        assert!((lr.p_value - 0.808_365_155_915).abs() < 1e-11);
        // By hand: O_A - E_A = 1 - 5/6, V = 1/4 + 2/9.
        assert!((lr.chisq - (1.0f64 / 6.0).powi(2) / (0.25 + 2.0 / 9.0)).abs() < 1e-15);
    }

    /// Ten rows in two strata, arm C censored before any event in both; R values:
    /// `survdiff(... ~ arm + strata(st))` 0.0285714285714 (p 0.865772374993), `rho = 1`
    /// unstratified 0.451871657754, stratified 0.183673469388.
    #[test]
    fn logrank_drops_groups_with_no_expected_events_stratified_and_weighted() {
        let time = [1.0, 2.0, 3.0, 4.0, 0.5, 1.5, 2.5, 3.5, 0.2, 5.0];
        let event = [
            true, true, false, false, false, true, false, true, false, true,
        ];
        let arm = ["A", "B", "A", "B", "C", "A", "B", "B", "C", "A"];
        let st: Vec<String> = [1, 1, 1, 1, 1, 2, 2, 2, 2, 2]
            .iter()
            .map(|s: &i32| s.to_string())
            .collect();
        let plain = data(&time, &event, &arm);
        let strat = plain.clone().with_strata(&st).unwrap();
        let close = |a: f64, b: f64| assert!((a - b).abs() < 1e-11, "{a} vs {b}");
        let s0 = logrank(&strat, 0.0);
        close(s0.chisq, 0.028_571_428_571_4);
        close(s0.p_value, 0.865_772_374_993);
        assert_eq!(s0.df, 1.0);
        close(logrank(&plain, 1.0).chisq, 0.451_871_657_754);
        let s1 = logrank(&strat, 1.0);
        close(s1.chisq, 0.183_673_469_388);
        assert_eq!(s1.df, 1.0);
    }

    #[test]
    fn fewer_than_two_informative_groups_is_no_test() {
        let d = data(&[1.0, 0.5, 2.0], &[true, false, false], &["A", "C", "A"]);
        let lr = logrank(&d, 0.0);
        assert_eq!((lr.chisq, lr.df, lr.p_value), (0.0, 0.0, 1.0));
    }
}
