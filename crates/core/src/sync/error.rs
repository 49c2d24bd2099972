//! Every way a sealed commit, a bundle, a sealed snapshot or a wrapped key can be refused (`docs/sync-protocol.md`,
//! "Errors").

/// Why bytes are not a valid sealed commit, bundle, sealed snapshot or wrapped key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// The input ends inside a field.
    #[error("the data ends inside the {what}: the file or message is cut off")]
    Truncated {
        /// The field.
        what: &'static str,
    },
    /// The first four bytes are not the magic number.
    #[error("not an eCRF sealed commit or bundle")]
    BadMagic,
    /// A version this code does not read.
    #[error("format version {0} is not supported (this app reads version 1; update the app)")]
    UnsupportedVersion(u8),
    /// An unknown compression code.
    #[error("unknown compression code {0}")]
    BadCompression(u8),
    /// A reserved flag bit is set.
    #[error("reserved flag bits set ({0:#04x})")]
    BadFlags(u8),
    /// The device id is empty, too long or not UTF-8.
    #[error("the device id is empty, longer than 64 bytes or not UTF-8")]
    BadDeviceId,
    /// Sequence number 0.
    #[error("sequence number 0 (sequences start at 1)")]
    BadSequence,
    /// A length outside its range.
    #[error("the {what} length {len} is out of range")]
    BadLength {
        /// Which length.
        what: &'static str,
        /// Its value.
        len: u64,
    },
    /// Bytes after the end.
    #[error("{0} bytes after the end")]
    TrailingBytes(usize),
    /// A bundle with more commits than allowed.
    #[error("a bundle of {0} commits (at most 100,000)")]
    TooManyCommits(u32),
    /// A bundle of another study.
    #[error("this bundle belongs to another study")]
    WrongStudy,
    /// No data key with that id.
    #[error("no data key with id {0}")]
    UnknownKey(u32),
    /// The authentication tag does not verify.
    #[error("the sealed commit does not open: a wrong key, or it was altered")]
    Decrypt,
    /// The body does not inflate.
    #[error("the sealed body does not decompress")]
    Decompress,
    /// The plaintext is not a commit body.
    #[error("the sealed body is not a commit")]
    BadBody,
    /// The plaintext of a sealed snapshot is not a snapshot.
    #[error("the sealed snapshot does not read as a snapshot")]
    BadSnapshot,
    /// The body disagrees with its header.
    #[error("the commit's {what} differs from its header")]
    Mismatch {
        /// Which field.
        what: &'static str,
    },
    /// A wrapped key that does not open.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// A wrapped-key record that is not valid.
    #[error("the wrapped key record is not valid: {0}")]
    BadKeyRecord(&'static str),
}
