//! Score residuals of a (weighted) Cox fit, the ingredients of the robust (Lin-Wei sandwich)
//! variance. O(n log n) with running sums over the event times.

use super::likelihood::Prepared;

/// Risk-set sums at one event time of a stratum.
struct EventTime {
    time: f64,
    /// a(t) = S1(t) / S0(t), the weighted mean of x over the risk set.
    mean: Vec<f64>,
}

impl Prepared {
    /// The score residual of every observation at `beta` (Breslow form, exact without tied event
    /// times): `d_i (x_i - a(t_i)) - r_i sum over event times t <= t_i of w(t) (x_i - a(t)) /
    /// S0(t)`, with `r_i = exp(x_i beta)`, `w(t)` the weight of the events at t, and `a`, `S0`
    /// weighted. Rows of length p, in observation order.
    ///
    /// The sum splits into `x_i H(t_i) - A(t_i)` with the running sums `H(t) = sum w / S0` and
    /// `A(t) = sum w a / S0` over event times up to t, so each residual costs a binary search.
    pub fn score_residuals(&self, beta: &[f64]) -> Vec<Vec<f64>> {
        let p = self.p;
        let n = self.time.len();
        let eta = |i: usize| -> f64 { (0..p).map(|j| self.x[i * p + j] * beta[j]).sum() };
        let mut resid = vec![vec![0.0; p]; n];
        for order in &self.order {
            // Risk-set sums from the longest time down; event times kept longest first.
            let mut s0 = 0.0;
            let mut s1 = vec![0.0; p];
            let mut events: Vec<(EventTime, f64, f64)> = Vec::new();
            let mut k = 0;
            while k < order.len() {
                let t = self.time[order[k]];
                let mut dw = 0.0;
                while k < order.len() && self.time[order[k]] == t {
                    let i = order[k];
                    let r = self.weight[i] * eta(i).exp();
                    s0 += r;
                    for (s, x) in s1.iter_mut().zip(&self.x[i * p..(i + 1) * p]) {
                        *s += r * x;
                    }
                    if self.event[i] {
                        dw += self.weight[i];
                    }
                    k += 1;
                }
                if dw > 0.0 {
                    let mean = s1.iter().map(|v| v / s0).collect();
                    events.push((EventTime { time: t, mean }, s0, dw));
                }
            }
            events.reverse();
            // Running sums in increasing time: h[m] = sum w / S0, big_a[m] = sum w a / S0.
            let m = events.len();
            let mut h = vec![0.0; m];
            let mut big_a = vec![0.0; m * p];
            let (mut h_run, mut a_run) = (0.0, vec![0.0; p]);
            for (e, (ev, s0, dw)) in events.iter().enumerate() {
                h_run += dw / s0;
                h[e] = h_run;
                for j in 0..p {
                    a_run[j] += dw * ev.mean[j] / s0;
                    big_a[e * p + j] = a_run[j];
                }
            }
            for &i in order {
                let ti = self.time[i];
                let upto = events.partition_point(|(ev, _, _)| ev.time <= ti);
                if upto == 0 {
                    continue;
                }
                let last = upto - 1;
                let r = eta(i).exp();
                let xi = &self.x[i * p..(i + 1) * p];
                let own = self.event[i] && events[last].0.time == ti;
                let out = &mut resid[self.obs[i]];
                for j in 0..p {
                    if own {
                        out[j] += xi[j] - events[last].0.mean[j];
                    }
                    out[j] -= r * (xi[j] * h[last] - big_a[last * p + j]);
                }
            }
        }
        resid
    }
}
