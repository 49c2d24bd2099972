//! The per-device hash chain: commits 1..n of each device, each naming its predecessor's id.

use std::collections::BTreeMap;

use super::commit::Commit;

/// A break in the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ChainError {
    /// A commit whose id does not match its content.
    #[error("commit {device}#{seq} was altered")]
    Altered {
        /// Device.
        device: String,
        /// Sequence number.
        seq: u64,
    },
    /// A sequence number is missing.
    #[error("commit {device}#{seq} is missing")]
    Missing {
        /// Device.
        device: String,
        /// The first missing sequence number.
        seq: u64,
    },
    /// A commit does not name its predecessor, or two differ under one number.
    #[error("commit {device}#{seq} does not follow the device's previous commit")]
    Broken {
        /// Device.
        device: String,
        /// Sequence number.
        seq: u64,
    },
}

/// Checks every device's chain: intact ids, numbers 1..n without gaps, each commit naming its
/// predecessor. Duplicates (the same id twice) are fine.
pub fn verify(commits: &[Commit]) -> Result<(), ChainError> {
    let mut by_device: BTreeMap<&str, BTreeMap<u64, &Commit>> = BTreeMap::new();
    for c in commits {
        if !c.is_intact() {
            return Err(ChainError::Altered {
                device: c.body.device.clone(),
                seq: c.body.seq,
            });
        }
        let slot = by_device.entry(&c.body.device).or_default();
        if let Some(other) = slot.insert(c.body.seq, c) {
            if other.id != c.id {
                return Err(ChainError::Broken {
                    device: c.body.device.clone(),
                    seq: c.body.seq,
                });
            }
        }
    }
    for (device, chain) in by_device {
        let mut prev: Option<&str> = None;
        for (expected, (&seq, c)) in (1u64..).zip(&chain) {
            if seq != expected {
                return Err(ChainError::Missing {
                    device: device.to_owned(),
                    seq: expected,
                });
            }
            if c.body.prev.as_deref() != prev {
                return Err(ChainError::Broken {
                    device: device.to_owned(),
                    seq,
                });
            }
            prev = Some(&c.id);
        }
    }
    Ok(())
}
