//! Server keys (docs/server.md): the keys the partner platform's backend presents, made,
//! rotated and revoked at runtime through the operators' API, each limited to scopes and,
//! optionally, to organizations and proxy targets. Every decision about a key is here, without
//! I/O: its shape, what a new key may ask for, whether a stored key allows a call, how long an
//! isolate may keep one, and when its `last_used_at` is written.
//!
//! A key reads `gh_live_<id>_<secret>` (`gh_test_` outside production): the prefix makes a
//! leaked key recognisable to secret scanners, the id (16 base32 characters, 80 random bits)
//! finds its record, and the secret (52 characters, 256 random bits) proves it. Only the
//! SHA-256 of the whole key is stored; the key itself is shown once, when it is made.
//!
//! ```
//! use gatehouse_core::server_keys::parse;
//! let (key, id) = gatehouse_core::server_keys::make_key("live", [1; 10], [2; 32]);
//! assert!(key.starts_with("gh_live_aeaqcaibaeaqcaib_"));
//! assert_eq!(parse(&key), Some((id, "gh_live_aeaqcaibaeaqcaib")));
//! assert!(parse("gh_live_short_key").is_none());
//! ```

use crate::validate::{valid_display_name, valid_id};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// What a key may do: a scope's name (in keys' records and requests, as text, so that the worker
/// reads one list of strings rather than a second enum).
pub mod scope {
    /// Partner calls through `/api/proxy/…` (limited by the key's targets and organizations).
    pub const PROXY: &str = "proxy";
    /// Read an organization's onboardings.
    pub const ONBOARDING_READ: &str = "onboarding:read";
    /// Drive them: revoke, ingest POS locations, bind DSP locations.
    pub const ONBOARDING_WRITE: &str = "onboarding:write";
    /// Read an organization's connections.
    pub const CONNECTIONS_READ: &str = "connections:read";
    /// Delete an organization's connections.
    pub const CONNECTIONS_WRITE: &str = "connections:write";
    /// The operators' routes (`/api/admin/…`), as `ADMIN_API_KEY`; never with organizations.
    pub const ADMIN: &str = "admin";
    /// Every scope.
    pub const ALL: [&str; 6] = [
        PROXY,
        ONBOARDING_READ,
        ONBOARDING_WRITE,
        CONNECTIONS_READ,
        CONNECTIONS_WRITE,
        ADMIN,
    ];
}

/// The scopes as the OpenAPI document names them.
#[cfg(feature = "openapi")]
#[derive(schemars::JsonSchema)]
#[allow(dead_code)]
enum Scope {
    #[serde(rename = "proxy")]
    Proxy,
    #[serde(rename = "onboarding:read")]
    OnboardingRead,
    #[serde(rename = "onboarding:write")]
    OnboardingWrite,
    #[serde(rename = "connections:read")]
    ConnectionsRead,
    #[serde(rename = "connections:write")]
    ConnectionsWrite,
    #[serde(rename = "admin")]
    Admin,
}

/// A key's record, as stored (with its hash) and as listed (the hash left out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct KeyRecord {
    /// The key's id (`key_` + the id part of the key).
    pub id: String,
    /// A name for people ("billing sync, eu").
    pub name: String,
    /// The key's first characters (`gh_live_<id>`): enough to recognise it, not to use it.
    pub prefix: String,
    /// What it may do ([`scope`]).
    #[cfg_attr(feature = "openapi", schemars(with = "Vec<Scope>"))]
    pub scopes: Vec<String>,
    /// The only organizations it may act for; empty: any.
    #[serde(default)]
    pub organizations: Vec<String>,
    /// The only proxy targets it may call: credential ids, connection ids, or
    /// `template:<id>` for every connection made from a template; empty: any.
    #[serde(default)]
    pub targets: Vec<String>,
    /// Unix seconds.
    pub created_at: u64,
    /// Unix seconds after which it is refused (set when it is rotated); none: never.
    #[serde(default)]
    pub expires_at: Option<u64>,
    /// Unix seconds of its last use, written at most once per [`TOUCH_EVERY_S`].
    #[serde(default)]
    pub last_used_at: Option<u64>,
    /// Lower-case hex SHA-256 of the whole key; empty in every answer (and not in the
    /// document).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    #[cfg_attr(feature = "openapi", schemars(skip))]
    pub hash: String,
}

/// An isolate keeps a key's record at most this long (milliseconds) before asking the registry
/// again: a key revoked through another isolate stops there within this bound, and at once in
/// the isolate that revoked it.
pub const CACHE_MS: u64 = 5_000;

/// `last_used_at` is written at most once per this many seconds of use.
pub const TOUCH_EVERY_S: u64 = 60;

/// The most keys a deployment keeps (the registry lists them in one answer).
pub const MAX_KEYS: usize = 1_000;

/// The longest grace a rotated key keeps (30 days), and the default (24 hours).
pub const MAX_GRACE_S: u64 = 30 * 86_400;
/// The grace a rotated key keeps when the request names none.
pub const DEFAULT_GRACE_S: u64 = 86_400;

const ID_CHARS: usize = 16;
const SECRET_CHARS: usize = 52;

/// A new key from the caller's random bytes: `(key, record id)`. `kind` is `live` or `test`.
pub fn make_key(kind: &str, id: [u8; 10], secret: [u8; 32]) -> (String, String) {
    let id = crate::connections::base32(&id);
    let key = format!("gh_{kind}_{id}_{}", crate::connections::base32(&secret));
    (key, format!("key_{id}"))
}

/// The record id of a presented key, and its readable prefix; `None` unless it has exactly the
/// shape [`make_key`] makes.
pub fn parse(key: &str) -> Option<(String, &str)> {
    let rest = key
        .strip_prefix("gh_live_")
        .or_else(|| key.strip_prefix("gh_test_"))?;
    let (id, secret) = rest.split_once('_')?;
    let base32 = |s: &str| s.bytes().all(|b| matches!(b, b'a'..=b'z' | b'2'..=b'7'));
    (id.len() == ID_CHARS && secret.len() == SECRET_CHARS && base32(id) && base32(secret))
        .then(|| (format!("key_{id}"), &key[..key.len() - SECRET_CHARS - 1]))
}

/// What a call needs of its key.
#[derive(Debug, Clone, Copy)]
pub struct Need<'a> {
    /// The scope of the route ([`scope`]).
    pub scope: &'static str,
    /// The organization the call acts for (a server route's `{org}`, the proxy's
    /// `Gatehouse-Organization`); none for the platform's own credentials and the operators'
    /// routes.
    pub organization: Option<&'a str>,
    /// The proxy's target: its id, and the template of a connection.
    pub target: Option<(&'a str, Option<&'a str>)>,
}

/// Why a key that proved itself is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Its rotation grace is over (401, like an unknown key).
    Expired,
    /// It lacks the route's scope (403 `insufficient_scope`).
    Scope,
    /// It is limited to other organizations, or the call names none (403 `forbidden_org`).
    Organization,
    /// The proxy target is not among its targets (403 `forbidden_target`).
    Target,
}

impl KeyRecord {
    /// Reads a stored record from its JSON, by hand from a [`Value`] (a reader the worker has
    /// anyway) rather than with a derived reader of its own, which cost the worker 4.7 KB of
    /// wasm. `None` for anything that is not a record.
    pub fn from_value(v: &Value) -> Option<Self> {
        let text = |k: &str| v.get(k)?.as_str().map(str::to_owned);
        let number = |k: &str| v.get(k).and_then(Value::as_u64);
        let list = |k: &str| -> Vec<String> {
            v.get(k)
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .filter_map(|x| Some(x.as_str()?.to_owned()))
                        .collect()
                })
                .unwrap_or_default()
        };
        Some(Self {
            id: text("id")?,
            name: text("name")?,
            prefix: text("prefix")?,
            scopes: list("scopes"),
            organizations: list("organizations"),
            targets: list("targets"),
            created_at: number("created_at")?,
            expires_at: number("expires_at"),
            last_used_at: number("last_used_at"),
            hash: text("hash").unwrap_or_default(),
        })
    }

    /// Whether this key allows a call that needs `need`, at `now` (Unix seconds).
    pub fn allows(&self, need: &Need<'_>, now: u64) -> Result<(), Refusal> {
        if self.expires_at.is_some_and(|t| t <= now) {
            return Err(Refusal::Expired);
        }
        if !self.scopes.iter().any(|s| s == need.scope) {
            return Err(Refusal::Scope);
        }
        if !self.organizations.is_empty()
            && !need
                .organization
                .is_some_and(|o| self.organizations.iter().any(|x| x == o))
        {
            return Err(Refusal::Organization);
        }
        if let Some((id, template)) = need.target.filter(|_| !self.targets.is_empty()) {
            let named = |t: &String| match t.strip_prefix("template:") {
                Some(tpl) => template == Some(tpl),
                None => t == id,
            };
            if !self.targets.iter().any(named) {
                return Err(Refusal::Target);
            }
        }
        Ok(())
    }

    /// Whether the registry should write `last_used_at = now` on this use.
    pub fn needs_touch(&self, now: u64) -> bool {
        self.last_used_at
            .is_none_or(|t| now.saturating_sub(t) >= TOUCH_EVERY_S)
    }
}

/// Whether a record an isolate read at `fetched_ms` may still be used at `now_ms`.
pub fn cache_fresh(fetched_ms: u64, now_ms: u64) -> bool {
    now_ms.saturating_sub(fetched_ms) < CACHE_MS
}

/// How long an isolate refuses, without asking anyone, a client that the refusals limit stopped
/// (the limit's period: `KEY_REFUSALS_RATE_LIMIT`, one minute as shipped).
pub const REFUSED_FOR_MS: u64 = 60_000;

/// The most clients an isolate remembers as refused; past it the oldest is forgotten (it is
/// counted again by the limit, which stops it again).
pub const MAX_REFUSED_CLIENTS: usize = 256;

/// The clients (by address) whose presented keys failed too often, as one isolate knows them:
/// a key-shaped bearer with an unknown id costs a read of the registry, so a flood of them from
/// one client would queue in front of every other caller's first read. Once the deployment's
/// limit has stopped a client, the isolate refuses it at once for [`REFUSED_FOR_MS`] wherever
/// its call would cost a read or a hash, instead of asking the limit (and the registry) again.
#[derive(Debug, Default)]
pub struct RefusedClients {
    /// `(client, refused until, ms)`, oldest first.
    clients: Vec<(String, u64)>,
}

impl RefusedClients {
    /// Whether `client` is refused at `now_ms`.
    pub fn holds(&self, client: &str, now_ms: u64) -> bool {
        self.clients
            .iter()
            .any(|(c, until)| c == client && now_ms < *until)
    }

    /// Refuses `client` from `now_ms` for [`REFUSED_FOR_MS`].
    pub fn refuse(&mut self, client: &str, now_ms: u64) {
        self.clients
            .retain(|(c, until)| c != client && now_ms < *until);
        if self.clients.len() >= MAX_REFUSED_CLIENTS {
            self.clients.remove(0);
        }
        self.clients
            .push((client.to_owned(), now_ms + REFUSED_FOR_MS));
    }
}

/// `POST /api/admin/keys` (read by [`NewKey::read`]).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "openapi", serde(deny_unknown_fields))]
pub struct NewKey {
    /// A name for people.
    pub name: String,
    /// What it may do (at least one, [`scope`]).
    #[cfg_attr(feature = "openapi", schemars(with = "Vec<Scope>"))]
    pub scopes: Vec<String>,
    /// The only organizations it may act for (absent: any).
    #[cfg_attr(feature = "openapi", schemars(with = "Option<Vec<String>>"))]
    pub organizations: Vec<String>,
    /// The only proxy targets it may call: credential ids, connection ids, `template:<id>`
    /// (absent: any).
    #[cfg_attr(feature = "openapi", schemars(with = "Option<Vec<String>>"))]
    pub targets: Vec<String>,
}

/// A body's JSON object, with only the members `known` (`None`: not one).
fn object(
    body: &[u8],
    known: &[&str],
) -> Result<Option<serde_json::Map<String, Value>>, (&'static str, &'static str)> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let Ok(Value::Object(map)) = serde_json::from_slice::<Value>(body) else {
        return Err(("body", "a JSON object"));
    };
    match map.keys().find(|k| !known.contains(&k.as_str())) {
        Some(_) => Err(("body", "a member this route does not know")),
        None => Ok(Some(map)),
    }
}

/// A member that is a list of strings (absent: empty).
fn strings(
    map: &serde_json::Map<String, Value>,
    name: &'static str,
) -> Result<Vec<String>, (&'static str, &'static str)> {
    match map.get(name) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or((name, "a list of strings"))
            })
            .collect(),
        Some(_) => Err((name, "a list of strings")),
    }
}

/// The most organizations or targets one key names.
pub const MAX_LIMITS: usize = 100;

impl NewKey {
    /// Reads the request body (a JSON object of these members only), by hand from a [`Value`]
    /// like [`KeyRecord::from_value`]; the error names the member at fault.
    pub fn read(body: &[u8]) -> Result<Self, (&'static str, &'static str)> {
        let map = object(body, &["name", "scopes", "organizations", "targets"])?
            .ok_or(("body", "a JSON object"))?;
        Ok(Self {
            name: map
                .get("name")
                .and_then(Value::as_str)
                .ok_or(("name", "a string"))?
                .to_owned(),
            scopes: strings(&map, "scopes")?,
            organizations: strings(&map, "organizations")?,
            targets: strings(&map, "targets")?,
        })
    }

    /// Checks the request; the error names the field and what is wrong with it.
    pub fn validate(&self) -> Result<(), (&'static str, &'static str)> {
        if !valid_display_name(&self.name) {
            return Err(("name", "1 to 128 characters, no control characters"));
        }
        if self.scopes.is_empty() {
            return Err(("scopes", "at least one"));
        }
        if !self.scopes.iter().all(|s| scope::ALL.contains(&s.as_str())) {
            return Err(("scopes", "each one of proxy, onboarding:read, onboarding:write, connections:read, connections:write, admin"));
        }
        if self.has(scope::ADMIN) && !self.organizations.is_empty() {
            return Err((
                "organizations",
                "an admin key acts for every organization: it takes none",
            ));
        }
        if self.organizations.len() > MAX_LIMITS {
            return Err(("organizations", "at most 100"));
        }
        // Organization ids are portal ids; `@` (the registries' names) is not in one.
        if !self.organizations.iter().all(|o| valid_id(o)) {
            return Err(("organizations", "each an organization id"));
        }
        if self.targets.len() > MAX_LIMITS {
            return Err(("targets", "at most 100"));
        }
        let target_ok = |t: &String| valid_id(t.strip_prefix("template:").unwrap_or(t));
        if !self.targets.iter().all(target_ok) {
            return Err((
                "targets",
                "each a credential id, a connection id or template:<id>",
            ));
        }
        if !self.targets.is_empty() && !self.has(scope::PROXY) {
            return Err(("targets", "only a key with the proxy scope has targets"));
        }
        Ok(())
    }

    fn has(&self, name: &str) -> bool {
        self.scopes.iter().any(|s| s == name)
    }

    /// The record of the key whose id and hash are given, made at `now`.
    pub fn record(self, id: String, prefix: &str, hash: String, now: u64) -> KeyRecord {
        KeyRecord {
            id,
            name: self.name.trim().to_owned(),
            prefix: prefix.to_owned(),
            scopes: self.scopes,
            organizations: self.organizations,
            targets: self.targets,
            created_at: now,
            expires_at: None,
            last_used_at: None,
            hash,
        }
    }
}

/// `POST /api/admin/keys/{key_id}/rotate`: how long the old key keeps working (read by
/// [`Rotate::read`]; the body is optional).
#[derive(Debug, Clone, Default)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
#[cfg_attr(feature = "openapi", serde(deny_unknown_fields))]
pub struct Rotate {
    /// Seconds (0: at once; at most [`MAX_GRACE_S`]); [`DEFAULT_GRACE_S`] when absent.
    pub expire_old_in_s: Option<u64>,
}

impl Rotate {
    /// Reads the request body: empty, or a JSON object with `expire_old_in_s` only.
    pub fn read(body: &[u8]) -> Result<Self, (&'static str, &'static str)> {
        let Some(map) = object(body, &["expire_old_in_s"])? else {
            return Ok(Self::default());
        };
        let expire_old_in_s = match map.get("expire_old_in_s") {
            None | Some(Value::Null) => None,
            Some(v) => Some(
                v.as_u64()
                    .ok_or(("expire_old_in_s", "a whole number of seconds"))?,
            ),
        };
        Ok(Self { expire_old_in_s })
    }

    /// When the old key stops, for a rotation at `now`; `None` when the grace is too long.
    pub fn old_expires_at(&self, now: u64) -> Option<u64> {
        let grace = self.expire_old_in_s.unwrap_or(DEFAULT_GRACE_S);
        (grace <= MAX_GRACE_S).then_some(now + grace)
    }

    /// The new key's request: the old key's name, scopes and limits.
    pub fn successor(old: &KeyRecord) -> NewKey {
        NewKey {
            name: old.name.clone(),
            scopes: old.scopes.clone(),
            organizations: old.organizations.clone(),
            targets: old.targets.clone(),
        }
    }
}

/// The answer to creating or rotating a key: the only time its value is shown.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct CreatedKey {
    /// The new key's record.
    pub key: KeyRecord,
    /// The key itself (`gh_live_…`): store it now, it is never shown again.
    pub secret: String,
    /// On rotation, the old key's record, with the `expires_at` it now has.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous: Option<KeyRecord>,
}

/// `GET /api/admin/keys`: every key, oldest id first, never a hash or a value.
#[derive(Debug, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(schemars::JsonSchema))]
pub struct KeyList {
    /// The keys.
    pub keys: Vec<KeyRecord>,
}

#[cfg(test)]
mod tests;
