//! Gatehouse sandbox: a local, in-memory emulator of the four partner APIs Gatehouse brokers
//! tokens for (Stream, OmniRetain, Streamdiver, PowerEPOS), plus a control surface for tests.
//!
//! The shapes come from the partner documents via [`gatehouse_core::contract`]; where the
//! documents are silent (paths, error bodies, ids) the choices are written down in the crate's
//! README. Everything lives in memory behind one mutex; ids are deterministic (`onb_1`,
//! `org_1`, `loc_1`), tokens and codes are 32 random bytes, base64url.
//!
//! ```
//! use gatehouse_sandbox::{app, Config};
//! let router: axum::Router = app(Config::new("http://127.0.0.1:8790"));
//! # let _ = router;
//! ```
//!
//! Layout, by partner and flow: [`credentials`] (the documented defaults), `stream/` (oauth,
//! tokens, sso, onboarding, locations, orgs), `omniretain`, `streamdiver`, `powerepos`,
//! `pages` (consent and white-label landing pages), `control` (the `/_control` surface) and
//! `faults` (injected failures and per-route counters).
#![warn(missing_docs)]

use axum::extract::Request;
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;

mod control;
pub mod credentials;
mod error;
mod faults;
mod http;
mod jwt;
mod omniretain;
mod pages;
mod powerepos;
mod state;
mod stream;
mod streamdiver;

pub use state::AppState;

/// How the sandbox presents itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The base URL clients reach the sandbox at (no trailing slash); used to build
    /// `entry_url`, PowerEPOS `svc` URIs and token issuers.
    pub public_url: String,
    /// Write one line per request to stderr: method, path without query string, status.
    pub log_requests: bool,
}

impl Config {
    /// A configuration with the given public URL and request logging off.
    pub fn new(public_url: impl Into<String>) -> Self {
        let public_url = public_url.into().trim_end_matches('/').to_owned();
        Self {
            public_url,
            log_requests: false,
        }
    }
}

impl Default for Config {
    fn default() -> Self {
        Self::new("http://127.0.0.1:8790")
    }
}

/// The whole sandbox as one router, with fresh state.
pub fn app(config: Config) -> Router {
    router(AppState::new(config))
}

/// The whole sandbox as one router over the given state.
pub fn router(state: AppState) -> Router {
    let log = state.config().log_requests;
    let router = Router::new()
        .merge(stream::routes(&state))
        .merge(pages::routes(&state))
        .merge(omniretain::routes(&state))
        .merge(streamdiver::routes(&state))
        .merge(powerepos::routes(&state))
        .merge(control::routes())
        .fallback(error::no_route)
        .with_state(state);
    if log {
        router.layer(middleware::from_fn(log_request))
    } else {
        router
    }
}

/// Logs method, path (never the query string, which may hold a code) and status. Nothing
/// else: no headers, no bodies.
async fn log_request(req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_owned();
    let response = next.run(req).await;
    eprintln!("{method} {path} {}", response.status().as_u16());
    response
}
