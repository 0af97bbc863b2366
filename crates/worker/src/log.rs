//! The one logging point: structured JSON lines, every value passed through
//! [`gatehouse_core::redact::redact_with`] with the secrets this isolate has seen
//! ([`remember_secret`]: configured secrets and every token that passed through), each carrying
//! the id of the request it was written for.
//!
//! **Request ids across awaits and Durable Objects.** A request's work runs inside [`scoped`]:
//! a future that sets the current request id each time it is polled and restores the previous one
//! after, so requests interleaved in one isolate (or one Durable Object) never see each other's
//! id. [`crate::objects::ask`] passes the current id to the object in a header, and each
//! object's `fetch` runs in a scope of that id: lines written inside a Durable Object carry the
//! `request_id` of the worker request that caused them.

use std::cell::RefCell;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

/// The header the worker passes its request id to a Durable Object in (internal only).
pub const REQUEST_ID_HEADER: &str = "x-gatehouse-request-id";

thread_local! {
    static CURRENT: RefCell<Rc<str>> = RefCell::new(Rc::from(""));
    /// Secret values this isolate has seen (configured secrets, tokens that passed through):
    /// masked wherever they appear in a log line. The most recent [`MAX_KNOWN`] are kept.
    static KNOWN: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// How many secret values an isolate remembers for redaction.
const MAX_KNOWN: usize = 512;

/// Remembers `value` as secret: no log line of this isolate will show it.
pub fn remember_secret(value: &str) {
    if value.len() < 8 {
        return;
    }
    KNOWN.with(|k| {
        let mut k = k.borrow_mut();
        if k.iter().any(|v| v == value) {
            return;
        }
        if k.len() >= MAX_KNOWN {
            k.remove(0);
        }
        k.push(value.to_owned());
    });
}

/// The id of the request being served now (empty outside any request, e.g. in an alarm).
pub fn current_request_id() -> Rc<str> {
    CURRENT.with(|c| c.borrow().clone())
}

/// A future that runs with `id` as the current request id (boxed: one poll wrapper serves
/// every use, which keeps the wasm small).
pub struct Scoped<'a, T> {
    id: Rc<str>,
    inner: Pin<Box<dyn Future<Output = T> + 'a>>,
}

impl<T> Future for Scoped<'_, T> {
    type Output = T;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        let id = self.id.clone();
        let previous = CURRENT.with(|c| c.replace(id));
        let out = self.inner.as_mut().poll(cx);
        CURRENT.with(|c| *c.borrow_mut() = previous);
        out
    }
}

/// Runs `fut` with `id` as the current request id.
pub fn scoped<'a, T>(id: &str, fut: impl Future<Output = T> + 'a) -> Scoped<'a, T> {
    Scoped {
        id: Rc::from(id),
        inner: Box::pin(fut),
    }
}

/// The request id a Durable Object was asked under (empty when none was passed).
pub fn incoming_request_id(req: &worker::Request) -> String {
    req.headers()
        .get(REQUEST_ID_HEADER)
        .ok()
        .flatten()
        .filter(|id| id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric()))
        .unwrap_or_default()
}

/// How much a line matters; `LOG_LEVEL` names the least that is written for access lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// Detail for debugging.
    Debug,
    /// Normal operation (a request served, a webhook delivered).
    Info,
    /// Something refused or degraded that needs no one yet.
    Warn,
    /// Something an operator must look at.
    Error,
}

impl Level {
    /// The level as written in lines and in `LOG_LEVEL`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Debug => "debug",
            Self::Info => "info",
            Self::Warn => "warn",
            Self::Error => "error",
        }
    }

    /// The level `LOG_LEVEL` names (anything else is `error`, the quietest).
    pub fn parse(s: &str) -> Self {
        match s {
            "debug" => Self::Debug,
            "info" => Self::Info,
            "warn" => Self::Warn,
            _ => Self::Error,
        }
    }
}

/// Writes one structured log line: `{"level":..., "<k>": "<redacted v>", ...}`, with the current
/// request id unless the fields carry one.
pub fn event(level: Level, fields: &[(&str, &str)]) {
    let mut map = serde_json::Map::new();
    map.insert("level".into(), level.as_str().into());
    for (k, v) in fields {
        if *k == "request_id" && v.is_empty() {
            continue;
        }
        let shown = KNOWN.with(|known| {
            let known = known.borrow();
            let refs: Vec<&str> = known.iter().map(String::as_str).collect();
            gatehouse_core::redact::redact_with(v, &refs)
        });
        map.insert((*k).into(), shown.into());
    }
    if !map.contains_key("request_id") {
        let id = current_request_id();
        if !id.is_empty() {
            map.insert("request_id".into(), (*id).into());
        }
    }
    // The same compact JSON as `Value`'s Display, without Display's second (pretty-printing)
    // serializer of `Value` in the wasm; a `Value` always serializes.
    let line = serde_json::to_string(&serde_json::Value::Object(map)).unwrap_or_default();
    worker::console_log!("{}", line);
}

/// Writes the per-request access line at `level` unless the `LOG_LEVEL` var (`threshold`) is above
/// it (`warn` keeps only failed requests; the default, `info`, logs every request).
pub fn access(threshold: Option<&str>, level: Level, fields: &[(&str, &str)]) {
    if level >= threshold.map_or(Level::Info, Level::parse) {
        event(level, fields);
    }
}

/// The request's id for logs and the `X-Request-Id` answer header: the id part of Cloudflare's
/// `cf-ray` (16 hex digits, without the `-<colo>` suffix) when present, else 16 hex digits of
/// [`next_request_id`].
pub fn request_id(req: &worker::Request) -> String {
    let ray = req.headers().get("cf-ray").ok().flatten();
    if let Some(id) = ray
        .as_deref()
        .and_then(|r| r.split('-').next())
        .filter(|r| (8..=16).contains(&r.len()) && r.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        return id.to_owned();
    }
    format!("{:016x}", next_request_id())
}

thread_local! {
    /// This isolate's request-id sequence: a random start (drawn once), then a counter.
    static SEQUENCE: std::cell::Cell<Option<(u64, u64)>> = const { std::cell::Cell::new(None) };
}

/// A request id without a `cf-ray`: the isolate's random seed mixed with a counter through
/// SplitMix64's finaliser (a bijection, so ids never repeat within an isolate, and collide
/// across isolates no more often than random ones). Ids are correlation handles, not secrets:
/// a random draw per request (a call into the platform's crypto) bought nothing.
fn next_request_id() -> u64 {
    SEQUENCE.with(|s| {
        let (seed, n) = s.get().unwrap_or_else(|| {
            let mut b = [0u8; 8];
            let _ = crate::http::random_bytes(&mut b);
            (u64::from_le_bytes(b), 0)
        });
        s.set(Some((seed, n.wrapping_add(1))));
        splitmix(seed.wrapping_add(n.wrapping_mul(0x9e37_79b9_7f4a_7c15)))
    })
}

/// SplitMix64's output function.
fn splitmix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
