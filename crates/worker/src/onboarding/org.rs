//! The Durable Object per portal organization (`provider_org_id`): the Stream organization it
//! maps to (created on first use), the onboardings it started, their single-use `state`s, and a
//! status cache that lets any number of watchers cause at most one partner status call per
//! interval (docs/security.md items 15–16).

use super::partner::Stream;
use super::OrgOp;
use crate::error::{ApiError, Refusal};
use futures_channel::oneshot;
use gatehouse_core::contract::stream::{
    CreateOrganizationRequest, CreateOrganizationResponse, CreateUserOrgUser,
    InitOnboardingRequest, InitOnboardingResponse, Onboarding,
};
use gatehouse_core::contract::stream_paths::StreamPaths;
use gatehouse_core::onboarding::{
    binding_input, make_state, OnboardingView, PendingState, ReturnRefusal, StartResponse,
};
use gatehouse_core::session::Session;
use gatehouse_core::webhook;
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::HashMap;
use worker::{durable_object, Date, DurableObject, Env, Request, Response, Result, State};

/// How long a `state` may wait for the merchant to come back (`ONBOARDING_STATE_TTL_S`,
/// default 10 minutes).
fn state_ttl_ms(env: &Env) -> u64 {
    crate::config::var(env, "ONBOARDING_STATE_TTL_S")
        .and_then(|v| v.parse::<u64>().ok())
        .filter(|s| (1..=3600).contains(s))
        .unwrap_or(600)
        * 1000
}

/// How long a go link may wait to be followed (at most the state's own lifetime).
const GO_TTL_MS: u64 = 5 * 60 * 1000;

#[derive(Serialize, Deserialize)]
struct OnbRecord {
    id: String,
    started_by: String,
    created_ms: u64,
    /// The portal organization (for webhook events; records from before webhooks lack it).
    #[serde(default)]
    provider_org_id: Option<String>,
    /// The last status a webhook event was stored for (docs/webhooks.md).
    #[serde(default)]
    notified: Option<String>,
}

/// A go link not yet followed: which state it opens, until when (single use).
#[derive(Serialize, Deserialize)]
struct GoRecord {
    nonce: String,
    expires_ms: u64,
}

/// What following a go link leads to: the partner's entry URL and the binding cookie to set in
/// that browser, or an error for the allowlisted page.
#[derive(Debug, Serialize, Deserialize)]
pub struct GoOutcome {
    /// The partner's entry URL, when the ticket was good.
    pub entry_url: Option<String>,
    /// The state's random part (names the binding cookie).
    pub nonce: Option<String>,
    /// The binding cookie's value (random; only its keyed hash is stored).
    pub binding: Option<String>,
    /// Seconds the binding cookie lives (what is left of the state's lifetime).
    pub max_age_s: u64,
    /// The allowlisted page recorded with the state, if known.
    pub return_page: Option<String>,
    /// The onboarding, when known (an expired link's page can start it again).
    pub onboarding_id: Option<String>,
    /// Why the link was refused.
    pub error: Option<String>,
}

/// What the return handler needs to redirect: the page, and the outcome.
#[derive(Debug, Serialize, Deserialize)]
pub struct ReturnOutcome {
    /// The onboarding, when the state was known.
    pub onboarding_id: Option<String>,
    /// The allowlisted page recorded with the state.
    pub return_page: Option<String>,
    /// `("status", "active")`, `("error", "access_denied")`, ...
    pub key: String,
    /// The outcome's value.
    pub value: String,
}

/// A cached status answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CachedStatus {
    /// The view.
    pub view: OnboardingView,
    /// When it was read from the partner.
    pub fetched_ms: u64,
}

/// An outcome shared with the callers that waited for it.
type Shared<T> = std::result::Result<T, ApiError>;

#[derive(Default)]
struct Inner {
    stream_org: Option<String>,
    creating_org: Option<Vec<oneshot::Sender<Shared<String>>>>,
    status: HashMap<String, CachedStatus>,
    fetching: HashMap<String, Vec<oneshot::Sender<Shared<CachedStatus>>>>,
    partner_status_calls: u64,
}

/// One per `provider_org_id`.
#[durable_object]
pub struct OrgOnboarding {
    state: State,
    env: Env,
    inner: RefCell<Inner>,
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

impl DurableObject for OrgOnboarding {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            inner: RefCell::new(Inner::default()),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        crate::objects::serve(req, |op| self.answer(op)).await
    }
}

impl OrgOnboarding {
    /// The object's answer to one message.
    async fn answer(&self, op: OrgOp) -> std::result::Result<Vec<u8>, ApiError> {
        let stream = Stream::new(&self.env)?;
        match op {
            OrgOp::Start {
                session,
                source,
                kind,
                return_page,
                return_base,
            } => {
                self.start(&stream, &session, source, kind, return_page, return_base)
                    .await
            }
            OrgOp::Restart {
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
                    return Err(ApiError::Refused(Refusal::OnboardingNotRestartable));
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
            OrgOp::Go { ticket } => ok(&self.follow_go(&ticket).await?),
            OrgOp::Return {
                nonce,
                code,
                error,
                binding,
                session_user,
            } => ok(&self
                .finish_return(&stream, &nonce, code, error, binding, session_user)
                .await?),
            OrgOp::Status { id, max_age_ms } => {
                self.owned(&id).await?;
                ok(&self.status(&stream, &id, max_age_ms).await?)
            }
            OrgOp::Revoke { .. }
            | OrgOp::Locations { .. }
            | OrgOp::Ingest { .. }
            | OrgOp::Bind { .. } => self.passthrough(&stream, op).await,
            OrgOp::OrgLocations {
                session,
                location_id,
            } => {
                let org_id = self.stream_org(&stream, &session).await?;
                let path = stream
                    .paths()
                    .organization_locations(&org_id, location_id.as_deref());
                match stream.call("GET", &path, None).await {
                    // Unknown to the partner now: a new organization has no locations yet.
                    Err(ApiError::Refused(Refusal::OrgNotFound)) => {
                        self.state.storage().delete("org").await?;
                        self.inner.borrow_mut().stream_org = None;
                        ok(&gatehouse_core::contract::stream::LocationsResponse::default())
                    }
                    other => locations(other?),
                }
            }
            OrgOp::Counters => ok(&serde_json::json!({
                "partner_status_calls": self.inner.borrow().partner_status_calls
            })),
        }
    }

    /// Starts an onboarding: the Stream organization on first use, a single-use `state` and go
    /// ticket, the partner's init; answers `{onboarding, entry_url}` with the go link.
    async fn start(
        &self,
        stream: &Stream<'_>,
        session: &Session,
        source: String,
        kind: gatehouse_core::contract::stream::IntegrationType,
        return_page: String,
        return_base: String,
    ) -> std::result::Result<Vec<u8>, ApiError> {
        let org_id = self.stream_org(stream, session).await?;
        let (state, nonce) = fresh_state(&session.provider_org_id)?;
        let mut init = InitOnboardingRequest {
            org_id,
            source,
            r#type: kind,
            return_url: format!("{return_base}/api/onboarding/return?state={state}"),
        };
        let mut created: std::result::Result<InitOnboardingResponse, ApiError> = stream
            .json("POST", &stream.paths().init_onboarding, Some(&init))
            .await;
        if matches!(created, Err(ApiError::Refused(Refusal::OrgNotFound))) {
            // The partner no longer knows the remembered organization: forget the
            // mapping, create it again, and try once more.
            self.state.storage().delete("org").await?;
            self.inner.borrow_mut().stream_org = None;
            init.org_id = self.stream_org(stream, session).await?;
            created = stream
                .json("POST", &stream.paths().init_onboarding, Some(&init))
                .await;
        }
        let created = created?;
        let o = created.onboarding;
        let entry_url = o
            .entry_url
            .clone()
            .filter(|u| gatehouse_core::onboarding::safe_absolute_url(u))
            .ok_or_else(|| {
                ApiError::PartnerUnavailable("init answered no usable entry_url".into())
            })?;
        let (ticket, ticket_nonce) = fresh_state(&session.provider_org_id)?;
        let expires_ms = now_ms() + state_ttl_ms(&self.env);
        let storage = self.state.storage();
        storage
            .put(
                &format!("onb:{}", o.id),
                OnbRecord {
                    id: o.id.clone(),
                    started_by: session.user_id.clone(),
                    created_ms: now_ms(),
                    provider_org_id: Some(session.provider_org_id.clone()),
                    notified: None,
                },
            )
            .await?;
        storage
            .put(
                &format!("state:{nonce}"),
                PendingState {
                    onboarding_id: o.id.clone(),
                    user_id: session.user_id.clone(),
                    return_page,
                    expires_ms,
                    used: false,
                    entry_url,
                    binding_tag: None,
                },
            )
            .await?;
        storage
            .put(
                &format!("go:{ticket_nonce}"),
                GoRecord {
                    nonce: nonce.clone(),
                    // The page follows the link at once; a link forwarded unopened
                    // goes stale soon (and is spent by whoever opens it first).
                    expires_ms: expires_ms.min(now_ms() + GO_TTL_MS),
                },
            )
            .await?;
        let view = OnboardingView::from(&o);
        self.remember(&view);
        // The merchant goes through this worker first, so the flow is bound to the
        // browser that follows the link (docs/security.md item 25).
        ok(&StartResponse {
            onboarding: view,
            entry_url: format!("{return_base}/api/onboarding/go?ticket={ticket}"),
        })
    }

    /// The calls that only check ownership and forward (one await point for all of them).
    async fn passthrough(
        &self,
        stream: &Stream<'_>,
        op: OrgOp,
    ) -> std::result::Result<Vec<u8>, ApiError> {
        use gatehouse_core::contract::stream::{BindLocationsRequest, IngestLocationsRequest};
        let (id, method, path, body, revoke) = match op {
            OrgOp::Revoke { id } => {
                let path = StreamPaths::for_onboarding(&stream.paths().revoke_onboarding, &id);
                (id, "POST", path, None, true)
            }
            OrgOp::Locations { id } => {
                let path = stream.paths().onboarding_locations(&id);
                (id, "GET", path, None, false)
            }
            OrgOp::Ingest { id, locations } => {
                let body = IngestLocationsRequest {
                    onboarding_id: id.clone(),
                    locations,
                };
                let path = stream.paths().ingest_locations.clone();
                (id, "POST", path, Some(to_json(&body)?), false)
            }
            OrgOp::Bind { id, locations } => {
                self.owned(&id).await?;
                self.check_bind(stream, &id, &locations).await?;
                let body = BindLocationsRequest {
                    onboarding_id: id.clone(),
                    locations,
                };
                let path = stream.paths().bind_locations.clone();
                (id, "POST", path, Some(to_json(&body)?), false)
            }
            _ => return Err(ApiError::Internal("not a passthrough op".into())),
        };
        self.owned(&id).await?;
        let answer = match stream.call(method, &path, body).await {
            // Revoke is idempotent (docs/security.md item 17): a partner that answers a second
            // revoke with 409 has the integration revoked already; its current record is the answer.
            Err(ApiError::Refused(r)) if revoke && r.status() == 409 => {
                stream
                    .call(
                        "GET",
                        &StreamPaths::for_onboarding(&stream.paths().onboarding, &id),
                        None,
                    )
                    .await?
            }
            other => other?,
        };
        if revoke {
            let o: Onboarding = serde_json::from_slice(&answer)
                .map_err(|e| ApiError::PartnerUnavailable(format!("revoke answer: {e}")))?;
            let view = OnboardingView::from(&o);
            self.remember(&view);
            self.observe(&view).await;
            return ok(&view);
        }
        locations(answer)
    }

    /// Every location named in a bind must be this organization's own, checked here against
    /// the partner's list of the organization's locations before the partner is asked to bind
    /// (docs/security.md item 29; the partner's own check is the second line): each DSP
    /// location belongs to this onboarding, each POS location is a POS location of the
    /// organization. An id the organization does not have is `location_not_found`, whether or
    /// not it exists elsewhere.
    async fn check_bind(
        &self,
        stream: &Stream<'_>,
        id: &str,
        bindings: &[gatehouse_core::contract::stream::BindOnboardingLocation],
    ) -> std::result::Result<(), ApiError> {
        use gatehouse_core::contract::stream::{IntegrationType, LocationsResponse};
        let org_id = self
            .known_stream_org()
            .await
            .ok_or(ApiError::Refused(Refusal::LocationNotFound))?;
        let own: LocationsResponse = stream
            .json::<(), _>(
                "GET",
                &stream.paths().organization_locations(&org_id, None),
                None,
            )
            .await?;
        let find = |lid: &str| own.locations.iter().find(|l| l.id == lid);
        for b in bindings {
            let dsp =
                find(&b.dsp_location_id).ok_or(ApiError::Refused(Refusal::LocationNotFound))?;
            if dsp.onboarding_id.as_deref() != Some(id) {
                return Err(ApiError::Refused(Refusal::InvalidLocation));
            }
            let pos =
                find(&b.pos_location_id).ok_or(ApiError::Refused(Refusal::LocationNotFound))?;
            if !pos.is(&IntegrationType::Pos) {
                return Err(ApiError::Refused(Refusal::InvalidLocation));
            }
        }
        Ok(())
    }

    /// The Stream organization already mapped to this portal organization (memory, then
    /// storage), without creating one.
    async fn known_stream_org(&self) -> Option<String> {
        if let Some(id) = self.inner.borrow().stream_org.clone() {
            return Some(id);
        }
        let id = self
            .state
            .storage()
            .get::<String>("org")
            .await
            .ok()
            .flatten()?;
        self.inner.borrow_mut().stream_org = Some(id.clone());
        Some(id)
    }

    /// The Stream organization of this portal organization, created once (single flight).
    async fn stream_org(
        &self,
        stream: &Stream<'_>,
        session: &Session,
    ) -> std::result::Result<String, ApiError> {
        if let Some(id) = self.known_stream_org().await {
            return Ok(id);
        }
        let waiter = {
            let mut inner = self.inner.borrow_mut();
            match inner.creating_org.as_mut() {
                Some(waiters) => {
                    let (tx, rx) = oneshot::channel();
                    waiters.push(tx);
                    Some(rx)
                }
                None => {
                    inner.creating_org = Some(Vec::new());
                    None
                }
            }
        };
        if let Some(rx) = waiter {
            return match rx.await {
                Ok(Ok(id)) => Ok(id),
                Ok(Err(e)) => Err(e),
                Err(_) => Err(ApiError::PartnerUnavailable(
                    "organization creation was cancelled".into(),
                )),
            };
        }
        let result = self.create_org(stream, session).await;
        let waiters = self
            .inner
            .borrow_mut()
            .creating_org
            .take()
            .unwrap_or_default();
        for w in waiters {
            let _ = w.send(result.clone());
        }
        result
    }

    async fn create_org(
        &self,
        stream: &Stream<'_>,
        s: &Session,
    ) -> std::result::Result<String, ApiError> {
        let req = CreateOrganizationRequest {
            // The partner's dashboard shows the name: the session's `org_name` when given.
            name: s
                .org_name
                .clone()
                .unwrap_or_else(|| s.provider_org_id.clone()),
            provider_id: s.provider_org_id.clone(),
            user: CreateUserOrgUser {
                email: s.email.clone(),
                full_name: s.full_name.clone(),
                phone_number: s.phone_number.clone(),
                role: Some(s.role.clone()),
            },
        };
        let created: CreateOrganizationResponse = stream
            .json("POST", &stream.paths().organizations, Some(&req))
            .await?;
        self.state
            .storage()
            .put("org", created.org_id.clone())
            .await?;
        self.inner.borrow_mut().stream_org = Some(created.org_id.clone());
        Ok(created.org_id)
    }

    /// The onboarding must have been started by this organization (404 otherwise: its
    /// existence is not revealed).
    async fn owned(&self, id: &str) -> std::result::Result<(), ApiError> {
        if self.inner.borrow().status.contains_key(id) {
            return Ok(());
        }
        match self
            .state
            .storage()
            .get::<OnbRecord>(&format!("onb:{id}"))
            .await
        {
            Ok(Some(_)) => Ok(()),
            _ => Err(ApiError::Refused(Refusal::OnboardingNotFound)),
        }
    }

    fn remember(&self, view: &OnboardingView) {
        self.inner.borrow_mut().status.insert(
            view.id.clone(),
            CachedStatus {
                view: view.clone(),
                fetched_ms: now_ms(),
            },
        );
    }

    /// The status, from the cache while younger than `max_age_ms`, else one partner call shared
    /// by every caller that arrives meanwhile.
    async fn status(
        &self,
        stream: &Stream<'_>,
        id: &str,
        max_age_ms: u64,
    ) -> std::result::Result<CachedStatus, ApiError> {
        let waiter = {
            let mut inner = self.inner.borrow_mut();
            if let Some(c) = inner
                .status
                .get(id)
                .filter(|c| now_ms().saturating_sub(c.fetched_ms) < max_age_ms)
            {
                return Ok(c.clone());
            }
            match inner.fetching.get_mut(id) {
                Some(waiters) => {
                    let (tx, rx) = oneshot::channel();
                    waiters.push(tx);
                    Some(rx)
                }
                None => {
                    inner.fetching.insert(id.to_owned(), Vec::new());
                    inner.partner_status_calls += 1;
                    None
                }
            }
        };
        if let Some(rx) = waiter {
            return match rx.await {
                Ok(Ok(c)) => Ok(c),
                Ok(Err(e)) => Err(e),
                Err(_) => Err(ApiError::PartnerUnavailable(
                    "status call was cancelled".into(),
                )),
            };
        }
        let result = stream
            .json::<(), Onboarding>(
                "GET",
                &StreamPaths::for_onboarding(&stream.paths().onboarding, id),
                None,
            )
            .await
            .map(|o| CachedStatus {
                view: OnboardingView::from(&o),
                fetched_ms: now_ms(),
            });
        let waiters = {
            let mut inner = self.inner.borrow_mut();
            if let Ok(c) = &result {
                inner.status.insert(id.to_owned(), c.clone());
            }
            inner.fetching.remove(id).unwrap_or_default()
        };
        for w in waiters {
            let _ = w.send(result.clone());
        }
        if let Ok(c) = &result {
            self.observe(&c.view).await;
        }
        result
    }

    /// A status seen from the partner: when it is one receivers are told about and differs
    /// from the last one told, a webhook event is stored for every target, then recorded as
    /// told. Should the hand-over fail, the record stays as it was and the next observation
    /// emits the same event (same id) again.
    async fn observe(&self, view: &OnboardingView) {
        let status = view.status.as_str();
        if !webhook::notifies(status) {
            return;
        }
        let key = format!("onb:{}", view.id);
        let storage = self.state.storage();
        let Some(mut rec) = storage.get::<OnbRecord>(&key).await.ok().flatten() else {
            return;
        };
        if rec.notified.as_deref() == Some(status) {
            return;
        }
        let event = webhook::onboarding_event(
            &view.id,
            rec.provider_org_id.as_deref().unwrap_or_default(),
            status,
            rec.notified.as_deref(),
            view.source.as_deref(),
            now_ms() / 1000,
        );
        if crate::webhooks::emit(&self.env, &event).await {
            rec.notified = Some(status.to_owned());
            if let Err(e) = storage.put(&key, &rec).await {
                crate::log::event(
                    "warn",
                    &[("onboarding", &view.id), ("record", &e.to_string())],
                );
            }
        }
    }

    /// Follows a go link once: spends the ticket, makes the binding cookie's value and stores
    /// its keyed hash with the state; answers where to send the browser.
    async fn follow_go(&self, ticket: &str) -> std::result::Result<GoOutcome, ApiError> {
        let storage = self.state.storage();
        let refused = |page: Option<String>, onboarding_id: Option<String>, why: &str| GoOutcome {
            entry_url: None,
            nonce: None,
            binding: None,
            max_age_s: 0,
            return_page: page,
            onboarding_id,
            error: Some(why.to_owned()),
        };
        let go_key = format!("go:{ticket}");
        let Some(go) = storage.get::<GoRecord>(&go_key).await.ok().flatten() else {
            return Ok(refused(None, None, "invalid_ticket"));
        };
        // Single use: spent before anything else happens.
        storage.delete(&go_key).await?;
        let key = format!("state:{}", go.nonce);
        let Some(mut rec) = storage.get::<PendingState>(&key).await.ok().flatten() else {
            return Ok(refused(None, None, "invalid_ticket"));
        };
        let page = Some(rec.return_page.clone());
        let id = Some(rec.onboarding_id.clone());
        let now = now_ms();
        if now > go.expires_ms || now > rec.expires_ms {
            return Ok(refused(page, id, "state_expired"));
        }
        if rec.used || rec.binding_tag.is_some() || rec.entry_url.is_empty() {
            return Ok(refused(page, id, "invalid_ticket"));
        }
        let mut bytes = [0u8; 32];
        crate::http::random_bytes(&mut bytes).map_err(ApiError::Internal)?;
        let binding = gatehouse_core::onboarding::b64url(&bytes);
        let tag = self.binding_tag(&binding, &go.nonce, &rec.user_id).await?;
        rec.binding_tag = Some(tag);
        storage.put(&key, &rec).await?;
        Ok(GoOutcome {
            entry_url: Some(rec.entry_url),
            nonce: Some(go.nonce),
            binding: Some(binding),
            max_age_s: rec.expires_ms.saturating_sub(now) / 1000 + 1,
            return_page: page,
            onboarding_id: id,
            error: None,
        })
    }

    /// `base64url(HMAC-SHA256(binding, nonce ‖ starting user))`.
    async fn binding_tag(
        &self,
        binding: &str,
        nonce: &str,
        user_id: &str,
    ) -> std::result::Result<String, ApiError> {
        let mac =
            crate::session::crypto::hmac_one_off(binding, &binding_input(nonce, user_id)).await?;
        Ok(gatehouse_core::onboarding::b64url(&mac))
    }

    async fn finish_return(
        &self,
        stream: &Stream<'_>,
        nonce: &str,
        code: Option<String>,
        error: Option<String>,
        binding: Option<String>,
        session_user: Option<String>,
    ) -> std::result::Result<ReturnOutcome, ApiError> {
        let key = format!("state:{nonce}");
        let storage = self.state.storage();
        let fail = |page: Option<String>, id: Option<String>, why: &str| ReturnOutcome {
            onboarding_id: id,
            return_page: page,
            key: "error".into(),
            value: why.into(),
        };
        let Some(mut rec) = storage.get::<PendingState>(&key).await.ok().flatten() else {
            return Ok(fail(None, None, "invalid_state"));
        };
        let page = Some(rec.return_page.clone());
        let id = Some(rec.onboarding_id.clone());
        let presented = match binding.filter(|b| !b.is_empty() && b.len() <= 64) {
            Some(b) => Some(self.binding_tag(&b, nonce, &rec.user_id).await?),
            None => None,
        };
        if let Err(refusal) =
            rec.check_return(now_ms(), presented.as_deref(), session_user.as_deref())
        {
            if matches!(
                refusal,
                ReturnRefusal::NotStartedHere | ReturnRefusal::OtherUser
            ) {
                crate::log::event(
                    "warn",
                    &[
                        ("onboarding", &rec.onboarding_id),
                        ("return_refused", &refusal.to_string()),
                    ],
                );
            }
            return Ok(fail(page, id, &refusal.to_string()));
        }
        // Single use: spent before anything else happens.
        rec.used = true;
        storage.put(&key, &rec).await?;
        if let Some(e) = error {
            // The partner changed the onboarding (denied → failed): the next read asks it.
            self.inner.borrow_mut().status.remove(&rec.onboarding_id);
            // Only a known OAuth error code goes back to the page.
            let e = match e.as_str() {
                "access_denied" | "invalid_scope" | "server_error" | "temporarily_unavailable" => e,
                _ => "authorization_failed".into(),
            };
            return Ok(fail(page, id, &e));
        }
        let Some(code) = code.filter(|c| !c.is_empty() && c.len() <= 512) else {
            return Ok(fail(page, id, "missing_code"));
        };
        let body = gatehouse_core::contract::stream::CompleteOnboardingRequest { code };
        let path =
            StreamPaths::for_onboarding(&stream.paths().complete_onboarding, &rec.onboarding_id);
        match stream
            .json::<_, Onboarding>("POST", &path, Some(&body))
            .await
        {
            Ok(o) => {
                let view = OnboardingView::from(&o);
                self.remember(&view);
                self.observe(&view).await;
                Ok(ReturnOutcome {
                    onboarding_id: id,
                    return_page: page,
                    key: "status".into(),
                    value: view.status.as_str().to_owned(),
                })
            }
            Err(e) => {
                let why = if e.retryable() {
                    "partner_unavailable"
                } else {
                    "complete_failed"
                };
                e.log(&crate::log::current_request_id());
                Ok(fail(page, id, why))
            }
        }
    }
}

/// A partner's location listing: checked against the contract type, then passed on as the
/// partner sent it, so fields the document does not name reach the caller unchanged.
fn locations(bytes: Vec<u8>) -> std::result::Result<Vec<u8>, ApiError> {
    serde_json::from_slice::<gatehouse_core::contract::stream::LocationsResponse>(&bytes)
        .map_err(|e| ApiError::PartnerUnavailable(format!("locations answer: {e}")))?;
    Ok(bytes)
}

fn to_json<T: Serialize>(v: &T) -> std::result::Result<Vec<u8>, ApiError> {
    serde_json::to_vec(v).map_err(|e| ApiError::Internal(e.to_string()))
}

fn ok<T: Serialize>(v: &T) -> std::result::Result<Vec<u8>, ApiError> {
    crate::objects::answer(v)
}
