//! The typed Rust client (usable from other wasm crates; [`crate::js`] wraps it for JavaScript).
//! It talks HTTP through `gloo-net` (no JSON parser compiled into the package: the browser parses
//! answers, `serde-wasm-bindgen` decodes them) into the API types of `gatehouse-core`, shared
//! with the worker.

use gatehouse_core::api::{ErrorBody, Health};
use gatehouse_core::connections::{ConnectionList, ConnectionView, FieldProblem, TemplateList};
use gatehouse_core::contract::stream::{
    BindOnboardingLocation, IngestOnboardingLocation, LocationsResponse,
};
use gatehouse_core::onboarding::{OnboardingView, StartResponse};
use gatehouse_core::routes::{self, RouteId};
use gloo_net::http::{Method, RequestBuilder};
use js_sys::{Object, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;
use web_sys::AbortSignal;

/// Why a call to the worker did not give the typed answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The worker answered with its JSON error body (a stable `code`).
    #[error("{} ({}, HTTP {status})", body.message, body.code)]
    Api {
        /// HTTP status.
        status: u16,
        /// The error body.
        body: ErrorBody,
        /// The worker's `X-Request-Id` for this answer (what its log lines carry).
        request_id: Option<String>,
    },
    /// The request did not reach the worker, or its answer could not be read.
    #[error("network error: {0}")]
    Network(String),
    /// The worker answered something that is not the documented shape.
    #[error("unexpected answer: {0}")]
    Decode(String),
}

impl ClientError {
    /// Whether trying again later may succeed.
    pub fn retryable(&self) -> bool {
        match self {
            Self::Api { body, .. } => body.retryable,
            Self::Network(_) => true,
            Self::Decode(_) => false,
        }
    }

    /// The stable code (`network_error` / `unexpected_response` for failures without one).
    pub fn code(&self) -> &str {
        match self {
            Self::Api { body, .. } => &body.code,
            Self::Network(_) => "network_error",
            Self::Decode(_) => "unexpected_response",
        }
    }

    /// The HTTP status (0 when the worker's answer never arrived).
    pub fn status(&self) -> u16 {
        match self {
            Self::Api { status, .. } => *status,
            _ => 0,
        }
    }

    /// The worker's request id (`X-Request-Id`), when it answered.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Api { request_id, .. } => request_id.as_deref(),
            _ => None,
        }
    }

    /// A sentence for the developer: the worker's own message, or what failed.
    pub fn message(&self) -> String {
        match self {
            Self::Api { body, .. } => body.message.clone(),
            other => other.to_string(),
        }
    }
}

fn network(e: gloo_net::Error) -> ClientError {
    ClientError::Network(e.to_string())
}

fn js_network(e: JsValue) -> ClientError {
    ClientError::Network(
        Reflect::get(&e, &"message".into())
            .ok()
            .and_then(|m| m.as_string())
            .unwrap_or_else(|| "fetch failed".to_owned()),
    )
}

/// An answer as the browser parsed it: status, entity tag and the JSON value (`undefined` for
/// `304`). The JavaScript API hands the value on as it is; the typed methods decode it.
#[derive(Debug, Clone)]
pub struct Answer {
    /// HTTP status (2xx or 304).
    pub status: u16,
    /// The `ETag` header.
    pub etag: Option<String>,
    /// The parsed JSON body.
    pub json: JsValue,
}

/// A portal session token: never printed (`Debug` is redacted).
#[derive(Clone, PartialEq, Eq)]
struct Session(String);

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Session(<redacted>)")
    }
}

/// Where a fresh portal session comes from when the worker answers `session_expired`: resolves
/// to the new session token, or `None` when there is none to be had.
pub type SessionSource = Rc<dyn Fn() -> Pin<Box<dyn Future<Output = Option<String>>>>>;

/// What clones of a [`Client`] share: the session and where a fresh one comes from, so a
/// session set (or renewed) once is used by every call and watch of the client from then on.
#[derive(Default)]
struct Shared {
    session: Option<Session>,
    renew: Option<SessionSource>,
}

/// A client bound to one Gatehouse deployment and, optionally, one portal session.
#[derive(Clone)]
pub struct Client {
    base: String,
    shared: Rc<RefCell<Shared>>,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = self.shared.borrow();
        f.debug_struct("Client")
            .field("base", &self.base)
            .field("session", &shared.session)
            .field("renews", &shared.renew.is_some())
            .finish()
    }
}

/// A status answer: the onboarding and its entity tag, or "unchanged" (`304`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatusAnswer {
    /// The current status.
    Changed(OnboardingView, Option<String>),
    /// Same as the tag the caller sent.
    Unchanged,
}

impl Client {
    /// A client for the worker at `base_url` (e.g. `https://gatehouse.example.com`, or `""` for
    /// same-origin pages served by the worker itself, which use the session cookie).
    pub fn new(base_url: &str) -> Self {
        Self {
            base: base_url.trim_end_matches('/').to_owned(),
            shared: Rc::default(),
        }
    }

    /// Sends `Authorization: Bearer <session>` (a portal session token your backend signed) on
    /// every call: for pages on another origin than the worker.
    pub fn with_session(self, session: &str) -> Self {
        self.set_session(Some(session));
        self
    }

    /// Replaces the session for every later call of this client and its clones (a watch
    /// included); `None` or `""` sends none.
    pub fn set_session(&self, session: Option<&str>) {
        self.shared.borrow_mut().session = session
            .filter(|s| !s.is_empty())
            .map(|s| Session(s.to_owned()));
    }

    /// Asks `source` for a fresh session when the worker answers `session_expired`, then sends
    /// the call once more (for this client and its clones).
    pub fn set_session_source(&self, source: Option<SessionSource>) {
        self.shared.borrow_mut().renew = source;
    }

    fn session(&self) -> Option<Session> {
        self.shared.borrow().session.clone()
    }

    /// One call: the raw answer, or a network failure.
    async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<&JsValue>,
        if_none_match: Option<&str>,
        signal: Option<&AbortSignal>,
    ) -> Result<gloo_net::http::Response, ClientError> {
        let method = match method {
            "POST" => Method::POST,
            "PUT" => Method::PUT,
            "DELETE" => Method::DELETE,
            _ => Method::GET,
        };
        let mut req = RequestBuilder::new(&format!("{}{}", self.base, path))
            .method(method)
            .abort_signal(signal);
        if let Some(Session(s)) = self.session() {
            req = req.header("authorization", &format!("Bearer {s}"));
        }
        if let Some(tag) = if_none_match {
            req = req.header("if-none-match", tag);
        }
        let req = match body {
            Some(b) => {
                let text = js_sys::JSON::stringify(b).map_err(js_network)?;
                req.header("content-type", "application/json")
                    .body(text)
                    .map_err(network)?
            }
            None => req.build().map_err(network)?,
        };
        req.send().await.map_err(network)
    }

    /// One call, answered as parsed JSON; a non-2xx answer (other than `304`) is the worker's
    /// typed error, read without a JSON deserializer. When the worker answers `session_expired`
    /// and the client has a [`SessionSource`], the call is sent once more with a fresh session.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<JsValue>,
        if_none_match: Option<&str>,
    ) -> Result<Answer, ClientError> {
        self.request_with(method, path, body, if_none_match, None)
            .await
    }

    /// [`Client::request`], cancelled when `signal` aborts (the call then fails as a network
    /// error).
    pub async fn request_with(
        &self,
        method: &str,
        path: &str,
        body: Option<JsValue>,
        if_none_match: Option<&str>,
        signal: Option<&AbortSignal>,
    ) -> Result<Answer, ClientError> {
        let mut renewed = false;
        loop {
            let sent_with = self.session();
            let resp = self
                .send(method, path, body.as_ref(), if_none_match, signal)
                .await?;
            let status = resp.status();
            let headers = resp.headers();
            let etag = headers.get("etag");
            // `304`: unchanged; `204`: done, nothing to say (a deleted connection).
            if status == 304 || status == 204 {
                return Ok(Answer {
                    status,
                    etag,
                    json: JsValue::UNDEFINED,
                });
            }
            let request_id = headers.get("x-request-id");
            let json = match web_sys::Response::from(resp).json() {
                Ok(p) => JsFuture::from(p).await.ok(),
                Err(_) => None,
            };
            if (200..300).contains(&status) {
                let json = json.ok_or_else(|| ClientError::Decode("not JSON".into()))?;
                return Ok(Answer { status, etag, json });
            }
            let field = |k: &str| json.as_ref().and_then(|j| Reflect::get(j, &k.into()).ok());
            let text = |k: &str| field(k).and_then(|v| v.as_string());
            let body = match text("code") {
                Some(code) => ErrorBody {
                    code,
                    message: text("message").unwrap_or_default(),
                    retryable: field("retryable").and_then(|r| r.as_bool()) == Some(true),
                    fields: field("fields").map(|f| problems(&f)).unwrap_or_default(),
                },
                None => ErrorBody {
                    code: "unexpected_response".into(),
                    message: format!("HTTP {status}"),
                    retryable: status >= 500 || status == 429,
                    fields: Vec::new(),
                },
            };
            // An expired session: once, a fresh one from the session source (unless another
            // call of this client renewed it meanwhile), and the same call again.
            let renew = self.shared.borrow().renew.clone();
            if let (false, "session_expired", Some(renew)) = (renewed, body.code.as_str(), renew) {
                renewed = true;
                if self.session() != sent_with {
                    continue;
                }
                if let Some(fresh) = renew().await.filter(|s| !s.is_empty()) {
                    self.set_session(Some(&fresh));
                    continue;
                }
            }
            return Err(ClientError::Api {
                status,
                body,
                request_id,
            });
        }
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<JsValue>,
    ) -> Result<T, ClientError> {
        let answer = self.request(method, path, body, None).await?;
        decode(answer.json)
    }

    fn encode<B: Serialize>(body: &B) -> Result<JsValue, ClientError> {
        body.serialize(&serde_wasm_bindgen::Serializer::json_compatible())
            .map_err(|e| ClientError::Decode(e.to_string()))
    }

    /// `GET /api/health`.
    pub async fn health(&self) -> Result<Health, ClientError> {
        let (method, path) = route_path(RouteId::Health, &[]);
        self.call(method, &path, None).await
    }

    /// `GET` any API path and decode the documented answer type.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        self.call("GET", path, None).await
    }

    /// `POST /api/onboarding`: starts onboarding `source` of `kind` (`pos` / `dsp`); the answer's
    /// `entry_url` is where the merchant authorizes.
    pub async fn start_onboarding(
        &self,
        source: &str,
        kind: &str,
        return_page: Option<&str>,
    ) -> Result<StartResponse, ClientError> {
        let body = Object::new();
        let _ = Reflect::set(&body, &"source".into(), &source.into());
        let _ = Reflect::set(&body, &"type".into(), &kind.into());
        if let Some(p) = return_page {
            let _ = Reflect::set(&body, &"return_page".into(), &p.into());
        }
        let (method, path) = route_path(RouteId::StartOnboarding, &[]);
        self.call(method, &path, Some(body.into())).await
    }

    /// `GET /api/onboarding/{id}`.
    pub async fn status(&self, id: &str) -> Result<OnboardingView, ClientError> {
        let (method, path) = route_path(RouteId::OnboardingStatus, &[id]);
        self.call(method, &path, None).await
    }

    /// The status if it differs from `etag`, waiting up to `wait_s` seconds for a change
    /// (the worker's long-poll); `Unchanged` when nothing changed meanwhile.
    pub async fn status_if_changed(
        &self,
        id: &str,
        etag: Option<&str>,
        wait_s: u32,
    ) -> Result<StatusAnswer, ClientError> {
        let answer = self.status_raw(id, etag, wait_s).await?;
        if answer.status == 304 {
            return Ok(StatusAnswer::Unchanged);
        }
        Ok(StatusAnswer::Changed(decode(answer.json)?, answer.etag))
    }

    /// The status as parsed JSON, or `304` when it still matches `etag` (long-polling up to
    /// `wait_s` seconds for a change).
    pub async fn status_raw(
        &self,
        id: &str,
        etag: Option<&str>,
        wait_s: u32,
    ) -> Result<Answer, ClientError> {
        self.status_raw_with(id, etag, wait_s, None).await
    }

    /// [`Client::status_raw`], cancelled when `signal` aborts (what a dropped watch does).
    pub async fn status_raw_with(
        &self,
        id: &str,
        etag: Option<&str>,
        wait_s: u32,
        signal: Option<&AbortSignal>,
    ) -> Result<Answer, ClientError> {
        let (method, mut path) = route_path(RouteId::OnboardingStatus, &[id]);
        if etag.is_some() && wait_s > 0 {
            path.push_str("?wait=");
            path.push_str(&wait_s.to_string());
        }
        self.request_with(method, &path, None, etag, signal).await
    }

    /// `POST /api/onboarding/{id}/revoke` (idempotent).
    pub async fn revoke(&self, id: &str) -> Result<OnboardingView, ClientError> {
        let (method, path) = route_path(RouteId::RevokeOnboarding, &[id]);
        self.call(method, &path, None).await
    }

    /// `GET /api/onboarding/{id}/locations`.
    pub async fn locations(&self, id: &str) -> Result<LocationsResponse, ClientError> {
        let (method, path) = route_path(RouteId::OnboardingLocations, &[id]);
        self.call(method, &path, None).await
    }

    /// `POST /api/onboarding/{id}/locations/ingest`.
    pub async fn ingest_locations(
        &self,
        id: &str,
        locations: &[IngestOnboardingLocation],
    ) -> Result<LocationsResponse, ClientError> {
        #[derive(Serialize)]
        struct Body<'a> {
            locations: &'a [IngestOnboardingLocation],
        }
        let body = Self::encode(&Body { locations })?;
        let (method, path) = route_path(RouteId::IngestLocations, &[id]);
        self.call(method, &path, Some(body)).await
    }

    /// `POST /api/onboarding/{id}/locations/bind`.
    pub async fn bind_locations(
        &self,
        id: &str,
        bindings: &[BindOnboardingLocation],
    ) -> Result<LocationsResponse, ClientError> {
        #[derive(Serialize)]
        struct Body<'a> {
            locations: &'a [BindOnboardingLocation],
        }
        let body = Self::encode(&Body {
            locations: bindings,
        })?;
        let (method, path) = route_path(RouteId::BindLocations, &[id]);
        self.call(method, &path, Some(body)).await
    }

    /// `GET /api/connection-templates`: what the organization may connect, each with its form's
    /// fields.
    pub async fn connection_templates(&self) -> Result<TemplateList, ClientError> {
        let (method, path) = route_path(RouteId::ListConnectionTemplates, &[]);
        self.call(method, &path, None).await
    }

    /// `GET /api/connections`: the organization's connections, newest first.
    pub async fn connections(&self) -> Result<ConnectionList, ClientError> {
        let (method, path) = route_path(RouteId::ListConnections, &[]);
        self.call(method, &path, None).await
    }

    /// `GET /api/connections/{id}`.
    pub async fn connection(&self, id: &str) -> Result<ConnectionView, ClientError> {
        let (method, path) = route_path(RouteId::GetConnection, &[id]);
        self.call(method, &path, None).await
    }

    /// `POST /api/connections`: connects `template` with the merchant's `fields` (verified by
    /// the partner first; a refusal is a [`ClientError::Api`] whose body names the fields).
    pub async fn create_connection(
        &self,
        template: &str,
        fields: &BTreeMap<String, String>,
    ) -> Result<ConnectionView, ClientError> {
        #[derive(Serialize)]
        struct Body<'a> {
            template: &'a str,
            fields: &'a BTreeMap<String, String>,
        }
        let body = Self::encode(&Body { template, fields })?;
        let (method, path) = route_path(RouteId::CreateConnection, &[]);
        self.call(method, &path, Some(body)).await
    }

    /// `PUT /api/connections/{id}` (update mode): every field again; the old values keep serving
    /// until the partner accepted the new ones.
    pub async fn update_connection(
        &self,
        id: &str,
        fields: &BTreeMap<String, String>,
    ) -> Result<ConnectionView, ClientError> {
        #[derive(Serialize)]
        struct Body<'a> {
            fields: &'a BTreeMap<String, String>,
        }
        let body = Self::encode(&Body { fields })?;
        let (method, path) = route_path(RouteId::UpdateConnection, &[id]);
        self.call(method, &path, Some(body)).await
    }

    /// `DELETE /api/connections/{id}`: its values and tokens erased.
    pub async fn delete_connection(&self, id: &str) -> Result<(), ClientError> {
        let (method, path) = route_path(RouteId::DeleteConnection, &[id]);
        self.request(method, &path, None, None).await.map(|_| ())
    }

    /// `GET /api/organization/locations[?location_id=…]`.
    pub async fn organization_locations(
        &self,
        location_id: Option<&str>,
    ) -> Result<LocationsResponse, ClientError> {
        self.call("GET", &org_locations_path(location_id), None)
            .await
    }
}

/// The `fields` of an error body (`[{field, code, message}]`), read without a JSON deserializer;
/// anything else is no problems.
fn problems(v: &JsValue) -> Vec<FieldProblem> {
    if !js_sys::Array::is_array(v) {
        return Vec::new();
    }
    js_sys::Array::from(v)
        .iter()
        .map(|p| {
            let text = |k: &str| {
                Reflect::get(&p, &k.into())
                    .ok()
                    .and_then(|v| v.as_string())
                    .unwrap_or_default()
            };
            FieldProblem::new(&text("field"), &text("code"), text("message"))
        })
        .collect()
}

/// The organization's locations route, filtered to one location when asked.
pub fn org_locations_path(location_id: Option<&str>) -> String {
    let (_, path) = route_path(RouteId::OrganizationLocations, &[]);
    match location_id {
        Some(id) => format!("{path}?location_id={}", encode_segment(id)),
        None => path,
    }
}

/// The method and path of API route `id` from core's route table, its parameters
/// percent-encoded in order (the worker reads the same table).
pub fn route_path(id: RouteId, params: &[&str]) -> (&'static str, String) {
    let encoded: Vec<String> = params.iter().map(|p| encode_segment(p)).collect();
    let refs: Vec<&str> = encoded.iter().map(String::as_str).collect();
    match routes::find_browser(id) {
        Some(r) => (r.method.as_str(), r.path_with(&refs)),
        None => ("GET", String::new()),
    }
}

/// Decodes a parsed JSON answer into its API type.
pub fn decode<T: DeserializeOwned>(json: JsValue) -> Result<T, ClientError> {
    serde_wasm_bindgen::from_value(json).map_err(|e| ClientError::Decode(e.to_string()))
}

/// Percent-encodes a path segment (`encodeURIComponent`).
pub fn encode_segment(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}
