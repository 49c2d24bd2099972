//! The server's few secrets: random bytes from the operating system, bearer tokens (only their
//! SHA-256 is stored), and the stable fake salts that keep `login/params` from telling whether
//! a user exists.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// `N` random bytes from the operating system.
pub fn random_bytes<const N: usize>() -> Result<[u8; N], getrandom::Error> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out)?;
    Ok(out)
}

/// SHA-256 of `bytes`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

/// A new token (32 random bytes in hex) and the hash the store keeps of it.
pub fn new_token() -> Result<(String, [u8; 32]), getrandom::Error> {
    let token = hex::encode(random_bytes::<32>()?);
    let hash = sha256(token.as_bytes());
    Ok((token, hash))
}

/// The salt answered for a user name that does not exist: the first 16 bytes of
/// HMAC-SHA256(server secret, "ecrf/v1/fake-salt" || name), so the same name always gets the
/// same salt and no one without the secret can tell it from a real one.
pub fn fake_salt(secret: &[u8; 32], name: &str) -> [u8; 16] {
    // HMAC accepts a key of any length: `new_from_slice` cannot fail here.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(b"ecrf/v1/fake-salt");
    mac.update(name.as_bytes());
    let full = mac.finalize().into_bytes();
    let mut salt = [0u8; 16];
    salt.copy_from_slice(&full[..16]);
    salt
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fake_salts_are_stable_per_name_and_secret() {
        let a = fake_salt(&[1; 32], "ana");
        assert_eq!(a, fake_salt(&[1; 32], "ana"));
        assert_ne!(a, fake_salt(&[1; 32], "anb"));
        assert_ne!(a, fake_salt(&[2; 32], "ana"));
    }

    #[test]
    fn tokens_are_random_hex_and_hashed() {
        let (t1, h1) = new_token().unwrap();
        let (t2, _) = new_token().unwrap();
        assert_eq!(t1.len(), 64);
        assert_ne!(t1, t2);
        assert_eq!(h1, sha256(t1.as_bytes()));
    }
}
