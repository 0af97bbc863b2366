//! Webhooks to the partner's backend (Stream has none, so Gatehouse provides them): the events,
//! their signature, the target allowlist and the retry schedule. Sans-IO: the worker's outbox
//! Durable Object stores deliveries, signs with WebCrypto and sends; every decision is here.
//!
//! - [`event`]: what happened, as receivers get it (one JSON shape per event type);
//! - [`signature`]: the `Gatehouse-Signature` header;
//! - [`config`]: `WEBHOOK_URLS` and `WEBHOOK_SECRET`;
//! - [`outbox`]: one target's queue, its retries ([`crate::backoff`]) and dead letters.
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

pub mod config;
pub mod event;
pub mod outbox;
pub mod signature;

pub use config::{parse_keys, parse_targets, WebhookConfigError, MAX_TARGETS};
pub use event::{kind, needs_reauth_event, notifies, onboarding_event, Event, EventData};
pub use outbox::{
    AfterFailure, Delivery, Enqueued, Outbox, RetrySchedule, MAX_DEAD, MAX_DONE, MAX_PENDING,
    TARGET_REMOVED,
};
pub use signature::{hex, signature_header, signing_input};
