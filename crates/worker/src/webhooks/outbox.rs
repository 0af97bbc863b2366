//! One Durable Object per webhook target: a durable queue delivered from alarms. The queue
//! logic is the core's [`Outbox`]; this object keeps it in memory, stores it whole (one value)
//! after every change, and does the I/O.
//!
//! - **Stored first**: `Enqueue` stores the queue and sets the alarm before it answers, so an
//!   acknowledged event survives an eviction or a restart.
//! - **At least once, in order**: the alarm sends due deliveries oldest first; a `2xx` removes
//!   one (its id is remembered, so a repeated emission of the same change is not sent again);
//!   anything else (non-2xx, a redirect, a timeout, a refused connection) reschedules it by the
//!   core's [`RetrySchedule`]; out of attempts it becomes a dead letter (logged at `error`, listed
//!   at `/api/admin/webhooks`).
//! - **Signed per attempt**: each attempt signs `"<now>.<body>"` with every key in
//!   `WEBHOOK_SECRET`, so receivers can refuse old timestamps and keys rotate without downtime.

use super::OutboxMessage;
use crate::error::ApiError;
use crate::log::Level;
use crate::upstream::{self, Transport};
use gatehouse_core::webhook::{self, AfterFailure, Delivery, Enqueued, Outbox, RetrySchedule};
use std::cell::{Cell, RefCell};
use worker::{durable_object, Date, DurableObject, Env, Headers, Request, Response, Result, State};

/// When the outbox cannot send at all (no signing key), it looks again this much later.
const RETRY_LATER_MS: i64 = 60_000;
/// Storage keys: the queue, and the target URL it delivers to.
const QUEUE: &str = "queue";
const TARGET: &str = "target";

/// One per `WEBHOOK_URLS` entry, named by the URL.
// Exports only the handlers it has: fetch and alarm (it takes no WebSocket or socket).
// The default, every handler, put never-called stubs in the wasm (3.9 KB gzip for the
// three objects).
#[durable_object(alarm)]
pub struct WebhookOutbox {
    state: State,
    env: Env,
    /// The queue, read from storage once after the object starts.
    queue: RefCell<Option<Outbox>>,
    /// An alarm run is sending.
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
            queue: RefCell::new(None),
            sending: Cell::new(false),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        crate::objects::serve(req, |op| self.answer(op)).await
    }

    async fn alarm(&self) -> Result<Response> {
        if self.sending.replace(true) {
            return Response::ok("");
        }
        let result = self.deliver_due().await;
        self.sending.set(false);
        let next = match result {
            Ok(()) => self
                .with_queue(|q| q.next_due_ms())
                .map(|at| i64::try_from(at.saturating_sub(now_ms())).unwrap_or(RETRY_LATER_MS)),
            Err(e) => {
                // Misconfigured (no WEBHOOK_SECRET) or storage trouble: logged, nothing dropped;
                // look again in a minute rather than spin.
                e.log(&crate::log::current_request_id());
                Some(RETRY_LATER_MS)
            }
        };
        if let Some(wait) = next {
            self.state.storage().set_alarm(wait).await?;
        }
        Response::ok("")
    }
}

impl WebhookOutbox {
    /// The object's answer to one message.
    async fn answer(&self, op: OutboxMessage) -> std::result::Result<Vec<u8>, ApiError> {
        match op {
            OutboxMessage::Enqueue {
                target,
                event_id,
                body,
            } => crate::objects::answer(&self.enqueue(target, event_id, body).await?),
            OutboxMessage::Status => crate::objects::answer(&self.status().await?),
        }
    }

    /// Reads the queue from storage once after this object started.
    async fn load(&self) -> std::result::Result<(), ApiError> {
        if self.queue.borrow().is_some() {
            return Ok(());
        }
        let stored: Option<String> = self.state.storage().get(QUEUE).await?;
        let q = match stored {
            // from_slice, as everywhere in the worker: one serde_json reader in the wasm.
            Some(s) => serde_json::from_slice::<Outbox>(s.as_bytes())
                .map_err(|e| ApiError::Internal(e.to_string()))?,
            None => Outbox::default(),
        };
        self.queue.borrow_mut().get_or_insert(q);
        Ok(())
    }

    /// Runs `f` on the loaded queue.
    fn with_queue<T>(&self, f: impl FnOnce(&mut Outbox) -> T) -> T {
        f(self.queue.borrow_mut().get_or_insert_with(Outbox::default))
    }

    /// Writes the queue as it is now.
    async fn save(&self) -> std::result::Result<(), ApiError> {
        let text = self
            .queue
            .borrow()
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        if let Some(text) = text {
            self.state.storage().put(QUEUE, text).await?;
        }
        Ok(())
    }

    async fn enqueue(
        &self,
        target: String,
        event_id: String,
        body: String,
    ) -> std::result::Result<bool, ApiError> {
        let storage = self.state.storage();
        if storage.get::<String>(TARGET).await.ok().flatten().is_none() {
            storage.put(TARGET, &target).await?;
        }
        self.load().await?;
        let outcome = self.with_queue(|q| q.enqueue(event_id, body, now_ms()));
        match outcome {
            Enqueued::Full => {
                return Err(ApiError::StorageUnavailable("webhook outbox full".into()))
            }
            Enqueued::Duplicate => {}
            Enqueued::Stored => {
                self.save().await?;
                if !self.sending.get() {
                    storage.set_alarm(0i64).await?;
                }
            }
        }
        // `true` when it was already known.
        Ok(outcome == Enqueued::Duplicate)
    }

    /// Sends every due delivery, oldest first; reschedules or dead-letters the failures.
    async fn deliver_due(&self) -> std::result::Result<(), ApiError> {
        let Some(target) = self
            .state
            .storage()
            .get::<String>(TARGET)
            .await
            .ok()
            .flatten()
        else {
            return Ok(());
        };
        let keys = crate::config::secret(&self.env, "WEBHOOK_SECRET")
            .ok_or_else(|| ApiError::Misconfigured("secret WEBHOOK_SECRET is not set".into()))
            .and_then(|k| {
                webhook::parse_keys(&k).map_err(|e| ApiError::Misconfigured(e.to_string()))
            })?;
        self.load().await?;
        // A target removed from WEBHOOK_URLS receives nothing more: its queue becomes dead
        // letters an operator can see (docs/webhooks.md).
        let configured = crate::config::var(&self.env, "WEBHOOK_URLS")
            .and_then(|v| webhook::parse_targets(&v).ok())
            .unwrap_or_default();
        if !configured.contains(&target) {
            let retired = self.with_queue(|q| q.retire(webhook::TARGET_REMOVED));
            if retired > 0 {
                self.save().await?;
                crate::log::event(
                    crate::log::Level::Warn,
                    &[
                        ("webhook_target_removed", &retired.to_string()),
                        ("reason", webhook::TARGET_REMOVED),
                    ],
                );
            }
            return Ok(());
        }
        let plan = schedule(&self.env);
        for id in self.with_queue(|q| q.due(now_ms())) {
            let Some(d) = self.with_queue(|q| q.get(&id).cloned()) else {
                continue;
            };
            let result = self.send(&target, &keys, &d).await;
            let attempt = (d.attempts + 1).to_string();
            let (level, what, error) = match result {
                Ok(()) => {
                    self.with_queue(|q| q.delivered(&id));
                    (Level::Info, "webhook_delivered", String::new())
                }
                Err((why, retry_after_ms)) => {
                    let after = self.with_queue(|q| {
                        q.failed(
                            &id,
                            &plan,
                            why.clone(),
                            now_ms(),
                            retry_after_ms,
                            js_sys::Math::random(),
                        )
                    });
                    match after {
                        Some(AfterFailure::GiveUp) => (Level::Error, "webhook_dead", why),
                        _ => (Level::Warn, "webhook_retry", why),
                    }
                }
            };
            self.save().await?;
            crate::log::event(
                level,
                &[(what, &id), ("attempt", &attempt), ("error", &error)],
            );
        }
        Ok(())
    }

    /// One signed POST; `Err((why, retry_after_ms))` for anything but a `2xx`.
    async fn send(
        &self,
        target: &str,
        keys: &[Vec<u8>],
        d: &Delivery,
    ) -> std::result::Result<(), (String, Option<u64>)> {
        let ts = now_ms() / 1000;
        let input = webhook::signing_input(&d.event_id, ts, &d.body);
        let mut sigs = Vec::with_capacity(keys.len());
        for (i, k) in keys.iter().enumerate() {
            let signed = match crate::webcrypto::import_hmac(&format!("webhook:{i}"), k, true).await
            {
                Ok(key) => crate::webcrypto::sign_hmac(&key, &input).await,
                Err(e) => Err(e),
            };
            sigs.push(signed.map_err(|_| ("signing failed".to_owned(), None))?);
        }
        let headers = Headers::new();
        for (name, value) in [
            ("content-type", "application/json"),
            ("user-agent", "Gatehouse-Webhooks/1"),
            ("webhook-id", &d.event_id),
            ("webhook-timestamp", &ts.to_string()),
            ("webhook-signature", &webhook::signature_header(&sigs)),
            ("gatehouse-delivery-attempt", &(d.attempts + 1).to_string()),
        ] {
            headers
                .set(name, value)
                .map_err(|_| ("bad header".to_owned(), None))?;
        }
        match upstream::send_unfollowed(target, headers, &d.body).await {
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

    /// The queue without the events' bodies (operators see ids, attempts and errors).
    async fn status(&self) -> std::result::Result<Outbox, ApiError> {
        self.load().await?;
        let view = self.with_queue(|q| {
            let mut v = Outbox {
                pending: q.pending.clone(),
                dead: q.dead.clone(),
                done: Vec::new(),
                delivered: q.delivered,
            };
            for d in v.pending.iter_mut().chain(v.dead.iter_mut()) {
                d.body.clear();
            }
            v
        });
        Ok(view)
    }
}
