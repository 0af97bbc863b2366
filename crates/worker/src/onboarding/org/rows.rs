//! Plain rows for the registries that live in an instance of this class under a reserved `@`
//! name (`crate::keys`): JSON text stored and answered as it is, so the object reads none of it
//! (the worker's one reader of each row type does).

use super::{ok, OrgOnboarding};
use crate::error::ApiError;
use crate::onboarding::OrgMessage;

fn failed(e: worker::Error) -> ApiError {
    ApiError::StorageUnavailable(format!("rows: {e}"))
}

impl OrgOnboarding {
    /// Answers the row messages (`Ok(answer)`); any other message is handed back.
    pub(super) async fn rows(
        &self,
        op: OrgMessage,
    ) -> Result<Result<Vec<u8>, OrgMessage>, ApiError> {
        let storage = self.state.storage();
        Ok(Ok(match op {
            OrgMessage::RowPut { key, text } => {
                storage.put(&key, text).await.map_err(failed)?;
                ok(&true)?
            }
            // The row's text, or `null`.
            OrgMessage::RowGet { key } => storage
                .get::<String>(&key)
                .await
                .map_err(failed)?
                .map_or_else(|| b"null".to_vec(), String::into_bytes),
            OrgMessage::RowDelete { key } => {
                let existed = storage.get::<String>(&key).await.map_err(failed)?.is_some();
                storage.delete(&key).await.map_err(failed)?;
                ok(&existed)?
            }
            // Every row under the prefix, in key order, as one JSON array.
            OrgMessage::RowList {
                prefix,
                start,
                limit,
            } => {
                let mut options = worker::ListOptions::new().prefix(&prefix);
                if let Some(start) = &start {
                    options = options.start(start);
                }
                if let Some(limit) = limit {
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
                out
            }
            other => return Ok(Err(other)),
        }))
    }
}
