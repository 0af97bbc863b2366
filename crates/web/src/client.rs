//! The typed Rust client (usable from other wasm crates; [`crate::js`] wraps it for JavaScript).
//! It uses the browser's `fetch` and `JSON` directly (no JSON parser compiled into the package)
//! and decodes answers into the API types of `gatehouse-core`, shared with the worker.

use gatehouse_core::api::{ErrorBody, Health};
use gatehouse_core::contract::stream::{
    BindOnboardingLocation, IngestOnboardingLocation, LocationsResponse,
};
use gatehouse_core::onboarding::{OnboardingView, StartResponse};
use gatehouse_core::routes::{self, RouteId};
use js_sys::{Object, Reflect};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Headers, RequestInit, Response};

/// Why a call to the worker did not give the typed answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The worker answered with its JSON error body (a stable `code`).
    #[error("gatehouse answered {status}: {}", body.code)]
    Api {
        /// HTTP status.
        status: u16,
        /// The error body.
        body: ErrorBody,
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
}

fn network(e: JsValue) -> ClientError {
    let message = e
        .as_string()
        .or_else(|| {
            Reflect::get(&e, &"message".into())
                .ok()
                .and_then(|m| m.as_string())
        })
        .unwrap_or_else(|| "fetch failed".to_owned());
    ClientError::Network(message)
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

/// A client bound to one Gatehouse deployment and, optionally, one portal session.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
    session: Option<String>,
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
            session: None,
        }
    }

    /// Sends `Authorization: Bearer <session>` (a portal session token your backend signed) on
    /// every call: for pages on another origin than the worker.
    pub fn with_session(mut self, session: &str) -> Self {
        self.session = Some(session.to_owned()).filter(|s| !s.is_empty());
        self
    }

    /// One call: the raw answer, or a network failure.
    async fn send(
        &self,
        method: &str,
        path: &str,
        body: Option<JsValue>,
        if_none_match: Option<&str>,
    ) -> Result<Response, ClientError> {
        let headers = Headers::new().map_err(network)?;
        if let Some(s) = &self.session {
            headers
                .set("authorization", &format!("Bearer {s}"))
                .map_err(network)?;
        }
        if let Some(tag) = if_none_match {
            headers.set("if-none-match", tag).map_err(network)?;
        }
        let init = RequestInit::new();
        init.set_method(method);
        if let Some(b) = body {
            headers
                .set("content-type", "application/json")
                .map_err(network)?;
            let text = js_sys::JSON::stringify(&b).map_err(network)?;
            init.set_body(&text.into());
        }
        init.set_headers(&headers);
        let global = js_sys::global();
        let fetch = Reflect::get(&global, &"fetch".into())
            .map_err(network)?
            .dyn_into::<js_sys::Function>()
            .map_err(network)?;
        let url = format!("{}{}", self.base, path);
        let promise = fetch
            .call2(&global, &url.into(), &init)
            .map_err(network)?
            .dyn_into::<js_sys::Promise>()
            .map_err(network)?;
        JsFuture::from(promise)
            .await
            .map_err(network)?
            .dyn_into::<Response>()
            .map_err(network)
    }

    /// One call, answered as parsed JSON; a non-2xx answer (other than `304`) is the worker's
    /// typed error, read without a JSON deserializer.
    pub async fn request(
        &self,
        method: &str,
        path: &str,
        body: Option<JsValue>,
        if_none_match: Option<&str>,
    ) -> Result<Answer, ClientError> {
        let resp = self.send(method, path, body, if_none_match).await?;
        let status = resp.status();
        let etag = resp.headers().get("etag").ok().flatten();
        if status == 304 {
            return Ok(Answer {
                status,
                etag,
                json: JsValue::UNDEFINED,
            });
        }
        let json = match resp.json() {
            Ok(p) => JsFuture::from(p).await.ok(),
            Err(_) => None,
        };
        if (200..300).contains(&status) {
            let json = json.ok_or_else(|| ClientError::Decode("not JSON".into()))?;
            return Ok(Answer { status, etag, json });
        }
        let field = |k: &str| json.as_ref().and_then(|j| Reflect::get(j, &k.into()).ok());
        let body = match field("code").and_then(|c| c.as_string()) {
            Some(code) => ErrorBody {
                code,
                message: field("message")
                    .and_then(|m| m.as_string())
                    .unwrap_or_default(),
                retryable: field("retryable")
                    .and_then(|r| r.as_bool())
                    .unwrap_or(false),
                fields: Vec::new(),
            },
            None => ErrorBody {
                code: "unexpected_response".into(),
                message: format!("HTTP {status}"),
                retryable: status >= 500 || status == 429,
                fields: Vec::new(),
            },
        };
        Err(ClientError::Api { status, body })
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
        let (method, mut path) = route_path(RouteId::OnboardingStatus, &[id]);
        if etag.is_some() && wait_s > 0 {
            path.push_str("?wait=");
            path.push_str(&wait_s.to_string());
        }
        self.request(method, &path, None, etag).await
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

    /// `GET /api/organization/locations[?location_id=…]`.
    pub async fn organization_locations(
        &self,
        location_id: Option<&str>,
    ) -> Result<LocationsResponse, ClientError> {
        self.call("GET", &org_locations_path(location_id), None)
            .await
    }
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
    match routes::find(id) {
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
