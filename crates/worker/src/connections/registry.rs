//! The operators' list of every organization's connections (docs/connections.md): a row per
//! connection (id, template, organization, creation time; never a value) under `c:<id>` in the
//! storage of one object, answered a page at a time in id order.
//!
//! The object is an instance of the organizations' class (`OrgOnboarding`) under the reserved
//! name [`NAME`]: organization ids cannot contain `@` (`validate::valid_id`), so it is no
//! organization's. A class of its own cost the worker 7.3 KB (gzip) for a second copy of the
//! object protocol; this one shares the organizations' (plain rows: `OrgMessage::Rows`,
//! answered in `onboarding/org/rows.rs`).

use crate::error::ApiError;
use crate::onboarding::org::Rows;
use gatehouse_core::connections::{ConnectionPage, ConnectionSummary};
use worker::Env;

/// The registry's object name (an organization id never contains `@`).
pub const NAME: &str = "@connections";

/// Key prefix of the registry's rows.
const PREFIX: &str = "c:";

/// Records a new connection.
pub async fn add(env: &Env, entry: ConnectionSummary) -> Result<(), ApiError> {
    let text = serde_json::to_string(&entry).map_err(|e| ApiError::Internal(e.to_string()))?;
    let op = Rows::put(format!("{PREFIX}{}", entry.id), text);
    crate::onboarding::ask_raw(env, NAME, &op).await.map(|_| ())
}

/// Forgets a deleted connection.
pub async fn remove(env: &Env, id: &str) -> Result<(), ApiError> {
    let op = Rows::delete(format!("{PREFIX}{id}"));
    crate::onboarding::ask_raw(env, NAME, &op).await.map(|_| ())
}

/// One page after connection `after`, in key (id) order.
pub async fn page(
    env: &Env,
    after: Option<String>,
    limit: usize,
) -> Result<ConnectionPage, ApiError> {
    // Keys sort as strings: the first key after `c:<after>` is `c:<after>\0`.
    let op = Rows::list(
        PREFIX.to_owned(),
        after.map(|a| format!("{PREFIX}{a}\0")),
        Some(limit + 1),
    );
    let rows = crate::onboarding::ask_raw(env, NAME, &op).await?;
    let mut connections: Vec<ConnectionSummary> = serde_json::from_slice(&rows)
        .map_err(|e| ApiError::Internal(format!("connection registry: {e}")))?;
    let next_cursor = if connections.len() > limit {
        connections.truncate(limit);
        connections.last().map(|c| c.id.clone())
    } else {
        None
    };
    Ok(ConnectionPage {
        connections,
        next_cursor,
    })
}
