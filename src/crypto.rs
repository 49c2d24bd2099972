//! The slow key derivation (PBKDF2-HMAC-SHA256, at least 600,000 iterations) by the browser's
//! Web Crypto, which is several times faster than the core's Rust compiled to WebAssembly; the
//! rest of the derivation (HKDF to the key-encryption and server-auth keys) and every use of the
//! keys stay in the core (`ecrf_core::sync::keys`). Where Web Crypto is missing (a page that is
//! not a secure context), the core's own PBKDF2 computes the same bytes.

use ecrf_core::sync::keys::{derive_user_keys, UserKeys};
use ecrf_core::sync::{FormatError, WrappedKey};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export async function pbkdf2_sha256(passphrase, salt, iterations) {
  // Copied at once: the view into WebAssembly memory may not outlive an await.
  const bytes = new Uint8Array(salt);
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (!subtle) return null;
  const key = await subtle.importKey("raw", new TextEncoder().encode(passphrase), "PBKDF2", false, ["deriveBits"]);
  const bits = await subtle.deriveBits({ name: "PBKDF2", hash: "SHA-256", salt: bytes, iterations }, key, 256);
  return new Uint8Array(bits);
}
"#)]
extern "C" {
    #[wasm_bindgen(catch)]
    async fn pbkdf2_sha256(
        passphrase: &str,
        salt: &[u8],
        iterations: u32,
    ) -> Result<JsValue, JsValue>;
}

/// PBKDF2-HMAC-SHA256 of `passphrase` (UTF-8) by Web Crypto, 32 bytes; `None` where the
/// browser has no Web Crypto (or refuses the parameters).
pub async fn web_crypto_pbkdf2(
    passphrase: &str,
    salt: &[u8; 16],
    iterations: u32,
) -> Option<[u8; 32]> {
    let bits = pbkdf2_sha256(passphrase, salt, iterations).await.ok()?;
    if bits.is_null() {
        return None;
    }
    <[u8; 32]>::try_from(js_sys::Uint8Array::new(&bits).to_vec()).ok()
}

/// The keys `passphrase` gives with `salt` and `iterations` (the protocol's derivation,
/// `docs/sync-protocol.md` "Keys"): PBKDF2 by Web Crypto, else by the core.
pub async fn user_keys(passphrase: &str, salt: &[u8; 16], iterations: u32) -> UserKeys {
    match web_crypto_pbkdf2(passphrase, salt, iterations).await {
        Some(master) => UserKeys::from_master(&master),
        None => derive_user_keys(passphrase, salt, iterations),
    }
}

/// The keys `passphrase` gives for a wrapped-key `record` (the record checked first).
pub async fn record_keys(record: &WrappedKey, passphrase: &str) -> Result<UserKeys, FormatError> {
    record.check()?;
    let salt = record.salt_bytes()?;
    Ok(user_keys(passphrase, &salt, record.iterations).await)
}
