//! PowerEPOS partner services (seed 004): `POST /powerepos/authorisation/token`, a
//! form-encoded `password` grant with `org_id` and a service account (scope must include
//! `partnerservices`; `offline_access` adds a refresh token), plus rotating `refresh_token`.
//! Access tokens are HS256 JWTs carrying `AuthServerClaims.Service`; the protected
//! `GET /powerepos/services/{org_id}/ping` checks the token is for that organisation.

use crate::clock::{now_ms, now_s};
use crate::credentials::{
    secret_matches, POWEREPOS_CLIENT_ID, POWEREPOS_CLIENT_SECRET, POWEREPOS_ORGS,
};
use crate::error::{no_store, ApiError, OAuthError};
use crate::faults::{named, Faults};
use crate::http::{basic_credentials, bearer, content_type_is, form_map, merge_basic, typed, FORM};
use crate::partner_state::PartnerState;
use crate::secrets::random_token;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use gatehouse_core::contract::powerepos::{
    TokenRequest, TokenResponse, SCOPE_OFFLINE_ACCESS, SCOPE_PARTNER_SERVICES,
};
use gatehouse_core::contract::GrantType;
use serde_json::json;
use std::collections::HashMap;

/// The document's access-token lifetime (8 hours).
pub(crate) const ACCESS_LIFETIME_S: u64 = 28_800;
/// Refresh-token lifetime: 30 days.
const REFRESH_LIFETIME_S: u64 = 30 * 24 * 3600;

pub(crate) fn routes(faults: &Faults) -> Router<PowerEposState> {
    Router::new()
        .route(
            "/powerepos/authorisation/token",
            named(faults, "powerepos.token", post(token)),
        )
        .route(
            "/powerepos/services/{org_id}/ping",
            named(faults, "powerepos.api", get(ping)),
        )
}

#[derive(Debug, Clone)]
struct PeGrant {
    client_id: String,
    org_id: String,
    username: String,
    scope: String,
    expires_at_ms: u64,
}

/// PowerEPOS's memory.
#[derive(Debug, Default)]
pub(crate) struct PowerEposData {
    access: HashMap<String, PeGrant>,
    refresh: HashMap<String, PeGrant>,
    /// Service-account passwords changed since start (`/_control/service-password`), by org.
    passwords: HashMap<String, String>,
}

impl PowerEposData {
    /// The organisation's service account gets a new password, as its owner would set it at
    /// PowerEPOS; the account's tokens stop working (access and refresh). Returns how many went.
    pub(crate) fn change_password(&mut self, org_id: &str, password: &str) -> usize {
        self.passwords
            .insert(org_id.to_owned(), password.to_owned());
        let before = self.access.len() + self.refresh.len();
        self.access.retain(|_, g| g.org_id != org_id);
        self.refresh.retain(|_, g| g.org_id != org_id);
        before - self.access.len() - self.refresh.len()
    }

    /// Drops every refresh token of a client; returns how many.
    pub(crate) fn revoke_refresh_tokens(&mut self, client_id: &str) -> usize {
        let before = self.refresh.len();
        self.refresh.retain(|_, g| g.client_id != client_id);
        before - self.refresh.len()
    }
}

/// What PowerEPOS's handlers extract.
pub(crate) type PowerEposState = PartnerState<PowerEposData>;

const BASIC_CHALLENGE: &str = "Basic realm=\"powerepos\"";

/// The Partner Services URI for an organisation.
fn service_uri(state: &PowerEposState, org_id: &str) -> String {
    state
        .settings(|s| s.powerepos_service_uri.clone())
        .unwrap_or_else(|| format!("{}/powerepos/services/{org_id}/", state.public_url()))
}

async fn token(
    State(state): State<PowerEposState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let basic = basic_credentials(&headers).map_err(|e| OAuthError::invalid_client(e.0))?;
    let used_basic = basic.is_some();
    if !content_type_is(&headers, FORM) {
        return Err(OAuthError::invalid_request(
            "Content-Type must be application/x-www-form-urlencoded",
        ));
    }
    let mut fields = form_map(&body).map_err(|e| OAuthError::invalid_request(e.0))?;
    merge_basic(&mut fields, basic).map_err(|e| OAuthError::invalid_request(e.0))?;
    let req: TokenRequest = typed(fields).map_err(|e| OAuthError::invalid_request(e.0))?;
    if req.client_id != POWEREPOS_CLIENT_ID
        || !secret_matches(POWEREPOS_CLIENT_SECRET, &req.client_secret)
    {
        return Err(OAuthError::invalid_client("client authentication failed")
            .with_basic_challenge(used_basic, BASIC_CHALLENGE));
    }

    let grant = match req.grant_type {
        GrantType::Password => password_grant(&state, &req)?,
        GrantType::RefreshToken => refresh_grant(&state, &req)?,
        _ => {
            return Err(OAuthError::unsupported_grant_type(
                "grant_type must be password or refresh_token",
            ))
        }
    };

    let lifetime = state
        .settings(|s| s.token_lifetime_s.powerepos)
        .unwrap_or(ACCESS_LIFETIME_S);
    let now = now_s();
    let svc = service_uri(&state, &grant.org_id);
    let claims = json!({
        "iss": format!("{}/powerepos", state.public_url()),
        "sub": grant.username,
        "aud": SCOPE_PARTNER_SERVICES,
        "exp": now.saturating_add(lifetime),
        "iat": now,
        "nbf": now,
        "jti": random_token(),
        "client_id": grant.client_id,
        "scope": grant.scope,
        "org_id": grant.org_id,
        "AuthServerClaims": { "Service": svc },
    });
    let access_token = state.jwt_key().issue(&claims);
    let offline = grant
        .scope
        .split_whitespace()
        .any(|s| s == SCOPE_OFFLINE_ACCESS);
    let refresh_token = offline.then(random_token);
    let now_ms = now_ms();
    state.with(|s| {
        s.access.insert(
            access_token.clone(),
            PeGrant {
                expires_at_ms: now_ms.saturating_add(lifetime.saturating_mul(1000)),
                ..grant.clone()
            },
        );
        if let Some(r) = &refresh_token {
            s.refresh.insert(
                r.clone(),
                PeGrant {
                    expires_at_ms: now_ms.saturating_add(REFRESH_LIFETIME_S * 1000),
                    ..grant.clone()
                },
            );
        }
    });
    let body = TokenResponse {
        token_type: "Bearer".to_owned(),
        access_token,
        expires_in: lifetime,
        refresh_token,
        svc: Some(svc),
        org_id: Some(
            state
                .settings(|s| s.powerepos_answer_org_id.clone())
                .unwrap_or(grant.org_id),
        ),
    };
    Ok((no_store(), Json(body)).into_response())
}

fn password_grant(state: &PowerEposState, req: &TokenRequest) -> Result<PeGrant, OAuthError> {
    let org_id = req
        .org_id
        .as_deref()
        .ok_or_else(|| OAuthError::invalid_request("org_id is required"))?;
    let username = req
        .username
        .as_deref()
        .ok_or_else(|| OAuthError::invalid_request("username is required"))?;
    let password = req
        .password
        .as_deref()
        .ok_or_else(|| OAuthError::invalid_request("password is required"))?;
    let scope = req.scope.as_deref().unwrap_or_default();
    let scopes: Vec<&str> = scope.split_whitespace().collect();
    if !scopes.contains(&SCOPE_PARTNER_SERVICES) {
        return Err(OAuthError::invalid_scope(
            "scope must include partnerservices",
        ));
    }
    if scopes
        .iter()
        .any(|s| *s != SCOPE_PARTNER_SERVICES && *s != SCOPE_OFFLINE_ACCESS)
    {
        return Err(OAuthError::invalid_scope(
            "only partnerservices and offline_access can be requested",
        ));
    }
    // Only the organisation's service account; an end user's login would not be here at all.
    let changed = state.with(|s| s.passwords.get(org_id).cloned());
    let account = POWEREPOS_ORGS
        .iter()
        .find(|o| o.org_id == org_id)
        .filter(|o| {
            let expected = changed.as_deref().unwrap_or(o.password);
            o.username == username && secret_matches(expected, password)
        })
        .ok_or_else(|| {
            OAuthError::invalid_grant("invalid organisation, service account or password")
        })?;
    Ok(PeGrant {
        client_id: req.client_id.clone(),
        org_id: account.org_id.to_owned(),
        username: account.username.to_owned(),
        scope: scopes.join(" "),
        expires_at_ms: 0,
    })
}

/// Uses up a refresh token (rotation) and returns its grant.
fn refresh_grant(state: &PowerEposState, req: &TokenRequest) -> Result<PeGrant, OAuthError> {
    let presented = req
        .refresh_token
        .as_deref()
        .ok_or_else(|| OAuthError::invalid_request("refresh_token is required for this grant"))?;
    let used_up =
        || OAuthError::invalid_grant("refresh token is invalid, expired, revoked or already used");
    let now = now_ms();
    let grant = state
        .with(|s| s.refresh.get(presented).cloned())
        .filter(|g| g.client_id == req.client_id && g.expires_at_ms > now)
        .ok_or_else(used_up)?;
    if req.org_id.as_deref().is_some_and(|o| o != grant.org_id) {
        return Err(OAuthError::invalid_grant(
            "refresh token was issued for another organisation",
        ));
    }
    if state.with(|s| s.refresh.remove(presented)).is_none() {
        return Err(used_up());
    }
    Ok(grant)
}

async fn ping(
    State(state): State<PowerEposState>,
    Path(org_id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let now = now_ms();
    let grant = bearer(&headers)
        .and_then(|t| state.with(|s| s.access.get(t).cloned()))
        .ok_or_else(|| ApiError::invalid_token("missing or unknown access token"))?;
    if grant.expires_at_ms <= now {
        return Err(ApiError::invalid_token("access token expired"));
    }
    if grant.org_id != org_id {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this token is for another organisation's Partner Services",
        ));
    }
    Ok(Json(json!({ "ok": true, "org_id": grant.org_id })).into_response())
}
