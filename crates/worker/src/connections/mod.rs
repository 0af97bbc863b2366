//! Connections (docs/connections.md): a merchant's own partner credentials, made at runtime from
//! a template of `CONNECTION_TEMPLATES`. Each lives in its own `CredentialBroker` object (named
//! by its `con_` id), sealed with the connection id, next to its tokens, so every token rule
//! applies unchanged; the organization's object keeps the index of its connections.
//!
//! The routes take the organization from the verified session only; a connection of another
//! organization is answered as unknown, never as forbidden (its existence is not confirmed).

pub mod registry;

use crate::credentials::{self, BrokerMessage};
use crate::error::{ApiError, ErrorCode};
use crate::onboarding::{self, IndexEntry};
use crate::session;
use gatehouse_core::connections::{
    ConnectionId, CreateConnection, FieldValues, Template, TemplateList, Templates,
    UpdateConnection, MAX_PAGE,
};
use gatehouse_core::onboarding::Action;
use gatehouse_core::routes::RouteId;
use std::cell::RefCell;
use std::rc::Rc;
use worker::{Env, Request, Response};

/// Largest accepted body.
const MAX_BODY: usize = 16 * 1024;

thread_local! {
    /// `CONNECTION_TEMPLATES`, parsed once per isolate (vars change only with a deployment).
    static TEMPLATES: RefCell<Option<Rc<Templates>>> = const { RefCell::new(None) };
}

/// The deployment's templates (none when `CONNECTION_TEMPLATES` is unset).
pub fn templates(env: &Env) -> Result<Rc<Templates>, ApiError> {
    if let Some(hit) = TEMPLATES.with(|t| t.borrow().clone()) {
        return Ok(hit);
    }
    let parsed = match crate::config::var(env, "CONNECTION_TEMPLATES") {
        None => Templates::default(),
        Some(json) => {
            Templates::parse(&json).map_err(|e| ApiError::Misconfigured(e.to_string()))?
        }
    };
    let parsed = Rc::new(parsed);
    TEMPLATES.with(|t| *t.borrow_mut() = Some(parsed.clone()));
    Ok(parsed)
}

/// Template `id` of the deployment; `None` when there is none (one that does not load is a
/// misconfiguration).
pub fn template(env: &Env, id: &str) -> Result<Option<Template>, ApiError> {
    match templates(env)?.get(id) {
        Some(Ok(t)) => Ok(Some(t.clone())),
        Some(Err(e)) => Err(ApiError::Misconfigured(e.to_string())),
        None => Ok(None),
    }
}

/// Template `id` of an existing connection: it must still be configured.
pub fn connection_template(env: &Env, id: &str) -> Result<Template, ApiError> {
    template(env, id)?.ok_or_else(|| {
        ApiError::Misconfigured(format!("connection template `{id}` is not configured"))
    })
}

/// Serves the `/api/connection…` routes for the session's organization, and the server routes
/// (`/api/server/organizations/{org}/connections…`) for `server_org`, whose key `dispatch`
/// checked.
pub async fn route(
    mut req: Request,
    env: &Env,
    id: RouteId,
    connection: &str,
    server_org: Option<&str>,
) -> Result<Response, ApiError> {
    let org = match server_org {
        Some(org) => org.to_owned(),
        None => {
            let writes = matches!(
                id,
                RouteId::CreateConnection | RouteId::UpdateConnection | RouteId::DeleteConnection
            );
            let (s, _) = session::require(&req, env, None, writes).await?;
            if writes {
                onboarding::require_role(&s, Action::Connect)?;
            }
            s.provider_org_id
        }
    };
    match id {
        RouteId::ListConnectionTemplates => {
            let list = TemplateList {
                templates: templates(env)?
                    .0
                    .iter()
                    .filter_map(|t| t.as_ref().ok().map(|t| t.view()))
                    .collect(),
            };
            Ok(crate::http::json(200, &list))
        }
        RouteId::CreateConnection => {
            let body = crate::body::read_json_capped(&mut req, MAX_BODY).await?;
            let create: CreateConnection = serde_json::from_slice(&body)
                .map_err(|e| ApiError::InvalidRequest(format!("body: {e}")))?;
            let view = create_connection(env, &org, create).await?;
            Ok(crate::http::json_text(201, view))
        }
        RouteId::ListConnections => {
            let index: Vec<IndexEntry> = onboarding::connections(env, &org).await?;
            // A `ConnectionList`, written from the objects' own JSON (not decoded and encoded
            // again here).
            let mut list = b"{\"connections\":[".to_vec();
            for entry in index.iter().rev() {
                match describe(env, &org, &entry.id).await {
                    Ok(view) => {
                        if list.last() != Some(&b'[') {
                            list.push(b',');
                        }
                        list.extend_from_slice(&view);
                    }
                    // Deleted meanwhile: not listed.
                    Err(ApiError::Refused(ErrorCode::UnknownConnection)) => {}
                    Err(e) => return Err(e),
                }
            }
            list.extend_from_slice(b"]}");
            Ok(crate::http::json_text(200, list))
        }
        RouteId::UpdateConnection => {
            let body = crate::body::read_json_capped(&mut req, MAX_BODY).await?;
            let update: UpdateConnection = serde_json::from_slice(&body)
                .map_err(|e| ApiError::InvalidRequest(format!("body: {e}")))?;
            let view = update_connection(env, &org, connection, update).await?;
            Ok(crate::http::json_text(200, view))
        }
        RouteId::GetConnection => Ok(crate::http::json_text(
            200,
            describe(env, &org, connection).await?,
        )),
        RouteId::DeleteConnection => {
            let id = parse_id(connection)?;
            let op = BrokerMessage::Delete {
                id: id.to_string(),
                org: org.clone(),
            };
            credentials::ask_raw(env, id.as_str(), &op).await?;
            credentials::forget(id.as_str());
            onboarding::unindex_connection(env, &org, id.as_str()).await?;
            registry::remove(env, id.as_str()).await?;
            Ok(Response::empty()?.with_status(204))
        }
        _ => Err(ApiError::NotFound),
    }
}

/// `GET /api/admin/connections` (operators): one page of every organization's connections.
pub async fn list_all(req: &Request, env: &Env) -> Result<Response, ApiError> {
    let mut cursor = None;
    let mut limit = 100;
    // (Not `req.url()`: parsing the whole URL with the `url` crate brings its IDNA tables.)
    if let Some(query) = crate::http::query(req) {
        for (k, v) in form_urlencoded::parse(query.as_bytes()) {
            match &*k {
                "cursor" => {
                    let id = ConnectionId::parse(&v).ok_or_else(|| {
                        ApiError::InvalidRequest("cursor is a connection id".into())
                    })?;
                    cursor = Some(id.to_string());
                }
                "limit" => {
                    limit = v
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=MAX_PAGE).contains(n))
                        .ok_or_else(|| {
                            ApiError::InvalidRequest(format!("limit is 1 to {MAX_PAGE}"))
                        })?;
                }
                _ => {}
            }
        }
    }
    Ok(crate::http::json(
        200,
        &registry::page(env, cursor, limit).await?,
    ))
}

/// An id as a caller wrote it; anything else is an unknown connection.
fn parse_id(id: &str) -> Result<ConnectionId, ApiError> {
    ConnectionId::parse(id).ok_or(ApiError::Refused(ErrorCode::UnknownConnection))
}

/// The connection's `ConnectionView`, as its object wrote it (JSON).
async fn describe(env: &Env, org: &str, id: &str) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let op = BrokerMessage::Describe {
        id: id.to_string(),
        org: org.to_owned(),
    };
    credentials::ask_raw(env, id.as_str(), &op).await
}

/// Checks the values, has the new connection's object verify them with a real grant (it keeps
/// them, sealed, only if the partner accepts), then indexes it for the organization.
async fn create_connection(
    env: &Env,
    org: &str,
    create: CreateConnection,
) -> Result<Vec<u8>, ApiError> {
    let template =
        template(env, &create.template)?.ok_or(ApiError::Refused(ErrorCode::UnknownTemplate))?;
    let values = FieldValues::check(&template.fields, create.fields)
        .map_err(|problems| ApiError::Fields(ErrorCode::InvalidFields, problems))?;
    verification_allowed(env, org).await?;
    let mut random = [0u8; 16];
    crate::http::random_bytes(&mut random).map_err(ApiError::Internal)?;
    let id = ConnectionId::from_random(random);
    let op = BrokerMessage::Connect {
        id: id.to_string(),
        template: template.id.clone(),
        org: org.to_owned(),
        text: values.shown().clone(),
        secrets: values.secrets_to_seal(),
    };
    let view = credentials::ask_raw(env, id.as_str(), &op).await?;
    let entry = IndexEntry {
        id: id.to_string(),
        template: template.id.clone(),
        provider_org_id: org.to_owned(),
        created_at_ms: worker::Date::now().as_millis(),
    };
    onboarding::index_connection(env, org, entry.clone()).await?;
    registry::add(env, entry).await?;
    Ok(view)
}

/// Update mode: the connection's object verifies the new values with a real grant before they
/// replace the old ones. The template is the connection's own, read from its index entry (a
/// connection of another organization is unknown here).
async fn update_connection(
    env: &Env,
    org: &str,
    id: &str,
    update: UpdateConnection,
) -> Result<Vec<u8>, ApiError> {
    let id = parse_id(id)?;
    let index: Vec<IndexEntry> = onboarding::connections(env, org).await?;
    let entry = index
        .iter()
        .find(|e| e.id == id.as_str())
        .ok_or(ApiError::Refused(ErrorCode::UnknownConnection))?;
    let template = connection_template(env, &entry.template)?;
    let values = FieldValues::check(&template.fields, update.fields)
        .map_err(|problems| ApiError::Fields(ErrorCode::InvalidFields, problems))?;
    verification_allowed(env, org).await?;
    let op = BrokerMessage::Update {
        id: id.to_string(),
        org: org.to_owned(),
        text: values.shown().clone(),
        secrets: values.secrets_to_seal(),
    };
    let view = credentials::ask_raw(env, id.as_str(), &op).await?;
    // This isolate's copy of the old token goes; others ask again within 30 s.
    credentials::forget(id.as_str());
    Ok(view)
}

/// Verification attempts are limited per organization (`CONNECT_RATE_LIMIT`), so Gatehouse
/// cannot be used to guess a partner password.
async fn verification_allowed(env: &Env, org: &str) -> Result<(), ApiError> {
    let limiter = env.rate_limiter("CONNECT_RATE_LIMIT").map_err(|_| {
        ApiError::Misconfigured("rate limit binding CONNECT_RATE_LIMIT is missing".into())
    })?;
    let outcome = limiter
        .limit(format!("connect:{org}"))
        .await
        .map_err(|e| ApiError::Internal(format!("rate limiter: {e}")))?;
    if outcome.success {
        Ok(())
    } else {
        Err(ApiError::RateLimited(60))
    }
}
