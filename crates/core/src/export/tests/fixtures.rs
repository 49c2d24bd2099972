//! The logs the export tests read: the demo study, and a small hand-made log of two devices and
//! two users with edits, clears, a conflict, a confirmation, a deleted form and awkward text.

use serde_json::{json, Value};
use time::macros::datetime;

use crate::export::odm::OdmOptions;
use crate::log::{Commit, DeviceLog, Op, State};

/// The awkward text of the hand-made log: separators, quotes, markup, a newline, a tab, Chinese.
pub(super) const AWKWARD: &str = "Pain, \"mild\";\nfever 38.5\u{2103}\t恶心 <grade 1> & 'vomiting'";

fn set(instance: &str, field: &str, value: Value, state: &State) -> Op {
    Op::SetField {
        instance: instance.into(),
        field: field.into(),
        value,
        supersedes: state.heads(instance, field),
    }
}

fn create(instance: &str, form: &str, patient: &str) -> Op {
    Op::CreateForm {
        instance: instance.into(),
        form: form.into(),
        patient: patient.into(),
    }
}

/// A small log of two devices and two users: an edit with a reason, a cleared value and one set
/// again, a concurrent edit and a concurrent clear, a confirmation, a deleted form, an empty form,
/// multi-selects, an agent table, a lesion table and awkward text.
pub(super) fn tiny_log() -> Vec<Commit> {
    const T: u64 = 1_700_000_000_000;
    let (p1, p2) = ("HCC-900-0001", "HCC-900-0002");
    let mut a = DeviceLog::new("tab-1");
    let mut b = DeviceLog::new("平板 2");
    let (ua, ub) = ("wang.li", "李医生");
    let mut log: Vec<Commit> = Vec::new();
    let mut commit = |dev: &mut DeviceLog, ms: u64, user: &str, why: Option<&str>, ops: Vec<Op>| {
        let c = dev.commit(T + ms, user, why.map(str::to_owned), ops);
        log.push(c);
        State::from_commits(&log)
    };
    let s = State::default();
    let s = commit(
        &mut a,
        0,
        ua,
        None,
        vec![
            create("i-dem", "demographics", p1),
            set("i-dem", "sex", json!("male"), &s),
            set("i-dem", "birth_date", json!("1960-05-01"), &s),
            set("i-dem", "height_cm", json!(170.5), &s),
            set("i-dem", "weight_kg", json!(65), &s),
        ],
    );
    let s = commit(
        &mut a,
        1000,
        ua,
        Some("typo in weight"),
        vec![set("i-dem", "weight_kg", json!(56), &s)],
    );
    let s = commit(
        &mut a,
        2000,
        ua,
        Some("height not measured"),
        vec![Op::ClearField {
            instance: "i-dem".into(),
            field: "height_cm".into(),
            supersedes: s.heads("i-dem", "height_cm"),
        }],
    );
    commit(
        &mut a,
        3000,
        ua,
        None,
        vec![
            create("i-lab", "labs", p1),
            set("i-lab", "date", json!("2023-11-20"), &s),
            set("i-lab", "afp", json!(12.5), &s),
        ],
    );
    let s = commit(
        &mut a,
        4000,
        ua,
        Some("wrong patient"),
        vec![Op::DeleteForm {
            instance: "i-lab".into(),
        }],
    );
    let s = commit(
        &mut a,
        5000,
        ua,
        None,
        vec![
            create("i-tace", "tace", p1),
            set("i-tace", "date", json!("2023-11-21"), &s),
            set("i-tace", "technique", json!("ctace"), &s),
            set(
                "i-tace",
                "chemo_agents",
                json!(["oxaliplatin", "epirubicin"]),
                &s,
            ),
            set("i-tace", "selectivity", json!("segmental"), &s),
            set("i-tace", "complications", json!(AWKWARD), &s),
        ],
    );
    let s = commit(
        &mut b,
        6000,
        ub,
        Some("补充：疼痛已缓解"),
        vec![set(
            "i-tace",
            "end_point",
            json!("stasis, \"near\" complete"),
            &s,
        )],
    );
    let s = commit(
        &mut a,
        7000,
        ua,
        None,
        vec![
            create("i-cli", "clinical", p1),
            set("i-cli", "date", json!("2023-11-22"), &s),
            set("i-cli", "ecog", json!("1"), &s),
            set("i-cli", "ascites", json!("none"), &s),
            set("i-cli", "encephalopathy", json!("none"), &s),
            set("i-cli", "sbp", json!(120), &s),
            set("i-cli", "dbp", json!(80), &s),
        ],
    );
    // Two devices change sbp and clear dbp without seeing each other: device b's writes win
    // (same millisecond, its id sorts after "tab-1").
    let both = s.clone();
    commit(
        &mut a,
        8000,
        ua,
        Some("re-measured"),
        vec![set("i-cli", "sbp", json!(125), &both)],
    );
    commit(
        &mut b,
        8000,
        ub,
        Some("typo"),
        vec![set("i-cli", "sbp", json!(130), &both)],
    );
    commit(
        &mut a,
        9000,
        ua,
        Some("not measured"),
        vec![Op::ClearField {
            instance: "i-cli".into(),
            field: "dbp".into(),
            supersedes: both.heads("i-cli", "dbp"),
        }],
    );
    let s = commit(
        &mut b,
        9000,
        ub,
        Some("not measured"),
        vec![Op::ClearField {
            instance: "i-cli".into(),
            field: "dbp".into(),
            supersedes: both.heads("i-cli", "dbp"),
        }],
    );
    let s = commit(
        &mut a,
        10_000,
        ua,
        Some("measured after all"),
        vec![
            set("i-dem", "height_cm", json!(171), &s),
            set("i-cli", "weight_kg", json!(140), &s),
            Op::ConfirmValue {
                instance: "i-cli".into(),
                field: "weight_kg".into(),
                value: json!(140),
            },
        ],
    );
    let s = commit(
        &mut a,
        11_000,
        ua,
        None,
        vec![
            create("i-ae", "adverse_event", p1),
            set("i-ae", "term", json!("Nausea"), &s),
            set("i-ae", "grade", json!("3"), &s),
            set("i-ae", "onset_date", json!("2023-12-01"), &s),
            set("i-ae", "serious", json!(true), &s),
            set(
                "i-ae",
                "sae_criteria",
                json!(["life_threatening", "death"]),
                &s,
            ),
            set("i-ae", "relation_tace", json!("possible"), &s),
            set(
                "i-ae",
                "agents",
                json!([{"agent": "lenvatinib", "relation": "probable", "action": "interrupted"}]),
                &s,
            ),
            set("i-ae", "outcome", json!("recovered"), &s),
        ],
    );
    let s = commit(
        &mut a,
        12_000,
        ua,
        None,
        vec![
            create("i-ta", "tumor_assessment", p1),
            set("i-ta", "date", json!("2023-11-15"), &s),
            set("i-ta", "modality", json!("ct"), &s),
            set(
                "i-ta",
                "lesions",
                json!({"timepoint": "baseline", "targets": [{"id": "T1", "organ": "liver", "diameter_mm": 42}], "non_targets": []}),
                &s,
            ),
        ],
    );
    commit(
        &mut b,
        13_000,
        ub,
        None,
        vec![
            create("i-eli", "eligibility", p2),
            set("i-eli", "diagnosis_basis", json!("clinical"), &s),
            set("i-eli", "unresectable", json!(true), &s),
            set("i-eli", "measurable_lesion", json!(false), &s),
            set("i-eli", "enrollment_date", json!("2024-01-05"), &s),
            set("i-eli", "unknown_field", json!("not in the form"), &s),
            create("i-sur", "survival", p2),
            create("i-x", "no_such_form", p2),
            set("i-x", "anything", json!(1), &s),
        ],
    );
    log
}

pub(super) fn tiny() -> State {
    State::from_commits(&tiny_log())
}

pub(super) fn demo() -> State {
    State::from_commits(&crate::demo::generate(20, 2026).commits)
}

/// The demo study and the hand-made log together (distinct subjects and devices).
pub(super) fn both() -> State {
    let demo = crate::demo::generate(20, 2026).commits;
    let tiny = tiny_log();
    State::from_commits(demo.iter().chain(&tiny))
}

pub(super) fn options() -> OdmOptions {
    OdmOptions::new("ecrf-test-1", datetime!(2027-01-02 03:04:05 +08:00))
}
