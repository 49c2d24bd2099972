//! The fold of the log into the current state: form instances and, per field, a multi-value
//! register with its whole history. Every structure is keyed and ordered, so the state depends only
//! on the set of commits applied, never on their order.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::commit::{Commit, CommitId, Op};
use super::hlc::Hlc;

/// One write of a field, with who, when, where and why.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldWrite {
    /// The commit that made it.
    pub commit: CommitId,
    /// Its time.
    pub hlc: Hlc,
    /// Who.
    pub user: String,
    /// Which device.
    pub device: String,
    /// Why.
    pub reason: Option<String>,
    /// The value written; `None` when the field was cleared.
    pub value: Option<Value>,
    /// The writes it replaced.
    pub supersedes: Vec<CommitId>,
}

/// A confirmation that a value outside the usual range is the one measured, with who, when,
/// where and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirmation {
    /// The commit that made it.
    pub commit: CommitId,
    /// Its time.
    pub hlc: Hlc,
    /// Who.
    pub user: String,
    /// Which device.
    pub device: String,
    /// The value confirmed (canonical).
    pub value: Value,
}

/// A field's register: every write, and which were replaced.
#[derive(Debug, Clone, PartialEq, Default)]
struct Register {
    writes: BTreeMap<CommitId, FieldWrite>,
    superseded: BTreeSet<CommitId>,
}

impl Register {
    /// Writes nobody replaced, oldest first by (time, id); the last is the winner.
    fn heads(&self) -> Vec<&FieldWrite> {
        let mut heads: Vec<&FieldWrite> = self
            .writes
            .values()
            .filter(|w| !self.superseded.contains(&w.commit))
            .collect();
        heads.sort_by(|a, b| (&a.hlc, &a.commit).cmp(&(&b.hlc, &b.commit)));
        heads
    }
}

/// A deletion of a form instance, with who, when, where and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Deletion {
    /// The commit that made it.
    pub commit: CommitId,
    /// Its time.
    pub hlc: Hlc,
    /// Who.
    pub user: String,
    /// Which device.
    pub device: String,
    /// Why.
    pub reason: Option<String>,
}

/// A form instance.
#[derive(Debug, Clone, PartialEq)]
pub struct FormState {
    /// The form's id in the study definition.
    pub form: String,
    /// The patient's subject ID.
    pub patient: String,
    /// The commit that created it.
    pub created: CommitId,
    /// When.
    pub created_hlc: Hlc,
    /// Whether it was deleted.
    pub deleted: bool,
}

/// Two or more writes of one field that did not see each other.
#[derive(Debug, Clone, PartialEq)]
pub struct Conflict {
    /// The form instance.
    pub instance: String,
    /// The field.
    pub field: String,
    /// The competing writes, oldest first; the last is shown until resolved.
    pub writes: Vec<FieldWrite>,
}

/// The folded state of the log.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct State {
    seen: BTreeSet<CommitId>,
    created: BTreeMap<String, FormState>,
    deleted: BTreeSet<String>,
    deletions: BTreeMap<String, BTreeMap<CommitId, Deletion>>,
    fields: BTreeMap<(String, String), Register>,
    confirmations: BTreeMap<(String, String), BTreeMap<CommitId, Confirmation>>,
    authors: BTreeMap<String, usize>,
}

impl State {
    /// The state of a set of commits (duplicates are ignored).
    pub fn from_commits<'a>(commits: impl IntoIterator<Item = &'a Commit>) -> State {
        let mut state = State::default();
        for c in commits {
            state.apply(c);
        }
        state
    }

    /// Applies one commit; returns false when it was already applied.
    pub fn apply(&mut self, c: &Commit) -> bool {
        if !self.seen.insert(c.id.clone()) {
            return false;
        }
        let b = &c.body;
        match self.authors.get_mut(&b.user) {
            Some(n) => *n += 1,
            None => {
                self.authors.insert(b.user.clone(), 1);
            }
        }
        for op in &b.ops {
            match op {
                Op::CreateForm {
                    instance,
                    form,
                    patient,
                } => {
                    let candidate = FormState {
                        form: form.clone(),
                        patient: patient.clone(),
                        created: c.id.clone(),
                        created_hlc: b.hlc.clone(),
                        deleted: false,
                    };
                    // The earliest creation wins, whatever the order of arrival.
                    let keep_old = self
                        .created
                        .get(instance)
                        .is_some_and(|old| (&old.created_hlc, &old.created) <= (&b.hlc, &c.id));
                    if !keep_old {
                        self.created.insert(instance.clone(), candidate);
                    }
                }
                Op::DeleteForm { instance } => {
                    self.deleted.insert(instance.clone());
                    self.deletions.entry(instance.clone()).or_default().insert(
                        c.id.clone(),
                        Deletion {
                            commit: c.id.clone(),
                            hlc: b.hlc.clone(),
                            user: b.user.clone(),
                            device: b.device.clone(),
                            reason: b.reason.clone(),
                        },
                    );
                }
                Op::SetField {
                    instance,
                    field,
                    value,
                    supersedes,
                } => {
                    self.write(c, instance, field, Some(value.clone()), supersedes);
                }
                Op::ClearField {
                    instance,
                    field,
                    supersedes,
                } => {
                    self.write(c, instance, field, None, supersedes);
                }
                Op::ConfirmValue {
                    instance,
                    field,
                    value,
                } => {
                    let mut value = value.clone();
                    super::commit::canonical(&mut value);
                    self.confirmations
                        .entry((instance.clone(), field.clone()))
                        .or_default()
                        .insert(
                            c.id.clone(),
                            Confirmation {
                                commit: c.id.clone(),
                                hlc: b.hlc.clone(),
                                user: b.user.clone(),
                                device: b.device.clone(),
                                value,
                            },
                        );
                }
            }
        }
        true
    }

    fn write(
        &mut self,
        c: &Commit,
        instance: &str,
        field: &str,
        value: Option<Value>,
        supersedes: &[CommitId],
    ) {
        let reg = self
            .fields
            .entry((instance.to_owned(), field.to_owned()))
            .or_default();
        reg.superseded.extend(supersedes.iter().cloned());
        reg.writes.insert(
            c.id.clone(),
            FieldWrite {
                commit: c.id.clone(),
                hlc: c.body.hlc.clone(),
                user: c.body.user.clone(),
                device: c.body.device.clone(),
                reason: c.body.reason.clone(),
                value,
                supersedes: supersedes.to_vec(),
            },
        );
    }

    /// Number of distinct commits applied.
    pub fn commit_count(&self) -> usize {
        self.seen.len()
    }

    /// The author of every commit applied (the user inside its body) and how many commits each
    /// made, by name: what a client checks against the study's users
    /// ([`crate::sync::authors::unknown_authors`]).
    pub fn authors(&self) -> impl Iterator<Item = (&str, usize)> + '_ {
        self.authors.iter().map(|(user, n)| (user.as_str(), *n))
    }

    /// Whether a commit has been applied.
    pub fn contains(&self, id: &str) -> bool {
        self.seen.contains(id)
    }

    /// Form instances (deleted ones included, flagged), by instance id.
    pub fn forms(&self) -> impl Iterator<Item = (&String, FormState)> + '_ {
        self.created.iter().map(|(id, f)| {
            let mut f = f.clone();
            f.deleted = self.deleted.contains(id);
            (id, f)
        })
    }

    /// One form instance (deleted ones flagged).
    pub fn form(&self, instance: &str) -> Option<FormState> {
        self.created.get(instance).map(|f| {
            let mut f = f.clone();
            f.deleted = self.deleted.contains(instance);
            f
        })
    }

    /// Every deletion of `instance`, oldest first by (time, commit id): usually one; two
    /// devices may both delete it.
    pub fn deletions(&self, instance: &str) -> Vec<&Deletion> {
        let mut out: Vec<&Deletion> = self
            .deletions
            .get(instance)
            .map(|d| d.values().collect())
            .unwrap_or_default();
        out.sort_by(|a, b| (&a.hlc, &a.commit).cmp(&(&b.hlc, &b.commit)));
        out
    }

    /// The patient an instance belongs to (no copy of the instance: cheap enough for every
    /// operation of every commit).
    pub fn patient_of(&self, instance: &str) -> Option<&str> {
        self.created.get(instance).map(|f| f.patient.as_str())
    }

    /// Whether any field of an instance was ever written (the form was saved with values), so
    /// that a further change needs a reason.
    pub fn has_writes(&self, instance: &str) -> bool {
        self.fields
            .range((instance.to_owned(), String::new())..)
            .next()
            .is_some_and(|((i, _), _)| i == instance)
    }

    /// The current value of a field (the winner when in conflict); `None` when unset or cleared.
    pub fn value(&self, instance: &str, field: &str) -> Option<&Value> {
        let reg = self.fields.get(&(instance.to_owned(), field.to_owned()))?;
        reg.heads().last().and_then(|w| w.value.as_ref())
    }

    /// Every field of an instance that has a current value, in field order: one range scan of
    /// the registers, no lookup per field.
    pub fn values_of<'a>(
        &'a self,
        instance: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.fields
            .range((instance.to_owned(), String::new())..)
            .take_while(move |((i, _), _)| i == instance)
            .filter_map(|((_, field), reg)| {
                reg.heads()
                    .last()
                    .and_then(|w| w.value.as_ref())
                    .map(|v| (field.as_str(), v))
            })
    }

    /// The writes a new write of this field must list in `supersedes` (it has seen them).
    pub fn heads(&self, instance: &str, field: &str) -> Vec<CommitId> {
        self.fields
            .get(&(instance.to_owned(), field.to_owned()))
            .map(|r| r.heads().into_iter().map(|w| w.commit.clone()).collect())
            .unwrap_or_default()
    }

    /// Whether `value` of this field was confirmed as measured (compared in canonical form).
    pub fn is_confirmed(&self, instance: &str, field: &str, value: &Value) -> bool {
        let mut value = value.clone();
        super::commit::canonical(&mut value);
        self.confirmations
            .get(&(instance.to_owned(), field.to_owned()))
            .is_some_and(|c| c.values().any(|k| k.value == value))
    }

    /// Every confirmation of a field's values, oldest first.
    pub fn confirmations(&self, instance: &str, field: &str) -> Vec<&Confirmation> {
        let mut out: Vec<&Confirmation> = self
            .confirmations
            .get(&(instance.to_owned(), field.to_owned()))
            .map(|c| c.values().collect())
            .unwrap_or_default();
        out.sort_by(|a, b| (&a.hlc, &a.commit).cmp(&(&b.hlc, &b.commit)));
        out
    }

    /// Every value a field had, oldest first.
    pub fn history(&self, instance: &str, field: &str) -> Vec<&FieldWrite> {
        let mut writes: Vec<&FieldWrite> = self
            .fields
            .get(&(instance.to_owned(), field.to_owned()))
            .map(|r| r.writes.values().collect())
            .unwrap_or_default();
        writes.sort_by(|a, b| (&a.hlc, &a.commit).cmp(&(&b.hlc, &b.commit)));
        writes
    }

    /// How many fields are in conflict (cheap: most registers hold one write).
    pub fn conflict_count(&self) -> usize {
        self.fields
            .values()
            .filter(|reg| {
                reg.writes.len() > 1
                    && reg
                        .writes
                        .keys()
                        .filter(|k| !reg.superseded.contains(*k))
                        .nth(1)
                        .is_some()
            })
            .count()
    }

    /// Every field in conflict.
    pub fn conflicts(&self) -> Vec<Conflict> {
        self.fields
            .iter()
            .filter_map(|((instance, field), reg)| {
                let heads = reg.heads();
                (heads.len() > 1).then(|| Conflict {
                    instance: instance.clone(),
                    field: field.clone(),
                    writes: heads.into_iter().cloned().collect(),
                })
            })
            .collect()
    }
}
