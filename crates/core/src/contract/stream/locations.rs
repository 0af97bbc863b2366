//! Stream's locations: the listing of an onboarding's locations, POS ingest and DSP-to-POS
//! binding.

use super::values::IntegrationType;
use serde::{Deserialize, Serialize};

/// "List onboarding locations" query.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListOnboardingLocationsQuery {
    /// The onboarding whose locations to list.
    pub onboarding_id: String,
}

/// A location (POS or DSP) as Stream lists it. Only the id is required: the document's example
/// shows `name` and `type`, but a real answer without them must not turn every location call
/// into an error. Fields the document does not name are not modelled here: the worker checks a
/// listing against this type and then passes the partner's own bytes on, so they reach the
/// caller as they came.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Location {
    /// Location id.
    #[serde(rename = "_id")]
    pub id: String,
    /// Display name, when the partner gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Postal address, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `pos` or `dsp`, when the partner says.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "IntegrationType"))]
    pub r#type: Option<IntegrationType>,
    /// The location's id at the source platform.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_id: Option<String>,
    /// The onboarding that provisioned it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub onboarding_id: Option<String>,
    /// For a DSP location, the POS location it is bound to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bound_pos_location_id: Option<String>,
}

impl Location {
    /// Whether the partner says this is a location of `kind`.
    pub fn is(&self, kind: &IntegrationType) -> bool {
        self.r#type.as_ref() == Some(kind)
    }
}

/// `{"locations":[...]}`: the answer of every location listing.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct LocationsResponse {
    /// The locations.
    #[serde(default)]
    pub locations: Vec<Location>,
}

/// One location imported from the POS (IngestOnboardingLocation).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct IngestOnboardingLocation {
    /// The location's id at the POS.
    pub external_id: String,
    /// Display name.
    pub name: String,
    /// Postal address.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
}

/// "Ingest POS locations" request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IngestLocationsRequest {
    /// An active POS onboarding.
    pub onboarding_id: String,
    /// The locations to import (upserted by `external_id`).
    pub locations: Vec<IngestOnboardingLocation>,
}

/// One DSP-to-POS binding (BindOnboardingLocation).
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct BindOnboardingLocation {
    /// A location of the DSP onboarding.
    pub dsp_location_id: String,
    /// A POS location of the same organization.
    pub pos_location_id: String,
}

/// "Bind DSP locations" request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindLocationsRequest {
    /// An active DSP onboarding.
    pub onboarding_id: String,
    /// The bindings.
    pub locations: Vec<BindOnboardingLocation>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_shapes() {
        let loc = Location {
            id: "loc_1".into(),
            name: Some("Main".into()),
            address: None,
            r#type: Some(IntegrationType::Dsp),
            external_id: Some("e1".into()),
            onboarding_id: Some("onb_1".into()),
            bound_pos_location_id: None,
        };
        assert_eq!(
            serde_json::to_string(&loc).unwrap(),
            r#"{"_id":"loc_1","name":"Main","type":"dsp","external_id":"e1","onboarding_id":"onb_1"}"#
        );
        // A real answer without name or type, with fields the document does not name: read.
        let bare: Location = serde_json::from_str(
            r#"{"_id":"64a1f0c2e4b0a1b2c3d4e5f6","timezone":"Europe/Vienna","geo":{"lat":48.2}}"#,
        )
        .unwrap();
        assert_eq!((bare.name.as_deref(), bare.r#type.as_ref()), (None, None));
        assert!(!bare.is(&IntegrationType::Pos));
        let bind: BindLocationsRequest = serde_json::from_str(
            r#"{"onboarding_id":"onb_2","locations":[{"dsp_location_id":"loc_3","pos_location_id":"loc_1"}]}"#,
        )
        .unwrap();
        assert_eq!(bind.locations[0].pos_location_id, "loc_1");
    }
}
