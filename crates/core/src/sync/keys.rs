//! The key hierarchy (`docs/sync-protocol.md`, "Keys"): a passphrase gives, through
//! PBKDF2-HMAC-SHA256 (RFC 8018) and HKDF-SHA256 (RFC 5869), a key-encryption key that wraps the
//! study data key with AES-256-GCM, and a separate key that authenticates the user to the server.

use aes_gcm::aead::{Aead, Payload};
use aes_gcm::{Aes256Gcm, KeyInit, Nonce};
use hkdf::Hkdf;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::FormatError;

/// The fewest PBKDF2-SHA256 iterations accepted (OWASP's 2023 figure).
pub const MIN_ITERATIONS: u32 = 600_000;
/// The most accepted: a record asking for more would keep a tablet busy for minutes or hours.
pub const MAX_ITERATIONS: u32 = 10_000_000;
const INFO_KEK: &[u8] = b"ecrf/v1/key-encryption";
const INFO_AUTH: &[u8] = b"ecrf/v1/server-auth";
const WRAP_AAD: &[u8] = b"ecrf/v1/wrapped-key";

/// A study data key and its id. Its `Debug` shows the id only.
#[derive(Clone, PartialEq, Eq)]
pub struct DataKey {
    /// The key id written in each sealed commit's header.
    pub id: u32,
    key: [u8; 32],
}

impl std::fmt::Debug for DataKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DataKey {{ id: {}, .. }}", self.id)
    }
}

impl DataKey {
    /// A data key from 32 random bytes.
    pub fn new(id: u32, key: [u8; 32]) -> DataKey {
        DataKey { id, key }
    }

    /// The key's bytes.
    pub fn bytes(&self) -> &[u8; 32] {
        &self.key
    }
}

/// What a passphrase gives: the key-encryption key and the server-auth key (32 bytes each).
#[derive(Clone, PartialEq, Eq)]
pub struct UserKeys {
    /// Wraps and unwraps the data key; never leaves the device.
    pub kek: [u8; 32],
    /// Proves the user to the server (which stores only its hash).
    pub auth: [u8; 32],
}

impl std::fmt::Debug for UserKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("UserKeys { .. }")
    }
}

/// Refuses an iteration count outside [`MIN_ITERATIONS`]..=[`MAX_ITERATIONS`] (too weak, or a
/// tablet busy for minutes).
///
/// # Errors
/// `BadKeyRecord`.
pub fn check_iterations(iterations: u32) -> Result<(), FormatError> {
    if (MIN_ITERATIONS..=MAX_ITERATIONS).contains(&iterations) {
        Ok(())
    } else {
        Err(FormatError::BadKeyRecord(
            "iterations outside 600,000 to 10,000,000",
        ))
    }
}

/// `master = PBKDF2-HMAC-SHA256(passphrase, salt, iterations)`, then the two keys by HKDF with
/// distinct `info` strings. Slow by design: about `iterations` HMAC computations.
pub fn derive_user_keys(passphrase: &str, salt: &[u8; 16], iterations: u32) -> UserKeys {
    let mut master = [0u8; 32];
    pbkdf2::pbkdf2_hmac::<Sha256>(passphrase.as_bytes(), salt, iterations, &mut master);
    UserKeys::from_master(&master)
}

impl UserKeys {
    /// The two keys from `master`, the 32-byte PBKDF2-HMAC-SHA256 output of the passphrase
    /// (UTF-8) with the record's salt and iterations, computed elsewhere (the browser's Web
    /// Crypto `deriveBits` computes the same, several times faster than this crate in
    /// WebAssembly): HKDF-SHA256 with the `info` strings of [`derive_user_keys`].
    pub fn from_master(master: &[u8; 32]) -> UserKeys {
        let hk = Hkdf::<Sha256>::new(None, master);
        let mut kek = [0u8; 32];
        let mut auth = [0u8; 32];
        // 32 bytes are far below HKDF-SHA256's limit of 8,160: expansion cannot fail.
        let _ = hk.expand(INFO_KEK, &mut kek);
        let _ = hk.expand(INFO_AUTH, &mut auth);
        UserKeys { kek, auth }
    }
}

/// A user's wrapped data key, as stored on the server and cached on the device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WrappedKey {
    /// Always `ecrf-wrapped-key`.
    pub format: String,
    /// Always 1.
    pub version: u32,
    /// Always `pbkdf2-sha256`.
    pub kdf: String,
    /// PBKDF2 iterations (>= 600,000).
    pub iterations: u32,
    /// The PBKDF2 salt, 16 bytes in hex.
    pub salt: String,
    /// The data key's id.
    pub key_id: u32,
    /// The AES-GCM nonce, 12 bytes in hex.
    pub nonce: String,
    /// The data key sealed under the KEK with its tag (48 bytes), hex.
    pub wrapped: String,
}

fn wrap_aad(user: &str, key_id: u32) -> Vec<u8> {
    let mut aad = WRAP_AAD.to_vec();
    aad.extend_from_slice(user.as_bytes());
    aad.extend_from_slice(&key_id.to_be_bytes());
    aad
}

impl WrappedKey {
    /// Wraps `key` for `user` under the KEK of `passphrase` (a new `salt` and `nonce` every time).
    pub fn wrap(
        key: &DataKey,
        user: &str,
        passphrase: &str,
        salt: [u8; 16],
        iterations: u32,
        nonce: [u8; 12],
    ) -> Result<WrappedKey, FormatError> {
        check_iterations(iterations)?;
        let keys = derive_user_keys(passphrase, &salt, iterations);
        WrappedKey::wrap_with(key, user, &keys, salt, iterations, nonce)
    }

    /// Wraps `key` for `user` under `keys`, which the passphrase gave with this `salt` and
    /// `iterations` (derived elsewhere, e.g. by Web Crypto: [`UserKeys::from_master`]).
    ///
    /// # Errors
    /// Iterations outside 600,000 to 10,000,000.
    pub fn wrap_with(
        key: &DataKey,
        user: &str,
        keys: &UserKeys,
        salt: [u8; 16],
        iterations: u32,
        nonce: [u8; 12],
    ) -> Result<WrappedKey, FormatError> {
        check_iterations(iterations)?;
        let wrapped = Aes256Gcm::new((&keys.kek).into())
            .encrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: key.bytes(),
                    aad: &wrap_aad(user, key.id),
                },
            )
            .map_err(|_| FormatError::BadKeyRecord("the key does not seal"))?;
        Ok(WrappedKey {
            format: "ecrf-wrapped-key".to_owned(),
            version: 1,
            kdf: "pbkdf2-sha256".to_owned(),
            iterations,
            salt: hex::encode(salt),
            key_id: key.id,
            nonce: hex::encode(nonce),
            wrapped: hex::encode(wrapped),
        })
    }

    /// The record's salt, checked.
    pub fn salt_bytes(&self) -> Result<[u8; 16], FormatError> {
        let mut salt = [0u8; 16];
        hex::decode_to_slice(&self.salt, &mut salt)
            .map_err(|_| FormatError::BadKeyRecord("the salt is not 16 bytes of hex"))?;
        Ok(salt)
    }

    /// Opens the data key with `passphrase`: `WrongPassphrase` when the tag does not verify
    /// (the record itself is checked first, so that is the only cause left).
    pub fn unwrap_key(&self, user: &str, passphrase: &str) -> Result<DataKey, FormatError> {
        let keys = self.user_keys(passphrase)?;
        self.unwrap_with(user, &keys.kek)
    }

    /// The keys `passphrase` gives for this record (for unlocking and for the server proof).
    pub fn user_keys(&self, passphrase: &str) -> Result<UserKeys, FormatError> {
        self.check()?;
        Ok(derive_user_keys(
            passphrase,
            &self.salt_bytes()?,
            self.iterations,
        ))
    }

    /// Opens the data key with an already derived KEK.
    pub fn unwrap_with(&self, user: &str, kek: &[u8; 32]) -> Result<DataKey, FormatError> {
        self.check()?;
        let mut nonce = [0u8; 12];
        hex::decode_to_slice(&self.nonce, &mut nonce)
            .map_err(|_| FormatError::BadKeyRecord("the nonce is not 12 bytes of hex"))?;
        let wrapped = hex::decode(&self.wrapped)
            .ok()
            .filter(|w| w.len() == 48)
            .ok_or(FormatError::BadKeyRecord(
                "the wrapped key is not 48 bytes of hex",
            ))?;
        let plain = Aes256Gcm::new(kek.into())
            .decrypt(
                Nonce::from_slice(&nonce),
                Payload {
                    msg: &wrapped,
                    aad: &wrap_aad(user, self.key_id),
                },
            )
            .map_err(|_| FormatError::WrongPassphrase)?;
        let mut key = [0u8; 32];
        key.copy_from_slice(&plain);
        Ok(DataKey::new(self.key_id, key))
    }

    /// Checks the record's format, version, derivation, iterations and salt (before any slow
    /// derivation is spent on it).
    ///
    /// # Errors
    /// `BadKeyRecord` naming what is wrong.
    pub fn check(&self) -> Result<(), FormatError> {
        if self.format != "ecrf-wrapped-key" || self.version != 1 {
            return Err(FormatError::BadKeyRecord("not a version 1 wrapped key"));
        }
        if self.kdf != "pbkdf2-sha256" {
            return Err(FormatError::BadKeyRecord("unknown key derivation"));
        }
        check_iterations(self.iterations)?;
        self.salt_bytes().map(|_| ())
    }
}
