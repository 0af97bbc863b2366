//! What the browser is answered about onboardings: an onboarding's view, and the start answer.

use crate::contract::stream::{IntegrationType, Onboarding, OnboardingStatus};
use serde::{Deserialize, Serialize};

/// An onboarding as the browser sees it: no partner-internal URLs, no codes.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct OnboardingView {
    /// Onboarding id.
    pub id: String,
    /// `pos` or `dsp` (unknown values kept).
    #[serde(rename = "type")]
    #[cfg_attr(feature = "ts", ts(type = "IntegrationType"))]
    pub kind: IntegrationType,
    /// The platform connected, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `pending`, `active`, `revoked`, `failed` (unknown values kept).
    #[cfg_attr(feature = "ts", ts(type = "OnboardingStatus"))]
    pub status: OnboardingStatus,
    /// The merchant at the source platform, once active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<String>,
    /// The integration created on completion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_id: Option<String>,
}

impl From<&Onboarding> for OnboardingView {
    fn from(o: &Onboarding) -> Self {
        Self {
            id: o.id.clone(),
            kind: o.r#type.clone(),
            source: o.source.clone(),
            status: o.status.clone(),
            merchant_id: o.merchant_id.clone(),
            integration_id: o.integration_id.clone(),
        }
    }
}

impl OnboardingView {
    /// Whether watching can stop: `active`, `revoked` or `failed` (`active` can still be revoked,
    /// but nothing the merchant does moves it). Unknown statuses are not terminal.
    pub fn is_terminal(&self) -> bool {
        self.status.is_terminal()
    }
}

/// `POST /api/onboarding` answer.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct StartResponse {
    /// The new onboarding (`pending`).
    pub onboarding: OnboardingView,
    /// Where to send the merchant to authorize at the partner.
    pub entry_url: String,
}
