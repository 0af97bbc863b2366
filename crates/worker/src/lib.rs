//! Gatehouse worker: holds the partner secrets and makes every token call at the edge.
//!
//! Routes live under `/api/`; everything else is served from `www/` as static assets.
//! Layout by resource: [`health`], [`credentials`] (the per-credential Durable Object and the
//! token cache), [`proxy`] (partner calls for trusted server code), [`webhooks`] (signed events
//! to the partner's backend, one outbox Durable Object per target), [`partner_tokens`] (Stream's
//! partner tokens for operators), [`session`], [`sso`], [`onboarding`],
//! with the edge concerns in [`http`] (JSON answers, query, randomness), [`cors`] (the browser
//! boundary), [`auth`], [`body`] (bounded request bodies), [`config`], [`error`] (the closed
//! error type), [`log`] (redacted lines, request ids), [`objects`] (the typed protocol to every
//! Durable Object) and [`seal`] (AES-GCM sealing of stored secrets).

pub mod auth;
pub mod body;
pub mod config;
pub mod cors;
pub mod credentials;
pub mod error;
pub mod health;
pub mod http;
pub mod log;
pub mod objects;
pub mod onboarding;
pub mod partner_tokens;
pub mod proxy;
pub mod seal;
pub mod session;
pub mod sso;
pub mod upstream;
pub mod webcrypto;
pub mod webhooks;

use error::ApiError;
use worker::{event, Context, Env, Method, Request, Response, Result};

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let origin = cors::origin(&req);
    let allowed = config::origins(&env);
    let method = req.method();
    let path = req.path();
    let request_id = log::request_id(&req);
    let resp = if method == Method::Options {
        cors::preflight(origin.as_deref(), &allowed)
    } else {
        log::scoped(&request_id, dispatch(req, &env, &method, &path))
            .await
            .unwrap_or_else(|e| {
                e.log(&request_id);
                e.into_response()
            })
    };
    let status = resp.status_code();
    let level = match status {
        500.. => "error",
        400.. => "warn",
        _ => "info",
    };
    log::access(
        config::var(&env, "LOG_LEVEL").as_deref(),
        level,
        &[
            ("request_id", &request_id),
            ("method", method.as_ref()),
            ("path", &path),
            ("status", &status.to_string()),
        ],
    );
    let mut resp = cors::with_cors(resp, origin.as_deref(), &allowed);
    let _ = resp.headers_mut().set("x-request-id", &request_id);
    Ok(resp)
}

async fn dispatch(
    req: Request,
    env: &Env,
    method: &Method,
    path: &str,
) -> std::result::Result<Response, ApiError> {
    if let Some(rest) = path.strip_prefix("/api/proxy/") {
        let (id, tail) = rest.split_once('/').unwrap_or((rest, ""));
        return proxy::forward(req, env, id, tail).await;
    }
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    match (method, segments.as_slice()) {
        (Method::Get, ["api", "health"]) => Ok(health::get(env)),
        (_, ["api", "session"]) => session::route(&req, env, method).await,
        (_, ["api", "dev", what]) => {
            let mut req = req;
            session::dev_route(&mut req, env, method, what).await
        }
        (_, ["api", "onboarding", rest @ ..]) => onboarding::route(req, env, method, rest).await,
        (Method::Get, ["api", "organization", "locations"]) => {
            onboarding::org_locations(&req, env).await
        }
        (Method::Get, ["api", "admin", "organizations", org, "counters"]) => {
            onboarding::counters(&req, env, org).await
        }
        (Method::Post, ["api", "sso"]) => {
            // A person's browser navigating (the button's form POST) gets errors as a page.
            let navigating = req
                .headers()
                .get("sec-fetch-mode")
                .ok()
                .flatten()
                .as_deref()
                == Some("navigate");
            match sso::start(req, env).await {
                Err(e) if navigating => {
                    e.log(&log::current_request_id());
                    Ok(e.into_html_response())
                }
                other => other,
            }
        }
        (_, ["api", "sso"]) => Err(ApiError::MethodNotAllowed),
        (_, ["api", "health"]) => Err(ApiError::MethodNotAllowed),
        (Method::Get, ["api", "admin", "credentials"]) => credentials::admin_list(&req, env).await,
        (Method::Get, ["api", "admin", "credentials", id]) => {
            credentials::admin(&req, env, id, false).await
        }
        (Method::Post, ["api", "admin", "credentials", id, "reset"]) => {
            credentials::admin(&req, env, id, true).await
        }
        (_, ["api", "admin", "credentials", ..]) => Err(ApiError::MethodNotAllowed),
        (_, ["api", "admin", "partner-tokens", rest @ ..]) => {
            partner_tokens::route(req, env, method, rest).await
        }
        (Method::Get, ["api", "admin", "webhooks"]) => webhooks::admin(&req, env).await,
        (_, ["api", "admin", "webhooks"]) => Err(ApiError::MethodNotAllowed),
        _ => Err(ApiError::NotFound),
    }
}
