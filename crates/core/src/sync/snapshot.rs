//! A sealed snapshot (`docs/sync-protocol.md`, "Sealed snapshot"): the folded state of a tablet
//! (`log::snapshot::Snapshot`, in postcard's encoding) sealed with AES-256-GCM under the device
//! key, behind a clear header bound as associated data. Kept at rest only, never sent: unlocking
//! opens it and folds on only the commits stored after it.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::Nonce;

use super::keys::DataKey;
use super::reader::Reader;
use super::sealed::{body_len, cipher, Compression, TAG_LEN};
use super::{FormatError, VERSION};
use crate::log::snapshot::Snapshot;

/// The magic number of a sealed snapshot, "ECSS".
pub const SNAPSHOT_MAGIC: [u8; 4] = *b"ECSS";
/// The largest body (ciphertext and tag), and the largest plaintext a body may inflate to:
/// 1 GiB (2,000 patients take about 30 MiB).
pub const MAX_SNAPSHOT_LEN: u32 = 1 << 30;
/// The header's length, bytes.
const HEADER_LEN: usize = 26;

fn header(compression: Compression, key_id: u32, nonce: &[u8; 12], body_len: u32) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN);
    out.extend_from_slice(&SNAPSHOT_MAGIC);
    out.push(VERSION);
    out.push(compression.code());
    out.extend_from_slice(&key_id.to_be_bytes());
    out.extend_from_slice(nonce);
    out.extend_from_slice(&body_len.to_be_bytes());
    out
}

/// Seals `snapshot` under `key` with `nonce` (96 random bits, never reused under one key).
///
/// # Errors
/// `BadLength` for a plaintext over [`MAX_SNAPSHOT_LEN`]; `BadSnapshot` when it does not encode.
pub fn seal_snapshot(
    snapshot: &Snapshot,
    key: &DataKey,
    nonce: [u8; 12],
    compression: Compression,
) -> Result<Vec<u8>, FormatError> {
    let encoded = postcard::to_allocvec(snapshot).map_err(|_| FormatError::BadSnapshot)?;
    let plaintext = match compression {
        Compression::None => encoded,
        Compression::Deflate => miniz_oxide::deflate::compress_to_vec(&encoded, 1),
    };
    let body_len = body_len(plaintext.len(), MAX_SNAPSHOT_LEN, "snapshot")?;
    let mut out = header(compression, key.id, &nonce, body_len);
    let sealed = cipher(key)
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &plaintext,
                aad: &out,
            },
        )
        .map_err(|_| FormatError::Decrypt)?;
    out.extend_from_slice(&sealed);
    Ok(out)
}

/// A sealed snapshot read, its header checked and its body not opened: what a caller that opens
/// the body with another AES-GCM implementation (the browser's Web Crypto) needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SealedSnapshot<'a> {
    /// How the plaintext is compressed.
    pub compression: Compression,
    /// Which key sealed it.
    pub key_id: u32,
    /// The AES-GCM nonce.
    pub nonce: [u8; 12],
    /// The header's bytes: the associated data of the seal.
    pub header: &'a [u8],
    /// The ciphertext and its 16-byte tag.
    pub body: &'a [u8],
}

/// Reads a sealed snapshot's header and finds its body.
///
/// # Errors
/// `BadMagic`, `UnsupportedVersion`, `BadCompression`, `Truncated`, `BadLength` and
/// `TrailingBytes` for bytes that are not one sealed snapshot. Never panics.
pub fn read_sealed_snapshot(bytes: &[u8]) -> Result<SealedSnapshot<'_>, FormatError> {
    let mut r = Reader::new(bytes);
    if r.array::<4>("magic")? != SNAPSHOT_MAGIC {
        return Err(FormatError::BadMagic);
    }
    let version = r.u8("version")?;
    if version != VERSION {
        return Err(FormatError::UnsupportedVersion(version));
    }
    let compression = Compression::from_code(r.u8("compression")?)?;
    let key_id = r.u32("key id")?;
    let nonce = r.array::<12>("nonce")?;
    let body_len = r.u32("body length")?;
    if !(TAG_LEN..=MAX_SNAPSHOT_LEN).contains(&body_len) {
        return Err(FormatError::BadLength {
            what: "snapshot",
            len: u64::from(body_len),
        });
    }
    let body = r.take(body_len as usize, "body")?;
    r.finish()?;
    Ok(SealedSnapshot {
        compression,
        key_id,
        nonce,
        header: &bytes[..HEADER_LEN],
        body,
    })
}

/// The snapshot in an opened body's plaintext (inflated first when `compression` says so).
///
/// # Errors
/// `Decompress`; `BadSnapshot` for a plaintext that is not exactly one snapshot (bytes after it
/// included).
pub fn snapshot_of_plaintext(
    plaintext: &[u8],
    compression: Compression,
) -> Result<Snapshot, FormatError> {
    let decode = |bytes: &[u8]| match postcard::take_from_bytes::<Snapshot>(bytes) {
        Ok((snapshot, [])) => Ok(snapshot),
        _ => Err(FormatError::BadSnapshot),
    };
    match compression {
        Compression::None => decode(plaintext),
        Compression::Deflate => {
            let encoded = miniz_oxide::inflate::decompress_to_vec_with_limit(
                plaintext,
                MAX_SNAPSHOT_LEN as usize,
            )
            .map_err(|_| FormatError::Decompress)?;
            decode(&encoded)
        }
    }
}

/// Opens a sealed snapshot with the key its header names.
///
/// # Errors
/// As [`read_sealed_snapshot`]; `UnknownKey`; `Decrypt` for a wrong key or any altered byte;
/// as [`snapshot_of_plaintext`]. Never panics, whatever the bytes.
pub fn open_snapshot(bytes: &[u8], keys: &[DataKey]) -> Result<Snapshot, FormatError> {
    let sealed = read_sealed_snapshot(bytes)?;
    let key = keys
        .iter()
        .find(|k| k.id == sealed.key_id)
        .ok_or(FormatError::UnknownKey(sealed.key_id))?;
    let plaintext = cipher(key)
        .decrypt(
            Nonce::from_slice(&sealed.nonce),
            Payload {
                msg: sealed.body,
                aad: sealed.header,
            },
        )
        .map_err(|_| FormatError::Decrypt)?;
    snapshot_of_plaintext(&plaintext, sealed.compression)
}

#[cfg(test)]
mod tests;
