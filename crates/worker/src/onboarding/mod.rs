//! Onboarding merchants' POS and DSP platforms (seed 000), for portal sessions, scoped to the
//! session's organization (docs/security.md items 14–17):
//!
//! | route | role | what |
//! |---|---|---|
//! | `POST /api/onboarding` `{source, type, return_page?}` | owner, admin, manager | creates the Stream organization on first use, starts the partner flow with a single-use `state`; answers `{onboarding, entry_url}` |
//! | `GET /api/onboarding/go?ticket` | (the merchant's browser) | follows the start answer's `entry_url` once: sets the flow's `__Host-` binding cookie and `303`s to the partner |
//! | `GET /api/onboarding/return?state&code` | (the merchant's browser) | checks the state and the binding cookie, completes with the code, `303` to the allowlisted page with `?gatehouse_onboarding=<id>&gatehouse_status=…` or `&gatehouse_error=…` |
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

mod browser;
pub mod org;
pub mod partner;
mod routes;

pub use routes::{counters, org_locations, route, server};

use crate::error::ApiError;
use gatehouse_core::connections::ConnectionSummary;
use gatehouse_core::contract::stream::{
    BindOnboardingLocation, IngestOnboardingLocation, IntegrationType,
};
use gatehouse_core::onboarding::{self as core, Action, ListQuery};
use gatehouse_core::session::Session;
use serde::{Deserialize, Serialize};
use worker::{Env, Response};

/// A message to an organization's Durable Object ([`crate::objects`]). An `id` names one of the
/// organization's onboardings; the object checks that it started it.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgMessage {
    /// Start an onboarding.
    Start {
        /// The verified session (identity for creating the Stream organization).
        session: Session,
        /// The POS/DSP platform (a Stream `source`).
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
        id: String,
        /// Oldest acceptable cached answer.
        max_age_ms: u64,
    },
    /// Revoke (idempotent).
    Revoke { id: String },
    /// One onboarding as Stream returns it, every field (a server route).
    Full { id: String },
    /// The organization's onboardings, a page at a time (a server route).
    List(ListQuery),
    /// List the onboarding's locations.
    Locations { id: String },
    /// Ingest POS locations.
    Ingest {
        id: String,
        locations: Vec<IngestOnboardingLocation>,
    },
    /// Bind DSP locations to POS locations.
    Bind {
        id: String,
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
    /// Add a connection to the organization's index.
    IndexConnection { entry: IndexEntry },
    /// Remove a connection from the index.
    UnindexConnection { id: String },
    /// The organization's connections, oldest first.
    Connections,
    /// A registry's rows (`crate::keys`, `connections::registry`): one variant for every row
    /// operation, which keeps the object's message reader small.
    Rows(org::Rows),
}

/// One connection in its organization's index: the registry's row
/// ([`ConnectionSummary`], one type for both).
pub type IndexEntry = ConnectionSummary;

/// The organization's connections (its index), oldest first.
pub async fn connections(env: &Env, org: &str) -> Result<Vec<IndexEntry>, ApiError> {
    call(env, org, &OrgMessage::Connections).await
}

/// Sends `op` to the object `name` of the organizations' class, its answer undecoded.
pub fn ask_raw<'a>(
    env: &'a Env,
    name: &'a str,
    op: &OrgMessage,
) -> impl std::future::Future<Output = Result<Vec<u8>, ApiError>> + 'a {
    crate::objects::ask_raw(env, BINDING, name, op)
}

/// Adds a connection to the organization's index.
pub async fn index_connection(env: &Env, org: &str, entry: IndexEntry) -> Result<(), ApiError> {
    let op = OrgMessage::IndexConnection { entry };
    crate::objects::ask_raw(env, BINDING, org, &op)
        .await
        .map(|_| ())
}

/// Removes a connection from the organization's index.
pub async fn unindex_connection(env: &Env, org: &str, id: &str) -> Result<(), ApiError> {
    let op = OrgMessage::UnindexConnection { id: id.to_owned() };
    crate::objects::ask_raw(env, BINDING, org, &op)
        .await
        .map(|_| ())
}

/// Largest accepted JSON body.
const MAX_BODY: usize = 64 * 1024;
/// Longest long-poll.
const MAX_WAIT_S: u64 = 25;

/// The organizations' Durable Object binding.
const BINDING: &str = "ORG_ONBOARDING";

/// Sends `op` to the organization's object; its JSON answer is passed on to the caller as it is.
async fn ask(env: &Env, provider_org_id: &str, op: &OrgMessage) -> Result<Response, ApiError> {
    let bytes = crate::objects::ask_raw(env, BINDING, provider_org_id, op).await?;
    Ok(crate::http::json_text(200, bytes))
}

/// Sends `op` to the organization's object and decodes its answer.
fn call<'a, T: serde::de::DeserializeOwned + 'a>(
    env: &'a Env,
    org: &'a str,
    op: &'a OrgMessage,
) -> impl std::future::Future<Output = Result<T, ApiError>> + 'a {
    crate::objects::ask(env, BINDING, org, op)
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

pub(crate) fn require_role(s: &Session, action: Action) -> Result<(), ApiError> {
    if core::may(&s.role, action) {
        Ok(())
    } else {
        Err(ApiError::ForbiddenRole)
    }
}
