//! Stream's onboarding integrations: start the OAuth flow, read one, complete it with the code.

use super::values::{IntegrationType, OnboardingStatus};
use serde::{Deserialize, Serialize};

/// "Initialize OAuth integration flow" request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitOnboardingRequest {
    /// The Stream organization to connect.
    pub org_id: String,
    /// The platform to connect (e.g. a POS or DSP name).
    pub source: String,
    /// `pos` or `dsp`.
    #[serde(rename = "type")]
    pub r#type: IntegrationType,
    /// Where the merchant is sent back to after consent, with `code` (or `error`) appended.
    pub return_url: String,
}

/// "Initialize OAuth integration flow" response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InitOnboardingResponse {
    /// The new onboarding, `pending`, with its `entry_url`.
    pub onboarding: Onboarding,
}

/// An onboarding integration (the status, complete and revoke answers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Onboarding {
    /// Onboarding id.
    #[serde(rename = "_id")]
    pub id: String,
    /// The Stream organization (documented; tolerated missing).
    #[serde(default)]
    pub org_id: String,
    /// The merchant at the source platform, once active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merchant_id: Option<String>,
    /// `pos` or `dsp`.
    #[serde(rename = "type")]
    pub r#type: IntegrationType,
    /// `pending`, `active`, `revoked` or `failed`.
    pub status: OnboardingStatus,
    /// The partner that initialised the flow.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<String>,
    /// The organization at the source platform, once active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_org_id: Option<String>,
    /// The platform connected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Where to send the merchant to begin authorization.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entry_url: Option<String>,
    /// Where the merchant comes back to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub return_url: Option<String>,
    /// The integration created on completion.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integration_id: Option<String>,
}

/// "Complete OAuth integration" request: the `code` from the return URL.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompleteOnboardingRequest {
    /// The one-time code appended to `return_url`.
    pub code: String,
}
redacted_debug!(CompleteOnboardingRequest {} secret { code });

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn onboarding_uses_the_documents_field_names() {
        let wire = r#"{"_id":"onb_1","org_id":"org_1","merchant_id":"mer_1","type":"pos","status":"pending","partner_id":"p","partner_org_id":"po","source":"toast","entry_url":"https://e/consent/onb_1","return_url":"https://r/cb","integration_id":"int_1"}"#;
        let o: Onboarding = serde_json::from_str(wire).unwrap();
        assert_eq!(o.id, "onb_1");
        assert_eq!(o.r#type, IntegrationType::Pos);
        assert_eq!(o.status, OnboardingStatus::Pending);
        assert_eq!(serde_json::to_string(&o).unwrap(), wire);
        let sparse: Onboarding =
            serde_json::from_str(r#"{"_id":"x","org_id":"o","type":"kiosk","status":"paused"}"#)
                .unwrap();
        assert_eq!(sparse.r#type, IntegrationType::Other("kiosk".into()));
        assert_eq!(
            serde_json::to_string(&sparse).unwrap(),
            r#"{"_id":"x","org_id":"o","type":"kiosk","status":"paused"}"#
        );
        let wrapped: InitOnboardingResponse =
            serde_json::from_value(serde_json::json!({ "onboarding": serde_json::from_str::<serde_json::Value>(wire).unwrap() }))
                .unwrap();
        assert_eq!(wrapped.onboarding, o);
    }

    #[test]
    fn a_missing_org_id_is_tolerated_and_the_code_is_masked() {
        let onboarding: Onboarding =
            serde_json::from_str(r#"{"_id":"o1","type":"pos","status":"pending"}"#).unwrap();
        assert_eq!(onboarding.org_id, "");
        let c = CompleteOnboardingRequest {
            code: "c0de".into(),
        };
        assert!(!format!("{c:?}").contains("c0de"));
    }
}
