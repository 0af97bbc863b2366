//! Stream Partner API under `/stream`: the OAuth token endpoint ([`oauth`]), partner tokens
//! ([`tokens`]), white-label SSO ([`sso`]), onboarding integrations ([`onboarding`]),
//! onboarding locations ([`locations`]) and organizations ([`orgs`]). Stream's memory and
//! sub-state are in [`data`]; every endpoint but the token endpoint takes a Bearer access token
//! with the right scope ([`auth`]).

pub(crate) mod auth;
pub(crate) mod data;
pub(crate) mod locations;
pub(crate) mod oauth;
pub(crate) mod onboarding;
pub(crate) mod orgs;
pub(crate) mod sso;
pub(crate) mod tokens;

use crate::faults::{named, Faults};
use axum::routing::{get, patch, post};
use axum::Router;
use data::StreamState;

pub(crate) fn routes(faults: &Faults) -> Router<StreamState> {
    Router::new()
        .route(
            "/stream/oauth/token",
            named(faults, "stream.token", post(oauth::token)),
        )
        .route(
            "/stream/partner-tokens",
            named(
                faults,
                "stream.partner_tokens",
                get(tokens::list).post(tokens::create),
            ),
        )
        .route(
            "/stream/partner-tokens/{token_id}",
            named(
                faults,
                "stream.partner_tokens",
                patch(tokens::rename).delete(tokens::delete),
            ),
        )
        .route(
            "/stream/white-label/generate-session",
            named(faults, "stream.sso", post(sso::generate_session)),
        )
        .route(
            "/stream/organizations",
            named(faults, "stream.orgs", post(orgs::create)),
        )
        .route(
            "/stream/organizations/{id}/locations",
            named(faults, "stream.orgs", get(orgs::locations)),
        )
        .route(
            "/stream/onboarding/integrations",
            named(faults, "stream.onboarding.init", post(onboarding::init)),
        )
        .route(
            "/stream/onboarding/integrations/{id}",
            named(faults, "stream.onboarding.status", get(onboarding::status)),
        )
        .route(
            "/stream/onboarding/integrations/{id}/complete",
            named(
                faults,
                "stream.onboarding.complete",
                post(onboarding::complete),
            ),
        )
        // The same operations under other paths, as a Stream API version with different paths
        // would have them: for deployments that set the Stream credential's `paths`.
        .route(
            "/stream/v2/onboardings",
            named(faults, "stream.v2", post(onboarding::init)),
        )
        .route(
            "/stream/v2/onboardings/{id}",
            named(faults, "stream.v2", get(onboarding::status)),
        )
        .route(
            "/stream/v2/onboardings/{id}/complete",
            named(faults, "stream.v2", post(onboarding::complete)),
        )
        .route(
            "/stream/onboarding/integrations/{id}/revoke",
            named(faults, "stream.onboarding.revoke", post(onboarding::revoke)),
        )
        .route(
            "/stream/onboarding/locations",
            named(faults, "stream.locations", get(locations::list)),
        )
        .route(
            "/stream/onboarding/locations/ingest",
            named(faults, "stream.locations", post(locations::ingest)),
        )
        .route(
            "/stream/onboarding/locations/bind",
            named(faults, "stream.locations", post(locations::bind)),
        )
}
