//! Stream's onboarding API through the broker's token (`ONBOARDING_CREDENTIAL`, default
//! `stream`): JSON in, JSON out, partner errors mapped to Gatehouse's stable codes.

use crate::credentials;
use crate::error::{ApiError, ErrorCode};
use gatehouse_core::contract::stream_paths::StreamPaths;
use gatehouse_core::outbound::Outbound;
use gatehouse_core::tokens::profile::Credential;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::rc::Rc;
use worker::Env;

/// The Stream credential used for onboarding calls.
pub struct Stream<'a> {
    env: &'a Env,
    cred: Rc<Credential>,
}

impl<'a> Stream<'a> {
    /// The configured credential, or a clear misconfiguration.
    pub fn new(env: &'a Env) -> Result<Self, ApiError> {
        let id =
            crate::config::var(env, "ONBOARDING_CREDENTIAL").unwrap_or_else(|| "stream".into());
        let cred = credentials::find(env, &id)
            .map_err(|e| ApiError::Misconfigured(e.to_string()))?
            .ok_or_else(|| {
                ApiError::Misconfigured(format!("ONBOARDING_CREDENTIAL \"{id}\" is not configured"))
            })?;
        Ok(Self { env, cred })
    }

    /// Where Stream's operations live (the credential's `paths`, today's paths by default).
    pub fn paths(&self) -> &StreamPaths {
        &self.cred.stream_paths
    }

    /// `method path` with an optional JSON body; decodes the documented answer.
    pub async fn json<B: Serialize, T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: Option<&B>,
    ) -> Result<T, ApiError> {
        let bytes = body
            .map(serde_json::to_vec)
            .transpose()
            .map_err(|e| ApiError::Internal(e.to_string()))?;
        let text = self.call(method, path, bytes).await?;
        serde_json::from_slice(&text).map_err(|e| {
            ApiError::PartnerUnavailable(format!("{method} {path}: not the documented JSON: {e}"))
        })
    }

    /// The one (non-generic) call: the 2xx answer's bytes, or the mapped error.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Vec<u8>, ApiError> {
        let has_body = body.is_some();
        let bytes = body.unwrap_or_default();
        let (answer, _) = credentials::call_partner(
            self.env,
            &self.cred,
            |token| {
                let url = format!("{}{path}", token.api_base.trim_end_matches('/'));
                let mut b = Outbound::new(method, url)
                    .header("authorization", format!("Bearer {}", token.access_token))
                    .header("accept", "application/json");
                if has_body {
                    b = b.header("content-type", "application/json");
                }
                b.body(bytes.clone())
            },
            None,
        )
        .await?;
        let status = answer.status;
        let text = answer
            .bytes()
            .await
            .map_err(|t| ApiError::PartnerUnavailable(format!("{method} {path}: {t}")))?;
        if (200..300).contains(&status) {
            return Ok(text);
        }
        if status == 429 || status >= 500 {
            return Err(ApiError::PartnerUnavailable(format!(
                "{method} {path} answered {status}"
            )));
        }
        let code = serde_json::from_slice::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["error"].as_str().map(str::to_owned))
            .unwrap_or_default();
        // Partner error codes passed on as they are (the same words in Gatehouse's API).
        match ErrorCode::FROM_PARTNER.iter().find(|r| r.as_str() == code) {
            Some(r) => Err(ApiError::Refused(*r)),
            None if status == 409 => Err(ApiError::Refused(ErrorCode::Conflict)),
            None if status == 400 => Err(ApiError::InvalidRequest(format!(
                "{method} {path} answered 400 {code:.64}"
            ))),
            None => Err(ApiError::PartnerRejected(format!(
                "{method} {path} answered {status} {code:.64}"
            ))),
        }
    }
}
