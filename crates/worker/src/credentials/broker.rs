//! The Durable Object that holds one credential's token (docs/security.md items 4–8): I/O
//! only. Every decision — single flight, early refresh, serving a still-valid token while a
//! refresh fails, refresh then new grant, hold-off, durable-first rotation — is core's
//! [`TokenCache`]; this object makes the upstream call it is told to, seals and stores
//! (`stored.rs`), wakes the callers that joined the leader, and logs.

use super::{stored, BrokerMessage, Connected, IssuedToken};
use crate::error::ApiError;
use crate::objects::answer;
use crate::upstream::{self, Answer};
use futures_channel::oneshot;
use gatehouse_core::api::CredentialStatus;
use gatehouse_core::tokens::cache::{
    HeldToken, NextGrant, Outcome, TokenCache, TokenFailure, Want,
};
use gatehouse_core::tokens::classify::{self, FailureClass};
use gatehouse_core::tokens::profile::{ApiBase, Credential};
use gatehouse_core::tokens::request::{token_request, Grant};
use gatehouse_core::tokens::{api_base, claims, grant, parse_token_response};
use gatehouse_core::webhook::ConnectionChange;
use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;
use worker::{durable_object, Date, Delay, DurableObject, Env, Request, Response, Result, State};

/// One per credential, named by the credential id.
// Exports only the handler it has: fetch (no alarm, no WebSocket, no socket).
// The default, every handler, put never-called stubs in the wasm (3.9 KB gzip for the
// three objects).
#[durable_object(fetch)]
pub struct CredentialBroker {
    pub(super) state: State,
    pub(super) env: Env,
    pub(super) cache: RefCell<TokenCache>,
    /// Callers that joined the leader's acquisition.
    waiters: RefCell<Vec<oneshot::Sender<Outcome>>>,
    /// A connection's values and credential, once read (`connection.rs`).
    pub(super) connection: RefCell<Option<Rc<Connected>>>,
}

impl DurableObject for CredentialBroker {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            cache: RefCell::new(TokenCache::default()),
            waiters: RefCell::new(Vec::new()),
            connection: RefCell::new(None),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        crate::objects::serve(req, |op| self.answer(op)).await
    }
}

/// The API error a token failure answers.
fn api_error(f: TokenFailure) -> ApiError {
    match f.class {
        FailureClass::NeedsReauth => ApiError::NeedsReauth(f.detail),
        FailureClass::Misconfigured => ApiError::PartnerRejected(f.detail),
        FailureClass::Retryable { .. } if f.is_storage() => ApiError::StorageUnavailable(f.detail),
        FailureClass::Retryable { .. } => ApiError::PartnerUnavailable(f.detail),
    }
}

fn issued(h: &HeldToken, connection: Option<(String, String)>) -> IssuedToken {
    IssuedToken {
        access_token: h.token.expose().to_owned(),
        api_base: h.api_base.clone(),
        refresh_at_ms: h.life.refresh_at_ms,
        generation: h.generation,
        from_cache: false,
        connection,
    }
}

pub(super) fn now_ms() -> u64 {
    Date::now().as_millis()
}

/// A uniform random number in `[0, 1)` for core's jitter.
fn jitter() -> f64 {
    js_sys::Math::random()
}

impl CredentialBroker {
    /// The object's answer to one message: a token, the invalidated generation, or the status.
    async fn answer(&self, op: BrokerMessage) -> std::result::Result<Vec<u8>, ApiError> {
        match op {
            BrokerMessage::Token { id } => {
                let owner = self.connection_owner(&id).await?;
                answer(&issued(&self.token(&id).await?, owner))
            }
            BrokerMessage::Connect {
                id,
                template,
                org,
                text,
                secrets,
            } => {
                let stored = self.new_connection(template, org, text, secrets);
                answer(&self.verify_and_keep(&id, stored).await?)
            }
            BrokerMessage::Describe { id, org } => {
                self.owned_connection(&id, &org).await?;
                answer(&self.view(&id)?)
            }
            BrokerMessage::Update {
                id,
                org,
                text,
                secrets,
            } => answer(&self.update(&id, &org, text, secrets).await?),
            BrokerMessage::Delete { id, org } => {
                self.delete(&id, &org).await?;
                answer(&id)
            }
            BrokerMessage::Invalidate { id: _, generation } => {
                self.cache.borrow_mut().invalidate(generation);
                answer(&generation)
            }
            BrokerMessage::Status { id } => answer(&self.status(&id).await?),
            BrokerMessage::Reset { id } => {
                self.cache.borrow_mut().reset();
                let _ = self.state.storage().delete(stored::STATE_KEY).await;
                answer(&self.status(&id).await?)
            }
        }
    }

    fn credential(&self, id: &str) -> std::result::Result<Rc<Credential>, TokenFailure> {
        if let Some(c) = self.connection.borrow().as_ref() {
            return Ok(c.credential.clone());
        }
        super::load_credential(&self.env, id)
            .map_err(|e| TokenFailure::misconfigured(e.to_string()))
    }

    /// A usable token: the held one while fresh, else the single-flight acquisition.
    async fn token(&self, id: &str) -> std::result::Result<HeldToken, ApiError> {
        self.held(id, true).await.map_err(api_error)
    }

    /// The same, with the failure as core classified it; `report` hands a new `needs_reauth`
    /// episode to the webhooks (not for a connection being verified: it does not exist yet).
    pub(super) async fn held(&self, id: &str, report: bool) -> Outcome {
        self.load(id).await;
        let want = self.cache.borrow_mut().want(now_ms());
        match want {
            Want::Serve(held) => return Ok(held),
            Want::Refuse(failure) => return Err(failure),
            Want::Join => {
                let (tx, rx) = oneshot::channel();
                self.waiters.borrow_mut().push(tx);
                return rx.await.unwrap_or_else(|_| {
                    Err(TokenFailure::of(
                        classify::transport_failure(),
                        "token acquisition was cancelled",
                    ))
                });
            }
            Want::Lead => {}
        }
        let outcome = self.acquire(id).await;
        let result = self.cache.borrow_mut().finish(outcome, now_ms());
        for w in std::mem::take(&mut *self.waiters.borrow_mut()) {
            let _ = w.send(result.clone());
        }
        if let Err(f) = &result {
            crate::log::event(
                crate::log::Level::Warn,
                &[
                    ("credential", id),
                    ("token_failure", f.code),
                    ("detail", &f.detail),
                ],
            );
        }
        if report {
            self.report(id).await;
        }
        result
    }

    /// Hands an unreported `needs_reauth` episode to the webhook outboxes; kept for the next
    /// acquisition if that fails.
    async fn report(&self, id: &str) {
        let Some(since) = self.cache.borrow().unreported_reauth() else {
            return;
        };
        let connection = self.connection.borrow().clone();
        if let Some(c) = connection {
            if self
                .tell(ConnectionChange::NeedsReauth, id, &c.stored, since)
                .await
            {
                self.cache.borrow_mut().reauth_reported(since);
            }
            return;
        }
        let provider = self
            .credential(id)
            .map(|c| c.profile.provider.clone())
            .unwrap_or_default();
        let event = gatehouse_core::webhook::needs_reauth_event(id, &provider, since);
        if crate::webhooks::emit(&self.env, &event).await {
            self.cache.borrow_mut().reauth_reported(since);
        }
    }

    async fn acquire(&self, id: &str) -> Outcome {
        let cred = self.credential(id)?;
        // Anything left unsaved by a failed write is written before anything else.
        self.save(id, None).await?;
        let next = self.cache.borrow_mut().next_grant(now_ms());
        match next {
            NextGrant::Refresh(rt) => match self.grant(&cred, Grant::Refresh(&rt)).await {
                Ok(held) => return Ok(held),
                Err(f) if f.class == FailureClass::NeedsReauth => {
                    crate::log::event(
                        crate::log::Level::Warn,
                        &[
                            ("credential", id),
                            ("refresh_refused", "invalid_grant"),
                            ("action", "new grant"),
                        ],
                    );
                    self.cache.borrow_mut().refresh_refused();
                }
                Err(f) => return Err(f),
            },
            NextGrant::NewRefreshLapsed => crate::log::event(
                crate::log::Level::Info,
                &[("credential", id), ("refresh_expired", "new grant")],
            ),
            NextGrant::New => {}
        }
        self.grant(&cred, Grant::New).await
    }

    /// One grant with core's bounded, jittered retries.
    pub(super) async fn grant(&self, cred: &Credential, grant: Grant<'_>) -> Outcome {
        let mut attempt = 1;
        loop {
            let req = token_request(cred, grant, now_ms() / 1000);
            self.cache.borrow_mut().upstream_call();
            let result = match upstream::send(req).await {
                Ok(answer) => self.accept(cred, answer).await,
                Err(t) => Err(TokenFailure::of(
                    classify::transport_failure(),
                    t.to_string(),
                )),
            };
            let failure = match result {
                Ok(held) => return Ok(held),
                Err(f) => f,
            };
            match TokenCache::retry_delay_ms(attempt, &failure, jitter()) {
                Some(wait) => {
                    Delay::from(Duration::from_millis(wait)).await;
                    attempt += 1;
                }
                None => return Err(failure),
            }
        }
    }

    /// Reads a token answer; a token is stored (sealed) before it is handed to anyone.
    async fn accept(&self, cred: &Credential, answer: Answer) -> Outcome {
        let received = now_ms();
        let set = parse_token_response(answer.status, &answer.body).map_err(|e| {
            let class = classify::classify(&e, answer.retry_after.as_deref());
            // A 3xx is a misconfigured URL; its target is logged without the query.
            let detail = answer.redirect().unwrap_or_else(|| e.to_string());
            TokenFailure::answered(class, e, detail)
        })?;
        let api_base = match &cred.profile.api_base {
            ApiBase::Fixed(url) => url.clone(),
            ApiBase::JwtClaim(path) => {
                // A token without the claim is no transient fault: say exactly what is missing.
                let claimed =
                    claims::string_claim(set.access_token.expose(), path).map_err(|e| {
                        TokenFailure::misconfigured(format!(
                            "credential `{}`: service URI: {e}",
                            cred.id
                        ))
                    })?;
                self.checked_api_base(cred, &claimed)?
            }
        };
        crate::log::remember_secret(set.access_token.expose());
        if let Some(rt) = &set.refresh_token {
            crate::log::remember_secret(rt.expose());
        }
        let granted = grant::read(&cred.profile, &set)
            .map_err(|e| TokenFailure::misconfigured(format!("credential `{}`: {e}", cred.id)))?;
        let accepted = self
            .cache
            .borrow_mut()
            .accept(received, set, granted, api_base, jitter());
        if let Some((asked, used)) = accepted.capped {
            crate::log::event(
                crate::log::Level::Warn,
                &[
                    ("credential", &cred.id),
                    ("lifetime_capped", &asked.to_string()),
                    ("to_s", &used.to_string()),
                ],
            );
        }
        // Durable first: the (possibly rotated) refresh token and the new access token are
        // written before the access token is handed to anyone.
        self.save(&cred.id, Some(&accepted.held)).await?;
        Ok(accepted.held)
    }

    /// A service URI read from a token, checked against the credential's `api_hosts` before any
    /// call (docs/security.md item 26): refused, it is a misconfiguration naming the credential,
    /// and no call goes there.
    fn checked_api_base(
        &self,
        cred: &Credential,
        claimed: &str,
    ) -> std::result::Result<String, TokenFailure> {
        let loopback_http = crate::config::mode(&self.env) == "development";
        api_base::check(claimed, &cred.profile.api_hosts, loopback_http).map_err(|e| {
            TokenFailure::misconfigured(format!(
                "credential `{}`: service URI refused: {e}",
                cred.id
            ))
        })
    }

    /// Seals and writes what the cache has unsaved (with `held`, the token about to be handed out).
    async fn save(
        &self,
        id: &str,
        held: Option<&HeldToken>,
    ) -> std::result::Result<(), TokenFailure> {
        let Some(plain) = self.cache.borrow().to_store(held) else {
            return Ok(());
        };
        stored::write(&self.state, &self.env, id, &plain).await?;
        self.cache.borrow_mut().stored();
        Ok(())
    }

    /// Reads the sealed token state once after the object starts (it may have been evicted).
    pub(super) async fn load(&self, id: &str) {
        if self.cache.borrow().is_loaded() {
            return;
        }
        let mut found = stored::read(&self.state, &self.env, id).await;
        // A stored service URI is checked again (the allowlist may have changed, or the state
        // predates it): refused, the access token is not used and a new grant decides.
        if let (Some(s), Ok(cred)) = (found.as_mut(), self.credential(id)) {
            if let (ApiBase::JwtClaim(_), Some(base)) = (&cred.profile.api_base, &s.api_base) {
                if let Err(f) = self.checked_api_base(&cred, base) {
                    crate::log::event(
                        crate::log::Level::Warn,
                        &[("credential", id), ("stored_state", &f.detail)],
                    );
                    s.access_token = None;
                    s.api_base = None;
                }
            }
        }
        self.cache.borrow_mut().load(found);
    }

    async fn status(&self, id: &str) -> std::result::Result<CredentialStatus, ApiError> {
        let cred = self.credential(id).map_err(api_error)?;
        Ok(self
            .cache
            .borrow()
            .status(id, &cred.profile.provider, now_ms()))
    }
}
