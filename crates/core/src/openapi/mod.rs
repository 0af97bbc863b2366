//! The OpenAPI 3.1 document of the worker's HTTP API, built from the route table
//! ([`crate::routes`]: paths, methods, operation ids, security) and from the same Rust types the
//! worker serialises (response schemas) and deserialises (request schemas), so the reference
//! cannot drift from the code. The committed copy is `www/openapi.json` (served by the worker
//! as a static asset at `/openapi.json`); the test below fails when it is stale, and the test
//! command runs schemathesis against the running worker with it.
//!
//! `UPDATE_OPENAPI=1 cargo test -p gatehouse-core --features openapi openapi` rewrites it.

mod operations;
mod schemas;

use crate::api::ErrorBody;
use crate::routes::Access;
use schemas::Schemas;
use serde_json::{json, Map, Value};

/// The security schemes that admit a caller, as `components.securitySchemes` names them.
fn security(access: Access) -> &'static [&'static str] {
    match access {
        Access::Public | Access::Development => &[],
        Access::Session | Access::SessionMay(_) => &["session", "sessionCookie"],
        Access::BearerSession => &["session"],
        Access::AdminKey => &["admin"],
        Access::ProxyKey => &["proxy"],
        Access::ServerKey(_) => &["serverKey"],
    }
}

/// The tags, one per resource, with what each groups (generators make one client class each).
const TAGS: &[(&str, &str)] = &[
    ("health", "Liveness"),
    ("session", "The portal session (cookie exchange, profile)"),
    ("sso", "White-label SSO"),
    ("onboarding", "POS/DSP onboarding and its locations"),
    ("organization", "The session's organization"),
    (
        "credentials",
        "Operators: the configured partner credentials",
    ),
    ("webhooks", "Operators: webhook outboxes"),
    ("partner-tokens", "Operators: Stream partner tokens"),
    (
        "keys",
        "Operators: server keys, made, rotated and revoked at runtime (docs/server.md)",
    ),
    (
        "connections",
        "Merchants' own partner credentials, made at runtime (docs/connections.md)",
    ),
    (
        "proxy",
        "Trusted server code: partner calls with a credential's token (docs/server.md)",
    ),
    (
        "server",
        "Trusted server code: an organization's onboardings and connections, with a scoped server key (docs/server.md)",
    ),
];

/// The resource a route belongs to.
fn tag(id: crate::routes::RouteId) -> &'static str {
    use crate::routes::RouteId as R;
    match id {
        R::Health => "health",
        R::GetSession
        | R::CreateSessionCookie
        | R::DeleteSessionCookie
        | R::DevUsers
        | R::DevSession => "session",
        R::StartSso => "sso",
        R::StartOnboarding
        | R::OnboardingGo
        | R::OnboardingReturn
        | R::OnboardingStatus
        | R::RevokeOnboarding
        | R::RestartOnboarding
        | R::OnboardingLocations
        | R::IngestLocations
        | R::BindLocations => "onboarding",
        R::OrganizationLocations | R::OrganizationCounters => "organization",
        R::ListCredentials | R::CredentialStatus | R::ResetCredential => "credentials",
        R::WebhookOutboxes => "webhooks",
        R::ListPartnerTokens
        | R::CreatePartnerToken
        | R::RenamePartnerToken
        | R::DeletePartnerToken => "partner-tokens",
        R::ListConnectionTemplates
        | R::CreateConnection
        | R::ListConnections
        | R::GetConnection
        | R::UpdateConnection
        | R::DeleteConnection
        | R::ListAllConnections => "connections",
        R::ListKeys | R::CreateKey | R::RotateKey | R::RevokeKey => "keys",
        R::ListOrgOnboardings | R::GetOrgOnboarding => "server",
        R::Proxy => "proxy",
    }
}

/// The `paths` of every route that has an operation id.
fn paths(s: &mut Schemas) -> Map<String, Value> {
    let mut paths = Map::new();
    for route in crate::routes::all() {
        let Some(operation_id) = route.operation_id else {
            continue;
        };
        let server = route.path.starts_with("/api/server/");
        let mut op = operations::describe(route.id, s);
        if server {
            operations::for_server(&mut op, route.access);
        }
        op["operationId"] = operation_id.into();
        op["tags"] = json!([if server { "server" } else { tag(route.id) }]);
        // Every operation answers its errors as an `ErrorBody`, unless it says otherwise.
        if let Some(responses) = op["responses"].as_object_mut() {
            responses
                .entry("default")
                .or_insert_with(|| json!({ "$ref": "#/components/responses/Error" }));
        }
        let schemes = security(route.access);
        if !schemes.is_empty() {
            op["security"] = schemes.iter().map(|s| json!({ *s: [] })).collect();
        }
        let path = route.path.replace("*}", "}");
        let item = paths.entry(path).or_insert_with(|| json!({}));
        item[route.method.as_str().to_ascii_lowercase()] = op;
    }
    paths
}

/// The whole document.
pub fn document() -> Value {
    let mut s = Schemas::new();
    let error = s.answer::<ErrorBody>();
    let paths = paths(&mut s);
    let webhooks = json!({
        "onboarding.status_changed": operations::webhook("An onboarding became active, revoked or failed", EVENTS[0].1),
        "credential.needs_reauth": operations::webhook("A credential's partner refused its grant", EVENTS[1].1),
        "connection.created": operations::webhook("A connection was made, verified by its partner", EVENTS[2].1),
        "connection.needs_reauth": operations::webhook("A connection's partner refused its grant: the merchant gives new values", EVENTS[3].1),
        "connection.recovered": operations::webhook("A connection in needs_reauth works again", EVENTS[4].1),
        "connection.deleted": operations::webhook("A connection was deleted, its values and tokens erased", EVENTS[5].1)
    });
    let _ = s.answer::<crate::webhook::Event>();
    let mut definitions = s.into_definitions();
    discriminated_events(&mut definitions);
    for schema in definitions.values_mut() {
        drop_null_defaults(schema);
    }
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": "Gatehouse",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "The worker's HTTP API: partner tokens, SSO and onboarding at the edge. Every answer carries `Cache-Control: no-store` and `X-Request-Id`; every error is `{code, message, retryable}` with a stable code. Generated from the Rust types in gatehouse-core (crates/core/src/openapi.rs).",
            "license": { "name": "Apache-2.0", "identifier": "Apache-2.0" }
        },
        "servers": [
            { "url": "/", "description": "The worker that serves this document" },
            { "url": "https://gatehouse.partner.example", "description": "A deployment (your worker's route or workers.dev URL)" },
            { "url": "http://127.0.0.1:8787", "description": "Local: `make run`" } ],
        "tags": TAGS.iter().map(|(name, description)| json!({ "name": name, "description": description })).collect::<Vec<_>>(),
        "paths": paths,
        "webhooks": webhooks,
        "components": {
            "schemas": definitions,
            "responses": { "Error": { "description": "A stable error code (docs: README, docs/*.md).",
                "content": { "application/json": { "schema": error } } } },
            "securitySchemes": {
                "session": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT", "description": "A portal session signed by the partner's backend (docs/sso.md)." },
                "sessionCookie": { "type": "apiKey", "in": "cookie", "name": "__Host-gatehouse_session" },
                "admin": { "type": "http", "scheme": "bearer", "description": "ADMIN_API_KEY, or a server key (`gh_live_…`) with the `admin` scope" },
                "proxy": { "type": "http", "scheme": "bearer", "description": "A server key (`gh_live_…`) with the `proxy` scope, or PROXY_API_KEY (deprecated)" },
                "serverKey": { "type": "http", "scheme": "bearer", "description": "A server key (`gh_live_…`) with the operation's scope, trusted for the path's organization (docs/server.md)" }
            }
        }
    })
}

/// Removes `"default": null` (what `#[serde(default)]` on an `Option` makes): it says nothing an
/// absent member does not, and generators such as openapi-typescript read any `default` as "always
/// present", which would make optional request members required in the generated types.
fn drop_null_defaults(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.get("default") == Some(&Value::Null) {
                map.remove("default");
            }
            map.values_mut().for_each(drop_null_defaults);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_null_defaults),
        _ => {}
    }
}

/// Each event type, its schema's name and its `EventData` variant (by position).
const EVENTS: [(&str, &str, usize); 6] = [
    (
        crate::webhook::kind::ONBOARDING_STATUS,
        "OnboardingStatusChangedEvent",
        0,
    ),
    (
        crate::webhook::kind::CREDENTIAL_NEEDS_REAUTH,
        "CredentialNeedsReauthEvent",
        1,
    ),
    (
        crate::webhook::kind::CONNECTION_CREATED,
        "ConnectionCreatedEvent",
        2,
    ),
    (
        crate::webhook::kind::CONNECTION_NEEDS_REAUTH,
        "ConnectionNeedsReauthEvent",
        2,
    ),
    (
        crate::webhook::kind::CONNECTION_RECOVERED,
        "ConnectionRecoveredEvent",
        2,
    ),
    (
        crate::webhook::kind::CONNECTION_DELETED,
        "ConnectionDeletedEvent",
        2,
    ),
];

/// One schema for every event, discriminated by `type`: each event type is its own schema whose
/// `type` is a constant and whose `data` is that type's fields, so generators make a tagged union
/// (the untagged `EventData` of the Rust type does not say which `data` goes with which `type`).
fn discriminated_events(defs: &mut Map<String, Value>) {
    let (Some(event), Some(data)) = (defs.remove("Event"), defs.remove("EventData")) else {
        return;
    };
    let variants = data["anyOf"].as_array().cloned().unwrap_or_default();
    let mut mapping = Map::new();
    for (kind, name, variant) in EVENTS {
        let Some(fields) = variants.get(variant).cloned() else {
            continue;
        };
        let mut schema = event.clone();
        schema["description"] = format!("`{kind}`.").into();
        schema["properties"]["type"] = json!({ "const": kind });
        schema["properties"]["data"] = fields;
        defs.insert((*name).into(), schema);
        mapping.insert(
            (*kind).into(),
            format!("#/components/schemas/{name}").into(),
        );
    }
    let refs: Vec<Value> = mapping.values().map(|r| json!({ "$ref": r })).collect();
    defs.insert(
        "Event".into(),
        json!({
            "description": event["description"],
            "oneOf": refs,
            "discriminator": { "propertyName": "type", "mapping": mapping }
        }),
    );
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

    #[test]
    fn server_operations_name_their_scope_and_no_role() {
        let doc = super::document();
        let mut seen = 0;
        for (path, item) in doc["paths"].as_object().unwrap() {
            if !path.starts_with("/api/server/") {
                continue;
            }
            for op in item.as_object().unwrap().values() {
                let summary = op["summary"].as_str().unwrap();
                assert!(summary.starts_with("Server ("), "{path}: {summary}");
                for role in ["owner", "admin", "manager"] {
                    assert!(!summary.contains(role), "{path}: {summary}");
                }
                seen += 1;
            }
        }
        assert!(seen >= 9, "{seen} server operations");
        for (session, server) in [
            (
                "Revoke (owner, admin); idempotent (twice)",
                "Revoke; idempotent (twice)",
            ),
            ("Import (POS) locations (manager)", "Import (POS) locations"),
            ("Unclosed (owner", "Unclosed (owner"),
        ] {
            assert_eq!(super::operations::without_roles(session), server);
        }
    }

    #[test]
    fn links_name_operations_of_the_route_table() {
        let doc = super::document();
        let text = doc.to_string();
        let ids: Vec<&str> = crate::routes::all()
            .filter_map(|r| r.operation_id)
            .collect();
        for part in text.split("\"operationId\":\"").skip(1) {
            let id = part.split('"').next().unwrap();
            assert!(ids.contains(&id), "{id}");
        }
    }
}
