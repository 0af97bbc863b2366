//! `POST /api/sso`: white-label single sign-on behind the portal session (seed 001;
//! docs/security.md items 11–13). Identity, organization and role come only from the verified
//! session; any of them in the body must match it or the request is refused. The Stream token (with the `sso`
//! scope) comes from the broker; the one-time `sso_login_token` goes to the browser only as the
//! `303` redirect's `Location` — never logged, stored or put in a JSON body.

use crate::credentials;
use crate::error::ApiError;
use crate::session::{self, Source};
use gatehouse_core::contract::stream::GenerateSessionResponse;
use gatehouse_core::outbound::Outbound;
use gatehouse_core::session::{allowed_roles, ClaimedIdentity, Mismatch};
use worker::{Env, Headers, Request, Response};

/// Largest accepted body (a form with a session token, or a small JSON object).
const MAX_BODY: usize = 16 * 1024;
/// `Retry-After` for a rate-limited user: the limiter's period.
const RATE_PERIOD_S: u32 = 60;

/// What the body may carry: a session token (form POST from a page on another origin) and
/// identity fields that are only compared with the session.
#[derive(Default, serde::Deserialize)]
struct Body {
    session: Option<String>,
    #[serde(flatten)]
    claimed: ClaimedIdentity,
}

async fn read_body(req: &mut Request) -> Result<Body, ApiError> {
    let content_type = req
        .headers()
        .get("content-type")
        .ok()
        .flatten()
        .unwrap_or_default()
        .to_ascii_lowercase();
    let bytes = crate::body::read_capped(req, MAX_BODY).await?;
    if bytes.is_empty() {
        return Ok(Body::default());
    }
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let mut body = Body::default();
        for (k, v) in form_urlencoded::parse(&bytes) {
            let slot = match k.as_ref() {
                "session" => &mut body.session,
                "provider_org_id" => &mut body.claimed.provider_org_id,
                "role" => &mut body.claimed.role,
                "email" => &mut body.claimed.email,
                "user_id" => &mut body.claimed.user_id,
                _ => continue,
            };
            *slot = Some(v.into_owned());
        }
        Ok(body)
    } else if content_type.starts_with("application/json") {
        serde_json::from_slice(&bytes)
            .map_err(|e| ApiError::InvalidRequest(format!("SSO body: {e}")))
    } else {
        Err(ApiError::InvalidRequest(
            "SSO body must be a form or JSON".into(),
        ))
    }
}

/// Handles `POST /api/sso`.
pub async fn start(mut req: Request, env: &Env) -> Result<Response, ApiError> {
    let body = read_body(&mut req).await?;
    let (user, source) = session::require(&req, env, body.session.as_deref(), true).await?;
    // A form field is only a carrier for a signed session; it still needs an allowed page.
    if source == Source::Field && !session::origin_allowed(&req, env) {
        return Err(ApiError::OriginNotAllowed);
    }
    match body.claimed.mismatch(&user) {
        Some(Mismatch::Org) => return Err(ApiError::ForbiddenOrg),
        Some(Mismatch::Role) => return Err(ApiError::ForbiddenRole),
        Some(Mismatch::User) => return Err(ApiError::ForbiddenUser),
        None => {}
    }
    let roles = crate::config::var(env, "SSO_ALLOWED_ROLES");
    if !allowed_roles(roles.as_deref()).contains(&user.role) {
        return Err(ApiError::ForbiddenRole);
    }
    let limiter = env.rate_limiter("SSO_RATE_LIMIT").map_err(|_| {
        ApiError::Misconfigured("rate limit binding SSO_RATE_LIMIT is missing".into())
    })?;
    let outcome = limiter
        .limit(format!("{}|{}", user.provider_org_id, user.user_id))
        .await
        .map_err(|e| ApiError::Internal(format!("rate limiter: {e}")))?;
    if !outcome.success {
        return Err(ApiError::RateLimited(RATE_PERIOD_S));
    }
    let white_label = crate::config::var(env, "WHITE_LABEL_DOMAIN")
        .ok_or_else(|| ApiError::Misconfigured("var WHITE_LABEL_DOMAIN is not set".into()))?;
    let id = crate::config::var(env, "SSO_CREDENTIAL").unwrap_or_else(|| "stream".into());
    let cred = credentials::find(env, &id)
        .map_err(|e| ApiError::Misconfigured(e.to_string()))?
        .ok_or_else(|| {
            ApiError::Misconfigured(format!("SSO_CREDENTIAL \"{id}\" is not configured"))
        })?;
    // The organization's own partner id (a session claim) first, else the deployment's.
    let query = user
        .partner_id
        .clone()
        .or_else(|| crate::config::var(env, "SSO_PARTNER_ID"))
        .map(|p| {
            let enc: String = form_urlencoded::byte_serialize(p.as_bytes()).collect();
            format!("?partner_id={enc}")
        })
        .unwrap_or_default();
    let payload = serde_json::to_vec(&user.generate_session_request())
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    let (answer, _) = credentials::call_partner(
        env,
        &cred,
        |token| {
            let url = format!(
                "{}{}{query}",
                token.api_base.trim_end_matches('/'),
                cred.stream_paths.generate_session
            );
            Outbound::new("POST", url)
                .header("authorization", format!("Bearer {}", token.access_token))
                .header("content-type", "application/json")
                .header("accept", "application/json")
                .body(payload.clone())
        },
        None,
    )
    .await?;
    let status = answer.status;
    let retry_after = answer.retry_after.clone();
    let bytes = answer
        .bytes()
        .await
        .map_err(|t| ApiError::PartnerUnavailable(format!("generate-session: {t}")))?;
    if status == 429 || status >= 500 {
        let retry_after = retry_after.as_deref().unwrap_or("none");
        let detail = format!("generate-session answered {status} (retry-after {retry_after})");
        return Err(ApiError::PartnerUnavailable(detail));
    }
    if !(200..300).contains(&status) {
        // Only the partner's error code, never its body (it could echo what was sent).
        let code = serde_json::from_slice::<serde_json::Value>(&bytes)
            .ok()
            .and_then(|v| {
                v["error"]
                    .as_str()
                    .map(|s| s.chars().take(64).collect::<String>())
            })
            .unwrap_or_default();
        return Err(ApiError::PartnerRejected(format!(
            "generate-session answered {status} {code}"
        )));
    }
    let session: GenerateSessionResponse = serde_json::from_slice(&bytes).map_err(|_| {
        ApiError::PartnerUnavailable("generate-session answer is not the documented JSON".into())
    })?;
    if session.sso_login_token.is_empty() {
        return Err(ApiError::PartnerUnavailable(
            "generate-session answered an empty token".into(),
        ));
    }
    crate::log::remember_secret(&session.sso_login_token);
    let code: String =
        form_urlencoded::byte_serialize(session.sso_login_token.as_bytes()).collect();
    let location = format!(
        "{}/redirect/sso?code={code}",
        white_label.trim_end_matches('/')
    );
    let headers = Headers::new();
    let _ = headers.set("location", &location);
    let _ = headers.set("cache-control", "no-store");
    let _ = headers.set("referrer-policy", "no-referrer");
    Ok(Response::builder()
        .with_status(303)
        .with_headers(headers)
        .empty())
}
