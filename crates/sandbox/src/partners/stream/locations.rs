//! Onboarding locations under `/stream/onboarding/locations` (scope `onboarding` or
//! `legacy_onboarding`): list, ingest (active POS onboarding), bind (active DSP onboarding).

use super::auth::{authorize, ONBOARDING_SCOPES};
use super::data::{LocationRecord, StreamData, StreamState};
use super::onboarding::onboarding_not_found;
use crate::error::ApiError;
use crate::http::{json_body, query};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use axum::Json;
use gatehouse_core::contract::stream::{
    BindLocationsRequest, IngestLocationsRequest, IntegrationType, ListOnboardingLocationsQuery,
    Location, LocationsResponse, Onboarding, OnboardingStatus,
};

fn invalid(e: crate::http::BadInput) -> ApiError {
    ApiError::bad_request("invalid_request", e.0)
}

fn of_onboarding(data: &StreamData, onboarding_id: &str) -> Vec<Location> {
    data.locations
        .iter()
        .filter(|r| r.location.onboarding_id.as_deref() == Some(onboarding_id))
        .map(|r| r.location.clone())
        .collect()
}

/// The onboarding, which must be active and of `kind`.
fn active_of_kind(
    data: &StreamData,
    id: &str,
    kind: &IntegrationType,
) -> Result<Onboarding, ApiError> {
    let onboarding = data
        .onboardings
        .get(id)
        .cloned()
        .ok_or_else(onboarding_not_found)?;
    if onboarding.status != OnboardingStatus::Active || onboarding.r#type != *kind {
        return Err(ApiError::conflict(
            "invalid_state",
            format!(
                "onboarding is a {} {} onboarding; this needs an active {kind} onboarding",
                onboarding.status, onboarding.r#type
            ),
        ));
    }
    Ok(onboarding)
}

/// A location listing. With the `bare_locations` setting each nameless location also carries a
/// field the document does not name (`timezone`), as a terser real partner's might.
pub(crate) fn listing(state: &StreamState, locations: Vec<Location>) -> Response {
    let bare = state.settings(|s| s.bare_locations);
    let mut v = serde_json::to_value(LocationsResponse { locations }).unwrap_or_default();
    if bare {
        if let Some(list) = v["locations"].as_array_mut() {
            for l in list.iter_mut().filter(|l| l.get("name").is_none()) {
                l["timezone"] = "Europe/Vienna".into();
            }
        }
    }
    Json(v).into_response()
}

pub(crate) async fn list(
    State(state): State<StreamState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, ONBOARDING_SCOPES)?;
    let q: ListOnboardingLocationsQuery = query(raw.as_deref()).map_err(invalid)?;
    let locations = state.with(|s| {
        let onboarding = s
            .onboardings
            .get(&q.onboarding_id)
            .ok_or_else(onboarding_not_found)?;
        Ok::<_, ApiError>(if onboarding.status == OnboardingStatus::Active {
            of_onboarding(s, &q.onboarding_id)
        } else {
            Vec::new()
        })
    })?;
    Ok(listing(&state, locations))
}

pub(crate) async fn ingest(
    State(state): State<StreamState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, ONBOARDING_SCOPES)?;
    let req: IngestLocationsRequest = json_body(&headers, &body).map_err(invalid)?;
    if req.locations.is_empty() {
        return Err(ApiError::bad_request(
            "invalid_request",
            "locations must not be empty",
        ));
    }
    for l in &req.locations {
        if l.external_id.trim().is_empty() || l.name.trim().is_empty() {
            return Err(ApiError::bad_request(
                "invalid_location",
                "every location needs a non-empty external_id and name",
            ));
        }
    }
    let locations = state.with(|s| {
        let onboarding = active_of_kind(s, &req.onboarding_id, &IntegrationType::Pos)?;
        for incoming in req.locations {
            let existing = s.locations.iter_mut().find(|r| {
                r.location.onboarding_id.as_deref() == Some(onboarding.id.as_str())
                    && r.location.external_id.as_deref() == Some(incoming.external_id.as_str())
            });
            match existing {
                Some(record) => {
                    record.location.name = Some(incoming.name);
                    record.location.address = incoming.address;
                }
                None => {
                    let location = Location {
                        id: s.ids.next("loc"),
                        name: Some(incoming.name),
                        address: incoming.address,
                        r#type: Some(IntegrationType::Pos),
                        external_id: Some(incoming.external_id),
                        onboarding_id: Some(onboarding.id.clone()),
                        bound_pos_location_id: None,
                    };
                    s.locations.push(LocationRecord {
                        org_id: onboarding.org_id.clone(),
                        location,
                    });
                }
            }
        }
        Ok::<_, ApiError>(of_onboarding(s, &onboarding.id))
    })?;
    Ok(Json(LocationsResponse { locations }).into_response())
}

pub(crate) async fn bind(
    State(state): State<StreamState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, ONBOARDING_SCOPES)?;
    let req: BindLocationsRequest = json_body(&headers, &body).map_err(invalid)?;
    if req.locations.is_empty() {
        return Err(ApiError::bad_request(
            "invalid_request",
            "locations must not be empty",
        ));
    }
    // Check every binding before changing anything (unless a test turned the partner's own
    // ownership checks off, to see that Gatehouse checks first).
    let skip_ownership = state.settings(|s| s.skip_location_ownership);
    let locations = state.with(|s| {
        let onboarding = active_of_kind(s, &req.onboarding_id, &IntegrationType::Dsp)?;
        let find = |id: &str| s.locations.iter().find(|r| r.location.id == id);
        for b in &req.locations {
            let dsp = find(&b.dsp_location_id).ok_or_else(|| {
                ApiError::not_found(
                    "location_not_found",
                    "no location with this dsp_location_id",
                )
            })?;
            if !skip_ownership
                && dsp.location.onboarding_id.as_deref() != Some(onboarding.id.as_str())
            {
                return Err(ApiError::bad_request(
                    "invalid_location",
                    "dsp_location_id is not a location of this onboarding",
                ));
            }
            let pos = find(&b.pos_location_id).ok_or_else(|| {
                ApiError::not_found(
                    "location_not_found",
                    "no location with this pos_location_id",
                )
            })?;
            if !pos.location.is(&IntegrationType::Pos) {
                return Err(ApiError::bad_request(
                    "invalid_location",
                    "pos_location_id is not a POS location",
                ));
            }
            if !skip_ownership && pos.org_id != onboarding.org_id {
                return Err(ApiError::bad_request(
                    "location_org_mismatch",
                    "pos_location_id belongs to another organization",
                ));
            }
        }
        for b in req.locations {
            if let Some(r) = s
                .locations
                .iter_mut()
                .find(|r| r.location.id == b.dsp_location_id)
            {
                r.location.bound_pos_location_id = Some(b.pos_location_id);
            }
        }
        Ok::<_, ApiError>(of_onboarding(s, &onboarding.id))
    })?;
    Ok(Json(LocationsResponse { locations }).into_response())
}
