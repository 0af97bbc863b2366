//! Token state at rest, sealed with the platform's AES-GCM (`crypto.subtle`): AES-256, a 96-bit
//! random nonce, a 128-bit tag and the credential id as additional data — the construction of
//! `gatehouse_core::sealed`, whose envelope (key id, nonce, ciphertext) is used as it is, so
//! blobs written before (by the compiled-in RustCrypto AES-GCM) still open, and no AES code is
//! compiled into the worker (docs/security.md item 4).

use crate::error::ApiError;
use crate::webcrypto::{promise, subtle};
use gatehouse_core::sealed::{envelope, parse_envelope, SealError, StorageKey};
use js_sys::{Array, Object, Reflect, Uint8Array};
use wasm_bindgen::JsCast;
use web_sys::CryptoKey;

async fn import(key: &StorageKey) -> Result<CryptoKey, ApiError> {
    let params = Object::new();
    let _ = Reflect::set(&params, &"name".into(), &"AES-GCM".into());
    let usages = Array::of2(&"encrypt".into(), &"decrypt".into());
    let raw = Uint8Array::from(key.expose_bytes().as_slice());
    let k = promise(
        subtle()?.import_key_with_object("raw", &raw.into(), &params, false, &usages),
        "importing the storage key",
    )
    .await?;
    Ok(k.unchecked_into())
}

fn gcm_params(nonce: &[u8; 12], context: &str) -> Object {
    let p = Object::new();
    let _ = Reflect::set(&p, &"name".into(), &"AES-GCM".into());
    let _ = Reflect::set(&p, &"iv".into(), &Uint8Array::from(nonce.as_slice()).into());
    let aad = Uint8Array::from(context.as_bytes());
    let _ = Reflect::set(&p, &"additionalData".into(), &aad.into());
    let _ = Reflect::set(&p, &"tagLength".into(), &128.into());
    p
}

/// Seals `plaintext` for `context` under `key` with `nonce` (fresh random bytes per call).
pub async fn seal(
    key: &StorageKey,
    nonce: [u8; 12],
    context: &str,
    plaintext: &[u8],
) -> Result<String, ApiError> {
    let k = import(key).await?;
    let out = promise(
        subtle()?.encrypt_with_object_and_u8_array(&gcm_params(&nonce, context), &k, plaintext),
        "sealing",
    )
    .await?;
    Ok(envelope(key.id(), &nonce, &Uint8Array::new(&out).to_vec()))
}

/// Opens a blob with whichever of `keys` has its key id; `SealError::Open` when it does not
/// authenticate (wrong key, another credential's blob, tampering).
pub async fn open(keys: &[StorageKey], context: &str, sealed: &str) -> Result<Vec<u8>, SealError> {
    let (key, env) = parse_envelope(keys, sealed)?;
    let k = import(key).await.map_err(|_| SealError::Open)?;
    let s = subtle().map_err(|_| SealError::Open)?;
    let out = promise(
        s.decrypt_with_object_and_u8_array(&gcm_params(&env.nonce, context), &k, &env.ciphertext),
        "opening",
    )
    .await
    .map_err(|_| SealError::Open)?;
    Ok(Uint8Array::new(&out).to_vec())
}
