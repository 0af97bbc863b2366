//! Partner tokens (`getPartnerTokens`, `createPartnerToken`, `renamePartnerToken`,
//! `deletePartnerToken`) under `/stream/partner-tokens`; scope `user`.

use super::auth::authorize;
use super::data::StreamState;
use crate::clock::{now_s, rfc3339};
use crate::error::ApiError;
use crate::http::{json_body, query};
use crate::secrets::random_token;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use gatehouse_core::contract::stream::{
    CreatePartnerTokenRequest, ListPartnerTokensQuery, PartnerToken, RenamePartnerTokenRequest,
    Scope,
};

const NEEDS: &[Scope] = &[Scope::User];

fn invalid(e: crate::http::BadInput) -> ApiError {
    ApiError::bad_request("invalid_request", e.0)
}

fn check_name(name: &str) -> Result<(), ApiError> {
    if name.trim().is_empty() || name.chars().count() > 128 {
        return Err(ApiError::bad_request(
            "invalid_token_name",
            "token_name must be 1 to 128 characters",
        ));
    }
    Ok(())
}

fn org_not_found() -> ApiError {
    ApiError::not_found("org_not_found", "no organization with this org_id")
}

fn token_not_found() -> ApiError {
    ApiError::not_found("token_not_found", "no partner token with this id")
}

pub(crate) async fn list(
    State(state): State<StreamState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, NEEDS)?;
    let q: ListPartnerTokensQuery = query(raw.as_deref()).map_err(invalid)?;
    let tokens = state.with(|s| {
        if !s.org_exists(&q.org_id) {
            return Err(org_not_found());
        }
        Ok(s.partner_tokens
            .iter()
            .filter(|t| t.org_id == q.org_id)
            .cloned()
            .collect::<Vec<_>>())
    })?;
    Ok(Json(tokens).into_response())
}

pub(crate) async fn create(
    State(state): State<StreamState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, NEEDS)?;
    let req: CreatePartnerTokenRequest = json_body(&headers, &body).map_err(invalid)?;
    check_name(&req.token_name)?;
    if req.scopes.is_empty() {
        return Err(ApiError::bad_request(
            "invalid_scope",
            "scopes must not be empty",
        ));
    }
    if req.scopes.iter().any(|s| !s.is_known()) {
        return Err(ApiError::bad_request(
            "invalid_scope",
            "scopes must be among user, onboarding, legacy_onboarding, sso",
        ));
    }
    let mut scopes: Vec<Scope> = Vec::new();
    for scope in req.scopes {
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    let secret = random_token();
    let created = state.with(|s| {
        if !s.org_exists(&req.org_id) {
            return Err(org_not_found());
        }
        let token = PartnerToken {
            id: s.ids.next("ptk"),
            org_id: req.org_id,
            token_name: req.token_name,
            scopes,
            created_at: Some(rfc3339(now_s())),
            token: None,
        };
        s.partner_tokens.push(token.clone());
        Ok(token)
    })?;
    // The secret value is shown this once and not kept.
    let shown = PartnerToken {
        token: Some(secret),
        ..created
    };
    Ok((StatusCode::CREATED, Json(shown)).into_response())
}

pub(crate) async fn rename(
    State(state): State<StreamState>,
    Path(token_id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, ApiError> {
    authorize(&state, &headers, NEEDS)?;
    let req: RenamePartnerTokenRequest = json_body(&headers, &body).map_err(invalid)?;
    check_name(&req.token_name)?;
    let token = state.with(|s| {
        let token = s
            .partner_tokens
            .iter_mut()
            .find(|t| t.id == token_id)
            .ok_or_else(token_not_found)?;
        token.token_name = req.token_name;
        Ok::<_, ApiError>(token.clone())
    })?;
    Ok(Json(token).into_response())
}

pub(crate) async fn delete(
    State(state): State<StreamState>,
    Path(token_id): Path<String>,
    headers: HeaderMap,
) -> Result<StatusCode, ApiError> {
    authorize(&state, &headers, NEEDS)?;
    state.with(|s| {
        let before = s.partner_tokens.len();
        s.partner_tokens.retain(|t| t.id != token_id);
        if s.partner_tokens.len() == before {
            Err(token_not_found())
        } else {
            Ok(StatusCode::NO_CONTENT)
        }
    })
}
