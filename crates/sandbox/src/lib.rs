//! Gatehouse sandbox: a local, in-memory emulator of the four partner APIs Gatehouse brokers
//! tokens for (Stream, OmniRetain, Streamdiver, PowerEPOS), plus a control surface for tests.
//!
//! The shapes come from the partner documents via [`gatehouse_core::contract`]; where the
//! documents are silent (paths, error bodies, ids) the choices are written down in the crate's
//! README. Everything lives in memory, each part (a partner's memory, the settings, the fault
//! rules, the counters) behind its own mutex; ids are deterministic (`onb_1`, `org_1`,
//! `loc_1`), tokens and codes are 32 random bytes, base64url.
//!
//! ```
//! use gatehouse_sandbox::{app, Config};
//! let router: axum::Router = app(Config::new("http://127.0.0.1:8790"));
//! # let _ = router;
//! ```
//!
//! Layout:
//! - `partners/`: one module per partner, each served with its own sub-state: `stream/`
//!   (`oauth`, `tokens`, `sso`, `onboarding`, `locations`, `orgs`; `data` holds Stream's memory
//!   and sub-state, `auth` its Bearer check), `omniretain`, `streamdiver`, `powerepos`.
//! - `pages`: Stream's consent page and white-label SSO landing page.
//! - `control`: the `/_control` surface.
//! - `state`: the aggregate [`AppState`]; [`router`] serves each partner's routes with its
//!   sub-state, taken out of the aggregate through axum's `FromRef`.
//! - What partners share, importing no partner and not the aggregate: `partner_state` (the
//!   generic sub-state: a partner's memory plus handles on the settings, counters, public URL
//!   and JWT key), `faults` (named routes: counting and injected failures), `settings`,
//!   `counters`, `shared` (a value behind its own mutex), `clock`, `ids`, `secrets` (random
//!   tokens and the register of issued ones), `jwt`, `http` (request parsing), `error` (the two
//!   error shapes), [`credentials`] (the documented defaults) and `config` ([`Config`]).
#![warn(missing_docs)]

use axum::extract::{FromRef, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;

mod clock;
mod config;
mod control;
mod counters;
pub mod credentials;
mod error;
mod faults;
mod http;
mod ids;
mod jwt;
mod pages;
mod partner_state;
mod partners;
mod secrets;
mod settings;
mod shared;
mod state;

pub use config::Config;
pub use state::AppState;

/// The whole sandbox as one router, with fresh state.
pub fn app(config: Config) -> Router {
    router(AppState::new(config))
}

/// The whole sandbox as one router over the given state.
pub fn router(state: AppState) -> Router {
    let log = state.config().log_requests;
    let faults = &state.faults;
    let router = Router::new()
        .merge(with_sub_state(partners::stream::routes(faults), &state))
        .merge(with_sub_state(pages::routes(faults), &state))
        .merge(with_sub_state(partners::omniretain::routes(faults), &state))
        .merge(with_sub_state(
            partners::streamdiver::routes(faults),
            &state,
        ))
        .merge(with_sub_state(partners::powerepos::routes(faults), &state))
        .merge(control::routes())
        .fallback(error::no_route)
        .with_state(state);
    if log {
        router.layer(middleware::from_fn(log_request))
    } else {
        router
    }
}

/// Serves routes whose handlers extract a sub-state with that sub-state, taken from the
/// aggregate through `FromRef`.
fn with_sub_state<T>(routes: Router<T>, state: &AppState) -> Router<AppState>
where
    T: FromRef<AppState> + Clone + Send + Sync + 'static,
{
    routes.with_state(T::from_ref(state))
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
