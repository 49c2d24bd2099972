//! The sync server's HTTP API, version 1 (`docs/sync-protocol.md`, "HTTP API"): the JSON bodies
//! of requests and answers, the roles, and the rules for user and device names, shared by the
//! server, the CLI and the app so that all three speak exactly the same messages.

use serde::{Deserialize, Serialize};

use super::WrappedKey;

/// The longest user or device name, bytes.
pub const MAX_NAME_LEN: usize = 64;
/// The most sealed commits one upload may carry.
pub const MAX_BUNDLE_COMMITS: usize = 10_000;
/// The most sealed commits one pull page returns (and its default size).
pub const MAX_PAGE: u32 = 5_000;
/// The response header carrying the cursor of a pull page's last commit.
pub const CURSOR_HEADER: &str = "ecrf-cursor";
/// The response header telling whether more commits follow a pull page (`true` / `false`).
pub const MORE_HEADER: &str = "ecrf-more";
/// The shortest passphrase accepted, characters (NIST SP 800-63B 5.1.1.2: at least 8).
pub const MIN_PASSPHRASE_CHARS: usize = 8;

/// A user's role in the study.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Creates the study, adds and revokes users and devices, re-wraps forgotten keys; writes.
    DataManager,
    /// Enters and signs data.
    Investigator,
    /// Enters data.
    Coordinator,
    /// Reads only: pulls and views, never uploads.
    Monitor,
}

impl Role {
    /// Every role, the data manager first.
    pub const ALL: [Role; 4] = [
        Role::DataManager,
        Role::Investigator,
        Role::Coordinator,
        Role::Monitor,
    ];

    /// The code used on the wire and in the CLI (`data_manager`, ...).
    pub fn code(self) -> &'static str {
        match self {
            Role::DataManager => "data_manager",
            Role::Investigator => "investigator",
            Role::Coordinator => "coordinator",
            Role::Monitor => "monitor",
        }
    }

    /// The role of a code, if it is one.
    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// Whether the role may upload commits.
    pub fn can_write(self) -> bool {
        self != Role::Monitor
    }

    /// Whether the role may manage users and devices.
    pub fn is_admin(self) -> bool {
        self == Role::DataManager
    }
}

/// Whether `name` is a valid user or device name: 1 to 64 bytes of ASCII letters, digits and
/// `.`, `_`, `-`, `@` (safe in URLs, file names and logs).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME_LEN
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'@'))
}

/// Whether `name` can be given to a new user: a valid name ([`valid_name`]) other than the
/// author of the app's own commits ([`super::authors::SYSTEM`]), whose commits are never
/// flagged as by an unknown author.
pub fn valid_new_user_name(name: &str) -> bool {
    valid_name(name) && name != super::authors::SYSTEM
}

/// Whether a passphrase is long enough ([`MIN_PASSPHRASE_CHARS`] characters).
pub fn passphrase_long_enough(passphrase: &str) -> bool {
    passphrase.chars().count() >= MIN_PASSPHRASE_CHARS
}

/// Every error answer: a stable code, a message safe to show, and for sync refusals the device
/// and sequence concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// A stable code (`bad_credentials`, `sequence_gap`, ...).
    pub error: String,
    /// A sentence for the user.
    pub message: String,
    /// The device concerned (sync refusals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// The sequence concerned (sync refusals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seq: Option<u64>,
    /// The sequence the server expected next for that device (`sequence_gap`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<u64>,
}

/// `POST /api/study`: creates the study with the one-time set-up token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CreateStudy {
    /// The token from the server's `DATA_DIR/setup-token`.
    pub setup_token: String,
    /// The new study's id, 16 random bytes in hex.
    pub study_id: String,
    /// The first user, who becomes the data manager.
    pub user: String,
    /// The user's server-auth key, 32 bytes in hex.
    pub auth: String,
    /// The study data key wrapped for that user.
    pub wrapped_key: WrappedKey,
}

/// The answer to `POST /api/study` and `GET /api/study`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StudyInfo {
    /// The study id, hex.
    pub study_id: String,
    /// When it was created (RFC 3339, UTC).
    pub created_at: String,
}

/// `GET /api/login/params?user=NAME`: what the client needs to derive its keys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginParams {
    /// Always `pbkdf2-sha256`.
    pub kdf: String,
    /// PBKDF2 iterations.
    pub iterations: u32,
    /// The salt, 16 bytes in hex.
    pub salt: String,
}

/// `POST /api/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// The user name.
    pub user: String,
    /// The server-auth key, 32 bytes in hex.
    pub auth: String,
    /// The device logging in (registered on its first login).
    pub device: String,
}

/// The answer to `POST /api/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// The bearer token (hex), valid until `expires_at`.
    pub token: String,
    /// RFC 3339, UTC.
    pub expires_at: String,
    /// The user.
    pub user: String,
    /// The device.
    pub device: String,
    /// The user's role.
    pub role: Role,
    /// True until a user added with a temporary passphrase has changed it: meanwhile only
    /// `GET /api/key`, `POST /api/passphrase` and `POST /api/logout` are allowed.
    pub must_change_passphrase: bool,
    /// The study id, hex.
    pub study_id: String,
}

/// `PUT /api/users/{user}/key` (data manager, for a forgotten passphrase): a new server-auth key
/// and the data key wrapped anew.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewKey {
    /// The new server-auth key, hex.
    pub auth: String,
    /// The data key wrapped under the new passphrase.
    pub wrapped_key: WrappedKey,
}

impl NewKey {
    /// The data `key` wrapped for `user` under `passphrase` (a new random `salt` and `nonce`
    /// from the caller, [`super::keys::MIN_ITERATIONS`] iterations) and the server-auth key
    /// derived from that same record: what a new passphrase (temporary, reset or chosen) sends.
    ///
    /// # Errors
    /// [`super::FormatError`] if the key does not wrap.
    pub fn wrap(
        key: &super::DataKey,
        user: &str,
        passphrase: &str,
        salt: [u8; 16],
        nonce: [u8; 12],
    ) -> Result<NewKey, super::FormatError> {
        let wrapped_key = WrappedKey::wrap(
            key,
            user,
            passphrase,
            salt,
            super::keys::MIN_ITERATIONS,
            nonce,
        )?;
        let auth = hex::encode(wrapped_key.user_keys(passphrase)?.auth);
        Ok(NewKey { auth, wrapped_key })
    }
}

/// `POST /api/passphrase`: a user's own change, proving the current passphrase (a stolen token
/// alone cannot take over the account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangePassphrase {
    /// The current server-auth key, hex.
    pub current_auth: String,
    /// The new server-auth key, hex.
    pub auth: String,
    /// The data key wrapped under the new passphrase.
    pub wrapped_key: WrappedKey,
}

/// `POST /api/users` (data manager): adds a user with a temporary passphrase.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    /// The user name.
    pub user: String,
    /// The role.
    pub role: Role,
    /// The server-auth key of the temporary passphrase, hex.
    pub auth: String,
    /// The data key wrapped under the temporary passphrase.
    pub wrapped_key: WrappedKey,
}

/// One row of `GET /api/users`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserInfo {
    /// The user name.
    pub user: String,
    /// The role.
    pub role: Role,
    /// Revoked users cannot log in; their earlier commits stay valid.
    pub revoked: bool,
    /// Whether the user still has a temporary passphrase.
    pub must_change_passphrase: bool,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// One row of `GET /api/devices`: a device that logged in or was revoked, or one known only as
/// the author of commits relayed by other devices (then `registered_by`, `registered_at` and
/// `last_seen_at` are `null`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    /// The device id.
    pub device: String,
    /// The user whose login registered it, or the data manager who revoked it before it ever
    /// logged in.
    pub registered_by: Option<String>,
    /// RFC 3339, UTC.
    pub registered_at: Option<String>,
    /// The last authenticated request from it (RFC 3339, UTC); for a device registered by its
    /// revocation, the revocation's time.
    pub last_seen_at: Option<String>,
    /// Revoked devices cannot log in or upload, and their new commits are refused.
    pub revoked: bool,
    /// How many of its commits the server holds.
    pub commits: u64,
}

/// Whether an uploaded commit was new or already held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AckStatus {
    /// Stored now.
    Stored,
    /// The server already held this very commit: nothing changed.
    Duplicate,
}

/// One commit's acknowledgement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ack {
    /// The author device.
    pub device: String,
    /// The sequence.
    pub seq: u64,
    /// The commit id, hex.
    pub commit_id: String,
    /// Stored or duplicate.
    pub status: AckStatus,
}

/// The answer to `POST /api/bundles`: one acknowledgement per commit, in the bundle's order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadResult {
    /// The acknowledgements.
    pub acks: Vec<Ack>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_key_record_opens_with_its_passphrase_and_proves_it_to_the_server() {
        let key = crate::sync::DataKey::new(1, [7; 32]);
        let record = NewKey::wrap(&key, "coord.wang", "temporary 2026", [1; 16], [2; 12]).unwrap();
        let opened = record
            .wrapped_key
            .unwrap_key("coord.wang", "temporary 2026")
            .unwrap();
        assert_eq!(opened.bytes(), key.bytes());
        let proof = record.wrapped_key.user_keys("temporary 2026").unwrap().auth;
        assert_eq!(record.auth, hex::encode(proof));
        assert!(record
            .wrapped_key
            .unwrap_key("coord.wang", "another one")
            .is_err());
        assert!(record
            .wrapped_key
            .unwrap_key("someone.else", "temporary 2026")
            .is_err());
    }

    #[test]
    fn names_roles_and_passphrases() {
        assert!(valid_name("tablet-3.ward_B@site001"));
        assert!(!valid_name(""));
        assert!(!valid_name("a b"));
        assert!(valid_new_user_name("dm.li"));
        assert!(!valid_new_user_name("system"));
        assert!(!valid_new_user_name("a b"));
        assert!(!valid_name("病房"));
        assert!(!valid_name(&"x".repeat(65)));
        for role in Role::ALL {
            assert_eq!(Role::from_code(role.code()), Some(role));
            let json = serde_json::to_string(&role).unwrap();
            assert_eq!(json, format!("\"{}\"", role.code()));
        }
        assert!(!Role::Monitor.can_write() && Role::Coordinator.can_write());
        assert!(Role::DataManager.is_admin() && !Role::Investigator.is_admin());
        assert!(passphrase_long_enough("四个汉字四个汉字"));
        assert!(!passphrase_long_enough("short"));
    }
}
