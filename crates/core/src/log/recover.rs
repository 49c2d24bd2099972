//! A commit's operations read back from the fold, for a commit whose record can no longer be
//! read or sent (damaged in the browser's files after it was folded into the snapshot): what a
//! tablet re-sends, under a new device id, when its own chain has a record the server can never
//! receive (`docs/sync-protocol.md`, "Re-chaining a device").

use std::collections::{BTreeMap, BTreeSet};

use super::commit::Op;
use super::fork::superseding;
use super::state::State;

/// The reason recorded on a re-chaining commit (the old device and its sequences follow).
pub const RECHAIN_REASON: &str =
    "Re-sends, under a new device id, the commits of a chain with a damaged record:";

impl State {
    /// The operations of each commit of `ids` as the fold holds them, by commit id: the forms it
    /// created, then its field writes and clearings (with the writes they superseded), its
    /// confirmations and its deletions. A commit's own order of operations is not kept, which
    /// the fold does not need (one write per field per commit). A commit the fold lacks has none.
    pub fn ops_of(&self, ids: &BTreeSet<&str>) -> BTreeMap<String, Vec<Op>> {
        let mut creates: BTreeMap<String, Vec<Op>> = BTreeMap::new();
        let mut writes: BTreeMap<String, Vec<Op>> = BTreeMap::new();
        let mut later: BTreeMap<String, Vec<Op>> = BTreeMap::new();
        for (instance, f) in &self.created {
            if ids.contains(f.created.as_str()) {
                creates
                    .entry(f.created.clone())
                    .or_default()
                    .push(Op::CreateForm {
                        instance: instance.clone(),
                        form: f.form.clone(),
                        patient: f.patient.clone(),
                    });
            }
        }
        for (instance, fields) in &self.fields {
            for (field, register) in fields {
                for w in register.writes.iter().filter(|w| ids.contains(&*w.commit)) {
                    let supersedes = w.supersedes.iter().map(|s| s.to_string()).collect();
                    let (instance, field) = (instance.to_string(), field.to_string());
                    writes
                        .entry(w.commit.to_string())
                        .or_default()
                        .push(match &w.value {
                            Some(value) => Op::SetField {
                                instance,
                                field,
                                value: value.clone(),
                                supersedes,
                            },
                            None => Op::ClearField {
                                instance,
                                field,
                                supersedes,
                            },
                        });
                }
            }
        }
        for ((instance, field), by) in &self.confirmations {
            for (commit, c) in by.iter().filter(|(id, _)| ids.contains(id.as_str())) {
                later
                    .entry(commit.clone())
                    .or_default()
                    .push(Op::ConfirmValue {
                        instance: instance.clone(),
                        field: field.clone(),
                        value: c.value.clone(),
                    });
            }
        }
        for (instance, by) in &self.deletions {
            for commit in by.keys().filter(|id| ids.contains(id.as_str())) {
                later
                    .entry(commit.clone())
                    .or_default()
                    .push(Op::DeleteForm {
                        instance: instance.clone(),
                    });
            }
        }
        let mut out: BTreeMap<String, Vec<Op>> = BTreeMap::new();
        for part in [creates, writes, later] {
            for (id, ops) in part {
                out.entry(id).or_default().extend(ops);
            }
        }
        out
    }

    /// The operations of one commit that makes the commits `ids` (in this order) again: each
    /// one's operations read back from the fold ([`State::ops_of`]), every field write also
    /// superseding the write it repeats ([`superseding`]).
    pub fn rechain_ops(&self, ids: &[&str]) -> Vec<Op> {
        let wanted: BTreeSet<&str> = ids.iter().copied().collect();
        let of = self.ops_of(&wanted);
        ids.iter()
            .filter_map(|id| of.get(*id).map(|ops| superseding(ops, id)))
            .flatten()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::log::{Commit, DeviceLog};

    fn set(instance: &str, field: &str, value: serde_json::Value, supersedes: &[&Commit]) -> Op {
        Op::SetField {
            instance: instance.into(),
            field: field.into(),
            value,
            supersedes: supersedes.iter().map(|c| c.id.clone()).collect(),
        }
    }

    fn commits() -> Vec<Commit> {
        let mut log = DeviceLog::new("tab-old");
        let c1 = log.commit(
            1,
            "u",
            None,
            vec![
                Op::CreateForm {
                    instance: "f1".into(),
                    form: "labs".into(),
                    patient: "HCC-001-0001".into(),
                },
                set("f1", "alb", json!(35), &[]),
                set("f1", "tbil", json!(18.5), &[]),
            ],
        );
        let c2 = log.commit(
            2,
            "u",
            Some("correction".into()),
            vec![
                set("f1", "alb", json!(60), &[&c1]),
                Op::ClearField {
                    instance: "f1".into(),
                    field: "tbil".into(),
                    supersedes: vec![c1.id.clone()],
                },
                Op::ConfirmValue {
                    instance: "f1".into(),
                    field: "alb".into(),
                    value: json!(60),
                },
            ],
        );
        let c3 = log.commit(
            3,
            "u",
            None,
            vec![Op::DeleteForm {
                instance: "f1".into(),
            }],
        );
        vec![c1, c2, c3]
    }

    #[test]
    fn each_commit_reads_back_as_its_operations() {
        let commits = commits();
        let state = State::from_commits(&commits);
        let ids: BTreeSet<&str> = commits.iter().map(|c| c.id.as_str()).collect();
        let of = state.ops_of(&ids);
        for c in &commits {
            assert_eq!(of[&c.id], c.body.ops, "{}", c.body.seq);
        }
        assert!(state.ops_of(&BTreeSet::from(["no-such-commit"])).is_empty());
    }

    /// Folded beside the commits it makes again (this tablet) or without them (every other
    /// one), the re-chaining commit gives the same values, with no conflict.
    #[test]
    fn the_rechained_commit_gives_the_same_values_with_or_without_the_old_ones() {
        let commits = commits();
        let state = State::from_commits(&commits[..2]);
        let ids: Vec<&str> = commits[..2].iter().map(|c| c.id.as_str()).collect();
        let mut new = DeviceLog::new("tab-new");
        let again = new.commit(
            10,
            "system",
            Some(RECHAIN_REASON.into()),
            state.rechain_ops(&ids),
        );
        let here = State::from_commits([&commits[0], &commits[1], &again]);
        let elsewhere = State::from_commits([&again]);
        for s in [&here, &elsewhere] {
            assert_eq!(s.value("f1", "alb"), Some(&json!(60)));
            assert_eq!(s.value("f1", "tbil"), None);
            assert_eq!(s.conflict_count(), 0);
            assert!(s.is_confirmed("f1", "alb", &json!(60)));
        }
    }
}
