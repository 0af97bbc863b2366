//! One Durable Object per webhook target: a durable queue delivered from alarms.
//!
//! - **Stored first**: `Enqueue` writes the delivery (`p:<event id>`) and sets the alarm before
//!   it answers, so an acknowledged event survives an eviction or a restart.
//! - **At least once, in order**: the alarm sends due deliveries oldest first; a `2xx` removes
//!   one (its id is remembered for [`DEDUPE_MS`] as `done:<id>`, so a repeated emission of the
//!   same change is not sent again); anything else (non-2xx, a redirect, a timeout, a refused
//!   connection) reschedules it by the core's [`RetrySchedule`]; out of attempts it becomes a
//!   dead letter (`dead:<id>`, logged at `error`, listed at `/api/admin/webhooks`).
//! - **Signed per attempt**: each attempt signs `"<now>.<body>"` with every key in
//!   `WEBHOOK_SECRET`, so receivers can refuse old timestamps and keys rotate without downtime.

use super::OutboxOp;
use crate::credentials::upstream::{self, Transport};
use crate::error::ApiError;
use gatehouse_core::webhook::{self, AfterFailure, Delivery, RetrySchedule};
use std::cell::Cell;
use worker::{
    durable_object, Date, DurableObject, Env, ListOptions, Request, RequestRedirect, Response,
    Result, State,
};

/// How long a delivered id is remembered, to drop repeated emissions.
const DEDUPE_MS: u64 = 3 * 24 * 3600 * 1000;
/// When the outbox cannot send at all (no signing key), it looks again this much later.
const RETRY_LATER_MS: i64 = 60_000;
/// Deliveries sent per alarm run (the rest wait for the next run, moments later).
const BATCH: usize = 50;

/// One per `WEBHOOK_URLS` entry, named by the URL.
#[durable_object]
pub struct WebhookOutbox {
    state: State,
    env: Env,
    /// An alarm run is sending (an enqueue meanwhile only stores).
    sending: Cell<bool>,
}

fn now_ms() -> u64 {
    Date::now().as_millis()
}

fn schedule(env: &Env) -> RetrySchedule {
    let d = RetrySchedule::default();
    let num = |name: &str| crate::config::var(env, name).and_then(|v| v.parse::<u64>().ok());
    RetrySchedule {
        base_ms: num("WEBHOOK_RETRY_BASE_MS")
            .filter(|v| (100..=3_600_000).contains(v))
            .unwrap_or(d.base_ms),
        cap_ms: d.cap_ms,
        max_attempts: num("WEBHOOK_MAX_ATTEMPTS")
            .and_then(|v| u32::try_from(v).ok())
            .filter(|v| (1..=50).contains(v))
            .unwrap_or(d.max_attempts),
    }
}

impl DurableObject for WebhookOutbox {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            sending: Cell::new(false),
        }
    }

    async fn fetch(&self, mut req: Request) -> Result<Response> {
        let op: OutboxOp = match req.json().await {
            Ok(op) => op,
            Err(_) => return Ok(ApiError::Internal("bad outbox message".into()).into_response()),
        };
        let result = match op {
            OutboxOp::Enqueue {
                target,
                event_id,
                body,
            } => self.enqueue(target, event_id, body).await,
            OutboxOp::Status => self.status().await,
        };
        Ok(result.unwrap_or_else(ApiError::into_response))
    }

    async fn alarm(&self) -> Result<Response> {
        if self.sending.replace(true) {
            return Response::ok("");
        }
        let result = self.deliver_due().await;
        self.sending.set(false);
        match result {
            Ok(()) => self.rearm().await?,
            Err(e) => {
                // Misconfigured (no WEBHOOK_SECRET) or storage trouble: logged, nothing dropped;
                // look again in a minute rather than spin.
                let _ = e.into_response();
                self.state.storage().set_alarm(RETRY_LATER_MS).await?;
            }
        }
        Response::ok("")
    }
}

impl WebhookOutbox {
    async fn enqueue(
        &self,
        target: String,
        event_id: String,
        body: String,
    ) -> std::result::Result<Response, ApiError> {
        let storage = self.state.storage();
        if storage
            .get::<String>("target")
            .await
            .ok()
            .flatten()
            .is_none()
        {
            storage.put("target", &target).await?;
        }
        let pending = format!("p:{event_id}");
        let known = storage
            .get::<String>(&pending)
            .await
            .ok()
            .flatten()
            .is_some()
            || storage
                .get::<u64>(&format!("done:{event_id}"))
                .await
                .ok()
                .flatten()
                .is_some();
        if !known {
            let now = now_ms();
            let d = Delivery {
                event_id,
                body,
                attempts: 0,
                queued_ms: now,
                next_at_ms: now,
                last_error: None,
            };
            storage.put(&pending, to_json(&d)?).await?;
            // Due now: an alarm at or before now runs at once.
            match storage.get_alarm().await? {
                Some(at) if u64::try_from(at).unwrap_or(0) <= now => {}
                _ => storage.set_alarm(0i64).await?,
            }
        }
        Ok(crate::http::json(
            200,
            &serde_json::json!({ "stored": true, "duplicate": known }),
        ))
    }

    async fn deliveries(&self, prefix: &str) -> std::result::Result<Vec<Delivery>, ApiError> {
        let map = self
            .state
            .storage()
            .list_with_options(ListOptions::new().prefix(prefix))
            .await?;
        let mut out = Vec::new();
        map.for_each(&mut |value, _key| {
            if let Some(d) = value
                .as_string()
                .and_then(|s| serde_json::from_str::<Delivery>(&s).ok())
            {
                out.push(d);
            }
        });
        Ok(out)
    }

    /// Sends every due delivery, oldest first; reschedules or dead-letters the failures.
    async fn deliver_due(&self) -> std::result::Result<(), ApiError> {
        let storage = self.state.storage();
        let Some(target) = storage.get::<String>("target").await.ok().flatten() else {
            return Ok(());
        };
        let keys = crate::config::secret(&self.env, "WEBHOOK_SECRET")
            .ok_or_else(|| ApiError::Misconfigured("secret WEBHOOK_SECRET is not set".into()))
            .and_then(|k| {
                webhook::parse_keys(&k).map_err(|e| ApiError::Misconfigured(e.to_string()))
            })?;
        let plan = schedule(&self.env);
        let mut due: Vec<Delivery> = self
            .deliveries("p:")
            .await?
            .into_iter()
            .filter(|d| d.next_at_ms <= now_ms())
            .collect();
        due.sort_by_key(|d| (d.queued_ms, d.event_id.clone()));
        for mut d in due.into_iter().take(BATCH) {
            let key = format!("p:{}", d.event_id);
            match self.send(&target, &keys, &d).await {
                Ok(()) => {
                    storage
                        .put(&format!("done:{}", d.event_id), now_ms())
                        .await?;
                    storage.delete(&key).await?;
                    let delivered = storage.get::<u64>("delivered").await.ok().flatten();
                    storage.put("delivered", delivered.unwrap_or(0) + 1).await?;
                    crate::log::event(
                        "info",
                        &[
                            ("webhook_delivered", &d.event_id),
                            ("attempt", &(d.attempts + 1).to_string()),
                        ],
                    );
                }
                Err((why, retry_after_ms)) => {
                    match plan.after_failure(
                        &mut d,
                        why.clone(),
                        now_ms(),
                        retry_after_ms,
                        js_sys::Math::random(),
                    ) {
                        AfterFailure::RetryAt(_) => {
                            storage.put(&key, to_json(&d)?).await?;
                            crate::log::event(
                                "warn",
                                &[
                                    ("webhook_retry", &d.event_id),
                                    ("attempt", &d.attempts.to_string()),
                                    ("error", &why),
                                ],
                            );
                        }
                        AfterFailure::GiveUp => {
                            storage
                                .put(&format!("dead:{}", d.event_id), to_json(&d)?)
                                .await?;
                            storage.delete(&key).await?;
                            crate::log::event(
                                "error",
                                &[
                                    ("webhook_dead", &d.event_id),
                                    ("attempts", &d.attempts.to_string()),
                                    ("error", &why),
                                ],
                            );
                        }
                    }
                }
            }
        }
        self.forget_old_ids().await
    }

    /// One signed POST; `Err((why, retry_after_ms))` for anything but a `2xx`.
    async fn send(
        &self,
        target: &str,
        keys: &[String],
        d: &Delivery,
    ) -> std::result::Result<(), (String, Option<u64>)> {
        let ts = now_ms() / 1000;
        let input = webhook::signing_input(ts, &d.body);
        let mut sigs = Vec::with_capacity(keys.len());
        for (i, k) in keys.iter().enumerate() {
            let key = crate::session::crypto::import_hmac(&format!("webhook:{i}"), k, true)
                .await
                .map_err(|e| (format!("signing: {e:?}"), None))?;
            let sig = crate::session::crypto::sign_hmac(&key, &input)
                .await
                .map_err(|e| (format!("signing: {e:?}"), None))?;
            sigs.push(webhook::hex(&sig));
        }
        let req = http::Request::post(target)
            .header("content-type", "application/json")
            .header("user-agent", "Gatehouse-Webhooks/1")
            .header("gatehouse-event-id", &d.event_id)
            .header("gatehouse-delivery-attempt", (d.attempts + 1).to_string())
            .header("gatehouse-signature", webhook::signature_header(ts, &sigs))
            .body(d.body.clone().into_bytes())
            .map_err(|e| (format!("request: {e}"), None))?;
        match upstream::send_with(req, RequestRedirect::Manual).await {
            Ok(a) if (200..300).contains(&a.status) => Ok(()),
            Ok(a) => {
                let retry_after = a
                    .retry_after
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .map(|s| s.saturating_mul(1000));
                Err((format!("status {}", a.status), retry_after))
            }
            Err(Transport::Timeout) => Err(("timeout".into(), None)),
            Err(Transport::Failed(_)) => Err(("connection failed".into(), None)),
        }
    }

    async fn forget_old_ids(&self) -> std::result::Result<(), ApiError> {
        let storage = self.state.storage();
        let map = storage
            .list_with_options(ListOptions::new().prefix("done:"))
            .await?;
        let cutoff = now_ms().saturating_sub(DEDUPE_MS);
        let mut old = Vec::new();
        map.for_each(&mut |value, key| {
            let at = value.as_f64().unwrap_or(0.0);
            if at < cutoff as f64 {
                if let Some(k) = key.as_string() {
                    old.push(k);
                }
            }
        });
        for k in old {
            storage.delete(&k).await?;
        }
        Ok(())
    }

    /// The alarm for the earliest pending delivery (none when the queue is empty).
    async fn rearm(&self) -> Result<()> {
        let next = self
            .deliveries("p:")
            .await
            .map_err(|e| worker::Error::RustError(format!("{e:?}")))?
            .iter()
            .map(|d| d.next_at_ms)
            .min();
        if let Some(at) = next {
            let wait = at.saturating_sub(now_ms());
            self.state
                .storage()
                .set_alarm(i64::try_from(wait).unwrap_or(i64::MAX))
                .await?;
        }
        Ok(())
    }

    async fn status(&self) -> std::result::Result<Response, ApiError> {
        let pending = self.deliveries("p:").await?;
        let dead = self.deliveries("dead:").await?;
        let delivered = self
            .state
            .storage()
            .get::<u64>("delivered")
            .await
            .ok()
            .flatten()
            .unwrap_or(0);
        let show = |d: &Delivery| {
            serde_json::json!({
                "event_id": d.event_id,
                "attempts": d.attempts,
                "next_at_ms": d.next_at_ms,
                "last_error": d.last_error,
            })
        };
        Ok(crate::http::json(
            200,
            &serde_json::json!({
                "pending": pending.iter().map(show).collect::<Vec<_>>(),
                "dead": dead.iter().map(show).collect::<Vec<_>>(),
                "delivered": delivered,
            }),
        ))
    }
}

fn to_json<T: serde::Serialize>(v: &T) -> std::result::Result<String, ApiError> {
    serde_json::to_string(v).map_err(|e| ApiError::Internal(e.to_string()))
}
