//! One patient's record as the CRF screens see it: the patient's form instances read from the
//! folded log, what the patient list shows (status, treatment group, next visit), the derived
//! values at a glance, the validation of a form being entered in the context of the rest of the
//! record, and the operations a save turns into.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use time::Date;

use crate::ctcae::proposals::{from_labs, Proposal};
use crate::derived::{age_years, DeriveInput, Derived};
use crate::endpoints::{
    baseline_input, date_of, group_of, Forms, ProgressionDates, ProgressionQuery,
};
use crate::log::{canonical, CommitId, Op, State};
use crate::register::Finding;
use crate::response::model::{Baseline, FormLesions, Parameters, Series};
use crate::response::{evaluate, BaselineError, Criteria, Evaluation};
use crate::schedule::{self, Status, StatusFacts, Visit, VisitState};
use crate::study::validate::{cross_form, is_visible, validate, Context};
use crate::study::{study, Form};

/// A form's values, by field id.
pub type Values = BTreeMap<String, Value>;

/// One form instance of a patient.
#[derive(Debug, Clone, PartialEq)]
pub struct Instance {
    /// Its id.
    pub id: String,
    /// The form's id.
    pub form: String,
    /// The date that places it on the timeline (see [`date_field`]).
    pub date: Option<Date>,
    /// When it was created (hybrid logical clock, milliseconds).
    pub created_ms: u64,
    /// Its current values.
    pub values: Values,
}

/// The field whose date places a form on the patient's timeline; `None` for baseline forms
/// without a date of their own.
pub fn date_field(form: &str) -> Option<&'static str> {
    match form {
        "eligibility" => Some("enrollment_date"),
        "labs" | "clinical" | "tace" | "tumor_assessment" | "progression" | "end_of_study" => {
            Some("date")
        }
        "systemic" => Some("start_date"),
        "adverse_event" => Some("onset_date"),
        "survival" => Some("contact_date"),
        _ => None,
    }
}

/// The current values of an instance of `form` (fields the form does not define are left out).
pub fn instance_values(state: &State, instance: &str, form: &Form) -> Values {
    state
        .values_of(instance)
        .filter(|(field, _)| form.field(field).is_some())
        .map(|(field, v)| (field.to_owned(), v.clone()))
        .collect()
}

/// One patient's record.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Record {
    /// Subject ID.
    pub subject: String,
    /// Form instances not deleted, in creation order.
    pub instances: Vec<Instance>,
}

/// Every patient's record, by subject ID. A form whose id the study does not define is skipped.
pub fn records(state: &State) -> BTreeMap<String, Record> {
    collect(state, None)
}

/// One patient's record (empty when the patient has no form).
pub fn record(state: &State, subject: &str) -> Record {
    collect(state, Some(subject))
        .remove(subject)
        .unwrap_or_else(|| Record {
            subject: subject.to_owned(),
            instances: Vec::new(),
        })
}

fn collect(state: &State, only: Option<&str>) -> BTreeMap<String, Record> {
    let mut out: BTreeMap<String, Record> = BTreeMap::new();
    let study = study();
    for (id, f) in state.forms() {
        if f.deleted || only.is_some_and(|s| s != f.patient) {
            continue;
        }
        let Some(form) = study.form(&f.form) else {
            continue;
        };
        let values = instance_values(state, id, form);
        let date = date_field(form.id).and_then(|field| date_of(&values, field));
        let record = out.entry(f.patient.clone()).or_insert_with(|| Record {
            subject: f.patient.clone(),
            instances: Vec::new(),
        });
        record.instances.push(Instance {
            id: id.clone(),
            form: f.form,
            date,
            created_ms: f.created_hlc.wall_ms,
            values,
        });
    }
    for r in out.values_mut() {
        r.instances
            .sort_by(|a, b| (a.created_ms, &a.id).cmp(&(b.created_ms, &b.id)));
    }
    out
}

/// What the patient list shows of one patient.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    /// Subject ID.
    pub subject: String,
    /// Status in the study.
    pub status: Status,
    /// Enrollment date.
    pub enrolled: Option<Date>,
    /// Treatment group code, once enrolled with a systemic therapy started (the derivation of
    /// [`crate::endpoints`]); `None`: not yet treated.
    pub group: Option<&'static str>,
    /// The next contact: the first due or overdue one, else the next upcoming one.
    pub next_visit: Option<Visit>,
    /// Contacts whose window closed without one.
    pub missed: usize,
}

impl Summary {
    /// The group as the screens name it: the treatment group, `not_yet_treated` for an enrolled
    /// patient who has not started systemic therapy, nothing before enrollment.
    pub fn group_code(&self) -> Option<&'static str> {
        self.enrolled
            .map(|_| crate::endpoints::group_code(self.group))
    }
}

/// Which values of `values` are shown (hidden fields are dropped, so a save clears them), with
/// numbers canonical as commits store them (`36`, not `36.0`).
pub fn visible_values(form: &Form, values: &Values) -> Values {
    form.fields
        .iter()
        .filter(|f| is_visible(f, values))
        .filter_map(|f| {
            values.get(f.id).filter(|v| !v.is_null()).map(|v| {
                let mut v = v.clone();
                canonical(&mut v);
                (f.id.to_owned(), v)
            })
        })
        .collect()
}

impl Record {
    /// The values of every instance of every form.
    pub fn forms(&self) -> Forms {
        let mut out = Forms::new();
        for i in &self.instances {
            out.entry(i.form.clone())
                .or_default()
                .push(i.values.clone());
        }
        out
    }

    /// The instances of one form.
    pub fn of<'a>(&'a self, form: &'a str) -> impl Iterator<Item = &'a Instance> + 'a {
        self.instances.iter().filter(move |i| i.form == form)
    }

    fn first_date(&self, form: &str, field: &str) -> Option<Date> {
        self.of(form).find_map(|i| date_of(&i.values, field))
    }

    /// The enrollment date, once the eligibility form records it.
    pub fn enrolled(&self) -> Option<Date> {
        self.first_date("eligibility", "enrollment_date")
    }

    /// The date of birth, once the demographics form records it.
    pub fn birth(&self) -> Option<Date> {
        self.first_date("demographics", "birth_date")
    }

    /// What validation of this patient's forms needs.
    pub fn context(&self, today: Date) -> Context {
        Context {
            today,
            birth: self.birth(),
            enrollment: self.enrolled(),
            consent: self.first_date("eligibility", "consent_date"),
        }
    }

    /// The record as it would be with `values` saved in `instance` of `form` (a new instance
    /// when `instance` is not one of the record's).
    pub fn with_draft(&self, instance: &str, form: &str, values: &Values) -> Record {
        let mut r = self.clone();
        let date = date_field(form).and_then(|f| date_of(values, f));
        match r.instances.iter_mut().find(|i| i.id == instance) {
            Some(i) => {
                i.values = values.clone();
                i.date = date;
            }
            None => r.instances.push(Instance {
                id: instance.to_owned(),
                form: form.to_owned(),
                date,
                created_ms: u64::MAX,
                values: values.clone(),
            }),
        }
        r
    }

    /// The derived values at baseline (enrollment; before it, as of `today`), their inputs,
    /// and the age at that date.
    pub fn derived(&self, today: Date) -> (DeriveInput, Derived, Option<i32>) {
        let on = self.enrolled().unwrap_or(today);
        let (input, _) = baseline_input(&self.forms(), on);
        let age = self.birth().map(|b| age_years(b, on));
        // Inputs come from validated forms; a value outside the derivation's ranges is dropped
        // rather than derived from.
        let derived = match input.check_ranges() {
            Ok(()) => input.derive(),
            Err(_) => DeriveInput::default().derive(),
        };
        (input, derived, age)
    }

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
                cross_form(&draft.forms())
                    .into_iter()
                    .filter(|f| form.field(&f.field).is_some()),
            );
        }
        findings
    }

    /// The patient's tumour assessments as a response series: the latest baseline lesion
    /// table (targets chosen) and every follow-up table dated after it; `None` until the
    /// patient is enrolled and has a baseline table.
    pub fn response_series(&self) -> Option<Series> {
        let tables = self.of("tumor_assessment").filter_map(|i| {
            let date = i.date?;
            let lesions = serde_json::from_value(i.values.get("lesions")?.clone()).ok()?;
            Some((date, lesions))
        });
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

    /// The data query of a tumour assessment: where the investigator's reading differs from
    /// the overall response the criteria give for that date, the differences (criterion,
    /// reading, computed).
    pub fn reading_disagreements(&self, instance: &str) -> Vec<(Criteria, String, String)> {
        let Some(i) = self.instances.iter().find(|i| i.id == instance) else {
            return Vec::new();
        };
        let (Some(date), Some(responses)) = (i.date, self.responses()) else {
            return Vec::new();
        };
        responses
            .into_iter()
            .filter_map(|(c, eval)| {
                let field = match c {
                    Criteria::Mrecist => "investigator_mrecist",
                    Criteria::Recist11 => "investigator_recist11",
                };
                let reading = i.values.get(field)?.as_str()?.to_owned();
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
            .of("systemic")
            .filter_map(|s| {
                let d = s.date?;
                let agent = s.values.get("agent")?.as_str()?.to_owned();
                by.is_none_or(|b| d <= b).then_some((d, agent))
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

    /// An adverse event must give, for every agent received by its onset, the relation and the
    /// action taken.
    fn agent_findings(&self, values: &Values) -> Vec<Finding> {
        let onset = date_of(values, "onset_date");
        let rows = values.get("agents").and_then(Value::as_array);
        let complete = |agent: &str| {
            rows.into_iter().flatten().any(|r| {
                r.get("agent").and_then(Value::as_str) == Some(agent)
                    && r.get("relation").and_then(Value::as_str).is_some()
                    && r.get("action").and_then(Value::as_str).is_some()
            })
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

    /// PFS (both criteria), OS and TTP with the dates and the rule behind each (see
    /// [`crate::endpoints`]), with the administrative cut-off `cutoff_days` after enrollment;
    /// `None` before enrollment.
    pub fn endpoints(&self, cutoff_days: i64) -> Option<crate::endpoints::PatientEndpoints> {
        crate::endpoints::derive_patient(self.subject.clone(), &self.forms(), cutoff_days)
    }

    /// [`Record::endpoints`] once there is something to show: `None` before enrollment and
    /// until there is follow-up after it (or an event), rather than "0.0 months, censored".
    pub fn endpoints_to_show(
        &self,
        cutoff_days: i64,
    ) -> Option<crate::endpoints::PatientEndpoints> {
        self.endpoints(cutoff_days).filter(|e| e.has_follow_up())
    }

    /// The data queries where the Progression form and the imaging series disagree (see
    /// [`ProgressionDates::queries`]); empty before enrollment.
    pub fn progression_queries(&self) -> Vec<ProgressionQuery> {
        self.enrolled()
            .map(|e| ProgressionDates::of(&self.forms(), e).queries())
            .unwrap_or_default()
    }

    /// Status, group and next visit on `today`.
    pub fn summary(&self, today: Date) -> Summary {
        let enrolled = self.enrolled();
        let end = self.of("end_of_study").next();
        let end_reason = end
            .and_then(|e| e.values.get("reason"))
            .and_then(Value::as_str);
        let dead = self
            .of("survival")
            .any(|s| s.values.get("status").and_then(Value::as_str) == Some("dead"));
        let forms = self.forms();
        let dates = enrolled.map(|e| ProgressionDates::of(&forms, e));
        let progression = dates.as_ref().and_then(ProgressionDates::earliest);
        let on_therapy = self
            .of("systemic")
            .any(|s| s.values.contains_key("start_date") && !s.values.contains_key("stop_date"));
        let treated = self.of("tace").next().is_some()
            || self
                .of("systemic")
                .any(|s| s.values.contains_key("start_date"));
        let status = schedule::status(StatusFacts {
            enrolled: enrolled.is_some(),
            dead,
            end_reason,
            progressed: progression.is_some(),
            on_therapy,
            treated,
        });
        let until = dates
            .as_ref()
            .and_then(|d| d.first(Criteria::Mrecist))
            .map_or(Date::MAX, |p| p.0);
        let group = enrolled.and_then(|e| group_of(&forms, e, until));
        let (next_visit, missed) = match enrolled {
            Some(e)
                if !matches!(
                    status,
                    Status::Dead | Status::Completed | Status::Withdrawn | Status::Lost
                ) =>
            {
                let contacts: Vec<Date> = self
                    .instances
                    .iter()
                    .filter(|i| {
                        matches!(
                            i.form.as_str(),
                            "clinical" | "tumor_assessment" | "labs" | "survival"
                        )
                    })
                    .filter_map(|i| i.date)
                    .collect();
                let ended = end.and_then(|e| date_of(&e.values, "date"));
                let visits = schedule::schedule(e, progression, ended, &contacts, today);
                let missed = visits
                    .iter()
                    .filter(|v| v.state == VisitState::Missed)
                    .count();
                let next = visits
                    .iter()
                    .find(|v| matches!(v.state, VisitState::Due | VisitState::Overdue))
                    .or_else(|| visits.iter().find(|v| v.state == VisitState::Upcoming))
                    .copied();
                (next, missed)
            }
            _ => (None, 0),
        };
        Summary {
            subject: self.subject.clone(),
            status,
            enrolled,
            group,
            next_visit,
            missed,
        }
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
            .filter_map(|r| r.values.get("key").and_then(Value::as_str))
            .collect();
        let baseline = self.baseline_lab_values(enrolled);
        self.of("labs")
            .filter(|l| l.date.is_some_and(|d| d > enrolled))
            .flat_map(|l| {
                from_labs(&l.id, &l.values, &baseline)
                    .into_iter()
                    .map(|p| (l.id.clone(), p))
            })
            .filter(|(_, p)| !decided.contains(p.key.as_str()))
            .collect()
    }

    /// The numeric values of the baseline labs (the last labs form on or before `enrolled`), by
    /// field; empty without one.
    pub fn baseline_lab_values(&self, enrolled: Date) -> BTreeMap<String, f64> {
        let forms = self.forms();
        let (_, labs) = baseline_input(&forms, enrolled);
        labs.map(|l| {
            l.iter()
                .filter_map(|(k, v)| v.as_f64().map(|n| (k.clone(), n)))
                .collect()
        })
        .unwrap_or_default()
    }

    /// The instances in date order: baseline forms without a date first, then by date; forms the
    /// app keeps for itself are left out.
    pub fn timeline(&self) -> Vec<&Instance> {
        let internal = |form: &str| study().form(form).is_some_and(|f| f.internal);
        let mut items: Vec<&Instance> = self
            .instances
            .iter()
            .filter(|i| !internal(&i.form))
            .collect();
        items.sort_by_key(|i| (i.date.is_some(), i.date, i.created_ms));
        items
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
                severity: crate::register::Severity::Warning,
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

/// The operations that save `values` (visible fields only) into an existing `instance` of
/// `form`: each changed field is set or cleared, superseding every write of it this device has
/// seen. Unchanged fields produce nothing.
pub fn edit_ops(state: &State, instance: &str, form: &Form, values: &Values) -> Vec<Op> {
    let values = visible_values(form, values);
    let mut ops = Vec::new();
    for f in &form.fields {
        let old = state.value(instance, f.id);
        let new = values.get(f.id);
        if old == new {
            continue;
        }
        ops.push(write_op(
            instance,
            f.id,
            new.cloned(),
            state.heads(instance, f.id),
        ));
    }
    ops
}

/// Setting `field` to `value` (clearing it when `None`), replacing the writes `supersedes`.
fn write_op(instance: &str, field: &str, value: Option<Value>, supersedes: Vec<CommitId>) -> Op {
    match value {
        Some(value) => Op::SetField {
            instance: instance.to_owned(),
            field: field.to_owned(),
            value,
            supersedes,
        },
        None => Op::ClearField {
            instance: instance.to_owned(),
            field: field.to_owned(),
            supersedes,
        },
    }
}

/// The operations that save an edit of `instance` made on a form opened when its values were
/// `opened`: only the fields the user changed (`values` differs from `opened`), so that a field
/// another tab or device changed meanwhile is not written back with the stale value. A changed
/// field that someone else also changed since the form was opened is written without
/// superseding that other write: the two are then in conflict and shown in the conflict list,
/// never silently replaced.
pub fn edit_ops_since(
    state: &State,
    instance: &str,
    form: &Form,
    opened: &Values,
    values: &Values,
) -> Vec<Op> {
    let opened = visible_values(form, opened);
    let values = visible_values(form, values);
    let mut ops = Vec::new();
    for f in &form.fields {
        let (before, new) = (opened.get(f.id), values.get(f.id));
        let now = state.value(instance, f.id);
        if before == new || now == new {
            continue;
        }
        let supersedes = if now == before {
            state.heads(instance, f.id)
        } else {
            Vec::new()
        };
        ops.push(write_op(instance, f.id, new.cloned(), supersedes));
    }
    ops
}

/// The operations that record the confirmation of each `(field, value)` the user confirmed as
/// measured despite its soft-range warning, except those the state already holds confirmed.
pub fn confirm_ops(state: &State, instance: &str, confirmed: &[(&str, &Value)]) -> Vec<Op> {
    confirmed
        .iter()
        .filter(|(field, value)| !state.is_confirmed(instance, field, value))
        .map(|(field, value)| {
            let mut value = (*value).clone();
            canonical(&mut value);
            Op::ConfirmValue {
                instance: instance.to_owned(),
                field: (*field).to_owned(),
                value,
            }
        })
        .collect()
}

/// The operations that create `instance` of `form` for `patient` with `values`.
pub fn create_ops(instance: &str, form: &Form, patient: &str, values: &Values) -> Vec<Op> {
    let mut ops = vec![Op::CreateForm {
        instance: instance.to_owned(),
        form: form.id.to_owned(),
        patient: patient.to_owned(),
    }];
    ops.extend(
        visible_values(form, values)
            .into_iter()
            .map(|(field, value)| Op::SetField {
                instance: instance.to_owned(),
                field,
                value,
                supersedes: Vec::new(),
            }),
    );
    ops
}

/// The operation that resolves a conflict on a field: `value` (or clearing it) supersedes
/// every competing write.
pub fn resolve_op(state: &State, instance: &str, field: &str, value: Option<Value>) -> Op {
    write_op(instance, field, value, state.heads(instance, field))
}

/// The adverse event a proposal suggests, as a draft of the `adverse_event` form: the CTCAE
/// term, the grade and the onset date (the lab's date). The rest (seriousness, relation to each
/// agent, action, outcome) is the investigator's to fill before anything is saved.
pub fn proposal_draft(proposal: &Proposal) -> Values {
    let mut ae = Values::new();
    ae.insert("term".into(), Value::from(proposal.term));
    ae.insert("grade".into(), Value::from(proposal.grade.to_string()));
    if let Some(d) = &proposal.date {
        ae.insert("onset_date".into(), Value::from(d.clone()));
    }
    ae
}

/// The operations recording that a proposal was confirmed as the adverse event
/// `ae_instance` (saved in the same commit as that event, so that the proposal is decided only
/// when the event exists).
pub fn proposal_confirmed_ops(
    review_instance: &str,
    patient: &str,
    proposal_key: &str,
    ae_instance: &str,
) -> Vec<Op> {
    let mut review = Values::new();
    review.insert("key".into(), Value::from(proposal_key));
    review.insert("decision".into(), Value::from("confirmed"));
    review.insert("ae_instance".into(), Value::from(ae_instance));
    study()
        .form("ae_review")
        .map(|f| create_ops(review_instance, f, patient, &review))
        .unwrap_or_default()
}

/// The operations that create the adverse event exactly as [`proposal_draft`] drafts it,
/// together with the proposal's decision. The app does not use it: it opens the draft for the
/// investigator to complete, and saves it with [`proposal_confirmed_ops`].
pub fn confirm_proposal_ops(
    ae_instance: &str,
    review_instance: &str,
    patient: &str,
    proposal: &Proposal,
) -> Vec<Op> {
    let mut ops = Vec::new();
    if let Some(ae_form) = study().form("adverse_event") {
        ops.extend(create_ops(
            ae_instance,
            ae_form,
            patient,
            &proposal_draft(proposal),
        ));
        ops.extend(proposal_confirmed_ops(
            review_instance,
            patient,
            &proposal.key,
            ae_instance,
        ));
    }
    ops
}

/// The operations that dismiss a proposed adverse event, with the reason.
pub fn dismiss_proposal_ops(
    review_instance: &str,
    patient: &str,
    proposal: &Proposal,
    reason: &str,
) -> Vec<Op> {
    let mut review = Values::new();
    review.insert("key".into(), Value::from(proposal.key.clone()));
    review.insert("decision".into(), Value::from("dismissed"));
    review.insert("reason".into(), Value::from(reason));
    study()
        .form("ae_review")
        .map(|f| create_ops(review_instance, f, patient, &review))
        .unwrap_or_default()
}

/// Whether saving a change to `instance` needs a reason: once a form was saved with values,
/// every later change does.
pub fn needs_reason(state: &State, instance: &str) -> bool {
    state.has_writes(instance)
}

#[cfg(test)]
mod tests;
