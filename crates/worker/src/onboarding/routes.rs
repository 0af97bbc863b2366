//! The session routes of `/api/onboarding…` and `/api/organization/locations` (core's route
//! table names them and the role each needs): the session is verified once, the body read once,
//! and the organization's object asked once.

use super::{
    ask, call, interval_ms, org, require_role, return_pages, OrgMessage, MAX_BODY, MAX_WAIT_S,
};
use crate::error::{ApiError, ErrorCode};
use crate::session;
use gatehouse_core::onboarding::{
    self as core, BindRequest, IngestRequest, ListQuery, StartRequest,
};
use gatehouse_core::routes::{self, Access, RouteId};
use gatehouse_core::session::{valid_id, Session};
use serde::Deserialize;
use worker::{Delay, Env, Headers, Method, Request, Response};

/// Serves an `/api/onboarding…` route: the session is verified once, the body read once, the
/// role the route table names checked, and the organization's object asked once (few await
/// points keep the wasm small). `onboarding` is the path's `{id}`, when the route has one. For a
/// server route (`/api/server/organizations/{org}/onboardings/{id}/…`) `server_org` is the
/// path's organization, whose key `dispatch` checked: no session, no role.
pub async fn route(
    mut req: Request,
    env: &Env,
    id: RouteId,
    onboarding: &str,
    server_org: Option<&str>,
) -> Result<Response, ApiError> {
    match id {
        RouteId::OnboardingReturn => return super::browser::return_handler(&req, env).await,
        RouteId::OnboardingGo => return super::browser::go_handler(&req, env).await,
        RouteId::OnboardingStatus => return status(&req, env, onboarding).await,
        _ => {}
    }
    let post = req.method() == Method::Post;
    let session = match server_org {
        Some(_) => None,
        None => Some(session::require(&req, env, None, post).await?.0),
    };
    let has_body = post && id != RouteId::RevokeOnboarding;
    let body = if has_body {
        crate::body::read_json_capped(&mut req, MAX_BODY).await?
    } else {
        Vec::new()
    };
    if let (Some(s), Some(Access::SessionMay(action))) =
        (&session, routes::find(id).map(|r| r.access))
    {
        require_role(s, action)?;
    }
    let org = match (&session, server_org) {
        (Some(s), _) => s.provider_org_id.clone(),
        (None, org) => org.unwrap_or_default().to_owned(),
    };
    let op = build_op(&req, env, id, onboarding, session, &body)?;
    ask(env, &org, &op).await
}

/// The server routes of their own: an organization's onboardings, a page at a time, and one
/// onboarding in full as Stream returns it (`dispatch` checked the key for `org`).
pub async fn server(
    req: &Request,
    env: &Env,
    id: RouteId,
    org: &str,
    onboarding: &str,
) -> Result<Response, ApiError> {
    let op = match id {
        RouteId::GetOrgOnboarding => OrgMessage::Full {
            id: checked_id(onboarding)?,
        },
        _ => {
            let query = crate::http::query(req).unwrap_or_default();
            OrgMessage::List(
                ListQuery::parse(&query).map_err(|e| ApiError::InvalidRequest(e.into()))?,
            )
        }
    };
    ask(env, org, &op).await
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::InvalidRequest(format!("body: {e}")))
}

/// The organization object's message for a checked request (no I/O).
fn build_op(
    req: &Request,
    env: &Env,
    id: RouteId,
    onboarding: &str,
    s: Option<Session>,
    body: &[u8],
) -> Result<OrgMessage, ApiError> {
    // Only the session routes start onboardings (a server route never reaches these arms).
    let session = || s.clone().ok_or(ApiError::NotFound);
    let base =
        || crate::http::own_origin(req).ok_or_else(|| ApiError::Internal("no origin".into()));
    Ok(match id {
        RouteId::StartOnboarding => {
            let start: StartRequest = parse(body)?;
            let page = start.validate(&return_pages(env)?).map_err(|e| {
                ApiError::Refused(match e {
                    core::StartError::Source => ErrorCode::InvalidSource,
                    core::StartError::Type => ErrorCode::InvalidType,
                    _ => ErrorCode::ReturnPageNotAllowed,
                })
            })?;
            OrgMessage::Start {
                session: session()?,
                source: start.source,
                kind: start.kind,
                return_page: page,
                return_base: base()?,
            }
        }
        RouteId::RestartOnboarding => {
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Restart {
                #[serde(default)]
                return_page: Option<String>,
            }
            let b: Restart = parse(body)?;
            let page = core::pick_return_page(&return_pages(env)?, b.return_page.as_deref())
                .ok_or(ApiError::Refused(ErrorCode::ReturnPageNotAllowed))?;
            OrgMessage::Restart {
                session: session()?,
                id: checked_id(onboarding)?,
                return_page: page,
                return_base: base()?,
            }
        }
        RouteId::RevokeOnboarding => OrgMessage::Revoke {
            id: checked_id(onboarding)?,
        },
        RouteId::OnboardingLocations => OrgMessage::Locations {
            id: checked_id(onboarding)?,
        },
        RouteId::IngestLocations => {
            let b: IngestRequest = parse(body)?;
            if b.locations.is_empty() || b.locations.len() > 500 {
                return Err(ApiError::Refused(ErrorCode::InvalidLocation));
            }
            OrgMessage::Ingest {
                id: checked_id(onboarding)?,
                locations: b.locations,
            }
        }
        RouteId::BindLocations => {
            let b: BindRequest = parse(body)?;
            let ids_ok = b
                .locations
                .iter()
                .all(|l| valid_id(&l.dsp_location_id) && valid_id(&l.pos_location_id));
            if b.locations.is_empty() || b.locations.len() > 500 || !ids_ok {
                return Err(ApiError::Refused(ErrorCode::InvalidLocation));
            }
            OrgMessage::Bind {
                id: checked_id(onboarding)?,
                locations: b.locations,
            }
        }
        _ => return Err(ApiError::NotFound),
    })
}

/// `GET /api/organization/locations[?location_id=…]`.
pub async fn org_locations(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let (s, _) = session::require(req, env, None, false).await?;
    let query = crate::http::query(req).unwrap_or_default();
    let location_id = super::browser::single_param(&query, "location_id")
        .map_err(|()| ApiError::Refused(ErrorCode::InvalidLocation))?;
    if location_id.as_deref().is_some_and(|l| !valid_id(l)) {
        return Err(ApiError::Refused(ErrorCode::InvalidLocation));
    }
    let org = s.provider_org_id.clone();
    ask(
        env,
        &org,
        &OrgMessage::OrgLocations {
            session: s,
            location_id,
        },
    )
    .await
}

fn checked_id(id: &str) -> Result<String, ApiError> {
    if valid_id(id) {
        Ok(id.to_owned())
    } else {
        Err(ApiError::Refused(ErrorCode::OnboardingNotFound))
    }
}

/// Status with `ETag`, `304` and an optional long-poll (`?wait=<s>`, with `If-None-Match`).
async fn status(req: &Request, env: &Env, id: &str) -> Result<Response, ApiError> {
    let (s, _) = session::require(req, env, None, false).await?;
    let id = checked_id(id)?;
    let interval = interval_ms(env);
    let known = req.headers().get("if-none-match").ok().flatten();
    let wait_s = crate::http::query(req)
        .and_then(|q| {
            form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "wait")
                .map(|(_, v)| v.into_owned())
        })
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
        .min(MAX_WAIT_S);
    let deadline = worker::Date::now().as_millis() + wait_s * 1000;
    loop {
        let cached: org::CachedStatus = call(
            env,
            &s.provider_org_id,
            &OrgMessage::Status {
                id: id.clone(),
                max_age_ms: interval,
            },
        )
        .await?;
        let body =
            serde_json::to_vec(&cached.view).map_err(|e| ApiError::Internal(e.to_string()))?;
        let tag = core::etag(&body);
        let unchanged = known
            .as_deref()
            .is_some_and(|k| core::if_none_match(k, &tag));
        let now = worker::Date::now().as_millis();
        let terminal = cached.view.is_terminal();
        if let Some(next) = core::long_poll_wait(
            unchanged,
            terminal,
            cached.fetched_ms,
            interval,
            now,
            deadline,
        ) {
            Delay::from(std::time::Duration::from_millis(next)).await;
            continue;
        }
        let headers = Headers::new();
        let _ = headers.set("etag", &tag);
        let _ = headers.set("cache-control", "no-store");
        let _ = headers.set("content-type", "application/json; charset=utf-8");
        let _ = headers.set("x-poll-interval", &(interval / 1000).to_string());
        let builder = Response::builder().with_headers(headers);
        return Ok(if unchanged {
            builder.with_status(304).empty()
        } else {
            builder.with_status(200).fixed(body)
        });
    }
}

/// Partner status calls of one organization's object (tests and the bench; operators' key).
pub async fn counters(env: &Env, org: &str) -> Result<Response, ApiError> {
    if !valid_id(org) {
        return Err(ApiError::NotFound);
    }
    ask(env, org, &OrgMessage::Counters).await
}
