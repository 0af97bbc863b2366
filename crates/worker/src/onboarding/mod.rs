//! Onboarding merchants' POS and DSP platforms (seed 000), for portal sessions, scoped to the
//! session's organization (docs/security.md items 14–17):
//!
//! | route | role | what |
//! |---|---|---|
//! | `POST /api/onboarding` `{source, type, return_page?}` | owner, admin, manager | creates the Stream organization on first use, starts the partner flow with a single-use `state`; answers `{onboarding, entry_url}` |
//! | `GET /api/onboarding/go?ticket` | (the merchant's browser) | follows the start answer's `entry_url` once: sets the flow's `__Host-` binding cookie and `303`s to the partner |
//! | `GET /api/onboarding/return?state&code` | (the merchant's browser) | checks the state and the binding cookie, completes with the code, `303` to the allowlisted page with `?onboarding=<id>&status=…` or `&error=…` |
//! | `GET /api/onboarding/{id}[?wait=s]` | any | typed status; `ETag`/`If-None-Match` → `304`; `wait` long-polls up to 25 s for a change |
//! | `POST /api/onboarding/{id}/revoke` | owner, admin | idempotent |
//! | `POST /api/onboarding/{id}/restart` `{return_page?}` | owner, admin, manager | the same platform and type again after a link expired: `{onboarding, entry_url}` |
//! | `GET /api/onboarding/{id}/locations` | any | the onboarding's locations |
//! | `POST /api/onboarding/{id}/locations/ingest` / `bind` | owner, admin, manager | POS ingest, DSP→POS binding |
//! | `GET /api/organization/locations[?location_id]` | any | the organization's locations (or the one named) |
//!
//! Each organization's records live in its own Durable Object ([`org::OrgOnboarding`]), which
//! also coalesces status calls: any number of watchers → at most one partner call per
//! `ONBOARDING_STATUS_INTERVAL_S`.

pub mod org;
pub mod partner;

use crate::error::{ApiError, Refusal};
use crate::session;
use gatehouse_core::contract::stream::{
    BindOnboardingLocation, IngestOnboardingLocation, IntegrationType,
};
use gatehouse_core::onboarding::{self as core, Action, StartRequest};
use gatehouse_core::session::{valid_id, Session};
use serde::{Deserialize, Serialize};
use worker::{Delay, Env, Headers, Method, Request, Response};

/// A message to an organization's Durable Object.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgOp {
    /// Start an onboarding.
    Start {
        /// The verified session (identity for creating the Stream organization).
        session: Session,
        /// Platform.
        source: String,
        /// `pos` / `dsp`.
        kind: IntegrationType,
        /// The allowlisted page to come back to.
        return_page: String,
        /// This worker's origin, for the `return_url`.
        return_base: String,
    },
    /// Start the same platform and type as onboarding `id` again (its link expired).
    Restart {
        /// The verified session.
        session: Session,
        /// The onboarding whose link expired.
        id: String,
        /// The allowlisted page to come back to.
        return_page: String,
        /// This worker's origin, for the `return_url`.
        return_base: String,
    },
    /// The merchant's browser follows the go link (`GET /api/onboarding/go`).
    Go {
        /// The ticket's random part.
        ticket: String,
    },
    /// The merchant came back.
    Return {
        /// The state's random part.
        nonce: String,
        /// The authorization code.
        code: Option<String>,
        /// An OAuth error instead.
        error: Option<String>,
        /// The flow's binding cookie, if the browser sent it.
        binding: Option<String>,
        /// The user of the browser's portal session, if it carries one.
        session_user: Option<String>,
    },
    /// Status, cached up to `max_age_ms`.
    Status {
        /// Onboarding id.
        id: String,
        /// Oldest acceptable cached answer.
        max_age_ms: u64,
    },
    /// Revoke.
    Revoke {
        /// Onboarding id.
        id: String,
    },
    /// List the onboarding's locations.
    Locations {
        /// Onboarding id.
        id: String,
    },
    /// Ingest POS locations.
    Ingest {
        /// Onboarding id.
        id: String,
        /// Locations.
        locations: Vec<IngestOnboardingLocation>,
    },
    /// Bind DSP locations to POS locations.
    Bind {
        /// Onboarding id.
        id: String,
        /// Bindings.
        locations: Vec<BindOnboardingLocation>,
    },
    /// The organization's locations.
    OrgLocations {
        /// The verified session (the organization is created on first use).
        session: Session,
        /// Only this location (Stream's `location_id` filter), when asked.
        location_id: Option<String>,
    },
    /// Partner status calls made by this object (tests and the bench).
    Counters,
}

/// Largest accepted JSON body.
const MAX_BODY: usize = 64 * 1024;
/// Longest long-poll.
const MAX_WAIT_S: u64 = 25;

/// The organizations' Durable Object binding.
const BINDING: &str = "ORG_ONBOARDING";

/// Sends `op` to the organization's object; its JSON answer is passed on to the caller as it is.
async fn ask(env: &Env, provider_org_id: &str, op: &OrgOp) -> Result<Response, ApiError> {
    let bytes = crate::objects::ask_raw(env, BINDING, provider_org_id, op).await?;
    Ok(crate::http::json_text(200, bytes))
}

/// Sends `op` to the organization's object and decodes its answer.
async fn call<T: serde::de::DeserializeOwned>(
    env: &Env,
    org: &str,
    op: &OrgOp,
) -> Result<T, ApiError> {
    crate::objects::ask(env, BINDING, org, op).await
}

fn interval_ms(env: &Env) -> u64 {
    crate::config::var(env, "ONBOARDING_STATUS_INTERVAL_S")
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|s| *s >= 1)
        .unwrap_or(5)
        * 1000
}

fn return_pages(env: &Env) -> Result<Vec<String>, ApiError> {
    let var = crate::config::var(env, "ONBOARDING_RETURN_PAGES")
        .ok_or_else(|| ApiError::Misconfigured("var ONBOARDING_RETURN_PAGES is not set".into()))?;
    core::parse_return_pages(&var).map_err(ApiError::Misconfigured)
}

fn require_role(s: &Session, action: Action) -> Result<(), ApiError> {
    if core::may(&s.role, action) {
        Ok(())
    } else {
        Err(ApiError::ForbiddenRole)
    }
}

/// Dispatches `/api/onboarding…`: the session is verified once, the body read once, and the
/// organization's object asked once (few await points keep the wasm small).
pub async fn route(
    mut req: Request,
    env: &Env,
    method: &Method,
    rest: &[&str],
) -> Result<Response, ApiError> {
    match (method, rest) {
        (Method::Get, ["return"]) => return return_handler(&req, env).await,
        (Method::Get, ["go"]) => return go_handler(&req, env).await,
        (Method::Get, [id]) => return status(&req, env, id).await,
        (Method::Post, [] | [_, "revoke" | "restart"] | [_, "locations", "ingest" | "bind"])
        | (Method::Get, [_, "locations"]) => {}
        (
            _,
            []
            | [_]
            | [_, "revoke" | "restart" | "locations"]
            | [_, "locations", "ingest" | "bind"],
        ) => return Err(ApiError::MethodNotAllowed),
        _ => return Err(ApiError::NotFound),
    }
    let post = *method == Method::Post;
    let (s, _) = session::require(&req, env, None, post).await?;
    let has_body = post && !matches!(rest, [_, "revoke"]);
    let body = if has_body {
        crate::body::read_json_capped(&mut req, MAX_BODY).await?
    } else {
        Vec::new()
    };
    let op = build_op(&req, env, rest, s.clone(), &body)?;
    ask(env, &s.provider_org_id, &op).await
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::InvalidRequest(format!("body: {e}")))
}

/// The organization object's message for a checked request (no I/O).
fn build_op(
    req: &Request,
    env: &Env,
    rest: &[&str],
    s: Session,
    body: &[u8],
) -> Result<OrgOp, ApiError> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Ingest {
        locations: Vec<IngestOnboardingLocation>,
    }
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Bind {
        locations: Vec<BindOnboardingLocation>,
    }
    match rest {
        [] => {
            require_role(&s, Action::Manage)?;
            let start: StartRequest = parse(body)?;
            let page = start.validate(&return_pages(env)?).map_err(|e| {
                ApiError::Refused(match e {
                    core::StartError::Source => Refusal::InvalidSource,
                    core::StartError::Type => Refusal::InvalidType,
                    _ => Refusal::ReturnPageNotAllowed,
                })
            })?;
            let base = crate::http::own_origin(req)
                .ok_or_else(|| ApiError::Internal("no origin".into()))?;
            Ok(OrgOp::Start {
                session: s,
                source: start.source,
                kind: start.kind,
                return_page: page,
                return_base: base,
            })
        }
        [id, "restart"] => {
            require_role(&s, Action::Manage)?;
            #[derive(Deserialize)]
            #[serde(deny_unknown_fields)]
            struct Restart {
                #[serde(default)]
                return_page: Option<String>,
            }
            let b: Restart = parse(body)?;
            let page = core::pick_return_page(&return_pages(env)?, b.return_page.as_deref())
                .ok_or(ApiError::Refused(Refusal::ReturnPageNotAllowed))?;
            let base = crate::http::own_origin(req)
                .ok_or_else(|| ApiError::Internal("no origin".into()))?;
            Ok(OrgOp::Restart {
                session: s,
                id: checked_id(id)?,
                return_page: page,
                return_base: base,
            })
        }
        [id, "revoke"] => {
            require_role(&s, Action::Revoke)?;
            Ok(OrgOp::Revoke {
                id: checked_id(id)?,
            })
        }
        [id, "locations"] => Ok(OrgOp::Locations {
            id: checked_id(id)?,
        }),
        [id, "locations", "ingest"] => {
            require_role(&s, Action::Manage)?;
            let b: Ingest = parse(body)?;
            if b.locations.is_empty() || b.locations.len() > 500 {
                return Err(ApiError::Refused(Refusal::InvalidLocation));
            }
            Ok(OrgOp::Ingest {
                id: checked_id(id)?,
                locations: b.locations,
            })
        }
        [id, "locations", "bind"] => {
            require_role(&s, Action::Manage)?;
            let b: Bind = parse(body)?;
            let ids_ok = b
                .locations
                .iter()
                .all(|l| valid_id(&l.dsp_location_id) && valid_id(&l.pos_location_id));
            if b.locations.is_empty() || b.locations.len() > 500 || !ids_ok {
                return Err(ApiError::Refused(Refusal::InvalidLocation));
            }
            Ok(OrgOp::Bind {
                id: checked_id(id)?,
                locations: b.locations,
            })
        }
        _ => Err(ApiError::NotFound),
    }
}

/// `GET /api/organization/locations[?location_id=…]`.
pub async fn org_locations(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let (s, _) = session::require(req, env, None, false).await?;
    let query = crate::http::query(req).unwrap_or_default();
    let location_id = single_param(&query, "location_id")
        .map_err(|()| ApiError::Refused(Refusal::InvalidLocation))?;
    if location_id.as_deref().is_some_and(|l| !valid_id(l)) {
        return Err(ApiError::Refused(Refusal::InvalidLocation));
    }
    let org = s.provider_org_id.clone();
    ask(
        env,
        &org,
        &OrgOp::OrgLocations {
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
        Err(ApiError::Refused(Refusal::OnboardingNotFound))
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
            &OrgOp::Status {
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
        if unchanged && !cached.view.is_terminal() && now + interval <= deadline {
            // Sleep until the cached answer may be refreshed, then look again.
            let next = (cached.fetched_ms + interval)
                .saturating_sub(now)
                .clamp(100, interval);
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

/// The single value of query parameter `name`; `Err` when it is repeated (an attack or a bug).
fn single_param(query: &str, name: &str) -> Result<Option<String>, ()> {
    let mut found = None;
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k == name {
            if found.is_some() {
                return Err(());
            }
            found = Some(v.into_owned());
        }
    }
    Ok(found)
}

/// `GET /api/onboarding/go?ticket=…`: the start answer's `entry_url`. In this first-party,
/// top-level navigation the worker spends the ticket, sets the flow's binding cookie
/// (`__Host-`, Secure, HttpOnly, `SameSite=Lax` so it comes back with the partner's top-level
/// redirect) and `303`s to the partner's entry URL. Errors go to an allowlisted page.
async fn go_handler(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let pages = return_pages(env)?;
    let query = crate::http::query(req).unwrap_or_default();
    let ticket = single_param(&query, "ticket").ok().flatten();
    let Some((org, ticket)) = ticket.as_deref().and_then(core::parse_state) else {
        return Ok(see_other(&core::return_location(
            &pages[0],
            None,
            ("error", "invalid_ticket"),
        )));
    };
    let outcome: org::GoOutcome = match call(env, &org, &OrgOp::Go { ticket }).await {
        Ok(o) => o,
        Err(e) => {
            e.log(&crate::log::current_request_id());
            org::GoOutcome {
                entry_url: None,
                nonce: None,
                binding: None,
                max_age_s: 0,
                return_page: None,
                onboarding_id: None,
                error: Some("partner_unavailable".into()),
            }
        }
    };
    if let (Some(entry), Some(nonce), Some(binding)) =
        (&outcome.entry_url, &outcome.nonce, &outcome.binding)
    {
        let mut resp = see_other(entry);
        let _ = resp.headers_mut().append(
            "set-cookie",
            &format!(
                "{}={binding}; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age={}",
                core::binding_cookie_name(nonce),
                outcome.max_age_s
            ),
        );
        return Ok(resp);
    }
    let page = outcome
        .return_page
        .as_deref()
        .and_then(|p| core::pick_return_page(&pages, Some(p)))
        .unwrap_or_else(|| pages[0].clone());
    let why = outcome.error.as_deref().unwrap_or("invalid_ticket");
    Ok(see_other(&core::return_location(
        &page,
        outcome.onboarding_id.as_deref(),
        ("error", why),
    )))
}

/// `GET /api/onboarding/return?state=…&code=…` (or `&error=…`): the merchant's browser, back
/// from the partner. Always a `303` to an allowlisted page — never elsewhere, errors included.
async fn return_handler(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let pages = return_pages(env)?;
    let query = crate::http::query(req).unwrap_or_default();
    let mut state = None;
    let mut code = None;
    let mut error = None;
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match k.as_ref() {
            "state" => &mut state,
            "code" => &mut code,
            "error" => &mut error,
            _ => continue,
        };
        if slot.is_some() {
            // A repeated parameter is an attack or a bug: refuse.
            return Ok(see_other(&core::return_location(
                &pages[0],
                None,
                ("error", "invalid_request"),
            )));
        }
        *slot = Some(v.into_owned());
    }
    let Some((org, nonce)) = state.as_deref().and_then(core::parse_state) else {
        return Ok(see_other(&core::return_location(
            &pages[0],
            None,
            ("error", "invalid_state"),
        )));
    };
    // A browser that carries a Gatehouse session must belong to the state's organization, and
    // (checked with the state) be the user who started the flow.
    let mut session_user = None;
    if let Ok((s, _)) = session::require(req, env, None, false).await {
        if s.provider_org_id != org {
            return Ok(see_other(&core::return_location(
                &pages[0],
                None,
                ("error", "foreign_state"),
            )));
        }
        session_user = Some(s.user_id);
    }
    let cookie_name = core::binding_cookie_name(&nonce);
    let binding = session::cookie(req, &cookie_name);
    let op = OrgOp::Return {
        nonce,
        code,
        error,
        binding,
        session_user,
    };
    let outcome: org::ReturnOutcome = match call(env, &org, &op).await {
        Ok(o) => o,
        Err(e) => {
            e.log(&crate::log::current_request_id());
            org::ReturnOutcome {
                onboarding_id: None,
                return_page: None,
                key: "error".into(),
                value: "partner_unavailable".into(),
            }
        }
    };
    // The page recorded with the state, if it is still on the allowlist; else the first.
    let page = outcome
        .return_page
        .as_deref()
        .and_then(|p| core::pick_return_page(&pages, Some(p)))
        .unwrap_or_else(|| pages[0].clone());
    let mut resp = see_other(&core::return_location(
        &page,
        outcome.onboarding_id.as_deref(),
        (&outcome.key, &outcome.value),
    ));
    // The binding is spent with the flow's answer (kept only while a retry could still succeed:
    // a return refused for a missing binding leaves the starting browser's cookie alone).
    if outcome.value != "flow_not_started_here" {
        let _ = resp.headers_mut().append(
            "set-cookie",
            &format!("{cookie_name}=; Path=/; Secure; HttpOnly; SameSite=Lax; Max-Age=0"),
        );
    }
    Ok(resp)
}

fn see_other(location: &str) -> Response {
    let headers = Headers::new();
    let _ = headers.set("location", location);
    let _ = headers.set("cache-control", "no-store");
    let _ = headers.set("referrer-policy", "no-referrer");
    Response::builder()
        .with_status(303)
        .with_headers(headers)
        .empty()
}

/// Partner status calls of one organization's object (tests and the bench; operators' key).
pub async fn counters(req: &Request, env: &Env, org: &str) -> Result<Response, ApiError> {
    crate::auth::require_admin(req, env)?;
    if !valid_id(org) {
        return Err(ApiError::NotFound);
    }
    ask(env, org, &OrgOp::Counters).await
}
