//! Server keys (docs/server.md; core's [`gatehouse_core::server_keys`] decides): the registry of
//! keys, the operators' routes that make, list, rotate and revoke them, and the check of a
//! presented key.
//!
//! The registry is an instance of the organizations' object class (`OrgOnboarding`) under the
//! reserved name [`NAME`] (organization ids cannot contain `@`), like the connections' registry:
//! one record per key under `k:<id>`, with the SHA-256 of the key, never the key.
//!
//! An isolate keeps a record it read at most [`server_keys::CACHE_MS`]; revoking or rotating
//! through an isolate drops its copy at once. With the record it keeps the value that last
//! proved itself against the record's hash, for as long as the record: a backend presents the
//! same key on every call, and comparing it with that value (in constant time) spares a
//! SHA-256 through WebCrypto (a promise, so a turn of the event loop) on each. The value lives
//! only in this isolate's memory, which every call brings it to anyway; nothing stores it.

use crate::error::{ApiError, ErrorCode};
use crate::onboarding::org::Rows;
use crate::onboarding::OrgMessage;
use gatehouse_core::connections::FieldProblem;
use gatehouse_core::routes::RouteId;
use gatehouse_core::secret::constant_time_eq;
use gatehouse_core::server_keys::{
    self, CreatedKey, KeyList, KeyRecord, Need, NewKey, Refusal, Rotate,
};
use std::cell::RefCell;
use std::rc::Rc;
use worker::{Env, Request, Response};

/// The registry's object name (an organization id never contains `@`).
pub const NAME: &str = "@keys";

/// Largest accepted body.
const MAX_BODY: usize = 16 * 1024;

/// The most key records an isolate keeps (a backend presents a handful of keys; a short list is
/// less wasm than a map).
const MAX_CACHED: usize = 64;

/// A record read from the registry.
struct Cached {
    record: Rc<KeyRecord>,
    /// When it was read (ms).
    at: u64,
    /// The value that proved itself against the record's hash since.
    proven: Option<Rc<str>>,
}

thread_local! {
    /// Records read from the registry, oldest first.
    static CACHE: RefCell<Vec<Cached>> = const { RefCell::new(Vec::new()) };
    /// Clients the refusals limit stopped, as this isolate knows them.
    static REFUSED: RefCell<server_keys::RefusedClients> = RefCell::default();
}

fn now_ms() -> u64 {
    worker::Date::now().as_millis()
}

/// The presented bearer value, if any.
pub fn bearer(req: &Request) -> Option<String> {
    let header = req.headers().get("authorization").ok().flatten()?;
    header.strip_prefix("Bearer ").map(|v| v.trim().to_owned())
}

/// The server key presented as `Authorization: Bearer gh_…`: `None` when the bearer is not
/// shaped as one (the caller may then accept its legacy secret); a key that does not prove
/// itself, is unknown, revoked or past its rotation grace is `Unauthorized`.
///
/// A client whose keys failed too often (`KEY_REFUSALS_RATE_LIMIT`) is refused with `429` for
/// the limit's period wherever its call would cost a read of the registry or a hash; a key this
/// isolate already holds, proven, still passes (docs/security.md item 33).
pub async fn presented(req: &Request, env: &Env) -> Result<Option<Rc<KeyRecord>>, ApiError> {
    let Some(value) = bearer(req) else {
        return Ok(None);
    };
    let Some((id, _)) = server_keys::parse(&value) else {
        return Ok(None);
    };
    let proves = |proven: &Option<Rc<str>>| {
        proven
            .as_ref()
            .is_some_and(|p| constant_time_eq(p.as_bytes(), value.as_bytes()))
    };
    // The hot path: a key this isolate holds and has seen proven costs no read and no hash, so
    // neither the client's address nor the refusals are looked at.
    let held = cached(&id, now_ms()).filter(|(_, proven)| proves(proven));
    let record = match held {
        Some((record, _)) => record,
        None => {
            let client = client(req);
            if REFUSED.with(|r| r.borrow().holds(&client, now_ms())) {
                return Err(ApiError::RateLimited(REFUSED_FOR_S));
            }
            let Some((read, _)) = record(env, &id).await? else {
                return Err(refusal(env, &client).await);
            };
            let hash = sha256_hex(&value).await?;
            if !constant_time_eq(hash.as_bytes(), read.hash.as_bytes()) {
                return Err(refusal(env, &client).await);
            }
            remember_proven(&read, &value);
            read
        }
    };
    if record.expires_at.is_some_and(|t| t <= now_ms() / 1000) {
        return Err(ApiError::Unauthorized);
    }
    Ok(Some(record))
}

/// Whether `key` allows a call that needs `need` (a legacy secret, `None`, allows it).
pub fn check(key: Option<&KeyRecord>, need: &Need<'_>) -> Result<(), ApiError> {
    let Some(key) = key else { return Ok(()) };
    key.allows(need, now_ms() / 1000).map_err(|r| match r {
        Refusal::Expired => ApiError::Unauthorized,
        Refusal::Scope => ApiError::Refused(ErrorCode::InsufficientScope),
        Refusal::Organization => ApiError::ForbiddenOrg,
        Refusal::Target => ApiError::Refused(ErrorCode::ForbiddenTarget),
    })
}

/// The seconds a stopped client is told to wait (`Retry-After`).
const REFUSED_FOR_S: u32 = (server_keys::REFUSED_FOR_MS / 1000) as u32;

/// The caller's address as Cloudflare saw it (`CF-Connecting-IP`, which the edge sets and a
/// client cannot), or empty where there is none.
fn client(req: &Request) -> String {
    req.headers()
        .get("cf-connecting-ip")
        .ok()
        .flatten()
        .unwrap_or_default()
}

/// The answer to a presented key that did not prove itself (an unknown id, a wrong secret):
/// `401`, counted against its client by `KEY_REFUSALS_RATE_LIMIT`; past the limit `429`, and
/// this isolate stops the client without asking again for the limit's period.
async fn refusal(env: &Env, client: &str) -> ApiError {
    let Ok(limiter) = env.rate_limiter("KEY_REFUSALS_RATE_LIMIT") else {
        return ApiError::Misconfigured(
            "rate limit binding KEY_REFUSALS_RATE_LIMIT is missing".into(),
        );
    };
    match limiter.limit(format!("key:{client}")).await {
        Ok(outcome) if !outcome.success => {
            REFUSED.with(|r| r.borrow_mut().refuse(client, now_ms()));
            ApiError::RateLimited(REFUSED_FOR_S)
        }
        // A limiter that cannot answer leaves the refusal as it is.
        _ => ApiError::Unauthorized,
    }
}

/// This isolate's fresh copy of key `id`'s record and the value proven against it, if any.
fn cached(id: &str, now: u64) -> Option<(Rc<KeyRecord>, Option<Rc<str>>)> {
    CACHE.with(|c| {
        c.borrow()
            .iter()
            .find(|e| e.record.id == id && server_keys::cache_fresh(e.at, now))
            .map(|e| (e.record.clone(), e.proven.clone()))
    })
}

/// The record of key `id` and the value proven against it, from this isolate's copy while it
/// is fresh, else from the registry (writing `last_used_at` back when core says it is due).
async fn record(env: &Env, id: &str) -> Result<Option<(Rc<KeyRecord>, Option<Rc<str>>)>, ApiError> {
    let now = now_ms();
    let hit = cached(id, now);
    if hit.is_some() {
        return Ok(hit);
    }
    let Some(mut rec) = read(env, id).await? else {
        return Ok(None);
    };
    if rec.needs_touch(now / 1000) {
        rec.last_used_at = Some(now / 1000);
        // Best effort: a failed write only leaves `last_used_at` older.
        let _ = write(env, &rec).await;
    }
    let rec = Rc::new(rec);
    forget(id);
    CACHE.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= MAX_CACHED {
            c.remove(0);
        }
        c.push(Cached {
            record: rec.clone(),
            at: now,
            proven: None,
        });
    });
    Ok(Some((rec, None)))
}

/// Remembers `value` as proven against `record` (the same copy: a record read again since
/// starts with none).
fn remember_proven(record: &Rc<KeyRecord>, value: &str) {
    CACHE.with(|c| {
        if let Some(e) = c
            .borrow_mut()
            .iter_mut()
            .find(|e| Rc::ptr_eq(&e.record, record))
        {
            e.proven = Some(Rc::from(value));
        }
    });
}

/// The registry's row of key `id`.
async fn read(env: &Env, id: &str) -> Result<Option<KeyRecord>, ApiError> {
    let op = Rows::get(format!("{PREFIX}{id}"));
    Ok(KeyRecord::from_value(&registry(env, &op).await?))
}

/// Stores a key's record.
async fn write(env: &Env, rec: &KeyRecord) -> Result<(), ApiError> {
    let text = serde_json::to_string(rec).map_err(|e| ApiError::Internal(e.to_string()))?;
    let op = Rows::put(format!("{PREFIX}{}", rec.id), text);
    registry(env, &op).await.map(|_| ())
}

/// Every key's record, in id order.
async fn all(env: &Env) -> Result<Vec<KeyRecord>, ApiError> {
    let op = Rows::list(PREFIX.to_owned(), None, None);
    let rows = registry(env, &op).await?;
    Ok(rows
        .as_array()
        .map(|a| a.iter().filter_map(KeyRecord::from_value).collect())
        .unwrap_or_default())
}

/// The registry's answer to `op`, as JSON.
async fn registry(env: &Env, op: &OrgMessage) -> Result<serde_json::Value, ApiError> {
    let answer = crate::onboarding::ask_raw(env, NAME, op).await?;
    serde_json::from_slice(&answer).map_err(|e| ApiError::Internal(format!("keys: {e}")))
}

/// A key record's storage key prefix.
const PREFIX: &str = "k:";

fn forget(id: &str) {
    CACHE.with(|c| c.borrow_mut().retain(|e| e.record.id != id));
}

/// Lower-case hex SHA-256 of `text` (`crypto.subtle.digest`).
async fn sha256_hex(text: &str) -> Result<String, ApiError> {
    let digest = crate::webcrypto::promise(
        crate::webcrypto::subtle()?.digest_with_str_and_u8_array("SHA-256", text.as_bytes()),
        "digest",
    )
    .await?;
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut hex = String::with_capacity(64);
    for b in js_sys::Uint8Array::new(&digest).to_vec() {
        hex.push(char::from(HEX[usize::from(b >> 4)]));
        hex.push(char::from(HEX[usize::from(b & 15)]));
    }
    Ok(hex)
}

/// Serves the operators' `/api/admin/keys…` routes (the key was checked by `dispatch`).
pub async fn route(
    mut req: Request,
    env: &Env,
    id: RouteId,
    key_id: &str,
) -> Result<Response, ApiError> {
    match id {
        RouteId::ListKeys => {
            let mut keys = all(env).await?;
            for k in &mut keys {
                k.hash.clear();
            }
            Ok(crate::http::json(200, &KeyList { keys }))
        }
        RouteId::CreateKey => {
            let body = crate::body::read_json_capped(&mut req, MAX_BODY).await?;
            let new = NewKey::read(&body).map_err(|(f, m)| problem(f, m))?;
            if all(env).await?.len() >= server_keys::MAX_KEYS {
                return Err(problem(
                    "name",
                    "this deployment has 1000 keys: revoke one first",
                ));
            }
            Ok(crate::http::json(201, &make(env, new, None).await?))
        }
        RouteId::RotateKey => {
            let body = crate::body::read_capped(&mut req, MAX_BODY).await?;
            let rotate = Rotate::read(&body).map_err(|(f, m)| problem(f, m))?;
            let mut old = read(env, key_id)
                .await?
                .ok_or(ApiError::Refused(ErrorCode::UnknownKey))?;
            let until = rotate
                .old_expires_at(now_ms() / 1000)
                .ok_or_else(|| problem("expire_old_in_s", "at most 2592000 seconds (30 days)"))?;
            old.expires_at = Some(old.expires_at.map_or(until, |t| t.min(until)));
            let created = make(env, Rotate::successor(&old), Some(old)).await?;
            forget(key_id);
            Ok(crate::http::json(201, &created))
        }
        RouteId::RevokeKey => {
            forget(key_id);
            let op = Rows::delete(format!("{PREFIX}{key_id}"));
            if registry(env, &op).await? != serde_json::Value::Bool(true) {
                return Err(ApiError::Refused(ErrorCode::UnknownKey));
            }
            Ok(Response::empty()?.with_status(204))
        }
        _ => Err(ApiError::NotFound),
    }
}

fn problem(field: &str, message: &str) -> ApiError {
    ApiError::Fields(
        ErrorCode::InvalidKey,
        vec![FieldProblem::new(field, "invalid", message)],
    )
}

/// Makes a key for `new` (and stores `previous`, a rotated key's record, with it): the key is
/// in the answer only.
async fn make(env: &Env, new: NewKey, previous: Option<KeyRecord>) -> Result<CreatedKey, ApiError> {
    new.validate()
        .map_err(|(field, message)| problem(field, message))?;
    let mut id = [0u8; 10];
    let mut secret = [0u8; 32];
    crate::http::random_bytes(&mut id).map_err(ApiError::Internal)?;
    crate::http::random_bytes(&mut secret).map_err(ApiError::Internal)?;
    let kind = if crate::config::mode(env) == "development" {
        "test"
    } else {
        "live"
    };
    let (key, record_id) = server_keys::make_key(kind, id, secret);
    let prefix = server_keys::parse(&key)
        .map(|(_, p)| p.to_owned())
        .unwrap_or_default();
    let hash = sha256_hex(&key).await?;
    let mut record = new.record(record_id, &prefix, hash, now_ms() / 1000);
    write(env, &record).await?;
    if let Some(old) = &previous {
        write(env, old).await?;
    }
    record.hash.clear();
    let previous = previous.map(|mut p| {
        p.hash.clear();
        p
    });
    Ok(CreatedKey {
        key: record,
        secret: key,
        previous,
    })
}
