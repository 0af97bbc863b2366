//! The sandbox's memory: one [`Store`] behind a mutex, shared by every route.

use crate::faults::FaultRule;
use crate::Config;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

/// The state every route shares: the configuration, the signing key and the store.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Shared>,
}

struct Shared {
    config: Config,
    /// HS256 key for the JWTs the sandbox issues (PowerEPOS, Streamdiver); new per process.
    jwt_key: [u8; 64],
    store: Mutex<Store>,
}

impl core::fmt::Debug for AppState {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AppState")
            .field("config", &self.inner.config)
            .finish_non_exhaustive()
    }
}

impl AppState {
    /// Fresh, empty state.
    pub fn new(config: Config) -> Self {
        let mut jwt_key = [0u8; 64];
        rand::rng().fill_bytes(&mut jwt_key);
        Self {
            inner: Arc::new(Shared {
                config,
                jwt_key,
                store: Mutex::new(Store::default()),
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn jwt_key(&self) -> &[u8; 64] {
        &self.inner.jwt_key
    }

    /// Runs `f` with the store locked. Never hold the lock across an `.await`.
    pub(crate) fn with<R>(&self, f: impl FnOnce(&mut Store) -> R) -> R {
        // A panic while locked cannot leave the maps in a state worse than a failed request.
        let mut guard = self
            .inner
            .store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        f(&mut guard)
    }

    /// The public URL without trailing slash.
    pub(crate) fn public_url(&self) -> &str {
        &self.inner.config.public_url
    }
}

/// Everything the sandbox remembers. `POST /_control/reset` replaces it with the default.
#[derive(Default)]
pub(crate) struct Store {
    ids: HashMap<&'static str, u64>,
    pub(crate) stream: crate::stream::StreamData,
    pub(crate) omniretain: crate::omniretain::OmniData,
    pub(crate) streamdiver: crate::streamdiver::StreamdiverData,
    pub(crate) powerepos: crate::powerepos::PowerEposData,
    pub(crate) counters: Counters,
    pub(crate) faults: Vec<FaultRule>,
    pub(crate) settings: Settings,
}

impl Store {
    /// The next deterministic id with this prefix: `org_1`, `org_2`, ...
    pub(crate) fn next_id(&mut self, prefix: &'static str) -> String {
        let n = self.ids.entry(prefix).or_insert(0);
        *n += 1;
        format!("{prefix}_{n}")
    }
}

/// What `GET /_control/counters` shows.
#[derive(Debug, Default, Clone, Serialize)]
pub(crate) struct Counters {
    /// Token-endpoint calls per client id (every partner), faulted ones included.
    pub(crate) token_calls: BTreeMap<String, u64>,
    /// Stream onboarding status calls per onboarding id.
    pub(crate) status_calls: BTreeMap<String, u64>,
    /// Requests per route name, faulted ones included.
    pub(crate) requests: BTreeMap<String, u64>,
}

/// Access-token lifetimes set with `POST /_control/settings`, in seconds.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Lifetimes {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) stream: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) omniretain: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) streamdiver: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) powerepos: Option<u64>,
}

/// Test settings.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Settings {
    #[serde(default)]
    pub(crate) token_lifetime_s: Lifetimes,
    /// PowerEPOS: the Partner Services URI put in tokens (`svc` and the JWT claim) instead of
    /// the sandbox's own, so tests can play a token server whose claim points elsewhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) powerepos_service_uri: Option<String>,
    /// Stream: skip the partner's own location-ownership checks on bind, so tests see whether
    /// the worker checks first.
    #[serde(default)]
    pub(crate) skip_location_ownership: bool,
    /// Stream: answer a revoke of an already revoked onboarding with `409` (as some partners do).
    #[serde(default)]
    pub(crate) revoke_conflict: bool,
    /// Stream: the refresh token's lifetime in seconds (default 30 days), both enforced and
    /// answered as `refresh_token_expires_in`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) stream_refresh_lifetime_s: Option<u64>,
    /// Stream: the `expires_in` the answer states, whatever the real lifetime (a partner that
    /// sends a Unix timestamp where seconds belong).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) stream_stated_expires_in: Option<u64>,
    /// Stream: locations made on completion carry no `name` and no `type`, and a field the
    /// document does not name (`timezone`).
    #[serde(default)]
    pub(crate) bare_locations: bool,
    /// PowerEPOS: the `org_id` the token answer states (a partner answering for another
    /// organisation than the one asked for).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) powerepos_answer_org_id: Option<String>,
}

/// Milliseconds since the Unix epoch.
pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Seconds since the Unix epoch.
pub(crate) fn now_s() -> u64 {
    now_ms() / 1000
}

/// A fresh unguessable value: 32 random bytes, base64url without padding (43 characters).
/// Recorded in the issued-secrets register (see [`record_issued`]).
pub(crate) fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    record_issued(&token);
    token
}

/// Every token, code and secret the sandbox has handed out since it started (never cleared by
/// `/_control/reset`), so a test run's leak scan can look for each of them in logs and pages.
static ISSUED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Adds a value to the issued-secrets register.
pub(crate) fn record_issued(value: &str) {
    if let Ok(mut v) = ISSUED.lock() {
        v.push(value.to_owned());
    }
}

/// The issued-secrets register.
pub(crate) fn issued() -> Vec<String> {
    ISSUED.lock().map(|v| v.clone()).unwrap_or_default()
}

/// RFC 3339 UTC time for Unix seconds (civil-from-days, no calendar crate needed).
pub(crate) fn rfc3339(unix_s: u64) -> String {
    let days = unix_s / 86_400;
    let secs = unix_s % 86_400;
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    // Howard Hinnant's days_from_civil inverse, for days since 1970-01-01 (non-negative).
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + u64::from(month <= 2);
    format!("{year:04}-{month:02}-{d:02}T{h:02}:{m:02}:{s:02}Z")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_sequential_per_prefix() {
        let mut s = Store::default();
        assert_eq!(s.next_id("org"), "org_1");
        assert_eq!(s.next_id("org"), "org_2");
        assert_eq!(s.next_id("onb"), "onb_1");
    }

    #[test]
    fn random_tokens_are_long_and_distinct() {
        let a = random_token();
        assert_eq!(a.len(), 43);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_ne!(a, random_token());
    }

    #[test]
    fn rfc3339_formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_700_000_000), "2023-11-14T22:13:20Z");
        assert_eq!(rfc3339(4_107_542_399), "2100-02-28T23:59:59Z");
    }
}
