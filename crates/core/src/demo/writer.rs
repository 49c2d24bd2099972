//! Writing the demo's forms: one form instance per commit of the demo device, its clock never
//! going back.

use serde_json::Value;
use time::Date;

use super::rng::ms;
use super::DEMO_USER;
use crate::log::{Commit, DeviceLog, Op};

/// Writes one form instance as one commit.
pub(super) struct Writer {
    pub(super) device: String,
    pub(super) log: DeviceLog,
    pub(super) commits: Vec<Commit>,
    pub(super) forms: u64,
    pub(super) clock: u64,
}

impl Writer {
    pub(super) fn form(&mut self, patient: &str, form: &str, on: Date, fields: Vec<(&str, Value)>) {
        self.forms += 1;
        let instance = format!("{}-{}", self.device, self.forms);
        let mut ops = vec![Op::CreateForm {
            instance: instance.clone(),
            form: form.into(),
            patient: patient.into(),
        }];
        ops.extend(
            fields
                .into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(field, value)| Op::SetField {
                    instance: instance.clone(),
                    field: field.into(),
                    value,
                    supersedes: Vec::new(),
                }),
        );
        // Forms of one patient are entered in date order; the clock never goes back.
        self.clock = self.clock.max(ms(on)) + 1;
        let commit = self.log.commit(self.clock, DEMO_USER, None, ops);
        self.commits.push(commit);
    }
}
