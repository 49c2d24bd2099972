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
    /// Degrees of freedom (groups with observations, minus one).
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
pub fn logrank(data: &SurvivalData, rho: f64) -> LogRank {
    let k = data.group_levels().len();
    let mut observed = vec![0.0; k];
    let mut expected = vec![0.0; k];
    let mut var = vec![0.0; k * k];
    let (time, event, group, strata) = (data.time(), data.event(), data.group(), data.strata());
    for s in 0..data.n_strata() {
        let mut idx: Vec<usize> = (0..data.len()).filter(|&i| strata[i] == s).collect();
        idx.sort_by(|&a, &b| time[a].total_cmp(&time[b]));
        let mut at_risk = vec![0.0; k];
        for &i in &idx {
            at_risk[group[i]] += 1.0;
        }
        let mut km: f64 = 1.0;
        let mut j = 0;
        while j < idx.len() {
            let t = time[idx[j]];
            let mut d = vec![0.0; k];
            let mut leaving = vec![0.0; k];
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
    // Drop the first group: the k - 1 remaining differences carry all the information.
    let m = k.saturating_sub(1);
    let diff: Vec<f64> = (1..k).map(|g| observed[g] - expected[g]).collect();
    let sub: Vec<f64> = (1..k)
        .flat_map(|g| (1..k).map(move |h| (g, h)))
        .map(|(g, h)| var[g * k + h])
        .collect();
    let chisq = match cholesky(&sub, m) {
        Ok(l) if m > 0 => quad_form(&inverse(&l, m), m, &diff),
        _ => f64::NAN,
    };
    let df = m as f64;
    LogRank {
        chisq,
        df,
        p_value: chisq_sf(chisq, df),
        observed,
        expected,
    }
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
}
