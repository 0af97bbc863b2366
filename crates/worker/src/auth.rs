//! Who is asking, for the routes of trusted server code. A caller presents a bearer key:
//! a server key (`gh_live_…`, made at runtime, scoped: [`crate::keys`]), or one of the
//! deployment's secrets — `ADMIN_API_KEY` (the bootstrap key) for operators' routes,
//! `PROXY_API_KEY` (deprecated) for the proxy.

use crate::error::{ApiError, ErrorCode};
use gatehouse_core::secret::ApiKey;
use gatehouse_core::server_keys::{scope, KeyRecord};
use std::rc::Rc;
use worker::{Env, Request};

/// A deployment secret a caller may present instead of a server key.
#[derive(Clone, Copy)]
pub struct Legacy {
    /// The Worker secret's name.
    name: &'static str,
    /// Whether a deployment must set it: unset, a required secret is a misconfiguration; an
    /// optional one (the deprecated `PROXY_API_KEY`) admits no one.
    required: bool,
}

/// The bootstrap operators' key.
pub const ADMIN_API_KEY: Legacy = Legacy {
    name: "ADMIN_API_KEY",
    required: true,
};
/// The deprecated proxy key: a deployment that uses server keys only leaves it unset.
pub const PROXY_API_KEY: Legacy = Legacy {
    name: "PROXY_API_KEY",
    required: false,
};

/// Requires `Authorization: Bearer <secret>`, compared in constant time.
fn require_secret(req: &Request, env: &Env, secret: Legacy) -> Result<(), ApiError> {
    let Some(key) = crate::config::secret(env, secret.name).map(ApiKey::new) else {
        return Err(if secret.required {
            ApiError::Misconfigured(format!("secret {} is not set", secret.name))
        } else {
            ApiError::Unauthorized
        });
    };
    match crate::keys::bearer(req) {
        Some(presented) if key.matches(&presented) => Ok(()),
        _ => Err(ApiError::Unauthorized),
    }
}

/// The caller of a route with scope `scope`: a server key that has it (`Some`; its
/// organizations and targets are checked by the route, [`crate::keys::check`]), or the
/// deployment's secret `legacy` (`None`: it may do everything of its kind).
pub async fn caller(
    req: &Request,
    env: &Env,
    scope: &'static str,
    legacy: Legacy,
) -> Result<Option<Rc<KeyRecord>>, ApiError> {
    match crate::keys::presented(req, env).await? {
        Some(key) if key.scopes.iter().any(|s| s == scope) => Ok(Some(key)),
        Some(_) => Err(ApiError::Refused(ErrorCode::InsufficientScope)),
        None => require_secret(req, env, legacy).map(|()| None),
    }
}

/// Requires the operators' key: `ADMIN_API_KEY`, or a server key with the `admin` scope (which
/// is never limited to organizations: core refuses to make one).
pub async fn require_admin(req: &Request, env: &Env) -> Result<(), ApiError> {
    caller(req, env, scope::ADMIN, ADMIN_API_KEY)
        .await
        .map(|_| ())
}

/// Requires a server key with `scope` that may act for organization `org` (a server route's
/// `{org}`); the deployment's secrets do not open these routes, and browsers are refused. An
/// `{org}` that is not an organization id (`@keys`, `@connections`: the registries' objects)
/// is refused here, for every server route, before it names an object.
pub async fn require_server(
    req: &Request,
    env: &Env,
    scope: &'static str,
    org: &str,
) -> Result<(), ApiError> {
    refuse_browsers(req)?;
    if !gatehouse_core::validate::valid_id(org) {
        return Err(ApiError::ForbiddenOrg);
    }
    let key = crate::keys::presented(req, env)
        .await?
        .ok_or(ApiError::Unauthorized)?;
    let need = gatehouse_core::server_keys::Need {
        scope,
        organization: Some(org),
        target: None,
    };
    crate::keys::check(Some(&key), &need)
}

/// Browsers send `Origin` on cross-origin and state-changing requests and `Sec-Fetch-Site` on
/// all of them; server-side HTTP clients send neither (Node's fetch does send `Sec-Fetch-Mode`,
/// so that one proves nothing). A route for trusted server code refuses them: a key in a page
/// would be a key anyone can read.
pub fn refuse_browsers(req: &Request) -> Result<(), ApiError> {
    let h = req.headers();
    if h.get("origin").ok().flatten().is_some() || h.get("sec-fetch-site").ok().flatten().is_some()
    {
        return Err(ApiError::BrowserNotAllowed);
    }
    Ok(())
}
