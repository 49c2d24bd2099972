//! The operations a save turns into: creating a form instance, editing only what changed since
//! the form was opened, confirming unusual values, resolving a conflict, deciding a proposed
//! adverse event; and which values are saved at all.

use serde_json::Value;

use crate::ctcae::proposals::Proposal;
use crate::log::{canonical, CommitId, Op, State};
use crate::study::validate::is_visible;
use crate::study::{study, Form};

use super::Values;

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
