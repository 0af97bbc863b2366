//! One credential's token state and every decision about it, sans-IO (docs/security.md items
//! 4–8). The worker's `CredentialBroker` Durable Object owns one [`TokenCache`] and does only the
//! I/O it is told to: the upstream token call, sealing and storage, waking waiters, logging.
//!
//! - **Single flight**: [`TokenCache::want`] makes the first caller that needs a token the
//!   *leader* ([`Want::Lead`]); callers arriving meanwhile [`Want::Join`] it and get its outcome.
//! - **Refresh early**: a held token is refreshed a jittered skew before expiry
//!   ([`super::schedule`]); while the leader refreshes, the still-valid token keeps being served,
//!   and a retryable failure of the refresh serves it too ([`TokenCache::finish`]).
//! - **Refresh, then fall back**: [`TokenCache::next_grant`] says whether to try the held refresh
//!   token (unless past its own lifetime); `invalid_grant` on refresh forgets it
//!   ([`TokenCache::refresh_refused`]) and a new grant follows.
//! - **Hold off**: `needs_reauth` or `misconfigured` blocks the credential for
//!   [`HOLD_OFF_MS`] (an operator's [`TokenCache::reset`] ends it); each new `needs_reauth`
//!   episode is reported once ([`TokenCache::unreported_reauth`]).
//! - **Durable first**: an accepted answer marks the state unsaved; [`TokenCache::to_store`]
//!   gives what to seal and write before the token is handed out, and only
//!   [`TokenCache::stored`] clears the mark, so a failed write is retried by the next leader.

use super::classify::{FailureClass, RetryPolicy};
use super::grant::{Account, Granted};
use super::request::TokenHint;
use super::schedule::{Freshness, Lifetime, RefreshPolicy};
use super::TokenSet;
use crate::api::CredentialStatus;
use crate::secret::{AccessToken, RefreshToken};
use serde::{Deserialize, Serialize};

/// After `needs_reauth` or `misconfigured`, the credential waits this long before trying again.
pub const HOLD_OFF_MS: u64 = 5 * 60 * 1000;

/// The failure code of a state write that failed (retryable, never retried in place).
pub const STORAGE_UNAVAILABLE: &str = "storage_unavailable";

/// An access token the cache holds, with what it was issued for.
#[derive(Clone, Debug)]
pub struct HeldToken {
    /// The bearer token.
    pub token: AccessToken,
    /// The partner API base URL (fixed, or read from a claim and checked).
    pub api_base: String,
    /// When to refresh it and when it expires.
    pub life: Lifetime,
    /// Scopes granted with it.
    pub scopes: Vec<String>,
    /// Increases with every accepted answer; a partner's 401 names the generation it refused.
    pub generation: u64,
    /// The account the partner named (OmniRetain's company and user id), for operators.
    pub account: Option<Account>,
}

/// A failed acquisition, cloneable so every waiter gets it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenFailure {
    /// What to do about it.
    pub class: FailureClass,
    /// The stable code operators and callers see.
    pub code: &'static str,
    /// What happened, for the log (never a secret).
    pub detail: String,
    /// The token endpoint's error answer, when there was one (a connection's verification
    /// explains it to the merchant, `connections::refusal`).
    pub answer: Option<crate::tokens::TokenError>,
}

impl TokenFailure {
    /// A failure of the given class, with its own code.
    pub fn of(class: FailureClass, detail: impl Into<String>) -> Self {
        Self {
            class,
            code: class.code(),
            detail: detail.into(),
            answer: None,
        }
    }

    /// The token endpoint refused with `answer`.
    pub fn answered(
        class: FailureClass,
        answer: crate::tokens::TokenError,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            answer: Some(answer),
            ..Self::of(class, detail)
        }
    }

    /// The deployment is wrong (a credential that does not load, a refused service URI, ...).
    pub fn misconfigured(detail: impl Into<String>) -> Self {
        Self::of(FailureClass::Misconfigured, detail)
    }

    /// The sealed state could not be written: retryable, but not by retrying the grant.
    pub fn storage(detail: impl Into<String>) -> Self {
        Self {
            class: FailureClass::Retryable {
                retry_after_ms: None,
            },
            code: STORAGE_UNAVAILABLE,
            detail: detail.into(),
            answer: None,
        }
    }

    /// Whether this is a failed state write.
    pub fn is_storage(&self) -> bool {
        self.code == STORAGE_UNAVAILABLE
    }

    fn is_retryable(&self) -> bool {
        matches!(self.class, FailureClass::Retryable { .. })
    }
}

/// What a leader's acquisition ended with.
pub type Outcome = Result<HeldToken, TokenFailure>;

/// What a caller that wants a token does next.
#[derive(Debug)]
pub enum Want {
    /// Use this token.
    Serve(HeldToken),
    /// The credential is held off: answer this failure.
    Refuse(TokenFailure),
    /// Someone is acquiring: wait for the leader's outcome.
    Join,
    /// Acquire a token (this caller is now the leader) and then call [`TokenCache::finish`].
    Lead,
}

/// Which grant the leader makes next.
#[derive(Debug)]
pub enum NextGrant {
    /// Refresh with the held refresh token.
    Refresh(RefreshToken),
    /// A new grant: no refresh token is held.
    New,
    /// A new grant: the held refresh token was past its own lifetime and is forgotten.
    NewRefreshLapsed,
}

/// An accepted token answer.
#[derive(Debug)]
pub struct Accepted {
    /// The token to store, then hand out.
    pub held: HeldToken,
    /// `(asked, used)` seconds, the first time the partner's lifetime was capped.
    pub capped: Option<(u64, u64)>,
}

/// The token state at rest, sealed as a whole by the worker (tokens never stored in the clear).
#[derive(Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct StoredTokens {
    /// The access token, when one is held.
    pub access_token: Option<String>,
    /// Its API base.
    pub api_base: Option<String>,
    /// When its answer arrived (Unix ms).
    pub received_at_ms: u64,
    /// When to refresh it (Unix ms).
    pub refresh_at_ms: u64,
    /// When it expires (Unix ms).
    pub expires_at_ms: u64,
    /// Its scopes.
    pub scopes: Vec<String>,
    /// The last generation handed out.
    pub generation: u64,
    /// The refresh token, when one is held.
    pub refresh_token: Option<String>,
    /// When the refresh token stops being usable (Unix ms), when the partner said.
    #[serde(default)]
    pub refresh_expires_at_ms: Option<u64>,
    /// The account the partner named.
    #[serde(default)]
    pub account: Option<Account>,
}

/// One credential's token state. See the module documentation for the rules it keeps.
#[derive(Debug, Default)]
pub struct TokenCache {
    held: Option<HeldToken>,
    refresh: Option<RefreshToken>,
    refresh_expires_at_ms: Option<u64>,
    /// The last misconfiguration or re-authorization problem, for operators (no secrets).
    last_problem: Option<String>,
    capped_reported: bool,
    loaded: bool,
    unsaved: bool,
    leading: bool,
    blocked: Option<(TokenFailure, u64)>,
    generation: u64,
    upstream_calls: u64,
    last_refresh_ms: Option<u64>,
    last_error: Option<&'static str>,
    /// When an unreported `needs_reauth` episode began (Unix ms).
    reauth_unreported_since: Option<u64>,
}

impl TokenCache {
    /// A caller wants a token at `now`.
    pub fn want(&mut self, now: u64) -> Want {
        match self.held.as_ref().map(|h| (h, h.life.freshness(now))) {
            Some((h, Freshness::Fresh)) => return Want::Serve(h.clone()),
            // Someone is refreshing: keep serving the still-valid token.
            Some((h, Freshness::RefreshDue)) if self.leading => return Want::Serve(h.clone()),
            _ => {}
        }
        if let Some((failure, until)) = &self.blocked {
            if now < *until {
                return Want::Refuse(failure.clone());
            }
        }
        if self.leading {
            Want::Join
        } else {
            self.leading = true;
            Want::Lead
        }
    }

    /// The leader's first step: the grant to try.
    pub fn next_grant(&mut self, now: u64) -> NextGrant {
        let lapsed = self.refresh_expires_at_ms.is_some_and(|at| now >= at);
        match self.refresh.clone() {
            // Past its own lifetime (Stream's refresh_token_expires_in): a refresh would only be
            // refused. Go straight to a new grant.
            Some(_) if lapsed => {
                self.forget_refresh();
                NextGrant::NewRefreshLapsed
            }
            Some(rt) => NextGrant::Refresh(rt),
            None => NextGrant::New,
        }
    }

    /// The refresh was refused (`invalid_grant`): the refresh token is spent or revoked (or
    /// rotated by a refresh whose answer was lost, docs/security.md item 6). A new grant follows.
    pub fn refresh_refused(&mut self) {
        self.refresh = None;
        self.unsaved = true;
    }

    fn forget_refresh(&mut self) {
        self.refresh = None;
        self.refresh_expires_at_ms = None;
        self.unsaved = true;
    }

    /// Counts one upstream token call (shown to operators).
    pub fn upstream_call(&mut self) {
        self.upstream_calls += 1;
    }

    /// How long to wait before attempt `attempt + 1` of one grant after `attempt` failed with
    /// `failure`; `None` to give up. A failed state write is never retried in place.
    pub fn retry_delay_ms(attempt: u32, failure: &TokenFailure, jitter: f64) -> Option<u64> {
        if failure.is_storage() {
            return None;
        }
        RetryPolicy::default().next_delay_ms(attempt, failure.class, jitter)
    }

    /// An answer `set` that arrived at `received_ms` was read as `granted` with the checked
    /// `api_base`: keeps its refresh token, marks the state unsaved and gives the token to store
    /// and hand out (`jitter` in `[0, 1)` spreads the refresh time).
    pub fn accept(
        &mut self,
        received_ms: u64,
        set: TokenSet,
        granted: Granted,
        api_base: String,
        jitter: f64,
    ) -> Accepted {
        let capped = match (granted.capped_from_s, self.capped_reported) {
            (Some(asked), false) => {
                self.capped_reported = true;
                Some((asked, granted.lifetime_s))
            }
            _ => None,
        };
        self.generation += 1;
        if let Some(rt) = set.refresh_token {
            self.refresh = Some(rt);
            self.refresh_expires_at_ms = granted
                .refresh_expires_in_s
                .map(|s| received_ms.saturating_add(s.saturating_mul(1000)));
        }
        self.unsaved = true;
        let held = HeldToken {
            token: set.access_token,
            api_base,
            life: RefreshPolicy::default().lifetime(received_ms, granted.lifetime_s, jitter),
            scopes: set.scopes,
            generation: self.generation,
            account: granted.account,
        };
        Accepted { held, capped }
    }

    /// What to revoke at the partner when the credential goes (RFC 7009): the refresh token, or
    /// for a grant without one the access token while it is still valid at `now`.
    pub fn revocable(&self, now: u64) -> Option<(&str, TokenHint)> {
        if let Some(rt) = &self.refresh {
            return Some((rt.expose(), TokenHint::Refresh));
        }
        self.held
            .as_ref()
            .filter(|h| h.life.expires_at_ms > now)
            .map(|h| (h.token.expose(), TokenHint::Access))
    }

    /// A grant made outside the single flight succeeded: a connection's new values, verified in
    /// update mode. Its token is held and any failure state ends, as after a successful
    /// acquisition; an acquisition in flight (with the old values) is left to finish.
    /// Returns whether a `needs_reauth` episode ended.
    pub fn replaced(&mut self, held: HeldToken, now: u64) -> bool {
        let in_reauth = self
            .blocked
            .as_ref()
            .is_some_and(|(b, _)| b.class == FailureClass::NeedsReauth)
            || self.reauth_unreported_since.is_some();
        let leading = self.leading;
        let _ = self.finish(Ok(held), now);
        self.leading = leading;
        self.reauth_unreported_since = None;
        in_reauth
    }

    /// The leader's acquisition ended at `now`: keeps a token, or records the failure (hold-off,
    /// a new `needs_reauth` episode) and serves the still-valid token when the failure is
    /// retryable. The answer goes to the leader and every waiter.
    pub fn finish(&mut self, outcome: Outcome, now: u64) -> Outcome {
        self.leading = false;
        let failure = match outcome {
            Ok(held) => {
                self.held = Some(held.clone());
                self.blocked = None;
                self.last_error = None;
                self.last_problem = None;
                self.last_refresh_ms = Some(now);
                return Ok(held);
            }
            Err(f) => f,
        };
        self.last_error = Some(failure.code);
        if !failure.is_retryable() {
            self.last_problem = Some(failure.detail.clone());
        }
        let in_reauth = self
            .blocked
            .as_ref()
            .is_some_and(|(b, _)| b.class == FailureClass::NeedsReauth);
        if failure.class == FailureClass::NeedsReauth && !in_reauth {
            // A new episode (a success or an operator's reset ends one).
            self.reauth_unreported_since = Some(now);
        }
        if !failure.is_retryable() {
            self.blocked = Some((failure.clone(), now + HOLD_OFF_MS));
        }
        match self.usable(now) {
            Some(h) if failure.is_retryable() => Ok(h.clone()),
            _ => Err(failure),
        }
    }

    /// The partner refused generation `generation` (a 401): drop it if it is still held.
    pub fn invalidate(&mut self, generation: u64) {
        if self
            .held
            .as_ref()
            .is_some_and(|h| h.generation == generation)
        {
            self.held = None;
        }
    }

    /// An operator fixed the credential: forget every token and any hold-off. The stored state
    /// is deleted by the caller, so nothing is left to load.
    pub fn reset(&mut self) {
        *self = Self {
            loaded: true,
            ..Self::default()
        };
    }

    /// When the `needs_reauth` episode not yet reported began.
    pub fn unreported_reauth(&self) -> Option<u64> {
        self.reauth_unreported_since
    }

    /// The episode that began at `since` was reported (a later one is kept).
    pub fn reauth_reported(&mut self, since: u64) {
        if self.reauth_unreported_since == Some(since) {
            self.reauth_unreported_since = None;
        }
    }

    /// What to write, when anything is unsaved: the refresh token and `held` (the token about to
    /// be handed out, or the held one).
    pub fn to_store(&self, held: Option<&HeldToken>) -> Option<StoredTokens> {
        if !self.unsaved {
            return None;
        }
        let held = held.or(self.held.as_ref());
        Some(StoredTokens {
            access_token: held.map(|h| h.token.expose().to_owned()),
            api_base: held.map(|h| h.api_base.clone()),
            received_at_ms: held.map_or(0, |h| h.life.received_at_ms),
            refresh_at_ms: held.map_or(0, |h| h.life.refresh_at_ms),
            expires_at_ms: held.map_or(0, |h| h.life.expires_at_ms),
            scopes: held.map(|h| h.scopes.clone()).unwrap_or_default(),
            generation: self.generation,
            refresh_token: self.refresh.as_ref().map(|r| r.expose().to_owned()),
            refresh_expires_at_ms: self.refresh_expires_at_ms,
            account: held.and_then(|h| h.account.clone()),
        })
    }

    /// The state given by [`Self::to_store`] was written.
    pub fn stored(&mut self) {
        self.unsaved = false;
    }

    /// Whether the stored state was read since the object started.
    pub fn is_loaded(&self) -> bool {
        self.loaded
    }

    /// The stored state, read once after the object started (it may have been evicted); state
    /// gained meanwhile (a rotated refresh token not yet written) wins over the stored copy.
    pub fn load(&mut self, stored: Option<StoredTokens>) {
        if self.loaded {
            return; // another request loaded it while this one awaited storage
        }
        self.loaded = true;
        let Some(s) = stored else { return };
        self.generation = self.generation.max(s.generation);
        if self.refresh.is_none() {
            self.refresh = s.refresh_token.map(RefreshToken::new);
            self.refresh_expires_at_ms = s.refresh_expires_at_ms;
        }
        if let (None, Some(token), Some(api_base)) = (&self.held, s.access_token, s.api_base) {
            self.held = Some(HeldToken {
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

    fn usable(&self, now: u64) -> Option<&HeldToken> {
        self.held
            .as_ref()
            .filter(|h| h.life.freshness(now) != Freshness::Expired)
    }

    /// The credential's health for operators (never a token).
    pub fn status(&self, credential: &str, provider: &str, now: u64) -> CredentialStatus {
        let usable = self.usable(now);
        let state = match &self.blocked {
            Some((f, until)) if now < *until => f.code,
            _ if self.leading => "refreshing",
            _ if usable.is_some() => "valid",
            _ => "idle",
        };
        CredentialStatus {
            credential: credential.to_owned(),
            provider: provider.to_owned(),
            state: state.to_owned(),
            expires_in_s: usable.map(|h| h.life.expires_at_ms.saturating_sub(now) / 1000),
            scopes: usable.map(|h| h.scopes.clone()).unwrap_or_default(),
            upstream_token_calls: self.upstream_calls,
            last_refresh_ms: self.last_refresh_ms,
            last_error: self.last_error.map(str::to_owned),
            holds_refresh_token: self.refresh.is_some(),
            problem: self.last_problem.clone(),
            account: self.held.as_ref().and_then(|h| h.account.clone()),
        }
    }
}

mod verdict;
pub use verdict::{partner_verdict, PartnerVerdict};

#[cfg(test)]
mod tests;
