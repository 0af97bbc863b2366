//! Compact JWS (RFC 7515): splitting a token into header, signing input and signature, pinning
//! its algorithm to the deployment's and the key's, and building one (the development route
//! signs its demo sessions). The signature is checked by the caller, with WebCrypto.

use super::config::{Alg, SessionConfig};
use super::error::SessionError;
use base64::Engine;
use serde::Deserialize;

/// The JOSE header fields Gatehouse reads.
#[derive(Debug, Clone, Deserialize)]
pub struct Header {
    /// The algorithm the token claims.
    pub alg: String,
    /// The key id: picks one of the *configured* JWKS keys, never a key from elsewhere.
    /// (`jku`, `x5u`, `jwk`, `x5c` are not read at all: no header can bring its own key.)
    #[serde(default)]
    pub kid: Option<String>,
    /// Critical extensions (RFC 7515 §4.1.11): present at all, the token is refused.
    #[serde(default)]
    crit: Option<serde_json::Value>,
}

/// A split compact JWS whose signature has not been checked yet.
#[derive(Debug, Clone)]
pub struct Unverified<'a> {
    /// The parsed header.
    pub header: Header,
    /// `base64url(header) . base64url(payload)`: what the signature covers.
    pub signing_input: &'a str,
    /// The decoded signature (for ES256: raw `r || s`, as WebCrypto wants it).
    pub signature: Vec<u8>,
    pub(super) payload: Vec<u8>,
}

fn b64(s: &str) -> Result<Vec<u8>, SessionError> {
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(s)
        .map_err(|_| SessionError::Malformed)
}

/// Largest session token accepted (bytes).
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// Splits `token` into header, signing input and signature.
pub fn split(token: &str) -> Result<Unverified<'_>, SessionError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(SessionError::Malformed);
    }
    let mut parts = token.split('.');
    let (Some(h), Some(p), Some(s), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(SessionError::Malformed);
    };
    let header: Header = serde_json::from_slice(&b64(h)?).map_err(|_| SessionError::Malformed)?;
    if header.crit.is_some() {
        return Err(SessionError::CriticalHeader);
    }
    let signature = b64(s)?;
    if signature.is_empty() {
        return Err(SessionError::Signature);
    }
    Ok(Unverified {
        header,
        signing_input: &token[..h.len() + 1 + p.len()],
        signature,
        payload: b64(p)?,
    })
}

impl Unverified<'_> {
    /// The algorithm to verify with: the header's, only if the deployment accepts it and the
    /// selected key is pinned to it (`key_alg`). This refuses `none` and HS/RS confusion.
    pub fn pinned_alg(&self, config: &SessionConfig, key_alg: Alg) -> Result<Alg, SessionError> {
        let alg = Alg::parse(&self.header.alg)
            .filter(|a| config.algorithms.contains(a) && *a == key_alg)
            .ok_or_else(|| SessionError::Algorithm(self.header.alg.chars().take(16).collect()))?;
        Ok(alg)
    }
}

/// `base64url(header) . base64url(claims)` for a token to be signed with `alg`.
pub fn signing_input(alg: Alg, claims: &serde_json::Value) -> String {
    let e = |v: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    // Written through Serialize rather than `Value`'s Display (the same compact JSON): Display
    // carries a second, pretty-printing serializer of `Value`, which the worker's wasm otherwise
    // does without. A `Value` always serializes, so `unwrap_or_default` never applies.
    let json = |v: &serde_json::Value| serde_json::to_vec(v).unwrap_or_default();
    let header = json(&serde_json::json!({"alg": alg.name(), "typ": "JWT"}));
    format!("{}.{}", e(&header), e(&json(claims)))
}

/// Appends the signature to a signing input.
pub fn compact(signing_input: &str, signature: &[u8]) -> String {
    format!(
        "{signing_input}.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(signature)
    )
}
