//! Onboarding integrations under `/stream/onboarding/integrations` (scope `onboarding` or
//! `legacy_onboarding`): init returns an `entry_url` (the consent page in `pages`), status,
//! complete with the consent `code`, revoke.

use super::auth::{authorize, ONBOARDING_SCOPES};
use super::data::{LocationRecord, StreamData, StreamState};
use crate::clock::now_ms;
use crate::error::ApiError;
use crate::http::json_body;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gatehouse_core::contract::stream::{
    CompleteOnboardingRequest, InitOnboardingRequest, InitOnboardingResponse, IntegrationType,
    Location, Onboarding, OnboardingStatus,
};

fn invalid(e: crate::http::BadInput) -> ApiError {
    ApiError::bad_request("invalid_request", e.0)
}

pub(crate) fn onboarding_not_found() -> ApiError {
    ApiError::not_found("onboarding_not_found", "no onboarding with this id")
}

/// Whether `url` is an absolute http(s) URL.
fn is_return_url(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.has_host())
}

pub(crate) async fn init(
    State(state): State<StreamState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, ONBOARDING_SCOPES)?;
    let req: InitOnboardingRequest = json_body(&headers, &body).map_err(invalid)?;
    if req.source.trim().is_empty() || req.source.chars().count() > 64 {
        return Err(ApiError::bad_request(
            "invalid_source",
            "source must be 1 to 64 characters",
        ));
    }
    if !req.r#type.is_known() {
        return Err(ApiError::bad_request(
            "invalid_type",
            "type must be pos or dsp",
        ));
    }
    if !is_return_url(&req.return_url) {
        return Err(ApiError::bad_request(
            "invalid_return_url",
            "return_url must be an absolute http or https URL",
        ));
    }
    let public_url = state.public_url().to_owned();
    let onboarding = state.with(|s| {
        if !s.org_exists(&req.org_id) {
            return Err(ApiError::not_found(
                "org_not_found",
                "no organization with this org_id",
            ));
        }
        let id = s.ids.next("onb");
        let onboarding = Onboarding {
            entry_url: Some(format!("{public_url}/consent/{id}")),
            id: id.clone(),
            org_id: req.org_id,
            merchant_id: None,
            r#type: req.r#type,
            status: OnboardingStatus::Pending,
            partner_id: Some(crate::credentials::STREAM_PARTNER_ID.to_owned()),
            partner_org_id: None,
            source: Some(req.source),
            return_url: Some(req.return_url),
            integration_id: None,
        };
        s.onboardings.insert(id, onboarding.clone());
        Ok(onboarding)
    })?;
    Ok((
        StatusCode::CREATED,
        Json(InitOnboardingResponse { onboarding }),
    )
        .into_response())
}

pub(crate) async fn status(
    State(state): State<StreamState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, ONBOARDING_SCOPES)?;
    state
        .counters()
        .with(|c| *c.status_calls.entry(id.clone()).or_insert(0) += 1);
    let onboarding = state.with(|s| s.onboardings.get(&id).cloned());
    Ok(Json(onboarding.ok_or_else(onboarding_not_found)?).into_response())
}

pub(crate) async fn complete(
    State(state): State<StreamState>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, ONBOARDING_SCOPES)?;
    let req: CompleteOnboardingRequest = json_body(&headers, &body).map_err(invalid)?;
    // A test setting: locations as a terser partner sends them (no name, no type, a field the
    // document does not name).
    let bare = state.settings(|s| s.bare_locations);
    let onboarding = state.with(|s| {
        let status = s
            .onboardings
            .get(&id)
            .map(|o| o.status.clone())
            .ok_or_else(onboarding_not_found)?;
        if status != OnboardingStatus::Pending {
            return Err(ApiError::conflict(
                "invalid_state",
                format!("onboarding is {status}, only a pending onboarding can be completed"),
            ));
        }
        let now = now_ms();
        let valid = s
            .consent_codes
            .get(&req.code)
            .is_some_and(|c| c.onboarding_id == id && c.expires_at_ms > now);
        if !valid {
            return Err(ApiError::bad_request(
                "invalid_code",
                "code is not the one issued for this onboarding, or it expired or was used",
            ));
        }
        s.consent_codes.remove(&req.code);
        activate(s, &id, bare).ok_or_else(onboarding_not_found)
    })?;
    Ok(Json(onboarding).into_response())
}

/// Makes a pending onboarding active: ids at the source platform and two locations of the
/// onboarding's type (`bare`: without name and type).
fn activate(s: &mut StreamData, id: &str, bare: bool) -> Option<Onboarding> {
    let merchant_id = s.ids.next("mer");
    let integration_id = s.ids.next("int");
    let partner_org_id = s.ids.next("porg");
    let onboarding = s.onboardings.get(id)?.clone();
    let kind = match onboarding.r#type {
        IntegrationType::Dsp => "DSP",
        _ => "POS",
    };
    let source = onboarding.source.clone().unwrap_or_default();
    for n in 1..=2 {
        let location = Location {
            id: s.ids.next("loc"),
            name: (!bare).then(|| format!("{source} {kind} location {n}")),
            address: Some(format!("{n} Sandbox Street, Testville")),
            r#type: (!bare).then(|| onboarding.r#type.clone()),
            external_id: Some(format!("{merchant_id}-{n}")),
            onboarding_id: Some(id.to_owned()),
            bound_pos_location_id: None,
        };
        s.locations.push(LocationRecord {
            org_id: onboarding.org_id.clone(),
            location,
        });
    }
    let stored = s.onboardings.get_mut(id)?;
    stored.status = OnboardingStatus::Active;
    stored.merchant_id = Some(merchant_id);
    stored.integration_id = Some(integration_id);
    stored.partner_org_id = Some(partner_org_id);
    Some(stored.clone())
}

pub(crate) async fn revoke(
    State(state): State<StreamState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, ONBOARDING_SCOPES)?;
    let conflict = state.settings(|s| s.revoke_conflict)
        && state.with(|s| {
            s.onboardings
                .get(&id)
                .is_some_and(|o| o.status == OnboardingStatus::Revoked)
        });
    if conflict {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "already_revoked",
            "this integration is revoked already",
        ));
    }
    let onboarding = state.with(|s| {
        let stored = s.onboardings.get_mut(&id)?;
        stored.status = OnboardingStatus::Revoked;
        let onboarding = stored.clone();
        s.consent_codes.retain(|_, c| c.onboarding_id != id);
        Some(onboarding)
    });
    Ok(Json(onboarding.ok_or_else(onboarding_not_found)?).into_response())
}
