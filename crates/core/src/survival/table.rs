//! The event table: one row per distinct time (events and censorings), the single source of
//! Kaplan-Meier, Nelson-Aalen and the log-rank test.

/// Distinct times with the number at risk, of events and of censorings at each.
#[derive(Debug, Clone, PartialEq)]
pub struct EventTable {
    /// Distinct times, increasing.
    pub time: Vec<f64>,
    /// Number at risk just before each time.
    pub n_risk: Vec<f64>,
    /// Number of events at each time.
    pub n_event: Vec<f64>,
    /// Number censored at each time.
    pub n_censor: Vec<f64>,
}

impl EventTable {
    /// Builds the table from (time, event, weight) triples (weights 1 for the ordinary table).
    pub fn new(time: &[f64], event: &[bool], weight: Option<&[f64]>) -> EventTable {
        let w = |i: usize| weight.map_or(1.0, |w| w[i]);
        // Sort the values themselves (not indices into them): the walk below is sequential.
        let mut obs: Vec<(f64, bool, f64)> =
            (0..time.len()).map(|i| (time[i], event[i], w(i))).collect();
        obs.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: f64 = (0..time.len()).map(w).sum();
        let mut t = EventTable {
            time: Vec::new(),
            n_risk: Vec::new(),
            n_event: Vec::new(),
            n_censor: Vec::new(),
        };
        let mut at_risk = total;
        for run in obs.chunk_by(|a, b| a.0 == b.0) {
            let (mut d, mut c) = (0.0, 0.0);
            for &(_, died, wi) in run {
                if died {
                    d += wi;
                } else {
                    c += wi;
                }
            }
            t.time.push(run[0].0);
            t.n_risk.push(at_risk);
            t.n_event.push(d);
            t.n_censor.push(c);
            at_risk -= d + c;
        }
        t
    }

    /// Number of distinct times.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.time.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_ties_of_events_and_censorings() {
        let t = EventTable::new(
            &[3.0, 1.0, 3.0, 2.0, 3.0],
            &[true, true, false, false, true],
            None,
        );
        assert_eq!(t.time, vec![1.0, 2.0, 3.0]);
        assert_eq!(t.n_risk, vec![5.0, 4.0, 3.0]);
        assert_eq!(t.n_event, vec![1.0, 0.0, 2.0]);
        assert_eq!(t.n_censor, vec![0.0, 1.0, 1.0]);
    }
}
