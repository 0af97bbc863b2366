//! The control surface for tests, under `/_control`: reset, counters, faults, settings and
//! credential revocation. Not part of any partner's API; never faulted or counted.

use crate::error::ApiError;
use crate::faults::FaultRule;
use crate::http::{content_type_is, describe, json_body, JSON};
use crate::secrets;
use crate::settings::Settings;
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

pub(crate) fn routes() -> Router<AppState> {
    Router::new()
        .route("/_control/health", get(health))
        .route("/_control/reset", post(reset))
        .route("/_control/counters", get(counters))
        .route(
            "/_control/faults",
            get(list_faults).post(add_faults).delete(clear_faults),
        )
        .route("/_control/settings", get(get_settings).post(set_settings))
        .route("/_control/revoke-credential", post(revoke_credential))
        .route("/_control/service-password", post(service_password))
        .route("/_control/issued", get(issued))
        .route("/_control/organizations", get(organizations))
}

fn bad(message: impl Into<String>) -> ApiError {
    ApiError::bad_request("invalid_request", message)
}

async fn health() -> Json<Value> {
    Json(json!({ "ok": true, "service": "gatehouse-sandbox" }))
}

/// Every token and code issued since start, for leak scans.
async fn issued() -> Json<Vec<String>> {
    Json(secrets::issued())
}

/// Stream's organizations as the partner's dashboard would show them (id and name).
async fn organizations(State(state): State<AppState>) -> Json<Value> {
    Json(state.stream.with(|s| {
        Value::Array(
            s.orgs
                .iter()
                .map(|o| json!({ "org_id": o.id, "name": o.name }))
                .collect(),
        )
    }))
}

async fn reset(State(state): State<AppState>) -> StatusCode {
    state.reset();
    StatusCode::NO_CONTENT
}

async fn counters(State(state): State<AppState>) -> impl IntoResponse {
    Json(state.faults.counters.with(|c| c.clone()))
}

/// One rule or an array of rules.
#[derive(Deserialize)]
#[serde(untagged)]
enum Rules {
    Many(Vec<FaultRule>),
    One(FaultRule),
}

async fn list_faults(State(state): State<AppState>) -> impl IntoResponse {
    Json(state.faults.rules.with(|r| r.clone()))
}

async fn add_faults(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    if !content_type_is(&headers, JSON) {
        return Err(bad("Content-Type must be application/json"));
    }
    let value: Value = serde_json::from_slice(&body).map_err(|e| bad(describe(&e)))?;
    let rules = match serde_json::from_value::<Rules>(value) {
        Ok(Rules::Many(rules)) => rules,
        Ok(Rules::One(rule)) => vec![rule],
        Err(_) => {
            return Err(bad(
                "expected a fault rule or an array of them: {route, status?, latency_ms?, hold_answer_ms?, slow_body_ms?, body?: json|malformed|html|empty|reset, retry_after?, times?}",
            ))
        }
    };
    for rule in &rules {
        rule.validate().map_err(bad)?;
    }
    let all = state.faults.rules.with(|all| {
        all.extend(rules);
        all.clone()
    });
    Ok(Json(all))
}

async fn clear_faults(State(state): State<AppState>) -> StatusCode {
    state.faults.rules.with(Vec::clear);
    StatusCode::NO_CONTENT
}

async fn get_settings(State(state): State<AppState>) -> impl IntoResponse {
    Json(state.settings.with(|s| s.clone()))
}

/// Merges the given lifetimes into the current ones.
async fn set_settings(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let new: Settings = json_body(&headers, &body).map_err(|e| {
        bad(format!(
            "{}; expected {{\"token_lifetime_s\":{{\"stream\"|\"omniretain\"|\"streamdiver\"|\"powerepos\": seconds}}, \"powerepos_service_uri\"?: url, \"skip_location_ownership\"?: bool, \"revoke_conflict\"?: bool, \"stream_refresh_lifetime_s\"?: seconds, \"stream_stated_expires_in\"?: seconds, \"powerepos_answer_org_id\"?: string, \"bare_locations\"?: bool}}",
            e.0
        ))
    })?;
    let merged = state.settings.with(|s| {
        let current = &mut s.token_lifetime_s;
        let given = new.token_lifetime_s;
        current.stream = given.stream.or(current.stream);
        current.omniretain = given.omniretain.or(current.omniretain);
        current.streamdiver = given.streamdiver.or(current.streamdiver);
        current.powerepos = given.powerepos.or(current.powerepos);
        if new.powerepos_service_uri.is_some() {
            s.powerepos_service_uri = new.powerepos_service_uri;
        }
        s.skip_location_ownership = new.skip_location_ownership;
        s.revoke_conflict = new.revoke_conflict;
        // These three apply while set: each POST states them anew (absent = the partner's own).
        s.stream_refresh_lifetime_s = new.stream_refresh_lifetime_s;
        s.stream_stated_expires_in = new.stream_stated_expires_in;
        s.powerepos_answer_org_id = new.powerepos_answer_org_id;
        s.bare_locations = new.bare_locations;
        s.clone()
    });
    Ok(Json(merged))
}

#[derive(Deserialize)]
struct ServicePassword {
    org_id: String,
    password: String,
}

/// A PowerEPOS organisation's owner changes its service account's password: the old one and
/// every token of the account stop working (what a connection's update mode recovers from).
async fn service_password(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let req: ServicePassword = json_body(&headers, &body).map_err(|e| bad(e.0))?;
    if req.password.is_empty() {
        return Err(bad("password must not be empty"));
    }
    let dropped = state.change_service_password(&req.org_id, &req.password);
    Ok(Json(
        json!({ "org_id": req.org_id, "revoked_tokens": dropped }),
    ))
}

#[derive(Deserialize)]
struct RevokeCredential {
    client_id: String,
}

/// Invalidates every refresh token issued to a client, in every partner.
async fn revoke_credential(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<impl IntoResponse, ApiError> {
    let req: RevokeCredential = json_body(&headers, &body).map_err(|e| bad(e.0))?;
    let revoked = state.revoke_refresh_tokens(&req.client_id);
    Ok(Json(
        json!({ "client_id": req.client_id, "revoked_refresh_tokens": revoked }),
    ))
}
