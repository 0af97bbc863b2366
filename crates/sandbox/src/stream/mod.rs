//! Stream Partner API under `/stream`: the OAuth token endpoint ([`oauth`]), partner tokens
//! ([`tokens`]), white-label SSO ([`sso`]), onboarding integrations ([`onboarding`]),
//! onboarding locations ([`locations`]) and organizations ([`orgs`]). Every endpoint but the
//! token endpoint takes a Bearer access token with the right scope ([`authorize`]).

pub(crate) mod locations;
pub(crate) mod oauth;
pub(crate) mod onboarding;
pub(crate) mod orgs;
pub(crate) mod sso;
pub(crate) mod tokens;

use crate::error::ApiError;
use crate::faults::named;
use crate::http::bearer;
use crate::state::{now_ms, AppState};
use axum::http::HeaderMap;
use axum::routing::{get, patch, post};
use axum::Router;
use gatehouse_core::contract::stream::{
    GenerateSessionRequest, Location, Onboarding, PartnerToken, Scope,
};
use std::collections::HashMap;

pub(crate) fn routes(state: &AppState) -> Router<AppState> {
    Router::new()
        .route(
            "/stream/oauth/token",
            named(state, "stream.token", post(oauth::token)),
        )
        .route(
            "/stream/partner-tokens",
            named(
                state,
                "stream.partner_tokens",
                get(tokens::list).post(tokens::create),
            ),
        )
        .route(
            "/stream/partner-tokens/{token_id}",
            named(
                state,
                "stream.partner_tokens",
                patch(tokens::rename).delete(tokens::delete),
            ),
        )
        .route(
            "/stream/white-label/generate-session",
            named(state, "stream.sso", post(sso::generate_session)),
        )
        .route(
            "/stream/organizations",
            named(state, "stream.orgs", post(orgs::create)),
        )
        .route(
            "/stream/organizations/{id}/locations",
            named(state, "stream.orgs", get(orgs::locations)),
        )
        .route(
            "/stream/onboarding/integrations",
            named(state, "stream.onboarding.init", post(onboarding::init)),
        )
        .route(
            "/stream/onboarding/integrations/{id}",
            named(state, "stream.onboarding.status", get(onboarding::status)),
        )
        .route(
            "/stream/onboarding/integrations/{id}/complete",
            named(
                state,
                "stream.onboarding.complete",
                post(onboarding::complete),
            ),
        )
        // The same operations under other paths, as a Stream API version with different paths
        // would have them: for deployments that set the Stream credential's `paths`.
        .route(
            "/stream/v2/onboardings",
            named(state, "stream.v2", post(onboarding::init)),
        )
        .route(
            "/stream/v2/onboardings/{id}",
            named(state, "stream.v2", get(onboarding::status)),
        )
        .route(
            "/stream/v2/onboardings/{id}/complete",
            named(state, "stream.v2", post(onboarding::complete)),
        )
        .route(
            "/stream/onboarding/integrations/{id}/revoke",
            named(state, "stream.onboarding.revoke", post(onboarding::revoke)),
        )
        .route(
            "/stream/onboarding/locations",
            named(state, "stream.locations", get(locations::list)),
        )
        .route(
            "/stream/onboarding/locations/ingest",
            named(state, "stream.locations", post(locations::ingest)),
        )
        .route(
            "/stream/onboarding/locations/bind",
            named(state, "stream.locations", post(locations::bind)),
        )
}

/// An access or refresh token's grant.
#[derive(Debug, Clone)]
pub(crate) struct Grant {
    pub(crate) client_id: String,
    pub(crate) scopes: Vec<Scope>,
    pub(crate) expires_at_ms: u64,
}

/// A one-time white-label login.
#[derive(Debug, Clone)]
pub(crate) struct SsoSession {
    pub(crate) user: GenerateSessionRequest,
    pub(crate) partner_id: Option<String>,
    pub(crate) expires_at_ms: u64,
    pub(crate) redeemed: bool,
}

/// An organization created through the API.
#[derive(Debug, Clone)]
pub(crate) struct Org {
    pub(crate) id: String,
    /// Shown on the consent page.
    pub(crate) name: String,
}

/// A consent code issued by the consent page for one onboarding.
#[derive(Debug, Clone)]
pub(crate) struct ConsentCode {
    pub(crate) onboarding_id: String,
    pub(crate) expires_at_ms: u64,
}

/// A location and the organization it belongs to.
#[derive(Debug, Clone)]
pub(crate) struct LocationRecord {
    pub(crate) org_id: String,
    pub(crate) location: Location,
}

/// Stream's memory.
#[derive(Debug, Default)]
pub(crate) struct StreamData {
    pub(crate) access: HashMap<String, Grant>,
    pub(crate) refresh: HashMap<String, Grant>,
    /// In creation order.
    pub(crate) partner_tokens: Vec<PartnerToken>,
    pub(crate) sso: HashMap<String, SsoSession>,
    pub(crate) orgs: Vec<Org>,
    pub(crate) onboardings: HashMap<String, Onboarding>,
    pub(crate) consent_codes: HashMap<String, ConsentCode>,
    /// In creation order.
    pub(crate) locations: Vec<LocationRecord>,
}

impl StreamData {
    /// Drops every refresh token of a client; returns how many.
    pub(crate) fn revoke_refresh_tokens(&mut self, client_id: &str) -> usize {
        let before = self.refresh.len();
        self.refresh.retain(|_, g| g.client_id != client_id);
        before - self.refresh.len()
    }

    pub(crate) fn org_exists(&self, org_id: &str) -> bool {
        self.orgs.iter().any(|o| o.id == org_id)
    }
}

/// Checks the Bearer access token and that it carries one of `any_of`.
pub(crate) fn authorize(
    state: &AppState,
    headers: &HeaderMap,
    any_of: &[Scope],
) -> Result<(), ApiError> {
    let Some(token) = bearer(headers) else {
        return Err(ApiError::invalid_token("missing Bearer access token"));
    };
    let grant = state.with(|s| {
        let now = now_ms();
        match s.stream.access.get(token) {
            Some(g) if g.expires_at_ms > now => Ok(g.clone()),
            Some(_) => {
                s.stream.access.remove(token);
                Err(ApiError::invalid_token("access token expired"))
            }
            None => Err(ApiError::invalid_token("unknown access token")),
        }
    })?;
    if !any_of.is_empty() && !any_of.iter().any(|needed| grant.scopes.contains(needed)) {
        let names: Vec<&str> = any_of.iter().map(Scope::as_str).collect();
        return Err(ApiError::insufficient_scope(&names.join(" ")));
    }
    Ok(())
}

/// The scopes onboarding, location and organization endpoints accept.
pub(crate) const ONBOARDING_SCOPES: &[Scope] = &[Scope::Onboarding, Scope::LegacyOnboarding];
