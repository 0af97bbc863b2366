//! `GET /api/health`: liveness, version and mode.

use gatehouse_core::api::Health;
use worker::{Env, Response};

/// Answers the health document.
pub fn get(env: &Env) -> Response {
    crate::http::json(
        200,
        &Health {
            status: "ok".into(),
            service: "gatehouse".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            mode: crate::config::mode(env),
        },
    )
}
