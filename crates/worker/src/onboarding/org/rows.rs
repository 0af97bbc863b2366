//! Plain rows for the registries that live in an instance of this class under a reserved `@`
//! name (`crate::keys`, `connections::registry`): JSON text stored and answered as it is, so the
//! object reads none of it (the worker's one reader of each row type does).

use super::{ok, OrgOnboarding};
use crate::error::ApiError;
use crate::onboarding::OrgMessage;
use serde::{Deserialize, Serialize};

/// One row operation, chosen by which fields are set: `text` stores it under `key`; `delete`
/// removes `key` (answering whether it was there); `list` answers, as one JSON array, the rows
/// whose keys start with `key`, from key `start` on, at most `limit`; otherwise the row under
/// `key`, or `null`. (One flat message rather than four variants: a smaller reader.)
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Rows {
    key: String,
    text: Option<String>,
    delete: bool,
    list: bool,
    start: Option<String>,
    limit: Option<usize>,
}

impl Rows {
    /// Store `text` (JSON) under `key`.
    pub fn put(key: String, text: String) -> OrgMessage {
        OrgMessage::Rows(Self {
            key,
            text: Some(text),
            ..Self::default()
        })
    }

    /// The row under `key`, or `null`.
    pub fn get(key: String) -> OrgMessage {
        OrgMessage::Rows(Self {
            key,
            ..Self::default()
        })
    }

    /// Remove the row under `key`: `true` when there was one.
    pub fn delete(key: String) -> OrgMessage {
        OrgMessage::Rows(Self {
            key,
            delete: true,
            ..Self::default()
        })
    }

    /// The rows under `prefix`, in key order, from `start` on, at most `limit`.
    pub fn list(prefix: String, start: Option<String>, limit: Option<usize>) -> OrgMessage {
        OrgMessage::Rows(Self {
            key: prefix,
            list: true,
            start,
            limit,
            ..Self::default()
        })
    }
}

fn failed(e: worker::Error) -> ApiError {
    ApiError::StorageUnavailable(format!("rows: {e}"))
}

impl OrgOnboarding {
    /// Answers the row messages (`Ok(answer)`); any other message is handed back.
    pub(super) async fn rows(
        &self,
        op: OrgMessage,
    ) -> Result<Result<Vec<u8>, OrgMessage>, ApiError> {
        let OrgMessage::Rows(op) = op else {
            return Ok(Err(op));
        };
        let storage = self.state.storage();
        if let Some(text) = op.text {
            storage.put(&op.key, text).await.map_err(failed)?;
            return Ok(Ok(ok(&true)?));
        }
        if op.list {
            let mut options = worker::ListOptions::new().prefix(&op.key);
            if let Some(start) = &op.start {
                options = options.start(start);
            }
            if let Some(limit) = op.limit {
                options = options.limit(limit);
            }
            let rows = storage.list_with_options(options).await.map_err(failed)?;
            let mut out = b"[".to_vec();
            for value in rows.values() {
                let text = value.ok().and_then(|v| v.as_string()).unwrap_or_default();
                if !text.is_empty() {
                    if out.len() > 1 {
                        out.push(b',');
                    }
                    out.extend_from_slice(text.as_bytes());
                }
            }
            out.push(b']');
            return Ok(Ok(out));
        }
        let text = storage.get::<String>(&op.key).await.map_err(failed)?;
        if op.delete {
            storage.delete(&op.key).await.map_err(failed)?;
            return Ok(Ok(ok(&text.is_some())?));
        }
        Ok(Ok(text.map_or_else(|| b"null".to_vec(), String::into_bytes)))
    }
}
