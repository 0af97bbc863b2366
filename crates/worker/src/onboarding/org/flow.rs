//! An onboarding's flow through this object: start (the partner's init, a single-use `state`
//! and go ticket), the merchant's browser following the go link (the binding cookie), and the
//! return (core's `PendingState::check_return`, then the partner's complete).

use super::{fresh_state, now_ms, ok, OnboardingRecord, OrgOnboarding};
use crate::error::{ApiError, ErrorCode};
use crate::onboarding::partner::Stream;
use gatehouse_core::contract::stream::{InitOnboardingRequest, InitOnboardingResponse, Onboarding};
use gatehouse_core::contract::stream_paths::StreamPaths;
use gatehouse_core::onboarding::{
    binding_input, OnboardingView, PendingState, ReturnRefusal, StartResponse,
};
use gatehouse_core::session::Session;
use serde::{Deserialize, Serialize};
use worker::Env;

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

impl OrgOnboarding {
    /// Starts an onboarding: the Stream organization on first use, a single-use `state` and go
    /// ticket, the partner's init; answers `{onboarding, entry_url}` with the go link.
    pub(super) async fn start(
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
        if matches!(created, Err(ApiError::Refused(ErrorCode::OrgNotFound))) {
            // The partner no longer knows the remembered organization: forget the
            // mapping, create it again, and try once more.
            self.forget_stream_org().await?;
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
                OnboardingRecord {
                    id: o.id.clone(),
                    started_by: session.user_id.clone(),
                    created_ms: now_ms(),
                    provider_org_id: Some(session.provider_org_id.clone()),
                    notified: None,
                    status: Some(o.status.as_str().to_owned()),
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

    /// Follows a go link once: spends the ticket, makes the binding cookie's value and stores
    /// its keyed hash with the state; answers where to send the browser.
    pub(super) async fn follow_go(&self, ticket: &str) -> std::result::Result<GoOutcome, ApiError> {
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
    pub(super) async fn binding_tag(
        &self,
        binding: &str,
        nonce: &str,
        user_id: &str,
    ) -> std::result::Result<String, ApiError> {
        let mac = crate::webcrypto::hmac_one_off(binding, &binding_input(nonce, user_id)).await?;
        Ok(gatehouse_core::onboarding::b64url(&mac))
    }

    pub(super) async fn finish_return(
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
                    crate::log::Level::Warn,
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
            self.statuses.borrow_mut().forget(&rec.onboarding_id);
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
