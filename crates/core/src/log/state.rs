//! The fold of the log into the current state: form instances and, per field, a multi-value
//! register with its whole history. Every structure is keyed and ordered, so the state depends only
//! on the set of commits applied, never on their order.
//!
//! Built for 2,000 patients (80,000 commits, 750,000 field writes) on a tablet: a commit's id,
//! user, device and reason are shared (`Arc<str>`) by all its writes instead of copied into each,
//! names and field ids are interned once for the whole state, and a field's register is a sorted
//! vector (most hold one write), so a write costs about one allocation: the fold is mostly
//! allocation.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::Value;

use super::commit::{Commit, CommitId, Op};
use super::hlc::Hlc;
pub use super::register::FieldWrite;
use super::register::Register;
use super::summary::CommitSummary;

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
    /// Every commit applied, by id (the one shared copy of the id), as the state keeps it.
    pub(super) commits: BTreeMap<Arc<str>, CommitSummary>,
    /// Users, devices, reasons and field ids, one shared copy each.
    pub(super) names: BTreeSet<Arc<str>>,
    pub(super) created: BTreeMap<String, FormState>,
    pub(super) deleted: BTreeSet<String>,
    pub(super) deletions: BTreeMap<String, BTreeMap<CommitId, Deletion>>,
    /// Instance -> field -> register.
    pub(super) fields: BTreeMap<Arc<str>, BTreeMap<Arc<str>, Register>>,
    pub(super) confirmations: BTreeMap<(String, String), BTreeMap<CommitId, Confirmation>>,
    pub(super) authors: BTreeMap<String, usize>,
}

/// The shared copy of `text` in `set`, added when new.
fn intern(set: &mut BTreeSet<Arc<str>>, text: &str) -> Arc<str> {
    if let Some(shared) = set.get(text) {
        return shared.clone();
    }
    let shared: Arc<str> = text.into();
    set.insert(shared.clone());
    shared
}

/// What every write of one commit shares.
struct Author {
    commit: Arc<str>,
    hlc: Hlc,
    user: Arc<str>,
    device: Arc<str>,
    reason: Option<Arc<str>>,
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
        if self.commits.contains_key(c.id.as_str()) {
            return false;
        }
        let b = &c.body;
        let author = Author {
            commit: c.id.as_str().into(),
            hlc: Hlc {
                device: intern(&mut self.names, &b.hlc.device),
                ..b.hlc.clone()
            },
            user: intern(&mut self.names, &b.user),
            device: intern(&mut self.names, &b.device),
            reason: b.reason.as_deref().map(|r| intern(&mut self.names, r)),
        };
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
                    self.write(&author, instance, field, Some(value.clone()), supersedes);
                }
                Op::ClearField {
                    instance,
                    field,
                    supersedes,
                } => {
                    self.write(&author, instance, field, None, supersedes);
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
        self.keep_summary(c, author);
        true
    }

    /// Keeps what the state knows of commit `c` besides its writes ([`CommitSummary`]).
    fn keep_summary(&mut self, c: &Commit, author: Author) {
        let mut instances: Vec<Arc<str>> = Vec::with_capacity(1);
        for op in &c.body.ops {
            let instance = op.instance();
            if instances.iter().any(|i| &**i == instance) {
                continue;
            }
            // Shared with the field map when the instance has fields.
            let shared = self
                .fields
                .get_key_value(instance)
                .map_or_else(|| instance.into(), |(k, _)| k.clone());
            instances.push(shared);
        }
        let prev = c.body.prev.as_deref().map(|p| self.shared_id(p));
        let summary = CommitSummary {
            id: author.commit.clone(),
            device: author.device,
            seq: c.body.seq,
            prev,
            hlc: author.hlc,
            user: author.user,
            reason: author.reason,
            instances,
        };
        self.commits.insert(author.commit, summary);
    }

    /// The shared copy of a commit id when that commit was applied; its own copy otherwise.
    fn shared_id(&self, id: &str) -> Arc<str> {
        self.commits
            .get_key_value(id)
            .map_or_else(|| id.into(), |(k, _)| k.clone())
    }

    fn write(
        &mut self,
        author: &Author,
        instance: &str,
        field: &str,
        value: Option<Value>,
        supersedes: &[CommitId],
    ) {
        // Ids of commits already applied are shared; one not seen yet (a write may arrive
        // before the one it replaced) gets its own copy.
        let supersedes: Vec<Arc<str>> = supersedes.iter().map(|id| self.shared_id(id)).collect();
        if !self.fields.contains_key(instance) {
            self.fields.insert(instance.into(), BTreeMap::new());
        }
        let field = intern(&mut self.names, field);
        let Some(fields) = self.fields.get_mut(instance) else {
            return;
        };
        let reg = fields.entry(field).or_default();
        for id in &supersedes {
            reg.supersede(id.clone());
        }
        reg.insert(FieldWrite {
            commit: author.commit.clone(),
            hlc: author.hlc.clone(),
            user: author.user.clone(),
            device: author.device.clone(),
            reason: author.reason.clone(),
            value,
            supersedes,
        });
    }

    /// The register of a field, if written.
    fn register(&self, instance: &str, field: &str) -> Option<&Register> {
        self.fields.get(instance)?.get(field)
    }

    /// The author of every commit applied (the user inside its body) and how many commits each
    /// made, by name: what a client checks against the study's users
    /// ([`crate::sync::authors::unknown_authors`]).
    pub fn authors(&self) -> impl Iterator<Item = (&str, usize)> + '_ {
        self.authors.iter().map(|(user, n)| (user.as_str(), *n))
    }

    /// Number of distinct commits applied.
    pub fn commit_count(&self) -> usize {
        self.commits.len()
    }

    /// Every commit applied, by id, as the state keeps it.
    pub fn summaries(&self) -> impl Iterator<Item = &CommitSummary> + '_ {
        self.commits.values()
    }

    /// One commit applied, as the state keeps it.
    pub fn summary(&self, id: &str) -> Option<&CommitSummary> {
        self.commits.get(id)
    }

    /// Whether a commit has been applied.
    pub fn contains(&self, id: &str) -> bool {
        self.commits.contains_key(id)
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
        self.fields.get(instance).is_some_and(|f| !f.is_empty())
    }

    /// The current value of a field (the winner when in conflict); `None` when unset or cleared.
    pub fn value(&self, instance: &str, field: &str) -> Option<&Value> {
        self.register(instance, field)?.winner()?.value.as_ref()
    }

    /// Every field of an instance that has a current value, in field order: one lookup of the
    /// instance, no lookup per field.
    pub fn values_of<'a>(
        &'a self,
        instance: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Value)> + 'a {
        self.fields
            .get(instance)
            .into_iter()
            .flatten()
            .filter_map(|(field, reg)| {
                reg.winner()
                    .and_then(|w| w.value.as_ref())
                    .map(|v| (&**field, v))
            })
    }

    /// The writes a new write of this field must list in `supersedes` (it has seen them).
    pub fn heads(&self, instance: &str, field: &str) -> Vec<CommitId> {
        self.register(instance, field)
            .map(|r| {
                r.heads()
                    .into_iter()
                    .map(|w| w.commit.to_string())
                    .collect()
            })
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
            .register(instance, field)
            .map(|r| r.writes.iter().collect())
            .unwrap_or_default();
        writes.sort_by(|a, b| (&a.hlc, &a.commit).cmp(&(&b.hlc, &b.commit)));
        writes
    }

    /// How many fields are in conflict (cheap: most registers hold one write).
    pub fn conflict_count(&self) -> usize {
        self.fields
            .values()
            .flat_map(BTreeMap::values)
            .filter(|reg| reg.in_conflict())
            .count()
    }

    /// Every field in conflict.
    pub fn conflicts(&self) -> Vec<Conflict> {
        self.fields
            .iter()
            .flat_map(|(instance, fields)| {
                fields.iter().filter_map(move |(field, reg)| {
                    let heads = reg.heads();
                    (heads.len() > 1).then(|| Conflict {
                        instance: instance.to_string(),
                        field: field.to_string(),
                        writes: heads.into_iter().cloned().collect(),
                    })
                })
            })
            .collect()
    }
}
