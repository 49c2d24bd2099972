//! The folded state as one value to store and restore (`docs/sync-protocol.md`, "Sealed
//! snapshot"): what a tablet keeps so that unlocking opens one record and folds only the commits
//! stored after it, instead of opening and folding every commit.
//!
//! Every text the state shares (user, device, reason, field id) is written once in `names` and
//! every commit once in `commits`; the writes, deletions, confirmations and forms refer to them by
//! index. [`State::restore`] gives back a state equal to the one snapshotted (property-tested),
//! so that folding more commits into it gives what folding all of them would.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::state::State;

/// The folded state, by index (see the module's documentation).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    /// Users, devices, reasons and field ids: each once, sorted.
    pub names: Vec<String>,
    /// Every commit folded, sorted by id.
    pub commits: Vec<SnapshotCommit>,
    /// Every form instance created, sorted by instance id.
    pub forms: Vec<SnapshotForm>,
    /// Every instance deleted, sorted by instance id.
    pub deletions: Vec<SnapshotDeletion>,
    /// Every instance's written fields, sorted by instance id.
    pub fields: Vec<SnapshotInstance>,
    /// Every confirmation of a value, sorted by (instance, field, commit).
    pub confirmations: Vec<SnapshotConfirmation>,
}

/// A commit id: one of the snapshot's commits (by index), or another (a write may name a commit
/// not folded yet).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum IdRef {
    /// The commit at this index of [`Snapshot::commits`].
    Commit(u32),
    /// An id of a commit not in the snapshot (64 hex digits).
    Other(String),
}

/// One commit as the state keeps it ([`CommitSummary`]); names by index into
/// [`Snapshot::names`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotCommit {
    /// Its id (64 hex digits).
    pub id: String,
    /// The device that made it.
    pub device: u32,
    /// Its sequence on that device.
    pub seq: u64,
    /// The device's previous commit.
    pub prev: Option<IdRef>,
    /// Its time: milliseconds, counter, device (the clock's).
    pub wall_ms: u64,
    /// See `wall_ms`.
    pub counter: u32,
    /// See `wall_ms`.
    pub clock_device: u32,
    /// Who made it.
    pub user: u32,
    /// Why.
    pub reason: Option<u32>,
    /// The form instances it touches.
    pub instances: Vec<String>,
}

/// A form instance: its form, its patient and the commit that created it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotForm {
    /// The instance's id.
    pub instance: String,
    /// The form's id.
    pub form: String,
    /// The patient's subject ID.
    pub patient: String,
    /// The commit that created it (index).
    pub created: u32,
}

/// The commits that deleted an instance (indexes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotDeletion {
    /// The instance's id.
    pub instance: String,
    /// The deleting commits, sorted by id.
    pub commits: Vec<u32>,
}

/// An instance's written fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotInstance {
    /// The instance's id.
    pub instance: String,
    /// Its fields' registers, sorted by field id.
    pub registers: Vec<SnapshotRegister>,
}

/// A field's register: its writes and the ids they replaced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotRegister {
    /// The field's id (index into the names).
    pub field: u32,
    /// Every write, sorted by commit id.
    pub writes: Vec<SnapshotWrite>,
    /// The writes replaced, sorted by id.
    pub superseded: Vec<IdRef>,
}

/// One write of a field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotWrite {
    /// The commit that made it (index).
    pub commit: u32,
    /// The value written; `None` when cleared.
    pub value: Option<SnapshotValue>,
    /// The writes it replaced, as the commit lists them.
    pub supersedes: Vec<IdRef>,
}

/// A confirmation of a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SnapshotConfirmation {
    /// The instance's id.
    pub instance: String,
    /// The field's id.
    pub field: String,
    /// The confirming commit (index).
    pub commit: u32,
    /// The value confirmed (canonical).
    pub value: SnapshotValue,
}

/// A JSON value, in a form a non-self-describing encoding reads back (numbers keep their kind:
/// an unsigned integer, a negative integer or a float, as `serde_json` holds them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum SnapshotValue {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A non-negative integer.
    PosInt(u64),
    /// A negative integer.
    NegInt(i64),
    /// Any other number.
    Float(f64),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<SnapshotValue>),
    /// An object, its members sorted by key.
    Object(Vec<(String, SnapshotValue)>),
}

impl SnapshotValue {
    fn of(v: &Value) -> SnapshotValue {
        match v {
            Value::Null => SnapshotValue::Null,
            Value::Bool(b) => SnapshotValue::Bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => SnapshotValue::PosInt(u),
                (None, Some(i)) => SnapshotValue::NegInt(i),
                _ => SnapshotValue::Float(n.as_f64().unwrap_or(0.0)),
            },
            Value::String(s) => SnapshotValue::String(s.clone()),
            Value::Array(a) => SnapshotValue::Array(a.iter().map(SnapshotValue::of).collect()),
            Value::Object(o) => SnapshotValue::Object(
                o.iter()
                    .map(|(k, v)| (k.clone(), SnapshotValue::of(v)))
                    .collect(),
            ),
        }
    }

    fn value(self) -> Value {
        match self {
            SnapshotValue::Null => Value::Null,
            SnapshotValue::Bool(b) => Value::Bool(b),
            SnapshotValue::PosInt(u) => Value::from(u),
            SnapshotValue::NegInt(i) => Value::from(i),
            SnapshotValue::Float(f) => {
                serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)
            }
            SnapshotValue::String(s) => Value::String(s),
            SnapshotValue::Array(a) => Value::Array(a.into_iter().map(Self::value).collect()),
            SnapshotValue::Object(o) => {
                Value::Object(o.into_iter().map(|(k, v)| (k, v.value())).collect())
            }
        }
    }
}

/// Why a snapshot does not restore: it refers to a name or commit it does not hold, or its
/// lists are not sorted and unique (it was not made by [`State::snapshot`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the snapshot is not valid: {0}")]
pub struct SnapshotError(pub &'static str);

mod restore;

impl State {
    /// The state as a [`Snapshot`].
    pub fn snapshot(&self) -> Snapshot {
        let names: Vec<&Arc<str>> = self.names.iter().collect();
        let name = |n: &str| -> u32 {
            names
                .binary_search_by(|x| (***x).cmp(n))
                .map_or(u32::MAX, |i| i as u32)
        };
        let index: BTreeMap<&str, u32> = self
            .commits
            .keys()
            .enumerate()
            .map(|(i, id)| (&**id, i as u32))
            .collect();
        let commit = |id: &str| index.get(id).copied().unwrap_or(u32::MAX);
        let id_ref = |id: &str| match index.get(id) {
            Some(&i) => IdRef::Commit(i),
            None => IdRef::Other(id.to_owned()),
        };
        Snapshot {
            names: names.iter().map(|n| n.to_string()).collect(),
            commits: self
                .commits
                .values()
                .map(|c| SnapshotCommit {
                    id: c.id.to_string(),
                    device: name(&c.device),
                    seq: c.seq,
                    prev: c.prev.as_deref().map(id_ref),
                    wall_ms: c.hlc.wall_ms,
                    counter: c.hlc.counter,
                    clock_device: name(&c.hlc.device),
                    user: name(&c.user),
                    reason: c.reason.as_deref().map(name),
                    instances: c.instances.iter().map(|i| i.to_string()).collect(),
                })
                .collect(),
            forms: self
                .created
                .iter()
                .map(|(instance, f)| SnapshotForm {
                    instance: instance.clone(),
                    form: f.form.clone(),
                    patient: f.patient.clone(),
                    created: commit(&f.created),
                })
                .collect(),
            deletions: self
                .deletions
                .iter()
                .map(|(instance, d)| SnapshotDeletion {
                    instance: instance.clone(),
                    commits: d.keys().map(|id| commit(id)).collect(),
                })
                .collect(),
            fields: self
                .fields
                .iter()
                .map(|(instance, fields)| SnapshotInstance {
                    instance: instance.to_string(),
                    registers: fields
                        .iter()
                        .map(|(field, reg)| SnapshotRegister {
                            field: name(field),
                            writes: reg
                                .writes
                                .iter()
                                .map(|w| SnapshotWrite {
                                    commit: commit(&w.commit),
                                    value: w.value.as_ref().map(SnapshotValue::of),
                                    supersedes: w.supersedes.iter().map(|s| id_ref(s)).collect(),
                                })
                                .collect(),
                            superseded: reg.superseded.iter().map(|s| id_ref(s)).collect(),
                        })
                        .collect(),
                })
                .collect(),
            confirmations: self
                .confirmations
                .iter()
                .flat_map(|((instance, field), by)| {
                    by.iter().map(|(id, c)| SnapshotConfirmation {
                        instance: instance.clone(),
                        field: field.clone(),
                        commit: commit(id),
                        value: SnapshotValue::of(&c.value),
                    })
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests;
