//! The device vault (`docs/sync-protocol.md`, "Encryption at rest"): the random device key that
//! seals this device's copy of the study in IndexedDB, wrapped for each user who may unlock the
//! device with their passphrase (the same wrapped-key records and slow derivation as the study
//! key's), and how long a wrong passphrase makes the next try wait.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::keys::{DataKey, UserKeys, WrappedKey, MIN_ITERATIONS};
use super::FormatError;

/// The key id of every commit sealed at rest (the device key is never sent anywhere, so its id
/// cannot meet a study key's).
pub const DEVICE_KEY_ID: u32 = 0;

/// Tries allowed without waiting; each further wrong passphrase doubles the wait.
pub const FREE_TRIES: u32 = 3;
/// The longest wait after wrong passphrases, milliseconds.
pub const MAX_WAIT_MS: u64 = 5 * 60 * 1000;

/// The vault record: the device key wrapped per user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vault {
    /// Always `ecrf-vault`.
    pub format: String,
    /// Always 1.
    pub version: u32,
    /// The device key wrapped under each user's key-encryption key, by user name.
    pub users: BTreeMap<String, WrappedKey>,
}

/// Why the vault does not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VaultError {
    /// No record for this user on this device.
    #[error("{0:?} has no key on this device")]
    UnknownUser(String),
    /// The passphrase does not open the user's record.
    #[error("wrong passphrase")]
    WrongPassphrase,
    /// The stored record is damaged or of another version.
    #[error("the vault record is not valid: {0}")]
    Bad(FormatError),
}

impl Vault {
    /// A vault holding `key` for `user` only (PBKDF2 with [`MIN_ITERATIONS`]; `salt` and
    /// `nonce` random, from the caller).
    ///
    /// # Errors
    /// A key record that cannot be made (never with valid arguments).
    pub fn create(
        key: &DataKey,
        user: &str,
        passphrase: &str,
        salt: [u8; 16],
        nonce: [u8; 12],
    ) -> Result<Vault, FormatError> {
        let mut vault = Vault {
            format: "ecrf-vault".to_owned(),
            version: 1,
            users: BTreeMap::new(),
        };
        vault.add_user(key, user, passphrase, salt, nonce)?;
        Ok(vault)
    }

    /// Wraps `key` for `user` too (replacing their record: a changed passphrase).
    ///
    /// # Errors
    /// A key record that cannot be made (never with valid arguments).
    pub fn add_user(
        &mut self,
        key: &DataKey,
        user: &str,
        passphrase: &str,
        salt: [u8; 16],
        nonce: [u8; 12],
    ) -> Result<(), FormatError> {
        let record = WrappedKey::wrap(key, user, passphrase, salt, MIN_ITERATIONS, nonce)?;
        self.users.insert(user.to_owned(), record);
        Ok(())
    }

    /// Wraps `key` for `user` with the keys their passphrase gives with `salt` at
    /// [`MIN_ITERATIONS`] (derived elsewhere, e.g. by Web Crypto: [`UserKeys::from_master`]),
    /// replacing their record: [`Vault::add_user`] without the derivation.
    ///
    /// # Errors
    /// A key record that cannot be made (never with valid arguments).
    pub fn add_user_with(
        &mut self,
        key: &DataKey,
        user: &str,
        keys: &UserKeys,
        salt: [u8; 16],
        nonce: [u8; 12],
    ) -> Result<(), FormatError> {
        let record = WrappedKey::wrap_with(key, user, keys, salt, MIN_ITERATIONS, nonce)?;
        self.users.insert(user.to_owned(), record);
        Ok(())
    }

    /// Removes `user`'s key record (a revoked study account, or a passphrase the data manager
    /// replaced), unless it is the last one: the device key would then be lost with every record
    /// on the device. Returns whether it was removed.
    pub fn forget_user(&mut self, user: &str) -> bool {
        if self.users.len() < 2 || !self.users.contains_key(user) {
            return false;
        }
        self.users.remove(user).is_some()
    }

    /// The device key, for `user` with `passphrase`. Slow by design (the PBKDF2 derivation).
    ///
    /// # Errors
    /// An unknown user, a wrong passphrase, or a damaged record.
    pub fn unlock(&self, user: &str, passphrase: &str) -> Result<DataKey, VaultError> {
        let keys = self
            .record(user)?
            .user_keys(passphrase)
            .map_err(VaultError::Bad)?;
        self.unlock_with(user, &keys)
    }

    /// `user`'s wrapped-key record (its salt and iterations give the derivation).
    ///
    /// # Errors
    /// Not a version 1 vault, or an unknown user.
    pub fn record(&self, user: &str) -> Result<&WrappedKey, VaultError> {
        if self.format != "ecrf-vault" || self.version != 1 {
            return Err(VaultError::Bad(FormatError::BadKeyRecord(
                "not a version 1 vault",
            )));
        }
        self.users
            .get(user)
            .ok_or_else(|| VaultError::UnknownUser(user.to_owned()))
    }

    /// The device key, for `user` with the keys their passphrase gives for their record
    /// (derived elsewhere, e.g. by Web Crypto: [`UserKeys::from_master`]).
    ///
    /// # Errors
    /// As [`Vault::unlock`].
    pub fn unlock_with(&self, user: &str, keys: &UserKeys) -> Result<DataKey, VaultError> {
        let record = self.record(user)?;
        let key = record.unwrap_with(user, &keys.kek).map_err(|e| match e {
            FormatError::WrongPassphrase => VaultError::WrongPassphrase,
            other => VaultError::Bad(other),
        })?;
        if key.id != DEVICE_KEY_ID {
            return Err(VaultError::Bad(FormatError::UnknownKey(key.id)));
        }
        Ok(key)
    }
}

/// How long the next try must wait after `failures` wrong passphrases in a row: nothing for the
/// first [`FREE_TRIES`], then 2, 4, 8, ... seconds, at most [`MAX_WAIT_MS`].
pub fn wait_after_failures_ms(failures: u32) -> u64 {
    match failures.checked_sub(FREE_TRIES) {
        None => 0,
        Some(extra) => 2000u64
            .checked_shl(extra.min(20))
            .unwrap_or(MAX_WAIT_MS)
            .min(MAX_WAIT_MS),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key() -> DataKey {
        DataKey::new(DEVICE_KEY_ID, [7; 32])
    }

    #[test]
    fn each_user_unlocks_with_their_own_passphrase_only() {
        let mut v = Vault::create(&key(), "li.wei", "correct horse", [1; 16], [2; 12]).unwrap();
        v.add_user(&key(), "zhang", "another phrase", [3; 16], [4; 12])
            .unwrap();
        assert_eq!(v.unlock("li.wei", "correct horse").unwrap(), key());
        assert_eq!(v.unlock("zhang", "another phrase").unwrap(), key());
        assert_eq!(
            v.unlock("li.wei", "another phrase"),
            Err(VaultError::WrongPassphrase)
        );
        assert_eq!(
            v.unlock("wang", "correct horse"),
            Err(VaultError::UnknownUser("wang".into()))
        );
        // A record moved to another user's name does not open (the user is bound).
        let mut moved = v.clone();
        let r = moved.users.remove("zhang").unwrap();
        moved.users.insert("wang".into(), r);
        assert_eq!(
            moved.unlock("wang", "another phrase"),
            Err(VaultError::WrongPassphrase)
        );
        // The record round-trips through JSON, and unknown fields are refused.
        let text = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<Vault>(&text).unwrap(), v);
        let extra = text.replacen('{', "{\"x\":1,", 1);
        assert!(serde_json::from_str::<Vault>(&extra).is_err());
    }

    #[test]
    fn keys_derived_elsewhere_from_the_pbkdf2_output_unlock_and_wrap_alike() {
        use sha2::Sha256;
        let v = Vault::create(&key(), "li.wei", "correct horse", [1; 16], [2; 12]).unwrap();
        let record = v.record("li.wei").unwrap();
        // What Web Crypto's deriveBits gives: PBKDF2-HMAC-SHA256 of the UTF-8 passphrase.
        let mut master = [0u8; 32];
        pbkdf2::pbkdf2_hmac::<Sha256>(b"correct horse", &[1; 16], record.iterations, &mut master);
        let keys = UserKeys::from_master(&master);
        assert_eq!(keys, record.user_keys("correct horse").unwrap());
        assert_eq!(v.unlock_with("li.wei", &keys).unwrap(), key());
        let other = UserKeys::from_master(&[0; 32]);
        assert_eq!(
            v.unlock_with("li.wei", &other),
            Err(VaultError::WrongPassphrase)
        );
        let again =
            WrappedKey::wrap_with(&key(), "li.wei", &keys, [1; 16], MIN_ITERATIONS, [2; 12]);
        assert_eq!(&again.unwrap(), record);
        assert!(WrappedKey::wrap_with(&key(), "li.wei", &keys, [1; 16], 1_000, [2; 12]).is_err());
        // Adding a user with keys derived elsewhere makes the record the derivation here makes.
        let mut w = v.clone();
        w.users.clear();
        w.add_user_with(&key(), "li.wei", &keys, [1; 16], [2; 12])
            .unwrap();
        assert_eq!(w, v);
    }

    #[test]
    fn a_user_is_forgotten_but_never_the_last() {
        let mut v = Vault::create(&key(), "li.wei", "correct horse", [1; 16], [2; 12]).unwrap();
        assert!(
            !v.forget_user("li.wei"),
            "the last user keeps the device key reachable"
        );
        v.add_user(&key(), "zhang", "another phrase", [3; 16], [4; 12])
            .unwrap();
        assert!(!v.forget_user("wang"));
        assert!(v.forget_user("li.wei"));
        assert_eq!(
            v.unlock("li.wei", "correct horse"),
            Err(VaultError::UnknownUser("li.wei".into()))
        );
        assert_eq!(v.unlock("zhang", "another phrase").unwrap(), key());
    }

    #[test]
    fn a_vault_of_another_version_or_key_is_refused() {
        let mut v = Vault::create(&key(), "u", "passphrase", [1; 16], [2; 12]).unwrap();
        v.version = 2;
        assert!(matches!(
            v.unlock("u", "passphrase"),
            Err(VaultError::Bad(_))
        ));
        let other = Vault::create(
            &DataKey::new(5, [7; 32]),
            "u",
            "passphrase",
            [1; 16],
            [2; 12],
        )
        .unwrap();
        assert!(matches!(
            other.unlock("u", "passphrase"),
            Err(VaultError::Bad(FormatError::UnknownKey(5)))
        ));
    }

    #[test]
    fn wrong_passphrases_make_the_next_try_wait_longer() {
        let waits: Vec<u64> = (0..8).map(wait_after_failures_ms).collect();
        assert_eq!(waits, [0, 0, 0, 2000, 4000, 8000, 16000, 32000]);
        assert_eq!(wait_after_failures_ms(100), MAX_WAIT_MS);
        assert_eq!(wait_after_failures_ms(u32::MAX), MAX_WAIT_MS);
    }
}
