//! Portal sessions at the edge: which verified user a request comes from (docs/security.md items 11
//! and 19). The token format and claim checks are in `gatehouse_core::session`; signatures are
//! verified here with the runtime's WebCrypto (`crypto.subtle`), the platform's maintained
//! implementation, so no cryptography is written here and none is compiled into the worker.
//!
//! A session arrives as `Authorization: Bearer <JWT>` (widgets embedded cross-origin, behind the
//! CORS allowlist), as the `__Host-gatehouse_session` cookie (pages on the worker's origin, after
//! `POST /api/session`), or — for the SSO button's plain form POST — as a `session` form field.
//! With the cookie, state-changing calls need an allowed `Origin` (or `Sec-Fetch-Site:
//! same-origin`).

use crate::config;
use crate::error::ApiError;
use gatehouse_core::routes::RouteId;
use gatehouse_core::session::{self, Alg, Session, SessionConfig, SessionError};
use serde::Deserialize;
use worker::{Date, Env, Headers, Request, Response};

/// The session cookie: `__Host-` (Secure, Path=/, no Domain), HttpOnly, SameSite=Strict.
pub const COOKIE: &str = "__Host-gatehouse_session";

/// Where a verified session came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// `Authorization: Bearer`.
    Bearer,
    /// The session cookie.
    Cookie,
    /// A `session` form field (the SSO button's form POST).
    Field,
}

fn now_s() -> u64 {
    Date::now().as_millis() / 1000
}

/// The deployment's session configuration, naming what is missing.
pub fn config(env: &Env) -> Result<SessionConfig, ApiError> {
    SessionConfig::from_vars(|name| config::var(env, name)).map_err(ApiError::Misconfigured)
}

/// Verifies a compact JWS session token: algorithm pinned per key, signature by WebCrypto,
/// then the claims.
pub async fn verify(env: &Env, token: &str) -> Result<Session, ApiError> {
    let cfg = config(env)?;
    let unverified = session::split(token).map_err(ApiError::InvalidSession)?;
    let key = crate::webcrypto::key_for(env, &unverified.header).await?;
    let alg = unverified
        .pinned_alg(&cfg, key.alg)
        .map_err(ApiError::InvalidSession)?;
    if !crate::webcrypto::verify(
        alg,
        &key.key,
        &unverified.signature,
        unverified.signing_input,
    )
    .await?
    {
        return Err(ApiError::InvalidSession(SessionError::Signature));
    }
    session::validate(&unverified, &cfg, now_s()).map_err(ApiError::InvalidSession)
}

/// The value of cookie `name`, if the request carries it (non-empty).
pub fn cookie(req: &Request, name: &str) -> Option<String> {
    let header = req.headers().get("cookie").ok().flatten()?;
    header.split(';').find_map(|pair| {
        let (k, v) = pair.trim().split_once('=')?;
        (k == name && !v.is_empty()).then(|| v.to_owned())
    })
}

fn cookie_value(req: &Request) -> Option<String> {
    cookie(req, COOKIE)
}

fn bearer(req: &Request) -> Option<String> {
    let h = req.headers().get("authorization").ok().flatten()?;
    h.strip_prefix("Bearer ").map(|t| t.trim().to_owned())
}

/// Whether the request's `Origin` is this worker's own or allowed by CORS; without an
/// `Origin` (or with `Origin: null`, which browsers send for a form POST from a page with
/// `Referrer-Policy: no-referrer`), whether the browser marked it `Sec-Fetch-Site: same-origin`.
pub fn origin_allowed(req: &Request, env: &Env) -> bool {
    let own = crate::http::own_origin(req);
    match crate::cors::origin(req).filter(|o| o != "null") {
        Some(o) => own.as_deref() == Some(o.as_str()) || config::origins(env).allows(&o),
        None => {
            req.headers()
                .get("sec-fetch-site")
                .ok()
                .flatten()
                .as_deref()
                == Some("same-origin")
        }
    }
}

/// The verified session of `req` from its Bearer header or cookie (or `field`, a form value).
/// `state_changing`: with the cookie, the `Origin` must be allowed.
pub async fn require(
    req: &Request,
    env: &Env,
    field: Option<&str>,
    state_changing: bool,
) -> Result<(Session, Source), ApiError> {
    let (token, source) = if let Some(t) = bearer(req) {
        (t, Source::Bearer)
    } else if let Some(t) = field.filter(|t| !t.is_empty()) {
        (t.to_owned(), Source::Field)
    } else if let Some(t) = cookie_value(req) {
        (t, Source::Cookie)
    } else {
        return Err(ApiError::SessionRequired);
    };
    // A browser's cross-origin call must come from an allowed origin whatever carries the
    // session; with the cookie, a state-changing call must show an allowed origin at all.
    let has_origin = crate::cors::origin(req).is_some();
    if (has_origin || (state_changing && source == Source::Cookie)) && !origin_allowed(req, env) {
        return Err(ApiError::OriginNotAllowed);
    }
    Ok((verify(env, &token).await?, source))
}

pub use gatehouse_core::api::Profile;

fn set_cookie(resp: &mut Response, value: &str, max_age: u64) {
    let _ = resp.headers_mut().append(
        "set-cookie",
        &format!("{COOKIE}={value}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age={max_age}"),
    );
}

/// `GET /api/session`: the current session's profile. `POST /api/session` with a Bearer session
/// token: verified and set as the `__Host-` cookie. `DELETE /api/session`: clears the cookie.
pub async fn route(req: &Request, env: &Env, id: RouteId) -> Result<Response, ApiError> {
    match id {
        RouteId::GetSession => {
            let (s, _) = require(req, env, None, false).await?;
            Ok(crate::http::json(200, &Profile::from(&s)))
        }
        RouteId::CreateSessionCookie => {
            let token = bearer(req).ok_or(ApiError::SessionRequired)?;
            let (s, _) = require(req, env, None, true).await?;
            let mut resp = crate::http::json(200, &Profile::from(&s));
            set_cookie(&mut resp, &token, s.expires_at.saturating_sub(now_s()));
            Ok(resp)
        }
        RouteId::DeleteSessionCookie => {
            if !origin_allowed(req, env) && crate::cors::origin(req).is_some() {
                return Err(ApiError::OriginNotAllowed);
            }
            let mut resp = Response::builder()
                .with_status(204)
                .with_headers(Headers::new())
                .empty();
            let _ = resp.headers_mut().set("cache-control", "no-store");
            set_cookie(&mut resp, "", 0);
            Ok(resp)
        }
        _ => Err(ApiError::MethodNotAllowed),
    }
}

#[derive(Deserialize)]
struct DevLogin {
    user: String,
}

/// Development only (`GATEHOUSE_MODE=development`; the route does not exist otherwise):
/// `GET /api/dev/users` lists demo users, `POST /api/dev/session {"user":"sarah"}` mints an
/// HS256 session for one (10 minutes), sets the cookie and answers the token and profile.
pub async fn dev_route(req: &mut Request, env: &Env, id: RouteId) -> Result<Response, ApiError> {
    if config::mode(env) != "development" {
        return Err(ApiError::NotFound);
    }
    match id {
        RouteId::DevUsers => {
            let users: Vec<_> = session::DemoUser::ALL
                .iter()
                .map(|u| {
                    serde_json::json!({"user_id": u.id, "full_name": u.full_name, "provider_org_id": u.provider_org_id, "role": u.role})
                })
                .collect();
            Ok(crate::http::json(200, &users))
        }
        RouteId::DevSession => {
            if crate::cors::origin(req).is_some() && !origin_allowed(req, env) {
                return Err(ApiError::OriginNotAllowed);
            }
            let bytes = crate::body::read_capped(req, 1024).await?;
            let body: DevLogin = serde_json::from_slice(&bytes).map_err(|_| {
                ApiError::InvalidRequest("expected {\"user\": \"<demo user id>\"}".into())
            })?;
            let cfg = config(env)?;
            const TTL_S: u64 = 600;
            let now = now_s();
            let claims = session::demo_claims(&body.user, &cfg, now, TTL_S)
                .ok_or_else(|| ApiError::InvalidRequest("unknown demo user".into()))?;
            let input = session::signing_input(Alg::HS256, &claims);
            let key = crate::webcrypto::hmac_key(env, true).await?;
            let token = session::compact(&input, &crate::webcrypto::sign_hmac(&key, &input).await?);
            let s = verify(env, &token).await?;
            let mut resp = crate::http::json(
                200,
                &serde_json::json!({"session": token, "profile": Profile::from(&s)}),
            );
            set_cookie(&mut resp, &token, TTL_S);
            Ok(resp)
        }
        _ => Err(ApiError::NotFound),
    }
}
