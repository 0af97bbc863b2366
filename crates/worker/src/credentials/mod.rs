//! Partner credentials: one Durable Object per credential holds its token
//! ([`broker::CredentialBroker`]); the admin route asks it for the credential's health.

pub mod broker;

use crate::error::ApiError;
use worker::{Env, Request, Response};

/// Credential ids this deployment knows. The token-broker work turns this into configuration.
const CONFIGURED: [&str; 1] = ["stream"];

/// `GET /api/admin/credentials/{id}`: key-protected; the Durable Object obtains a token if it
/// holds none and reports the credential's state (never the token).
pub async fn status(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    crate::auth::require_admin(req, env)?;
    if !CONFIGURED.contains(&id) {
        return Err(ApiError::UnknownCredential);
    }
    let stub = env.durable_object("CREDENTIAL_BROKER")?.get_by_name(id)?;
    Ok(stub
        .fetch_with_str(&format!("https://credential.internal/{id}/status"))
        .await?)
}
