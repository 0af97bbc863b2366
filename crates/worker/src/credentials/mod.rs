//! Partner credentials. Configuration (`CREDENTIALS` var + Worker secrets) is loaded by the
//! core; one Durable Object per credential ([`broker::CredentialBroker`]) holds its token; an
//! isolate-local cache in front of it keeps the hot path off the Durable Object.
//!
//! Worker ↔ Durable Object messages ([`BrokerMessage`], [`IssuedToken`]) are internal: an [`IssuedToken`]
//! carries an access token and is never answered to any client.

pub mod broker;
mod connection;
mod stored;

use crate::error::ApiError;
use crate::upstream;
use gatehouse_core::api::CredentialStatus;
use gatehouse_core::outbound::Outbound;
use gatehouse_core::sealed::{self, StorageKey};
use gatehouse_core::tokens::cache::{partner_verdict, PartnerVerdict};
use gatehouse_core::tokens::profile::{self, Credential};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use worker::{Date, Env, Request, Response};

/// A message to a credential's Durable Object ([`crate::objects`]). Each names the credential
/// (`id`), which also names the object.
#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BrokerMessage {
    /// A usable access token, please.
    Token { id: String },
    /// The partner answered 401 to this token generation: drop it.
    Invalidate {
        id: String,
        /// The generation the caller used.
        generation: u64,
    },
    /// The credential's health.
    Status { id: String },
    /// Forget the held tokens and any hold-off (an operator fixed the credential).
    Reset { id: String },
    /// Make connection `id` (an empty object): verify the values with a real grant, and keep
    /// them (sealed) only if the partner accepts them.
    Connect {
        id: String,
        template: String,
        /// The owning organization (from the verified session).
        org: String,
        text: BTreeMap<String, String>,
        secrets: BTreeMap<String, String>,
    },
    /// Verify new values for connection `id` (update mode), if `org` owns it; they replace the
    /// old ones only if the partner accepts them.
    Update {
        id: String,
        org: String,
        text: BTreeMap<String, String>,
        secrets: BTreeMap<String, String>,
    },
    /// The connection's view, if `org` owns it.
    Describe { id: String, org: String },
    /// Erase the connection (values and tokens), if `org` owns it.
    Delete { id: String, org: String },
}

/// An access token handed from the Durable Object to the worker (internal only).
#[derive(Clone, Serialize, Deserialize)]
pub struct IssuedToken {
    /// The bearer token.
    pub access_token: String,
    /// The partner API base URL (fixed, or read from the token's claim).
    pub api_base: String,
    /// When the holder should stop using its cached copy.
    pub refresh_at_ms: u64,
    /// Identifies this token for [`BrokerMessage::Invalidate`].
    pub generation: u64,
    /// Whether this copy came from the isolate cache (not sent between worker and object).
    #[serde(skip)]
    pub from_cache: bool,
    /// A connection's owning organization and template (none for a configured credential).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub connection: Option<(String, String)>,
}

impl std::fmt::Debug for IssuedToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "IssuedToken(generation {}, [redacted])", self.generation)
    }
}

/// Each configured credential, or the problem that keeps it from loading.
type Loaded = Vec<(String, Result<Rc<Credential>, profile::ConfigError>)>;

thread_local! {
    /// The parsed `CREDENTIALS` of this isolate: vars and secrets only change with a new
    /// deployment (a new isolate), so each isolate parses once and the hot path neither copies
    /// the var out of JavaScript nor clones a credential. Each credential is loaded on its own
    /// (docs/security.md item 30): one with a missing secret or a typo keeps its own error and
    /// the others serve.
    static CONFIG: RefCell<Option<Rc<Loaded>>> = const { RefCell::new(None) };
}

/// Every configured credential, parsed once per isolate; only a `CREDENTIALS` value that is not
/// a JSON object fails as a whole (and is not cached, so it is reported on every use until fixed).
fn credentials(env: &Env) -> Result<Rc<Loaded>, profile::ConfigError> {
    if let Some(hit) = CONFIG.with(|c| c.borrow().clone()) {
        return Ok(hit);
    }
    let raw = crate::config::var(env, "CREDENTIALS").unwrap_or_else(|| "{}".into());
    let parsed: Rc<Loaded> = Rc::new(
        profile::load_each(&raw, |name| crate::config::secret(env, name))?
            .into_iter()
            .map(|(id, c)| (id, c.map(Rc::new)))
            .collect(),
    );
    CONFIG.with(|c| *c.borrow_mut() = Some(parsed.clone()));
    Ok(parsed)
}

/// One credential's configuration, `None` when no credential has this id; a credential that
/// cannot load answers its own problem (never another credential's).
pub fn find(env: &Env, id: &str) -> Result<Option<Rc<Credential>>, profile::ConfigError> {
    match credentials(env)?.iter().find(|(i, _)| i == id) {
        None => Ok(None),
        Some((_, Ok(c))) => Ok(Some(c.clone())),
        Some((_, Err(e))) => Err(e.clone()),
    }
}

/// Loads one credential's configuration, naming the missing piece.
pub fn load_credential(env: &Env, id: &str) -> Result<Rc<Credential>, profile::ConfigError> {
    find(env, id)?.ok_or_else(|| profile::ConfigError::Invalid {
        id: id.to_owned(),
        problem: "no such credential in CREDENTIALS".into(),
    })
}

/// Whether `id` names a configured credential (without reading its secrets).
pub fn is_configured(env: &Env, id: &str) -> bool {
    configured_ids(env).iter().any(|c| c == id)
}

/// The ids in `CREDENTIALS`, in order (from the isolate's parsed copy; an id whose entry cannot
/// load is still listed); none when `CREDENTIALS` is not a JSON object.
fn configured_ids(env: &Env) -> Vec<String> {
    credentials(env)
        .map(|loaded| loaded.iter().map(|(id, _)| id.clone()).collect())
        .unwrap_or_default()
}

/// The storage encryption keys (`STORAGE_ENCRYPTION_KEY` secret, `<id>:<base64>` comma-separated).
pub fn storage_keys(env: &Env) -> Result<Vec<StorageKey>, String> {
    let secret = crate::config::secret(env, "STORAGE_ENCRYPTION_KEY")
        .ok_or_else(|| "secret STORAGE_ENCRYPTION_KEY is not set".to_owned())?;
    sealed::keys_from_secret(&secret).map_err(|e| format!("secret STORAGE_ENCRYPTION_KEY: {e}"))
}

/// Sends `op` to the credential's Durable Object and decodes its answer.
fn ask<'a, A: serde::de::DeserializeOwned + 'a>(
    env: &'a Env,
    id: &'a str,
    op: &'a BrokerMessage,
) -> impl std::future::Future<Output = Result<A, ApiError>> + 'a {
    crate::objects::ask(env, BINDING, id, op)
}

/// Sends `op` to the object `id`, its answer undecoded.
pub fn ask_raw<'a>(
    env: &'a Env,
    id: &'a str,
    op: &BrokerMessage,
) -> impl std::future::Future<Output = Result<Vec<u8>, ApiError>> + 'a {
    crate::objects::ask_raw(env, BINDING, id, op)
}

/// Drops this isolate's copy of `id`'s token (a deleted connection).
pub fn forget(id: &str) {
    CACHE.with(|c| c.borrow_mut().remove(id));
}

/// A connection's values and the credential made of them, as its object holds them once read
/// (`connection.rs`; here so that the broker and its connection half share it without an
/// import circle).
pub struct Connected {
    /// What is stored.
    pub stored: stored::StoredConnection,
    /// The credential its tokens are obtained with.
    pub credential: Rc<Credential>,
}

/// The brokers' Durable Object binding.
const BINDING: &str = "CREDENTIAL_BROKER";

/// How long an isolate may use its copy of a connection's token before asking its object again
/// (which refuses once the connection is deleted).
const CONNECTION_CACHE_MS: u64 = 30_000;

thread_local! {
    /// Isolate-local copies of issued tokens, used until their refresh time.
    static CACHE: RefCell<HashMap<String, IssuedToken>> = RefCell::new(HashMap::new());
}

/// A usable token for credential `id`: from the isolate cache, else from its Durable Object.
pub async fn token(env: &Env, id: &str) -> Result<IssuedToken, ApiError> {
    let now = Date::now().as_millis();
    if let Some(t) = CACHE.with(|c| {
        c.borrow()
            .get(id)
            .filter(|t| now < t.refresh_at_ms)
            .cloned()
    }) {
        return Ok(IssuedToken {
            from_cache: true,
            ..t
        });
    }
    let issued: IssuedToken = ask(env, id, &BrokerMessage::Token { id: id.to_owned() }).await?;
    crate::log::remember_secret(&issued.access_token);
    let mut copy = issued.clone();
    if copy.connection.is_some() {
        // A connection can be deleted from any isolate: this one's copy is asked again within
        // CONNECTION_CACHE_MS, so a deleted connection stops serving everywhere by then.
        copy.refresh_at_ms = copy.refresh_at_ms.min(now + CONNECTION_CACHE_MS);
    }
    CACHE.with(|c| c.borrow_mut().insert(id.to_owned(), copy));
    Ok(issued)
}

/// Calls the partner with credential `id`'s token: `build` makes the request for a token (its
/// `api_base` and bearer), over the `base` headers (the proxy's pass-through). A 401 (or a 403, for partners that answer invalid tokens that way)
/// invalidates the token and the call is made once more with a new one, never more
/// (docs/security.md item 9); a second 401 is [`ApiError::PartnerRejectedToken`].
/// Answers the partner's response with its body unread, and whether the token was cached.
pub async fn call_partner(
    env: &Env,
    cred: &Credential,
    build: impl Fn(&IssuedToken) -> Outbound,
    base: Option<&worker::Headers>,
) -> Result<(upstream::Opened, bool), ApiError> {
    for attempt in 0..2 {
        let token = token(env, &cred.id).await?;
        let answer = upstream::open(build(&token), base)
            .await
            .map_err(|t| ApiError::PartnerUnavailable(t.to_string()))?;
        if let Some(note) = answer.redirect() {
            answer.discard();
            return Err(ApiError::PartnerRedirected(format!(
                "credential `{}`: the partner API {note}",
                cred.id
            )));
        }
        match partner_verdict(
            answer.status,
            attempt,
            cred.profile.forbidden_means_invalid_token,
        ) {
            PartnerVerdict::Use => return Ok((answer, token.from_cache)),
            PartnerVerdict::RetryWithNewToken => {
                answer.discard();
                invalidate(env, &cred.id, token.generation).await?;
            }
            PartnerVerdict::RejectedToken => {
                answer.discard();
                break;
            }
        }
    }
    Err(ApiError::PartnerRejectedToken)
}

/// Drops a token the partner refused (401), here and in the Durable Object.
pub async fn invalidate(env: &Env, id: &str, generation: u64) -> Result<(), ApiError> {
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.get(id).is_some_and(|t| t.generation == generation) {
            c.remove(id);
        }
    });
    let op = BrokerMessage::Invalidate {
        id: id.to_owned(),
        generation,
    };
    crate::objects::ask_raw(env, BINDING, id, &op)
        .await
        .map(|_| ())
}

/// `GET /api/admin/credentials/{id}` (status) and `POST /api/admin/credentials/{id}/reset`;
/// `?warm=1` first obtains a token if none is held. Key-protected; never shows a token.
pub async fn admin(req: &Request, env: &Env, id: &str, reset: bool) -> Result<Response, ApiError> {
    if !is_configured(env, id) {
        return Err(ApiError::UnknownCredential);
    }
    if let Err(problem) = find(env, id) {
        let status = CredentialStatus::unloadable(id, problem.to_string());
        return Ok(crate::http::json(200, &status));
    }
    let warm = crate::http::query_has(req, "warm", "1");
    if warm {
        token(env, id).await?;
    }
    if reset {
        CACHE.with(|c| c.borrow_mut().remove(id));
    }
    let op = if reset {
        BrokerMessage::Reset { id: id.to_owned() }
    } else {
        BrokerMessage::Status { id: id.to_owned() }
    };
    // The object's status is already JSON: passed on as it came.
    let status = crate::objects::ask_raw(env, BINDING, id, &op).await?;
    Ok(crate::http::json_text(200, status))
}

/// `GET /api/admin/credentials`: every configured credential's health, for operators
/// (`ADMIN_API_KEY`). A credential whose object cannot answer (a missing secret, say) is listed
/// with the error's code as its state. Never a token or a secret.
pub async fn admin_list(env: &Env) -> Result<Response, ApiError> {
    let ids = configured_ids(env);
    // The objects are asked ADMIN_FAN_OUT at a time (1,000 credentials: 1,000 objects, not one
    // after another); each object's status is already JSON and is passed on as it came.
    let mut out = b"{\"credentials\":[".to_vec();
    for batch in ids.chunks(ADMIN_FAN_OUT) {
        // The runtime runs the batch's asks together (`Promise.all`); each answers its JSON.
        let promises: js_sys::Array = batch
            .iter()
            .map(|id| {
                let (env, id) = (env.clone(), id.clone());
                js_sys::futures::future_to_promise(async move {
                    Ok(js_sys::Uint8Array::from(status_json(&env, &id).await.as_slice()).into())
                })
            })
            .collect();
        let answers = js_sys::futures::JsFuture::from(js_sys::Promise::all(&promises))
            .await
            .map_err(|_| ApiError::Internal("credential status fan-out failed".into()))?;
        for json in js_sys::Array::from(&answers).iter() {
            if out.last() != Some(&b'[') {
                out.push(b',');
            }
            out.extend_from_slice(&js_sys::Uint8Array::new(&json).to_vec());
        }
    }
    out.extend_from_slice(b"]}");
    Ok(crate::http::json_text(200, out))
}

/// How many credential objects the operators' list asks at once.
const ADMIN_FAN_OUT: usize = 50;

/// One credential's status as JSON: its object's answer, or its own problem (a secret's name,
/// never a value; the others still load), or the code of the object's failure.
async fn status_json(env: &Env, id: &str) -> Vec<u8> {
    let status = match find(env, id) {
        Err(problem) => CredentialStatus::unloadable(id, problem.to_string()),
        Ok(_) => {
            let op = BrokerMessage::Status { id: id.to_owned() };
            match crate::objects::ask_raw(env, BINDING, id, &op).await {
                Ok(json) => return json,
                Err(e) => CredentialStatus::failing(id, e.code()),
            }
        }
    };
    serde_json::to_vec(&status).unwrap_or_default()
}
