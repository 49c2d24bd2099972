//! Commits: one user action that changes data, with its operations.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::hlc::Hlc;

/// A commit's id: the lower-case hex SHA-256 of its body's canonical JSON.
pub type CommitId = String;

/// One change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum Op {
    /// Creates a form instance for a patient.
    CreateForm {
        /// The new instance's id (unique: the app makes it from the device id and 64 random
        /// bits).
        instance: String,
        /// The form's id in the study definition.
        form: String,
        /// The patient's subject ID.
        patient: String,
    },
    /// Marks a form instance deleted (soft: it stays in the log and the history).
    DeleteForm {
        /// The instance.
        instance: String,
    },
    /// Sets a field.
    SetField {
        /// The instance.
        instance: String,
        /// The field's id.
        field: String,
        /// The new value.
        value: Value,
        /// The writes of this field this one saw and replaces (their commit ids).
        #[serde(default)]
        supersedes: Vec<CommitId>,
    },
    /// Confirms that a field's value outside its usual (soft) range is the one measured
    /// (STUDY.md, "Ranges"). The confirmation belongs to that value: a later, different value
    /// needs its own. It stays in the field's audit trail.
    ConfirmValue {
        /// The instance.
        instance: String,
        /// The field's id.
        field: String,
        /// The value confirmed (canonical JSON, as stored by `SetField`).
        value: Value,
    },
    /// Clears a field.
    ClearField {
        /// The instance.
        instance: String,
        /// The field's id.
        field: String,
        /// The writes it replaces.
        #[serde(default)]
        supersedes: Vec<CommitId>,
    },
}

impl Op {
    /// The form instance the operation is about.
    pub fn instance(&self) -> &str {
        match self {
            Op::CreateForm { instance, .. }
            | Op::DeleteForm { instance }
            | Op::SetField { instance, .. }
            | Op::ClearField { instance, .. }
            | Op::ConfirmValue { instance, .. } => instance,
        }
    }
}

/// Everything a commit says; the id is computed from it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CommitBody {
    /// The device that made it.
    pub device: String,
    /// Its number on that device, from 1.
    pub seq: u64,
    /// The id of the device's previous commit (`None` for the first).
    pub prev: Option<CommitId>,
    /// Hybrid logical clock time.
    pub hlc: Hlc,
    /// Who made it.
    pub user: String,
    /// Why (required for a change after the first save).
    pub reason: Option<String>,
    /// What changed.
    pub ops: Vec<Op>,
}

/// A commit: its body and the id that body hashes to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Commit {
    /// SHA-256 of the body's canonical JSON.
    pub id: CommitId,
    /// The body.
    #[serde(flatten)]
    pub body: CommitBody,
}

impl CommitBody {
    /// The id this body hashes to. The JSON is canonical: struct fields in declaration order and
    /// `serde_json` maps with sorted keys.
    pub fn id(&self) -> CommitId {
        let bytes = serde_json::to_vec(self).unwrap_or_default();
        Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Seals the body into a commit with its id; numbers in values are made canonical first
    /// (see [`canonical`]), so the id survives any JSON round trip.
    pub fn into_commit(mut self) -> Commit {
        for op in &mut self.ops {
            if let Op::SetField { value, .. } | Op::ConfirmValue { value, .. } = op {
                canonical(value);
            }
        }
        Commit {
            id: self.id(),
            body: self,
        }
    }
}

/// The largest integer a JSON number (an IEEE double in JavaScript) holds exactly.
const MAX_SAFE_INTEGER: f64 = 9_007_199_254_740_991.0;

/// Makes the numbers in `value` canonical: a whole number is written as an integer (`36`, never
/// `36.0`). JavaScript (and IndexedDB) keep no difference between the two, so a commit read back
/// from the browser must hash as it did when it was made.
pub fn canonical(value: &mut Value) {
    match value {
        Value::Number(n) => {
            if let Some(f) = n.as_f64().filter(|_| n.is_f64()) {
                if f.fract() == 0.0 && f.abs() <= MAX_SAFE_INTEGER {
                    *value = Value::from(f as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(canonical),
        Value::Object(map) => map.values_mut().for_each(canonical),
        _ => {}
    }
}

impl Commit {
    /// Whether the id matches the body (false for an altered commit).
    pub fn is_intact(&self) -> bool {
        self.body.id() == self.id
    }
}

/// A device's side of the log: numbers its commits, chains them and keeps its clock.
#[derive(Debug, Clone, PartialEq)]
pub struct DeviceLog {
    /// The device id.
    pub device: String,
    /// The last sequence number used.
    pub seq: u64,
    /// The id of the last commit made here.
    pub last: Option<CommitId>,
    /// The clock.
    pub hlc: Hlc,
}

impl DeviceLog {
    /// A device that has made no commit yet.
    pub fn new(device: &str) -> DeviceLog {
        DeviceLog {
            device: device.to_owned(),
            seq: 0,
            last: None,
            hlc: Hlc::zero(device),
        }
    }

    /// Makes the next commit of this device at physical time `now_ms`.
    pub fn commit(
        &mut self,
        now_ms: u64,
        user: &str,
        reason: Option<String>,
        ops: Vec<Op>,
    ) -> Commit {
        self.hlc = self.hlc.tick(now_ms, &self.device);
        self.seq += 1;
        let commit = CommitBody {
            device: self.device.clone(),
            seq: self.seq,
            prev: self.last.clone(),
            hlc: self.hlc.clone(),
            user: user.to_owned(),
            reason,
            ops,
        }
        .into_commit();
        self.last = Some(commit.id.clone());
        commit
    }

    /// The device's position after `commits` (any order, any devices): its last sequence number
    /// and commit, and a clock past every commit seen, so that its next commit continues its
    /// chain and sorts after everything it saw.
    pub fn resume<L: super::ChainLink>(
        device: &str,
        commits: impl IntoIterator<Item = L>,
    ) -> DeviceLog {
        let mut log = DeviceLog::new(device);
        for c in commits {
            // At a forked head (two commits under one sequence) the smaller id is continued,
            // whatever the order (`log::fork` keeps the same branch).
            let ahead = c.seq() > log.seq
                || (c.seq() == log.seq && log.last.as_deref().is_some_and(|l| c.id() < l));
            if c.device() == device && ahead {
                log.seq = c.seq();
                log.last = Some(c.id().to_owned());
            }
            if *c.hlc() > log.hlc {
                log.hlc = Hlc {
                    device: device.into(),
                    ..c.hlc().clone()
                };
            }
        }
        log
    }

    /// Advances the clock past a commit received from elsewhere.
    pub fn observe(&mut self, remote: &Hlc, now_ms: u64) {
        self.hlc = self.hlc.receive(remote, now_ms, &self.device);
    }
}
