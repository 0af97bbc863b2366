//! The merchant's browser on its way to the partner and back: the go link (binding cookie, then
//! `303` to the partner) and the return (`303` to an allowlisted page, errors included).

use super::{call, org, return_pages, OrgMessage};
use crate::error::ApiError;
use crate::session;
use gatehouse_core::onboarding as core;
use worker::{Env, Headers, Request, Response};

/// The single value of query parameter `name`; `Err` when it is repeated (an attack or a bug).
pub(super) fn single_param(query: &str, name: &str) -> Result<Option<String>, ()> {
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
pub(super) async fn go_handler(req: &Request, env: &Env) -> Result<Response, ApiError> {
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
    let outcome: org::GoOutcome = match call(env, &org, &OrgMessage::Go { ticket }).await {
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
pub(super) async fn return_handler(req: &Request, env: &Env) -> Result<Response, ApiError> {
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
    let op = OrgMessage::Return {
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
