//! A sealed commit: the clear header the server reads, and the commit body compressed and sealed
//! with AES-256-GCM under the study data key, the header bound as associated data
//! (`docs/sync-protocol.md`, "Sealed commit").

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};

use super::keys::DataKey;
use super::reader::Reader;
use super::{FormatError, VERSION};
use crate::log::{Commit, CommitBody};

/// The magic number of a sealed commit, "ECSC".
pub const MAGIC: [u8; 4] = *b"ECSC";
/// The longest device id, bytes.
pub const MAX_DEVICE_LEN: usize = 64;
/// The largest body (ciphertext and tag), and the largest plaintext a body may inflate to.
pub const MAX_BODY_LEN: u32 = 16 * 1024 * 1024;
/// AES-GCM's tag length.
pub(super) const TAG_LEN: u32 = 16;

/// The length of a sealed body (ciphertext and tag) for a plaintext of `len` bytes, at most
/// `max`: `BadLength { what }` otherwise.
pub(super) fn body_len(len: usize, max: u32, what: &'static str) -> Result<u32, FormatError> {
    u32::try_from(len)
        .ok()
        .and_then(|n| n.checked_add(TAG_LEN))
        .filter(|&n| n <= max)
        .ok_or(FormatError::BadLength {
            what,
            len: len as u64,
        })
}

/// How the plaintext is compressed before sealing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Not compressed.
    None,
    /// Raw DEFLATE (RFC 1951).
    Deflate,
}

impl Compression {
    pub(super) fn code(self) -> u8 {
        match self {
            Compression::None => 0,
            Compression::Deflate => 1,
        }
    }

    pub(super) fn from_code(code: u8) -> Result<Compression, FormatError> {
        match code {
            0 => Ok(Compression::None),
            1 => Ok(Compression::Deflate),
            c => Err(FormatError::BadCompression(c)),
        }
    }
}

/// The clear header of a sealed commit: what the server needs for idempotency, gaps and the
/// device's hash chain, and nothing about the patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedHeader {
    /// How the body's plaintext is compressed.
    pub compression: Compression,
    /// The device that made the commit (1..=64 bytes of UTF-8).
    pub device: String,
    /// Its sequence number on that device (>= 1).
    pub seq: u64,
    /// The commit id (SHA-256 of the body's JSON).
    pub commit_id: [u8; 32],
    /// The device's previous commit id.
    pub prev: Option<[u8; 32]>,
    /// Which study data key sealed it.
    pub key_id: u32,
    /// The AES-GCM nonce.
    pub nonce: [u8; 12],
    /// The body's length (ciphertext and tag), bytes.
    pub body_len: u32,
}

impl SealedHeader {
    /// The commit id as the log writes it (lower-case hex).
    pub fn commit_id_hex(&self) -> String {
        hex::encode(self.commit_id)
    }

    /// The previous commit id in hex.
    pub fn prev_hex(&self) -> Option<String> {
        self.prev.map(hex::encode)
    }

    /// The header's bytes (the associated data of the seal).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(100 + self.device.len());
        out.extend_from_slice(&MAGIC);
        out.push(VERSION);
        out.push(self.compression.code());
        out.push(u8::from(self.prev.is_some()));
        // The device id is checked to fit (1..=64 bytes) wherever a header is made.
        out.push(self.device.len() as u8);
        out.extend_from_slice(self.device.as_bytes());
        out.extend_from_slice(&self.seq.to_be_bytes());
        out.extend_from_slice(&self.commit_id);
        out.extend_from_slice(&self.prev.unwrap_or([0; 32]));
        out.extend_from_slice(&self.key_id.to_be_bytes());
        out.extend_from_slice(&self.nonce);
        out.extend_from_slice(&self.body_len.to_be_bytes());
        out
    }

    /// Reads a header; the reader is left at the body.
    fn read(r: &mut Reader<'_>) -> Result<SealedHeader, FormatError> {
        if r.array::<4>("magic")? != MAGIC {
            return Err(FormatError::BadMagic);
        }
        let version = r.u8("version")?;
        if version != VERSION {
            return Err(FormatError::UnsupportedVersion(version));
        }
        let compression = Compression::from_code(r.u8("compression")?)?;
        let flags = r.u8("flags")?;
        if flags & !1 != 0 {
            return Err(FormatError::BadFlags(flags));
        }
        let len = usize::from(r.u8("device id length")?);
        if len == 0 || len > MAX_DEVICE_LEN {
            return Err(FormatError::BadDeviceId);
        }
        let device = std::str::from_utf8(r.take(len, "device id")?)
            .map_err(|_| FormatError::BadDeviceId)?
            .to_owned();
        let seq = r.u64("sequence")?;
        if seq == 0 {
            return Err(FormatError::BadSequence);
        }
        let commit_id = r.array::<32>("commit id")?;
        let prev_bytes = r.array::<32>("previous commit id")?;
        let prev = if flags & 1 == 1 {
            Some(prev_bytes)
        } else if prev_bytes == [0; 32] {
            None
        } else {
            return Err(FormatError::BadFlags(flags));
        };
        let key_id = r.u32("key id")?;
        let nonce = r.array::<12>("nonce")?;
        let body_len = r.u32("body length")?;
        if !(TAG_LEN..=MAX_BODY_LEN).contains(&body_len) {
            return Err(FormatError::BadLength {
                what: "body",
                len: u64::from(body_len),
            });
        }
        Ok(SealedHeader {
            compression,
            device,
            seq,
            commit_id,
            prev,
            key_id,
            nonce,
            body_len,
        })
    }
}

/// A sealed commit: its header and its sealed body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedCommit {
    /// The clear header.
    pub header: SealedHeader,
    /// The ciphertext followed by the 16-byte tag.
    pub body: Vec<u8>,
}

fn id_bytes(hex_id: &str) -> Result<[u8; 32], FormatError> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(hex_id, &mut out).map_err(|_| FormatError::BadBody)?;
    Ok(out)
}

impl SealedCommit {
    /// Seals `commit` under `key` with `nonce` (96 random bits, never reused under one key).
    ///
    /// Errors: `Mismatch { what: "id" }` when the commit's id is not its body's hash,
    /// `BadDeviceId` for a device id of 0 or more than 64 bytes, `BadSequence` for sequence 0,
    /// `BadLength` for a body over 16 MiB.
    pub fn seal(
        commit: &Commit,
        key: &DataKey,
        nonce: [u8; 12],
        compression: Compression,
    ) -> Result<SealedCommit, FormatError> {
        if !commit.is_intact() {
            return Err(FormatError::Mismatch { what: "id" });
        }
        let body = &commit.body;
        if body.device.is_empty() || body.device.len() > MAX_DEVICE_LEN {
            return Err(FormatError::BadDeviceId);
        }
        if body.seq == 0 {
            return Err(FormatError::BadSequence);
        }
        let json = serde_json::to_vec(body).map_err(|_| FormatError::BadBody)?;
        let plaintext = match compression {
            Compression::None => json,
            Compression::Deflate => miniz_oxide::deflate::compress_to_vec(&json, 6),
        };
        let body_len = body_len(plaintext.len(), MAX_BODY_LEN, "body")?;
        let header = SealedHeader {
            compression,
            device: body.device.clone(),
            seq: body.seq,
            commit_id: id_bytes(&commit.id)?,
            prev: body.prev.as_deref().map(id_bytes).transpose()?,
            key_id: key.id,
            nonce,
            body_len,
        };
        let aad = header.to_bytes();
        let sealed = cipher(key)
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &plaintext,
                    aad: &aad,
                },
            )
            .map_err(|_| FormatError::Decrypt)?;
        Ok(SealedCommit {
            header,
            body: sealed,
        })
    }

    /// The sealed commit's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = self.header.to_bytes();
        out.extend_from_slice(&self.body);
        out
    }

    /// Reads a sealed commit (its header is checked; the body is opened by [`Self::open`]).
    pub fn from_bytes(bytes: &[u8]) -> Result<SealedCommit, FormatError> {
        let mut r = Reader::new(bytes);
        let header = SealedHeader::read(&mut r)?;
        let body = r.take(header.body_len as usize, "body")?.to_vec();
        r.finish()?;
        Ok(SealedCommit { header, body })
    }

    /// Opens the body with the key its header names, and checks that the commit is the one the
    /// header announces (id, device, sequence, previous commit).
    ///
    /// # Errors
    /// An unknown key, a body that does not decrypt (altered, or another key), does not
    /// decompress or read, or a commit other than the header announces.
    pub fn open(&self, keys: &[DataKey]) -> Result<Commit, FormatError> {
        self.open_checking(keys, true)
    }

    /// [`SealedCommit::open`] for a commit this device sealed at rest under its own device key,
    /// without hashing the body again: [`SealedCommit::seal`] refuses a commit that is not its
    /// id's content, and the AES-GCM tag over the header (with the id) and the body proves both
    /// unchanged since, so the hash would only repeat that check (about a fifth of the time of
    /// opening a large log on a tablet). Never for commits sealed elsewhere (received, or read
    /// from a file): any holder of the study key can seal a body under a false id, and
    /// [`SealedCommit::open`] is what finds it.
    ///
    /// # Errors
    /// As [`SealedCommit::open`], but for the hash.
    pub fn open_at_rest(&self, keys: &[DataKey]) -> Result<Commit, FormatError> {
        self.open_checking(keys, false)
    }

    fn open_checking(&self, keys: &[DataKey], hash: bool) -> Result<Commit, FormatError> {
        let h = &self.header;
        let key = keys
            .iter()
            .find(|k| k.id == h.key_id)
            .ok_or(FormatError::UnknownKey(h.key_id))?;
        let aad = h.to_bytes();
        let plaintext = cipher(key)
            .decrypt(
                Nonce::from_slice(&h.nonce),
                Payload {
                    msg: &self.body,
                    aad: &aad,
                },
            )
            .map_err(|_| FormatError::Decrypt)?;
        let json = match h.compression {
            Compression::None => plaintext,
            Compression::Deflate => miniz_oxide::inflate::decompress_to_vec_with_limit(
                &plaintext,
                MAX_BODY_LEN as usize,
            )
            .map_err(|_| FormatError::Decompress)?,
        };
        let body: CommitBody = serde_json::from_slice(&json).map_err(|_| FormatError::BadBody)?;
        let commit = Commit {
            id: h.commit_id_hex(),
            body,
        };
        // The id is the hash of the body as serialised here; a body that reads but hashes
        // differently (another serialisation of the same values) is refused too.
        if hash && !commit.is_intact() {
            return Err(FormatError::Mismatch { what: "id" });
        }
        if commit.body.device != h.device {
            return Err(FormatError::Mismatch { what: "device" });
        }
        if commit.body.seq != h.seq {
            return Err(FormatError::Mismatch { what: "sequence" });
        }
        if commit.body.prev != h.prev_hex() {
            return Err(FormatError::Mismatch {
                what: "previous commit",
            });
        }
        Ok(commit)
    }
}

pub(super) fn cipher(key: &DataKey) -> Aes256Gcm {
    Aes256Gcm::new(key.bytes().into())
}
