//! Connections: a merchant's own partner credentials, made at runtime (Nango's word). A
//! deployment declares **templates** in configuration (`CONNECTION_TEMPLATES`): what a merchant
//! may connect, the fixed parts the partner platform owns (token endpoint, the platform's own
//! client where the provider issues it to the platform, scopes, API hosts, the proxy allowlist)
//! and the **fields the merchant supplies** ([`template`]). A connection is a template plus one
//! organization's field values ([`fields`]), turned into the same [`Credential`] a `CREDENTIALS`
//! entry becomes, so every token rule applies unchanged. A refused verification grant is
//! explained field by field ([`verify`]).
//!
//! Sans-IO: the worker generates the id's random bytes, makes the grant and keeps the sealed
//! values; everything it decides about them is here.
//!
//! [`Credential`]: crate::tokens::profile::Credential

pub mod fields;
pub mod template;
pub mod verify;

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use fields::{Field, FieldKind, FieldProblem, FieldValues, Target};
pub use template::{Template, TemplateError, TemplateView, Templates};
pub use verify::{refusal, Refusal};

/// A connection's id: `con_` and 26 lower-case base32 characters (128 random bits), so an id
/// cannot be guessed from another. Also the name of the connection's Durable Object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ConnectionId(String);

const ID_PREFIX: &str = "con_";
const ID_LEN: usize = 26;
const BASE32: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";

/// `bytes` in lower-case RFC 4648 base32 without padding (ids and server keys).
pub(crate) fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * 8 / 5 + 1);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in bytes {
        acc = (acc << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((acc >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((acc << (5 - bits)) & 31) as usize]));
    }
    out
}

impl ConnectionId {
    /// The id made from 16 random bytes (the caller's CSPRNG).
    pub fn from_random(bytes: [u8; 16]) -> Self {
        Self(format!("{ID_PREFIX}{}", base32(&bytes)))
    }

    /// An id as a caller wrote it: `None` unless it has exactly the shape [`from_random`] makes.
    ///
    /// [`from_random`]: ConnectionId::from_random
    pub fn parse(s: &str) -> Option<Self> {
        let rest = s.strip_prefix(ID_PREFIX)?;
        (rest.len() == ID_LEN && rest.bytes().all(|b| BASE32.contains(&b))).then(|| Self(s.into()))
    }

    /// The id's text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ConnectionId {
    type Error = &'static str;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s).ok_or("not a connection id")
    }
}

impl From<ConnectionId> for String {
    fn from(id: ConnectionId) -> Self {
        id.0
    }
}

impl std::fmt::Display for ConnectionId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether a connection serves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub enum ConnectionStatus {
    /// Its last grant or refresh worked.
    Active,
    /// The partner refused its values (a changed password): update mode fixes it.
    NeedsReauth,
    /// Switched off by an operator; nothing is called with it.
    Disabled,
}

/// What the organization's owners and the operators see of a connection: never a secret or a
/// token, not even masked.
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(optional_fields))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ConnectionView {
    /// The connection's id.
    #[cfg_attr(feature = "ts", ts(type = "string"))]
    pub id: ConnectionId,
    /// The template it was made from.
    pub template: String,
    /// The template's provider (`powerepos`, ...).
    pub provider: String,
    /// The portal organization that owns it.
    pub provider_org_id: String,
    /// The non-secret field values (an organisation code, a client id, a service account).
    pub fields: BTreeMap<String, String>,
    /// Whether it serves.
    #[cfg_attr(feature = "ts", ts(type = "ConnectionStatus"))]
    pub status: ConnectionStatus,
    /// When it was created (Unix ms).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub created_at_ms: u64,
    /// When its values were last changed (update mode; Unix ms).
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub updated_at_ms: u64,
    /// When a token was last obtained with it (Unix ms).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(type = "number"))]
    pub last_refreshed_at_ms: Option<u64>,
    /// The class of its last failure (`needs_reauth`, `partner_unavailable`, ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_error: Option<String>,
}

/// `POST /api/connections`: a template and the merchant's values for its fields. The
/// organization is the session's, never the body's.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CreateConnection {
    /// The template's id (`GET /api/connection-templates`).
    pub template: String,
    /// A value for each of the template's fields, by name.
    pub fields: BTreeMap<String, String>,
}

/// `PUT /api/connections/{id}` (update mode): new values for every field of the connection's
/// template, verified by the partner before they replace the old ones.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct UpdateConnection {
    /// A value for each of the template's fields, by name (secret ones typed again).
    pub fields: BTreeMap<String, String>,
}

/// `GET /api/connections`: the organization's connections.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ConnectionList {
    /// Newest first.
    pub connections: Vec<ConnectionView>,
}

/// One connection in the operators' list across organizations (no values, no status).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ConnectionSummary {
    /// The connection id.
    pub id: String,
    /// Its template.
    pub template: String,
    /// The organization that owns it.
    pub provider_org_id: String,
    /// When it was made (Unix ms).
    pub created_at_ms: u64,
}

/// `GET /api/admin/connections`: one page of every organization's connections, in id order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct ConnectionPage {
    /// This page.
    pub connections: Vec<ConnectionSummary>,
    /// Pass as `cursor` for the next page; absent on the last.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_cursor: Option<String>,
}

/// The most connections one page of the operators' list holds.
pub const MAX_PAGE: usize = 1000;

/// `GET /api/connection-templates`: what the organization may connect, each with its form.
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct TemplateList {
    /// The loadable templates (one that does not load is left out and logged).
    pub templates: Vec<TemplateView>,
}

#[cfg(test)]
mod tests;
