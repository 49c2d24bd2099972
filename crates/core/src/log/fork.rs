//! Forked device chains: two commits of one device under one sequence, left by two tabs that
//! saved at once before saves were serialised. Nothing stored is ever dropped: the branch the
//! device continues is kept, the commits off it stay in the log (and in the fold), and one new
//! commit on the kept branch re-applies them, so that the server, which takes one chain per
//! device, receives their content; the commits off the chain are never uploaded.

use std::collections::{BTreeMap, BTreeSet};

use super::commit::{Commit, CommitId, Op};
use super::summary::ChainLink;

/// The reason recorded on a repair commit (its ids follow).
pub const REPAIR_REASON: &str = "Repair of a forked chain: re-applies commits";

/// The ids of the commits on each device's kept chain: from the device's head (the highest
/// sequence; among commits at that sequence the smallest id, as [`super::DeviceLog::resume`]
/// continues) back through the `prev` links.
pub fn kept_chains<L: ChainLink>(commits: &[L]) -> BTreeMap<&str, BTreeSet<&str>> {
    let by_id: BTreeMap<&str, &L> = commits.iter().map(|c| (c.id(), c)).collect();
    let mut heads: BTreeMap<&str, &L> = BTreeMap::new();
    for c in commits {
        let head = heads.entry(c.device()).or_insert(c);
        if (c.seq(), std::cmp::Reverse(c.id())) > (head.seq(), std::cmp::Reverse(head.id())) {
            *head = c;
        }
    }
    heads
        .into_iter()
        .map(|(device, head)| {
            let mut chain = BTreeSet::new();
            let mut at = Some(head);
            while let Some(c) = at {
                if !chain.insert(c.id()) {
                    break;
                }
                at = c.prev().and_then(|p| by_id.get(p).copied());
            }
            (device, chain)
        })
        .collect()
}

/// The commits off their device's kept chain, in (device, sequence, id) order.
pub fn off_chain<L: ChainLink>(commits: &[L]) -> Vec<&L> {
    let kept = kept_chains(commits);
    let mut off: Vec<&L> = commits
        .iter()
        .filter(|c| {
            kept.get(c.device())
                .is_some_and(|chain| !chain.contains(c.id()))
        })
        .collect();
    off.sort_by(|a, b| (a.device(), a.seq(), a.id()).cmp(&(b.device(), b.seq(), b.id())));
    off.dedup_by(|a, b| a.id() == b.id());
    off
}

/// The operations that re-apply `off` on the kept branch, in order. A field write also
/// supersedes the off-chain write it repeats (so the field keeps one value, not a conflict
/// with itself); everything else is repeated as it was (creating a form and confirming a value
/// are idempotent in the fold).
pub fn repair_ops(off: &[&Commit]) -> Vec<Op> {
    off.iter()
        .flat_map(|c| superseding(&c.body.ops, &c.id))
        .collect()
}

/// `ops` of the commit `id` made again by another commit: each field write or clearing also
/// supersedes the write of `id` it repeats (so the field keeps one value, not a conflict with
/// itself); everything else as it was (creating a form, confirming a value and deleting a form
/// are idempotent in the fold).
fn superseding<'a>(ops: impl IntoIterator<Item = &'a Op>, id: &str) -> Vec<Op> {
    let with_own = |supersedes: &[CommitId]| {
        let mut s = supersedes.to_vec();
        s.push(id.to_owned());
        s.sort();
        s.dedup();
        s
    };
    ops.into_iter()
        .map(|op| match op {
            Op::SetField {
                instance,
                field,
                value,
                supersedes,
            } => Op::SetField {
                instance: instance.clone(),
                field: field.clone(),
                value: value.clone(),
                supersedes: with_own(supersedes),
            },
            Op::ClearField {
                instance,
                field,
                supersedes,
            } => Op::ClearField {
                instance: instance.clone(),
                field: field.clone(),
                supersedes: with_own(supersedes),
            },
            other => other.clone(),
        })
        .collect()
}

/// The reason of the commit repairing `off`: [`REPAIR_REASON`] and their ids.
pub fn repair_reason(off: &[&Commit]) -> String {
    let ids: Vec<&str> = off.iter().map(|c| c.id.as_str()).collect();
    format!("{REPAIR_REASON} {}", ids.join(", "))
}

/// The off-chain commits of `device` that no repair commit (by its reason) has re-applied yet.
/// Only `device`'s own commits are looked at (its chain links only its own).
pub fn unrepaired<'a, L: ChainLink>(commits: &'a [L], device: &str) -> Vec<&'a L> {
    let own: Vec<&L> = commits.iter().filter(|c| c.device() == device).collect();
    let repaired: BTreeSet<&str> = own
        .iter()
        .filter_map(|c| c.reason()?.strip_prefix(REPAIR_REASON))
        .flat_map(|ids| ids.split(',').map(str::trim))
        .collect();
    off_chain(&own)
        .into_iter()
        .copied()
        .filter(|c| !repaired.contains(c.id()))
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::log::{chain, DeviceLog, State};

    fn set(instance: &str, field: &str, v: serde_json::Value) -> Op {
        Op::SetField {
            instance: instance.into(),
            field: field.into(),
            value: v,
            supersedes: Vec::new(),
        }
    }

    /// Two tabs continue the chain from one head: a fork at sequence 2.
    fn forked() -> Vec<Commit> {
        let mut tab1 = DeviceLog::new("tab-x");
        let c1 = tab1.commit(1_000, "u", None, vec![set("i1", "a", json!(1))]);
        let mut tab2 = tab1.clone();
        let c2 = tab1.commit(2_000, "u", None, vec![set("i1", "b", json!(2))]);
        let c3 = tab1.commit(3_000, "u", None, vec![set("i1", "c", json!(3))]);
        let d2 = tab2.commit(2_500, "u", None, vec![set("i2", "a", json!(9))]);
        vec![c1, c2, c3, d2]
    }

    #[test]
    fn the_longest_branch_is_kept_and_the_other_commit_is_off_it() {
        let commits = forked();
        let off = off_chain(&commits);
        assert_eq!(off.len(), 1);
        assert_eq!(off[0].id, commits[3].id);
        let kept: Vec<&Commit> = commits.iter().filter(|c| c.id != off[0].id).collect();
        let kept: Vec<Commit> = kept.into_iter().cloned().collect();
        assert_eq!(chain::verify(&kept), Ok(()));
        assert!(off_chain(&kept).is_empty());
    }

    #[test]
    fn a_repair_commit_carries_the_off_chain_content_onto_the_kept_chain() {
        let mut commits = forked();
        let off: Vec<Commit> = unrepaired(&commits, "tab-x").into_iter().cloned().collect();
        let refs: Vec<&Commit> = off.iter().collect();
        let mut log = DeviceLog::resume("tab-x", &commits);
        let repair = log.commit(
            4_000,
            "system",
            Some(repair_reason(&refs)),
            repair_ops(&refs),
        );
        commits.push(repair.clone());
        // The kept chain plus the repair is a whole chain that holds every value.
        let on_chain: Vec<Commit> = commits
            .iter()
            .filter(|c| !off.iter().any(|o| o.id == c.id))
            .cloned()
            .collect();
        assert_eq!(chain::verify(&on_chain), Ok(()));
        let state = State::from_commits(&on_chain);
        assert_eq!(state.value("i2", "a"), Some(&json!(9)));
        assert_eq!(state.value("i1", "c"), Some(&json!(3)));
        // With the off-chain commit folded too (as on this tablet), the value is one, not a
        // conflict with itself; and nothing is left to repair.
        let all = State::from_commits(&commits);
        assert_eq!(all.value("i2", "a"), Some(&json!(9)));
        assert_eq!(all.conflict_count(), 0);
        assert!(unrepaired(&commits, "tab-x").is_empty());
    }
}
