//! The validation of a form being entered, in the context of the rest of the patient's record:
//! the form's own rules, the data query on a tumor assessment's reading, the adverse event's
//! agents, both criteria's baseline rules, and the checks across forms.

use time::Date;

use crate::finding::{Finding, Severity};
use crate::response::model::{Baseline, FormLesions, Parameters, Series};
use crate::response::Criteria;
use crate::study::validate::validate;
use crate::study::{study, Form};

use super::values::date_of;
use super::vital::{EndOfStudy, SurvivalContact};
use super::{Record, Values};

impl Record {
    /// Every finding for `values` entered in `instance` of `form`: the form's own rules and
    /// the checks across the patient's forms that the change touches.
    pub fn validate_draft(
        &self,
        form: &Form,
        instance: &str,
        values: &Values,
        today: Date,
    ) -> Vec<Finding> {
        let draft = self.with_draft(instance, form.id, values);
        let mut findings = validate(study(), form, values, &draft.context(today));
        if form.id == "tumor_assessment"
            && values
                .get("query_answer")
                .is_none_or(|a| a.as_str().is_none_or(|a| a.trim().is_empty()))
        {
            for (c, reading, computed) in draft.reading_disagreements(instance) {
                findings.push(Finding::error(
                    "query_answer",
                    crate::i18n::Text::new(
                        format!(
                            "Data query: the investigator's {} reading ({reading}) differs from the computed response ({computed}). Correct the reading or the measurements, or answer here.",
                            c.label()
                        ),
                        format!(
                            "数据质疑：研究者 {} 评估（{reading}）与计算结果（{computed}）不一致。请更正评估或测量值，或在此答复。",
                            c.label()
                        ),
                    ),
                ));
            }
        }
        if form.id == "adverse_event" {
            findings.extend(self.agent_findings(values));
        }
        if form.id == "tumor_assessment" {
            findings.extend(baseline_findings(values));
        }
        if matches!(form.id, "survival" | "end_of_study") {
            findings.extend(
                draft
                    .cross_form_findings()
                    .into_iter()
                    .filter(|f| form.field(&f.field).is_some()),
            );
        }
        findings
    }

    /// Checks across the patient's forms: the date of death must be the same wherever it is
    /// recorded (survival contacts, end of study), and a patient who died may not have a later
    /// contact recorded as alive.
    pub(crate) fn cross_form_findings(&self) -> Vec<Finding> {
        let contacts: Vec<SurvivalContact> = self
            .of("survival")
            .filter_map(|i| SurvivalContact::read(&i.values))
            .collect();
        let mut deaths: Vec<Date> = contacts.iter().filter_map(|c| c.death).collect();
        deaths.extend(
            self.of("end_of_study")
                .filter_map(|i| EndOfStudy::read(&i.values).death),
        );
        deaths.sort();
        deaths.dedup();
        let mut out = Vec::new();
        if deaths.len() > 1 {
            let list = deaths
                .iter()
                .map(|d| crate::dates::format_date(*d))
                .collect::<Vec<_>>()
                .join(", ");
            out.push(Finding::error(
                "death_date",
                crate::i18n::Text::new(
                    format!(
                        "The date of death differs between forms ({list}); it must be the same."
                    ),
                    format!("各表单记录的死亡日期不一致（{list}），应相同。"),
                ),
            ));
        }
        if let Some(death) = deaths.first() {
            if contacts
                .iter()
                .filter_map(SurvivalContact::alive_on)
                .any(|d| d > *death)
            {
                out.push(Finding::error(
                    "contact_date",
                    crate::i18n::Text::new(
                        "A contact after the date of death records the patient as alive.",
                        "死亡日期之后的随访记录显示患者存活。",
                    ),
                ));
            }
        }
        out
    }

    /// An adverse event must give, for every agent received by its onset, the relation and the
    /// action taken.
    fn agent_findings(&self, values: &Values) -> Vec<Finding> {
        let ae = super::adverse_event::AdverseEvent::read(values);
        let onset = ae.onset;
        let complete = |agent: &str| {
            ae.agents
                .iter()
                .any(|r| r.agent == agent && r.relation.is_some() && r.action.is_some())
        };
        let missing: Vec<String> = self
            .agents_received(onset)
            .into_iter()
            .filter(|a| !complete(a))
            .collect();
        if missing.is_empty() {
            return Vec::new();
        }
        let names = |zh: bool| {
            missing
                .iter()
                .map(|a| {
                    study()
                        .code_list("systemic_agent")
                        .and_then(|l| l.codes.iter().find(|c| c.code == a))
                        .map(|c| if zh { c.label.zh } else { c.label.en })
                        .unwrap_or(a.as_str())
                        .to_owned()
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        vec![Finding::error(
            "agents",
            crate::i18n::Text::new(
                format!(
                    "Give the relation and the action taken for: {}.",
                    names(false)
                ),
                format!("请填写以下药物的相关性及采取的措施：{}。", names(true)),
            ),
        )]
    }
}

/// The baseline rules of both criteria, enforced as the targets are chosen: a baseline that
/// RECIST 1.1 refuses (too many targets, too many in one organ, below the measurable size, a
/// diameter missing) is an error; one only mRECIST refuses (a target without arterial
/// enhancement or viable diameter) is a warning to confirm, since RECIST 1.1 still reads it.
fn baseline_findings(values: &Values) -> Vec<Finding> {
    let Some(Ok(FormLesions::Baseline(b))) = values
        .get("lesions")
        .map(|v| serde_json::from_value::<FormLesions>(v.clone()))
    else {
        return Vec::new();
    };
    let Some(date) = date_of(values, "date") else {
        return Vec::new();
    };
    let series = Series {
        enrollment_date: date,
        parameters: Parameters::default(),
        baseline: Baseline {
            date,
            targets: b.targets,
            non_targets: b.non_targets,
        },
        assessments: Vec::new(),
    };
    let check = |c: Criteria| crate::response::evaluate(&series, c).err();
    if let Some(e) = check(Criteria::Recist11) {
        let m = e.message();
        return vec![Finding::error(
            "lesions",
            crate::i18n::Text::new(
                format!("Baseline not valid for RECIST 1.1: {}.", m.en),
                format!("基线不符合 RECIST 1.1：{}。", m.zh),
            ),
        )];
    }
    check(Criteria::Mrecist)
        .map(|e| {
            let m = e.message();
            Finding {
                field: "lesions".into(),
                severity: Severity::Warning,
                message: crate::i18n::Text::new(
                    format!(
                        "Baseline not valid for mRECIST: {}; confirm to keep it for RECIST 1.1 only.",
                        m.en
                    ),
                    format!("基线不符合 mRECIST：{}；确认后仅用于 RECIST 1.1。", m.zh),
                ),
            }
        })
        .into_iter()
        .collect()
}
