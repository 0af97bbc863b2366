//! The typed Rust client (usable from other wasm crates; [`crate::js`] wraps it for JavaScript).

use gatehouse_core::api::{ErrorBody, Health};
use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;

/// Why a call to the worker did not give the typed answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ClientError {
    /// The worker answered with its JSON error body (a stable `code`).
    #[error("gatehouse answered {status}: {}", body.code)]
    Api {
        /// HTTP status.
        status: u16,
        /// The error body.
        body: ErrorBody,
    },
    /// The request did not reach the worker, or its answer could not be read.
    #[error("network error: {0}")]
    Network(String),
    /// The worker answered something that is not the documented shape.
    #[error("unexpected answer: {0}")]
    Decode(String),
}

impl ClientError {
    /// Whether trying again later may succeed.
    pub fn retryable(&self) -> bool {
        match self {
            Self::Api { body, .. } => body.retryable,
            Self::Network(_) => true,
            Self::Decode(_) => false,
        }
    }
}

/// A client bound to one Gatehouse deployment.
#[derive(Debug, Clone)]
pub struct Client {
    base: String,
}

impl Client {
    /// A client for the worker at `base_url` (e.g. `https://gatehouse.example.com`, or `""` for
    /// same-origin pages served by the worker itself).
    pub fn new(base_url: &str) -> Self {
        Self {
            base: base_url.trim_end_matches('/').to_owned(),
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// `GET /api/health`.
    pub async fn health(&self) -> Result<Health, ClientError> {
        let resp = Request::get(&self.url("/api/health"))
            .send()
            .await
            .map_err(|e| ClientError::Network(e.to_string()))?;
        read(resp).await
    }

    /// `GET` any API path and decode the documented answer type.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ClientError> {
        let resp = Request::get(&self.url(path))
            .send()
            .await
            .map_err(|e| ClientError::Network(e.to_string()))?;
        read(resp).await
    }
}

async fn read<T: DeserializeOwned>(resp: Response) -> Result<T, ClientError> {
    let status = resp.status();
    let text = resp
        .text()
        .await
        .map_err(|e| ClientError::Network(e.to_string()))?;
    if (200..300).contains(&status) {
        serde_json::from_str(&text).map_err(|e| ClientError::Decode(e.to_string()))
    } else {
        match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) => Err(ClientError::Api { status, body }),
            Err(_) => Err(ClientError::Api {
                status,
                body: ErrorBody {
                    code: "unexpected_response".into(),
                    message: format!("HTTP {status}"),
                    retryable: status >= 500 || status == 429,
                },
            }),
        }
    }
}
