//! `/api/proxy/{credential}/{path…}`: forwards a call from trusted server code to the partner
//! with the credential's bearer token attached. Only methods and paths on the credential's
//! allowlist pass; browsers are refused; a 401 from the partner (or a 403, for partners whose
//! APIs answer invalid tokens that way) invalidates the token and the call is retried once,
//! never more (docs/security.md item 9). The token is never returned.

mod headers;

use crate::credentials;
use crate::error::{ApiError, ErrorCode};
use gatehouse_core::connections::ConnectionId;
use gatehouse_core::outbound::Outbound;
use gatehouse_core::server_keys::{scope, KeyRecord, Need};
use gatehouse_core::tokens::profile::Credential;
use std::rc::Rc;
use worker::{Env, Method, Request, Response};

/// Names the organization a call with a connection acts for; it must own the connection.
const ORGANIZATION_HEADER: &str = "gatehouse-organization";

/// A connection's credential for the proxy, once the caller's organization is checked against
/// the connection's owner (`Gatehouse-Organization`): a wrong id in the partner's backend can
/// never reach another merchant's account. Its token comes first (which also tells the owner and
/// the template, which a server key's targets may name).
async fn connection(
    env: &Env,
    id: &str,
    org: &str,
    key: Option<&KeyRecord>,
) -> Result<Rc<Credential>, ApiError> {
    let token = credentials::token(env, id).await?;
    let Some((owner, template)) = token.connection else {
        return Err(ApiError::Refused(ErrorCode::UnknownConnection));
    };
    if owner != org {
        return Err(ApiError::ForbiddenOrg);
    }
    crate::keys::check(key, &need(Some(org), Some((id, Some(&template)))))?;
    crate::connections::connection_template(env, &template)?
        .for_proxy(id, &|name| crate::config::secret(env, name))
        .map(Rc::new)
        .map_err(|e| ApiError::Misconfigured(e.to_string()))
}

fn need<'a>(organization: Option<&'a str>, target: Option<(&'a str, Option<&'a str>)>) -> Need<'a> {
    Need {
        scope: scope::PROXY,
        organization,
        target,
    }
}

/// Largest request body forwarded.
/// Largest request body forwarded by default (`PROXY_MAX_BODY_BYTES` sets another, up to
/// [`BODY_CEILING`]). A body is read whole, within the limit, so that the one retry after a
/// partner 401 can send it again; the partner's answer streams back as it arrives.
const MAX_BODY: usize = 1 << 20;
/// The most `PROXY_MAX_BODY_BYTES` may allow (a Worker has 128 MB of memory).
const BODY_CEILING: usize = 32 << 20;

fn max_body(env: &Env) -> usize {
    crate::config::var(env, "PROXY_MAX_BODY_BYTES")
        .and_then(|v| v.parse::<usize>().ok())
        .map_or(MAX_BODY, |n| n.min(BODY_CEILING))
}

/// Forwards `req` for credential `id` to `/{rest}` on the partner API.
pub async fn forward(
    mut req: Request,
    env: &Env,
    id: &str,
    rest: &str,
) -> Result<Response, ApiError> {
    crate::auth::refuse_browsers(&req)?;
    let key = crate::auth::caller(&req, env, scope::PROXY, crate::auth::PROXY_API_KEY).await?;
    let key = key.as_deref();
    let cred = if ConnectionId::parse(id).is_some() {
        let org = req
            .headers()
            .get(ORGANIZATION_HEADER)
            .ok()
            .flatten()
            .filter(|o| !o.is_empty())
            .ok_or(ApiError::Refused(ErrorCode::OrganizationRequired))?;
        // A key limited to other organizations stops here, before any partner call.
        crate::keys::check(key, &need(Some(&org), None))?;
        connection(env, id, &org, key).await?
    } else {
        // The platform's own credentials act for no organization.
        crate::keys::check(key, &need(None, Some((id, None))))?;
        credentials::find(env, id)
            .map_err(|e| ApiError::Misconfigured(e.to_string()))?
            .ok_or(ApiError::UnknownCredential)?
    };
    let path = format!("/{rest}");
    let method = req.method();
    if !gatehouse_core::proxy::allowed(&cred.proxy, method.as_ref(), &path) {
        return Err(ApiError::ProxyNotAllowed);
    }
    let query = crate::http::query(&req);
    // The end-to-end headers the caller sent that the partner may see (core's allowlist).
    let passed = headers::passed_on(req.headers());
    let accept_given = passed.has("accept").unwrap_or(false);
    // GET and HEAD carry no body: skip the read (a promise round trip) on the hot path.
    let body = if matches!(method, Method::Get | Method::Head) {
        Vec::new()
    } else {
        crate::body::read_capped(&mut req, max_body(env)).await?
    };
    let (answer, from_cache) = credentials::call_partner(
        env,
        &cred,
        |token| {
            let mut url = format!("{}{}", token.api_base.trim_end_matches('/'), path);
            if let Some(q) = &query {
                url.push('?');
                url.push_str(q);
            }
            let mut builder = Outbound::new(method.as_ref(), url)
                .header("authorization", format!("Bearer {}", token.access_token));
            if !accept_given {
                builder = builder.header("accept", "application/json");
            }
            builder.body(body.clone())
        },
        Some(&passed),
    )
    .await?;
    // The partner's end-to-end answer headers that pass back (core's allowlist).
    let headers = headers::passed_back(&answer.headers);
    if answer.content_type.is_none() {
        let _ = headers.set("content-type", "application/octet-stream");
    }
    let _ = headers.set("cache-control", "no-store");
    // Where the token came from (no token in it): lets operators see the hot path.
    let source = if from_cache { "cache" } else { "broker" };
    let _ = headers.set("server-timing", &format!("token;desc={source}"));
    // The partner's body is passed on as it arrives, not copied through wasm memory.
    let builder = Response::builder()
        .with_status(answer.status)
        .with_headers(headers);
    Ok(match answer.body {
        Some(stream) => builder.stream(stream),
        None => builder.empty(),
    })
}
