//! The OpenAPI 3.1 document of the worker's HTTP API, built from the same Rust types the worker
//! serialises (response schemas) and deserialises (request schemas), so the reference cannot
//! drift from the code. The committed copy is `www/openapi.json` (served by the worker as a
//! static asset at `/openapi.json`); the test below fails when it is stale, and the test command
//! runs schemathesis against the running worker with it.
//!
//! `UPDATE_OPENAPI=1 cargo test -p gatehouse-core --features openapi openapi` rewrites it.

use crate::api::{CredentialStatus, ErrorBody, Health, Profile};
use crate::contract::stream::{
    BindOnboardingLocation, IngestOnboardingLocation, LocationsResponse,
};
use crate::onboarding::{OnboardingView, StartRequest, StartResponse};
use crate::session::ClaimedIdentity;
use crate::webhook::{Event, Outbox};
use schemars::generate::SchemaSettings;
use schemars::{JsonSchema, SchemaGenerator};
use serde_json::{json, Map, Value};

/// Request bodies that are not a core type of their own: `{"locations": [...]}`.
#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct IngestRequest {
    /// POS locations to import (1 to 500), upserted by `external_id`.
    #[schemars(length(min = 1, max = 500))]
    locations: Vec<IngestOnboardingLocation>,
}

#[derive(JsonSchema)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct BindRequest {
    /// DSP-to-POS bindings (1 to 500).
    #[schemars(length(min = 1, max = 500))]
    locations: Vec<BindOnboardingLocation>,
}

/// `POST /api/sso` (a form or JSON): the session as a field (the button's form POST from another
/// origin), and identity fields that are only compared with the verified session.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct SsoRequest {
    /// A portal session JWT, when not sent as `Authorization: Bearer` or the cookie.
    session: Option<String>,
    #[serde(flatten)]
    claimed: ClaimedIdentity,
}

/// `GET /api/admin/credentials`.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct CredentialList {
    /// Every configured credential: its status, or the error that keeps its object from answering.
    credentials: Vec<CredentialEntry>,
}

/// One entry of [`CredentialList`].
#[derive(JsonSchema)]
#[serde(untagged)]
#[allow(dead_code)]
enum CredentialEntry {
    Status(CredentialStatus),
    Unavailable {
        /// The credential id.
        credential: String,
        /// The error code (also in `last_error`).
        state: String,
        /// The error code.
        last_error: String,
    },
}

/// `GET /api/admin/webhooks`.
#[derive(JsonSchema)]
#[allow(dead_code)]
struct WebhookTargets {
    /// One entry per `WEBHOOK_URLS` target.
    targets: Vec<WebhookTarget>,
}

#[derive(JsonSchema)]
#[allow(dead_code)]
struct WebhookTarget {
    /// The receiver URL.
    target: String,
    /// Its queue: pending deliveries, dead letters (bodies left out), delivered count.
    outbox: Outbox,
}

fn reference<T: JsonSchema>(g: &mut SchemaGenerator) -> Value {
    g.subschema_for::<T>().to_value()
}

fn json_body(schema: Value) -> Value {
    json!({ "required": true, "content": { "application/json": { "schema": schema } } })
}

fn ok(description: &str, schema: Value) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": schema } } })
}

fn path_param(name: &str, description: &str, example: &str) -> Value {
    json!({ "name": name, "in": "path", "required": true, "description": description,
            "schema": { "type": "string", "minLength": 1 }, "example": example })
}

/// An id as the worker accepts it (`valid_id`): anything else is a 404.
fn id_param(name: &str, description: &str, example: &str) -> Value {
    let mut p = path_param(name, description, example);
    p["schema"]["pattern"] = "^[A-Za-z0-9_.:-]{1,128}$".into();
    p
}

/// Links from a started onboarding to the operations on it (schemathesis follows them).
fn onboarding_links() -> Value {
    let to = |op: &str| json!({ "operationId": op, "parameters": { "id": "$response.body#/onboarding/id" } });
    json!({
        "status": to("onboardingStatus"), "revoke": to("revokeOnboarding"),
        "locations": to("onboardingLocations"), "ingest": to("ingestLocations"), "bind": to("bindLocations")
    })
}

/// Every operation answers its errors as an [`ErrorBody`] (`default`), besides those listed.
fn operation(mut op: Value, security: &[&str]) -> Value {
    let responses = op["responses"]
        .as_object_mut()
        .map(std::mem::take)
        .unwrap_or_default();
    let mut all = responses;
    all.insert(
        "default".into(),
        json!({ "$ref": "#/components/responses/Error" }),
    );
    op["responses"] = Value::Object(all);
    if !security.is_empty() {
        op["security"] = security
            .iter()
            .map(|s| json!({ *s: [] }))
            .collect::<Vec<_>>()
            .into();
    }
    op
}

/// The whole document.
pub fn document() -> Value {
    let out = |s: SchemaSettings| {
        s.with(|s| {
            s.definitions_path = "/components/schemas".into();
            s.meta_schema = None;
        })
        .into_generator()
    };
    // Responses are described as the worker writes them, requests as it reads them.
    let mut res = out(SchemaSettings::draft2020_12().for_serialize());
    let mut req = out(SchemaSettings::draft2020_12().for_deserialize());
    let error = reference::<ErrorBody>(&mut res);
    let session = ["session", "sessionCookie"];
    let onboarding_id = id_param(
        "id",
        "An onboarding started by the session's organization.",
        "onb_1",
    );

    let mut paths = Map::new();
    let mut add = |path: &str, method: &str, op: Value| {
        let entry = paths.entry(path.to_owned()).or_insert_with(|| json!({}));
        entry[method] = op;
    };

    add(
        "/api/health",
        "get",
        operation(
            json!({
        "summary": "Liveness and version", "operationId": "health",
        "responses": { "200": ok("The worker answers.", reference::<Health>(&mut res)) } }),
            &[],
        ),
    );

    let profile = reference::<Profile<'_>>(&mut res);
    add(
        "/api/session",
        "get",
        operation(
            json!({
        "summary": "The session's profile (never the token)", "operationId": "getSession",
        "responses": { "200": ok("The verified session.", profile.clone()) } }),
            &session,
        ),
    );
    add(
        "/api/session",
        "post",
        operation(
            json!({
        "summary": "Exchange a Bearer session for the __Host- cookie", "operationId": "createSessionCookie",
        "description": "Sets `__Host-gatehouse_session` (Secure, HttpOnly, SameSite=Strict). Needs an allowed Origin.",
        "responses": { "200": { "description": "The cookie is set.",
            "headers": { "Set-Cookie": { "schema": { "type": "string" } } },
            "content": { "application/json": { "schema": profile } } } } }),
            &["session"],
        ),
    );
    add(
        "/api/session",
        "delete",
        operation(
            json!({
        "summary": "Clear the session cookie", "operationId": "deleteSessionCookie",
        "responses": { "204": { "description": "Cleared." } } }),
            &[],
        ),
    );

    add(
        "/api/sso",
        "post",
        operation(
            json!({
        "summary": "White-label SSO: 303 to the white-label app with a one-time login",
        "operationId": "startSso",
        "description": "Identity, organization and role come only from the verified session; a body naming another is refused (403). Rate limited per user (429 + Retry-After). A navigating browser (Sec-Fetch-Mode: navigate) gets errors as a small HTML page.",
        "requestBody": { "required": false, "content": {
            "application/x-www-form-urlencoded": { "schema": reference::<SsoRequest>(&mut req) },
            "application/json": { "schema": reference::<SsoRequest>(&mut req) } } },
        "responses": { "303": { "description": "To `<WHITE_LABEL_DOMAIN>/redirect/sso?code=…` (no-store, no-referrer).",
            "headers": { "Location": { "schema": { "type": "string", "format": "uri" } } } } } }),
            &session,
        ),
    );

    add(
        "/api/onboarding",
        "post",
        operation(
            json!({
        "summary": "Start an onboarding (owner, admin, manager)", "operationId": "startOnboarding",
        "requestBody": json_body(reference::<StartRequest>(&mut req)),
        "responses": { "200": {
            "description": "The pending onboarding and where to send the merchant.",
            "content": { "application/json": { "schema": reference::<StartResponse>(&mut res) } },
            "links": onboarding_links() } } }),
            &session,
        ),
    );
    add(
        "/api/onboarding/go",
        "get",
        operation(
            json!({
        "summary": "The start answer's entry_url: binds the flow to this browser", "operationId": "onboardingGo",
        "description": "Followed once by the merchant's browser (a top-level navigation). Spends the single-use ticket, sets the flow's `__Host-gatehouse_onb_…` binding cookie (Secure, HttpOnly, SameSite=Lax) and answers 303 to the partner's entry URL. A spent, expired or unknown ticket answers 303 to an allowlisted page with `error`.",
        "parameters": [ { "name": "ticket", "in": "query", "schema": { "type": "string" } } ],
        "responses": { "303": { "description": "To the partner's entry URL, or to an allowlisted page with `error`.",
            "headers": { "Location": { "schema": { "type": "string", "format": "uri" } } } } } }),
            &[],
        ),
    );
    add(
        "/api/onboarding/return",
        "get",
        operation(
            json!({
        "summary": "Where the partner sends the merchant back", "operationId": "onboardingReturn",
        "description": "Checks the single-use state and the flow's binding cookie (set by `onboardingGo` in the browser that started; without it the answer is `error=flow_not_started_here` and the partner is not called), exchanges the code and answers 303 to an allowlisted page carrying only `onboarding` and `status` or `error`. Every outcome, errors included, is a redirect to an allowlisted page or a JSON error: never an open redirect.",
        "parameters": [
            { "name": "state", "in": "query", "schema": { "type": "string" } },
            { "name": "code", "in": "query", "schema": { "type": "string" } },
            { "name": "error", "in": "query", "schema": { "type": "string" } } ],
        "responses": { "303": { "description": "To the allowlisted page.",
            "headers": { "Location": { "schema": { "type": "string", "format": "uri" } } } } } }),
            &[],
        ),
    );
    let view = reference::<OnboardingView>(&mut res);
    add(
        "/api/onboarding/{id}",
        "get",
        operation(
            json!({
        "summary": "An onboarding's status", "operationId": "onboardingStatus",
        "parameters": [ onboarding_id.clone(),
            { "name": "wait", "in": "query", "description": "Long-poll: wait up to this many seconds (≤ 25) for a change from If-None-Match.", "schema": { "type": "integer", "minimum": 0, "maximum": 25 } },
            { "name": "If-None-Match", "in": "header", "schema": { "type": "string" } } ],
        "responses": {
            "200": { "description": "The status.", "headers": { "ETag": { "schema": { "type": "string" } } },
                     "content": { "application/json": { "schema": view.clone() } } },
            "304": { "description": "Unchanged since the ETag given." } } }),
            &session,
        ),
    );
    add(
        "/api/onboarding/{id}/revoke",
        "post",
        operation(
            json!({
        "summary": "Revoke (owner, admin); idempotent", "operationId": "revokeOnboarding",
        "parameters": [ onboarding_id.clone() ],
        "responses": { "200": ok("The revoked onboarding.", view) } }),
            &session,
        ),
    );
    add(
        "/api/onboarding/{id}/restart",
        "post",
        operation(
            json!({
        "summary": "Start the same platform and type again after the link expired (owner, admin, manager)",
        "operationId": "restartOnboarding",
        "description": "For an onboarding still pending (or failed) whose authorization link expired: a new onboarding for the same source and type, with a new go link. 409 `onboarding_not_restartable` otherwise.",
        "parameters": [ onboarding_id.clone() ],
        "requestBody": json_body(json!({ "type": "object", "additionalProperties": false,
            "properties": { "return_page": { "type": "string" } } })),
        "responses": { "200": {
            "description": "The new pending onboarding and where to send the merchant.",
            "content": { "application/json": { "schema": reference::<StartResponse>(&mut res) } } } } }),
            &session,
        ),
    );
    let locations = reference::<LocationsResponse>(&mut res);
    add(
        "/api/onboarding/{id}/locations",
        "get",
        operation(
            json!({
        "summary": "The onboarding's locations", "operationId": "onboardingLocations",
        "parameters": [ onboarding_id.clone() ],
        "responses": { "200": ok("The locations.", locations.clone()) } }),
            &session,
        ),
    );
    add(
        "/api/onboarding/{id}/locations/ingest",
        "post",
        operation(
            json!({
        "summary": "Import POS locations (owner, admin, manager)", "operationId": "ingestLocations",
        "parameters": [ onboarding_id.clone() ],
        "requestBody": json_body(reference::<IngestRequest>(&mut req)),
        "responses": { "200": ok("The onboarding's locations.", locations.clone()) } }),
            &session,
        ),
    );
    add(
        "/api/onboarding/{id}/locations/bind",
        "post",
        operation(
            json!({
        "summary": "Bind DSP locations to POS locations (owner, admin, manager)", "operationId": "bindLocations",
        "parameters": [ onboarding_id ],
        "requestBody": json_body(reference::<BindRequest>(&mut req)),
        "responses": { "200": ok("The onboarding's locations.", locations.clone()) } }),
            &session,
        ),
    );
    add(
        "/api/organization/locations",
        "get",
        operation(
            json!({
        "summary": "The organization's locations", "operationId": "organizationLocations",
        "parameters": [ { "name": "location_id", "in": "query", "required": false,
            "description": "Only this location (Stream's location_id filter).",
            "schema": { "type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,128}$" } } ],
        "responses": { "200": ok("The locations.", locations) } }),
            &session,
        ),
    );

    let credential = path_param("id", "A credential id from CREDENTIALS.", "stream");
    let status = reference::<CredentialStatus>(&mut res);
    add(
        "/api/admin/credentials",
        "get",
        operation(
            json!({
        "summary": "Every credential's health (never a token or secret)", "operationId": "listCredentials",
        "responses": { "200": ok("The credentials.", reference::<CredentialList>(&mut res)) } }),
            &["admin"],
        ),
    );
    add(
        "/api/admin/credentials/{id}",
        "get",
        operation(
            json!({
        "summary": "One credential's health", "operationId": "credentialStatus",
        "parameters": [ credential.clone(),
            { "name": "warm", "in": "query", "description": "`1`: obtain a token first if none is held.", "schema": { "type": "string", "enum": ["1"] } } ],
        "responses": { "200": ok("The credential.", status.clone()) } }),
            &["admin"],
        ),
    );
    add(
        "/api/admin/credentials/{id}/reset",
        "post",
        operation(
            json!({
        "summary": "Forget held tokens and any hold-off", "operationId": "resetCredential",
        "parameters": [ credential ],
        "responses": { "200": ok("The credential after the reset.", status) } }),
            &["admin"],
        ),
    );
    add(
        "/api/admin/webhooks",
        "get",
        operation(
            json!({
        "summary": "Each webhook target's outbox", "operationId": "webhookOutboxes",
        "responses": { "200": ok("The targets.", reference::<WebhookTargets>(&mut res)) } }),
            &["admin"],
        ),
    );

    // Stream's partner tokens for operators (seed 000).
    let partner_token = json!({ "type": "object", "required": ["_id", "token_name", "scopes"],
        "properties": {
            "_id": { "type": "string" }, "org_id": { "type": "string" },
            "token_name": { "type": "string" },
            "scopes": { "type": "array", "items": { "type": "string" } },
            "created_at": { "type": "string" },
            "token": { "type": "string", "description": "The value: only in the create answer, shown once." } } });
    let scopes_enum = json!({ "type": "array", "minItems": 1,
        "items": { "type": "string", "enum": ["user", "onboarding", "legacy_onboarding", "sso"] } });
    let token_id = path_param("token_id", "A partner token id.", "ptk_1");
    add(
        "/api/admin/partner-tokens",
        "get",
        operation(
            json!({
        "summary": "A Stream organization's partner tokens (never a value)", "operationId": "listPartnerTokens",
        "parameters": [ { "name": "org_id", "in": "query", "required": true,
            "schema": { "type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,128}$" } } ],
        "responses": { "200": ok("The tokens.", json!({ "type": "array", "items": partner_token.clone() })) } }),
            &["admin"],
        ),
    );
    add(
        "/api/admin/partner-tokens",
        "post",
        operation(
            json!({
        "summary": "Create a partner token; its value is answered this once", "operationId": "createPartnerToken",
        "requestBody": json_body(json!({ "type": "object", "required": ["org_id", "token_name", "scopes"],
            "properties": { "org_id": { "type": "string" }, "token_name": { "type": "string", "minLength": 1, "maxLength": 100 },
                "scopes": scopes_enum } })),
        "responses": { "201": ok("The token, with its value.", partner_token.clone()) } }),
            &["admin"],
        ),
    );
    add(
        "/api/admin/partner-tokens/{token_id}",
        "patch",
        operation(
            json!({
        "summary": "Rename a partner token", "operationId": "renamePartnerToken",
        "parameters": [ token_id.clone() ],
        "requestBody": json_body(json!({ "type": "object", "required": ["token_name"],
            "properties": { "token_name": { "type": "string", "minLength": 1, "maxLength": 100 } } })),
        "responses": { "200": ok("The renamed token.", partner_token) } }),
            &["admin"],
        ),
    );
    add(
        "/api/admin/partner-tokens/{token_id}",
        "delete",
        operation(
            json!({
        "summary": "Delete a partner token", "operationId": "deletePartnerToken",
        "parameters": [ token_id ],
        "responses": { "204": { "description": "Deleted." } } }),
            &["admin"],
        ),
    );

    for method in ["get", "post"] {
        let mut op = operation(
            json!({
            "summary": "Call the partner with the credential's token (trusted server code)",
            "operationId": format!("proxy_{method}"),
            "description": "Allowed methods and paths per credential come from its `proxy` allowlist. Browsers are refused. The partner's answer is passed on as it comes; Gatehouse's own refusals are JSON errors.",
            "parameters": [ path_param("credential", "A credential id.", "streamdiver-acme"),
                            path_param("path", "The partner API path.", "v2/tenants/current/settings") ],
            "responses": {
                "401": { "$ref": "#/components/responses/Error" },
                "403": { "$ref": "#/components/responses/Error" } } }),
            &["proxy"],
        );
        // The partner's own answers are not Gatehouse's to describe.
        op["responses"]["default"] =
            json!({ "description": "The partner's answer, or a Gatehouse JSON error." });
        add("/api/proxy/{credential}/{path}", method, op);
    }

    let event = reference::<Event>(&mut res);
    let webhook = |summary: &str| {
        json!({ "post": {
        "summary": summary,
        "parameters": [
            { "name": "Gatehouse-Event-Id", "in": "header", "required": true, "description": "The idempotency id (= the body's `id`).", "schema": { "type": "string" } },
            { "name": "Gatehouse-Signature", "in": "header", "required": true, "description": "`t=<unix seconds>,v1=<hex HMAC-SHA256(key, \"<t>.<raw body>\")>`, one v1 per key.", "schema": { "type": "string" } },
            { "name": "Gatehouse-Delivery-Attempt", "in": "header", "schema": { "type": "integer" } } ],
        "requestBody": json_body(event.clone()),
        "responses": { "2XX": { "description": "Received; anything else is retried with backoff." } } } })
    };

    let mut schemas = res.take_definitions(true);
    for (name, schema) in req.take_definitions(true) {
        match schemas.get(&name) {
            Some(existing) if *existing != schema => {
                // A type read and written differently: both shapes, the read one renamed.
                schemas.insert(format!("{name}Input"), schema);
            }
            _ => {
                schemas.insert(name, schema);
            }
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Gatehouse",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The worker's HTTP API: partner tokens, SSO and onboarding at the edge. Every answer carries `Cache-Control: no-store` and `X-Request-Id`; every error is `{code, message, retryable}` with a stable code. Generated from the Rust types in gatehouse-core (crates/core/src/openapi.rs).",
            "license": { "name": "Apache-2.0", "identifier": "Apache-2.0" }
        },
        "servers": [ { "url": "/" } ],
        "paths": paths,
        "webhooks": {
            "onboarding.status_changed": webhook("An onboarding became active, revoked or failed"),
            "credential.needs_reauth": webhook("A credential's partner refused its grant")
        },
        "components": {
            "schemas": schemas,
            "responses": { "Error": { "description": "A stable error code (docs: README, docs/*.md).",
                "content": { "application/json": { "schema": error } } } },
            "securitySchemes": {
                "session": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "A portal session signed by the partner's backend (docs/sso.md)." },
                "sessionCookie": { "type": "apiKey", "in": "cookie", "name": "__Host-gatehouse_session" },
                "admin": { "type": "http", "scheme": "bearer", "description": "ADMIN_API_KEY" },
                "proxy": { "type": "http", "scheme": "bearer", "description": "PROXY_API_KEY" }
            }
        }
    })
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    #[test]
    fn openapi_document_is_current() {
        let text = serde_json::to_string_pretty(&super::document()).unwrap() + "\n";
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../www/openapi.json");
        if std::env::var_os("UPDATE_OPENAPI").is_some() {
            std::fs::write(path, &text).expect("write www/openapi.json");
        }
        let committed = std::fs::read_to_string(path).unwrap_or_default();
        assert!(committed == text, "www/openapi.json is stale: run UPDATE_OPENAPI=1 cargo test -p gatehouse-core --features openapi openapi");
    }

    #[test]
    fn every_error_is_described_and_every_ref_resolves() {
        let doc = super::document();
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for name in [
            "ErrorBody",
            "Health",
            "OnboardingView",
            "StartRequest",
            "Event",
            "Outbox",
        ] {
            assert!(schemas.contains_key(name), "{name}");
        }
        // Every $ref names a schema or response that exists.
        for part in text.split("\"$ref\":\"#/components/").skip(1) {
            let target = part.split('"').next().unwrap();
            let (kind, name) = target.split_once('/').unwrap();
            assert!(
                doc["components"][kind].get(name).is_some(),
                "dangling $ref {target}"
            );
        }
        for (path, item) in doc["paths"].as_object().unwrap() {
            for (method, op) in item.as_object().unwrap() {
                assert!(op["responses"].get("default").is_some(), "{method} {path}");
            }
        }
    }
}
