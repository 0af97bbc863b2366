//! Streamdiver (seed 003), shaped like Keycloak: one realm per tenant,
//! `POST /streamdiver/realms/{tenant}/protocol/openid-connect/token` with form-encoded
//! `client_credentials` (no refresh token); a protected
//! `GET /streamdiver/v2/tenants/current/settings`.

use crate::clock::{now_ms, now_s};
use crate::credentials::{secret_matches, STREAMDIVER_TENANTS};
use crate::error::{no_store, ApiError, OAuthError};
use crate::faults::{named, Faults};
use crate::http::{basic_credentials, bearer, content_type_is, form_map, merge_basic, FORM};
use crate::partner_state::PartnerState;
use crate::secrets::random_token;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use gatehouse_core::contract::streamdiver::TokenResponse;
use serde_json::{json, Value};
use std::collections::HashMap;

/// The document's access-token lifetime.
pub(crate) const ACCESS_LIFETIME_S: u64 = 7200;

pub(crate) fn routes(faults: &Faults) -> Router<StreamdiverState> {
    Router::new()
        .route(
            "/streamdiver/realms/{tenant}/protocol/openid-connect/token",
            named(faults, "streamdiver.token", post(token)),
        )
        .route(
            "/streamdiver/realms/{tenant}/protocol/openid-connect/revoke",
            named(faults, "streamdiver.revoke", post(revoke)),
        )
        .route(
            "/streamdiver/v2/tenants/current/settings",
            named(faults, "streamdiver.api", get(settings)),
        )
}

#[derive(Debug, Clone)]
struct SdGrant {
    tenant: &'static str,
    expires_at_ms: u64,
}

/// Streamdiver's memory.
#[derive(Debug, Default)]
pub(crate) struct StreamdiverData {
    access: HashMap<String, SdGrant>,
}

/// What Streamdiver's handlers extract.
pub(crate) type StreamdiverState = PartnerState<StreamdiverData>;

const BASIC_CHALLENGE: &str = "Basic realm=\"streamdiver\"";

/// Keycloak's RFC 7009 endpoint: a client of the realm (body or Basic) revokes one of the realm's
/// tokens; 200 whether or not it was valid.
async fn revoke(
    State(state): State<StreamdiverState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let Some(realm) = STREAMDIVER_TENANTS.iter().find(|t| t.shortcode == tenant) else {
        return Err(OAuthError::bare(
            StatusCode::NOT_FOUND,
            "Realm does not exist",
        ));
    };
    let invalid_client = || {
        OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Invalid client or Invalid client credentials",
        )
    };
    let basic = basic_credentials(&headers).map_err(|_| invalid_client())?;
    let mut fields = if content_type_is(&headers, FORM) {
        form_map(&body).map_err(|e| OAuthError::invalid_request(e.0))?
    } else {
        serde_json::Map::new()
    };
    merge_basic(&mut fields, basic).map_err(|e| OAuthError::invalid_request(e.0))?;
    let field = |name: &str| fields.get(name).and_then(Value::as_str);
    let client = STREAMDIVER_TENANTS
        .iter()
        .find(|t| Some(t.client_id) == field("client_id") && t.shortcode == realm.shortcode)
        .filter(|t| field("client_secret").is_some_and(|s| secret_matches(t.client_secret, s)))
        .ok_or_else(invalid_client)?;
    let Some(token) = field("token") else {
        return Err(OAuthError::invalid_request("Token not provided"));
    };
    state.with(|s| {
        if s.access
            .get(token)
            .is_some_and(|g| g.tenant == client.shortcode)
        {
            s.access.remove(token);
        }
    });
    Ok(StatusCode::OK.into_response())
}

async fn token(
    State(state): State<StreamdiverState>,
    Path(tenant): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let Some(realm) = STREAMDIVER_TENANTS.iter().find(|t| t.shortcode == tenant) else {
        return Err(OAuthError::bare(
            StatusCode::NOT_FOUND,
            "Realm does not exist",
        ));
    };
    let basic = basic_credentials(&headers).map_err(|_| {
        OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Invalid client credentials",
        )
    })?;
    let used_basic = basic.is_some();
    // Keycloak reads only form parameters: any other body has none.
    let mut fields = if content_type_is(&headers, FORM) {
        form_map(&body).map_err(|e| OAuthError::invalid_request(e.0))?
    } else {
        serde_json::Map::new()
    };
    merge_basic(&mut fields, basic).map_err(|e| OAuthError::invalid_request(e.0))?;
    let field = |name: &str| fields.get(name).and_then(Value::as_str);

    let Some(grant_type) = field("grant_type") else {
        return Err(OAuthError::invalid_request(
            "Missing form parameter: grant_type",
        ));
    };
    let Some(client_id) = field("client_id") else {
        return Err(OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Missing parameter: client_id",
        ));
    };
    let Some(client) = STREAMDIVER_TENANTS
        .iter()
        .find(|t| t.client_id == client_id)
    else {
        return Err(unauthorized_client());
    };
    if client.shortcode != realm.shortcode {
        // The client exists, but in another realm: Keycloak cannot find it here.
        return Err(unauthorized_client());
    }
    if !field("client_secret").is_some_and(|s| secret_matches(client.client_secret, s)) {
        return Err(OAuthError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Invalid client or Invalid client credentials",
        )
        .with_basic_challenge(used_basic, BASIC_CHALLENGE));
    }
    if grant_type != "client_credentials" {
        return Err(OAuthError::unsupported_grant_type("Unsupported grant_type"));
    }

    let lifetime = state
        .settings(|s| s.token_lifetime_s.streamdiver)
        .unwrap_or(ACCESS_LIFETIME_S);
    let now = now_s();
    let issuer = format!(
        "{}/streamdiver/realms/{}",
        state.public_url(),
        realm.shortcode
    );
    let claims = json!({
        "exp": now.saturating_add(lifetime),
        "iat": now,
        "jti": random_token(),
        "iss": issuer,
        "sub": format!("service-account-{}", client.client_id),
        "typ": "Bearer",
        "azp": client.client_id,
        "scope": "email profile",
        "tenant": realm.shortcode,
    });
    let access_token = state.jwt_key().issue(&claims);
    state.with(|s| {
        s.access.insert(
            access_token.clone(),
            SdGrant {
                tenant: realm.shortcode,
                expires_at_ms: now_ms().saturating_add(lifetime.saturating_mul(1000)),
            },
        );
    });
    let body = TokenResponse {
        access_token,
        expires_in: lifetime,
        refresh_expires_in: Some(0),
        token_type: "Bearer".to_owned(),
        not_before_policy: Some(0),
        scope: Some("email profile".to_owned()),
    };
    Ok((no_store(), Json(body)).into_response())
}

fn unauthorized_client() -> OAuthError {
    OAuthError::new(
        StatusCode::UNAUTHORIZED,
        "unauthorized_client",
        "Invalid client or Invalid client credentials",
    )
}

async fn settings(
    State(state): State<StreamdiverState>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let now = now_ms();
    let grant = bearer(&headers)
        .and_then(|t| state.with(|s| s.access.get(t).cloned()))
        .ok_or_else(|| ApiError::invalid_token("missing or unknown access token"))?;
    if grant.expires_at_ms <= now {
        return Err(ApiError::invalid_token("access token expired"));
    }
    let name = STREAMDIVER_TENANTS
        .iter()
        .find(|t| t.shortcode == grant.tenant)
        .map(|t| t.name)
        .unwrap_or_default();
    Ok(Json(json!({
        "tenant": grant.tenant,
        "name": name,
        "language": "en",
        "timezone": "Europe/Vienna",
    }))
    .into_response())
}
