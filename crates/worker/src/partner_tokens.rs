//! Stream's partner tokens (seed 000: getPartnerTokens, createPartnerToken, renamePartnerToken,
//! deletePartnerToken) for operators (`ADMIN_API_KEY`), through the Stream credential the
//! onboarding uses:
//!
//! | route | what |
//! |---|---|
//! | `GET /api/admin/partner-tokens?org_id=…` | the organization's tokens (never a token value) |
//! | `POST /api/admin/partner-tokens` `{org_id, token_name, scopes}` | `201` with the new token's value, shown this once |
//! | `PATCH /api/admin/partner-tokens/{token_id}` `{token_name}` | renamed |
//! | `DELETE /api/admin/partner-tokens/{token_id}` | `204` |
//!
//! A created token's value is answered once with `Cache-Control: no-store`, remembered by the log
//! redaction of this isolate, and never stored or logged by Gatehouse.

use crate::error::{ApiError, ErrorCode};
use crate::onboarding::partner::Stream;
use gatehouse_core::contract::stream::{
    CreatePartnerTokenRequest, PartnerTokenInputError, RenamePartnerTokenRequest,
};
use gatehouse_core::contract::stream_paths::StreamPaths;
use gatehouse_core::routes::RouteId;
use gatehouse_core::session::valid_id;
use worker::{Env, Request, Response};

/// Largest accepted body.
const MAX_BODY: usize = 4 * 1024;

fn refused(e: PartnerTokenInputError) -> ApiError {
    ApiError::Refused(match e {
        PartnerTokenInputError::Id => ErrorCode::InvalidId,
        PartnerTokenInputError::Name => ErrorCode::InvalidTokenName,
        _ => ErrorCode::InvalidScopes,
    })
}

fn parse<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(body).map_err(|e| ApiError::InvalidRequest(format!("body: {e}")))
}

/// The partner's answer as JSON, every `token` value removed (listings and renames never show
/// one). The records are passed on otherwise as they came (no typed round trip: smaller wasm).
fn without_values(bytes: &[u8]) -> Result<serde_json::Value, ApiError> {
    let mut v: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| ApiError::PartnerUnavailable(format!("partner tokens answer: {e}")))?;
    match &mut v {
        serde_json::Value::Array(list) => list.iter_mut().for_each(strip),
        other => strip(other),
    }
    Ok(v)
}

fn strip(v: &mut serde_json::Value) {
    if let Some(o) = v.as_object_mut() {
        o.remove("token");
    }
}

/// Dispatches `/api/admin/partner-tokens[/{token_id}]`.
pub async fn route(
    mut req: Request,
    env: &Env,
    route: RouteId,
    id: &str,
) -> Result<Response, ApiError> {
    let stream = Stream::new(env)?;
    let paths: &StreamPaths = stream.paths();
    match route {
        RouteId::ListPartnerTokens => {
            let query = crate::http::query(&req).unwrap_or_default();
            let org_id = form_urlencoded::parse(query.as_bytes())
                .find(|(k, _)| k == "org_id")
                .map(|(_, v)| v.into_owned())
                .filter(|o| valid_id(o))
                .ok_or(ApiError::Refused(ErrorCode::InvalidId))?;
            let enc: String = form_urlencoded::byte_serialize(org_id.as_bytes()).collect();
            let path = format!("{}?org_id={enc}", paths.partner_tokens);
            // A listing never carries a value, whatever the partner sends.
            let tokens = without_values(&stream.call("GET", &path, None).await?)?;
            Ok(crate::http::json(200, &tokens))
        }
        RouteId::CreatePartnerToken => {
            let body = crate::body::read_json_capped(&mut req, MAX_BODY).await?;
            let create: CreatePartnerTokenRequest = parse(&body)?;
            create.validate().map_err(refused)?;
            // The checked body goes on as it came (its fields are exactly the documented ones).
            let answer = stream
                .call("POST", &paths.partner_tokens, Some(body))
                .await?;
            let created: serde_json::Value = serde_json::from_slice(&answer)
                .map_err(|e| ApiError::PartnerUnavailable(format!("partner tokens answer: {e}")))?;
            if let Some(value) = created.get("token").and_then(|t| t.as_str()) {
                crate::log::remember_secret(value);
            }
            Ok(crate::http::json_text(201, answer))
        }
        RouteId::RenamePartnerToken => {
            if !valid_id(id) {
                return Err(ApiError::Refused(ErrorCode::TokenNotFound));
            }
            let body = crate::body::read_json_capped(&mut req, MAX_BODY).await?;
            let rename: RenamePartnerTokenRequest = parse(&body)?;
            rename.validate().map_err(refused)?;
            let answer = stream
                .call("PATCH", &paths.partner_token(id), Some(body))
                .await?;
            Ok(crate::http::json(200, &without_values(&answer)?))
        }
        RouteId::DeletePartnerToken => {
            if !valid_id(id) {
                return Err(ApiError::Refused(ErrorCode::TokenNotFound));
            }
            stream
                .call("DELETE", &paths.partner_token(id), None)
                .await?;
            let mut resp = Response::empty()?.with_status(204);
            let _ = resp.headers_mut().set("cache-control", "no-store");
            Ok(resp)
        }
        _ => Err(ApiError::NotFound),
    }
}
