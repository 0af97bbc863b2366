//! Webhooks to the partner's backend (Stream has none, so Gatehouse provides them): the events,
//! their signature, the target allowlist and the retry schedule. Sans-IO: the worker's outbox
//! Durable Object stores deliveries, signs with WebCrypto and sends; every decision is here.
//!
//! **Signature** (documented for receivers in `docs/webhooks.md`): each delivery carries
//! `Gatehouse-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(key, "<t>.<body>")>`, one `v1` per
//! configured signing key (two during a key rotation), and `Gatehouse-Event-Id`, the idempotency
//! id: the same event delivered twice has the same id.
//!
//! ```
//! use gatehouse_core::webhook::{signature_header, signing_input};
//! assert_eq!(signing_input(1700000000, "{}"), "1700000000.{}");
//! assert_eq!(signature_header(1700000000, &["ab".into(), "cd".into()]), "t=1700000000,v1=ab,v1=cd");
//! ```

use serde::{Deserialize, Serialize};

/// The event types Gatehouse sends.
pub mod kind {
    /// An onboarding reached `active`, `revoked` or `failed`.
    pub const ONBOARDING_STATUS: &str = "onboarding.status_changed";
    /// A credential's partner refused its grant: an operator must re-authorize it.
    pub const CREDENTIAL_NEEDS_REAUTH: &str = "credential.needs_reauth";
}

/// One event, as POSTed (JSON) to every configured URL.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Event {
    /// The idempotency id: derived from what happened, so a repeated emission of the same change
    /// carries the same id and receivers can drop duplicates.
    pub id: String,
    /// One of [`kind`].
    #[serde(rename = "type")]
    pub kind: String,
    /// When Gatehouse saw the change (Unix seconds).
    pub created: u64,
    /// The event's fields.
    pub data: EventData,
}

/// The fields of an [`Event`], by type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub enum EventData {
    /// `onboarding.status_changed`.
    Onboarding {
        /// The onboarding id.
        onboarding_id: String,
        /// The portal organization (`provider_org_id`) that started it.
        provider_org_id: String,
        /// `active`, `revoked` or `failed`.
        status: String,
        /// The status Gatehouse last reported for it, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        previous_status: Option<String>,
        /// The platform (`square`, `ubereats`, ...), when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
    },
    /// `credential.needs_reauth`.
    Credential {
        /// The configured credential id.
        credential: String,
        /// Its provider preset.
        provider: String,
        /// The failure class (`needs_reauth`).
        error: String,
    },
}

/// Whether an onboarding status is one receivers are told about.
pub fn notifies(status: &str) -> bool {
    matches!(status, "active" | "revoked" | "failed")
}

/// The event for an onboarding that reached `status`. Its id is the same for the same
/// onboarding and status, whoever emits it and however often.
pub fn onboarding_event(
    onboarding_id: &str,
    provider_org_id: &str,
    status: &str,
    previous_status: Option<&str>,
    source: Option<&str>,
    now_s: u64,
) -> Event {
    Event {
        id: format!("evt_onb_{}_{}", sanitize(onboarding_id), sanitize(status)),
        kind: kind::ONBOARDING_STATUS.into(),
        created: now_s,
        data: EventData::Onboarding {
            onboarding_id: onboarding_id.into(),
            provider_org_id: provider_org_id.into(),
            status: status.into(),
            previous_status: previous_status.map(Into::into),
            source: source.map(Into::into),
        },
    }
}

/// The event for a credential that became `needs_reauth`; `since_ms` (when it did) tells one
/// episode from the next.
pub fn needs_reauth_event(credential: &str, provider: &str, since_ms: u64) -> Event {
    Event {
        id: format!("evt_cred_{}_{since_ms}", sanitize(credential)),
        kind: kind::CREDENTIAL_NEEDS_REAUTH.into(),
        created: since_ms / 1000,
        data: EventData::Credential {
            credential: credential.into(),
            provider: provider.into(),
            error: "needs_reauth".into(),
        },
    }
}

/// Ids are made of `[A-Za-z0-9_-]` only (anything else becomes `-`), so they are safe as
/// storage keys, header values and file names at the receiver.
fn sanitize(s: &str) -> String {
    s.chars()
        .take(128)
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '-'
            }
        })
        .collect()
}

/// What is signed: `"<t>.<body>"`.
pub fn signing_input(timestamp_s: u64, body: &str) -> String {
    format!("{timestamp_s}.{body}")
}

/// The `Gatehouse-Signature` header value for hex signatures (one per signing key).
pub fn signature_header(timestamp_s: u64, signatures_hex: &[String]) -> String {
    let mut h = format!("t={timestamp_s}");
    for s in signatures_hex {
        h.push_str(",v1=");
        h.push_str(s);
    }
    h
}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 15)]));
    }
    s
}

/// Why a webhook setting is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WebhookConfigError {
    /// A URL that is not absolute `https://` (or `http://` to the loopback host).
    #[error(
        "WEBHOOK_URLS: {0:?} is not an https:// URL (http:// only for 127.0.0.1 or localhost)"
    )]
    BadUrl(String),
    /// More targets than the outbox serves.
    #[error("WEBHOOK_URLS: at most {MAX_TARGETS} URLs")]
    TooMany,
    /// No key, or one shorter than 32 bytes.
    #[error("WEBHOOK_SECRET: each comma-separated key must be at least 32 bytes")]
    WeakKey,
}

/// Most webhook URLs.
pub const MAX_TARGETS: usize = 8;

/// Parses `WEBHOOK_URLS` (comma-separated, exact URLs). Empty → no webhooks.
pub fn parse_targets(value: &str) -> Result<Vec<String>, WebhookConfigError> {
    let targets = crate::comma_list(value);
    if targets.len() > MAX_TARGETS {
        return Err(WebhookConfigError::TooMany);
    }
    for t in &targets {
        if !target_ok(t) {
            return Err(WebhookConfigError::BadUrl(t.clone()));
        }
    }
    Ok(targets)
}

fn target_ok(url: &str) -> bool {
    url.len() <= 2048 && crate::onboarding::safe_absolute_url(url)
}

/// Parses `WEBHOOK_SECRET`: one key, or several comma-separated during a rotation (each signs;
/// the first is the current one).
pub fn parse_keys(value: &str) -> Result<Vec<String>, WebhookConfigError> {
    let keys = crate::comma_list(value);
    if keys.is_empty() || keys.iter().any(|k| k.len() < 32) {
        return Err(WebhookConfigError::WeakKey);
    }
    Ok(keys)
}

/// One event waiting for one target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Delivery {
    /// The event's id (the idempotency id).
    pub event_id: String,
    /// The event as JSON, exactly as it will be sent (signed as is); left out of operators' views.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
    /// Attempts made so far.
    pub attempts: u32,
    /// When it was queued (Unix milliseconds).
    pub queued_ms: u64,
    /// When the next attempt is due (Unix milliseconds).
    pub next_at_ms: u64,
    /// The last failure (`status 500`, `timeout`, ...), for operators.
    #[serde(default)]
    pub last_error: Option<String>,
}

/// Retries with jittered exponential backoff, then a dead letter kept for operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetrySchedule {
    /// The first retry's delay.
    pub base_ms: u64,
    /// The longest delay.
    pub cap_ms: u64,
    /// Attempts before giving up.
    pub max_attempts: u32,
}

impl Default for RetrySchedule {
    /// 10 s doubling to at most 1 h, 12 attempts: about 4.5 hours before a dead letter.
    fn default() -> Self {
        Self {
            base_ms: 10_000,
            cap_ms: 3_600_000,
            max_attempts: 12,
        }
    }
}

/// What happens to a delivery after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterFailure {
    /// Try again at this time (Unix milliseconds).
    RetryAt(u64),
    /// Out of attempts: keep it as a dead letter.
    GiveUp,
}

impl RetrySchedule {
    /// Records a failed attempt on `d` and says what next. `retry_after_ms` (a receiver's 429/503
    /// `Retry-After`) is honoured up to the cap; `random` in `[0, 1)` spreads retries between
    /// half and all of the delay.
    pub fn after_failure(
        &self,
        d: &mut Delivery,
        error: String,
        now_ms: u64,
        retry_after_ms: Option<u64>,
        random: f64,
    ) -> AfterFailure {
        d.attempts = d.attempts.saturating_add(1);
        d.last_error = Some(error);
        if d.attempts >= self.max_attempts {
            return AfterFailure::GiveUp;
        }
        let exp = self
            .base_ms
            .saturating_mul(1u64 << (d.attempts - 1).min(30))
            .min(self.cap_ms);
        let r = if random.is_finite() {
            random.clamp(0.0, 1.0)
        } else {
            0.5
        };
        let jittered = exp / 2 + ((exp / 2) as f64 * r) as u64;
        let wait = retry_after_ms.map_or(jittered, |ra| ra.min(self.cap_ms).max(jittered));
        d.next_at_ms = now_ms.saturating_add(wait.max(1));
        AfterFailure::RetryAt(d.next_at_ms)
    }
}

/// Most pending deliveries one target's outbox holds; a full outbox refuses new events (the
/// emitter keeps the change unreported and tries again on its next observation).
pub const MAX_PENDING: usize = 150;
/// The dead-letter reason of deliveries whose target left `WEBHOOK_URLS`.
pub const TARGET_REMOVED: &str = "target_removed: no longer in WEBHOOK_URLS";
/// Dead letters kept per target (the oldest are dropped first).
pub const MAX_DEAD: usize = 25;
/// Delivered ids remembered per target, to drop repeated emissions.
pub const MAX_DONE: usize = 400;

/// One target's queue, stored as a single value: pending deliveries in the order they came,
/// dead letters, and the ids recently delivered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct Outbox {
    /// Waiting deliveries, oldest first.
    pub pending: Vec<Delivery>,
    /// Deliveries that ran out of attempts, newest last.
    #[serde(default)]
    pub dead: Vec<Delivery>,
    /// Ids delivered recently, newest last.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub done: Vec<String>,
    /// Deliveries acknowledged with a `2xx` since the outbox was created.
    #[serde(default)]
    pub delivered: u64,
}

/// What [`Outbox::enqueue`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Enqueued {
    /// Stored; due now.
    Stored,
    /// Already pending or recently delivered: nothing stored.
    Duplicate,
    /// [`MAX_PENDING`] reached.
    Full,
}

impl Outbox {
    /// Adds an event unless its id is pending or was delivered recently.
    pub fn enqueue(&mut self, event_id: String, body: String, now_ms: u64) -> Enqueued {
        if self.pending.iter().any(|d| d.event_id == event_id) || self.done.contains(&event_id) {
            return Enqueued::Duplicate;
        }
        if self.pending.len() >= MAX_PENDING {
            return Enqueued::Full;
        }
        self.pending.push(Delivery {
            event_id,
            body,
            attempts: 0,
            queued_ms: now_ms,
            next_at_ms: now_ms,
            last_error: None,
        });
        Enqueued::Stored
    }

    /// The ids due at `now_ms`, oldest first.
    pub fn due(&self, now_ms: u64) -> Vec<String> {
        self.pending
            .iter()
            .filter(|d| d.next_at_ms <= now_ms)
            .map(|d| d.event_id.clone())
            .collect()
    }

    /// A pending delivery by id.
    pub fn get(&self, event_id: &str) -> Option<&Delivery> {
        self.pending.iter().find(|d| d.event_id == event_id)
    }

    /// Records a `2xx`.
    pub fn delivered(&mut self, event_id: &str) {
        self.pending.retain(|d| d.event_id != event_id);
        self.done.push(event_id.to_owned());
        if self.done.len() > MAX_DONE {
            self.done.remove(0);
        }
        self.delivered += 1;
    }

    /// Records a failed attempt; answers what became of it.
    pub fn failed(
        &mut self,
        event_id: &str,
        plan: &RetrySchedule,
        error: String,
        now_ms: u64,
        retry_after_ms: Option<u64>,
        random: f64,
    ) -> Option<AfterFailure> {
        let i = self.pending.iter().position(|d| d.event_id == event_id)?;
        let after = plan.after_failure(&mut self.pending[i], error, now_ms, retry_after_ms, random);
        if after == AfterFailure::GiveUp {
            let d = self.pending.remove(i);
            self.dead.push(d);
            if self.dead.len() > MAX_DEAD {
                self.dead.remove(0);
            }
        }
        Some(after)
    }

    /// The target left `WEBHOOK_URLS`: nothing more is delivered to it; every pending delivery
    /// becomes a dead letter with `reason` (kept whole, beyond the usual dead-letter cap, so an
    /// operator can see and replay what was not sent). Answers how many were retired.
    pub fn retire(&mut self, reason: &str) -> usize {
        let retired = self.pending.len();
        for mut d in self.pending.drain(..) {
            d.last_error = Some(reason.to_owned());
            self.dead.push(d);
        }
        retired
    }

    /// When the next pending delivery is due.
    pub fn next_due_ms(&self) -> Option<u64> {
        self.pending.iter().map(|d| d.next_at_ms).min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn delivery() -> Delivery {
        Delivery {
            event_id: "evt".into(),
            body: "{}".into(),
            attempts: 0,
            queued_ms: 0,
            next_at_ms: 0,
            last_error: None,
        }
    }

    #[test]
    fn ids_are_stable_and_safe() {
        let a = onboarding_event("onb_1", "org", "active", None, Some("square"), 5);
        let b = onboarding_event("onb_1", "org", "active", Some("pending"), None, 99);
        assert_eq!(a.id, b.id, "same change, same idempotency id");
        assert_ne!(
            a.id,
            onboarding_event("onb_1", "org", "revoked", None, None, 5).id
        );
        let weird = onboarding_event("a/b\"c\n", "o", "active", None, None, 0);
        assert_eq!(weird.id, "evt_onb_a-b-c-_active");
        let c = needs_reauth_event("omni 1", "omniretain", 1_700_000_000_123);
        assert_eq!(c.id, "evt_cred_omni-1_1700000000123");
        assert_eq!(c.created, 1_700_000_000);
    }

    #[test]
    fn events_serialize_with_type_and_flat_data() {
        let e = onboarding_event("onb_1", "org_a", "failed", Some("pending"), None, 7);
        let v: serde_json::Value = serde_json::to_value(&e).unwrap();
        assert_eq!(v["type"], "onboarding.status_changed");
        assert_eq!(v["data"]["onboarding_id"], "onb_1");
        assert_eq!(v["data"]["previous_status"], "pending");
        assert!(v["data"].get("source").is_none());
        let back: Event = serde_json::from_value(v).unwrap();
        assert_eq!(back, e);
        let c = serde_json::to_value(needs_reauth_event("c", "stream", 1000)).unwrap();
        assert_eq!(c["data"]["error"], "needs_reauth");
    }

    /// The exact bytes receivers get (they verify the signature over them): pinned before the
    /// events became one enum.
    #[test]
    fn event_bodies_are_pinned_byte_for_byte() {
        let json = |e: &Event| serde_json::to_string(e).unwrap();
        assert_eq!(
            json(&onboarding_event(
                "onb_1",
                "org_a",
                "active",
                Some("pending"),
                Some("square"),
                7
            )),
            r#"{"id":"evt_onb_onb_1_active","type":"onboarding.status_changed","created":7,"data":{"onboarding_id":"onb_1","provider_org_id":"org_a","status":"active","previous_status":"pending","source":"square"}}"#
        );
        assert_eq!(
            json(&onboarding_event("onb_1", "org_a", "failed", None, None, 7)),
            r#"{"id":"evt_onb_onb_1_failed","type":"onboarding.status_changed","created":7,"data":{"onboarding_id":"onb_1","provider_org_id":"org_a","status":"failed"}}"#
        );
        assert_eq!(
            json(&needs_reauth_event(
                "omni 1",
                "omniretain",
                1_700_000_000_123
            )),
            r#"{"id":"evt_cred_omni-1_1700000000123","type":"credential.needs_reauth","created":1700000000,"data":{"credential":"omni 1","provider":"omniretain","error":"needs_reauth"}}"#
        );
    }

    #[test]
    fn notifies_only_terminal_and_active() {
        assert!(notifies("active") && notifies("revoked") && notifies("failed"));
        assert!(!notifies("pending") && !notifies("weird"));
    }

    #[test]
    fn signature_format() {
        assert_eq!(signature_header(1, &[]), "t=1");
        assert_eq!(hex(&[0, 15, 16, 255]), "000f10ff");
    }

    #[test]
    fn targets_are_exact_https_or_loopback_http() {
        assert_eq!(
            parse_targets(" https://a.example/hook , http://127.0.0.1:9/x").unwrap(),
            vec!["https://a.example/hook", "http://127.0.0.1:9/x"]
        );
        assert_eq!(parse_targets("").unwrap(), Vec::<String>::new());
        for bad in [
            "http://a.example/hook",
            "ftp://a.example",
            "https://",
            "https://user@a.example/",
            "https://a.example/ x",
            "https://a.example/#frag",
            "/relative",
            "javascript:alert(1)",
            "http://127.0.0.1.evil.example/",
        ] {
            assert!(parse_targets(bad).is_err(), "{bad}");
        }
        let many = ["https://a.example/"; MAX_TARGETS + 1].join(",");
        assert_eq!(parse_targets(&many), Err(WebhookConfigError::TooMany));
    }

    #[test]
    fn keys_need_32_bytes_each() {
        let k = "k".repeat(32);
        assert_eq!(parse_keys(&k).unwrap(), vec![k.clone()]);
        assert_eq!(parse_keys(&format!("{k},{k}x")).unwrap().len(), 2);
        assert!(parse_keys("").is_err());
        assert!(parse_keys(&format!("{k},short")).is_err());
    }

    #[test]
    fn outbox_dedupes_orders_retries_and_dead_letters() {
        let plan = RetrySchedule {
            base_ms: 100,
            cap_ms: 1000,
            max_attempts: 2,
        };
        let mut o = Outbox::default();
        assert_eq!(o.enqueue("a".into(), "{}".into(), 10), Enqueued::Stored);
        assert_eq!(o.enqueue("b".into(), "{}".into(), 11), Enqueued::Stored);
        assert_eq!(o.enqueue("a".into(), "{}".into(), 12), Enqueued::Duplicate);
        assert_eq!(o.due(11), vec!["a", "b"]);
        assert_eq!(
            o.failed("a", &plan, "status 500".into(), 20, None, 1.0),
            Some(AfterFailure::RetryAt(120))
        );
        assert_eq!(o.due(20), vec!["b"]);
        assert_eq!(o.next_due_ms(), Some(11));
        o.delivered("b");
        assert_eq!(
            o.enqueue("b".into(), "{}".into(), 30),
            Enqueued::Duplicate,
            "delivered recently"
        );
        assert_eq!(o.next_due_ms(), Some(120));
        assert_eq!(
            o.failed("a", &plan, "timeout".into(), 130, None, 1.0),
            Some(AfterFailure::GiveUp)
        );
        assert!(o.pending.is_empty());
        assert_eq!(o.dead[0].attempts, 2);
        assert_eq!(o.delivered, 1);
        assert_eq!(o.failed("zzz", &plan, "x".into(), 0, None, 0.0), None);
        for i in 0..MAX_PENDING {
            assert_eq!(o.enqueue(format!("e{i}"), "{}".into(), 0), Enqueued::Stored);
        }
        assert_eq!(o.enqueue("one-more".into(), "{}".into(), 0), Enqueued::Full);
        for i in 0..MAX_DONE + 5 {
            o.delivered(&format!("d{i}"));
        }
        assert_eq!(o.done.len(), MAX_DONE);
    }

    #[test]
    fn a_removed_target_retires_its_queue_to_the_dead_letters() {
        let mut q = Outbox::default();
        for i in 0..3 {
            assert_eq!(
                q.enqueue(format!("evt_{i}"), "{}".into(), 0),
                Enqueued::Stored
            );
        }
        assert_eq!(q.retire("target_removed"), 3);
        assert!(q.pending.is_empty());
        assert_eq!(
            q.due(u64::MAX),
            Vec::<String>::new(),
            "nothing left to send"
        );
        assert_eq!(q.next_due_ms(), None, "no alarm needed");
        assert_eq!(q.dead.len(), 3);
        assert!(q
            .dead
            .iter()
            .all(|d| d.last_error.as_deref() == Some("target_removed")));
        assert_eq!(q.retire("target_removed"), 0);
    }

    /// Today's delays, pinned before the schedule moved onto the shared backoff: the default
    /// (10 s doubling to 1 h, 12 attempts) and the widest the worker allows
    /// (`WEBHOOK_RETRY_BASE_MS=100`, `WEBHOOK_MAX_ATTEMPTS=50`), at both ends of the jitter.
    #[test]
    fn retry_delays_are_pinned() {
        let waits = |s: RetrySchedule, random: f64| {
            let mut d = delivery();
            let mut waits = Vec::new();
            while let AfterFailure::RetryAt(t) =
                s.after_failure(&mut d, "x".into(), 7, None, random)
            {
                waits.push(t - 7);
            }
            assert_eq!(d.attempts, s.max_attempts);
            waits
        };
        let default = RetrySchedule::default();
        assert_eq!(
            waits(default, 0.0),
            [
                5_000, 10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 1_280_000,
                1_800_000, 1_800_000
            ]
        );
        assert_eq!(
            waits(default, 0.5),
            [
                7_500, 15_000, 30_000, 60_000, 120_000, 240_000, 480_000, 960_000, 1_920_000,
                2_700_000, 2_700_000
            ]
        );
        assert_eq!(
            waits(default, 1.0),
            [
                10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 640_000, 1_280_000, 2_560_000,
                3_600_000, 3_600_000
            ]
        );
        let widest = RetrySchedule {
            base_ms: 100,
            max_attempts: 50,
            ..default
        };
        let mut expected: Vec<u64> = (0..16).map(|k| 100 << k).collect();
        expected.resize(49, 3_600_000);
        assert_eq!(waits(widest, 1.0), expected);
        assert_eq!(waits(widest, f64::NAN)[..3], [75, 150, 300]);
        assert_eq!(waits(widest, f64::INFINITY)[..3], [75, 150, 300]);
    }

    #[test]
    fn backoff_doubles_with_jitter_caps_and_gives_up() {
        let s = RetrySchedule {
            base_ms: 1000,
            cap_ms: 8000,
            max_attempts: 6,
        };
        let mut d = delivery();
        let mut waits = Vec::new();
        for _ in 0..5 {
            match s.after_failure(&mut d, "status 500".into(), 100, None, 1.0) {
                AfterFailure::RetryAt(t) => waits.push(t - 100),
                AfterFailure::GiveUp => panic!("too early"),
            }
        }
        assert_eq!(waits, vec![1000, 2000, 4000, 8000, 8000]);
        assert_eq!(
            s.after_failure(&mut d, "timeout".into(), 100, None, 0.0),
            AfterFailure::GiveUp
        );
        assert_eq!(d.attempts, 6);
        assert_eq!(d.last_error.as_deref(), Some("timeout"));
        // Jitter: between half and all of the delay; a Retry-After is honoured up to the cap.
        let mut d = delivery();
        assert_eq!(
            s.after_failure(&mut d, "x".into(), 0, None, 0.0),
            AfterFailure::RetryAt(500)
        );
        let mut d = delivery();
        assert_eq!(
            s.after_failure(&mut d, "x".into(), 0, Some(60_000), f64::NAN),
            AfterFailure::RetryAt(8000)
        );
    }
}
