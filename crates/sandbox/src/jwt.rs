//! HS256 JSON Web Tokens for the partners whose access tokens are JWTs (PowerEPOS,
//! Streamdiver). Signed with the sandbox's per-process key; clients read, never verify, them.

use crate::secrets::record_issued;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::digest::generic_array::GenericArray;
use hmac::digest::KeyInit;
use hmac::{Hmac, Mac as _};
use rand::RngCore as _;
use sha2::Sha256;
use std::sync::Arc;

/// The HS256 key for the JWTs the sandbox issues; new per process, shared by every clone.
#[derive(Clone)]
pub(crate) struct JwtKey(Arc<[u8; 64]>);

impl JwtKey {
    /// A fresh random key.
    pub(crate) fn random() -> Self {
        let mut key = [0u8; 64];
        rand::rng().fill_bytes(&mut key);
        Self(Arc::new(key))
    }

    /// A token for the claims, recorded in the issued-secrets register.
    pub(crate) fn issue(&self, claims: &serde_json::Value) -> String {
        let token = sign_hs256(&self.0, claims);
        record_issued(&token);
        token
    }
}

/// `header.payload.signature` for the given claims.
pub(crate) fn sign_hs256(key: &[u8; 64], claims: &serde_json::Value) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{payload}");
    let mut mac = <Hmac<Sha256> as KeyInit>::new(&GenericArray::from(*key));
    mac.update(signing_input.as_bytes());
    let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{signature}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_a_three_part_token_whose_signature_verifies() {
        let key = [7u8; 64];
        let token = sign_hs256(
            &key,
            &serde_json::json!({"sub":"svc","AuthServerClaims":{"Service":"s"}}),
        );
        let parts: Vec<&str> = token.split('.').collect();
        assert_eq!(parts.len(), 3);
        let payload: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(payload["AuthServerClaims"]["Service"], "s");
        let mut mac = <Hmac<Sha256> as KeyInit>::new(&GenericArray::from(key));
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        mac.verify_slice(&URL_SAFE_NO_PAD.decode(parts[2]).unwrap())
            .unwrap();
    }
}
