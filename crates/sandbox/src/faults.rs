//! Named routes: every partner route runs through [`named`], which counts the request under
//! its route name (and the client id for token routes), then applies the first matching
//! injected fault (latency, a status, a broken body) before the real handler.

use crate::counters::Counters;
use crate::http::client_id_of;
use crate::shared::Shared;
use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// Every route name a fault rule may target (besides `*`).
pub(crate) const ROUTE_NAMES: &[&str] = &[
    "stream.token",
    "stream.partner_tokens",
    "stream.sso",
    "stream.onboarding.init",
    "stream.onboarding.status",
    "stream.onboarding.complete",
    "stream.onboarding.revoke",
    "stream.v2",
    "stream.locations",
    "stream.orgs",
    "pages.sso",
    "pages.consent",
    "omniretain.token",
    "omniretain.api",
    "streamdiver.token",
    "streamdiver.api",
    "powerepos.token",
    "powerepos.api",
];

/// The largest token request body read for counting (anything larger is refused).
const TOKEN_BODY_LIMIT: usize = 64 * 1024;

/// What an injected answer's body looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum FaultBody {
    /// `{"error":"temporarily_unavailable",...}`.
    Json,
    /// Truncated JSON with `Content-Type: application/json`.
    Malformed,
    /// An HTML error page.
    Html,
    /// No body.
    Empty,
    /// The start of a JSON body, then the connection is cut (a reset mid-answer).
    Reset,
}

/// One rule from `POST /_control/faults`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FaultRule {
    /// A route name or `*`.
    pub(crate) route: String,
    /// Answer this status instead of handling the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) status: Option<u16>,
    /// Wait this long first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) latency_ms: Option<u64>,
    /// Handle the request normally (its effects happen: a refresh token rotates), then hold the
    /// answer this long: a partner that did the work but whose answer arrives late or never.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) hold_answer_ms: Option<u64>,
    /// Handle the request normally, send the status and headers, then deliver the body in two
    /// halves this many milliseconds apart (a slow body).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) slow_body_ms: Option<u64>,
    /// The answer's body; alone (no status) it answers 200.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) body: Option<FaultBody>,
    /// `Retry-After` seconds on the injected answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) retry_after: Option<u64>,
    /// How many requests the rule applies to; absent = until cleared.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) times: Option<u64>,
    /// A `Location` header on the injected answer (a `3xx` that tries to send the caller, and
    /// its body, elsewhere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) location: Option<String>,
}

impl FaultRule {
    /// Checks the rule; the message is safe to send.
    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.route != "*" && !ROUTE_NAMES.contains(&self.route.as_str()) {
            return Err(format!(
                "unknown route name {:?}; known: * {}",
                self.route,
                ROUTE_NAMES.join(" ")
            ));
        }
        if let Some(status) = self.status {
            if StatusCode::from_u16(status).is_err() || !(100..=599).contains(&status) {
                return Err(format!("status {status} is not an HTTP status"));
            }
        }
        if self.times == Some(0) {
            return Err("times must be at least 1 (leave it out for until cleared)".to_owned());
        }
        Ok(())
    }

    fn matches(&self, route: &str) -> bool {
        self.route == "*" || self.route == route
    }

    /// The injected answer, if the rule has one (a latency-only rule has none).
    fn answer(&self) -> Option<Response> {
        let body = self.body;
        let status = match (self.status, body) {
            (Some(s), _) => StatusCode::from_u16(s).ok()?,
            (None, Some(_)) => StatusCode::OK,
            (None, None) => return None,
        };
        let mut response = match body.unwrap_or(FaultBody::Json) {
            FaultBody::Json => (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"error":"temporarily_unavailable","error_description":"fault injected by the sandbox"}"#,
            )
                .into_response(),
            FaultBody::Malformed => (
                status,
                [(header::CONTENT_TYPE, "application/json")],
                r#"{"access_token":"sandbox-trunc"#,
            )
                .into_response(),
            FaultBody::Html => (
                status,
                [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
                format!(
                    "<!doctype html><html><head><title>{status}</title></head><body><h1>{status}</h1><p>upstream error</p></body></html>"
                ),
            )
                .into_response(),
            FaultBody::Empty => (status, Body::empty()).into_response(),
            FaultBody::Reset => {
                let chunks: Vec<Result<&'static str, std::io::Error>> = vec![
                    Ok(r#"{"access_token":"sandbox-cut"#),
                    Err(std::io::Error::new(std::io::ErrorKind::ConnectionReset, "fault injected: reset")),
                ];
                (
                    status,
                    [(header::CONTENT_TYPE, "application/json")],
                    Body::from_stream(futures_util::stream::iter(chunks)),
                )
                    .into_response()
            }
        };
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        if let Some(location) = self
            .location
            .as_deref()
            .and_then(|l| HeaderValue::from_str(l).ok())
        {
            response.headers_mut().insert(header::LOCATION, location);
        }
        Some(response)
    }
}

/// What named routes share: the rules of `/_control/faults` and the counters of
/// `/_control/counters`.
#[derive(Clone, Default)]
pub(crate) struct Faults {
    pub(crate) rules: Shared<Vec<FaultRule>>,
    pub(crate) counters: Shared<Counters>,
}

/// Gives a route its name: counted, and subject to fault rules for that name or `*`. The
/// route's own state type is left as it is.
pub(crate) fn named<S>(
    faults: &Faults,
    name: &'static str,
    route: MethodRouter<S>,
) -> MethodRouter<S>
where
    S: Clone + Send + Sync + 'static,
{
    route.layer(middleware::from_fn_with_state(
        (faults.clone(), name),
        apply,
    ))
}

async fn apply(
    State((faults, name)): State<(Faults, &'static str)>,
    req: Request,
    next: Next,
) -> Response {
    let req = if name.ends_with(".token") {
        let (parts, body) = req.into_parts();
        let Ok(bytes) = to_bytes(body, TOKEN_BODY_LIMIT).await else {
            return (StatusCode::PAYLOAD_TOO_LARGE, "request body too large").into_response();
        };
        if let Some(id) = client_id_of(&parts.headers, &bytes) {
            faults
                .counters
                .with(|c| *c.token_calls.entry(id).or_insert(0) += 1);
        }
        Request::from_parts(parts, Body::from(bytes))
    } else {
        req
    };
    faults
        .counters
        .with(|c| *c.requests.entry(name.to_owned()).or_insert(0) += 1);
    let rule = faults.rules.with(|rules| {
        let index = rules.iter().position(|r| r.matches(name))?;
        let rule = rules.get(index)?.clone();
        if let Some(times) = rules.get_mut(index).and_then(|r| r.times.as_mut()) {
            *times -= 1;
            if *times == 0 {
                rules.remove(index);
            }
        }
        Some(rule)
    });
    if let Some(rule) = rule {
        if let Some(ms) = rule.latency_ms.filter(|ms| *ms > 0) {
            tokio::time::sleep(Duration::from_millis(ms)).await;
        }
        if let Some(response) = rule.answer() {
            return response;
        }
        if let Some(ms) = rule.slow_body_ms.filter(|ms| *ms > 0) {
            let (parts, body) = next.run(req).await.into_parts();
            let Ok(bytes) = to_bytes(body, usize::MAX).await else {
                return (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "sandbox: unreadable answer",
                )
                    .into_response();
            };
            let half = bytes.len() / 2;
            let (first, second) = (bytes.slice(..half), bytes.slice(half..));
            let chunks = [first, second];
            let slow = futures_util::stream::unfold(0usize, move |i| {
                let chunks = chunks.clone();
                async move {
                    let chunk = chunks.get(i)?.clone();
                    if i == 1 {
                        tokio::time::sleep(Duration::from_millis(ms)).await;
                    }
                    Some((Ok::<_, std::io::Error>(chunk), i + 1))
                }
            });
            return Response::from_parts(parts, Body::from_stream(slow));
        }
        if let Some(ms) = rule.hold_answer_ms.filter(|ms| *ms > 0) {
            let response = next.run(req).await;
            tokio::time::sleep(Duration::from_millis(ms)).await;
            return response;
        }
    }
    next.run(req).await
}
