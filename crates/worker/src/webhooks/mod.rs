//! Webhooks to the partner's backend (docs/webhooks.md). Stream has none, so Gatehouse sends
//! them: an onboarding that reaches `active`, `revoked` or `failed`, and a credential that becomes
//! `needs_reauth`, are POSTed as signed JSON events to every `WEBHOOK_URLS` target.
//!
//! [`emit`] hands an event to one [`outbox::WebhookOutbox`] Durable Object per target, which
//! stores it before answering (so an acknowledged event is never lost), delivers it from an
//! alarm, and retries with jittered backoff until the target answers `2xx` (at least once; the
//! event id is the idempotency id). Signing, ids, the target allowlist and the schedule are in
//! [`gatehouse_core::webhook`].

pub mod outbox;

use crate::error::ApiError;
use gatehouse_core::webhook::{self, Event};
use serde::{Deserialize, Serialize};
use worker::{Env, Request, Response};

/// The Durable Object binding of the outboxes.
const BINDING: &str = "WEBHOOK_OUTBOX";

/// A message to a target's outbox.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutboxMessage {
    /// Store and deliver this event (a known id is acknowledged without a second copy); answers
    /// whether it was known already.
    Enqueue {
        /// The target URL (the object is named by it).
        target: String,
        /// The event id, also the receiver's idempotency id.
        event_id: String,
        /// The event's JSON.
        body: String,
    },
    /// The outbox's queue, without the events' bodies.
    Status,
}

/// The configured targets; a bad `WEBHOOK_URLS` is a configuration error (named, logged).
pub fn targets(env: &Env) -> Result<Vec<String>, ApiError> {
    let raw = crate::config::var(env, "WEBHOOK_URLS").unwrap_or_default();
    webhook::parse_targets(&raw).map_err(|e| ApiError::Misconfigured(e.to_string()))
}

/// Hands `event` to every target's outbox. `true` when every outbox stored it (or none is
/// configured); on `false` the caller keeps its own record of the change unmarked, so the next
/// observation emits the same event (same id) again.
pub async fn emit(env: &Env, event: &Event) -> bool {
    let targets = match targets(env) {
        Ok(t) => t,
        Err(e) => {
            e.log(&crate::log::current_request_id());
            return false;
        }
    };
    if targets.is_empty() {
        return true;
    }
    let Ok(body) = serde_json::to_string(event) else {
        return false;
    };
    let mut all = true;
    for target in targets {
        let op = OutboxMessage::Enqueue {
            target: target.clone(),
            event_id: event.id.clone(),
            body: body.clone(),
        };
        let stored = crate::objects::ask_raw(env, BINDING, &target, &op)
            .await
            .is_ok();
        if !stored {
            all = false;
            crate::log::event(
                crate::log::Level::Error,
                &[("webhook_enqueue_failed", &event.kind)],
            );
        }
    }
    all
}

/// `GET /api/admin/webhooks`: `{"targets": [{"target": URL, "outbox": {pending, dead,
/// delivered}}]}` — each target's pending deliveries with attempts and last error, its dead
/// letters and delivered count. Operators' key; event ids, never a body or a key. Each outbox's
/// answer is passed on as it came (it is already that JSON).
pub async fn admin(req: &Request, env: &Env) -> Result<Response, ApiError> {
    // `?target=<url>` shows one outbox, also of a target no longer configured (its retired
    // deliveries are dead letters there).
    let asked = crate::http::query(req).and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "target")
            .map(|(_, v)| v.into_owned())
    });
    let list = match asked {
        Some(t) => webhook::parse_targets(&t)
            .map_err(|e| ApiError::InvalidRequest(format!("target: {e}")))?,
        None => targets(env)?,
    };
    let mut out = String::from("{\"targets\":[");
    for (i, target) in list.iter().enumerate() {
        let outbox = crate::objects::ask_raw(env, BINDING, target, &OutboxMessage::Status).await?;
        let outbox = String::from_utf8_lossy(&outbox);
        if i > 0 {
            out.push(',');
        }
        let name = serde_json::to_string(target).map_err(|e| ApiError::Internal(e.to_string()))?;
        out.push_str(&format!("{{\"target\":{name},\"outbox\":{outbox}}}"));
    }
    out.push_str("]}");
    let headers = worker::Headers::new();
    headers.set("content-type", "application/json; charset=utf-8")?;
    headers.set("cache-control", "no-store")?;
    Ok(Response::builder()
        .with_headers(headers)
        .fixed(out.into_bytes()))
}
