//! What `GET /_control/counters` shows; named routes and Stream's status endpoint add to it.

use serde::Serialize;
use std::collections::BTreeMap;

/// Request counts since start or the last `/_control/reset`.
#[derive(Debug, Default, Clone, Serialize)]
pub(crate) struct Counters {
    /// Token-endpoint calls per client id (every partner), faulted ones included.
    pub(crate) token_calls: BTreeMap<String, u64>,
    /// Stream onboarding status calls per onboarding id.
    pub(crate) status_calls: BTreeMap<String, u64>,
    /// Requests per route name, faulted ones included.
    pub(crate) requests: BTreeMap<String, u64>,
}
