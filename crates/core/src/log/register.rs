//! A field's multi-value register: every write of the field with who, when, where and why, and
//! which writes later ones replaced. The writes nobody replaced are its heads; two or more are a
//! conflict, shown with a deterministic winner (latest hybrid logical clock, then id).

use std::sync::Arc;

use serde_json::Value;

use super::hlc::Hlc;

/// One write of a field, with who, when, where and why.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldWrite {
    /// The commit that made it.
    pub commit: Arc<str>,
    /// Its time.
    pub hlc: Hlc,
    /// Who.
    pub user: Arc<str>,
    /// Which device.
    pub device: Arc<str>,
    /// Why.
    pub reason: Option<Arc<str>>,
    /// The value written; `None` when the field was cleared.
    pub value: Option<Value>,
    /// The writes it replaced.
    pub supersedes: Vec<Arc<str>>,
}

/// A field's register: every write (sorted by commit id, one per commit), and which were
/// replaced (sorted, unique).
#[derive(Debug, Clone, PartialEq, Default)]
pub(super) struct Register {
    pub(super) writes: Vec<FieldWrite>,
    pub(super) superseded: Vec<Arc<str>>,
}

impl Register {
    /// Adds `write`; a commit that writes the field twice keeps its last write.
    pub(super) fn insert(&mut self, write: FieldWrite) {
        match self
            .writes
            .binary_search_by(|w| w.commit.cmp(&write.commit))
        {
            Ok(i) => self.writes[i] = write,
            Err(i) => self.writes.insert(i, write),
        }
    }

    /// Records that the write of commit `id` was replaced.
    pub(super) fn supersede(&mut self, id: Arc<str>) {
        if let Err(i) = self.superseded.binary_search(&id) {
            self.superseded.insert(i, id);
        }
    }

    pub(super) fn is_superseded(&self, id: &str) -> bool {
        self.superseded.binary_search_by(|s| (**s).cmp(id)).is_ok()
    }

    /// Writes nobody replaced, oldest first by (time, id); the last is the winner.
    pub(super) fn heads(&self) -> Vec<&FieldWrite> {
        let mut heads: Vec<&FieldWrite> = self
            .writes
            .iter()
            .filter(|w| !self.is_superseded(&w.commit))
            .collect();
        heads.sort_by(|a, b| (&a.hlc, &a.commit).cmp(&(&b.hlc, &b.commit)));
        heads
    }

    /// The winner (the last of [`Register::heads`]) without collecting them.
    pub(super) fn winner(&self) -> Option<&FieldWrite> {
        self.writes
            .iter()
            .filter(|w| !self.is_superseded(&w.commit))
            .max_by(|a, b| (&a.hlc, &a.commit).cmp(&(&b.hlc, &b.commit)))
    }

    /// Whether two or more writes are heads.
    pub(super) fn in_conflict(&self) -> bool {
        self.writes.len() > 1
            && self
                .writes
                .iter()
                .filter(|w| !self.is_superseded(&w.commit))
                .nth(1)
                .is_some()
    }
}
