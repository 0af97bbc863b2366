//! What a page sends to start an onboarding and to import or bind its locations. The
//! organization always comes from the session, never from a body.

use super::return_pages::pick_return_page;
use crate::contract::stream::{BindOnboardingLocation, IngestOnboardingLocation, IntegrationType};
use serde::{Deserialize, Serialize};

/// `POST /api/onboarding`: what the page asks for. The organization comes from the session.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct StartRequest {
    /// The platform to connect (`square`, `toast`, `ubereats`, ...).
    #[cfg_attr(feature = "openapi", schemars(regex(pattern = r"^[a-z0-9_-]{1,64}$")))]
    pub source: String,
    /// `pos` or `dsp`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schemars(schema_with = "integration_type_input"))]
    pub kind: IntegrationType,
    /// Which allowlisted page the merchant comes back to (default: the first).
    #[serde(default)]
    pub return_page: Option<String>,
}

/// A start request's `type`: only the documented values are accepted.
#[cfg(feature = "openapi")]
fn integration_type_input(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let known: Vec<&str> = IntegrationType::KNOWN.iter().map(|k| k.as_str()).collect();
    schemars::json_schema!({ "type": "string", "enum": known })
}

/// Why a start request is refused (each a stable code).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum StartError {
    /// `source` is not 1–64 of `a–z 0–9 _ -`.
    #[error("invalid_source")]
    Source,
    /// `type` is not `pos` or `dsp`.
    #[error("invalid_type")]
    Type,
    /// `return_page` is not exactly one of the configured pages.
    #[error("return_page_not_allowed")]
    ReturnPage,
}

impl StartRequest {
    /// Checks the request against the allowlist; answers the return page to use.
    pub fn validate(&self, pages: &[String]) -> Result<String, StartError> {
        let source_ok = (1..=64).contains(&self.source.len())
            && self
                .source
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-');
        if !source_ok {
            return Err(StartError::Source);
        }
        if matches!(self.kind, IntegrationType::Other(_)) {
            return Err(StartError::Type);
        }
        pick_return_page(pages, self.return_page.as_deref()).ok_or(StartError::ReturnPage)
    }
}

/// `POST /api/onboarding/{id}/locations/ingest`: POS locations to import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "openapi",
    derive(schemars::JsonSchema),
    schemars(
        description = "Request bodies that are not a core type of their own: `{\"locations\": [...]}`."
    )
)]
pub struct IngestRequest {
    /// POS locations to import (1 to 500), upserted by `external_id`.
    #[cfg_attr(feature = "openapi", schemars(length(min = 1, max = 500)))]
    pub locations: Vec<IngestOnboardingLocation>,
}

/// `POST /api/onboarding/{id}/locations/bind`: DSP locations to bind to POS locations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(
    feature = "openapi",
    derive(schemars::JsonSchema),
    schemars(description = "")
)]
pub struct BindRequest {
    /// DSP-to-POS bindings (1 to 500).
    #[cfg_attr(feature = "openapi", schemars(length(min = 1, max = 500)))]
    pub locations: Vec<BindOnboardingLocation>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn start_requests_are_validated() {
        let pages = ["https://portal.example/onboarding/done".to_owned()];
        let req = |source: &str, kind: &str| -> Result<String, StartError> {
            let r: StartRequest =
                serde_json::from_value(serde_json::json!({"source": source, "type": kind}))
                    .unwrap();
            r.validate(&pages)
        };
        assert!(req("square", "pos").is_ok());
        assert_eq!(req("Square POS", "pos").unwrap_err(), StartError::Source);
        assert_eq!(req("square", "kiosk").unwrap_err(), StartError::Type);
        let r: StartRequest = serde_json::from_value(
            serde_json::json!({"source":"s","type":"dsp","return_page":"https://evil.example"}),
        )
        .unwrap();
        assert_eq!(r.validate(&pages).unwrap_err(), StartError::ReturnPage);
        assert!(
            serde_json::from_value::<StartRequest>(
                serde_json::json!({"source":"s","type":"pos","org_id":"x"})
            )
            .is_err(),
            "no org from the body"
        );
    }

    #[test]
    fn location_bodies_take_only_their_list() {
        let ingest: IngestRequest = serde_json::from_str(
            r#"{"locations":[{"external_id":"e1","name":"Main","address":"1 Road"}]}"#,
        )
        .unwrap();
        assert_eq!(ingest.locations[0].external_id, "e1");
        let bind: BindRequest = serde_json::from_str(
            r#"{"locations":[{"dsp_location_id":"loc_3","pos_location_id":"loc_1"}]}"#,
        )
        .unwrap();
        assert_eq!(
            serde_json::to_string(&bind).unwrap(),
            r#"{"locations":[{"dsp_location_id":"loc_3","pos_location_id":"loc_1"}]}"#
        );
        // The onboarding comes from the path, the organization from the session.
        for extra in [r#""onboarding_id":"onb_2""#, r#""org_id":"o""#] {
            let body = format!(r#"{{"locations":[],{extra}}}"#);
            assert!(
                serde_json::from_str::<IngestRequest>(&body).is_err(),
                "{body}"
            );
            assert!(
                serde_json::from_str::<BindRequest>(&body).is_err(),
                "{body}"
            );
        }
    }
}
