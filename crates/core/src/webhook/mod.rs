//! Webhooks to the partner's backend (Stream has none, so Gatehouse provides them): the events,
//! their signature, the target allowlist and the retry schedule. Sans-IO: the worker's outbox
//! Durable Object stores deliveries, signs with WebCrypto and sends; every decision is here.
//!
//! - [`event`]: what happened, as receivers get it (one JSON shape per event type);
//! - [`signature`]: Standard Webhooks signatures;
//! - [`config`]: `WEBHOOK_URLS` and `WEBHOOK_SECRET`;
//! - [`outbox`]: one target's queue, its retries ([`crate::backoff`]) and dead letters.
//!
//! **Signature** (documented for receivers in `docs/webhooks.md`): each delivery is signed per
//! the Standard Webhooks specification — `webhook-id` (the idempotency id: the same event
//! delivered twice has the same id), `webhook-timestamp`, and `webhook-signature: v1,<base64
//! HMAC-SHA256(key, "<id>.<timestamp>.<body>")>`, one per configured signing key (two during a
//! key rotation); keys are `whsec_` and the base64 of 24 to 64 random bytes.
//!
//! ```
//! use gatehouse_core::webhook::{signature_header, signing_input};
//! assert_eq!(signing_input("evt_1", 1700000000, "{}"), "evt_1.1700000000.{}");
//! assert_eq!(signature_header(&[vec![1, 2, 3], vec![4, 5, 6]]), "v1,AQID v1,BAUG");
//! ```

pub mod config;
pub mod event;
pub mod outbox;
pub mod signature;

pub use config::{parse_keys, parse_targets, WebhookConfigError, MAX_TARGETS};
pub use event::{
    connection_event, kind, needs_reauth_event, notifies, onboarding_event, ConnectionChange,
    Event, EventData,
};
pub use outbox::{
    AfterFailure, Delivery, Enqueued, Outbox, RetrySchedule, MAX_DEAD, MAX_DONE, MAX_PENDING,
    TARGET_REMOVED,
};
pub use signature::{signature_header, signing_input};
