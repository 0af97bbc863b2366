//! The operators' list of every organization's connections (docs/connections.md): a row per
//! connection (id, template, organization, creation time; never a value) under `c:<id>` in the
//! storage of one object, answered a page at a time in id order.
//!
//! The object is an instance of the organizations' class (`OrgOnboarding`) under the reserved
//! name [`NAME`]: organization ids cannot contain `@` (`validate::valid_id`), so it is no
//! organization's. A class of its own cost the worker 7.3 KB (gzip) for a second copy of the
//! object protocol; this one shares the organizations' (`OrgMessage::Register`, `Unregister`,
//! `Page`, answered in `onboarding/org/mod.rs`).

use crate::error::ApiError;
use crate::onboarding::OrgMessage;
use gatehouse_core::connections::ConnectionSummary;
use worker::Env;

/// The registry's object name (an organization id never contains `@`).
pub const NAME: &str = "@connections";

/// Records a new connection.
pub async fn add(env: &Env, entry: ConnectionSummary) -> Result<(), ApiError> {
    crate::onboarding::ask_raw(env, NAME, &OrgMessage::Register { entry })
        .await
        .map(|_| ())
}

/// Forgets a deleted connection.
pub async fn remove(env: &Env, id: &str) -> Result<(), ApiError> {
    let op = OrgMessage::Unregister { id: id.to_owned() };
    crate::onboarding::ask_raw(env, NAME, &op).await.map(|_| ())
}

/// One page (a `ConnectionPage`, as the registry wrote it) after connection `after`.
pub async fn page(env: &Env, after: Option<String>, limit: usize) -> Result<Vec<u8>, ApiError> {
    crate::onboarding::ask_raw(env, NAME, &OrgMessage::Page { after, limit }).await
}
