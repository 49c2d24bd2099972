//! Validated survival data: times, event indicators, optional group, strata and covariates.

use super::timefix::merge_near_ties;

/// Why survival input was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum InputError {
    /// No observations.
    #[error("no observations")]
    Empty,
    /// Columns of different lengths.
    #[error("{what} has {got} values, expected {expected}")]
    Length {
        /// Which column.
        what: String,
        /// Its length.
        got: usize,
        /// The number of times.
        expected: usize,
    },
    /// A time that is negative, NaN or infinite.
    #[error("observation {index}: time {value} is not a finite non-negative number")]
    Time {
        /// 0-based index of the observation.
        index: usize,
        /// The value.
        value: f64,
    },
    /// A covariate value that is NaN or infinite.
    #[error("observation {index}: covariate {name} = {value} is not finite")]
    Covariate {
        /// 0-based index.
        index: usize,
        /// Covariate name.
        name: String,
        /// The value.
        value: f64,
    },
    /// A group level with no observations (e.g. a requested reference level).
    #[error("group {0:?} has no observations")]
    EmptyGroup(String),
}

/// Validated right-censored survival data.
#[derive(Debug, Clone, PartialEq)]
pub struct SurvivalData {
    time: Vec<f64>,
    event: Vec<bool>,
    group: Vec<usize>,
    group_levels: Vec<String>,
    strata: Vec<usize>,
    strata_levels: Vec<String>,
    covariates: Vec<(String, Vec<f64>)>,
}

/// Maps labels to level indices; levels in the order given by `sorted_levels`. O(n log k).
fn encode(labels: &[String]) -> (Vec<usize>, Vec<String>) {
    let levels = sorted_levels(labels);
    let mut lookup: Vec<(&str, usize)> = levels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.as_str(), i))
        .collect();
    lookup.sort_unstable();
    let codes = labels
        .iter()
        .map(|l| {
            lookup
                .binary_search_by(|(x, _)| (*x).cmp(l.as_str()))
                .map_or(0, |k| lookup[k].1)
        })
        .collect();
    (codes, levels)
}

/// Distinct labels in R's factor order: numerically when every label is a number, otherwise
/// lexicographically.
pub fn sorted_levels(labels: &[String]) -> Vec<String> {
    let mut distinct: Vec<&String> = labels.iter().collect();
    distinct.sort_unstable();
    distinct.dedup();
    let mut levels: Vec<String> = distinct.into_iter().cloned().collect();
    let numeric: Option<Vec<f64>> = levels
        .iter()
        .map(|l| l.trim().parse::<f64>().ok())
        .collect();
    if let Some(nums) = numeric {
        let mut pairs: Vec<(f64, String)> = nums.into_iter().zip(levels).collect();
        pairs.sort_by(|a, b| a.0.total_cmp(&b.0));
        levels = pairs.into_iter().map(|(_, l)| l).collect();
    }
    levels
}

impl SurvivalData {
    /// Validates times (finite, >= 0) and events; one group and one stratum for everyone.
    ///
    /// Times equal up to floating-point noise become one time (R's `aeqSurv`, see
    /// [`merge_near_ties`]), so every analysis of the data (Kaplan-Meier, log-rank, Cox, RMST,
    /// IPTW) sees the same ties R does.
    pub fn new(time: Vec<f64>, event: Vec<bool>) -> Result<SurvivalData, InputError> {
        if time.is_empty() {
            return Err(InputError::Empty);
        }
        if event.len() != time.len() {
            return Err(InputError::Length {
                what: "event".into(),
                got: event.len(),
                expected: time.len(),
            });
        }
        if let Some((index, &value)) = time
            .iter()
            .enumerate()
            .find(|(_, t)| !t.is_finite() || **t < 0.0)
        {
            return Err(InputError::Time { index, value });
        }
        let n = time.len();
        Ok(SurvivalData {
            time: merge_near_ties(&time),
            event,
            group: vec![0; n],
            group_levels: vec![String::new()],
            strata: vec![0; n],
            strata_levels: vec![String::new()],
            covariates: Vec::new(),
        })
    }

    /// Adds a grouping (levels in R's factor order, or with `reference` first).
    pub fn with_groups(
        mut self,
        labels: &[String],
        reference: Option<&str>,
    ) -> Result<SurvivalData, InputError> {
        self.check_len("group", labels.len())?;
        let (mut codes, mut levels) = encode(labels);
        if let Some(reference) = reference {
            let pos = levels
                .iter()
                .position(|l| l == reference)
                .ok_or_else(|| InputError::EmptyGroup(reference.to_owned()))?;
            let level = levels.remove(pos);
            levels.insert(0, level);
            for c in &mut codes {
                *c = match *c {
                    c if c == pos => 0,
                    c if c < pos => c + 1,
                    c => c,
                };
            }
        }
        self.group = codes;
        self.group_levels = levels;
        Ok(self)
    }

    /// Adds strata.
    pub fn with_strata(mut self, labels: &[String]) -> Result<SurvivalData, InputError> {
        self.check_len("strata", labels.len())?;
        let (codes, levels) = encode(labels);
        self.strata = codes;
        self.strata_levels = levels;
        Ok(self)
    }

    /// Adds a numeric covariate.
    pub fn with_covariate(
        mut self,
        name: &str,
        values: Vec<f64>,
    ) -> Result<SurvivalData, InputError> {
        self.check_len(name, values.len())?;
        if let Some((index, &value)) = values.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(InputError::Covariate {
                index,
                name: name.into(),
                value,
            });
        }
        self.covariates.push((name.to_owned(), values));
        Ok(self)
    }

    fn check_len(&self, what: &str, got: usize) -> Result<(), InputError> {
        if got != self.time.len() {
            return Err(InputError::Length {
                what: what.into(),
                got,
                expected: self.time.len(),
            });
        }
        Ok(())
    }

    /// Number of observations.
    pub fn len(&self) -> usize {
        self.time.len()
    }

    /// Always false: validated data has at least one observation.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Follow-up times.
    pub fn time(&self) -> &[f64] {
        &self.time
    }

    /// Event indicators (false = censored).
    pub fn event(&self) -> &[bool] {
        &self.event
    }

    /// Number of events.
    pub fn n_events(&self) -> usize {
        self.event.iter().filter(|e| **e).count()
    }

    /// Group index of each observation.
    pub fn group(&self) -> &[usize] {
        &self.group
    }

    /// Group level names (the reference first).
    pub fn group_levels(&self) -> &[String] {
        &self.group_levels
    }

    /// Stratum index of each observation.
    pub fn strata(&self) -> &[usize] {
        &self.strata
    }

    /// Number of strata.
    pub fn n_strata(&self) -> usize {
        self.strata_levels.len()
    }

    /// Covariates by name.
    pub fn covariates(&self) -> &[(String, Vec<f64>)] {
        &self.covariates
    }

    /// The observations of each stratum (in stratum order), by increasing time; one sort for
    /// all strata, O(n log n).
    pub fn by_stratum(&self) -> Vec<Vec<usize>> {
        // Sort keys, not indices into the columns: cache-friendly; the index breaks ties, so
        // the order is the stable one.
        let mut keys: Vec<(usize, f64, usize)> = (0..self.len())
            .map(|i| (self.strata[i], self.time[i], i))
            .collect();
        keys.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)).then(a.2.cmp(&b.2)));
        let mut out = vec![Vec::new(); self.n_strata()];
        for (s, _, i) in keys {
            out[s].push(i);
        }
        out
    }

    /// The observations of one group, as data of their own (strata and covariates kept).
    pub fn subset_group(&self, level: usize) -> SurvivalData {
        let keep: Vec<usize> = (0..self.len())
            .filter(|&i| self.group[i] == level)
            .collect();
        let pick = |v: &[f64]| keep.iter().map(|&i| v[i]).collect::<Vec<f64>>();
        SurvivalData {
            time: pick(&self.time),
            event: keep.iter().map(|&i| self.event[i]).collect(),
            group: vec![0; keep.len()],
            group_levels: vec![self.group_levels[level].clone()],
            strata: keep.iter().map(|&i| self.strata[i]).collect(),
            strata_levels: self.strata_levels.clone(),
            covariates: self
                .covariates
                .iter()
                .map(|(n, v)| (n.clone(), pick(v)))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn refuses_negative_nan_and_empty() {
        assert_eq!(SurvivalData::new(vec![], vec![]), Err(InputError::Empty));
        assert!(matches!(
            SurvivalData::new(vec![1.0, -1.0], vec![true, false]),
            Err(InputError::Time { index: 1, .. })
        ));
        assert!(matches!(
            SurvivalData::new(vec![f64::NAN], vec![true]),
            Err(InputError::Time { index: 0, .. })
        ));
        assert!(matches!(
            SurvivalData::new(vec![1.0], vec![true, false]),
            Err(InputError::Length { .. })
        ));
    }

    #[test]
    fn times_within_tolerance_tie() {
        let d = SurvivalData::new(vec![365.000_000_000_01, 365.0, 10.0], vec![true; 3]).unwrap();
        assert_eq!(d.time(), &[365.0, 365.0, 10.0]);
    }

    #[test]
    fn levels_sort_like_r_factors() {
        assert_eq!(
            sorted_levels(&s(&["b", "a", "c", "a"])),
            s(&["a", "b", "c"])
        );
        assert_eq!(sorted_levels(&s(&["10", "2", "1"])), s(&["1", "2", "10"]));
    }

    #[test]
    fn reference_level_goes_first() {
        let d = SurvivalData::new(vec![1.0, 2.0, 3.0], vec![true, true, false])
            .unwrap()
            .with_groups(&s(&["a", "b", "c"]), Some("b"))
            .unwrap();
        assert_eq!(d.group_levels(), &s(&["b", "a", "c"]));
        assert_eq!(d.group(), &[1, 0, 2]);
        let missing = SurvivalData::new(vec![1.0], vec![true])
            .unwrap()
            .with_groups(&s(&["a"]), Some("z"));
        assert_eq!(missing, Err(InputError::EmptyGroup("z".into())));
    }
}
