//! Tests of the snapshot: a restored state equals the state snapshotted, folding on from it
//! equals folding everything, through the byte encoding too, and a snapshot that refers to what
//! it does not hold is refused.

use proptest::prelude::*;
use serde_json::json;

use super::*;
use crate::log::tests::{action, play};
use crate::log::{Commit, DeviceLog, Op};

/// Through the bytes: postcard out and back, then restored.
fn round_trip(state: &State) -> State {
    let bytes = postcard::to_allocvec(&state.snapshot()).expect("encodes");
    let back: Snapshot = postcard::from_bytes(&bytes).expect("decodes");
    State::restore(back).expect("restores")
}

/// The state of `before`, snapshotted and restored, with `after` folded on.
fn resumed(before: &[Commit], after: &[Commit]) -> State {
    let mut state = round_trip(&State::from_commits(before));
    for c in after {
        state.apply(c);
    }
    state
}

proptest! {
    #[test]
    fn folding_on_from_a_restored_snapshot_gives_the_whole_fold(
        actions in proptest::collection::vec(action(), 0..40),
        cut in any::<prop::sample::Index>(),
    ) {
        let commits = play(&actions);
        let whole = State::from_commits(&commits);
        prop_assert_eq!(&round_trip(&whole), &whole);
        let at = cut.index(commits.len() + 1);
        let (before, after) = commits.split_at(at);
        prop_assert_eq!(&resumed(before, after), &whole);
        // A snapshot of every other commit: later ones arrive before earlier ones.
        let odd: Vec<Commit> = commits.iter().skip(1).step_by(2).cloned().collect();
        let even: Vec<Commit> = commits.iter().step_by(2).cloned().collect();
        prop_assert_eq!(&resumed(&odd, &even), &whole);
    }
}

#[test]
fn the_demo_study_round_trips_and_folds_on() {
    let commits = crate::demo::generate(12, 7).commits;
    let whole = State::from_commits(&commits);
    assert_eq!(round_trip(&whole), whole);
    let (before, after) = commits.split_at(commits.len() / 2);
    assert_eq!(resumed(before, after), whole);
    // What the app reads of it is the same too.
    let restored = round_trip(&whole);
    assert_eq!(
        crate::record::records(&restored),
        crate::record::records(&whole)
    );
    assert_eq!(
        restored.summaries().collect::<Vec<_>>(),
        whole.summaries().collect::<Vec<_>>()
    );
}

fn set(instance: &str, field: &str, value: serde_json::Value, supersedes: Vec<String>) -> Op {
    Op::SetField {
        instance: instance.into(),
        field: field.into(),
        value,
        supersedes,
    }
}

/// Deletions, confirmations, reasons, a cleared field, values of every kind, a write that
/// replaces a commit not held, and two devices' clocks.
fn everything() -> Vec<Commit> {
    let mut a = DeviceLog::new("tab-a");
    let mut b = DeviceLog::new("tab-b");
    let create = |instance: &str, patient: &str| Op::CreateForm {
        instance: instance.into(),
        form: "labs".into(),
        patient: patient.into(),
    };
    let c1 = a.commit(
        1_000,
        "dr.li",
        None,
        vec![
            create("i1", "HCC-001-0001"),
            set(
                "i1",
                "lesions",
                json!({"kind": "baseline", "targets": [{"mm": 21.5, "organ": "liver"}], "n": -3}),
                vec![],
            ),
            set("i1", "plt", json!(40), vec![]),
            set("i1", "ok", json!(true), vec![]),
            set("i1", "none", json!(null), vec![]),
        ],
    );
    let c2 = a.commit(
        2_000,
        "dr.li",
        Some("transcription error".into()),
        vec![
            set(
                "i1",
                "plt",
                json!(45.5),
                vec![c1.id.clone(), "f".repeat(64)],
            ),
            Op::ConfirmValue {
                instance: "i1".into(),
                field: "plt".into(),
                value: json!(45.5),
            },
            Op::ClearField {
                instance: "i1".into(),
                field: "ok".into(),
                supersedes: vec![c1.id.clone()],
            },
        ],
    );
    b.observe(&c2.body.hlc, 1_500);
    let c3 = b.commit(
        1_500,
        "nurse.wang",
        Some("entered twice".into()),
        vec![
            create("i2", "HCC-001-0002"),
            Op::DeleteForm {
                instance: "i2".into(),
            },
        ],
    );
    let c4 = b.commit(
        3_000,
        "nurse.wang",
        None,
        vec![set("i1", "plt", json!(44), vec![])],
    );
    vec![c1, c2, c3, c4]
}

#[test]
fn deletions_confirmations_conflicts_and_every_kind_of_value_round_trip() {
    let commits = everything();
    let whole = State::from_commits(&commits);
    assert_eq!(
        whole.conflict_count(),
        1,
        "c2 and c4 did not see each other"
    );
    let restored = round_trip(&whole);
    assert_eq!(restored, whole);
    assert_eq!(
        restored.value("i1", "lesions"),
        whole.value("i1", "lesions")
    );
    assert!(restored.is_confirmed("i1", "plt", &json!(45.5)));
    assert_eq!(restored.deletions("i2").len(), 1);
    assert_eq!(
        restored.summary(&commits[2].id).map(|s| s.instances.len()),
        Some(1)
    );
    for i in 0..=commits.len() {
        let (before, after) = commits.split_at(i);
        assert_eq!(resumed(before, after), whole, "cut at {i}");
    }
    // The first commit arriving last: its id is named before it is held.
    assert_eq!(resumed(&commits[1..], &commits[..1]), whole);
}

#[test]
fn a_snapshot_that_refers_to_what_it_does_not_hold_is_refused() {
    let good = State::from_commits(&everything()).snapshot();
    let mut bad = good.clone();
    bad.fields[0].registers[0].writes[0].commit = 99;
    assert!(State::restore(bad).is_err());
    let mut bad = good.clone();
    bad.commits[0].user = 1_000;
    assert!(State::restore(bad).is_err());
    let mut bad = good.clone();
    bad.commits[0].prev = Some(IdRef::Commit(77));
    assert!(State::restore(bad).is_err());
    let mut bad = good.clone();
    bad.names.swap(0, 1);
    assert!(State::restore(bad).is_err());
    let mut bad = good.clone();
    bad.commits.swap(0, 1);
    assert!(State::restore(bad).is_err());
    let mut bad = good.clone();
    bad.forms[0].created = u32::MAX;
    assert!(State::restore(bad).is_err());
    // A register's writes out of order (its lookups would miss them).
    let mut bad = good;
    let reg = bad
        .fields
        .iter_mut()
        .flat_map(|f| f.registers.iter_mut())
        .find(|r| r.writes.len() > 1)
        .expect("a field written twice");
    reg.writes.swap(0, 1);
    assert!(State::restore(bad).is_err());
}
