//! What the record gives clinically: the tumor response series and both criteria's responses,
//! the reading disagreements, the agents received, and the adverse events proposed from lab
//! values (the endpoints and progression queries are `crate::endpoints`').

use std::collections::BTreeSet;

use time::Date;

use crate::ctcae::proposals::{from_labs, Proposal};
use crate::response::model::Series;
use crate::response::{evaluate, BaselineError, Criteria, Evaluation};

use super::Record;

impl Record {
    /// The patient's tumor assessments as a response series: the latest baseline lesion
    /// table (targets chosen) and every follow-up table dated after it; `None` until the
    /// patient is enrolled and has a baseline table.
    pub fn response_series(&self) -> Option<Series> {
        let tables = self
            .of("tumor_assessment")
            .filter_map(|i| super::tumor::TumorAssessment::read(&i.values).table());
        crate::response::model::series_from_tables(self.enrolled()?, tables)
    }

    /// Both criteria's evaluation of [`Record::response_series`] (mRECIST first).
    pub fn responses(&self) -> Option<Vec<(Criteria, Result<Evaluation, BaselineError>)>> {
        let series = self.response_series()?;
        Some(
            [Criteria::Mrecist, Criteria::Recist11]
                .into_iter()
                .map(|c| (c, evaluate(&series, c)))
                .collect(),
        )
    }

    /// The data query of a tumor assessment: where the investigator's reading differs from
    /// the overall response the criteria give for that date, the differences (criterion,
    /// reading, computed).
    pub fn reading_disagreements(&self, instance: &str) -> Vec<(Criteria, String, String)> {
        let Some(i) = self.instances.iter().find(|i| i.id == instance) else {
            return Vec::new();
        };
        let (Some(date), Some(responses)) = (i.date, self.responses()) else {
            return Vec::new();
        };
        let assessment = super::tumor::TumorAssessment::read(&i.values);
        responses
            .into_iter()
            .filter_map(|(c, eval)| {
                let reading = assessment.reading(c)?.to_owned();
                let computed = eval
                    .ok()?
                    .timepoints
                    .into_iter()
                    .find(|t| t.date == date)?
                    .overall
                    .code()
                    .to_owned();
                (reading != computed).then_some((c, reading, computed))
            })
            .collect()
    }

    /// The systemic agents the patient received (started on or before `by`, when given), in
    /// the order first started.
    pub fn agents_received(&self, by: Option<Date>) -> Vec<String> {
        let mut started: Vec<(Date, String)> = self
            .systemic_therapies()
            .filter_map(|(i, t)| {
                let d = i.date?;
                by.is_none_or(|b| d <= b).then_some((d, t.agent))
            })
            .collect();
        started.sort();
        let mut out: Vec<String> = Vec::new();
        for (_, a) in started {
            if !out.contains(&a) {
                out.push(a);
            }
        }
        out
    }

    /// Adverse events proposed from labs after enrollment (values reaching CTCAE grade >= 1,
    /// graded against the patient's baseline labs where the rule depends on it) that no decision
    /// (confirmed or dismissed, an `ae_review` instance) answers yet. Labs at or before
    /// enrollment are the baseline: abnormal values there are medical history, not AEs.
    pub fn ae_proposals(&self) -> Vec<(String, Proposal)> {
        let Some(enrolled) = self.enrolled() else {
            return Vec::new();
        };
        let decided: BTreeSet<&str> = self
            .of("ae_review")
            .filter_map(|r| super::values::text(&r.values, "key"))
            .collect();
        let baseline = self.baseline_lab_values(enrolled);
        self.of("labs")
            .filter(|l| l.date.is_some_and(|d| d > enrolled))
            .flat_map(|l| {
                let panel = super::baseline::LabPanel::read(&l.values);
                from_labs(&l.id, panel.date, &panel.values, &baseline)
                    .into_iter()
                    .map(|p| (l.id.clone(), p))
            })
            .filter(|(_, p)| !decided.contains(p.key.as_str()))
            .collect()
    }
}
