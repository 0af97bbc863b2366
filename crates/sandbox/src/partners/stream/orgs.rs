//! Organizations: `POST /stream/organizations` and `GET /stream/organizations/{id}/locations`
//! (scope `onboarding` or `legacy_onboarding`).

use super::auth::{authorize, ONBOARDING_SCOPES};
use super::data::{Org, StreamState};
use super::locations::listing;
use super::sso::check_user;
use crate::error::ApiError;
use crate::http::{json_body, query};
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gatehouse_core::contract::stream::{
    CreateOrganizationRequest, CreateOrganizationResponse, OnboardingStatus,
    OrganizationLocationsQuery,
};

pub(crate) async fn create(
    State(state): State<StreamState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, ONBOARDING_SCOPES)?;
    let req: CreateOrganizationRequest =
        json_body(&headers, &body).map_err(|e| ApiError::bad_request("invalid_request", e.0))?;
    if req.name.trim().is_empty() || req.name.chars().count() > 200 {
        return Err(ApiError::bad_request(
            "invalid_name",
            "name must be 1 to 200 characters",
        ));
    }
    if req.provider_id.trim().is_empty() || req.provider_id.chars().count() > 128 {
        return Err(ApiError::bad_request(
            "invalid_provider_id",
            "provider_id must be 1 to 128 characters",
        ));
    }
    let user = &req.user;
    check_user(
        &user.email,
        &user.full_name,
        &user.phone_number,
        user.role.as_ref(),
    )?;
    let created = state.with(|s| {
        let org_id = s.ids.next("org");
        let user_id = s.ids.next("usr");
        s.orgs.push(Org {
            id: org_id.clone(),
            name: req.name,
        });
        CreateOrganizationResponse { org_id, user_id }
    });
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

pub(crate) async fn locations(
    State(state): State<StreamState>,
    Path(org_id): Path<String>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, ONBOARDING_SCOPES)?;
    let q: OrganizationLocationsQuery =
        query(raw.as_deref()).map_err(|e| ApiError::bad_request("invalid_request", e.0))?;
    let locations = state.with(|s| {
        if !s.org_exists(&org_id) {
            return Err(ApiError::not_found(
                "org_not_found",
                "no organization with this id",
            ));
        }
        Ok(s.locations
            .iter()
            .filter(|r| r.org_id == org_id)
            .filter(|r| {
                r.location
                    .onboarding_id
                    .as_ref()
                    .and_then(|id| s.onboardings.get(id))
                    .is_some_and(|o| o.status == OnboardingStatus::Active)
            })
            .filter(|r| q.location_id.as_ref().is_none_or(|id| *id == r.location.id))
            .map(|r| r.location.clone())
            .collect())
    })?;
    Ok(listing(&state, locations))
}
