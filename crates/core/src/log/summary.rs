//! What the folded state keeps of each commit besides its field writes: where it sits in its
//! device's chain (device, sequence, previous commit), its time, author and reason, and the
//! form instances it touches. Enough to tell what is not yet on the server, whether a chain is
//! forked and where this device continues, without the commits' bodies: so a state restored from
//! a snapshot (`log::snapshot`) needs no commit read again.

use std::sync::Arc;

use super::commit::Commit;
use super::hlc::Hlc;

/// One commit as the folded state keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitSummary {
    /// The commit's id (content hash).
    pub id: Arc<str>,
    /// The device that made it.
    pub device: Arc<str>,
    /// Its number on that device, from 1.
    pub seq: u64,
    /// The id of the device's previous commit (`None` for the first).
    pub prev: Option<Arc<str>>,
    /// Its time.
    pub hlc: Hlc,
    /// Who made it.
    pub user: Arc<str>,
    /// Why.
    pub reason: Option<Arc<str>>,
    /// The form instances its operations touch, in operation order, each once.
    pub instances: Vec<Arc<str>>,
}

/// A commit's place in its device's chain and its time: what the outbox, the fork rules and a
/// device resuming its chain read, from a whole commit or from its [`CommitSummary`].
pub trait ChainLink {
    /// The commit's id.
    fn id(&self) -> &str;
    /// The device that made it.
    fn device(&self) -> &str;
    /// Its number on that device.
    fn seq(&self) -> u64;
    /// The device's previous commit.
    fn prev(&self) -> Option<&str>;
    /// Its time.
    fn hlc(&self) -> &Hlc;
    /// Why it was made.
    fn reason(&self) -> Option<&str>;
}

impl ChainLink for Commit {
    fn id(&self) -> &str {
        &self.id
    }
    fn device(&self) -> &str {
        &self.body.device
    }
    fn seq(&self) -> u64 {
        self.body.seq
    }
    fn prev(&self) -> Option<&str> {
        self.body.prev.as_deref()
    }
    fn hlc(&self) -> &Hlc {
        &self.body.hlc
    }
    fn reason(&self) -> Option<&str> {
        self.body.reason.as_deref()
    }
}

impl ChainLink for CommitSummary {
    fn id(&self) -> &str {
        &self.id
    }
    fn device(&self) -> &str {
        &self.device
    }
    fn seq(&self) -> u64 {
        self.seq
    }
    fn prev(&self) -> Option<&str> {
        self.prev.as_deref()
    }
    fn hlc(&self) -> &Hlc {
        &self.hlc
    }
    fn reason(&self) -> Option<&str> {
        self.reason.as_deref()
    }
}

impl<T: ChainLink + ?Sized> ChainLink for &T {
    fn id(&self) -> &str {
        (**self).id()
    }
    fn device(&self) -> &str {
        (**self).device()
    }
    fn seq(&self) -> u64 {
        (**self).seq()
    }
    fn prev(&self) -> Option<&str> {
        (**self).prev()
    }
    fn hlc(&self) -> &Hlc {
        (**self).hlc()
    }
    fn reason(&self) -> Option<&str> {
        (**self).reason()
    }
}
