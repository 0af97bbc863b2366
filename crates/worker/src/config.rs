//! Configuration read from Worker vars (`wrangler.toml`) and secrets (`.dev.vars` locally,
//! `wrangler secret put` in production). A missing piece is named in the error.

use gatehouse_core::origins::OriginPolicy;
use std::cell::RefCell;
use std::rc::Rc;
use worker::Env;

/// The most vars and secrets an isolate remembers (the names the code and `CREDENTIALS` name).
const MAX_REMEMBERED: usize = 256;

thread_local! {
    /// The vars and secrets this isolate has read (`true` for a secret), with their values:
    /// bindings change only with a new deployment, which starts new isolates, so each is read
    /// from the environment once (each read crosses into JavaScript and copies the value, and
    /// the hot path reads several per request).
    static READ: RefCell<Vec<Read>> = const { RefCell::new(Vec::new()) };
}

/// One var or secret as read.
struct Read {
    secret: bool,
    name: Rc<str>,
    value: Option<Rc<str>>,
}

/// `name`'s value, from this isolate's copy or else from `read`.
fn remembered(secret: bool, name: &str, read: impl FnOnce() -> Option<String>) -> Option<String> {
    let known = READ.with(|r| {
        r.borrow()
            .iter()
            .find(|r| r.secret == secret && *r.name == *name)
            .map(|r| r.value.clone())
    });
    if let Some(value) = known {
        return value.map(|v| v.to_string());
    }
    let value = read().filter(|v| !v.is_empty());
    READ.with(|r| {
        let mut r = r.borrow_mut();
        if r.len() < MAX_REMEMBERED {
            r.push(Read {
                secret,
                name: name.into(),
                value: value.as_deref().map(Rc::from),
            });
        }
    });
    value
}

/// Reads a plain var; `None` when unset or empty.
pub fn var(env: &Env, name: &str) -> Option<String> {
    remembered(false, name, || env.var(name).ok().map(|v| v.to_string()))
}

/// The deployment mode (`development`, `staging`, `production`).
pub fn mode(env: &Env) -> String {
    var(env, "GATEHOUSE_MODE").unwrap_or_else(|| "production".into())
}

/// The browser origins allowed to call (`ALLOWED_ORIGINS`, comma-separated; loopback origins
/// too in `development` mode).
pub fn origins(env: &Env) -> OriginPolicy {
    OriginPolicy::new(var(env, "ALLOWED_ORIGINS").as_deref(), &mode(env))
}

/// Reads a secret; `None` when unset or empty. The value is remembered for log redaction.
pub fn secret(env: &Env, name: &str) -> Option<String> {
    let value = remembered(true, name, || env.secret(name).ok().map(|v| v.to_string()))?;
    // Every time, not only on the first read: the log's list of secrets is bounded and may
    // have let this one go since.
    crate::log::remember_secret(&value);
    Some(value)
}
