//! A credential's token state at rest: core's [`StoredTokens`], sealed as a whole with the
//! platform's AES-256-GCM (key from the `STORAGE_ENCRYPTION_KEY` secret, bound to the credential
//! id) in its Durable Object's storage. Tokens are never stored in the clear.

use crate::error::ApiError;
use gatehouse_core::tokens::cache::{StoredTokens, TokenFailure};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use worker::{Env, State};

/// Storage key of the sealed token state.
pub const STATE_KEY: &str = "tokens";

/// Why a value could not be sealed and stored (each caller says it in its own error type).
enum PutFault {
    /// No usable `STORAGE_ENCRYPTION_KEY`.
    Misconfigured(String),
    /// The value could not be serialised, or no randomness for the nonce.
    Internal(String),
    /// Sealing or the storage failed (retryable).
    Storage(String),
}

/// Seals `value` (bound to `id`) with the first storage key and writes it under `key`.
async fn put_sealed<T: Serialize>(
    state: &State,
    env: &Env,
    id: &str,
    key: &str,
    value: &T,
) -> Result<(), PutFault> {
    let keys = super::storage_keys(env).map_err(PutFault::Misconfigured)?;
    let json = serde_json::to_vec(value).map_err(|e| PutFault::Internal(e.to_string()))?;
    let mut nonce = [0u8; 12];
    crate::http::random_bytes(&mut nonce).map_err(PutFault::Internal)?;
    let blob = crate::seal::seal(&keys[0], nonce, id, &json)
        .await
        .map_err(|e| PutFault::Storage(format!("sealing: {}", e.code())))?;
    state
        .storage()
        .put(key, blob)
        .await
        .map_err(|e| PutFault::Storage(format!("storing {key}: {e}")))
}

/// Seals and writes `plain`; any failure is a retryable `storage_unavailable` (a missing key is a
/// misconfiguration).
pub async fn write(
    state: &State,
    env: &Env,
    id: &str,
    plain: &StoredTokens,
) -> Result<(), TokenFailure> {
    put_sealed(state, env, id, STATE_KEY, plain)
        .await
        .map_err(|f| match f {
            PutFault::Misconfigured(e) => TokenFailure::misconfigured(e),
            PutFault::Internal(e) | PutFault::Storage(e) => TokenFailure::storage(e),
        })
}

/// Reads and opens the stored state; what cannot be read or opened is logged and treated as none
/// (a new grant follows).
pub async fn read(state: &State, env: &Env, id: &str) -> Option<StoredTokens> {
    let blob: Option<String> = state.storage().get(STATE_KEY).await.ok().flatten();
    let keys = super::storage_keys(env).ok()?;
    match crate::seal::open(&keys, id, &blob?).await {
        Ok(bytes) => serde_json::from_slice(&bytes).ok(),
        Err(e) => {
            crate::log::event(
                crate::log::Level::Warn,
                &[("credential", id), ("stored_state", &e.to_string())],
            );
            None
        }
    }
}

/// Seals `value` (bound to `id`) and writes it under `key` (a connection's values).
pub async fn write_sealed<T: Serialize>(
    state: &State,
    env: &Env,
    id: &str,
    key: &str,
    value: &T,
) -> Result<(), ApiError> {
    put_sealed(state, env, id, key, value)
        .await
        .map_err(|f| match f {
            PutFault::Misconfigured(e) => ApiError::Misconfigured(e),
            PutFault::Internal(e) => ApiError::Internal(e),
            PutFault::Storage(e) => ApiError::StorageUnavailable(e),
        })
}

/// Reads and opens what [`write_sealed`] wrote; `None` when nothing is there. A blob that does
/// not open is an error (a connection's values are not silently dropped).
pub async fn read_sealed<T: DeserializeOwned>(
    state: &State,
    env: &Env,
    id: &str,
    key: &str,
) -> Result<Option<T>, ApiError> {
    let blob: Option<String> = state
        .storage()
        .get(key)
        .await
        .map_err(|e| ApiError::StorageUnavailable(format!("reading {key}: {e}")))?;
    let Some(blob) = blob else { return Ok(None) };
    let keys = super::storage_keys(env).map_err(ApiError::Misconfigured)?;
    let bytes = crate::seal::open(&keys, id, &blob)
        .await
        .map_err(|e| ApiError::StorageUnavailable(format!("opening {key}: {e}")))?;
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|e| ApiError::Internal(format!("{key}: {e}")))
}

/// What a connection's object keeps, sealed as a whole with the connection id (internal only:
/// it holds the merchant's secret values).
#[derive(Clone, Serialize, Deserialize)]
pub struct StoredConnection {
    /// The template it was made from.
    pub template: String,
    /// The template's provider.
    pub provider: String,
    /// The owning portal organization.
    pub provider_org_id: String,
    /// The non-secret values.
    pub text: BTreeMap<String, String>,
    /// The secret values.
    pub secrets: BTreeMap<String, String>,
    /// Unix ms.
    pub created_at_ms: u64,
    /// Unix ms.
    pub updated_at_ms: u64,
}

impl StoredConnection {
    /// The field values, the secret ones as secret types.
    pub fn values(&self) -> gatehouse_core::connections::FieldValues {
        gatehouse_core::connections::FieldValues::from_parts(self.text.clone(), &self.secrets)
    }
}
