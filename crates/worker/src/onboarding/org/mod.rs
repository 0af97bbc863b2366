//! The Durable Object per portal organization (`provider_org_id`): the Stream organization it
//! maps to (created on first use, `stream_org.rs`), the onboardings it started and their
//! single-use `state`s and go tickets (`flow.rs`), a status cache that lets any number of watchers
//! cause at most one partner status call per interval (`status.rs`, docs/security.md items
//! 15–16), and the location calls it checks and forwards (`locations.rs`). The decisions (single
//! flight, cache age, the return checks) are core's; this object does the I/O.

mod flow;
mod locations;
mod rows;
mod status;
mod stream_org;

pub use flow::{GoOutcome, ReturnOutcome};
pub use rows::Rows;
pub use status::CachedStatus;

use super::partner::Stream;
use super::{IndexEntry, OrgMessage};
use crate::error::{ApiError, ErrorCode};
use futures_channel::oneshot;
use gatehouse_core::coalesce::Coalescer;
use gatehouse_core::onboarding::{make_state, ListQuery, OnboardingSummary, OnboardingView};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use worker::{durable_object, Date, DurableObject, Env, Request, Response, Result, State};

/// What the object keeps about an onboarding it started (storage key `onb:<id>`).
#[derive(Serialize, Deserialize)]
struct OnboardingRecord {
    id: String,
    started_by: String,
    created_ms: u64,
    /// The portal organization (for webhook events; records from before webhooks lack it).
    #[serde(default)]
    provider_org_id: Option<String>,
    /// The last status a webhook event was stored for (docs/webhooks.md).
    #[serde(default)]
    notified: Option<String>,
    /// The last status read from Stream (the server routes' list; records from before it lack
    /// it until their next status read).
    #[serde(default)]
    status: Option<String>,
}

/// An outcome shared with the callers that waited for it.
type Shared<T> = std::result::Result<T, ApiError>;

/// Callers waiting for a call another caller leads.
type Waiters<T> = Vec<oneshot::Sender<Shared<T>>>;

/// One per `provider_org_id`.
// Exports only the handler it has: fetch (no alarm, no WebSocket, no socket).
// The default, every handler, put never-called stubs in the wasm (3.9 KB gzip for the
// three objects).
#[durable_object(fetch)]
pub struct OrgOnboarding {
    state: State,
    env: Env,
    /// The Stream organization id, learnt or created once (key `()`).
    orgs: RefCell<Coalescer<(), String>>,
    org_waiters: RefCell<Waiters<String>>,
    /// Onboarding views by id, with when they were read from the partner.
    statuses: RefCell<Coalescer<String, OnboardingView>>,
    /// Callers waiting for a status call another caller leads, with its onboarding id.
    status_waiters: RefCell<Vec<(String, oneshot::Sender<Shared<CachedStatus>>)>>,
}

fn now_ms() -> u64 {
    Date::now().as_millis()
}

/// A new `org.random` value (an OAuth `state`, or a go ticket) and its random part.
fn fresh_state(provider_org_id: &str) -> std::result::Result<(String, String), ApiError> {
    let mut bytes = [0u8; 32];
    crate::http::random_bytes(&mut bytes).map_err(ApiError::Internal)?;
    let value = make_state(provider_org_id, &bytes);
    let random = value
        .split_once('.')
        .map(|(_, n)| n.to_owned())
        .unwrap_or_default();
    Ok((value, random))
}

/// Wakes `waiters` with `outcome`.
fn wake<T: Clone>(waiters: Waiters<T>, outcome: &Shared<T>) {
    for w in waiters {
        let _ = w.send(outcome.clone());
    }
}

/// Waits for the outcome of a call another caller leads.
async fn join<T>(rx: oneshot::Receiver<Shared<T>>, what: &str) -> Shared<T> {
    rx.await.unwrap_or_else(|_| {
        Err(ApiError::PartnerUnavailable(format!(
            "{what} was cancelled"
        )))
    })
}

impl DurableObject for OrgOnboarding {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            orgs: RefCell::default(),
            org_waiters: RefCell::default(),
            statuses: RefCell::default(),
            status_waiters: RefCell::default(),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        crate::objects::serve(req, |op| self.answer(op)).await
    }
}

impl OrgOnboarding {
    /// The object's answer to one message.
    async fn answer(&self, op: OrgMessage) -> std::result::Result<Vec<u8>, ApiError> {
        // The registries and the connection index need no Stream credential.
        let op = match self.rows(op).await? {
            Ok(answer) => return Ok(answer),
            Err(op) => op,
        };
        let op = match self.connection_index(op).await? {
            Ok(answer) => return Ok(answer),
            Err(op) => op,
        };
        let stream = Stream::new(&self.env)?;
        match op {
            OrgMessage::Start {
                session,
                source,
                kind,
                return_page,
                return_base,
            } => {
                self.start(&stream, &session, source, kind, return_page, return_base)
                    .await
            }
            OrgMessage::Restart {
                session,
                id,
                return_page,
                return_base,
            } => {
                // Only a flow that never connected is started again, for the same platform.
                self.owned(&id).await?;
                let current = self.status(&stream, &id, 0).await?.view;
                let restartable = matches!(
                    current.status,
                    gatehouse_core::contract::stream::OnboardingStatus::Pending
                        | gatehouse_core::contract::stream::OnboardingStatus::Failed
                );
                let Some(source) = current.source.filter(|_| restartable) else {
                    return Err(ApiError::Refused(ErrorCode::OnboardingNotRestartable));
                };
                self.start(
                    &stream,
                    &session,
                    source,
                    current.kind,
                    return_page,
                    return_base,
                )
                .await
            }
            OrgMessage::Go { ticket } => ok(&self.follow_go(&ticket).await?),
            OrgMessage::Return {
                nonce,
                code,
                error,
                binding,
                session_user,
            } => ok(&self
                .finish_return(&stream, &nonce, code, error, binding, session_user)
                .await?),
            OrgMessage::Status { id, max_age_ms } => {
                self.owned(&id).await?;
                ok(&self.status(&stream, &id, max_age_ms).await?)
            }
            OrgMessage::List(query) => self.list(&query).await,
            OrgMessage::Revoke { .. }
            | OrgMessage::Full { .. }
            | OrgMessage::Locations { .. }
            | OrgMessage::Ingest { .. }
            | OrgMessage::Bind { .. } => self.forward(&stream, op).await,
            OrgMessage::OrgLocations {
                session,
                location_id,
            } => {
                let org_id = self.stream_org(&stream, &session).await?;
                let path = stream
                    .paths()
                    .organization_locations(&org_id, location_id.as_deref());
                match stream.call("GET", &path, None).await {
                    // Unknown to the partner now: a new organization has no locations yet.
                    Err(ApiError::Refused(ErrorCode::OrgNotFound)) => {
                        self.forget_stream_org().await?;
                        ok(&gatehouse_core::contract::stream::LocationsResponse::default())
                    }
                    other => locations::checked_listing(other?),
                }
            }
            OrgMessage::Counters => ok(&serde_json::json!({
                "partner_status_calls": self.statuses.borrow().calls()
            })),
            // Answered by `connection_index` before any Stream call.
            OrgMessage::IndexConnection { .. }
            | OrgMessage::UnindexConnection { .. }
            | OrgMessage::Connections
            | OrgMessage::Rows(_) => Err(ApiError::Internal("registry message".into())),
        }
    }

    /// One page of the organization's onboardings, in id order (`ListQuery::page` decides).
    async fn list(&self, query: &ListQuery) -> std::result::Result<Vec<u8>, ApiError> {
        // Keys sort as strings: the first key after `onb:<cursor>` is `onb:<cursor>\0`.
        let start = query
            .cursor
            .as_ref()
            .map_or_else(|| "onb:".to_owned(), |c| format!("onb:{c}\0"));
        let options = worker::ListOptions::new()
            .prefix("onb:")
            .start(&start)
            .limit(query.limit + 1);
        let rows = self
            .state
            .storage()
            .list_with_options(options)
            .await
            .map_err(|e| ApiError::StorageUnavailable(format!("onboardings: {e}")))?;
        let mut scanned = Vec::new();
        for value in rows.values() {
            let Some(rec) = value
                .ok()
                .and_then(|v| serde_wasm_bindgen::from_value::<OnboardingRecord>(v).ok())
            else {
                continue;
            };
            scanned.push(OnboardingSummary {
                id: rec.id,
                status: rec.status,
                started_by: rec.started_by,
                created_at_ms: rec.created_ms,
            });
        }
        ok(&query.page(scanned))
    }

    /// The onboarding must have been started by this organization (404 otherwise: its
    /// existence is not revealed).
    async fn owned(&self, id: &str) -> std::result::Result<(), ApiError> {
        if self.statuses.borrow().held(&id.to_owned()).is_some() {
            return Ok(());
        }
        match self
            .state
            .storage()
            .get::<OnboardingRecord>(&format!("onb:{id}"))
            .await
        {
            Ok(Some(_)) => Ok(()),
            _ => Err(ApiError::Refused(ErrorCode::OnboardingNotFound)),
        }
    }
}

fn ok<T: Serialize>(v: &T) -> std::result::Result<Vec<u8>, ApiError> {
    crate::objects::answer(v)
}

/// Storage key of the organization's connection index.
const CONNECTIONS_KEY: &str = "connections";

fn storage_failed(e: worker::Error) -> ApiError {
    ApiError::StorageUnavailable(format!("connections: {e}"))
}

impl OrgOnboarding {
    /// Answers the connections' messages (`Ok(answer)`): the organization's index and, in the
    /// registry's rows, see `rows.rs`). Any other
    /// message is handed back. The index is kept as its JSON text, which is also the
    /// `Connections` answer.
    async fn connection_index(
        &self,
        op: OrgMessage,
    ) -> std::result::Result<std::result::Result<Vec<u8>, OrgMessage>, ApiError> {
        let storage = self.state.storage();
        let text: Vec<u8> = match op {
            OrgMessage::IndexConnection { .. }
            | OrgMessage::UnindexConnection { .. }
            | OrgMessage::Connections => storage
                .get::<String>(CONNECTIONS_KEY)
                .await
                .map_err(storage_failed)?
                .map_or_else(|| b"[]".to_vec(), String::into_bytes),
            other => return Ok(Err(other)),
        };
        let mut index: Vec<IndexEntry> = match op {
            OrgMessage::Connections => return Ok(Ok(text)),
            _ => serde_json::from_slice(&text)
                .map_err(|e| ApiError::Internal(format!("connection index: {e}")))?,
        };
        match op {
            OrgMessage::IndexConnection { entry } => {
                if !index.iter().any(|e| e.id == entry.id) {
                    index.push(entry);
                }
            }
            OrgMessage::UnindexConnection { id } => index.retain(|e| e.id != id),
            other => return Ok(Err(other)),
        }
        let text = serde_json::to_string(&index)
            .map_err(|e| ApiError::Internal(format!("connection index: {e}")))?;
        storage
            .put(CONNECTIONS_KEY, &text)
            .await
            .map_err(storage_failed)?;
        Ok(Ok(ok(&index.len())?))
    }
}
