//! [`State::restore`]: a [`Snapshot`] back into the state it was made from, every index
//! checked (a snapshot that refers to what it does not hold is refused, never a panic).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use super::{IdRef, Snapshot, SnapshotError};
use crate::log::hlc::Hlc;
use crate::log::register::{FieldWrite, Register};
use crate::log::state::{Confirmation, Deletion, FormState, State};
use crate::log::summary::CommitSummary;

/// An instance's registers, by field id.
type Registers = BTreeMap<Arc<str>, Register>;

/// What every write, deletion and confirmation of one commit shares.
struct Author {
    id: Arc<str>,
    hlc: Hlc,
    user: Arc<str>,
    device: Arc<str>,
    reason: Option<Arc<str>>,
}

fn strictly_sorted<T: Ord>(items: impl IntoIterator<Item = T>) -> bool {
    let mut last: Option<T> = None;
    for item in items {
        if last.as_ref().is_some_and(|l| *l >= item) {
            return false;
        }
        last = Some(item);
    }
    true
}

impl State {
    /// The state a [`Snapshot`] was made from ([`State::snapshot`]).
    ///
    /// # Errors
    /// [`SnapshotError`] when an index points past its list, or the names or commits are not
    /// sorted and unique.
    pub fn restore(s: Snapshot) -> Result<State, SnapshotError> {
        if !strictly_sorted(s.names.iter()) {
            return Err(SnapshotError("names not sorted and unique"));
        }
        if !strictly_sorted(s.commits.iter().map(|c| &c.id)) {
            return Err(SnapshotError("commits not sorted and unique"));
        }
        // The state's maps and registers are sorted and unique; a snapshot that is not would
        // restore to a subtly different state.
        let sorted = strictly_sorted(s.forms.iter().map(|f| &f.instance))
            && strictly_sorted(s.deletions.iter().map(|d| &d.instance))
            && s.deletions
                .iter()
                .all(|d| strictly_sorted(d.commits.iter()))
            && strictly_sorted(s.fields.iter().map(|f| &f.instance))
            && s.fields.iter().all(|f| {
                strictly_sorted(f.registers.iter().map(|r| r.field))
                    && f.registers
                        .iter()
                        .all(|r| strictly_sorted(r.writes.iter().map(|w| w.commit)))
            })
            && strictly_sorted(
                s.confirmations
                    .iter()
                    .map(|c| (&c.instance, &c.field, c.commit)),
            );
        if !sorted {
            return Err(SnapshotError("a list not sorted and unique"));
        }
        let names: Vec<Arc<str>> = s.names.into_iter().map(Arc::from).collect();
        let name = |i: u32| {
            names
                .get(i as usize)
                .cloned()
                .ok_or(SnapshotError("a name index out of range"))
        };
        let ids: Vec<Arc<str>> = s.commits.iter().map(|c| Arc::from(c.id.as_str())).collect();
        let id_ref = |r: &IdRef| match r {
            IdRef::Commit(i) => ids
                .get(*i as usize)
                .cloned()
                .ok_or(SnapshotError("a commit index out of range")),
            IdRef::Other(id) => Ok(Arc::from(id.as_str())),
        };
        let mut authors: Vec<Author> = Vec::with_capacity(s.commits.len());
        // Commits per user, by name index (a text is made per user, not per commit).
        let mut per_user: Vec<usize> = vec![0; names.len()];
        for (c, id) in s.commits.iter().zip(&ids) {
            let user = name(c.user)?;
            per_user[c.user as usize] += 1;
            authors.push(Author {
                id: id.clone(),
                hlc: Hlc {
                    wall_ms: c.wall_ms,
                    counter: c.counter,
                    device: name(c.clock_device)?,
                },
                user,
                device: name(c.device)?,
                reason: c.reason.map(name).transpose()?,
            });
        }
        let author = |i: u32| {
            authors
                .get(i as usize)
                .ok_or(SnapshotError("a commit index out of range"))
        };
        let users: BTreeMap<String, usize> = names
            .iter()
            .zip(per_user)
            .filter(|(_, n)| *n > 0)
            .map(|(name, n)| (name.to_string(), n))
            .collect();
        // The lists are sorted and unique (checked above): each map is built from them in order
        // (`collect` builds a map from sorted items in one pass).
        let mut fields: Vec<(Arc<str>, Registers)> = Vec::with_capacity(s.fields.len());
        for instance in s.fields {
            let mut registers = Vec::with_capacity(instance.registers.len());
            for r in instance.registers {
                let mut writes = Vec::with_capacity(r.writes.len());
                for w in r.writes {
                    let a = author(w.commit)?;
                    writes.push(FieldWrite {
                        commit: a.id.clone(),
                        hlc: a.hlc.clone(),
                        user: a.user.clone(),
                        device: a.device.clone(),
                        reason: a.reason.clone(),
                        value: w.value.map(super::SnapshotValue::value),
                        supersedes: w.supersedes.iter().map(id_ref).collect::<Result<_, _>>()?,
                    });
                }
                let superseded = r.superseded.iter().map(id_ref).collect::<Result<_, _>>()?;
                registers.push((name(r.field)?, Register { writes, superseded }));
            }
            fields.push((
                Arc::from(instance.instance),
                registers.into_iter().collect(),
            ));
        }
        let fields: BTreeMap<Arc<str>, BTreeMap<Arc<str>, Register>> = fields.into_iter().collect();
        let mut commits = Vec::with_capacity(s.commits.len());
        for (c, a) in s.commits.into_iter().zip(&authors) {
            let instances = c
                .instances
                .iter()
                .map(|i| {
                    fields
                        .get_key_value(i.as_str())
                        .map_or_else(|| Arc::from(i.as_str()), |(k, _)| k.clone())
                })
                .collect();
            let summary = CommitSummary {
                id: a.id.clone(),
                device: a.device.clone(),
                seq: c.seq,
                prev: c.prev.as_ref().map(id_ref).transpose()?,
                hlc: a.hlc.clone(),
                user: a.user.clone(),
                reason: a.reason.clone(),
                instances,
            };
            commits.push((a.id.clone(), summary));
        }
        let commits: BTreeMap<Arc<str>, CommitSummary> = commits.into_iter().collect();
        let mut created = BTreeMap::new();
        for f in s.forms {
            let a = author(f.created)?;
            created.insert(
                f.instance,
                FormState {
                    form: f.form,
                    patient: f.patient,
                    created: a.id.to_string(),
                    created_hlc: a.hlc.clone(),
                    deleted: false,
                },
            );
        }
        let mut deleted = BTreeSet::new();
        let mut deletions = BTreeMap::new();
        for d in s.deletions {
            let mut by = BTreeMap::new();
            for i in d.commits {
                let a = author(i)?;
                by.insert(
                    a.id.to_string(),
                    Deletion {
                        commit: a.id.to_string(),
                        hlc: a.hlc.clone(),
                        user: a.user.to_string(),
                        device: a.device.to_string(),
                        reason: a.reason.as_deref().map(str::to_owned),
                    },
                );
            }
            deleted.insert(d.instance.clone());
            deletions.insert(d.instance, by);
        }
        let mut confirmations: BTreeMap<(String, String), BTreeMap<String, Confirmation>> =
            BTreeMap::new();
        for c in s.confirmations {
            let a = author(c.commit)?;
            confirmations
                .entry((c.instance, c.field))
                .or_default()
                .insert(
                    a.id.to_string(),
                    Confirmation {
                        commit: a.id.to_string(),
                        hlc: a.hlc.clone(),
                        user: a.user.to_string(),
                        device: a.device.to_string(),
                        value: c.value.value(),
                    },
                );
        }
        Ok(State {
            commits,
            names: names.into_iter().collect(),
            created,
            deleted,
            deletions,
            fields,
            confirmations,
            authors: users,
        })
    }
}
