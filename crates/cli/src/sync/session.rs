//! Logging in (`login/params`, the keys derived from the passphrase, `login`), unlocking the
//! study data key (`GET /api/key`), and making a wrapped-key record for a new passphrase.

use ecrf_core::sync::api::{self, LoginParams, LoginRequest, NewKey, MAX_NAME_LEN};
use ecrf_core::sync::keys::{derive_user_keys, UserKeys, MAX_ITERATIONS, MIN_ITERATIONS};
use ecrf_core::sync::{DataKey, FormatError, StudyId, WrappedKey};
use ureq::http::Method;

use super::client::Client;
use super::random_bytes;
use crate::input::bad_input;

/// Refuses (exit status 2) a user or device name the server would refuse.
pub fn check_name(option: &str, name: &str) -> anyhow::Result<()> {
    if !api::valid_name(name) {
        bad_input!(
            "{option} must be 1 to {MAX_NAME_LEN} letters, digits, '.', '_', '-' or '@', not {name:?}"
        );
    }
    Ok(())
}

/// The device id the CLI logs in with: `cli-<user>`, cut to 64 bytes (names are ASCII).
pub fn device_id(user: &str) -> String {
    let mut device = format!("cli-{user}");
    device.truncate(MAX_NAME_LEN);
    device
}

/// The data key wrapped for `user` under `passphrase` (a new random salt and nonce, 600,000
/// iterations) with the server-auth key derived from the same record.
pub fn new_key(key: &DataKey, user: &str, passphrase: &str) -> anyhow::Result<NewKey> {
    Ok(NewKey::wrap(
        key,
        user,
        passphrase,
        random_bytes::<16>()?,
        random_bytes::<12>()?,
    )?)
}

/// A logged-in user: the client carrying the bearer token and the server's session.
#[derive(Debug)]
pub struct Session {
    /// The client, with the token set.
    pub client: Client,
    /// The server's answer to the login.
    pub info: api::Session,
    salt: [u8; 16],
    iterations: u32,
    keys: UserKeys,
}

impl Session {
    /// Logs `user` in with `passphrase` from the device `cli-<user>`. A wrong user name or
    /// passphrase is the server's `bad_credentials` refusal (exit status 2).
    pub fn login(mut client: Client, user: &str, passphrase: &str) -> anyhow::Result<Session> {
        check_name("--user", user)?;
        let params: LoginParams = client.get_json(&format!("/api/login/params?user={user}"))?;
        let mut salt = [0u8; 16];
        let salt_ok = hex::decode_to_slice(&params.salt, &mut salt).is_ok();
        if params.kdf != "pbkdf2-sha256"
            || !salt_ok
            || !(MIN_ITERATIONS..=MAX_ITERATIONS).contains(&params.iterations)
        {
            anyhow::bail!(
                "the server's login parameters are not usable (kdf {:?}, {} iterations)",
                params.kdf,
                params.iterations
            );
        }
        let keys = derive_user_keys(passphrase, &salt, params.iterations);
        let request = LoginRequest {
            user: user.to_owned(),
            auth: hex::encode(keys.auth),
            device: device_id(user),
        };
        let info: api::Session = client.send_json(Method::POST, "/api/login", &request)?;
        client.set_token(Some(info.token.clone()));
        Ok(Session {
            client,
            info,
            salt,
            iterations: params.iterations,
            keys,
        })
    }

    /// Refuses (exit status 2) a user who still has a temporary passphrase.
    pub fn require_own_passphrase(&self) -> anyhow::Result<()> {
        if self.info.must_change_passphrase {
            bad_input!(
                "user {} still has a temporary passphrase: change it first with \
                 `ecrf passphrase change`",
                self.info.user
            );
        }
        Ok(())
    }

    /// The server-auth key the login proved, hex (`POST /api/passphrase` asks for it again).
    pub fn current_auth(&self) -> String {
        hex::encode(self.keys.auth)
    }

    /// The study id of the session.
    pub fn study_id(&self) -> anyhow::Result<StudyId> {
        let mut id = [0u8; 16];
        hex::decode_to_slice(&self.info.study_id, &mut id).map_err(|_| {
            anyhow::anyhow!(
                "the server's study id {:?} is not 16 bytes of hex",
                self.info.study_id
            )
        })?;
        Ok(id)
    }

    /// Fetches the user's wrapped key and opens it with the key-encryption key of the login.
    pub fn data_key(&self, passphrase: &str) -> anyhow::Result<DataKey> {
        let wrapped: WrappedKey = self.client.get_json("/api/key")?;
        let user = &self.info.user;
        let same_record =
            wrapped.salt_bytes().ok() == Some(self.salt) && wrapped.iterations == self.iterations;
        let opened = if same_record {
            wrapped.unwrap_with(user, &self.keys.kek)
        } else {
            wrapped.unwrap_key(user, passphrase)
        };
        match opened {
            Ok(key) => Ok(key),
            Err(FormatError::WrongPassphrase) => {
                bad_input!("the passphrase does not open the study key of user {user}")
            }
            Err(err) => Err(anyhow::anyhow!("the server's key record for {user}: {err}")),
        }
    }

    /// Ends the session on the server (its token stops working): the same as dropping it.
    pub fn logout(self) {
        drop(self);
    }
}

/// A session ends on the server however the command ends, an error included; a failure to log
/// out is ignored, as the token expires anyway.
impl Drop for Session {
    fn drop(&mut self) {
        let _ = self
            .client
            .send_no_answer::<()>(Method::POST, "/api/logout", None);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_ids_fit() {
        assert_eq!(device_id("dm"), "cli-dm");
        let long = "u".repeat(64);
        assert_eq!(device_id(&long).len(), 64);
        assert!(api::valid_name(&device_id(&long)));
    }

    #[test]
    fn bad_names_are_bad_input() {
        assert!(check_name("--user", "dm.zhang@site-1").is_ok());
        let err = check_name("--user", "dm zhang").unwrap_err();
        assert!(err.downcast_ref::<crate::input::BadInput>().is_some());
    }

    #[test]
    fn a_new_key_opens_with_its_passphrase_and_proves_it() {
        let key = DataKey::new(1, [7; 32]);
        let new = new_key(&key, "monitor1", "temporary pass").unwrap();
        assert_eq!(new.wrapped_key.iterations, 600_000);
        assert_eq!(
            new.wrapped_key
                .unwrap_key("monitor1", "temporary pass")
                .unwrap(),
            key
        );
        let keys = new.wrapped_key.user_keys("temporary pass").unwrap();
        assert_eq!(new.auth, hex::encode(keys.auth));
    }
}
