//! The CLI's side of the sync protocol (`docs/sync-protocol.md`, "HTTP API"): the HTTP client
//! and its error mapping, logging in and unlocking the study data key, the secrets read from
//! files, and the operating system's randomness.

pub mod args;
pub mod client;
pub mod refusal;
pub mod secrets;
pub mod session;

pub use args::LoginArgs;
pub use session::Session;

/// Fills an array with random bytes from the operating system (keys, salts, nonces).
pub fn random_bytes<const N: usize>() -> anyhow::Result<[u8; N]> {
    let mut bytes = [0u8; N];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("the operating system gave no random bytes: {e}"))?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    #[test]
    fn random_bytes_differ() {
        let a = super::random_bytes::<16>().unwrap();
        let b = super::random_bytes::<16>().unwrap();
        assert_ne!(a, b);
    }
}
