//! A bundle: a batch of sealed commits of one study, for upload, download or a file carried on a
//! USB stick (`docs/sync-protocol.md`, "Bundle").

use super::reader::Reader;
use super::sealed::{SealedCommit, MAX_BODY_LEN};
use super::{FormatError, VERSION};

/// The magic number of a bundle, "ECSB".
pub const MAGIC: [u8; 4] = *b"ECSB";
/// The most sealed commits in one bundle.
pub const MAX_COMMITS: u32 = 100_000;
/// The shortest and longest item: a header with a 1-byte device id and an empty plaintext, and
/// one with a 64-byte device id and the largest body.
const MIN_ITEM: u32 = 101 + 16;
const MAX_ITEM: u32 = 100 + 64 + MAX_BODY_LEN;

/// A study's id (16 random bytes, made with the study).
pub type StudyId = [u8; 16];

/// A batch of sealed commits of one study.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bundle {
    /// The study.
    pub study: StudyId,
    /// The sealed commits, in the order written.
    pub commits: Vec<SealedCommit>,
}

impl Bundle {
    /// The bundle's bytes. Errors: `TooManyCommits` above 100,000.
    pub fn to_bytes(&self) -> Result<Vec<u8>, FormatError> {
        let n = u32::try_from(self.commits.len())
            .ok()
            .filter(|&n| n <= MAX_COMMITS)
            .ok_or(FormatError::TooManyCommits(u32::MAX))?;
        let mut out = Vec::new();
        out.extend_from_slice(&MAGIC);
        out.push(VERSION);
        out.push(0);
        out.extend_from_slice(&self.study);
        out.extend_from_slice(&n.to_be_bytes());
        for c in &self.commits {
            let bytes = c.to_bytes();
            // A sealed commit is at most MAX_ITEM bytes: its fields are checked when made.
            out.extend_from_slice(&(bytes.len() as u32).to_be_bytes());
            out.extend_from_slice(&bytes);
        }
        Ok(out)
    }

    /// Reads a bundle, checking every item's header; `WrongStudy` when `expected` is given and
    /// differs.
    pub fn from_bytes(bytes: &[u8], expected: Option<&StudyId>) -> Result<Bundle, FormatError> {
        let mut r = Reader::new(bytes);
        if r.array::<4>("magic")? != MAGIC {
            return Err(FormatError::BadMagic);
        }
        let version = r.u8("version")?;
        if version != VERSION {
            return Err(FormatError::UnsupportedVersion(version));
        }
        let flags = r.u8("flags")?;
        if flags != 0 {
            return Err(FormatError::BadFlags(flags));
        }
        let study = r.array::<16>("study id")?;
        if expected.is_some_and(|e| *e != study) {
            return Err(FormatError::WrongStudy);
        }
        let n = r.u32("commit count")?;
        if n > MAX_COMMITS {
            return Err(FormatError::TooManyCommits(n));
        }
        // Never reserve more than the input could hold.
        let mut commits = Vec::with_capacity((n as usize).min(bytes.len() / MIN_ITEM as usize));
        for _ in 0..n {
            let len = r.u32("item length")?;
            if !(MIN_ITEM..=MAX_ITEM).contains(&len) {
                return Err(FormatError::BadLength {
                    what: "item",
                    len: u64::from(len),
                });
            }
            commits.push(SealedCommit::from_bytes(r.take(len as usize, "item")?)?);
        }
        r.finish()?;
        debug_assert!(r.pos() == bytes.len());
        Ok(Bundle { study, commits })
    }
}
