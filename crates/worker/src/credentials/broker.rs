//! The Durable Object that holds one credential's token.
//!
//! This first slice obtains a Stream client-credentials token and caches it in memory until it
//! expires; single-flight, refresh, encrypted storage and the other providers are the token
//! broker's work (see `docs/architecture.md`).

use crate::config::StreamCredential;
use crate::error::ApiError;
use futures_util::future::{select, Either};
use gatehouse_core::api::CredentialStatus;
use gatehouse_core::secret::AccessToken;
use gatehouse_core::tokens::{parse_token_response, TokenError};
use std::cell::{Cell, RefCell};
use std::time::Duration;
use worker::{
    durable_object, AbortController, Date, Delay, DurableObject, Env, Fetch, Headers, Method,
    Request, RequestInit, Response, Result, State,
};

/// Every upstream call gives up after this long.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(10);
/// Lifetime assumed when the partner does not state one (Stream's maximum).
const DEFAULT_LIFETIME_S: u64 = 3600;

struct Held {
    #[allow(dead_code)] // used by the proxy in the token-broker work
    token: AccessToken,
    expires_at_ms: u64,
    scopes: Vec<String>,
}

/// One per credential, named by the credential id.
#[durable_object]
pub struct CredentialBroker {
    #[allow(dead_code)]
    state: State,
    env: Env,
    held: RefCell<Option<Held>>,
    upstream_calls: Cell<u64>,
}

impl DurableObject for CredentialBroker {
    fn new(state: State, env: Env) -> Self {
        Self {
            state,
            env,
            held: RefCell::new(None),
            upstream_calls: Cell::new(0),
        }
    }

    async fn fetch(&self, req: Request) -> Result<Response> {
        let id = req
            .path()
            .trim_start_matches('/')
            .split('/')
            .next()
            .unwrap_or_default()
            .to_owned();
        Ok(match self.status(&id).await {
            Ok(s) => crate::http::json(200, &s),
            Err(e) => e.into_response(),
        })
    }
}

impl CredentialBroker {
    async fn status(&self, id: &str) -> std::result::Result<CredentialStatus, ApiError> {
        let now = Date::now().as_millis();
        let fresh = self
            .held
            .borrow()
            .as_ref()
            .is_some_and(|h| h.expires_at_ms > now);
        if !fresh {
            let held = self.obtain().await?;
            *self.held.borrow_mut() = Some(held);
        }
        let held = self.held.borrow();
        let (expires_in_s, scopes) = match held.as_ref() {
            Some(h) => (
                Some(h.expires_at_ms.saturating_sub(now) / 1000),
                h.scopes.clone(),
            ),
            None => (None, Vec::new()),
        };
        Ok(CredentialStatus {
            credential: id.to_owned(),
            provider: "stream".into(),
            state: "valid".into(),
            expires_in_s,
            scopes,
            upstream_token_calls: self.upstream_calls.get(),
        })
    }

    async fn obtain(&self) -> std::result::Result<Held, ApiError> {
        let cred = StreamCredential::from_env(&self.env)?;
        let body = serde_json::json!({
            "grant_type": "client_credentials",
            "client_id": cred.client_id,
            "client_secret": cred.client_secret.expose(),
            "scopes": ["user", "onboarding", "sso"],
        });
        let headers = Headers::new();
        headers.set("content-type", "application/json")?;
        let mut init = RequestInit::new();
        init.with_method(Method::Post)
            .with_headers(headers)
            .with_body(Some(body.to_string().into()));
        let url = format!("{}/oauth/token", cred.api_base.trim_end_matches('/'));
        let request = Request::new_with_init(&url, &init)?;

        self.upstream_calls.set(self.upstream_calls.get() + 1);
        let controller = AbortController::default();
        let signal = controller.signal();
        let call = Box::pin(async {
            let mut resp = Fetch::Request(request).send_with_signal(&signal).await?;
            let status = resp.status_code();
            let bytes = resp.bytes().await?;
            Ok::<_, worker::Error>((status, bytes))
        });
        let (status, bytes) = match select(call, Delay::from(UPSTREAM_TIMEOUT)).await {
            Either::Left((result, _)) => result
                .map_err(|e| ApiError::PartnerUnavailable(format!("token call failed: {e}")))?,
            Either::Right(_) => {
                controller.abort();
                return Err(ApiError::PartnerUnavailable("token call timed out".into()));
            }
        };
        let received_ms = Date::now().as_millis();
        match parse_token_response(status, &bytes) {
            Ok(set) => Ok(Held {
                expires_at_ms: received_ms + set.expires_in.unwrap_or(DEFAULT_LIFETIME_S) * 1000,
                scopes: set.scopes,
                token: set.access_token,
            }),
            Err(e @ TokenError::OAuth { .. }) if status < 500 && status != 429 => {
                Err(ApiError::PartnerRejected(e.to_string()))
            }
            Err(e) => Err(ApiError::PartnerUnavailable(e.to_string())),
        }
    }
}
