//! OmniRetain (seed 002), shaped like Django OAuth Toolkit: `POST
//! /omniretain/backend/core/authentication/token/` with `password` (the application's service
//! user), `client_credentials` or rotating `refresh_token`; a protected
//! `GET /omniretain/api/v1/member/ping` answering like Django REST framework.

use crate::clock::now_ms;
use crate::credentials::{secret_matches, OmniApp, OMNI_APPS};
use crate::error::{no_store, OAuthError};
use crate::faults::{named, Faults};
use crate::http::{
    basic_credentials, bearer, content_type_is, form_map, json_object, merge_basic, typed, FORM,
    JSON,
};
use crate::partner_state::PartnerState;
use crate::secrets::random_token;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use gatehouse_core::contract::omniretain::{TokenRequest, TokenResponse, User};
use gatehouse_core::contract::GrantType;
use serde_json::json;
use std::collections::HashMap;

/// The document's access-token lifetime.
pub(crate) const ACCESS_LIFETIME_S: u64 = 36_000;
const SCOPE: &str = "read write";

pub(crate) fn routes(faults: &Faults) -> Router<OmniState> {
    Router::new()
        .route(
            "/omniretain/backend/core/authentication/token/",
            named(faults, "omniretain.token", post(token)),
        )
        .route(
            "/omniretain/api/v1/member/ping",
            named(faults, "omniretain.api", get(ping)),
        )
}

/// What an OmniRetain token stands for.
#[derive(Debug, Clone)]
pub(crate) struct OmniGrant {
    client_id: String,
    company: u64,
    /// The service user for `password` grants (and refreshes of them).
    user: Option<u64>,
    expires_at_ms: u64,
}

/// OmniRetain's memory.
#[derive(Debug, Default)]
pub(crate) struct OmniData {
    access: HashMap<String, OmniGrant>,
    refresh: HashMap<String, OmniGrant>,
}

impl OmniData {
    /// Drops every refresh token of a client; returns how many.
    pub(crate) fn revoke_refresh_tokens(&mut self, client_id: &str) -> usize {
        let before = self.refresh.len();
        self.refresh.retain(|_, g| g.client_id != client_id);
        before - self.refresh.len()
    }
}

/// What OmniRetain's handlers extract.
pub(crate) type OmniState = PartnerState<OmniData>;

const BASIC_CHALLENGE: &str = "Basic realm=\"OmniRetain\"";

fn missing(parameter: &str) -> OAuthError {
    OAuthError::invalid_request(format!("Request is missing {parameter} parameter."))
}

fn bad_credentials() -> OAuthError {
    OAuthError::invalid_grant("Invalid credentials given.")
}

async fn token(
    State(state): State<OmniState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let basic = basic_credentials(&headers)
        .map_err(|_| OAuthError::bare(StatusCode::UNAUTHORIZED, "invalid_client"))?;
    let used_basic = basic.is_some();
    // DOT reads form bodies; the document's Postman sample sends JSON, so both are accepted.
    let mut fields = if content_type_is(&headers, FORM) {
        form_map(&body).map_err(|e| OAuthError::invalid_request(e.0))?
    } else if content_type_is(&headers, JSON) {
        json_object(&headers, &body).map_err(|e| OAuthError::invalid_request(e.0))?
    } else {
        return Err(OAuthError::invalid_request(
            "Content-Type must be application/x-www-form-urlencoded",
        ));
    };
    merge_basic(&mut fields, basic).map_err(|e| OAuthError::invalid_request(e.0))?;
    if !fields.contains_key("grant_type") {
        return Err(missing("grant_type"));
    }
    let req: TokenRequest = typed(fields).map_err(|e| OAuthError::invalid_request(e.0))?;

    let invalid_client = || {
        OAuthError::bare(StatusCode::UNAUTHORIZED, "invalid_client")
            .with_basic_challenge(used_basic, BASIC_CHALLENGE)
    };
    let (Some(client_id), Some(client_secret)) =
        (req.client_id.as_deref(), req.client_secret.as_deref())
    else {
        return Err(invalid_client());
    };
    let app = OMNI_APPS
        .iter()
        .find(|a| a.client_id == client_id && secret_matches(a.client_secret, client_secret))
        .ok_or_else(invalid_client)?;

    if let Some(scope) = req.scope.as_deref() {
        if scope
            .split_whitespace()
            .any(|s| s != "read" && s != "write")
        {
            return Err(OAuthError::invalid_scope("Invalid scope."));
        }
    }

    let (user, with_refresh) = match req.grant_type {
        GrantType::Password => {
            let username = req.username.as_deref().ok_or_else(|| missing("username"))?;
            let password = req.password.as_deref().ok_or_else(|| missing("password"))?;
            // Only this application's service user: another company's user is refused too.
            if username != app.username || !secret_matches(app.password, password) {
                return Err(bad_credentials());
            }
            (Some(app.user_id), true)
        }
        GrantType::ClientCredentials => (None, false),
        GrantType::RefreshToken => {
            let presented = req
                .refresh_token
                .as_deref()
                .ok_or_else(|| missing("refresh_token"))?;
            let grant = state
                .with(|s| match s.refresh.get(presented) {
                    Some(g) if g.client_id == app.client_id => s.refresh.remove(presented),
                    _ => None,
                })
                .ok_or_else(bad_credentials)?;
            (grant.user, true)
        }
        _ => {
            return Err(OAuthError::bare(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
            ))
        }
    };

    let lifetime = state
        .settings(|s| s.token_lifetime_s.omniretain)
        .unwrap_or(ACCESS_LIFETIME_S);
    let grant = OmniGrant {
        client_id: app.client_id.to_owned(),
        company: app.company,
        user,
        expires_at_ms: now_ms().saturating_add(lifetime.saturating_mul(1000)),
    };
    let access_token = random_token();
    let refresh_token = with_refresh.then(random_token);
    state.with(|s| {
        s.access.insert(access_token.clone(), grant.clone());
        if let Some(r) = &refresh_token {
            // DOT refresh tokens do not expire by default.
            s.refresh.insert(
                r.clone(),
                OmniGrant {
                    expires_at_ms: u64::MAX,
                    ..grant
                },
            );
        }
    });
    let body = TokenResponse {
        access_token,
        expires_in: lifetime,
        token_type: "Bearer".to_owned(),
        scope: Some(req.scope.unwrap_or_else(|| SCOPE.to_owned())),
        refresh_token,
        user: user.map(|_| service_user(app)),
    };
    Ok((no_store(), Json(body)).into_response())
}

fn service_user(app: &OmniApp) -> User {
    User {
        id: app.user_id,
        username: app.username.to_owned(),
        email: Some(app.username.to_owned()),
        first_name: Some("API".to_owned()),
        last_name: Some("User".to_owned()),
        company: Some(app.company),
        is_active: Some(true),
    }
}

async fn ping(State(state): State<OmniState>, headers: HeaderMap) -> Response {
    let now = now_ms();
    let grant = bearer(&headers)
        .and_then(|t| state.with(|s| s.access.get(t).filter(|g| g.expires_at_ms > now).cloned()));
    match grant {
        Some(g) => Json(json!({ "ok": true, "company": g.company })).into_response(),
        None => (
            StatusCode::UNAUTHORIZED,
            [(header::WWW_AUTHENTICATE, "Bearer realm=\"api\"")],
            Json(json!({ "detail": "Authentication credentials were not provided." })),
        )
            .into_response(),
    }
}
