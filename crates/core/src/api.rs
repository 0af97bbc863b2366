//! Gatehouse's own HTTP API types, shared by the worker (which serialises them) and the
//! browser crate (which deserialises them), so both ends agree by construction.

use crate::contract::stream::OnboardingStatus;
use serde::{Deserialize, Serialize};

/// `GET /api/health`: liveness and version of the deployed worker.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Health {
    /// Always `"ok"` when the worker answers.
    pub status: String,
    /// The service name, `"gatehouse"`.
    pub service: String,
    /// The crate version of the worker build.
    pub version: String,
    /// The deployment mode from configuration (`development`, `staging`, `production`).
    pub mode: String,
}

/// The body of every error Gatehouse answers with: a stable machine-readable `code` and a
/// human-readable `message`. Internal details are logged (redacted), never sent.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    /// Stable error code, e.g. `not_found`, `unauthorized`, `partner_unavailable`.
    pub code: String,
    /// Human-readable explanation, safe to show.
    pub message: String,
    /// Whether retrying the same request later may succeed (partner faults, rate limits).
    #[serde(default)]
    pub retryable: bool,
    /// The fields a refusal is about (`invalid_fields`, `invalid_credentials`, `invalid_tenant`),
    /// each with its own code and sentence; absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<crate::connections::FieldProblem>,
}

/// `GET /api/admin/credentials/{id}`: the health of one configured partner credential, as an
/// operator sees it. Never carries a token or a secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CredentialStatus {
    /// The credential's configured id (also the name of its Durable Object).
    pub credential: String,
    /// The partner (`stream`, `omniretain`, `streamdiver`, `powerepos`).
    pub provider: String,
    /// `valid` or `refreshing` when a usable token is held, `idle` before the first use, else
    /// the failure class that holds the credential (`needs_reauth`, `misconfigured`).
    pub state: String,
    /// Seconds until the held access token expires, when one is held.
    pub expires_in_s: Option<u64>,
    /// Scopes granted with the held token.
    pub scopes: Vec<String>,
    /// Upstream token calls this credential's Durable Object has made since it started.
    pub upstream_token_calls: u64,
    /// When the last token was obtained (Unix milliseconds).
    #[serde(default)]
    pub last_refresh_ms: Option<u64>,
    /// The class of the last failure (`needs_reauth`, `misconfigured`, `partner_unavailable`,
    /// `storage_unavailable`), cleared by the next success.
    #[serde(default)]
    pub last_error: Option<String>,
    /// Whether a refresh token is held (never the token itself).
    #[serde(default)]
    pub holds_refresh_token: bool,
    /// What is wrong, when the credential cannot work: its configuration does not load (a
    /// missing secret by name, a bad field; the other credentials are unaffected), or the partner's
    /// last answer was refused for a reason an operator must fix (a service URI off the allowlist,
    /// a token without the service claim, an answer for another organisation). Never a secret.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub problem: Option<String>,
    /// The account the partner issued the token for, where it says (OmniRetain: the company and
    /// the API user's id; nothing personal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<crate::tokens::grant::Account>,
}

impl CredentialStatus {
    /// The status of a credential whose configuration does not load: `misconfigured`, with the
    /// problem (which names secrets, never holds one).
    pub fn unloadable(credential: &str, problem: String) -> Self {
        Self {
            credential: credential.to_owned(),
            provider: String::new(),
            state: "misconfigured".into(),
            expires_in_s: None,
            scopes: Vec::new(),
            upstream_token_calls: 0,
            last_refresh_ms: None,
            last_error: Some("misconfigured".into()),
            holds_refresh_token: false,
            problem: Some(problem),
            account: None,
        }
    }

    /// The status of a credential whose Durable Object could not answer: its state and last error
    /// are the failure's code.
    pub fn failing(credential: &str, code: &str) -> Self {
        Self {
            provider: String::new(),
            state: code.to_owned(),
            last_error: Some(code.to_owned()),
            problem: None,
            ..Self::unloadable(credential, String::new())
        }
    }
}

/// `GET`/`POST /api/session`: what the browser may know about its session (never the token).
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[derive(Debug, Serialize)]
pub struct Profile<'a> {
    /// The portal user id.
    pub user_id: &'a str,
    /// Full name.
    pub full_name: &'a str,
    /// Email.
    pub email: &'a str,
    /// The partner's organization id.
    pub provider_org_id: &'a str,
    /// Role.
    pub role: &'a crate::contract::stream::Role,
    /// When the session expires (Unix seconds).
    pub expires_at: u64,
}

impl<'a> From<&'a crate::session::Session> for Profile<'a> {
    fn from(s: &'a crate::session::Session) -> Self {
        Self {
            user_id: &s.user_id,
            full_name: &s.full_name,
            email: &s.email,
            provider_org_id: &s.provider_org_id,
            role: &s.role,
            expires_at: s.expires_at,
        }
    }
}

impl OnboardingStatus {
    /// Whether an onboarding in this status is settled: `active`, `revoked` or `failed` (`active`
    /// can still be revoked, but nothing the merchant does moves it). A terminal status ends the
    /// browser's watch, is answered at once by the worker's long-poll, and is what webhook
    /// receivers are told about. Unknown statuses are not terminal.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Active | Self::Revoked | Self::Failed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract::stream::IntegrationType;
    use crate::onboarding::OnboardingView;

    #[test]
    fn terminal_statuses() {
        let terminal: Vec<&str> = OnboardingStatus::KNOWN
            .iter()
            .filter(|s| s.is_terminal())
            .map(OnboardingStatus::as_str)
            .collect();
        assert_eq!(terminal, ["active", "revoked", "failed"]);
        assert!(!OnboardingStatus::from("suspended").is_terminal());
    }

    /// `OnboardingView::is_terminal` says the same of every status.
    #[test]
    fn the_view_agrees() {
        let statuses = OnboardingStatus::KNOWN
            .iter()
            .cloned()
            .chain([OnboardingStatus::from("suspended")]);
        for status in statuses {
            let view = OnboardingView {
                id: "onb_1".into(),
                kind: IntegrationType::Pos,
                source: None,
                status: status.clone(),
                merchant_id: None,
                integration_id: None,
            };
            assert_eq!(view.is_terminal(), status.is_terminal(), "{status}");
        }
    }
}
