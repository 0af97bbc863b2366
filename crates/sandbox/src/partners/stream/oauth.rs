//! `POST /stream/oauth/token`: JSON body (seed 000), `client_credentials` and rotating
//! `refresh_token` grants, `exp` capped at one hour, `scopes` a subset of the client's.

use super::data::{Grant, StreamState};
use crate::clock::{now_ms, now_s};
use crate::credentials::{secret_matches, StreamClient, STREAM_CLIENTS};
use crate::error::{no_store, OAuthError};
use crate::http::{basic_credentials, json_object, merge_basic, typed};
use crate::secrets::random_token;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gatehouse_core::contract::stream::{Scope, TokenRequest, TokenResponse};
use gatehouse_core::contract::GrantType;

/// The longest access-token lifetime Stream grants (the document: `exp` at most 1 h).
pub(crate) const MAX_ACCESS_LIFETIME_S: u64 = 3600;
/// Refresh-token lifetime: 30 days.
pub(crate) const REFRESH_LIFETIME_S: u64 = 30 * 24 * 3600;

const BASIC_CHALLENGE: &str = "Basic realm=\"stream\"";

pub(crate) async fn token(
    State(state): State<StreamState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let basic = basic_credentials(&headers).map_err(|e| OAuthError::invalid_client(e.0))?;
    let used_basic = basic.is_some();
    let mut fields = json_object(&headers, &body).map_err(|e| OAuthError::invalid_request(e.0))?;
    merge_basic(&mut fields, basic).map_err(|e| OAuthError::invalid_request(e.0))?;
    let req: TokenRequest = typed(fields).map_err(|e| OAuthError::invalid_request(e.0))?;

    let client = STREAM_CLIENTS
        .iter()
        .find(|c| c.id == req.client_id && secret_matches(c.secret, &req.client_secret))
        .ok_or_else(|| {
            OAuthError::invalid_client("client authentication failed")
                .with_basic_challenge(used_basic, BASIC_CHALLENGE)
        })?;

    let now = now_s();
    let cap = state
        .settings(|s| s.token_lifetime_s.stream)
        .unwrap_or(MAX_ACCESS_LIFETIME_S);
    let lifetime = match req.exp {
        None => cap,
        Some(exp) => {
            let left = exp.saturating_sub(i64::try_from(now).unwrap_or(i64::MAX));
            if left <= 0 {
                return Err(OAuthError::invalid_request("exp is not in the future"));
            }
            cap.min(u64::try_from(left).unwrap_or(u64::MAX))
        }
    };

    let scopes = match req.grant_type {
        GrantType::ClientCredentials => {
            let allowed: Vec<Scope> = client.scopes.iter().map(|s| Scope::from(*s)).collect();
            requested_scopes(req.scopes.as_deref(), &allowed)?
        }
        GrantType::RefreshToken => redeem_refresh(&state, client, &req)?,
        _ => {
            return Err(OAuthError::unsupported_grant_type(
                "grant_type must be client_credentials or refresh_token",
            ))
        }
    };

    let access_token = random_token();
    let refresh_token = random_token();
    let now_ms = now_ms();
    let (refresh_lifetime, stated) = state.settings(|s| {
        (
            s.stream_refresh_lifetime_s.unwrap_or(REFRESH_LIFETIME_S),
            s.stream_stated_expires_in,
        )
    });
    state.with(|s| {
        s.access.insert(
            access_token.clone(),
            Grant {
                client_id: client.id.to_owned(),
                scopes: scopes.clone(),
                expires_at_ms: now_ms.saturating_add(lifetime.saturating_mul(1000)),
            },
        );
        s.refresh.insert(
            refresh_token.clone(),
            Grant {
                client_id: client.id.to_owned(),
                scopes: scopes.clone(),
                expires_at_ms: now_ms.saturating_add(refresh_lifetime.saturating_mul(1000)),
            },
        );
    });
    let body = TokenResponse {
        access_token,
        token_type: "bearer".to_owned(),
        refresh_token: Some(refresh_token),
        expires_in: stated.unwrap_or(lifetime),
        refresh_token_expires_in: Some(refresh_lifetime),
        scopes,
    };
    Ok((no_store(), Json(body)).into_response())
}

/// The granted scopes: the requested ones (deduplicated) if all are allowed, else all
/// allowed ones when none were requested.
fn requested_scopes(
    requested: Option<&[Scope]>,
    allowed: &[Scope],
) -> Result<Vec<Scope>, OAuthError> {
    let requested = match requested {
        None | Some([]) => return Ok(allowed.to_vec()),
        Some(list) => list,
    };
    let mut granted: Vec<Scope> = Vec::with_capacity(requested.len());
    for scope in requested {
        if !allowed.contains(scope) {
            return Err(OAuthError::invalid_scope(if scope.is_known() {
                format!("scope {scope} is not allowed for this client")
            } else {
                "a requested scope is not one of user, onboarding, legacy_onboarding, sso"
                    .to_owned()
            }));
        }
        if !granted.contains(scope) {
            granted.push(scope.clone());
        }
    }
    Ok(granted)
}

/// Uses up a refresh token (rotation: it never works again) and returns the scopes to grant.
fn redeem_refresh(
    state: &StreamState,
    client: &StreamClient,
    req: &TokenRequest,
) -> Result<Vec<Scope>, OAuthError> {
    let Some(presented) = req.refresh_token.as_deref() else {
        return Err(OAuthError::invalid_request(
            "refresh_token is required for this grant",
        ));
    };
    let used_up =
        || OAuthError::invalid_grant("refresh token is invalid, expired, revoked or already used");
    let grant = state
        .with(|s| {
            s.refresh
                .get(presented)
                .filter(|g| g.client_id == client.id)
                .cloned()
        })
        .filter(|g| g.expires_at_ms > now_ms())
        .ok_or_else(used_up)?;
    // Scopes are checked before the token is used up, so a bad request does not burn it.
    let scopes = requested_scopes(req.scopes.as_deref(), &grant.scopes)?;
    // Removal decides a race between two concurrent refreshes: only one gets the token.
    if state.with(|s| s.refresh.remove(presented)).is_none() {
        return Err(used_up());
    }
    Ok(scopes)
}
