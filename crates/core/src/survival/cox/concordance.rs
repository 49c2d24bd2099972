//! Harrell's concordance as R's `survival::concordance` computes it for a Cox model: a pair is
//! comparable when the one with the shorter time had an event (a censoring at the same time as
//! an event counts as the longer; two events at the same time are not comparable), within
//! strata; a higher risk score with the shorter time is concordant; tied scores count one half.
//! O(n log n) with a Fenwick tree over the ranks of the scores.

/// A Fenwick (binary indexed) tree of counts.
struct Fenwick(Vec<u32>);

impl Fenwick {
    fn add(&mut self, mut i: usize) {
        i += 1;
        while i < self.0.len() {
            self.0[i] += 1;
            i += i & i.wrapping_neg();
        }
    }

    /// Count of ranks < i.
    fn below(&self, mut i: usize) -> f64 {
        let mut s = 0u64;
        while i > 0 {
            s += u64::from(self.0[i]);
            i -= i & i.wrapping_neg();
        }
        s as f64
    }
}

/// Concordance of `score` (higher = higher risk) with the survival times.
pub fn concordance(time: &[f64], event: &[bool], strata: &[usize], score: &[f64]) -> f64 {
    // One sort: by stratum, then by decreasing time.
    let mut all: Vec<usize> = (0..time.len()).collect();
    all.sort_by(|&a, &b| strata[a].cmp(&strata[b]).then(time[b].total_cmp(&time[a])));
    let (mut conc, mut disc, mut tied) = (0.0, 0.0, 0.0);
    for idx in all.chunk_by(|&a, &b| strata[a] == strata[b]) {
        // The stratum laid out in walking order, with the rank of each score within it (equal
        // scores share a rank), so the walk reads memory sequentially.
        let t: Vec<f64> = idx.iter().map(|&i| time[i]).collect();
        let e: Vec<bool> = idx.iter().map(|&i| event[i]).collect();
        let mut by_score: Vec<(f64, usize)> = idx
            .iter()
            .enumerate()
            .map(|(k, &i)| (score[i], k))
            .collect();
        by_score.sort_unstable_by(|a, b| a.0.total_cmp(&b.0));
        let mut rank = vec![0usize; idx.len()];
        let mut r = 0;
        for q in 0..by_score.len() {
            if q > 0 && by_score[q].0 != by_score[q - 1].0 {
                r += 1;
            }
            rank[by_score[q].1] = r;
        }
        let mut tree = Fenwick(vec![0; r + 2]);
        let mut total = 0.0;
        let mut k = 0;
        while k < t.len() {
            let now = t[k];
            let end = k + t[k..].iter().take_while(|&&v| v == now).count();
            // Censored at t: at risk beyond the events at t.
            for q in k..end {
                if !e[q] {
                    tree.add(rank[q]);
                    total += 1.0;
                }
            }
            for q in k..end {
                if e[q] {
                    let lower = tree.below(rank[q]);
                    let not_higher = tree.below(rank[q] + 1);
                    conc += lower;
                    tied += not_higher - lower;
                    disc += total - not_higher;
                }
            }
            for q in k..end {
                if e[q] {
                    tree.add(rank[q]);
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
