//! The test settings of `/_control/settings`: what a test changes about how partners answer.

use serde::{Deserialize, Serialize};

/// Access-token lifetimes set with `POST /_control/settings`, in seconds.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Lifetimes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) stream: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) omniretain: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) streamdiver: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) powerepos: Option<u64>,
}

/// Test settings.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Settings {
    #[serde(default)]
    pub(crate) token_lifetime_s: Lifetimes,
    /// PowerEPOS: the Partner Services URI put in tokens (`svc` and the JWT claim) instead of
    /// the sandbox's own, so tests can play a token server whose claim points elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) powerepos_service_uri: Option<String>,
    /// Stream: skip the partner's own location-ownership checks on bind, so tests see whether
    /// the worker checks first.
    #[serde(default)]
    pub(crate) skip_location_ownership: bool,
    /// Stream: answer a revoke of an already revoked onboarding with `409` (as some partners do).
    #[serde(default)]
    pub(crate) revoke_conflict: bool,
    /// Stream: the refresh token's lifetime in seconds (default 30 days), both enforced and
    /// answered as `refresh_token_expires_in`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) stream_refresh_lifetime_s: Option<u64>,
    /// Stream: the `expires_in` the answer states, whatever the real lifetime (a partner that
    /// sends a Unix timestamp where seconds belong).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) stream_stated_expires_in: Option<u64>,
    /// Stream: locations made on completion carry no `name` and no `type`, and a field the
    /// document does not name (`timezone`).
    #[serde(default)]
    pub(crate) bare_locations: bool,
    /// PowerEPOS: the `org_id` the token answer states (a partner answering for another
    /// organisation than the one asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) powerepos_answer_org_id: Option<String>,
}
