//! White-label SSO (seed 001): `POST /stream/white-label/generate-session` (scope `sso`)
//! returns a one-time `sso_login_token`, valid five minutes, that the landing page
//! (`/white-label/redirect/sso?code=`, in `pages`) redeems once.

use super::auth::authorize;
use super::data::{SsoSession, StreamState};
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::http::{json_body, query};
use crate::secrets::random_token;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gatehouse_core::contract::stream::{
    is_valid_email, is_valid_phone_number, is_valid_provider_org_id, GenerateSessionQuery,
    GenerateSessionRequest, GenerateSessionResponse, Role, Scope,
};

/// How long an SSO login token can be redeemed.
pub(crate) const SSO_TOKEN_LIFETIME_MS: u64 = 5 * 60 * 1000;

/// Checks a user's details (shared by SSO and organization creation).
pub(crate) fn check_user(
    email: &str,
    full_name: &str,
    phone_number: &str,
    role: Option<&Role>,
) -> Result<(), ApiError> {
    if !is_valid_email(email) {
        return Err(ApiError::bad_request(
            "invalid_email",
            "email is not a valid email address",
        ));
    }
    if full_name.trim().is_empty() || full_name.chars().count() > 200 {
        return Err(ApiError::bad_request(
            "invalid_full_name",
            "full_name must be 1 to 200 characters",
        ));
    }
    if !is_valid_phone_number(phone_number) {
        return Err(ApiError::bad_request(
            "invalid_phone_number",
            "phone_number must be 7 to 20 characters of digits, spaces and +-() with at least 7 digits",
        ));
    }
    if role.is_some_and(|r| !r.is_known()) {
        return Err(ApiError::bad_request(
            "invalid_role",
            "role must be one of owner, admin, manager, team_member, custom",
        ));
    }
    Ok(())
}

pub(crate) async fn generate_session(
    State(state): State<StreamState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, &[Scope::Sso])?;
    let q: GenerateSessionQuery =
        query(raw.as_deref()).map_err(|e| ApiError::bad_request("invalid_request", e.0))?;
    if q.partner_id
        .as_deref()
        .is_some_and(|p| !is_valid_provider_org_id(p))
    {
        return Err(ApiError::bad_request(
            "invalid_partner_id",
            "partner_id must be 1 to 128 characters of A-Z a-z 0-9 _ . : -",
        ));
    }
    let req: GenerateSessionRequest =
        json_body(&headers, &body).map_err(|e| ApiError::bad_request("invalid_request", e.0))?;
    check_user(
        &req.email,
        &req.full_name,
        &req.phone_number,
        req.role.as_ref(),
    )?;
    if req
        .provider_org_id
        .as_deref()
        .is_some_and(|p| !is_valid_provider_org_id(p))
    {
        return Err(ApiError::bad_request(
            "invalid_provider_org_id",
            "provider_org_id must be 1 to 128 characters of A-Z a-z 0-9 _ . : -",
        ));
    }
    let sso_login_token = random_token();
    let session = SsoSession {
        user: req,
        partner_id: q.partner_id,
        expires_at_ms: now_ms().saturating_add(SSO_TOKEN_LIFETIME_MS),
        redeemed: false,
    };
    state.with(|s| s.sso.insert(sso_login_token.clone(), session));
    Ok((
        crate::error::no_store(),
        Json(GenerateSessionResponse { sso_login_token }),
    )
        .into_response())
}
