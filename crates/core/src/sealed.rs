//! Refresh tokens at rest (docs/security.md item 4): sealed with AES-256-GCM under a key from a
//! Worker secret, bound to the credential id (associated data), with the key's id in the blob so
//! keys can be rotated: new blobs use the first key, any listed key opens.
//!
//! Sans-IO: the caller supplies the random nonce. The blob format (the envelope) lives here; the
//! AEAD itself is either the compiled-in RustCrypto AES-256-GCM (feature `rust-aead`, for native
//! code and tests: [`seal`], [`open`]) or the platform's: the worker seals with `crypto.subtle`
//! AES-GCM (96-bit nonce, 128-bit tag, the context as additional data — the same construction, so
//! blobs written by either open with the other) and uses only [`envelope`], [`parse_envelope`]
//! and [`StorageKey::expose_bytes`], which keeps AES out of its wasm.

#[cfg(feature = "rust-aead")]
use aes_gcm::aead::{Aead, KeyInit, Payload};
#[cfg(feature = "rust-aead")]
use aes_gcm::{Aes256Gcm, Key, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;

/// A storage encryption key with its id. `Debug` never shows the key.
#[derive(Clone)]
pub struct StorageKey {
    id: String,
    key: [u8; 32],
}

impl core::fmt::Debug for StorageKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "StorageKey({}, [redacted])", self.id)
    }
}

/// Why a key or a sealed value cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// The key secret is not `<id>:<base64 of 32 bytes>`.
    #[error("storage key must be `<id>:<base64url of 32 random bytes>`")]
    BadKey,
    /// The stored value is not a sealed blob.
    #[error("stored value is not a sealed blob")]
    Malformed,
    /// No configured key has the blob's key id.
    #[error("no configured storage key has id `{0}`")]
    UnknownKey(String),
    /// Authentication failed: wrong key, wrong credential, or tampering.
    #[error("sealed value does not open")]
    Open,
}

impl StorageKey {
    /// Parses `<id>:<base64url or base64 of 32 bytes>`; several keys are separated by commas in
    /// the secret (see [`keys_from_secret`]).
    pub fn parse(text: &str) -> Result<Self, SealError> {
        let (id, b64) = text.trim().split_once(':').ok_or(SealError::BadKey)?;
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return Err(SealError::BadKey);
        }
        let bytes = B64
            .decode(b64.trim_end_matches('='))
            .or_else(|_| base64::engine::general_purpose::STANDARD.decode(b64))
            .map_err(|_| SealError::BadKey)?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| SealError::BadKey)?;
        Ok(Self {
            id: id.to_owned(),
            key,
        })
    }

    /// The key's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The raw key, for the one place it is imported into the platform's AES-GCM.
    pub fn expose_bytes(&self) -> &[u8; 32] {
        &self.key
    }
}

/// A parsed blob: which key, the nonce, and the AEAD output (ciphertext followed by the tag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Envelope<'a> {
    /// The sealing key's id.
    pub key_id: &'a str,
    /// The 96-bit nonce.
    pub nonce: [u8; 12],
    /// Ciphertext and 128-bit tag.
    pub ciphertext: Vec<u8>,
}

/// Writes a blob: `v1.<key id>.<base64url nonce>.<base64url ciphertext+tag>`.
pub fn envelope(key_id: &str, nonce: &[u8; 12], ciphertext: &[u8]) -> String {
    format!(
        "v1.{key_id}.{}.{}",
        B64.encode(nonce),
        B64.encode(ciphertext)
    )
}

/// Reads a blob, and finds the key of its id among `keys`.
pub fn parse_envelope<'k, 'b>(
    keys: &'k [StorageKey],
    sealed: &'b str,
) -> Result<(&'k StorageKey, Envelope<'b>), SealError> {
    let mut parts = sealed.split('.');
    let (Some("v1"), Some(kid), Some(nonce), Some(ct), None) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return Err(SealError::Malformed);
    };
    let key = keys
        .iter()
        .find(|k| k.id == kid)
        .ok_or_else(|| SealError::UnknownKey(kid.to_owned()))?;
    let nonce = B64.decode(nonce).map_err(|_| SealError::Malformed)?;
    let nonce: [u8; 12] = nonce.try_into().map_err(|_| SealError::Malformed)?;
    let ciphertext = B64.decode(ct).map_err(|_| SealError::Malformed)?;
    Ok((
        key,
        Envelope {
            key_id: kid,
            nonce,
            ciphertext,
        },
    ))
}

/// Parses a comma-separated key list; the first key seals, all keys open.
pub fn keys_from_secret(secret: &str) -> Result<Vec<StorageKey>, SealError> {
    let keys = secret
        .split(',')
        .filter(|s| !s.trim().is_empty())
        .map(StorageKey::parse)
        .collect::<Result<Vec<_>, _>>()?;
    if keys.is_empty() {
        Err(SealError::BadKey)
    } else {
        Ok(keys)
    }
}

/// Seals `plaintext` for `context` (the credential id) with RustCrypto's AES-256-GCM.
#[cfg(feature = "rust-aead")]
pub fn seal(
    key: &StorageKey,
    nonce: [u8; 12],
    context: &str,
    plaintext: &[u8],
) -> Result<String, SealError> {
    let cipher = Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key.key));
    let ct = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: context.as_bytes(),
            },
        )
        .map_err(|_| SealError::Open)?;
    Ok(envelope(&key.id, &nonce, &ct))
}

/// Opens a sealed value with whichever of `keys` has its key id (RustCrypto's AES-256-GCM).
#[cfg(feature = "rust-aead")]
pub fn open(keys: &[StorageKey], context: &str, sealed: &str) -> Result<Vec<u8>, SealError> {
    let (key, env) = parse_envelope(keys, sealed)?;
    Aes256Gcm::new(Key::<Aes256Gcm>::from_slice(&key.key))
        .decrypt(
            Nonce::from_slice(&env.nonce),
            Payload {
                msg: &env.ciphertext,
                aad: context.as_bytes(),
            },
        )
        .map_err(|_| SealError::Open)
}

#[cfg(all(test, feature = "rust-aead"))]
mod tests {
    use super::*;

    /// A fixed vector, also opened with WebCrypto (the worker's AEAD) by
    /// `tests/e2e/tokens.test.mjs`: both implementations read each other's blobs.
    pub const VECTOR: &str = "v1.k1.BwcHBwcHBwcHBwcH.";

    #[test]
    fn the_envelope_is_the_format_webcrypto_reads_too() {
        let keys = keys_from_secret(K1).unwrap();
        let sealed = seal(&keys[0], [7; 12], "stream", b"refresh-token-value").unwrap();
        assert!(sealed.starts_with(VECTOR), "{sealed}");
        let (key, env) = parse_envelope(&keys, &sealed).unwrap();
        assert_eq!(key.id(), "k1");
        assert_eq!(env.nonce, [7; 12]);
        assert_eq!(
            env.ciphertext.len(),
            b"refresh-token-value".len() + 16,
            "ciphertext and tag"
        );
        assert_eq!(envelope("k1", &env.nonce, &env.ciphertext), sealed);
        // The whole blob, for the cross-check in the e2e tier.
        assert_eq!(sealed, CROSS_CHECK);
    }

    /// `seal(k1, [7; 12], "stream", "refresh-token-value")`.
    pub const CROSS_CHECK: &str =
        "v1.k1.BwcHBwcHBwcHBwcH.fQ_ALgp8v9my8njl7nyC-s0p6ETj0anVBYFAxPoQFR87M08";

    const K1: &str = "k1:AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8";
    const K2: &str = "k2:HxAREhMUFRYXGBkaGxwdHh8AAQIDBAUGBwgJCgsMDQ4";

    #[test]
    fn round_trip_rotation_and_binding() {
        let keys = keys_from_secret(&format!("{K1},{K2}")).unwrap();
        let sealed = seal(&keys[0], [7; 12], "stream", b"refresh-token-value").unwrap();
        assert!(sealed.starts_with("v1.k1."));
        assert!(!sealed.contains("refresh-token-value"));
        assert_eq!(
            open(&keys, "stream", &sealed).unwrap(),
            b"refresh-token-value"
        );
        // After rotation (k2 first), old blobs still open.
        let rotated = keys_from_secret(&format!("{K2},{K1}")).unwrap();
        assert_eq!(
            open(&rotated, "stream", &sealed).unwrap(),
            b"refresh-token-value"
        );
        // Bound to the credential, and to the key.
        assert_eq!(open(&keys, "other", &sealed), Err(SealError::Open));
        assert_eq!(
            open(&keys_from_secret(K2).unwrap(), "stream", &sealed),
            Err(SealError::UnknownKey("k1".into()))
        );
        let mut tampered = sealed.clone();
        tampered.pop();
        tampered.push(if sealed.ends_with('A') { 'B' } else { 'A' });
        assert!(open(&keys, "stream", &tampered).is_err());
    }

    #[test]
    fn bad_keys_and_blobs_are_errors() {
        assert_eq!(StorageKey::parse("nokey").unwrap_err(), SealError::BadKey);
        assert_eq!(
            StorageKey::parse("k:c2hvcnQ").unwrap_err(),
            SealError::BadKey
        );
        assert_eq!(keys_from_secret(" , ").unwrap_err(), SealError::BadKey);
        let keys = keys_from_secret(K1).unwrap();
        for bad in ["", "v1", "v2.k1.a.b", "v1.k1.!!.b", "v1.k1.AAAA.b.c"] {
            assert!(open(&keys, "x", bad).is_err(), "{bad}");
        }
        assert_eq!(format!("{:?}", keys[0]), "StorageKey(k1, [redacted])");
    }
}
