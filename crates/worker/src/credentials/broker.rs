//! The Durable Object that holds one credential's token (docs/security.md items 4–8).
//!
//! - **Single flight**: a Durable Object lets other requests in while one awaits a `fetch`, so the
//!   first caller that needs a token becomes the *leader* and makes the upstream call; callers
//!   arriving meanwhile queue a oneshot channel and get the leader's outcome.
//! - **Refresh early**: a token is refreshed a jittered skew before expiry (core `schedule`);
//!   while a refresh is due but fails, the still-valid token keeps being served.
//! - **Refresh, then fall back**: a held refresh token is used first; `invalid_grant` on refresh
//!   falls back to a new grant (every seed provider has client credentials or a service account).
//!   `invalid_grant` on the new grant marks the credential `needs_reauth`.
//! - **Rotation is durable first**: a new refresh token is sealed (AES-256-GCM, key from the
//!   `STORAGE_ENCRYPTION_KEY` secret) and written before the new access token is handed out; if
//!   the write fails, the caller gets a retryable `storage_unavailable` and the next leader writes
//!   it again before anything else.

use super::upstream::{self, Answer};
use super::{IssuedToken, Op};
use crate::error::ApiError;
use futures_channel::oneshot;
use gatehouse_core::api::CredentialStatus;
use gatehouse_core::secret::{AccessToken, RefreshToken};
use gatehouse_core::tokens::classify::{self, FailureClass, RetryPolicy};
use gatehouse_core::tokens::grant::{self, Account};
use gatehouse_core::tokens::profile::{ApiBase, Credential};
use gatehouse_core::tokens::request::{token_request, Grant};
use gatehouse_core::tokens::schedule::{Freshness, Lifetime, RefreshPolicy};
use gatehouse_core::tokens::{api_base, claims, parse_token_response};
use std::cell::RefCell;
use std::time::Duration;
use worker::{durable_object, Date, Delay, DurableObject, Env, Request, Response, Result, State};

/// Storage key of the sealed token state.
const STATE_KEY: &str = "tokens";
/// After `needs_reauth` or `misconfigured`, the credential waits this long before trying again
/// (an operator can reset it at once).
const HOLD_OFF_MS: u64 = 5 * 60 * 1000;

#[derive(Clone)]
struct Held {
    token: AccessToken,
    api_base: String,
    life: Lifetime,
    scopes: Vec<String>,
    generation: u64,
    /// The account the partner named (OmniRetain's company and user id), for operators.
    account: Option<Account>,
}

/// A failed acquisition, cloneable so every waiter gets it.
#[derive(Clone, Debug)]
struct Failure {
    class: FailureClass,
    code: &'static str,
    detail: String,
}

impl Failure {
    fn into_api(self) -> ApiError {
        match self.class {
            FailureClass::NeedsReauth => ApiError::NeedsReauth(self.detail),
            FailureClass::Misconfigured => ApiError::PartnerRejected(self.detail),
            FailureClass::Retryable { .. } if self.code == "storage_unavailable" => {
                ApiError::StorageUnavailable(self.detail)
            }
            FailureClass::Retryable { .. } => ApiError::PartnerUnavailable(self.detail),
        }
    }
}

type Outcome = std::result::Result<Held, Failure>;

/// The token state at rest, sealed as a whole (tokens never stored in the clear).
#[derive(serde::Serialize, serde::Deserialize)]
struct Stored {
    access_token: Option<String>,
    api_base: Option<String>,
    received_at_ms: u64,
    refresh_at_ms: u64,
    expires_at_ms: u64,
    scopes: Vec<String>,
    generation: u64,
    refresh_token: Option<String>,
    /// When the refresh token stops being usable (Unix ms), when the partner said.
    #[serde(default)]
    refresh_expires_at_ms: Option<u64>,
    #[serde(default)]
    account: Option<Account>,
}

#[derive(Default)]
struct Inner {
    held: Option<Held>,
    refresh: Option<RefreshToken>,
    /// The held refresh token's own expiry (Unix ms), when the partner stated one.
    refresh_expires_at_ms: Option<u64>,
    /// The last misconfiguration or re-authorization problem, for operators (no secrets).
    last_problem: Option<String>,
    /// Whether a capped lifetime was logged already (said once per object).
    capped_logged: bool,
    /// Whether the stored state has been read since this object started.
    loaded: bool,
    /// Token state (a rotated refresh token) not yet written to storage.
    unsaved: bool,
    leader: bool,
    waiters: Vec<oneshot::Sender<Outcome>>,
    blocked: Option<(Failure, u64)>,
    generation: u64,
    upstream_calls: u64,
    last_refresh_ms: Option<u64>,
    last_error: Option<String>,
    /// A `credential.needs_reauth` webhook event not yet handed to the outboxes.
    unreported: Option<gatehouse_core::webhook::Event>,
}

/// One per credential, named by the credential id.
#[durable_object]
pub struct CredentialBroker {
    state: State,
    env: Env,
    inner: RefCell<Inner>,
}

impl DurableObject for CredentialBroker {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            inner: RefCell::new(Inner::default()),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        // Lines written while serving carry the id of the worker request that asked.
        let id = crate::log::incoming_request_id(&req);
        crate::log::scoped(&id, self.serve(req)).await
    }
}

fn issued(h: &Held) -> IssuedToken {
    IssuedToken {
        access_token: h.token.expose().to_owned(),
        api_base: h.api_base.clone(),
        refresh_at_ms: h.life.refresh_at_ms,
        generation: h.generation,
        from_cache: false,
    }
}

fn now_ms() -> u64 {
    Date::now().as_millis()
}

fn random() -> f64 {
    js_sys::Math::random()
}

/// 12 random bytes from the runtime's CSPRNG.
fn random_nonce() -> std::result::Result<[u8; 12], String> {
    let mut n = [0u8; 12];
    crate::http::random_bytes(&mut n)?;
    Ok(n)
}

impl CredentialBroker {
    /// The object's answer to one message (run inside the asking request's scope).
    async fn serve(&self, mut req: Request) -> Result<Response> {
        let op: Op = match req.json().await {
            Ok(op) => op,
            Err(_) => return Ok(ApiError::Internal("bad broker message".into()).into_response()),
        };
        let result = match op {
            Op::Token { id } => self
                .token(&id)
                .await
                .map(|h| crate::http::json(200, &issued(&h))),
            Op::Invalidate { id: _, generation } => {
                let mut inner = self.inner.borrow_mut();
                if inner
                    .held
                    .as_ref()
                    .is_some_and(|h| h.generation == generation)
                {
                    inner.held = None;
                }
                Ok(crate::http::json(
                    200,
                    &serde_json::json!({"invalidated": generation}),
                ))
            }
            Op::Status { id } => self.status(&id).await.map(|s| crate::http::json(200, &s)),
            Op::Reset { id } => {
                *self.inner.borrow_mut() = Inner::default();
                let _ = self.state.storage().delete(STATE_KEY).await;
                self.inner.borrow_mut().loaded = true;
                self.status(&id).await.map(|s| crate::http::json(200, &s))
            }
        };
        Ok(result.unwrap_or_else(ApiError::into_response))
    }

    fn credential(&self, id: &str) -> std::result::Result<std::rc::Rc<Credential>, Failure> {
        super::load_credential(&self.env, id).map_err(|e| Failure {
            class: FailureClass::Misconfigured,
            code: "misconfigured",
            detail: e.to_string(),
        })
    }

    /// A usable token: the held one while fresh, else the single-flight acquisition.
    async fn token(&self, id: &str) -> std::result::Result<Held, ApiError> {
        self.load_state(id).await;
        let now = now_ms();
        let waiter = {
            let mut inner = self.inner.borrow_mut();
            let freshness = inner.held.as_ref().map(|h| h.life.freshness(now));
            match freshness {
                Some(Freshness::Fresh) => {
                    return inner
                        .held
                        .clone()
                        .ok_or_else(|| ApiError::Internal("held".into()))
                }
                // Someone is refreshing: keep serving the still-valid token.
                Some(Freshness::RefreshDue) if inner.leader => {
                    return inner
                        .held
                        .clone()
                        .ok_or_else(|| ApiError::Internal("held".into()))
                }
                _ => {}
            }
            if let Some((failure, until)) = &inner.blocked {
                if now < *until {
                    return Err(failure.clone().into_api());
                }
            }
            if inner.leader {
                let (tx, rx) = oneshot::channel();
                inner.waiters.push(tx);
                Some(rx)
            } else {
                inner.leader = true;
                None
            }
        };
        if let Some(rx) = waiter {
            return match rx.await {
                Ok(outcome) => outcome.map_err(Failure::into_api),
                Err(_) => Err(ApiError::PartnerUnavailable(
                    "token acquisition was cancelled".into(),
                )),
            };
        }
        let outcome = self.acquire(id).await;
        let (waiters, result) = {
            let mut inner = self.inner.borrow_mut();
            inner.leader = false;
            let result = match outcome {
                Ok(held) => {
                    inner.held = Some(held.clone());
                    inner.blocked = None;
                    inner.last_error = None;
                    inner.last_problem = None;
                    inner.last_refresh_ms = Some(now_ms());
                    Ok(held)
                }
                Err(f) => {
                    inner.last_error = Some(f.code.to_owned());
                    if !matches!(f.class, FailureClass::Retryable { .. }) {
                        inner.last_problem = Some(f.detail.clone());
                    }
                    let was_reauth = inner
                        .blocked
                        .as_ref()
                        .is_some_and(|(b, _)| b.class == FailureClass::NeedsReauth);
                    if f.class == FailureClass::NeedsReauth && !was_reauth {
                        // A new episode (a success or an operator's reset ends one).
                        let provider = self
                            .credential(id)
                            .map(|c| c.profile.provider.clone())
                            .unwrap_or_default();
                        inner.unreported = Some(gatehouse_core::webhook::needs_reauth_event(
                            id,
                            &provider,
                            now_ms(),
                        ));
                    }
                    if matches!(
                        f.class,
                        FailureClass::NeedsReauth | FailureClass::Misconfigured
                    ) {
                        inner.blocked = Some((f.clone(), now_ms() + HOLD_OFF_MS));
                    }
                    // A refresh that failed while the old token is still valid: serve the old one.
                    match inner
                        .held
                        .clone()
                        .filter(|h| h.life.freshness(now_ms()) != Freshness::Expired)
                    {
                        Some(h) if matches!(f.class, FailureClass::Retryable { .. }) => Ok(h),
                        _ => Err(f),
                    }
                }
            };
            (std::mem::take(&mut inner.waiters), result)
        };
        for w in waiters {
            let _ = w.send(result.clone());
        }
        if let Err(f) = &result {
            crate::log::event(
                "warn",
                &[
                    ("credential", id),
                    ("token_failure", f.code),
                    ("detail", &f.detail),
                ],
            );
        }
        self.report().await;
        result.map_err(Failure::into_api)
    }

    /// Hands an unreported `needs_reauth` event to the webhook outboxes; kept for the next
    /// acquisition if that fails.
    async fn report(&self) {
        let Some(event) = self.inner.borrow().unreported.clone() else {
            return;
        };
        if crate::webhooks::emit(&self.env, &event).await {
            let mut inner = self.inner.borrow_mut();
            if inner.unreported.as_ref().is_some_and(|e| e.id == event.id) {
                inner.unreported = None;
            }
        }
    }

    async fn acquire(&self, id: &str) -> Outcome {
        let cred = self.credential(id)?;
        self.save_state(id).await?;
        let refresh = {
            let mut inner = self.inner.borrow_mut();
            let lapsed = inner.refresh_expires_at_ms.is_some_and(|at| now_ms() >= at);
            if lapsed && inner.refresh.is_some() {
                // Past its own lifetime (Stream's refresh_token_expires_in): a refresh would only
                // be refused. Go straight to a new grant.
                inner.refresh = None;
                inner.refresh_expires_at_ms = None;
                inner.unsaved = true;
                drop(inner);
                crate::log::event(
                    "info",
                    &[("credential", id), ("refresh_expired", "new grant")],
                );
                None
            } else {
                inner.refresh.clone()
            }
        };
        if let Some(rt) = refresh {
            match self.grant(&cred, Grant::Refresh(&rt)).await {
                Ok(held) => return Ok(held),
                // The refresh token is spent or revoked (or rotated by a refresh whose answer
                // was lost, docs/security.md item 6): say so, forget it and try a new grant.
                Err(f) if f.class == FailureClass::NeedsReauth => {
                    crate::log::event(
                        "warn",
                        &[
                            ("credential", id),
                            ("refresh_refused", "invalid_grant"),
                            ("action", "new grant"),
                        ],
                    );
                    let mut inner = self.inner.borrow_mut();
                    inner.refresh = None;
                    inner.unsaved = true;
                }
                Err(f) => return Err(f),
            }
        }
        self.grant(&cred, Grant::New).await
    }

    /// One grant with bounded, jittered retries; on success the rotated refresh token is
    /// stored before the access token is returned.
    async fn grant(&self, cred: &Credential, grant: Grant<'_>) -> Outcome {
        let policy = RetryPolicy::default();
        let mut attempt = 1;
        loop {
            let req = token_request(cred, grant, now_ms() / 1000).map_err(|e| Failure {
                class: FailureClass::Misconfigured,
                code: "misconfigured",
                detail: format!("token request: {e}"),
            })?;
            self.inner.borrow_mut().upstream_calls += 1;
            let result = match upstream::send(req).await {
                Ok(answer) => self.accept(cred, answer).await,
                Err(t) => Err(Failure {
                    class: classify::transport_failure(),
                    code: "partner_unavailable",
                    detail: t.to_string(),
                }),
            };
            match result {
                Ok(held) => return Ok(held),
                Err(f) => match policy.next_delay_ms(attempt, f.class, random()) {
                    Some(wait) if f.code != "storage_unavailable" => {
                        Delay::from(Duration::from_millis(wait)).await;
                        attempt += 1;
                    }
                    _ => return Err(f),
                },
            }
        }
    }

    async fn accept(&self, cred: &Credential, answer: Answer) -> Outcome {
        let received = now_ms();
        let set = parse_token_response(answer.status, &answer.body).map_err(|e| {
            let class = classify::classify(&e, answer.retry_after.as_deref());
            Failure {
                class,
                code: class.code(),
                // A 3xx is a misconfigured URL; its target is logged without the query.
                detail: answer.redirect().unwrap_or_else(|| e.to_string()),
            }
        })?;
        let api_base = match &cred.profile.api_base {
            ApiBase::Fixed(url) => url.clone(),
            ApiBase::JwtClaim(path) => {
                // A token without the claim is no transient fault: say exactly what is missing.
                let claimed =
                    claims::string_claim(set.access_token.expose(), path).map_err(|e| Failure {
                        class: FailureClass::Misconfigured,
                        code: FailureClass::Misconfigured.code(),
                        detail: format!("credential `{}`: service URI: {e}", cred.id),
                    })?;
                self.checked_api_base(cred, &claimed)?
            }
        };
        crate::log::remember_secret(set.access_token.expose());
        if let Some(rt) = &set.refresh_token {
            crate::log::remember_secret(rt.expose());
        }
        let granted = grant::read(&cred.profile, &set).map_err(|e| Failure {
            class: FailureClass::Misconfigured,
            code: FailureClass::Misconfigured.code(),
            detail: format!("credential `{}`: {e}", cred.id),
        })?;
        let held = {
            let mut inner = self.inner.borrow_mut();
            if let (Some(asked), false) = (granted.capped_from_s, inner.capped_logged) {
                inner.capped_logged = true;
                crate::log::event(
                    "warn",
                    &[
                        ("credential", &cred.id),
                        ("lifetime_capped", &asked.to_string()),
                        ("to_s", &granted.lifetime_s.to_string()),
                    ],
                );
            }
            inner.generation += 1;
            if let Some(rt) = set.refresh_token.clone() {
                inner.refresh = Some(rt);
                inner.refresh_expires_at_ms = granted
                    .refresh_expires_in_s
                    .map(|s| received.saturating_add(s.saturating_mul(1000)));
            }
            inner.unsaved = true;
            Held {
                token: set.access_token,
                api_base,
                life: RefreshPolicy::default().lifetime(received, granted.lifetime_s, random()),
                scopes: set.scopes,
                generation: inner.generation,
                account: granted.account,
            }
        };
        // Durable first: the (possibly rotated) refresh token and the new access token are
        // written before the access token is handed to anyone.
        self.save_state_with(&cred.id, Some(&held)).await?;
        Ok(held)
    }

    /// A service URI read from a token, checked against the credential's `api_hosts` before any
    /// call (docs/security.md item 26): refused, it is a misconfiguration naming the credential,
    /// and no call goes there.
    fn checked_api_base(
        &self,
        cred: &Credential,
        claimed: &str,
    ) -> std::result::Result<String, Failure> {
        let loopback_http = crate::config::mode(&self.env) == "development";
        api_base::check(claimed, &cred.profile.api_hosts, loopback_http).map_err(|e| Failure {
            class: FailureClass::Misconfigured,
            code: FailureClass::Misconfigured.code(),
            detail: format!("credential `{}`: service URI refused: {e}", cred.id),
        })
    }

    /// Writes unsaved token state (sealed), keeping the held access token.
    async fn save_state(&self, id: &str) -> std::result::Result<(), Failure> {
        let held = self.inner.borrow().held.clone();
        self.save_state_with(id, held.as_ref()).await
    }

    /// Writes `held` and the refresh token, sealed, if anything is unsaved.
    async fn save_state_with(
        &self,
        id: &str,
        held: Option<&Held>,
    ) -> std::result::Result<(), Failure> {
        let plain = {
            let inner = self.inner.borrow();
            if !inner.unsaved {
                return Ok(());
            }
            Stored {
                access_token: held.map(|h| h.token.expose().to_owned()),
                api_base: held.map(|h| h.api_base.clone()),
                received_at_ms: held.map_or(0, |h| h.life.received_at_ms),
                refresh_at_ms: held.map_or(0, |h| h.life.refresh_at_ms),
                expires_at_ms: held.map_or(0, |h| h.life.expires_at_ms),
                scopes: held.map(|h| h.scopes.clone()).unwrap_or_default(),
                generation: inner.generation,
                refresh_token: inner.refresh.as_ref().map(|r| r.expose().to_owned()),
                refresh_expires_at_ms: inner.refresh_expires_at_ms,
                account: held.and_then(|h| h.account.clone()),
            }
        };
        let storage_failure = |detail: String| Failure {
            class: FailureClass::Retryable {
                retry_after_ms: None,
            },
            code: "storage_unavailable",
            detail,
        };
        let keys = super::storage_keys(&self.env).map_err(|e| Failure {
            class: FailureClass::Misconfigured,
            code: "misconfigured",
            detail: e,
        })?;
        let json = serde_json::to_vec(&plain).map_err(|e| storage_failure(e.to_string()))?;
        let nonce = random_nonce().map_err(storage_failure)?;
        let blob = crate::seal::seal(&keys[0], nonce, id, &json)
            .await
            .map_err(|e| storage_failure(format!("sealing: {}", e.code())))?;
        self.state
            .storage()
            .put(STATE_KEY, blob)
            .await
            .map_err(|e| storage_failure(format!("storing the token state: {e}")))?;
        self.inner.borrow_mut().unsaved = false;
        Ok(())
    }

    /// Reads the sealed token state once after the object starts (it may have been evicted).
    async fn load_state(&self, id: &str) {
        if self.inner.borrow().loaded {
            return;
        }
        let blob: Option<String> = self.state.storage().get(STATE_KEY).await.ok().flatten();
        let stored = match (blob, super::storage_keys(&self.env)) {
            (Some(blob), Ok(keys)) => match crate::seal::open(&keys, id, &blob).await {
                Ok(bytes) => serde_json::from_slice::<Stored>(&bytes).ok(),
                Err(e) => {
                    crate::log::event(
                        "warn",
                        &[("credential", id), ("stored_state", &e.to_string())],
                    );
                    None
                }
            },
            _ => None,
        };
        // A stored service URI is checked again (the allowlist may have changed, or the state
        // predates it): refused, the access token is not used and a new grant decides.
        let stored = stored.map(|mut s| {
            let claimed = matches!(
                self.credential(id).map(|c| c.profile.api_base.clone()),
                Ok(ApiBase::JwtClaim(_))
            );
            if let (true, Some(base), Ok(cred)) = (claimed, &s.api_base, self.credential(id)) {
                if let Err(f) = self.checked_api_base(&cred, base) {
                    crate::log::event("warn", &[("credential", id), ("stored_state", &f.detail)]);
                    s.access_token = None;
                    s.api_base = None;
                }
            }
            s
        });
        let mut inner = self.inner.borrow_mut();
        if inner.loaded {
            return; // another request loaded it while this one awaited storage
        }
        inner.loaded = true;
        let Some(s) = stored else { return };
        inner.generation = inner.generation.max(s.generation);
        if inner.refresh.is_none() {
            inner.refresh = s.refresh_token.map(RefreshToken::new);
            inner.refresh_expires_at_ms = s.refresh_expires_at_ms;
        }
        if let (None, Some(token), Some(api_base)) = (&inner.held, s.access_token, s.api_base) {
            inner.held = Some(Held {
                token: AccessToken::new(token),
                api_base,
                life: Lifetime {
                    received_at_ms: s.received_at_ms,
                    refresh_at_ms: s.refresh_at_ms,
                    expires_at_ms: s.expires_at_ms,
                },
                scopes: s.scopes,
                generation: s.generation,
                account: s.account,
            });
        }
    }

    async fn status(&self, id: &str) -> std::result::Result<CredentialStatus, ApiError> {
        let cred = self.credential(id).map_err(Failure::into_api)?;
        let now = now_ms();
        let inner = self.inner.borrow();
        let state = match (&inner.held, &inner.blocked) {
            (_, Some((f, until))) if now < *until => f.code.to_owned(),
            (Some(h), _) if h.life.freshness(now) != Freshness::Expired => {
                if inner.leader {
                    "refreshing".to_owned()
                } else {
                    "valid".to_owned()
                }
            }
            _ if inner.leader => "refreshing".to_owned(),
            _ => "idle".to_owned(),
        };
        let held = inner
            .held
            .as_ref()
            .filter(|h| h.life.freshness(now) != Freshness::Expired);
        Ok(CredentialStatus {
            credential: id.to_owned(),
            provider: cred.profile.provider.clone(),
            state,
            expires_in_s: held.map(|h| h.life.expires_at_ms.saturating_sub(now) / 1000),
            scopes: held.map(|h| h.scopes.clone()).unwrap_or_default(),
            upstream_token_calls: inner.upstream_calls,
            last_refresh_ms: inner.last_refresh_ms,
            last_error: inner.last_error.clone(),
            holds_refresh_token: inner.refresh.is_some(),
            problem: inner.last_problem.clone(),
            account: inner.held.as_ref().and_then(|h| h.account.clone()),
        })
    }
}
