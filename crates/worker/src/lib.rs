//! Gatehouse worker: holds the partner secrets and makes every token call at the edge. Routes
//! live under `/api/` and are dispatched by core's route table (`gatehouse_core::routes`);
//! everything else is served from `www/` as static assets. Every decision is core's; this crate
//! does the I/O.
//!
//! By flow (each a folder or file of its own):
//! - [`credentials`]: partner tokens — the isolate cache, `call_partner` (401 → one retry), and
//!   one [`credentials::broker`] Durable Object per credential (core's `tokens::cache` decides;
//!   the object calls, seals, stores);
//! - [`proxy`]: partner calls for trusted server code;
//! - [`session`]: portal sessions (verification, the cookie, the development demo users);
//! - [`sso`]: white-label SSO redirects;
//! - [`onboarding`]: the session routes, the merchant's browser on its way to the partner and
//!   back, and one [`onboarding::org`] Durable Object per portal organization;
//! - [`connections`]: merchants' own partner credentials made at runtime from templates (each
//!   its own broker object, its values sealed there; the organization's object indexes them);
//! - [`webhooks`]: signed events, one outbox Durable Object per target;
//! - [`partner_tokens`]: Stream's partner tokens for operators; [`health`].
//!
//! Edge concerns every flow uses: [`objects`] (the one typed protocol to every Durable Object),
//! [`upstream`] (the one outbound call), [`webcrypto`] (`crypto.subtle`), [`seal`] (AES-GCM
//! sealing of stored secrets), [`error`] (the closed error type), [`log`] (redacted lines,
//! request ids, levels), [`cors`] (the browser boundary), [`auth`] (operator and proxy keys),
//! [`body`] (bounded request bodies), [`http`] (JSON answers, query, randomness), [`config`].

pub mod auth;
pub mod body;
pub mod config;
pub mod connections;
pub mod cors;
pub mod credentials;
pub mod error;
pub mod health;
pub mod http;
pub mod keys;
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
use gatehouse_core::routes::{self, RouteId as R};
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
        500.. => log::Level::Error,
        400.. => log::Level::Warn,
        _ => log::Level::Info,
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

/// Routes by core's route table ([`gatehouse_core::routes`]): no route for the path is `404`,
/// a route for the path but not the method is `405` (partner-token paths ask for the key first,
/// and the development routes do not exist outside development).
async fn dispatch(
    req: Request,
    env: &Env,
    method: &Method,
    path: &str,
) -> std::result::Result<Response, ApiError> {
    let Some((row, params)) = routes::route(method.as_ref(), path) else {
        let under = |prefix: &str| path.trim_start_matches('/').starts_with(prefix);
        if under("api/admin/partner-tokens") {
            auth::require_admin(&req, env).await?;
        }
        let dev_elsewhere = under("api/dev/") && config::mode(env) != "development";
        return Err(
            if routes::methods_for(path).next().is_some() && !dev_elsewhere {
                ApiError::MethodNotAllowed
            } else {
                ApiError::NotFound
            },
        );
    };
    let param = |name| params.get(name).unwrap_or_default();
    // The operators' key is checked here, and only here, for every route the table gives it
    // (a handler that forgot its own check once answered anyone).
    let id = row.id;
    // A server route's organization: the key was checked for it here (`None`: not a server
    // route; its handler asks for the session).
    let mut org = None;
    match row.access {
        routes::Access::AdminKey => auth::require_admin(&req, env).await?,
        routes::Access::ServerKey(scope) => {
            auth::require_server(&req, env, scope, param("org")).await?;
            org = Some(param("org"));
        }
        _ => {}
    }
    match id {
        R::Health => Ok(health::get(env)),
        R::GetSession | R::CreateSessionCookie | R::DeleteSessionCookie => {
            session::route(&req, env, id).await
        }
        R::DevUsers | R::DevSession => {
            let mut req = req;
            session::dev_route(&mut req, env, id).await
        }
        R::StartSso => {
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
        R::StartOnboarding
        | R::OnboardingGo
        | R::OnboardingReturn
        | R::OnboardingStatus
        | R::RevokeOnboarding
        | R::RestartOnboarding
        | R::OnboardingLocations
        | R::IngestLocations
        | R::BindLocations => onboarding::route(req, env, id, param("id"), org).await,
        R::ListOrgOnboardings | R::GetOrgOnboarding => {
            onboarding::server(&req, env, id, param("org"), param("id")).await
        }
        R::OrganizationLocations => onboarding::org_locations(&req, env).await,
        R::OrganizationCounters => onboarding::counters(env, param("org")).await,
        R::ListCredentials => credentials::admin_list(env).await,
        R::ListAllConnections => connections::list_all(&req, env).await,
        R::CredentialStatus => credentials::admin(&req, env, param("id"), false).await,
        R::ResetCredential => credentials::admin(&req, env, param("id"), true).await,
        R::WebhookOutboxes => webhooks::admin(&req, env).await,
        R::ListPartnerTokens
        | R::CreatePartnerToken
        | R::RenamePartnerToken
        | R::DeletePartnerToken => partner_tokens::route(req, env, id, param("token_id")).await,
        R::ListConnectionTemplates
        | R::CreateConnection
        | R::ListConnections
        | R::GetConnection
        | R::UpdateConnection
        | R::DeleteConnection => connections::route(req, env, id, param("id"), org).await,
        R::ListKeys | R::CreateKey | R::RotateKey | R::RevokeKey => {
            keys::route(req, env, id, param("key_id")).await
        }
        R::Proxy => proxy::forward(req, env, param("credential"), param("path")).await,
    }
}
