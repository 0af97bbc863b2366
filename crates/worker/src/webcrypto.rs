//! The runtime's WebCrypto (`crypto.subtle`) for every feature that signs or verifies: portal
//! session signatures (key import from the `SESSION_SECRET` secret (HS256) or the `SESSION_JWKS`
//! var (ES256/RS256 public keys, each pinned to its `alg`), then `verify` / `sign`), webhook
//! signatures, the onboarding binding tag, and the sealing of stored secrets ([`crate::seal`]).
//! Imported keys are kept per isolate.

use crate::error::ApiError;
use gatehouse_core::session::{Alg, Header, SessionError};
use js_sys::futures::JsFuture;
use js_sys::{Array, Object, Reflect, Uint8Array};
use std::cell::RefCell;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CryptoKey, SubtleCrypto};
use worker::Env;

/// A verification key and the one algorithm it is pinned to.
#[derive(Clone)]
pub struct PinnedKey {
    /// The only algorithm this key verifies.
    pub alg: Alg,
    /// The imported WebCrypto key.
    pub key: CryptoKey,
}

thread_local! {
    /// Imported keys by name (a few: the session secret, the JWKS keys, the sealing key).
    static KEYS: RefCell<Vec<(String, PinnedKey)>> = const { RefCell::new(Vec::new()) };
}

pub(crate) fn subtle() -> Result<SubtleCrypto, ApiError> {
    let crypto = Reflect::get(&js_sys::global(), &"crypto".into())
        .map_err(|_| ApiError::Internal("no crypto global".into()))?;
    Reflect::get(&crypto, &"subtle".into())
        .map_err(|_| ApiError::Internal("no crypto.subtle".into()))?
        .dyn_into::<SubtleCrypto>()
        .map_err(|_| ApiError::Internal("crypto.subtle is not SubtleCrypto".into()))
}

fn object(pairs: &[(&str, &str)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &(*k).into(), &(*v).into());
    }
    o
}

fn import_params(alg: Alg) -> Object {
    match alg {
        Alg::HS256 => object(&[("name", "HMAC"), ("hash", "SHA-256")]),
        Alg::ES256 => object(&[("name", "ECDSA"), ("namedCurve", "P-256")]),
        Alg::RS256 => object(&[("name", "RSASSA-PKCS1-v1_5"), ("hash", "SHA-256")]),
    }
}

fn verify_params(alg: Alg) -> Object {
    match alg {
        Alg::HS256 => object(&[("name", "HMAC")]),
        Alg::ES256 => object(&[("name", "ECDSA"), ("hash", "SHA-256")]),
        Alg::RS256 => object(&[("name", "RSASSA-PKCS1-v1_5")]),
    }
}

pub(crate) async fn promise(
    p: Result<js_sys::Promise, JsValue>,
    what: &str,
) -> Result<JsValue, ApiError> {
    let p = p.map_err(|e| ApiError::Internal(format!("{what}: {}", crate::error::js_text(&e))))?;
    JsFuture::from(p)
        .await
        .map_err(|e| ApiError::Internal(format!("{what}: {}", crate::error::js_text(&e))))
}

fn cached(name: &str) -> Option<PinnedKey> {
    KEYS.with(|k| {
        k.borrow()
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, key)| key.clone())
    })
}

fn remember(name: String, key: PinnedKey) -> PinnedKey {
    KEYS.with(|k| {
        let mut k = k.borrow_mut();
        k.retain(|(n, _)| *n != name);
        k.push((name, key.clone()));
    });
    key
}

/// The HMAC key from `SESSION_SECRET` (≥ 32 bytes), for verifying or, in development, signing.
pub async fn hmac_key(env: &Env, sign: bool) -> Result<PinnedKey, ApiError> {
    let name = if sign { "hs256:sign" } else { "hs256" };
    if let Some(k) = cached(name) {
        return Ok(k);
    }
    let secret = crate::config::secret(env, "SESSION_SECRET")
        .filter(|s| s.len() >= 32)
        .ok_or_else(|| {
            ApiError::Misconfigured(
                "secret SESSION_SECRET is not set or shorter than 32 bytes".into(),
            )
        })?;
    import_hmac(name, secret.as_bytes(), sign).await
}

/// Imports `secret` as an HMAC-SHA-256 key for signing or verifying, kept per isolate under
/// `name` (the caller names the secret it came from, never its value).
pub async fn import_hmac(name: &str, secret: &[u8], sign: bool) -> Result<PinnedKey, ApiError> {
    if let Some(k) = cached(name) {
        return Ok(k);
    }
    Ok(remember(name.into(), import_raw_hmac(secret, sign).await?))
}

/// HMAC-SHA-256 of `input` under a one-off key that is not kept (onboarding binding tags).
pub async fn hmac_one_off(secret: &str, input: &str) -> Result<Vec<u8>, ApiError> {
    sign_hmac(&import_raw_hmac(secret.as_bytes(), true).await?, input).await
}

async fn import_raw_hmac(secret: &[u8], sign: bool) -> Result<PinnedKey, ApiError> {
    let usages = Array::of1(&(if sign { "sign" } else { "verify" }).into());
    let raw = Uint8Array::from(secret);
    let key = promise(
        subtle()?.import_key_with_object(
            "raw",
            &raw.into(),
            &import_params(Alg::HS256),
            false,
            &usages,
        ),
        "importing an HMAC key",
    )
    .await?;
    Ok(PinnedKey {
        alg: Alg::HS256,
        key: key.unchecked_into(),
    })
}

/// The key for a token's header: `HS256` → the shared secret; otherwise the `SESSION_JWKS` key
/// named by `kid` (or the only one), pinned to that JWK's own `alg`.
pub async fn key_for(env: &Env, header: &Header) -> Result<PinnedKey, ApiError> {
    if header.alg == "HS256" {
        return hmac_key(env, false).await;
    }
    let name = format!("jwk:{}", header.kid.as_deref().unwrap_or(""));
    if let Some(k) = cached(&name) {
        return Ok(k);
    }
    let jwks = crate::config::var(env, "SESSION_JWKS")
        .ok_or(ApiError::InvalidSession(SessionError::UnknownKey))?;
    // from_slice, as everywhere in the worker: one serde_json reader (SliceRead) in the wasm.
    let jwks: serde_json::Value = serde_json::from_slice(jwks.as_bytes())
        .map_err(|e| ApiError::Misconfigured(format!("SESSION_JWKS is not JSON: {e}")))?;
    let keys = jwks["keys"]
        .as_array()
        .ok_or_else(|| ApiError::Misconfigured("SESSION_JWKS has no \"keys\" array".into()))?;
    let jwk = match &header.kid {
        Some(kid) => keys.iter().find(|k| k["kid"].as_str() == Some(kid)),
        None if keys.len() == 1 => keys.first(),
        None => None,
    }
    .ok_or(ApiError::InvalidSession(SessionError::UnknownKey))?;
    let alg = jwk["alg"]
        .as_str()
        .and_then(Alg::parse)
        .filter(|a| *a != Alg::HS256)
        .ok_or_else(|| {
            ApiError::Misconfigured("every SESSION_JWKS key needs \"alg\": ES256 or RS256".into())
        })?;
    // Written through Serialize, not `Value`'s Display (see `log::event`).
    let text = serde_json::to_string(jwk).unwrap_or_default();
    let data = js_sys::JSON::parse(&text)
        .map_err(|_| ApiError::Misconfigured("SESSION_JWKS key".into()))?;
    let key = promise(
        subtle()?.import_key_with_object(
            "jwk",
            data.unchecked_ref(),
            &import_params(alg),
            false,
            &Array::of1(&"verify".into()),
        ),
        "importing a SESSION_JWKS key",
    )
    .await
    .map_err(|e| {
        ApiError::Misconfigured(format!(
            "SESSION_JWKS key: {}",
            e.detail().unwrap_or_default()
        ))
    })?;
    Ok(remember(
        name,
        PinnedKey {
            alg,
            key: key.unchecked_into(),
        },
    ))
}

/// Verifies `signature` over `input` with `key` under `alg`.
pub async fn verify(
    alg: Alg,
    key: &CryptoKey,
    signature: &[u8],
    input: &str,
) -> Result<bool, ApiError> {
    let ok = promise(
        subtle()?.verify_with_object_and_u8_array_and_u8_array(
            &verify_params(alg),
            key,
            signature,
            input.as_bytes(),
        ),
        "verifying a session",
    )
    .await?;
    Ok(ok.as_bool().unwrap_or(false))
}

/// HMAC-SHA-256 of `input` (development session minting and webhook signatures).
pub async fn sign_hmac(key: &PinnedKey, input: &str) -> Result<Vec<u8>, ApiError> {
    let sig = promise(
        subtle()?.sign_with_object_and_u8_array(
            &verify_params(Alg::HS256),
            &key.key,
            input.as_bytes(),
        ),
        "HMAC signing",
    )
    .await?;
    Ok(Uint8Array::new(&sig).to_vec())
}
