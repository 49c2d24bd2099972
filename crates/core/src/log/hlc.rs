//! Hybrid logical clocks: physical time in milliseconds, a counter for events within one
//! millisecond (or when the clock went backwards), and the device as the last tie-breaker, so
//! that every commit has a distinct, causally consistent time. The clock reading is an argument.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A hybrid logical clock time; ordered by (wall, counter, device).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Hlc {
    /// Milliseconds since the Unix epoch.
    pub wall_ms: u64,
    /// Events within the same millisecond.
    pub counter: u32,
    /// The device that made the event (shared, not copied, by every field write of the commit
    /// in the folded state).
    pub device: Arc<str>,
}

impl Hlc {
    /// The time of a new local event after `self`, with the physical clock at `now_ms`.
    pub fn tick(&self, now_ms: u64, device: &str) -> Hlc {
        if now_ms > self.wall_ms {
            Hlc {
                wall_ms: now_ms,
                counter: 0,
                device: device.into(),
            }
        } else {
            Hlc {
                wall_ms: self.wall_ms,
                counter: self.counter + 1,
                device: device.into(),
            }
        }
    }

    /// The local clock after receiving `remote`, with the physical clock at `now_ms`.
    pub fn receive(&self, remote: &Hlc, now_ms: u64, device: &str) -> Hlc {
        let wall = now_ms.max(self.wall_ms).max(remote.wall_ms);
        let counter = if wall == self.wall_ms && wall == remote.wall_ms {
            self.counter.max(remote.counter) + 1
        } else if wall == self.wall_ms {
            self.counter + 1
        } else if wall == remote.wall_ms {
            remote.counter + 1
        } else {
            0
        };
        Hlc {
            wall_ms: wall,
            counter,
            device: device.into(),
        }
    }

    /// The clock before any event on `device`.
    pub fn zero(device: &str) -> Hlc {
        Hlc {
            wall_ms: 0,
            counter: 0,
            device: device.into(),
        }
    }
}
