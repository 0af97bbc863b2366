//! The events receivers get. Each is `{"id", "type", "created", "data"}`: the `type` names the
//! [`EventData`] variant, and is taken from it ([`EventData::kind`]) when an event is built, so
//! the two cannot disagree. (A `#[serde(tag = "type", content = "data")]` enum would write the
//! same members in another order, `created` last; receivers verify the signature over the body
//! as sent, so the bytes stay as they always were.)

use crate::contract::stream::OnboardingStatus;
use serde::{Deserialize, Serialize};

/// The event types Gatehouse sends.
pub mod kind {
    /// An onboarding reached `active`, `revoked` or `failed`.
    pub const ONBOARDING_STATUS: &str = "onboarding.status_changed";
    /// A credential's partner refused its grant: an operator must re-authorize it.
    pub const CREDENTIAL_NEEDS_REAUTH: &str = "credential.needs_reauth";
    /// A connection was made (verified by its partner and kept).
    pub const CONNECTION_CREATED: &str = "connection.created";
    /// A connection's partner refused its grant: the merchant must give new values (update mode).
    pub const CONNECTION_NEEDS_REAUTH: &str = "connection.needs_reauth";
    /// A connection in `needs_reauth` works again (new values, verified).
    pub const CONNECTION_RECOVERED: &str = "connection.recovered";
    /// A connection was deleted: its values and tokens are erased.
    pub const CONNECTION_DELETED: &str = "connection.deleted";
}

/// What happened to a connection (the `type` of a [`EventData::Connection`] event).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ConnectionChange {
    /// `connection.created`.
    #[default]
    Created,
    /// `connection.needs_reauth`.
    NeedsReauth,
    /// `connection.recovered`.
    Recovered,
    /// `connection.deleted`.
    Deleted,
}

impl ConnectionChange {
    /// The event type.
    pub fn kind(self) -> &'static str {
        match self {
            Self::Created => kind::CONNECTION_CREATED,
            Self::NeedsReauth => kind::CONNECTION_NEEDS_REAUTH,
            Self::Recovered => kind::CONNECTION_RECOVERED,
            Self::Deleted => kind::CONNECTION_DELETED,
        }
    }

    fn short(self) -> &'static str {
        match self {
            Self::Created => "created",
            Self::NeedsReauth => "reauth",
            Self::Recovered => "recovered",
            Self::Deleted => "deleted",
        }
    }
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
    OnboardingStatusChanged {
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
    CredentialNeedsReauth {
        /// The configured credential id.
        credential: String,
        /// Its provider preset.
        provider: String,
        /// The failure class (`needs_reauth`).
        error: String,
    },
    /// `connection.created`, `connection.needs_reauth`, `connection.recovered`,
    /// `connection.deleted`: the same fields.
    Connection {
        /// Which of the four (it is the event's `type`, not a member of `data`).
        #[serde(skip)]
        change: ConnectionChange,
        /// The connection id (`con_…`).
        connection_id: String,
        /// The template it was made from.
        template: String,
        /// The template's provider preset.
        provider: String,
        /// The portal organization that owns it.
        provider_org_id: String,
    },
}

impl EventData {
    /// The event type these fields belong to (the event's `type`).
    pub fn kind(&self) -> &'static str {
        match self {
            Self::OnboardingStatusChanged { .. } => kind::ONBOARDING_STATUS,
            Self::CredentialNeedsReauth { .. } => kind::CREDENTIAL_NEEDS_REAUTH,
            Self::Connection { change, .. } => change.kind(),
        }
    }
}

impl Event {
    fn new(id: String, created: u64, data: EventData) -> Self {
        Self {
            id,
            kind: data.kind().to_owned(),
            created,
            data,
        }
    }
}

/// Whether receivers are told about an onboarding reaching `status`: they are when it is
/// terminal ([`OnboardingStatus::is_terminal`]).
pub fn notifies(status: &str) -> bool {
    OnboardingStatus::from(status).is_terminal()
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
    Event::new(
        format!("evt_onb_{}_{}", sanitize(onboarding_id), sanitize(status)),
        now_s,
        EventData::OnboardingStatusChanged {
            onboarding_id: onboarding_id.into(),
            provider_org_id: provider_org_id.into(),
            status: status.into(),
            previous_status: previous_status.map(Into::into),
            source: source.map(Into::into),
        },
    )
}

/// The event for a credential that became `needs_reauth`; `since_ms` (when it did) tells one
/// episode from the next.
pub fn needs_reauth_event(credential: &str, provider: &str, since_ms: u64) -> Event {
    Event::new(
        format!("evt_cred_{}_{since_ms}", sanitize(credential)),
        since_ms / 1000,
        EventData::CredentialNeedsReauth {
            credential: credential.into(),
            provider: provider.into(),
            error: "needs_reauth".into(),
        },
    )
}

/// A connection's event. `at_ms` is when it happened; the id is the same for the same change of
/// the same connection (creation and deletion happen once; each `needs_reauth` episode and each
/// recovery is told apart by its time).
pub fn connection_event(
    change: ConnectionChange,
    connection_id: &str,
    template: &str,
    provider: &str,
    provider_org_id: &str,
    at_ms: u64,
) -> Event {
    let id = match change {
        ConnectionChange::Created | ConnectionChange::Deleted => {
            format!("evt_con_{}_{}", sanitize(connection_id), change.short())
        }
        _ => format!(
            "evt_con_{}_{}_{at_ms}",
            sanitize(connection_id),
            change.short()
        ),
    };
    Event::new(
        id,
        at_ms / 1000,
        EventData::Connection {
            change,
            connection_id: connection_id.into(),
            template: template.into(),
            provider: provider.into(),
            provider_org_id: provider_org_id.into(),
        },
    )
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

#[cfg(test)]
mod tests {
    use super::*;

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

    /// The exact bytes receivers get: they verify the signature over them.
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
}
