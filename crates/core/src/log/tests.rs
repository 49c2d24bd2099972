//! The commit log: overwrite vs conflict, resolution, the hash chain, and the properties that
//! make merging safe (any order, duplicates, nothing dropped).

use proptest::prelude::*;
use serde_json::json;

use super::chain::{verify, ChainError};
use super::*;

fn set(instance: &str, field: &str, value: serde_json::Value, supersedes: Vec<CommitId>) -> Op {
    Op::SetField {
        instance: instance.into(),
        field: field.into(),
        value,
        supersedes,
    }
}

fn create(instance: &str) -> Op {
    Op::CreateForm {
        instance: instance.into(),
        form: "labs".into(),
        patient: "HCC-001-0001".into(),
    }
}

#[test]
fn a_write_that_saw_the_previous_value_replaces_it_and_both_stay_in_history() {
    let mut tab = DeviceLog::new("tab-a");
    let mut state = State::default();
    let c1 = tab.commit(
        1_000,
        "crc1",
        None,
        vec![create("f1"), set("f1", "alb", json!(36), vec![])],
    );
    state.apply(&c1);
    let c2 = tab.commit(
        2_000,
        "crc1",
        Some("transcription error".into()),
        vec![set("f1", "alb", json!(38), state.heads("f1", "alb"))],
    );
    state.apply(&c2);
    assert_eq!(state.value("f1", "alb"), Some(&json!(38)));
    assert!(state.conflicts().is_empty());
    let history = state.history("f1", "alb");
    assert_eq!(
        history
            .iter()
            .map(|w| w.value.clone().unwrap())
            .collect::<Vec<_>>(),
        [json!(36), json!(38)]
    );
    assert_eq!(history[1].reason.as_deref(), Some("transcription error"));
    assert_eq!(&*history[1].user, "crc1");
    assert_eq!(&*history[1].device, "tab-a");
}

#[test]
fn writes_that_did_not_see_each_other_conflict_until_resolved() {
    let (mut a, mut b) = (DeviceLog::new("tab-a"), DeviceLog::new("tab-b"));
    let base = a.commit(
        1_000,
        "crc1",
        None,
        vec![create("f1"), set("f1", "alb", json!(36), vec![])],
    );
    let mut sa = State::from_commits([&base]);
    let sb = State::from_commits([&base]);
    b.observe(&base.body.hlc, 1_500);
    let ca = a.commit(
        2_000,
        "crc1",
        Some("re-read".into()),
        vec![set("f1", "alb", json!(37), sa.heads("f1", "alb"))],
    );
    let cb = b.commit(
        3_000,
        "pi",
        Some("re-read".into()),
        vec![set("f1", "alb", json!(39), sb.heads("f1", "alb"))],
    );
    sa.apply(&ca);
    sa.apply(&cb);
    let conflicts = sa.conflicts();
    assert_eq!(sa.conflict_count(), conflicts.len());
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].writes.len(), 2);
    // The later clock wins while the conflict is open.
    assert_eq!(sa.value("f1", "alb"), Some(&json!(39)));
    let fix = a.commit(
        4_000,
        "dm",
        Some("source document: 37".into()),
        vec![set("f1", "alb", json!(37), sa.heads("f1", "alb"))],
    );
    sa.apply(&fix);
    assert!(sa.conflicts().is_empty());
    assert_eq!(sa.conflict_count(), 0);
    assert_eq!(sa.value("f1", "alb"), Some(&json!(37)));
}

#[test]
fn the_chain_detects_missing_altered_and_forked_commits() {
    let mut tab = DeviceLog::new("tab-a");
    let commits: Vec<Commit> = (0..4)
        .map(|i| {
            tab.commit(
                1_000 + i,
                "crc1",
                None,
                vec![set("f1", "x", json!(i), vec![])],
            )
        })
        .collect();
    assert_eq!(verify(&commits), Ok(()));
    let mut dup = commits.clone();
    dup.push(commits[1].clone());
    assert_eq!(verify(&dup), Ok(()), "a duplicate is not a break");
    let missing: Vec<Commit> = commits
        .iter()
        .filter(|c| c.body.seq != 2)
        .cloned()
        .collect();
    assert_eq!(
        verify(&missing),
        Err(ChainError::Missing {
            device: "tab-a".into(),
            seq: 2
        })
    );
    let mut altered = commits.clone();
    altered[2].body.ops = vec![set("f1", "x", json!(99), vec![])];
    assert_eq!(
        verify(&altered),
        Err(ChainError::Altered {
            device: "tab-a".into(),
            seq: 3
        })
    );
    let mut resealed = commits.clone();
    resealed[2].body.ops = vec![set("f1", "x", json!(99), vec![])];
    resealed[2] = resealed[2].body.clone().into_commit();
    assert_eq!(
        verify(&resealed),
        Err(ChainError::Broken {
            device: "tab-a".into(),
            seq: 4
        }),
        "re-hashing breaks the next link"
    );
}

#[test]
fn commit_ids_are_stable_and_content_addressed() {
    let mut tab = DeviceLog::new("tab-a");
    let c = tab.commit(
        1_000,
        "crc1",
        None,
        vec![set("f1", "x", json!({"b": 1, "a": 2}), vec![])],
    );
    let json = serde_json::to_string(&c).unwrap();
    let back: Commit = serde_json::from_str(&json).unwrap();
    assert_eq!(back, c);
    assert!(back.is_intact());
    assert_eq!(c.id.len(), 64);
}

/// A random history: three devices writing two fields of one form, syncing now and then.
#[derive(Debug, Clone)]
pub(super) enum Action {
    Write {
        device: usize,
        field: usize,
        value: i64,
    },
    Clear {
        device: usize,
        field: usize,
    },
    Sync {
        to: usize,
        from: usize,
    },
}

pub(super) fn action() -> impl Strategy<Value = Action> {
    prop_oneof![
        4 => (0..3usize, 0..2usize, -5..5i64).prop_map(|(device, field, value)| Action::Write { device, field, value }),
        1 => (0..3usize, 0..2usize).prop_map(|(device, field)| Action::Clear { device, field }),
        2 => (0..3usize, 0..3usize).prop_map(|(to, from)| Action::Sync { to, from }),
    ]
}

/// Plays the actions; returns every commit made, in creation order.
pub(super) fn play(actions: &[Action]) -> Vec<Commit> {
    let mut logs: Vec<DeviceLog> = (0..3)
        .map(|d| DeviceLog::new(&format!("tab-{d}")))
        .collect();
    let mut views: Vec<State> = vec![State::default(); 3];
    let mut known: Vec<Vec<Commit>> = vec![Vec::new(); 3];
    let mut all = Vec::new();
    let first = logs[0].commit(1, "crc", None, vec![create("f1")]);
    views[0].apply(&first);
    known[0].push(first.clone());
    all.push(first);
    for (t, a) in actions.iter().enumerate() {
        let now = 10 + t as u64 / 2;
        let field = |f: usize| ["alb", "bili"][f];
        match *a {
            Action::Write {
                device,
                field: f,
                value,
            } => {
                let sup = views[device].heads("f1", field(f));
                let c = logs[device].commit(
                    now,
                    "crc",
                    None,
                    vec![set("f1", field(f), json!(value), sup)],
                );
                views[device].apply(&c);
                known[device].push(c.clone());
                all.push(c);
            }
            Action::Clear { device, field: f } => {
                let sup = views[device].heads("f1", field(f));
                let op = Op::ClearField {
                    instance: "f1".into(),
                    field: field(f).into(),
                    supersedes: sup,
                };
                let c = logs[device].commit(now, "crc", None, vec![op]);
                views[device].apply(&c);
                known[device].push(c.clone());
                all.push(c);
            }
            Action::Sync { to, from } => {
                let incoming = known[from].clone();
                for c in incoming {
                    if views[to].apply(&c) {
                        logs[to].observe(&c.body.hlc, now);
                        known[to].push(c);
                    }
                }
            }
        }
    }
    all
}

proptest! {
    #[test]
    fn merging_in_any_order_with_duplicates_gives_one_state(
        actions in proptest::collection::vec(action(), 0..40),
        seed in any::<u64>(),
    ) {
        let commits = play(&actions);
        let in_order = State::from_commits(&commits);
        // A deterministic shuffle with duplicates.
        let mut shuffled: Vec<&Commit> = commits.iter().chain(commits.iter().step_by(3)).collect();
        let mut x = seed | 1;
        for i in (1..shuffled.len()).rev() {
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            shuffled.swap(i, (x % (i as u64 + 1)) as usize);
        }
        let merged = State::from_commits(shuffled);
        prop_assert_eq!(&merged, &in_order);
        // Nothing is dropped: every commit is in the state and in some field's history.
        prop_assert_eq!(in_order.commit_count(), commits.len());
        // Each commit counted once under its author, duplicates or not.
        prop_assert_eq!(merged.authors().map(|(_, n)| n).sum::<usize>(), commits.len());
        for c in &commits {
            prop_assert!(in_order.contains(&c.id));
            for op in &c.body.ops {
                if let Op::SetField { field, .. } | Op::ClearField { field, .. } = op {
                    prop_assert!(in_order.history("f1", field).iter().any(|w| *w.commit == *c.id));
                }
            }
        }
        prop_assert_eq!(verify(&commits), Ok(()));
    }

    #[test]
    fn the_chain_detects_any_missing_or_altered_commit(
        actions in proptest::collection::vec(action(), 1..30),
        pick in any::<prop::sample::Index>(),
    ) {
        let commits = play(&actions);
        // A commit with a successor on its device: removing it must break the chain.
        let candidates: Vec<usize> = (0..commits.len())
            .filter(|&i| commits.iter().any(|c| c.body.device == commits[i].body.device && c.body.seq == commits[i].body.seq + 1))
            .collect();
        if let Some(&i) = candidates.get(pick.index(candidates.len().max(1))) {
            let mut missing = commits.clone();
            missing.remove(i);
            prop_assert!(verify(&missing).is_err());
        }
        let j = pick.index(commits.len());
        let mut altered = commits.clone();
        altered[j].body.user = "mallory".into();
        prop_assert!(verify(&altered).is_err());
    }
}

#[test]
fn a_device_resumes_its_chain_after_every_commit_it_holds() {
    let mut a = DeviceLog::new("a");
    let mut b = DeviceLog::new("b");
    let a1 = a.commit(5_000, "u", None, vec![create("i1")]);
    let a2 = a.commit(6_000, "u", None, vec![create("i2")]);
    let b1 = b.commit(9_000, "u", None, vec![create("i3")]);
    let mut resumed = DeviceLog::resume("a", [&b1, &a2, &a1]);
    assert_eq!(
        (resumed.seq, resumed.last.as_deref()),
        (2, Some(a2.id.as_str()))
    );
    // The next commit chains on and sorts after everything seen, even with a slow clock.
    let a3 = resumed.commit(1_000, "u", None, vec![create("i4")]);
    assert_eq!(
        (a3.body.seq, a3.body.prev.as_deref()),
        (3, Some(a2.id.as_str()))
    );
    assert!(a3.body.hlc > b1.body.hlc);
    assert!(chain::verify(&[a1, a2, a3, b1]).is_ok());
}

#[test]
fn whole_numbers_are_stored_as_integers_so_ids_survive_a_javascript_round_trip() {
    let mut dev = DeviceLog::new("a");
    let c = dev.commit(
        1,
        "u",
        None,
        vec![set(
            "i1",
            "alb",
            serde_json::json!([36.0, 36.5, {"x": 1e10}]),
            vec![],
        )],
    );
    let Op::SetField { value, .. } = &c.body.ops[0] else {
        panic!("a set");
    };
    assert_eq!(value.to_string(), "[36,36.5,{\"x\":10000000000}]");
    // What JavaScript hands back (every number a double, whole ones printed bare) hashes the same.
    let back: Commit = serde_json::from_str(&serde_json::to_string(&c).unwrap()).unwrap();
    assert!(back.is_intact());
}

#[test]
fn values_of_lists_each_field_with_its_current_value() {
    let mut dev = DeviceLog::new("a");
    let c1 = dev.commit(
        1,
        "u",
        None,
        vec![
            create("i1"),
            set("i1", "b", serde_json::json!(2), vec![]),
            set("i1", "a", serde_json::json!(1), vec![]),
        ],
    );
    let mut state = State::from_commits([&c1]);
    let c2 = dev.commit(
        2,
        "u",
        None,
        vec![Op::ClearField {
            instance: "i1".into(),
            field: "b".into(),
            supersedes: state.heads("i1", "b"),
        }],
    );
    state.apply(&c2);
    let c3 = dev.commit(
        3,
        "u",
        None,
        vec![create("i10"), set("i10", "a", serde_json::json!(9), vec![])],
    );
    state.apply(&c3);
    assert_eq!(state.conflict_count(), state.conflicts().len());
    let listed: Vec<(&str, &serde_json::Value)> = state.values_of("i1").collect();
    assert_eq!(listed, [("a", &serde_json::json!(1))]);
    assert_eq!(state.values_of("i10").count(), 1);
    assert_eq!(
        state.patient_of("i1"),
        state.form("i1").map(|f| f.patient).as_deref()
    );
    assert_eq!(state.patient_of("nope"), None);
    assert_eq!(state.values_of("i").count(), 0);
}
