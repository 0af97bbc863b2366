//! What each route's operation says: summary, parameters, body and answers. Its method, path,
//! `operationId` and security come from the route table (`crate::routes`).

use super::schemas::{CredentialList, Schemas, SsoRequest, WebhookTargets};
use crate::api::{CredentialStatus, Health, Profile};
use crate::connections::{
    ConnectionList, ConnectionPage, ConnectionView, CreateConnection, TemplateList,
    UpdateConnection,
};
use crate::contract::stream::LocationsResponse;
use crate::onboarding::{
    BindRequest, IngestRequest, OnboardingPage, OnboardingView, StartRequest, StartResponse,
};
use crate::routes::RouteId;
use crate::server_keys::{CreatedKey, KeyList, NewKey, Rotate};
use serde_json::{json, Value};

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

fn onboarding_id() -> Value {
    id_param(
        "id",
        "An onboarding started by the session's organization.",
        "onb_1",
    )
}

fn credential_id() -> Value {
    path_param("id", "A credential id from CREDENTIALS.", "stream")
}

fn key_id() -> Value {
    id_param("key_id", "A server key's id.", "key_aeaqcaibaeaqcaib")
}

fn token_id() -> Value {
    path_param("token_id", "A partner token id.", "ptk_1")
}

/// Links from a started onboarding to the operations on it (schemathesis follows them).
fn onboarding_links() -> Value {
    let to = |op: &str| json!({ "operationId": op, "parameters": { "id": "$response.body#/onboarding/id" } });
    json!({
        "status": to("onboardingStatus"), "revoke": to("revokeOnboarding"),
        "locations": to("onboardingLocations"), "ingest": to("ingestLocations"), "bind": to("bindLocations")
    })
}

fn redirect(description: &str) -> Value {
    json!({ "303": { "description": description,
        "headers": { "Location": { "schema": { "type": "string", "format": "uri" } } } } })
}

/// Stream's partner tokens for operators (seed 000).
fn partner_token() -> Value {
    json!({ "type": "object", "required": ["_id", "token_name", "scopes"],
        "properties": {
            "_id": { "type": "string" }, "org_id": { "type": "string" },
            "token_name": { "type": "string" },
            "scopes": { "type": "array", "items": { "type": "string" } },
            "created_at": { "type": "string" },
            "token": { "type": "string", "description": "The value: only in the create answer, shown once." } } })
}

/// Makes a session route's operation its server route's: the organization comes from the path
/// (for a key trusted for it), not from a session.
pub(super) fn for_server(op: &mut Value, access: crate::routes::Access) {
    let org = id_param(
        "org",
        "The organization (`provider_org_id`) the call acts for: one of the key's organizations, or any for a key without them.",
        "org_acme",
    );
    let mut params = vec![org];
    if let Some(Value::Array(rest)) = op.get("parameters") {
        params.extend(rest.iter().cloned());
    }
    op["parameters"] = Value::Array(params);
    if let crate::routes::Access::ServerKey(scope) = access {
        let summary = without_roles(op["summary"].as_str().unwrap_or_default());
        op["summary"] = format!("Server ({scope}): {summary}").into();
    }
}

/// A session operation's summary without its roles (`"Revoke (owner, admin); idempotent"` →
/// `"Revoke; idempotent"`): a server route is opened by its key's scope, not by a person's role.
pub(super) fn without_roles(summary: &str) -> String {
    let is_roles = |inner: &str| {
        inner
            .split(", ")
            .all(|r| crate::contract::stream::Role::from(r).is_known())
    };
    let mut out = String::with_capacity(summary.len());
    let mut rest = summary;
    // Each ` (…)` in turn: kept unless it lists roles only.
    while let Some(start) = rest.find(" (") {
        let Some(len) = rest[start..].find(')') else {
            break;
        };
        let end = start + len;
        out.push_str(&rest[..start]);
        if !is_roles(&rest[start + 2..end]) {
            out.push_str(&rest[start..=end]);
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    out
}

/// The operation of route `id`, without its `operationId` and security (the table's), and
/// without the `default` answer every operation shares.
pub(super) fn describe(id: RouteId, s: &mut Schemas) -> Value {
    match id {
        RouteId::Health => json!({
            "summary": "Liveness and version",
            "responses": { "200": ok("The worker answers.", s.answer::<Health>()) } }),
        RouteId::GetSession => json!({
            "summary": "The session's profile (never the token)",
            "responses": { "200": ok("The verified session.", s.answer::<Profile<'_>>()) } }),
        RouteId::CreateSessionCookie => json!({
            "summary": "Exchange a Bearer session for the __Host- cookie",
            "description": "Sets `__Host-gatehouse_session` (Secure, HttpOnly, SameSite=Strict). Needs an allowed Origin.",
            "responses": { "200": { "description": "The cookie is set.",
                "headers": { "Set-Cookie": { "schema": { "type": "string" } } },
                "content": { "application/json": { "schema": s.answer::<Profile<'_>>() } } } } }),
        RouteId::DeleteSessionCookie => json!({
            "summary": "Clear the session cookie",
            "responses": { "204": { "description": "Cleared." } } }),
        RouteId::StartSso => json!({
            "summary": "White-label SSO: 303 to the white-label app with a one-time login",
            "description": "Identity, organization and role come only from the verified session; a body naming another is refused (403). Rate limited per user (429 + Retry-After). A navigating browser (Sec-Fetch-Mode: navigate) gets errors as a small HTML page.",
            "requestBody": { "required": false, "content": {
                "application/x-www-form-urlencoded": { "schema": s.request::<SsoRequest>() },
                "application/json": { "schema": s.request::<SsoRequest>() } } },
            "responses": redirect("To `<WHITE_LABEL_DOMAIN>/redirect/sso?code=…` (no-store, no-referrer).") }),
        RouteId::StartOnboarding => json!({
            "summary": "Start an onboarding (owner, admin, manager)",
            "requestBody": json_body(s.request::<StartRequest>()),
            "responses": { "200": {
                "description": "The pending onboarding and where to send the merchant.",
                "content": { "application/json": { "schema": s.answer::<StartResponse>() } },
                "links": onboarding_links() } } }),
        RouteId::OnboardingGo => json!({
            "summary": "The start answer's entry_url: binds the flow to this browser",
            "description": "Followed once by the merchant's browser (a top-level navigation). Spends the single-use ticket, sets the flow's `__Host-gatehouse_onb_…` binding cookie (Secure, HttpOnly, SameSite=Lax) and answers 303 to the partner's entry URL. A spent, expired or unknown ticket answers 303 to an allowlisted page with `error`.",
            "parameters": [ { "name": "ticket", "in": "query", "schema": { "type": "string" } } ],
            "responses": redirect("To the partner's entry URL, or to an allowlisted page with `error`.") }),
        RouteId::OnboardingReturn => json!({
            "summary": "Where the partner sends the merchant back",
            "description": "Checks the single-use state and the flow's binding cookie (set by `onboardingGo` in the browser that started; without it the answer is `error=flow_not_started_here` and the partner is not called), exchanges the code and answers 303 to an allowlisted page carrying only `onboarding` and `status` or `error`. Every outcome, errors included, is a redirect to an allowlisted page or a JSON error: never an open redirect.",
            "parameters": [
                { "name": "state", "in": "query", "schema": { "type": "string" } },
                { "name": "code", "in": "query", "schema": { "type": "string" } },
                { "name": "error", "in": "query", "schema": { "type": "string" } } ],
            "responses": redirect("To the allowlisted page.") }),
        RouteId::OnboardingStatus => json!({
            "summary": "An onboarding's status",
            "parameters": [ onboarding_id(),
                { "name": "wait", "in": "query", "description": "Long-poll: wait up to this many seconds (≤ 25) for a change from If-None-Match.", "schema": { "type": "integer", "minimum": 0, "maximum": 25 } },
                { "name": "If-None-Match", "in": "header", "schema": { "type": "string" } } ],
            "responses": {
                "200": { "description": "The status.", "headers": { "ETag": { "schema": { "type": "string" } } },
                         "content": { "application/json": { "schema": s.answer::<OnboardingView>() } } },
                "304": { "description": "Unchanged since the ETag given." } } }),
        RouteId::RevokeOnboarding => json!({
            "summary": "Revoke (owner, admin); idempotent",
            "parameters": [ onboarding_id() ],
            "responses": { "200": ok("The revoked onboarding.", s.answer::<OnboardingView>()) } }),
        RouteId::RestartOnboarding => json!({
            "summary": "Start the same platform and type again after the link expired (owner, admin, manager)",
            "description": "For an onboarding still pending (or failed) whose authorization link expired: a new onboarding for the same source and type, with a new go link. 409 `onboarding_not_restartable` otherwise.",
            "parameters": [ onboarding_id() ],
            "requestBody": json_body(json!({ "type": "object", "additionalProperties": false,
                "properties": { "return_page": { "type": "string" } } })),
            "responses": { "200": {
                "description": "The new pending onboarding and where to send the merchant.",
                "content": { "application/json": { "schema": s.answer::<StartResponse>() } } } } }),
        RouteId::OnboardingLocations => json!({
            "summary": "The onboarding's locations",
            "parameters": [ onboarding_id() ],
            "responses": { "200": ok("The locations.", s.answer::<LocationsResponse>()) } }),
        RouteId::IngestLocations => json!({
            "summary": "Import POS locations (owner, admin, manager)",
            "parameters": [ onboarding_id() ],
            "requestBody": json_body(s.request::<IngestRequest>()),
            "responses": { "200": ok("The onboarding's locations.", s.answer::<LocationsResponse>()) } }),
        RouteId::BindLocations => json!({
            "summary": "Bind DSP locations to POS locations (owner, admin, manager)",
            "parameters": [ onboarding_id() ],
            "requestBody": json_body(s.request::<BindRequest>()),
            "responses": { "200": ok("The onboarding's locations.", s.answer::<LocationsResponse>()) } }),
        RouteId::OrganizationLocations => json!({
            "summary": "The organization's locations",
            "parameters": [ { "name": "location_id", "in": "query", "required": false,
                "description": "Only this location (Stream's location_id filter).",
                "schema": { "type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,128}$" } } ],
            "responses": { "200": ok("The locations.", s.answer::<LocationsResponse>()) } }),
        RouteId::ListCredentials => json!({
            "summary": "Every credential's health (never a token or secret)",
            "responses": { "200": ok("The credentials.", s.answer::<CredentialList>()) } }),
        RouteId::CredentialStatus => json!({
            "summary": "One credential's health",
            "parameters": [ credential_id(),
                { "name": "warm", "in": "query", "description": "`1`: obtain a token first if none is held.", "schema": { "type": "string", "enum": ["1"] } } ],
            "responses": { "200": ok("The credential.", s.answer::<CredentialStatus>()) } }),
        RouteId::ResetCredential => json!({
            "summary": "Forget held tokens and any hold-off",
            "parameters": [ credential_id() ],
            "responses": { "200": ok("The credential after the reset.", s.answer::<CredentialStatus>()) } }),
        RouteId::WebhookOutboxes => json!({
            "summary": "Each webhook target's outbox",
            "responses": { "200": ok("The targets.", s.answer::<WebhookTargets>()) } }),
        RouteId::ListPartnerTokens => json!({
            "summary": "A Stream organization's partner tokens (never a value)",
            "parameters": [ { "name": "org_id", "in": "query", "required": true,
                "schema": { "type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,128}$" } } ],
            "responses": { "200": ok("The tokens.", json!({ "type": "array", "items": partner_token() })) } }),
        RouteId::CreatePartnerToken => json!({
            "summary": "Create a partner token; its value is answered this once",
            "requestBody": json_body(json!({ "type": "object", "required": ["org_id", "token_name", "scopes"],
                "properties": { "org_id": { "type": "string" }, "token_name": { "type": "string", "minLength": 1, "maxLength": 100 },
                    "scopes": { "type": "array", "minItems": 1,
                        "items": { "type": "string", "enum": ["user", "onboarding", "legacy_onboarding", "sso"] } } } })),
            "responses": { "201": ok("The token, with its value.", partner_token()) } }),
        RouteId::RenamePartnerToken => json!({
            "summary": "Rename a partner token",
            "parameters": [ token_id() ],
            "requestBody": json_body(json!({ "type": "object", "required": ["token_name"],
                "properties": { "token_name": { "type": "string", "minLength": 1, "maxLength": 100 } } })),
            "responses": { "200": ok("The renamed token.", partner_token()) } }),
        RouteId::DeletePartnerToken => json!({
            "summary": "Delete a partner token",
            "parameters": [ token_id() ],
            "responses": { "204": { "description": "Deleted." } } }),
        RouteId::ListConnectionTemplates => json!({
            "summary": "What the session's organization may connect, each with its form",
            "responses": { "200": ok("The templates.", s.answer::<TemplateList>()) } }),
        RouteId::CreateConnection => json!({
            "summary": "Connect the organization's own partner account (owner, admin)",
            "description": "Verifies before it saves: the values are checked field by field (422 `invalid_fields`), then the partner's real grant is made with them; a refusal answers 422 `invalid_credentials` or `invalid_tenant` naming the fields, a failing partner 503 `partner_unavailable`, and nothing is stored. The organization is the session's. See docs/connections.md.",
            "requestBody": json_body(s.request::<CreateConnection>()),
            "responses": { "201": ok("The connection (never a secret or a token).", s.answer::<ConnectionView>()) } }),
        RouteId::ListConnections => json!({
            "summary": "The organization's connections",
            "responses": { "200": ok("Its connections.", s.answer::<ConnectionList>()) } }),
        RouteId::GetConnection => json!({
            "summary": "One of the organization's connections",
            "parameters": [ path_param("id", "A connection id.", "con_aaaaaaaaaaaaaaaaaaaaaaaaaa") ],
            "responses": { "200": ok("The connection (never a secret or a token).", s.answer::<ConnectionView>()) } }),
        RouteId::ListAllConnections => json!({
            "summary": "Operators: every organization's connections, a page at a time",
            "description": "In connection-id order; `next_cursor` (absent on the last page) is passed back as `cursor`. Ids, templates, organizations and creation times only: never a value, a secret or a token.",
            "parameters": [
                { "name": "cursor", "in": "query", "required": false, "description": "The previous page's `next_cursor`.", "schema": { "type": "string" } },
                { "name": "limit", "in": "query", "required": false, "description": "1 to 1000 (default 100).", "schema": { "type": "integer", "minimum": 1, "maximum": 1000 } }
            ],
            "responses": { "200": ok("One page.", s.answer::<ConnectionPage>()) } }),
        RouteId::ListOrgOnboardings => json!({
            "summary": "An organization's onboardings, a page at a time",
            "description": "In onboarding-id order; `status` is the last one Gatehouse read from Stream (absent when none was read yet). With `status`, a page may hold fewer than `limit`: follow `next_cursor` to the end.",
            "parameters": [
                { "name": "status", "in": "query", "required": false, "schema": { "type": "string", "enum": ["pending", "active", "revoked", "failed"] } },
                { "name": "cursor", "in": "query", "required": false, "description": "The previous page's `next_cursor`.", "schema": { "type": "string", "pattern": "^[A-Za-z0-9_.:-]{1,128}$" } },
                { "name": "limit", "in": "query", "required": false, "description": "1 to 100 (default 50).", "schema": { "type": "integer", "minimum": 1, "maximum": 100 } }
            ],
            "responses": { "200": ok("One page.", s.answer::<OnboardingPage>()) } }),
        RouteId::GetOrgOnboarding => json!({
            "summary": "One onboarding in full, as Stream returns it",
            "description": "Every field of Stream's onboarding record (seed 000), read from Stream now: not the browser's reduced view.",
            "parameters": [ onboarding_id() ],
            "responses": { "200": ok("Stream's record.", json!({ "type": "object", "additionalProperties": true })) } }),
        RouteId::ListKeys => json!({
            "summary": "Operators: every server key (never its value or hash)",
            "responses": { "200": ok("The keys, in id order.", s.answer::<KeyList>()) } }),
        RouteId::CreateKey => json!({
            "summary": "Operators: make a server key, shown once",
            "description": "Scopes: `proxy`, `onboarding:read`, `onboarding:write`, `connections:read`, `connections:write`, `admin`. `organizations` limits every call to those organizations (a call naming none is refused); `targets` limits the proxy to credential ids, connection ids or `template:<id>`. The answer's `secret` is the key: only its SHA-256 is kept, so it cannot be shown again. Calls outside the key's scopes answer 403 `insufficient_scope`, `forbidden_org` or `forbidden_target`.",
            "requestBody": json_body(s.request::<NewKey>()),
            "responses": { "201": ok("The key and its value.", s.answer::<CreatedKey>()) } }),
        RouteId::RotateKey => json!({
            "summary": "Operators: rotate a server key without a gap",
            "description": "Makes a new key with the same name, scopes and limits and gives the old one `expires_at` (in `expire_old_in_s` seconds, default 86400, at most 30 days; 0 stops it at once). Both work until then.",
            "parameters": [ key_id() ],
            "requestBody": { "required": false, "content": { "application/json": { "schema": s.request::<Rotate>() } } },
            "responses": { "201": ok("The new key and its value, and the old key's record.", s.answer::<CreatedKey>()) } }),
        RouteId::RevokeKey => json!({
            "summary": "Operators: revoke a server key",
            "description": "Refused at once by the isolate that revoked it, and by every other within 5 seconds (an isolate keeps a key's record at most that long).",
            "parameters": [ key_id() ],
            "responses": { "204": { "description": "Revoked." } } }),
        RouteId::UpdateConnection => json!({
            "summary": "Give a connection new values (owner, admin): update mode",
            "description": "What a merchant does after changing the password at the partner. Every field of the connection's template is sent again (secrets too: they are never shown). The new values are verified first, with the partner's real grant: a refusal answers 422 as on creation and the old values keep serving; success replaces them, clears `needs_reauth` and sends `connection.recovered` if the connection was in it.",
            "parameters": [ path_param("id", "A connection id.", "con_aaaaaaaaaaaaaaaaaaaaaaaaaa") ],
            "requestBody": json_body(s.request::<UpdateConnection>()),
            "responses": { "200": ok("The connection (never a secret or a token).", s.answer::<ConnectionView>()) } }),
        RouteId::DeleteConnection => json!({
            "summary": "Delete a connection (owner, admin): its values and tokens are erased",
            "parameters": [ path_param("id", "A connection id.", "con_aaaaaaaaaaaaaaaaaaaaaaaaaa") ],
            "responses": { "204": { "description": "Deleted." } } }),
        RouteId::Proxy => json!({
            "summary": "Call the partner with the credential's token (trusted server code)",
            "description": "Allowed methods and paths per credential come from its `proxy` allowlist. Browsers are refused. `path` is the rest of the URL, slashes included, sent as it is (not percent-encoded). End-to-end headers pass both ways by an allowlist (docs/server.md): in, `Accept`, `Accept-Encoding`, `Accept-Language`, `Content-Type`, `Idempotency-Key`, `If-Match`, `If-Modified-Since`, `If-None-Match`, `If-Unmodified-Since`, `Prefer`; back, the content headers, `ETag`, `Last-Modified`, `Link`, `Retry-After`, `RateLimit*`, `X-RateLimit-*`, `Deprecation`, `Sunset`, `Preference-Applied`. A request body is read whole up to `PROXY_MAX_BODY_BYTES` (default 1 MiB), so the one retry after a partner 401 can resend it. The partner's answer is passed on as it comes; Gatehouse's own refusals are JSON errors. For a connection (`con_…`), `Gatehouse-Organization` names the organization the call acts for, which must own it.",
            "parameters": [ path_param("credential", "A credential id.", "streamdiver-acme"),
                            path_param("path", "The partner API path.", "v2/tenants/current/settings") ],
            "responses": {
                "401": { "$ref": "#/components/responses/Error" },
                "403": { "$ref": "#/components/responses/Error" },
                // The partner's own answers are not Gatehouse's to describe.
                "default": { "description": "The partner's answer, or a Gatehouse JSON error." } } }),
        // Not in the document (no operationId in the table): development and test routes.
        RouteId::OrganizationCounters | RouteId::DevUsers | RouteId::DevSession => Value::Null,
    }
}

/// A webhook Gatehouse sends to the partner's backend.
pub(super) fn webhook(summary: &str, schema: &str) -> Value {
    json!({ "post": {
        "summary": summary,
        "parameters": [
            { "name": "webhook-id", "in": "header", "required": true, "description": "Standard Webhooks: the idempotency id (= the body's `id`).", "schema": { "type": "string" } },
            { "name": "webhook-timestamp", "in": "header", "required": true, "description": "Standard Webhooks: when it was signed (Unix seconds).", "schema": { "type": "integer" } },
            { "name": "webhook-signature", "in": "header", "required": true, "description": "Standard Webhooks: `v1,<base64 HMAC-SHA256(key, \"<id>.<timestamp>.<raw body>\")>`, space-separated, one per key; keys are `whsec_` secrets.", "schema": { "type": "string" } },
            { "name": "Gatehouse-Delivery-Attempt", "in": "header", "schema": { "type": "integer" } } ],
        "requestBody": json_body(json!({ "$ref": format!("#/components/schemas/{schema}") })),
        "responses": { "2XX": { "description": "Received; anything else is retried with backoff." } } } })
}
