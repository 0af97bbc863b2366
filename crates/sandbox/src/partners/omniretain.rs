//! OmniRetain (seed 002), shaped like Django OAuth Toolkit: `POST
//! /omniretain/backend/core/authentication/token/` with `password` (the application's service
//! user), `client_credentials` or rotating `refresh_token`; a protected
//! `GET /omniretain/api/v1/member/ping` answering like Django REST framework, a paged
//! `GET /omniretain/api/v1/member/list?page=N` with `ETag` (and `304` for `If-None-Match`),
//! `Link` and rate-limit headers, and `/omniretain/api/v1/member/echo` (any method), which
//! answers what it received — the proxy's header tests read both.

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
use axum::routing::{any, get, post};
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
            "/omniretain/backend/core/authentication/revoke_token/",
            named(faults, "omniretain.revoke", post(revoke)),
        )
        .route(
            "/omniretain/api/v1/member/ping",
            named(faults, "omniretain.api", get(ping)),
        )
        .route(
            "/omniretain/api/v1/member/list",
            named(faults, "omniretain.api", get(list)),
        )
        .route(
            "/omniretain/api/v1/member/echo",
            named(faults, "omniretain.api", any(echo)),
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

/// Django OAuth Toolkit's `revoke_token/` (RFC 7009): the client authenticates as for a token,
/// `token` (an access or a refresh token of that client) stops working; 200 whether or not it
/// was valid (RFC 7009 §2.2), so the answer says nothing about other clients' tokens.
async fn revoke(
    State(state): State<OmniState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, OAuthError> {
    let invalid_client = || OAuthError::bare(StatusCode::UNAUTHORIZED, "invalid_client");
    let basic = basic_credentials(&headers).map_err(|_| invalid_client())?;
    if !content_type_is(&headers, FORM) {
        return Err(OAuthError::invalid_request(
            "Content-Type must be application/x-www-form-urlencoded",
        ));
    }
    let mut fields = form_map(&body).map_err(|e| OAuthError::invalid_request(e.0))?;
    merge_basic(&mut fields, basic).map_err(|e| OAuthError::invalid_request(e.0))?;
    let text = |k: &str| fields.get(k).and_then(|v| v.as_str()).map(str::to_owned);
    let (Some(client_id), Some(client_secret)) = (text("client_id"), text("client_secret")) else {
        return Err(invalid_client());
    };
    let app = OMNI_APPS
        .iter()
        .find(|a| a.client_id == client_id && secret_matches(a.client_secret, &client_secret))
        .ok_or_else(invalid_client)?;
    let token = text("token").ok_or_else(|| missing("token"))?;
    state.with(|s| {
        for tokens in [&mut s.access, &mut s.refresh] {
            if tokens
                .get(&token)
                .is_some_and(|g| g.client_id == app.client_id)
            {
                tokens.remove(&token);
            }
        }
    });
    Ok(StatusCode::OK.into_response())
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

/// The grant of the request's bearer token, if it is a live one.
fn authorized(state: &OmniState, headers: &HeaderMap) -> Option<OmniGrant> {
    let now = now_ms();
    bearer(headers)
        .and_then(|t| state.with(|s| s.access.get(t).filter(|g| g.expires_at_ms > now).cloned()))
}

/// Django REST framework's 401.
fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        [(header::WWW_AUTHENTICATE, "Bearer realm=\"api\"")],
        Json(json!({ "detail": "Authentication credentials were not provided." })),
    )
        .into_response()
}

async fn ping(State(state): State<OmniState>, headers: HeaderMap) -> Response {
    match authorized(&state, &headers) {
        Some(g) => Json(json!({ "ok": true, "company": g.company })).into_response(),
        None => unauthorized(),
    }
}

/// Members, three pages of two: `ETag` per page (`304` when `If-None-Match` has it), `Link` to
/// the next page, and rate-limit headers, as a REST client of the partner relies on.
async fn list(
    State(state): State<OmniState>,
    headers: HeaderMap,
    axum::extract::Query(q): axum::extract::Query<HashMap<String, String>>,
) -> Response {
    let Some(grant) = authorized(&state, &headers) else {
        return unauthorized();
    };
    let page: u64 = q
        .get("page")
        .and_then(|p| p.parse().ok())
        .unwrap_or(1)
        .clamp(1, 3);
    let etag = format!("\"members-{}-p{page}\"", grant.company);
    let mut out = axum::http::HeaderMap::new();
    let mut put = |name: &'static str, value: String| {
        if let Ok(v) = axum::http::HeaderValue::from_str(&value) {
            out.insert(name, v);
        }
    };
    put("etag", etag.clone());
    put("ratelimit-limit", "100".into());
    put("ratelimit-remaining", "99".into());
    put("x-ratelimit-reset", "60".into());
    if page < 3 {
        let next = format!(
            "{}/omniretain/api/v1/member/list?page={}",
            state.public_url(),
            page + 1
        );
        put("link", format!("<{next}>; rel=\"next\""));
    }
    if headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        == Some(etag.as_str())
    {
        return (StatusCode::NOT_MODIFIED, out).into_response();
    }
    let members: Vec<_> = (1..=2)
        .map(|i| json!({ "id": (page - 1) * 2 + i, "company": grant.company }))
        .collect();
    (out, Json(json!({ "page": page, "results": members }))).into_response()
}

/// Answers what arrived: the method, every header (the bearer token's value replaced by
/// whether one was there) and the body; its own answer carries headers a proxy must not pass
/// back (`Set-Cookie`, an internal one) beside ones it must (`Sunset`, `Deprecation`).
async fn echo(
    State(state): State<OmniState>,
    method: axum::http::Method,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    if authorized(&state, &headers).is_none() {
        return unauthorized();
    }
    let seen: serde_json::Map<String, serde_json::Value> = headers
        .iter()
        .map(|(k, v)| {
            let value = if k == header::AUTHORIZATION {
                "bearer token".to_owned()
            } else {
                v.to_str().unwrap_or("").to_owned()
            };
            (k.as_str().to_owned(), value.into())
        })
        .collect();
    (
        [
            (header::SET_COOKIE, "partner_session=secret; Path=/"),
            (
                header::HeaderName::from_static("x-internal-debug"),
                "node-7",
            ),
            (
                header::HeaderName::from_static("sunset"),
                "Wed, 31 Dec 2036 23:59:59 GMT",
            ),
            (header::HeaderName::from_static("deprecation"), "true"),
        ],
        Json(json!({
            "method": method.as_str(),
            "headers": seen,
            "body": String::from_utf8_lossy(&body),
        })),
    )
        .into_response()
}
