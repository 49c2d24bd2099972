//! Harrell's concordance as R's `survival::concordance` computes it for a Cox model: a pair is
//! comparable when the one with the shorter time had an event (a censoring at the same time as
//! an event counts as the longer; two events at the same time are not comparable), within
//! strata; a higher risk score with the shorter time is concordant; tied scores count one half.
//! O(n log n) with a Fenwick tree over the ranks of the scores.

/// A Fenwick (binary indexed) tree of counts.
struct Fenwick(Vec<f64>);

impl Fenwick {
    fn add(&mut self, mut i: usize) {
        i += 1;
        while i < self.0.len() {
            self.0[i] += 1.0;
            i += i & i.wrapping_neg();
        }
    }

    /// Count of ranks < i.
    fn below(&self, mut i: usize) -> f64 {
        let mut s = 0.0;
        while i > 0 {
            s += self.0[i];
            i -= i & i.wrapping_neg();
        }
        s
    }
}

/// Concordance of `score` (higher = higher risk) with the survival times.
pub fn concordance(time: &[f64], event: &[bool], strata: &[usize], score: &[f64]) -> f64 {
    // One sort: by stratum, then by decreasing time.
    let mut all: Vec<usize> = (0..time.len()).collect();
    all.sort_by(|&a, &b| strata[a].cmp(&strata[b]).then(time[b].total_cmp(&time[a])));
    let (mut conc, mut disc, mut tied) = (0.0, 0.0, 0.0);
    for idx in all.chunk_by(|&a, &b| strata[a] == strata[b]) {
        // Ranks of the scores within the stratum, so the work stays O(n log n) for any strata.
        let mut sorted: Vec<f64> = idx.iter().map(|&i| score[i]).collect();
        sorted.sort_by(f64::total_cmp);
        sorted.dedup();
        let rank = |v: f64| sorted.partition_point(|&s| s < v);
        let mut tree = Fenwick(vec![0.0; sorted.len() + 1]);
        let mut total = 0.0;
        let mut k = 0;
        while k < idx.len() {
            let t = time[idx[k]];
            let end = k + idx[k..].iter().take_while(|&&i| time[i] == t).count();
            // Censored at t: at risk beyond the events at t.
            for &i in &idx[k..end] {
                if !event[i] {
                    tree.add(rank(score[i]));
                    total += 1.0;
                }
            }
            for &i in &idx[k..end] {
                if event[i] {
                    let r = rank(score[i]);
                    let lower = tree.below(r);
                    let not_higher = tree.below(r + 1);
                    conc += lower;
                    tied += not_higher - lower;
                    disc += total - not_higher;
                }
            }
            for &i in &idx[k..end] {
                if event[i] {
                    tree.add(rank(score[i]));
                    total += 1.0;
                }
            }
            k = end;
        }
    }
    (conc + tied / 2.0) / (conc + disc + tied)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition, pair by pair.
    fn brute(time: &[f64], event: &[bool], score: &[f64]) -> f64 {
        let (mut c, mut d, mut t) = (0.0, 0.0, 0.0);
        for i in 0..time.len() {
            for j in 0..time.len() {
                let comparable =
                    event[i] && (time[j] > time[i] || (time[j] == time[i] && !event[j]));
                if i != j && comparable {
                    if score[i] > score[j] {
                        c += 1.0;
                    } else if score[i] < score[j] {
                        d += 1.0;
                    } else {
                        t += 1.0;
                    }
                }
            }
        }
        (c + t / 2.0) / (c + d + t)
    }

    #[test]
    fn matches_the_pairwise_definition_with_ties() {
        let time = [1.0, 2.0, 2.0, 3.0, 4.0, 4.0, 5.0, 6.0, 6.0, 7.0];
        let event = [
            true, true, false, true, true, true, false, true, false, true,
        ];
        let score = [2.0, 1.0, 1.0, 0.5, 0.5, 3.0, 0.0, 1.0, 2.0, -1.0];
        let strata = [0; 10];
        assert!(
            (concordance(&time, &event, &strata, &score) - brute(&time, &event, &score)).abs()
                < 1e-12
        );
    }

    proptest::proptest! {
        #[test]
        fn fenwick_equals_pairwise(
            rows in proptest::collection::vec((0u8..6, proptest::bool::ANY, 0u8..4), 2..40)
        ) {
            let time: Vec<f64> = rows.iter().map(|r| f64::from(r.0)).collect();
            let event: Vec<bool> = rows.iter().map(|r| r.1).collect();
            let score: Vec<f64> = rows.iter().map(|r| f64::from(r.2)).collect();
            let fast = concordance(&time, &event, &vec![0; rows.len()], &score);
            let slow = brute(&time, &event, &score);
            proptest::prop_assert!((fast.is_nan() && slow.is_nan()) || (fast - slow).abs() < 1e-12);
        }
    }
}
