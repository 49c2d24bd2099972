//! The slow key derivation (PBKDF2-HMAC-SHA256, at least 600,000 iterations) and the opening of
//! the large sealed snapshot (AES-256-GCM) by the browser's Web Crypto, which is several times
//! faster than the core's Rust compiled to WebAssembly; the rest of the derivation (HKDF to the
//! key-encryption and server-auth keys), every other use of the keys and every format stay in
//! the core (`ecrf_core::sync`). Where Web Crypto is missing (a page that is not a secure
//! context), the core's own code computes the same bytes.

use ecrf_core::sync::keys::{derive_user_keys, UserKeys};
use ecrf_core::sync::{FormatError, WrappedKey};
use wasm_bindgen::prelude::*;

#[wasm_bindgen(inline_js = r#"
export async function aes_gcm_decrypt(key, iv, aad, data) {
  // Copied at once: views into WebAssembly memory may not outlive an await.
  const [k, n, a, d] = [new Uint8Array(key), new Uint8Array(iv), new Uint8Array(aad), new Uint8Array(data)];
  const subtle = globalThis.crypto && globalThis.crypto.subtle;
  if (!subtle) return null;
  const cryptoKey = await subtle.importKey("raw", k, "AES-GCM", false, ["decrypt"]);
  const plain = await subtle.decrypt({ name: "AES-GCM", iv: n, additionalData: a, tagLength: 128 }, cryptoKey, d);
  return new Uint8Array(plain);
}

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
    async fn aes_gcm_decrypt(
        key: &[u8],
        iv: &[u8],
        aad: &[u8],
        data: &[u8],
    ) -> Result<JsValue, JsValue>;

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

/// AES-256-GCM decryption by Web Crypto (hardware AES where the tablet has it, many times faster
/// than the core's Rust in WebAssembly on tens of megabytes): `Ok(None)` where the browser has no
/// Web Crypto, `Err(())` when the tag does not verify (a wrong key, or altered bytes).
pub async fn web_crypto_aes_gcm_decrypt(
    key: &[u8; 32],
    nonce: &[u8; 12],
    aad: &[u8],
    data: &[u8],
) -> Result<Option<Vec<u8>>, ()> {
    let plain = aes_gcm_decrypt(key, nonce, aad, data)
        .await
        .map_err(|_| ())?;
    if plain.is_null() {
        return Ok(None);
    }
    Ok(Some(js_sys::Uint8Array::new(&plain).to_vec()))
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
